/*
 * siting.c - candidate sites for storage and plants, and the exact choice
 * of at most k of them by solving the region's plan for every subset (see
 * siting.h, docs/siting.md).
 */
#include "plan/siting.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"

#define MAX_CANDIDATES 60 /* subsets are bit masks of 64 bits */

static const char *const siting_keys[] = { "nok_per_year", "opening_nok", "co2_kg_per_year",
                                           NULL };

/* A siting figure of candidate i: absent, 0 (or a problem if required);
 * else a number from 0 to 1e10. */
static double number(struct mb_problems *p, json_t *o, const char *key, size_t i, bool required)
{
    json_t *v = json_object_get(o, key);
    char path[96];
    snprintf(path, sizeof path, "candidates[%zu].%s", i, key);
    if (!v) {
        if (required)
            mb_problems_add(p, path, "is required");
        return 0;
    }
    double x = json_number_value(v);
    if (!json_is_number(v) || !(x >= 0) || x > 1e10)
        mb_problems_add(p, path, "must be a number from 0 to 10000000000");
    return json_is_number(v) && x >= 0 ? x : 0;
}

/* The kinds a region places: storage sites and plants. */
static bool placed_kind(const char *kind)
{
    return kind && (strcmp(kind, "storage") == 0 || strcmp(kind, "plant") == 0);
}

/* The scenario (root) with the candidates in mask added to its sites,
 * parsed into *s; MB_EINVAL with every problem in *q otherwise. */
static int parse_with(json_t *root, const struct mb_candidates *c, uint64_t mask,
                      struct mb_scenario *s, struct mb_problems *q)
{
    json_t *r = json_deep_copy(root);
    json_t *sites = json_object_get(r, "sites");
    for (size_t i = 0; i < c->n; i++)
        if (mask >> i & 1)
            json_array_append(sites, c->items[i].site);
    char *text = json_dumps(r, JSON_COMPACT);
    json_decref(r);
    int rc = mb_scenario_parse(s, text, strlen(text), q);
    free(text);
    return rc;
}

int mb_siting_scenario(const char *scenario, size_t len, const struct mb_candidates *c,
                       uint64_t mask, struct mb_scenario *s, struct mb_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(scenario, len, 0, &je);
    if (!json_is_array(root ? json_object_get(root, "sites") : NULL)) {
        json_decref(root);
        return mb_error_set(err, MB_EINVAL, "scenario", "is not valid JSON with a list of "
                            "sites");
    }
    struct mb_problems q = { 0 };
    int rc = parse_with(root, c, mask, s, &q);
    json_decref(root);
    if (rc)
        rc = mb_error_set(err, MB_EINVAL, q.n ? q.items[0].path : "", "%s",
                          q.n ? q.items[0].message : "the scenario with candidates is invalid");
    mb_problems_release(&q);
    return rc;
}

static bool scenario_has(json_t *sites, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(sites, i, e) {
        const char *x = json_string_value(json_object_get(e, "id"));
        if (x && strcmp(x, id) == 0)
            return true;
    }
    return false;
}

/* The candidates' sites checked as sites of the scenario: all of them
 * added to it and parsed; a problem of site base + i is candidate i's. */
static void check_sites(json_t *root, size_t base, struct mb_candidates *c,
                        struct mb_problems *p)
{
    struct mb_scenario s;
    struct mb_problems q = { 0 };
    if (parse_with(root, c, ((uint64_t)1 << c->n) - 1, &s, &q) == 0) { /* n <= 60 */
        /* where each is, as the reader placed it (a municipality's point) */
        for (size_t i = 0; i < c->n && base + i < s.nsites; i++) {
            c->items[i].lat = s.sites[base + i].pos.lat;
            c->items[i].lon = s.sites[base + i].pos.lon;
        }
        mb_scenario_release(&s);
    } else {
        /* Each problem as the scenario named it (its words kept for the
         * reader's language), a candidate's under its own path. */
        for (size_t k = 0; k < q.n; k++) {
            unsigned long idx;
            int used = 0;
            char path[sizeof q.items[k].path + 16];
            if (sscanf(q.items[k].path, "sites[%lu]%n", &idx, &used) == 1 && idx >= base)
                snprintf(path, sizeof path, "candidates[%lu]%s", idx - base,
                         q.items[k].path + used);
            else
                mb_text_copy(path, sizeof path, q.items[k].path);
            p->items = mb_xgrow(p->items, &p->cap, p->n + 1, sizeof *p->items);
            p->items[p->n] = q.items[k];
            mb_text_copy(p->items[p->n].path, sizeof p->items[p->n].path, path);
            p->n++;
        }
    }
    mb_problems_release(&q);
}

