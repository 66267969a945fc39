/*
 * demo.h - the demo region: a scenario of the Trondheim region built from
 * its own reference tables (IKAP landfills, MEF 2020 surplus per
 * municipality), shipped as data/demo/trondheim.json. The assumptions that
 * fill the gaps in the tables are listed in docs/demo-region.md.
 */
#ifndef MB_PLAN_DEMO_H
#define MB_PLAN_DEMO_H

#include "core/error.h"

/* Build the demo scenario as JSON text (caller frees); NULL with err set
 * if the reference tables cannot be loaded. */
char *mb_demo_trondheim(struct mb_error *err);

/* The Bærum estimate's scenario as JSON text (caller frees):
 * docs/baerum-estimate.md lists every figure and assumption. */
char *mb_demo_baerum(struct mb_error *err);

/* What the 300,000 t CO2e claim of Bærum Ressursbank asks of the Bærum
 * plan: the plan's saving per tonne reused against the one the claim
 * needs, and what the reuse share, the haul to today's landfills or the
 * production factor of virgin aggregate would have to be for it (each
 * alone, the others as planned). */
struct mb_claim {
    double claim_kg, surplus_t, reused_t, saving_kg;
    double per_t, per_t_needed;          /* kg CO2e per tonne reused */
    double share_needed;                 /* of the surplus, at per_t */
    double landfill_km, landfill_km_needed;
    double production, production_needed; /* kg CO2e per t of crushed aggregate */
    double loads_claimed, t_per_load_claimed;
};
struct mb_scenario;
struct mb_plan;
void mb_demo_baerum_claim(const struct mb_scenario *s, const struct mb_plan *p,
                          struct mb_claim *c);

#endif
