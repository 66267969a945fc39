/*
 * plan.h - the result of planning a scenario: every flow, per-site and
 * per-month figures, and the totals of the plan, of today's practice (the
 * baseline) and the savings between them (docs/plan-format.md).
 *
 * Units: tonnes, km, NOK, kg CO2. Truckloads are counted from tonnes and
 * the payload, a whole truck per started load on each flow and month.
 */
#ifndef MB_PLAN_PLAN_H
#define MB_PLAN_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "plan/account.h"
#include "plan/scenario.h"
#include "plan/tradeoff.h"
#include "plan/uncertainty.h"
#include "plan/whatif.h"

struct mb_totals {
    double objective;  /* cost_nok + co2 price x co2 (t) */
    double cost_nok;   /* transport, fees, processing, storage, virgin material,
                          and what goes out of or comes from outside the region */
    double co2_kg;     /* kg CO2e under the scenario's boundary */
    double co2_transport_kg, co2_handling_kg, co2_production_kg; /* co2_kg in parts */
    double overflow_cost_nok, overflow_co2_kg; /* the part of cost and CO2 outside
                                                  the region (unplaced and unmet) */
    double tonne_km;   /* loaded tonne-km, hauls out of the region included */
    double truckloads; /* loaded trips */
    double movements;  /* truck movements: loaded trips and empty returns */
    double vehicle_km; /* km driven, loaded and empty */
    double landfill_t;
    double landfill_fm3; /* landfill volume used, solid m3 */
    double landfill_pm3; /* the same placed (compacted) in the landfill, m3 */
    double landfill_all_t; /* landfilled anywhere: in the region and outside it */
    double virgin_t;     /* from quarries */
    double reused_t;     /* delivered to needs from sources, storage, plants */
    double unplaced_t;   /* surplus nobody in the region takes (sent out, or stranded) */
    double stranded_t;   /* of it, contaminated masses with nowhere to go at all */
    double unmet_t;      /* need neither reuse nor a quarry could cover */
};

struct mb_flow {
    size_t from, to;   /* site indexes */
    int month;         /* serial month */
    int material, cls;
    double t, km, cost_nok, co2_kg, truckloads;
};

struct mb_shortfall {
    size_t site;
    int month;
    double t;
};

struct mb_plan {
    struct mb_flow *flows;
    size_t nflows;
    struct mb_totals totals, baseline, savings; /* savings = baseline - totals */
    struct mb_totals *months, *baseline_months;  /* per horizon month */
    int nmonths;
    struct mb_shortfall *unplaced; /* per source and month */
    size_t nunplaced;
    struct mb_shortfall *unmet;    /* per need and month */
    size_t nunmet;
    struct mb_flow *baseline_flows;
    size_t nbaseline_flows;
    struct mb_shortfall *baseline_unplaced; /* per source and month, today's practice */
    size_t nbaseline_unplaced;
    struct mb_activity activity, baseline_activity; /* what the figures count */
    struct mb_uncertainty uncertainty; /* ranges and sensitivity of the savings */
    struct mb_tradeoff tradeoff;       /* filled by the caller (mb_tradeoff_run), n = 0 if not */
    /* solver statistics */
    size_t rows, cols, nonzeros;
    double solver_objective; /* the solver's optimum, in the objective's own terms */
    double build_seconds, solve_seconds;
    int iterations;
    int components;  /* independent parts of the LP */
    int network_parts; /* of them, networks solved by the network simplex */
    size_t warm_matched; /* what-if: rows and columns whose status was kept, 0 cold */
    bool delta_model;    /* what-if: the model was built from the last one */
};

/* Options for planning. */
struct mb_plan_options {
    FILE *write_lp;     /* if set, the LP is written here before solving */
    FILE *write_dimacs; /* if set, the transport network in DIMACS (see model.h) */
    /* may be NULL; words: the line's template and values (core/error.h) */
    void (*progress)(const char *line, const struct mb_words *words, void *ctx);
    void *progress_ctx;
    int pricing;        /* enum mb_pricing: 0 auto, 1 never, 2 always */
    int draws;          /* Monte Carlo draws for the ranges; 0: the default, <0: none */
    unsigned long long seed; /* of the draws; 0: the default (runs repeat) */
    /* What-if planning (whatif.h): if set, the solve starts from the basis
     * this state keeps (cold while it keeps none) and leaves its own final
     * basis there for the next plan. */
    struct mb_whatif *whatif;
    bool no_baseline;   /* the plan only: no baseline, savings or ranges (what-if) */
};

/* Plan a scenario: build the model, solve it exactly, compute the baseline
 * and the savings. The caller releases *plan. */
int mb_plan_run(const struct mb_scenario *s, const struct mb_plan_options *opt,
                struct mb_plan *plan, struct mb_error *err);

void mb_plan_release(struct mb_plan *plan);

/* The plan as a JSON object (docs/plan-format.md) without its "forecast"
 * (report/plan_report.h adds it); the caller owns the reference. */
json_t *mb_plan_json_value(const struct mb_scenario *s, const struct mb_plan *plan);

/* Masses nobody in the region places go to a landfill outside it, and
 * needs nobody in it covers are bought outside it, at their real cost
 * (account.h). Only masses the landfill outside does not take either
 * (condition class above MB_OUTSIDE_MAX_CLASS: contaminated masses need a
 * licensed receiver the scenario must name; a material that needs an
 * approval, acid-forming rock, needs an approved receiver) have nowhere to
 * go: they carry this penalty in the solver, are reported as stranded, and
 * are not valued in cost or CO2. mb_plan_may_leave_region is that rule,
 * for the plan, its accounting and the baseline alike. */
#define MB_PENALTY_NOK_PER_T 1e6
#define MB_OUTSIDE_MAX_CLASS 1

bool mb_plan_may_leave_region(const struct mb_scenario *s, const struct mb_site *source);

#endif
