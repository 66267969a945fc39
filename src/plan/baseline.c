/*
 * baseline.c - today's practice, the yardstick of every plan: each source
 * sends its masses to the nearest landfill that takes them and has room
 * that year (then the next nearest), and each need buys from the nearest
 * quarry that offers a material it accepts. Nearest by the haul's cost
 * per tonne: by km where the way is all road, and a ferry crossing
 * counted at its ticket, wait and time on board (a haulier does not take
 * a ferry that costs more than the road round). The landfill and the quarry
 * outside the region (out_of_region) are candidates at their own
 * distance, with room for everything: what nobody nearer takes goes there. No reuse, no storage, no
 * plants. Months are served in order, and within a month sources and needs
 * in the order of the scenario, so the result is deterministic. Hauls
 * beyond the scenario's max_km are not made here either: the baseline and
 * the plan choose from the same arcs.
 */
#include "plan/baseline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/month.h"
#include "plan/grid.h"
#include "plan/model.h"

struct cand {
    size_t site;
    double nok, km; /* the haul's transport cost per tonne, and its km */
};

/* Nearest first: by haul cost, then km, then site. */
static int by_haul(const void *a, const void *b)
{
    const struct cand *x = a, *y = b;
    if (x->nok != y->nok)
        return x->nok < y->nok ? -1 : 1;
    if (x->km != y->km)
        return x->km < y->km ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site);
}

static void push_flow(struct mb_flow **flows, size_t *n, size_t *cap,
                      const struct mb_scenario *s, size_t a, size_t b, int serial,
                      int material, int cls, double t)
{
    *flows = mb_xgrow(*flows, cap, *n + 1, sizeof **flows);
    struct mb_flow *f = &(*flows)[(*n)++];
    double km, nok, co2;
    mb_arc_cost(s, a, b, material, &km, &nok, &co2);
    *f = (struct mb_flow){ a, b, serial, material, cls, t, km, t * nok, t * co2,
                           ceil(t / s->transport.payload_t - 1e-9) };
}

/* The material a quarry delivers to a need: the need's own if offered,
 * else the first accepted one it offers; -1 if none. */
static int delivered(const struct mb_scenario *s, const struct mb_site *q,
                     const struct mb_site *need)
{
    if (need->material >= 0 && q->accepts[need->material])
        return need->material;
    for (size_t k = 0; k < s->catalog.n; k++)
        if (q->accepts[k] && need->accepts[k])
            return (int)k;
    return -1;
}

struct gather {
    const struct mb_scenario *s;
    size_t i;
    struct cand *c;
    size_t n;
};

/* A landfill (for a source) or quarry (for a need) that may serve site i. */
static void gather_one(void *ctx, size_t r)
{
    struct gather *g = ctx;
    const struct mb_scenario *s = g->s;
    const struct mb_site *x = &s->sites[g->i], *y = &s->sites[r];
    bool ok = x->kind == MB_SITE_SOURCE
        ? y->kind == MB_SITE_LANDFILL && mb_site_takes(y, x->material, x->cls)
        : y->kind == MB_SITE_QUARRY && delivered(s, y, x) >= 0;
    if (!ok || y->to < x->from || y->from > x->to)
        return;
    double km, nok, co2;
    if (x->kind == MB_SITE_SOURCE)
        mb_scenario_haul(s, g->i, r, &km, &nok, &co2);
    else
        mb_scenario_haul(s, r, g->i, &km, &nok, &co2);
    if (km <= s->transport.max_km)
        g->c[g->n++] = (struct cand){ r, nok, km };
}

void mb_baseline_shortfall(const struct mb_scenario *s, const struct mb_shortfall *x,
                          bool unmet, struct mb_totals *t)
{
    double nok, co2, km;
    if (unmet) {
        mb_account_import_rate(s, x->site, &nok, &co2);
        km = s->factors.v[MB_F_OVERFLOW_QUARRY_KM].central;
        t->unmet_t += x->t;
    } else {
        t->unplaced_t += x->t;
        if (!mb_plan_may_leave_region(s, &s->sites[x->site])) {
            t->stranded_t += x->t; /* nowhere to go: not valued */
            return;
        }
        mb_account_overflow_rate(s, &nok, &co2);
        km = s->factors.v[MB_F_OVERFLOW_KM].central;
        t->landfill_all_t += x->t;
    }
    double loads = ceil(x->t / s->transport.payload_t - 1e-9);
    double transport = x->t * (s->transport.co2_per_t + km * s->transport.co2_per_tkm);
    t->cost_nok += x->t * nok;
    t->co2_kg += x->t * co2;
    t->co2_transport_kg += transport;
    if (unmet)
        t->co2_production_kg += x->t * co2 - transport;
    else
        t->co2_handling_kg += x->t * co2 - transport;
    t->vehicle_km += loads * km * (1 + s->factors.v[MB_F_EMPTY_RETURN].central);
    t->overflow_cost_nok += x->t * nok;
    t->overflow_co2_kg += x->t * co2;
    t->tonne_km += x->t * km;
    t->truckloads += loads;
    t->movements += loads * (1 + s->factors.v[MB_F_EMPTY_RETURN].central);
}

