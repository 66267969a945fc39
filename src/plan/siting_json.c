/*
 * siting_json.c - the answer of a siting question (siting.h) as the
 * "siting" section of docs/siting.md, and the ranges of its climate and
 * money figures against opening none.
 *
 * The section is the one writer of a siting answer: the CLI's --json,
 * the regional plan job (beside "plan") and the documents all read it,
 * so a figure has one name everywhere. Amounts are in the units their
 * keys name (NOK, kg, t); a range is {"low", "central", "high"}, the 5th
 * and 95th percentile of paired draws around the central figure.
 *
 * The ranges pair the draws: the plan with the chosen candidates open
 * and the plan with none open are solved once at the central factors,
 * their flows fixed, and each draw of the factor register values both
 * (mb_uncertainty_run, which values a plan against today's practice the
 * same way), so what the choice saves moves only with what differs
 * between the two plans. The candidates' own cost and CO2 are the
 * planner's inputs, not register factors: taken off every draw as given.
 */
#include "plan/siting.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "plan/account.h"

static json_t *band(const struct mb_band *b)
{
    return json_pack("{s:f,s:f,s:f}", "low", b->low, "central", b->central, "high", b->high);
}

/* A plan's figures as the section gives them for "best" and "none". */
static json_t *figures(const struct mb_totals *t)
{
    return json_pack("{s:f,s:f,s:f,s:f,s:f,s:f}", "value_nok", t->objective, "cost_nok",
                     t->cost_nok, "co2_kg", t->co2_kg, "landfill_t", t->landfill_all_t,
                     "virgin_t", t->virgin_t, "truckloads", t->truckloads);
}

json_t *mb_siting_json(const struct mb_candidates *c, const struct mb_siting *r)
{
    json_t *cands = json_array();
    double years = r->years > 0 ? r->years : 1;
    for (size_t i = 0; i < c->n; i++) {
        const struct mb_candidate *x = &c->items[i];
        json_t *site = x->site;
        json_t *o = json_pack("{s:s,s:s,s:f,s:f,s:b,s:f,s:f,s:f,s:f,s:f}", "id", x->id,
                              "kind", x->kind, "lat", x->lat, "lon", x->lon,
                              "open", r->open[i], "nok_per_year", x->nok_per_year,
                              "opening_nok", x->opening_nok, "co2_kg_per_year",
                              x->co2_kg_per_year,
                              "own_nok", x->nok_per_year * r->years + x->opening_nok,
                              "own_co2_kg", x->co2_kg_per_year * r->years);
        /* Its name for readers, if the file gives one (else its id). */
        json_t *name = json_object_get(site, "name");
        json_object_set_new(o, "name", json_string(json_is_string(name) ? json_string_value(name)
                                                                        : x->id));
        json_t *cap = json_object_get(site, "capacity");
        json_object_set(o, "capacity", cap ? cap : json_null());
        /* What it brings with the others open, and the yearly cost at
         * which it would no longer pay; a closed one has neither. */
        json_object_set_new(o, "saving_nok", r->open[i] ? json_real(r->saving[i])
                                                        : json_null());
        json_object_set_new(o, "break_even_nok_per_year",
                            r->open[i] ? json_real(x->nok_per_year + r->saving[i] / years)
                                       : json_null());
        /* Its CO2 saving with the others open, with its range, once drawn. */
        json_object_set_new(o, "co2_saving_kg", r->open[i] && r->co2_saving_each_kg
                                ? band(&r->co2_saving_each_kg[i]) : json_null());
        json_array_append_new(cands, o);
    }
    size_t nopen = 0;
    for (size_t i = 0; i < c->n; i++)
        nopen += r->open[i];
    json_t *o = json_pack("{s:s,s:i,s:I,s:I,s:f,s:s,s:f,s:f,s:f,s:f,s:f,s:o,s:o,s:o}",
                          "format", "massebank-siting/1", "max_open", r->max_open, "opened",
                          (json_int_t)nopen, "subsets_planned", (json_int_t)r->subsets,
                          "years", r->years, "method", r->mip ? "mip" : "enumerate", "gap",
                          r->mip ? r->gap : 0.0, "value_nok", r->value, "value_none_nok",
                          r->value_none, "own_nok", r->own_nok, "own_co2_kg", r->own_co2_kg,
                          "candidates", cands, "best", figures(&r->best), "none",
                          figures(&r->none));
    /* What the choice saves against none, the candidates' own counted. */
    json_t *s = json_pack("{s:f,s:f,s:f,s:f,s:f}", "value_nok", r->value_none - r->value,
                          "cost_nok", r->none.cost_nok - r->best.cost_nok - r->own_nok,
                          "co2_kg", r->none.co2_kg - r->best.co2_kg - r->own_co2_kg,
                          "landfill_t", r->none.landfill_all_t - r->best.landfill_all_t,
                          "truckloads", r->none.truckloads - r->best.truckloads);
    if (r->draws > 0) {
        json_object_set_new(s, "co2_kg_range", band(&r->co2_saving_kg));
        json_object_set_new(s, "cost_nok_range", band(&r->cost_saving_nok));
        json_object_set_new(s, "draws", json_integer(r->draws));
        json_object_set_new(s, "seed", json_integer((json_int_t)r->seed));
    } else {
        json_object_set_new(s, "co2_kg_range", json_null());
        json_object_set_new(s, "cost_nok_range", json_null());
    }
    json_object_set_new(o, "saving", s);
    return o;
}

