/*
 * plan_json.c - a plan as JSON, "massebank-plan/1" (docs/plan-format.md),
 * without the landfill forecast, which the report layer adds
 * (report/plan_report.h: the plan module does not reach up to reports).
 */
#include <jansson.h>
#include <stdlib.h>

#include "core/alloc.h"
#include "domain/material.h"
#include "domain/month.h"
#include "plan/account.h"
#include "plan/plan.h"

static json_t *totals_json(const struct mb_totals *t)
{
    json_t *o = json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}",
        "objective", t->objective, "cost_nok", t->cost_nok, "co2_kg", t->co2_kg,
        "tonne_km", t->tonne_km, "truckloads", t->truckloads,
        "landfill_t", t->landfill_t, "landfill_fm3", t->landfill_fm3,
        "virgin_t", t->virgin_t, "reused_t", t->reused_t,
        "unplaced_t", t->unplaced_t, "unmet_t", t->unmet_t);
    json_object_update_new(o, json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f}",
        "landfill_pm3", t->landfill_pm3, "landfill_all_t", t->landfill_all_t,
        "stranded_t", t->stranded_t,
        "movements", t->movements, "vehicle_km", t->vehicle_km,
        "co2_transport_kg", t->co2_transport_kg, "co2_handling_kg", t->co2_handling_kg,
        "co2_production_kg", t->co2_production_kg,
        "out_of_region_cost_nok", t->overflow_cost_nok,
        "out_of_region_co2_kg", t->overflow_co2_kg));
    return o;
}

static json_t *band_json(const struct mb_band *b)
{
    return json_pack("{s:f,s:f,s:f}", "low", b->low, "central", b->central, "high",
                     b->high);
}

static const char *const origin_names[] = { "register", "scenario", "vehicle" };

/* The factors the figures rest on, with their values in this scenario. */
static json_t *factors_json(const struct mb_scenario *s)
{
    const struct mb_factor_info *reg = mb_factor_register(NULL);
    json_t *a = json_array();
    for (int i = 0; reg && i < MB_F_COUNT; i++) {
        const struct mb_factor_info *r = &reg[i];
        const struct mb_factor_range *v = &s->factors.v[i];
        json_array_append_new(a, json_pack(
            "{s:s,s:s,s:s,s:f,s:f,s:f,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s}", "key", r->key,
            "name_en", r->name_en, "name_nb", r->name_nb, "low", v->low, "central",
            v->central, "high", v->high, "unit", r->unit, "unit_nb", r->unit_nb,
            "status", mb_status_word(r->status),
            "origin", origin_names[s->factors.origin[i]], "source", r->source,
            "publisher", r->publisher, "year", r->year, "url", r->url));
    }
    return a;
}

/* What the figures count and how (docs/climate-method.md). */
static json_t *method_json(const struct mb_scenario *s, const struct mb_plan *p)
{
    const struct mb_transport *tr = &s->transport;
    json_t *mix = json_object();
    for (int f = 0; f < MB_FUEL_COUNT; f++)
        if (tr->fuel_mix[f] > 0)
            json_object_set_new(mix, mb_fuel_name(f), json_real(tr->fuel_mix[f]));
    json_t *m = json_pack(
        "{s:s,s:s,s:o,s:s,s:[s,s,s,s,s,s],s:s,s:{s:f,s:f,s:f},s:{s:i,s:I,s:s,s:[i,i]}}",
        "objective", mb_objective_name(s->objective),
        "boundary", mb_boundary_name(tr->boundary), "fuel_mix", mix,
        "vehicle", tr->vehicle[0] ? tr->vehicle : "truck_trailer",
        "counted",
        "transport: a fixed part per load (loading, tipping, waiting), km loaded and km "
        "back empty; cost and CO2 count full loads, truckloads count every started load",
        "ferries: per crossing a ticket and the wait at the quay, per km on board the "
        "truck's time and its share of the ferry's emissions instead of driving",
        "handling at landfills and storage sites, crushing and screening at plants",
        "production of virgin material bought from quarries (A1-A3, per product)",
        "gate fees, processing, holding and quarry prices",
        "masses nobody in the region can place go to a landfill outside it, and needs "
        "nobody in the region covers are bought outside it, in the plan and today's "
        "practice alike",
        "not_counted", "excavation and loading at the source (the same with and without "
        "the plan), building and running the sites, vehicle manufacture",
        "out_of_region", "landfill_km", s->factors.v[MB_F_OVERFLOW_KM].central,
        "gate_fee_nok_per_t", s->factors.v[MB_F_OVERFLOW_FEE].central, "quarry_km",
        s->factors.v[MB_F_OVERFLOW_QUARRY_KM].central,
        "ranges", "draws", p->uncertainty.draws, "seed",
        (json_int_t)p->uncertainty.seed, "distribution", "triangular (low, central, high)",
        "percentiles", 5, 95);
    json_object_set_new(m, "factors", factors_json(s));
    return m;
}

