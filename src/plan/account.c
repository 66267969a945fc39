/*
 * account.c - recording what a plan does and valuing it under a set of
 * factor values (see account.h). The valuation is linear in the recorded
 * quantities, except the count of loads, which goes through every load.
 */
#include "plan/account.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/ferry.h"
#include "plan/model.h"
#include "plan/plan.h"

static void add_haul(struct mb_activity *a, double t, double km)
{
    a->loads = mb_xgrow(a->loads, &a->cap_loads, a->nloads + 1, sizeof *a->loads);
    a->loads[a->nloads++] = (struct mb_haul){ t, km };
}

/* A site's value: at its register factor, or its own. */
static void value_at(double *by_factor, double *own, int factor, double own_value,
                     double t)
{
    if (factor >= 0)
        by_factor[factor] += t;
    else
        *own += t * own_value;
}

void mb_account_flow(struct mb_activity *a, const struct mb_scenario *s, size_t from,
                     size_t to, int material, double t, double km)
{
    const struct mb_site *x = &s->sites[from], *y = &s->sites[to];
    a->moved_t += t;
    a->tkm += t * km;
    double ferry_km;
    int crossings = mb_scenario_ferry(s, from, to, &ferry_km);
    a->ferry_tkm += t * ferry_km;
    a->ferry_t_crossings += t * crossings;
    a->ferry_co2_tkm += t * mb_ferry_co2_km(ferry_km, crossings);
    add_haul(a, t, km);
    if (y->kind != MB_SITE_NEED) {
        value_at(a->fee_t, &a->own_nok, y->fee_factor, y->fee_nok_per_t, t);
        value_at(a->co2_t, &a->own_co2_handling, y->co2_factor, y->co2_kg_per_t, t);
    }
    if (x->kind == MB_SITE_QUARRY) {
        value_at(a->fee_t, &a->own_nok, x->fee_factor, x->fee_nok_per_t, t);
        int f = x->co2_factor == MB_CO2_BY_PRODUCT
                    ? (int)mb_production_factor(&s->catalog.items[material])
                    : -1;
        value_at(a->co2_t, &a->own_co2_production, f, x->co2_kg_per_t, t);
        a->virgin_t += t;
    } else if (y->kind == MB_SITE_NEED) {
        a->reused_t += t;
    }
    if (y->kind == MB_SITE_LANDFILL) {
        a->landfill_t += t;
        a->landfill_fm3 += t / s->catalog.items[material].density;
        a->landfill_pm3 += t * s->catalog.items[material].placed /
                           s->catalog.items[material].density;
    }
}

void mb_account_stock(struct mb_activity *a, const struct mb_scenario *s, size_t w,
                      double t)
{
    const struct mb_site *x = &s->sites[w];
    value_at(a->fee_t, &a->own_nok, x->holding_factor, x->holding_nok_per_t_month, t);
}

bool mb_plan_may_leave_region(const struct mb_scenario *s, const struct mb_site *source)
{
    return source->cls <= MB_OUTSIDE_MAX_CLASS &&
           !(source->material >= 0 && s->catalog.items[source->material].approval[0]);
}

void mb_account_unplaced(struct mb_activity *a, const struct mb_scenario *s, size_t source,
                         double t)
{
    if (!mb_plan_may_leave_region(s, &s->sites[source])) {
        a->stranded_t += t;
        return;
    }
    a->overflow_t += t;
    add_haul(a, t, -1); /* km: the overflow factor's, when valued */
}

void mb_account_unmet(struct mb_activity *a, const struct mb_scenario *s, size_t need,
                      double t)
{
    const struct mb_site *n = &s->sites[need];
    int material = n->material >= 0 ? n->material : 0;
    a->import_t += t;
    a->import_prod_t[mb_production_factor(&s->catalog.items[material])] += t;
    add_haul(a, t, -2); /* km: the import factor's */
}

void mb_account_release(struct mb_activity *a)
{
    if (!a)
        return;
    free(a->loads);
    memset(a, 0, sizeof *a);
}