/* The plan of the candidates in mask, at the central factors. */
static int plan_of(const char *scenario, size_t len, const struct mb_candidates *c,
                   uint64_t mask, struct mb_scenario *s, struct mb_plan *plan,
                   struct mb_error *err)
{
    int rc = mb_siting_scenario(scenario, len, c, mask, s, err);
    if (rc)
        return rc;
    struct mb_plan_options opt = { 0 };
    opt.draws = -1;
    if ((rc = mb_plan_run(s, &opt, plan, err)) != 0)
        mb_scenario_release(s);
    return rc;
}

int mb_siting_ranges(const char *scenario, size_t scenario_len,
                     const struct mb_candidates *c, int draws, unsigned long long seed,
                     struct mb_siting *r, struct mb_error *err)
{
    if (draws < 1)
        return mb_error_set(err, MB_EINVAL, "draws", "must be at least 1");
    uint64_t mask = 0;
    for (size_t i = 0; i < c->n; i++)
        if (r->open[i])
            mask |= (uint64_t)1 << i;
    struct mb_scenario sb, sn;
    struct mb_plan best, none;
    int rc = plan_of(scenario, scenario_len, c, mask, &sb, &best, err);
    if (rc)
        return rc;
    if ((rc = plan_of(scenario, scenario_len, c, 0, &sn, &none, err)) != 0) {
        mb_plan_release(&best);
        mb_scenario_release(&sb);
        return rc;
    }
    /* Both valued with the scenario with the choice in it: the factors,
     * transport and settings are the region's, the same in both; what
     * the activities record per site was fixed when they were planned. */
    struct mb_uncertainty *u = mb_xmalloc(sizeof *u);
    seed = seed ? seed : MB_UNCERTAINTY_SEED;
    mb_uncertainty_run(&sb, &best.activity, &none.activity, draws, seed, u);
    r->draws = u->draws;
    r->seed = u->seed;
    struct mb_band co2 = u->saving[MB_M_CO2], nok = u->saving[MB_M_COST];
    r->co2_saving_kg = (struct mb_band){ co2.low - r->own_co2_kg, co2.central - r->own_co2_kg,
                                         co2.high - r->own_co2_kg };
    r->cost_saving_nok = (struct mb_band){ nok.low - r->own_nok, nok.central - r->own_nok,
                                           nok.high - r->own_nok };
    mb_plan_release(&none);
    mb_scenario_release(&sn);
    /* Each open candidate against the choice without it, the same draws. */
    free(r->co2_saving_each_kg);
    r->co2_saving_each_kg = mb_xcalloc(c->n + 1, sizeof *r->co2_saving_each_kg);
    for (size_t i = 0; i < c->n && !rc; i++) {
        if (!r->open[i])
            continue;
        struct mb_scenario sl;
        struct mb_plan less;
        if ((rc = plan_of(scenario, scenario_len, c, mask & ~((uint64_t)1 << i), &sl, &less,
                          err)) != 0)
            break;
        mb_uncertainty_run(&sb, &best.activity, &less.activity, draws, seed, u);
        double own = c->items[i].co2_kg_per_year * r->years;
        struct mb_band b = u->saving[MB_M_CO2];
        r->co2_saving_each_kg[i] = (struct mb_band){ b.low - own, b.central - own,
                                                     b.high - own };
        mb_plan_release(&less);
        mb_scenario_release(&sl);
    }
    free(u);
    mb_plan_release(&best);
    mb_scenario_release(&sb);
    if (rc) {
        free(r->co2_saving_each_kg);
        r->co2_saving_each_kg = NULL;
        r->draws = 0;
    }
    return rc;
}