int mb_candidates_parse(struct mb_candidates *c, const char *scenario, size_t scenario_len,
                        const char *text, size_t len, struct mb_problems *p)
{
    memset(c, 0, sizeof *c);
    memset(p, 0, sizeof *p);
    json_error_t je, se;
    json_t *root = json_loadb(text, len, 0, &je);
    json_t *scn = json_loadb(scenario, scenario_len, 0, &se);
    json_t *sites = scn ? json_object_get(scn, "sites") : NULL;
    if (!json_is_array(sites)) {
        mb_problems_add(p, "scenario", "is not valid JSON with a list of sites");
        goto out;
    }
    if (!json_is_object(root)) {
        if (root)
            mb_problems_add(p, "candidates file", "must be an object with \"format\" and "
                            "\"candidates\"");
        else
            mb_problems_add(p, "candidates file", "is not valid JSON: line %d, column %d: %.80s",
                            je.line, je.column, je.text);
        goto out;
    }
    /* A file may carry a note for its readers; nothing else unknown. */
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        (void)val;
        if (strcmp(key, "format") != 0 && strcmp(key, "candidates") != 0 &&
            strcmp(key, "note") != 0)
            mb_problems_add(p, key, "unknown field");
    }
    if (json_object_get(root, "note") && !json_is_string(json_object_get(root, "note")))
        mb_problems_add(p, "note", "must be text");
    const char *note = json_string_value(json_object_get(root, "note"));
    mb_text_copy(c->note, sizeof c->note, note ? note : "");
    const char *format = json_string_value(json_object_get(root, "format"));
    if (!format || strcmp(format, "massebank-candidates/1") != 0)
        mb_problems_add(p, "format", "must be \"massebank-candidates/1\"");
    json_t *list = json_object_get(root, "candidates");
    if (!json_is_array(list) || json_array_size(list) == 0 ||
        json_array_size(list) > MAX_CANDIDATES) {
        mb_problems_add(p, "candidates", "must be a list of 1 to %d candidate sites",
                        MAX_CANDIDATES);
        goto out;
    }
    c->items = mb_xcalloc(json_array_size(list), sizeof *c->items);
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        char path[64];
        snprintf(path, sizeof path, "candidates[%zu]", i);
        if (!json_is_object(e)) {
            mb_problems_add(p, path, "must be an object: a storage site or plant");
            continue;
        }
        struct mb_candidate *x = &c->items[c->n++];
        x->index = i;
        const char *id = json_string_value(json_object_get(e, "id"));
        bool plain = id && id[0] && strlen(id) < sizeof x->id;
        for (const char *q = id; plain && *q; q++)
            plain = (unsigned char)*q >= 0x20 && *q != 0x7f;
        if (id && !plain) {
            snprintf(path, sizeof path, "candidates[%zu].id", i);
            mb_problems_add(p, path, "must be 1 to %zu characters, no control characters",
                            sizeof x->id - 1);
            id = NULL;
        }
        const char *kind = json_string_value(json_object_get(e, "kind"));
        mb_text_copy(x->id, sizeof x->id, id ? id : "");
        mb_text_copy(x->kind, sizeof x->kind, kind ? kind : "");
        if (!placed_kind(kind)) {
            snprintf(path, sizeof path, "candidates[%zu].kind", i);
            mb_problems_add(p, path, "must be storage or plant: the sites a region places");
        }
        if (id && scenario_has(sites, id)) {
            snprintf(path, sizeof path, "candidates[%zu].id", i);
            mb_problems_add(p, path, "'%.60s' is a site of the scenario already", id);
        }
        for (size_t k = 0; id && k + 1 < c->n; k++)
            if (strcmp(c->items[k].id, id) == 0) {
                snprintf(path, sizeof path, "candidates[%zu].id", i);
                mb_problems_add(p, path, "'%.60s' is candidates[%zu] too", id,
                                c->items[k].index);
            }
        x->nok_per_year = number(p, e, "nok_per_year", i, true);
        x->opening_nok = number(p, e, "opening_nok", i, false);
        x->co2_kg_per_year = number(p, e, "co2_kg_per_year", i, false);
        x->site = json_deep_copy(e);
        for (const char *const *k = siting_keys; *k; k++)
            json_object_del(x->site, *k);
    }
    if (!p->n)
        check_sites(scn, json_array_size(sites), c, p);
out:
    json_decref(root);
    json_decref(scn);
    if (p->n) {
        mb_candidates_release(c);
        return MB_EINVAL;
    }
    return 0;
}

void mb_candidates_release(struct mb_candidates *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        json_decref(c->items[i].site);
    free(c->items);
    memset(c, 0, sizeof *c);
}