void mb_account_value(const struct mb_activity *a, const struct mb_scenario *s,
                      const double *x, struct mb_totals *out)
{
    struct mb_rates r;
    mb_transport_rates(s, x, &r);
    double okm = x[MB_F_OVERFLOW_KM], ikm = x[MB_F_OVERFLOW_QUARRY_KM];
    double out_tkm = a->overflow_t * okm + a->import_t * ikm;
    double out_t = a->overflow_t + a->import_t;
    out->tonne_km = a->tkm + out_tkm;
    /* As mb_rates_haul, summed over the flows. */
    double road_tkm = a->tkm - a->ferry_tkm;
    double nok_transport = a->moved_t * r.nok_per_t + road_tkm * r.nok_per_tkm +
                           a->ferry_t_crossings * r.ferry_nok_per_t +
                           a->ferry_tkm * r.ferry_nok_per_tkm;
    double co2_transport = a->moved_t * r.co2_per_t + road_tkm * r.co2_per_tkm +
                           a->ferry_co2_tkm * r.ferry_co2_per_tkm;
    double nok = a->own_nok, co2_handling = 0, co2_production = 0;
    for (int i = 0; i < MB_F_COUNT; i++) {
        nok += a->fee_t[i] * x[i];
        if (!a->co2_t[i])
            continue;
        double kg = a->co2_t[i] * x[i] * mb_site_factor_scale(s, x, (enum mb_factor_id)i);
        if (i >= MB_F_PROD_CRUSHED && i <= MB_F_PROD_RECYCLED)
            co2_production += kg;
        else
            co2_handling += kg;
    }
    /* Own values do not vary with the register; a quarry's own EPD value
     * is production, the others handling. */
    co2_handling += a->own_co2_handling;
    co2_production += a->own_co2_production;
    /* Outside the region: the haul, the gate fee and handling there; or
     * the haul, the price and production of what is bought there. */
    double out_co2_transport = out_t * r.co2_per_t + out_tkm * r.co2_per_tkm;
    double out_handling = a->overflow_t * x[MB_F_LANDFILL_CO2] *
                          mb_site_factor_scale(s, x, MB_F_LANDFILL_CO2);
    double out_production = 0;
    for (int i = MB_F_PROD_CRUSHED; i <= MB_F_PROD_RECYCLED; i++)
        out_production += a->import_prod_t[i] * x[i];
    double out_nok = out_t * r.nok_per_t + out_tkm * r.nok_per_tkm +
                     a->overflow_t * x[MB_F_OVERFLOW_FEE] + a->import_t * x[MB_F_QUARRY_PRICE];
    out->overflow_cost_nok = out_nok;
    out->overflow_co2_kg = out_co2_transport + out_handling + out_production;
    out->cost_nok = nok_transport + nok + out_nok;
    out->co2_transport_kg = co2_transport + out_co2_transport;
    out->co2_handling_kg = co2_handling + out_handling;
    out->co2_production_kg = co2_production + out_production;
    out->co2_kg = out->co2_transport_kg + out->co2_handling_kg + out->co2_production_kg;
    double loads = 0, vkm = 0;
    for (size_t i = 0; i < a->nloads; i++) {
        const struct mb_haul *l = &a->loads[i];
        double n = ceil(l->t / r.payload_t - 1e-9);
        loads += n;
        vkm += n * (l->km == -1 ? okm : l->km == -2 ? ikm : l->km);
    }
    out->truckloads = loads;
    out->movements = loads * (1 + r.empty_share);
    out->vehicle_km = vkm * (1 + r.empty_share);
    out->stranded_t = a->stranded_t;
    out->landfill_all_t = a->landfill_t + a->overflow_t;
    out->landfill_t = a->landfill_t;
    out->landfill_fm3 = a->landfill_fm3;
    out->landfill_pm3 = a->landfill_pm3;
    out->virgin_t = a->virgin_t;
    out->reused_t = a->reused_t;
    out->objective = out->cost_nok + x[MB_F_CO2_PRICE] * out->co2_kg / 1000.0;
}

void mb_account_overflow_rate(const struct mb_scenario *s, double *nok, double *co2)
{
    const struct mb_factors *f = &s->factors;
    double km = f->v[MB_F_OVERFLOW_KM].central;
    double x[MB_F_COUNT];
    mb_factors_central(f, x);
    *nok = s->transport.nok_per_t + km * s->transport.nok_per_tkm +
           f->v[MB_F_OVERFLOW_FEE].central;
    *co2 = s->transport.co2_per_t + km * s->transport.co2_per_tkm +
           f->v[MB_F_LANDFILL_CO2].central * mb_site_factor_scale(s, x, MB_F_LANDFILL_CO2);
}

void mb_account_import_rate(const struct mb_scenario *s, size_t need, double *nok,
                            double *co2)
{
    const struct mb_factors *f = &s->factors;
    const struct mb_site *n = &s->sites[need];
    int material = n->material >= 0 ? n->material : 0;
    double km = f->v[MB_F_OVERFLOW_QUARRY_KM].central;
    *nok = s->transport.nok_per_t + km * s->transport.nok_per_tkm +
           f->v[MB_F_QUARRY_PRICE].central;
    *co2 = s->transport.co2_per_t + km * s->transport.co2_per_tkm +
           f->v[mb_production_factor(&s->catalog.items[material])].central;
}