static json_t *uncertainty_json(const struct mb_uncertainty *u, json_t **sensitivity)
{
    json_t *r = json_object(), *sv = json_object(), *pl = json_object(),
           *bl = json_object();
    *sensitivity = json_object();
    for (int m = 0; m < MB_M_COUNT; m++) {
        json_object_set_new(sv, mb_metric_name(m), band_json(&u->saving[m]));
        json_object_set_new(pl, mb_metric_name(m), band_json(&u->plan[m]));
        json_object_set_new(bl, mb_metric_name(m), band_json(&u->baseline[m]));
        json_t *a = json_array();
        for (int k = 0; k < u->nswing[m]; k++)
            json_array_append_new(a, json_pack("{s:s,s:f,s:f}", "factor",
                mb_factor_key(u->swing[m][k].factor), "saving_at_low",
                u->swing[m][k].at_low, "saving_at_high", u->swing[m][k].at_high));
        json_object_set_new(*sensitivity, mb_metric_name(m), a);
    }
    json_object_set_new(r, "savings", sv);
    json_object_set_new(r, "plan", pl);
    json_object_set_new(r, "baseline", bl);
    return r;
}

static json_t *flow_json(const struct mb_scenario *s, const struct mb_flow *f)
{
    char month[8];
    mb_month_format(f->month, month);
    enum mb_km_kind kind = mb_scenario_km_kind(s, f->from, f->to, NULL);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:f,s:f,s:f,s:f,s:f,s:f,s:s}",
        "from", s->sites[f->from].id, "from_kind", mb_site_kind_name(s->sites[f->from].kind),
        "to", s->sites[f->to].id, "to_kind", mb_site_kind_name(s->sites[f->to].kind),
        "month", month, "material", s->catalog.items[f->material].code,
        "class", f->cls, "tonnes", f->t, "km", f->km, "tonne_km", f->t * f->km,
        "truckloads", f->truckloads, "cost_nok", f->cost_nok, "co2_kg", f->co2_kg,
        "km_source", mb_km_kind_name(kind));
    double ferry_km;
    int crossings = mb_scenario_ferry(s, f->from, f->to, &ferry_km);
    if (ferry_km > 0) {
        json_object_set_new(o, "ferry_km", json_real(ferry_km));
        json_object_set_new(o, "ferry_crossings", json_integer(crossings));
    }
    return o;
}

/* Tonne-km of the flows by the kind of their distance: how much of a
 * figure rests on road distances and how much on the estimate. */
static json_t *km_kinds_json(const struct mb_scenario *s, const struct mb_flow *f, size_t n)
{
    double tkm[MB_KM_KIND_COUNT] = { 0 }, ferry = 0;
    for (size_t i = 0; i < n; i++) {
        double ferry_km;
        tkm[mb_scenario_km_kind(s, f[i].from, f[i].to, NULL)] += f[i].t * f[i].km;
        mb_scenario_ferry(s, f[i].from, f[i].to, &ferry_km);
        ferry += f[i].t * ferry_km;
    }
    json_t *o = json_object();
    /* The part of the road tonne-km on ferries: priced per crossing and
     * per km on board, with the ferry's emissions (docs/climate-method.md). */
    json_object_set_new(o, "ferry_tonne_km", json_real(ferry));
    for (int k = 0; k < MB_KM_KIND_NONE; k++) {
        char key[32];
        snprintf(key, sizeof key, "%s_tonne_km", mb_km_kind_name(k));
        json_object_set_new(o, key, json_real(tkm[k]));
    }
    return o;
}