/* One subset's plan: its total (the plan's cost with CO2 at its price),
 * and its figures. */
struct solved {
    uint64_t mask;
    double plan_value;
    struct mb_totals totals;
};

static int solve(json_t *root, const struct mb_candidates *c, uint64_t mask, struct solved *out,
                 double *years, double *co2_price, struct mb_error *err)
{
    struct mb_scenario s;
    struct mb_problems q = { 0 };
    int rc = parse_with(root, c, mask, &s, &q);
    if (rc) {
        rc = mb_error_set(err, MB_EINVAL, q.n ? q.items[0].path : "", "%s",
                          q.n ? q.items[0].message : "the scenario with candidates is invalid");
        mb_problems_release(&q);
        return rc;
    }
    mb_problems_release(&q);
    struct mb_plan_options opt = { 0 };
    opt.draws = -1; /* the central figures: every subset is valued alike */
    struct mb_plan plan;
    rc = mb_plan_run(&s, &opt, &plan, err);
    if (!rc) {
        out->mask = mask;
        out->plan_value = plan.totals.objective;
        out->totals = plan.totals;
        mb_plan_release(&plan);
        *years = mb_scenario_months(&s) / 12.0;
        *co2_price = s.co2_price_nok_per_t;
    }
    mb_scenario_release(&s);
    return rc;
}

/* The candidates' own cost over the horizon, CO2 at its price. */
static double own(const struct mb_candidates *c, uint64_t mask, double years, double co2_price,
                  double *nok, double *co2)
{
    *nok = 0;
    *co2 = 0;
    for (size_t i = 0; i < c->n; i++)
        if (mask >> i & 1) {
            *nok += c->items[i].nok_per_year * years + c->items[i].opening_nok;
            *co2 += c->items[i].co2_kg_per_year * years;
        }
    return *nok + co2_price * *co2 / 1000.0;
}

static double choose(size_t n, int k)
{
    double r = 1;
    for (int i = 1; i <= k; i++)
        r = r * (double)(n - (size_t)k + (size_t)i) / i;
    return r;
}

int mb_siting_run(const char *scenario, size_t scenario_len, const struct mb_candidates *c,
                  int max_open, struct mb_siting *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    if (max_open < 1 || (size_t)max_open > c->n)
        return mb_error_set(err, MB_EINVAL, "max", "must be 1 to %zu, the number of "
                            "candidates", c->n);
    double count = 0;
    for (int i = 0; i <= max_open; i++)
        count += choose(c->n, i);
    if (count > MB_SITING_MAX_SUBSETS)
        return mb_error_set(err, MB_EINVAL, "max", "%.0f subsets of the candidates would be "
                            "planned, more than %d: give a smaller max or fewer candidates",
                            count, MB_SITING_MAX_SUBSETS);
    json_error_t je;
    json_t *root = json_loadb(scenario, scenario_len, 0, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return mb_error_set(err, MB_EINVAL, "scenario", "is not valid JSON");
    }
    struct solved *v = mb_xcalloc((size_t)count + 1, sizeof *v);
    size_t nv = 0;
    double years = 0, price = 0;
    int rc = 0;
    /* Every subset of at most max_open candidates, as bit masks in order
     * of size: the next combination of the same size by Gosper's rule. */
    for (int size = 0; size <= max_open && !rc; size++) {
        uint64_t mask = size ? ((uint64_t)1 << size) - 1 : 0;
        uint64_t end = (uint64_t)1 << c->n; /* n <= MAX_CANDIDATES < 64 */
        while (!rc && (size == 0 || mask < end)) {
            rc = solve(root, c, mask, &v[nv], &years, &price, err);
            if (!rc)
                nv++;
            if (size == 0)
                break;
            uint64_t low = mask & -mask, ripple = mask + low;
            mask = (((ripple ^ mask) >> 2) / low) | ripple;
        }
    }
    json_decref(root);
    if (rc) {
        free(v);
        return rc;
    }
    size_t best = 0;
    double best_value = INFINITY;
    for (size_t i = 0; i < nv; i++) {
        double nok, co2;
        double total = v[i].plan_value + own(c, v[i].mask, years, price, &nok, &co2);
        /* a smaller subset wins a tie (it comes first) */
        if (i == 0 || total < best_value - 1e-9 * fabs(best_value)) {
            best_value = total;
            best = i;
        }
    }
    out->n = c->n;
    out->max_open = max_open;
    out->subsets = nv;
    out->years = years;
    out->value = best_value;
    out->value_none = v[0].plan_value;
    out->best = v[best].totals;
    out->none = v[0].totals;
    own(c, v[best].mask, years, price, &out->own_nok, &out->own_co2_kg);
    out->open = mb_xcalloc(c->n + 1, sizeof *out->open);
    out->saving = mb_xcalloc(c->n + 1, sizeof *out->saving);
    for (size_t i = 0; i < c->n; i++) {
        if (!(v[best].mask >> i & 1))
            continue;
        out->open[i] = true;
        uint64_t without = v[best].mask & ~((uint64_t)1 << i);
        for (size_t k = 0; k < nv; k++)
            if (v[k].mask == without) {
                double nok, co2;
                out->saving[i] = v[k].plan_value + own(c, without, years, price, &nok, &co2) -
                                 best_value;
            }
    }
    free(v);
    return 0;
}