int mb_baseline_run(const struct mb_scenario *s, struct mb_plan *plan)
{
    int T = mb_scenario_months(s), y0 = mb_month_year(s->from);
    int Y = mb_month_year(s->to) - y0 + 1;
    /* capacity left per site and year, in the site's capacity unit */
    double *left = mb_xmalloc((s->nsites * (size_t)Y + 1) * sizeof *left);
    for (size_t i = 0; i < s->nsites; i++)
        for (int y = 0; y < Y; y++)
            left[i * (size_t)Y + (size_t)y] =
                mb_site_year_capacity(s, &s->sites[i], y0 + y);
    struct cand **cands = mb_xcalloc(s->nsites + 1, sizeof *cands);
    size_t *ncand = mb_xcalloc(s->nsites + 1, sizeof *ncand);
    struct mb_grid grid;
    mb_grid_build(&grid, s, s->transport.max_km);
    struct gather g = { s, 0, NULL, 0 };
    for (size_t i = 0; i < s->nsites; i++) {
        const struct mb_site *x = &s->sites[i];
        if (x->kind != MB_SITE_SOURCE && x->kind != MB_SITE_NEED)
            continue;
        g.i = i;
        g.c = cands[i] = mb_xmalloc((s->nsites + 1) * sizeof **cands);
        g.n = 0;
        mb_grid_near(&grid, s, i, gather_one, &g);
        ncand[i] = g.n;
        qsort(cands[i], ncand[i], sizeof **cands, by_haul);
    }
    mb_grid_release(&grid);
    size_t cap = 0, cap_u = 0;
    for (int t = 0; t < T; t++) {
        int serial = s->from + t;
        int y = mb_month_year(serial) - y0;
        for (size_t i = 0; i < s->nsites; i++) {
            const struct mb_site *x = &s->sites[i];
            if ((x->kind != MB_SITE_SOURCE && x->kind != MB_SITE_NEED) ||
                serial < x->from || serial > x->to)
                continue;
            double rest = x->amount_t / (x->to - x->from + 1);
            /* Nearest first; the landfill or quarry outside the region
             * (out_of_region) is a candidate at its own distance. */
            double outside = x->kind == MB_SITE_SOURCE
                ? (!mb_plan_may_leave_region(s, x) ? HUGE_VAL
                                                 : s->factors.v[MB_F_OVERFLOW_KM].central)
                : s->factors.v[MB_F_OVERFLOW_QUARRY_KM].central;
            double outside_nok = s->transport.nok_per_t + outside * s->transport.nok_per_tkm;
            for (size_t k = 0; k < ncand[i] && rest > 1e-9; k++) {
                const struct cand *c = &cands[i][k];
                if (c->nok > outside_nok || (c->nok == outside_nok && c->km > outside))
                    break;
                size_t r = cands[i][k].site;
                const struct mb_site *fac = &s->sites[r];
                if (serial < fac->from || serial > fac->to)
                    continue;
                int material = x->kind == MB_SITE_SOURCE ? x->material
                                                         : delivered(s, fac, x);
                double take = rest;
                double *room = &left[r * (size_t)Y + (size_t)y];
                double w = 1;
                bool limited = *room >= 0;
                if (limited) {
                    w = mb_capacity_weight(s, &fac->capacity, material);
                    if (*room / w < take)
                        take = *room / w;
                }
                if (take <= 1e-9)
                    continue;
                if (limited)
                    *room = fmax(0, *room - take * w);
                rest -= take;
                if (x->kind == MB_SITE_SOURCE)
                    push_flow(&plan->baseline_flows, &plan->nbaseline_flows, &cap, s, i,
                              r, serial, material, x->cls, take);
                else
                    push_flow(&plan->baseline_flows, &plan->nbaseline_flows, &cap, s, r,
                              i, serial, material, 1, take);
            }
            if (rest > 1e-9) {
                struct mb_totals *mt = &plan->baseline_months[t];
                struct mb_shortfall sf = { i, serial, rest };
                if (x->kind == MB_SITE_SOURCE) {
                    plan->baseline.unplaced_t += rest;
                    mb_account_unplaced(&plan->baseline_activity, s, i, rest);
                    mb_baseline_shortfall(s, &sf, false, mt);
                    plan->baseline_unplaced =
                        mb_xgrow(plan->baseline_unplaced, &cap_u,
                                 plan->nbaseline_unplaced + 1, sizeof *plan->baseline_unplaced);
                    plan->baseline_unplaced[plan->nbaseline_unplaced++] =
                        (struct mb_shortfall){ i, serial, rest };
                } else {
                    plan->baseline.unmet_t += rest;
                    mb_account_unmet(&plan->baseline_activity, s, i, rest);
                    mb_baseline_shortfall(s, &sf, true, mt);
                }
            }
        }
    }
    for (size_t i = 0; i < s->nsites; i++)
        free(cands[i]);
    free(cands);
    free(ncand);
    free(left);
    return 0;
}