static json_t *shortfalls_json(const struct mb_scenario *s,
                               const struct mb_shortfall *x, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char month[8];
        mb_month_format(x[i].month, month);
        json_array_append_new(a, json_pack("{s:s,s:s,s:f}", "site", s->sites[x[i].site].id,
                                           "month", month, "tonnes", x[i].t));
    }
    return a;
}

/* Which solver found the optimum: the network simplex for the parts that
 * are networks (network.h), Clp for the rest. */
static const char *solver_name(const struct mb_plan *p)
{
    if (p->network_parts <= 0)
        return "Clp (COIN-OR) simplex";
    return p->network_parts >= p->components ? "network simplex (massebank)"
                                             : "network simplex (massebank) and Clp (COIN-OR) simplex";
}

json_t *mb_plan_json_value(const struct mb_scenario *s, const struct mb_plan *p)
{
    char from[8], to[8];
    mb_month_format(s->from, from);
    mb_month_format(s->to, to);
    json_t *flows = json_array(), *bflows = json_array(), *months = json_array(),
           *sites = json_array();
    for (size_t i = 0; i < p->nflows; i++)
        json_array_append_new(flows, flow_json(s, &p->flows[i]));
    for (size_t i = 0; i < p->nbaseline_flows; i++)
        json_array_append_new(bflows, flow_json(s, &p->baseline_flows[i]));
    for (int t = 0; t < p->nmonths; t++) {
        char m[8];
        mb_month_format(s->from + t, m);
        json_array_append_new(months, json_pack("{s:s,s:o,s:o}", "month", m,
            "plan", totals_json(&p->months[t]),
            "baseline", totals_json(&p->baseline_months[t])));
    }
    /* Per site: tonnes in and out, unplaced and unmet. */
    double *in = mb_xcalloc(s->nsites + 1, sizeof *in);
    double *out = mb_xcalloc(s->nsites + 1, sizeof *out);
    double *un = mb_xcalloc(s->nsites + 1, sizeof *un);
    for (size_t i = 0; i < p->nflows; i++) {
        out[p->flows[i].from] += p->flows[i].t;
        in[p->flows[i].to] += p->flows[i].t;
    }
    for (size_t i = 0; i < p->nunplaced; i++)
        un[p->unplaced[i].site] += p->unplaced[i].t;
    for (size_t i = 0; i < p->nunmet; i++)
        un[p->unmet[i].site] += p->unmet[i].t;
    /* Today's practice per surplus and need: its tonnes and their CO2, in
     * the region (the baseline's flows, quarry production included) and
     * outside it (a surplus's unplaced tonnes to a landfill outside, a
     * need's unmet tonnes from a quarry outside; stranded masses are not
     * valued, as in the totals). */
    double *bt = mb_xcalloc(s->nsites + 1, sizeof *bt);
    double *bc = mb_xcalloc(s->nsites + 1, sizeof *bc);
    for (size_t i = 0; i < p->nbaseline_flows; i++) {
        const struct mb_flow *f = &p->baseline_flows[i];
        size_t end = s->sites[f->from].kind == MB_SITE_SOURCE ? f->from : f->to;
        bt[end] += f->t;
        bc[end] += f->co2_kg;
    }
    double nok, rate;
    mb_account_overflow_rate(s, &nok, &rate);
    for (size_t i = 0; i < p->nbaseline_unplaced; i++) {
        const struct mb_shortfall *x = &p->baseline_unplaced[i];
        bt[x->site] += x->t;
        if (mb_plan_may_leave_region(s, &s->sites[x->site]))
            bc[x->site] += x->t * rate;
    }
    for (size_t i = 0; i < s->nsites; i++) {
        if (s->sites[i].kind != MB_SITE_NEED || s->sites[i].amount_t <= bt[i] + 1e-9)
            continue;
        double unmet = s->sites[i].amount_t - bt[i];
        mb_account_import_rate(s, i, &nok, &rate);
        bt[i] += unmet;
        bc[i] += unmet * rate;
    }
    for (size_t i = 0; i < s->nsites; i++) {
        const struct mb_site *x = &s->sites[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:f,s:f,s:f,s:f,s:b}", "id", x->id,
            "name", x->name, "kind", mb_site_kind_name(x->kind), "lat", x->pos.lat,
            "lon", x->pos.lon, "in_t", in[i], "out_t", out[i],
            "approximate_position", x->approximate);
        if (x->kind == MB_SITE_SOURCE)
            json_object_set_new(o, "unplaced_t", json_real(un[i]));
        if (x->kind == MB_SITE_NEED)
            json_object_set_new(o, "unmet_t", json_real(un[i]));
        if (x->kind == MB_SITE_SOURCE || x->kind == MB_SITE_NEED)
            json_object_set_new(o, "baseline_co2_kg_per_t",
                                bt[i] > 1e-9 ? json_real(bc[i] / bt[i]) : json_null());
        json_array_append_new(sites, o);
    }
    free(in);
    free(out);
    free(un);
    free(bt);
    free(bc);
    json_t *root = json_pack(
        "{s:s,s:s,s:{s:s,s:s},s:{s:f,s:f,s:f,s:f,s:f,s:f},s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
        "s:o,s:o,s:{s:s,s:I,s:I,s:I,s:i,s:i,s:i,s:f,s:f,s:f}}",
        "format", "massebank-plan/1", "scenario", s->name,
        "horizon", "from", from, "to", to,
        "settings", "co2_price_nok_per_t", s->co2_price_nok_per_t,
        "payload_t", s->transport.payload_t, "cost_nok_per_tkm",
        s->transport.nok_per_tkm, "co2_kg_per_tkm", s->transport.co2_per_tkm,
        "detour_factor", s->transport.detour_factor, "max_km", s->transport.max_km,
        "totals", totals_json(&p->totals), "baseline", totals_json(&p->baseline),
        "savings", totals_json(&p->savings), "months", months, "sites", sites,
        "flows", flows, "baseline_flows", bflows,
        "unplaced", shortfalls_json(s, p->unplaced, p->nunplaced),
        "unmet", shortfalls_json(s, p->unmet, p->nunmet),
        "solver", "name", solver_name(p), "rows", (json_int_t)p->rows,
        "columns", (json_int_t)p->cols, "nonzeros", (json_int_t)p->nonzeros,
        "iterations", p->iterations, "components", p->components,
        "network_parts", p->network_parts,
        "objective_with_penalties", p->solver_objective,
        "build_seconds", p->build_seconds, "solve_seconds", p->solve_seconds);
    json_object_update_new(json_object_get(root, "settings"), json_pack(
        "{s:f,s:f,s:s,s:s,s:f,s:f,s:f}", "cost_nok_per_t", s->transport.nok_per_t,
        "co2_kg_per_t", s->transport.co2_per_t, "boundary",
        mb_boundary_name(s->transport.boundary), "objective", mb_objective_name(s->objective),
        "ferry_nok_per_t_crossing", s->transport.ferry_nok_per_t, "ferry_nok_per_tkm",
        s->transport.ferry_nok_per_tkm, "ferry_co2_kg_per_tkm", s->transport.ferry_co2_per_tkm));
    json_object_set_new(root, "method", method_json(s, p));
    json_object_set_new(root, "distances", json_pack("{s:o,s:o}", "plan",
        km_kinds_json(s, p->flows, p->nflows), "baseline",
        km_kinds_json(s, p->baseline_flows, p->nbaseline_flows)));
    if (p->uncertainty.draws > 0) {
        json_t *sens;
        json_object_set_new(root, "ranges", uncertainty_json(&p->uncertainty, &sens));
        json_object_set_new(root, "sensitivity", sens);
    }
    if (p->tradeoff.n > 0) {
        json_t *a = json_array();
        for (int k = 0; k < p->tradeoff.n; k++) {
            const struct mb_tradeoff_point *q = &p->tradeoff.points[k];
            json_t *o = json_pack("{s:s,s:f,s:f,s:f,s:f,s:f,s:f}", "objective",
                mb_objective_name(q->objective), "cost_nok", q->cost_nok, "co2_kg", q->co2_kg,
                "truckloads", q->truckloads, "landfill_fm3", q->landfill_fm3, "virgin_t",
                q->virgin_t, "unplaced_t", q->unplaced_t);
            json_object_set_new(o, "co2_price_nok_per_t",
                                q->co2_price >= 0 ? json_real(q->co2_price) : json_null());
            json_array_append_new(a, o);
        }
        json_object_set_new(root, "tradeoff", a);
    }
    return root;
}