int mb_siting_without(const char *scenario, size_t len, const char *const *ids, size_t n,
                      char **out, size_t *out_len, struct mb_error *err)
{
    *out = NULL;
    *out_len = 0;
    json_error_t je;
    json_t *root = json_loadb(scenario, len, 0, &je);
    json_t *sites = root ? json_object_get(root, "sites") : NULL;
    if (!json_is_array(sites)) {
        json_decref(root);
        return mb_error_set(err, MB_EINVAL, "scenario", "is not valid JSON with a list of "
                            "sites");
    }
    for (size_t k = 0; k < n; k++) {
        bool found = false;
        for (size_t i = json_array_size(sites); i-- > 0;) {
            json_t *site = json_array_get(sites, i);
            const char *id = json_string_value(json_object_get(site, "id"));
            const char *kind = json_string_value(json_object_get(site, "kind"));
            if (id && strcmp(id, ids[k]) == 0) {
                if (!placed_kind(kind)) {
                    int rc = mb_error_set(err, MB_EINVAL, "without", "'%.60s' is not a storage "
                                          "site or plant: only those are taken out, to be "
                                          "given as candidates", ids[k]);
                    json_decref(root);
                    return rc;
                }
                json_array_remove(sites, i);
                found = true;
            }
        }
        if (!found) {
            json_decref(root);
            return mb_error_set(err, MB_EINVAL, "without", "the scenario has no site '%.60s' "
                                "(or it is given twice)", ids[k]);
        }
    }
    *out = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    *out_len = strlen(*out);
    return 0;
}

int mb_siting_evaluate(const char *scenario, size_t scenario_len,
                       const struct mb_candidates *c, const bool *open, int max_open,
                       struct mb_siting *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *root = json_loadb(scenario, scenario_len, 0, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return mb_error_set(err, MB_EINVAL, "scenario", "is not valid JSON");
    }
    uint64_t mask = 0;
    for (size_t i = 0; i < c->n; i++)
        if (open[i])
            mask |= (uint64_t)1 << i;
    double years = 0, price = 0, nok, co2;
    struct solved best, none, less;
    int rc = solve(root, c, mask, &best, &years, &price, err);
    if (!rc)
        rc = solve(root, c, 0, &none, &years, &price, err);
    out->n = c->n;
    out->max_open = max_open;
    out->open = mb_xcalloc(c->n + 1, sizeof *out->open);
    out->saving = mb_xcalloc(c->n + 1, sizeof *out->saving);
    if (!rc) {
        out->years = years;
        out->value = best.plan_value + own(c, mask, years, price, &out->own_nok,
                                           &out->own_co2_kg);
        out->value_none = none.plan_value;
        out->best = best.totals;
        out->none = none.totals;
        out->subsets = 2;
    }
    for (size_t i = 0; i < c->n && !rc; i++) {
        if (!open[i])
            continue;
        out->open[i] = true;
        uint64_t without = mask & ~((uint64_t)1 << i);
        if ((rc = solve(root, c, without, &less, &years, &price, err)) == 0) {
            out->saving[i] = less.plan_value + own(c, without, years, price, &nok, &co2) -
                             out->value;
            out->subsets++;
        }
    }
    json_decref(root);
    if (rc)
        mb_siting_release(out);
    return rc;
}

int mb_siting_plan_value(const char *scenario, size_t len, double *value,
                         struct mb_totals *totals, struct mb_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(scenario, len, 0, &je);
    if (!json_is_object(root)) {
        json_decref(root);
        return mb_error_set(err, MB_EINVAL, "scenario", "is not valid JSON");
    }
    struct mb_candidates none = { 0 };
    struct solved v;
    double years, price;
    int rc = solve(root, &none, 0, &v, &years, &price, err);
    json_decref(root);
    if (!rc) {
        *value = v.plan_value;
        *totals = v.totals;
    }
    return rc;
}

void mb_siting_release(struct mb_siting *s)
{
    if (!s)
        return;
    free(s->open);
    free(s->saving);
    free(s->co2_saving_each_kg);
    memset(s, 0, sizeof *s);
}
