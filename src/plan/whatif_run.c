/*
 * whatif_run.c - a planner's what-if on a solved region (whatif.h,
 * "Asking"): the changes of the request applied to the region's scenario,
 * the changed scenario planned warm from the kept basis, and the figures
 * before and after side by side, with the facilities whose intake moved.
 */
#include "plan/whatif.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "domain/month.h"
#include "plan/plan.h"

/* The figures a what-if compares, with the name each has in the reply. */
static const struct {
    const char *name;
    size_t offset;
} figures[] = {
    { "objective_nok", offsetof(struct mb_totals, objective) },
    { "cost_nok", offsetof(struct mb_totals, cost_nok) },
    { "co2_kg", offsetof(struct mb_totals, co2_kg) },
    { "landfill_t", offsetof(struct mb_totals, landfill_t) },
    { "landfill_fm3", offsetof(struct mb_totals, landfill_fm3) },
    { "virgin_t", offsetof(struct mb_totals, virgin_t) },
    { "reused_t", offsetof(struct mb_totals, reused_t) },
    { "truckloads", offsetof(struct mb_totals, truckloads) },
    { "vehicle_km", offsetof(struct mb_totals, vehicle_km) },
    { "unplaced_t", offsetof(struct mb_totals, unplaced_t) },
    { "unmet_t", offsetof(struct mb_totals, unmet_t) },
};
#define NFIG (sizeof figures / sizeof *figures)

static double figure(const struct mb_totals *t, size_t k)
{
    return *(const double *)((const char *)t + figures[k].offset);
}

/* Tonnes each facility takes in (landfill, storage, plant) or gives out
 * (quarry) over the horizon, by site id: {"id": t}. */
static json_t *intake(const struct mb_scenario *s, const struct mb_plan *p)
{
    json_t *o = json_object();
    for (size_t i = 0; i < p->nflows; i++) {
        const struct mb_flow *f = &p->flows[i];
        const struct mb_site *to = &s->sites[f->to], *from = &s->sites[f->from];
        const struct mb_site *x = from->kind == MB_SITE_QUARRY ? from
                                  : to->kind == MB_SITE_LANDFILL || to->kind == MB_SITE_STORAGE ||
                                            to->kind == MB_SITE_PLANT
                                      ? to
                                      : NULL;
        if (!x)
            continue;
        json_t *v = json_object_get(o, x->id);
        json_object_set_new(o, x->id, json_real(json_number_value(v) + f->t));
    }
    return o;
}

/* Plan scenario text with w's basis; figures and intake into *fig. */
static int plan_figures(const char *text, struct mb_whatif *w, json_t **fig, double *build,
                        double *solve, size_t *matched, struct mb_problems *p,
                        struct mb_error *err)
{
    struct mb_scenario s;
    if (mb_scenario_parse(&s, text, strlen(text), p) != 0)
        return mb_error_set(err, MB_EINVAL, "changes", "the changed region is not a valid "
                            "scenario");
    struct mb_plan_options opt = { 0 };
    opt.draws = -1;
    opt.whatif = w;
    opt.no_baseline = true;
    struct mb_plan plan;
    int rc = mb_plan_run(&s, &opt, &plan, err);
    if (rc == 0) {
        json_t *t = json_object();
        for (size_t k = 0; k < NFIG; k++)
            json_object_set_new(t, figures[k].name, json_real(figure(&plan.totals, k)));
        *fig = json_pack("{s:o,s:o}", "totals", t, "intake", intake(&s, &plan));
        *build = plan.build_seconds;
        *solve = plan.solve_seconds;
        *matched = plan.warm_matched;
        mb_plan_release(&plan);
    }
    mb_scenario_release(&s);
    return rc;
}

void mb_whatif_remove_site(json_t *doc, size_t at)
{
    json_t *sites = json_object_get(doc, "sites");
    const char *id = json_string_value(json_object_get(json_array_get(sites, at), "id"));
    json_t *dist = json_object_get(json_object_get(doc, "transport"), "distances");
    for (size_t k = json_array_size(dist); id && k-- > 0;) {
        json_t *d = json_array_get(dist, k);
        const char *a = json_string_value(json_object_get(d, "from"));
        const char *b = json_string_value(json_object_get(d, "to"));
        if ((a && strcmp(a, id) == 0) || (b && strcmp(b, id) == 0))
            json_array_remove(dist, k);
    }
    json_array_remove(sites, at);
}

static json_t *site_by_id(json_t *sites, const char *id, size_t *at)
{
    for (size_t i = 0; i < json_array_size(sites); i++) {
        json_t *x = json_array_get(sites, i);
        const char *v = json_string_value(json_object_get(x, "id"));
        if (v && strcmp(v, id) == 0) {
            if (at)
                *at = i;
            return x;
        }
    }
    return NULL;
}

static bool is_kind(json_t *site, const char *const *kinds)
{
    const char *k = json_string_value(json_object_get(site, "kind"));
    for (; k && *kinds; kinds++)
        if (strcmp(k, *kinds) == 0)
            return true;
    return false;
}

/* The kinds of change and the fields each has. */
static const char *const change_kinds[] = { "close", "open", "amount", "withdraw" };
static const char *const change_fields[][4] = { { "kind", "site", "from", NULL },
                                                { "kind", "site", NULL },
                                                { "kind", "site", "amount", NULL },
                                                { "kind", "site", NULL } };

static int change_kind(const json_t *c)
{
    const char *kind = json_string_value(json_object_get(c, "kind"));
    for (int k = 0; kind && k < 4; k++)
        if (strcmp(kind, change_kinds[k]) == 0)
            return k;
    return -1;
}

int mb_whatif_check(const json_t *changes, struct mb_problems *p)
{
    if (!json_is_array(changes) || json_array_size(changes) < 1 ||
        json_array_size(changes) > MB_WHATIF_MAX_CHANGES) {
        mb_problems_add(p, "changes", "give 1 to %d changes", MB_WHATIF_MAX_CHANGES);
        return MB_EINVAL;
    }
    char path[64];
    for (size_t i = 0; i < json_array_size(changes); i++) {
        json_t *c = json_array_get(changes, i);
        int k = change_kind(c);
        if (k < 0) {
            snprintf(path, sizeof path, "changes[%zu].kind", i);
            mb_problems_add(p, path, "give the kind of change: close, open, amount or "
                            "withdraw");
            continue;
        }
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)c, key, v) {
            bool ok = false;
            for (int j = 0; change_fields[k][j]; j++)
                ok |= strcmp(change_fields[k][j], key) == 0;
            if (!ok) {
                snprintf(path, sizeof path, "changes[%zu].%.32s", i, key);
                mb_problems_add(p, path, "is not a field of this kind of change");
            }
        }
    }
    return p->n ? MB_EINVAL : 0;
}

/* Apply change i (checked by mb_whatif_check) to the scenario document;
 * problems named "changes[i].field". */
static void apply(json_t *doc, size_t i, json_t *c, int h0, int h1, struct mb_problems *p)
{
    static const char *const facility[] = { "landfill", "storage", "plant", "quarry", NULL };
    static const char *const listing[] = { "source", "need", NULL };
    char path[64];
    json_t *sites = json_object_get(doc, "sites");
    int k = change_kind(c);
    snprintf(path, sizeof path, "changes[%zu].site", i);
    json_t *sv = json_object_get(c, "site");
    if (k == 1) { /* open: a new facility, as a scenario site */
        if (!json_is_object(sv) || !is_kind(sv, facility)) {
            mb_problems_add(p, path, "give the site to open: a landfill, storage site, plant "
                            "or quarry in the scenario's site format");
            return;
        }
        const char *id = json_string_value(json_object_get(sv, "id"));
        if (id && site_by_id(sites, id, NULL)) {
            mb_problems_add(p, path, "the region already has a site with this id");
            return;
        }
        json_array_append(sites, sv);
        return;
    }
    size_t at = 0;
    json_t *site = json_is_string(sv) ? site_by_id(sites, json_string_value(sv), &at) : NULL;
    if (!site) {
        mb_problems_add(p, path, "give the id of a site in the plan");
        return;
    }
    if (k == 0) { /* close from a month */
        snprintf(path, sizeof path, "changes[%zu].site", i);
        if (!is_kind(site, facility)) {
            mb_problems_add(p, path, "only a landfill, storage site, plant or quarry closes; "
                            "withdraw a listing instead");
            return;
        }
        snprintf(path, sizeof path, "changes[%zu].from", i);
        const char *m = json_string_value(json_object_get(c, "from"));
        int from;
        struct mb_error e;
        if (!m || mb_month_parse(m, &from, path, &e) != 0) {
            mb_problems_add(p, path, "give the first month it is closed, as YYYY-MM");
            return;
        }
        if (from < h0 || from > h1) {
            mb_problems_add(p, path, "lies outside the plan's horizon");
            return;
        }
        /* Open until the month before, from its own start if it has one;
         * a window that ends before then stays as it is (a close never
         * opens a facility longer). */
        json_t *w = json_object_get(site, "window");
        int start = h0, end = from - 1;
        const char *ws = json_string_value(json_object_get(w, "from"));
        const char *we = json_string_value(json_object_get(w, "to"));
        if (ws && mb_month_parse(ws, &start, "window", NULL) != 0)
            start = h0;
        int own_end;
        if (we && mb_month_parse(we, &own_end, "window", NULL) == 0 && own_end < end)
            end = own_end;
        if (start > end) {
            mb_whatif_remove_site(doc, at);
            return;
        }
        char a[8], b[8];
        mb_month_format(start, a);
        mb_month_format(end, b);
        json_object_set_new(site, "window", json_pack("{s:s,s:s}", "from", a, "to", b));
        return;
    }
    if (!is_kind(site, listing)) {
        mb_problems_add(p, path, "give the id of a listing (a surplus or a need)");
        return;
    }
    if (k == 3) {
        mb_whatif_remove_site(doc, at);
        return;
    }
    json_t *amount = json_object_get(c, "amount");
    if (!json_is_object(amount)) {
        snprintf(path, sizeof path, "changes[%zu].amount", i);
        mb_problems_add(p, path, "give the new amount, with its value and unit");
        return;
    }
    json_object_set(site, "amount", amount);
}

/* A problem of an opened or resized site is named by its change:
 * "sites[41].capacity" becomes "changes[0].site.capacity", and
 * "sites[7].amount.value" "changes[1].amount.value". */
static void name_opened(json_t *doc, const json_t *changes, struct mb_problems *p)
{
    json_t *sites = json_object_get(doc, "sites");
    for (size_t k = 0; k < p->n; k++) {
        size_t j;
        int used;
        if (sscanf(p->items[k].path, "sites[%zu]%n", &j, &used) != 1)
            continue;
        json_t *site = json_array_get(sites, j);
        for (size_t i = 0; site && i < json_array_size(changes); i++) {
            json_t *c = json_array_get(changes, i), *sv = json_object_get(c, "site");
            bool opened = sv == site;
            bool resized = change_kind(c) == 2 && json_is_string(sv) &&
                           json_equal(sv, json_object_get(site, "id")) &&
                           strncmp(p->items[k].path + used, ".amount", 7) == 0;
            if (opened || resized) {
                char path[sizeof p->items[k].path];
                snprintf(path, sizeof path, "changes[%zu]%s%.120s", i, opened ? ".site" : "",
                         p->items[k].path + used);
                memcpy(p->items[k].path, path, sizeof path);
                break;
            }
        }
    }
}

int mb_whatif_ask(struct mb_whatif *w, const char *scenario, size_t len, const json_t *changes,
                  json_t **out, struct mb_problems *p, struct mb_error *err)
{
    memset(p, 0, sizeof *p);
    *out = NULL;
    if (mb_whatif_check(changes, p) != 0)
        return mb_error_set(err, MB_EINVAL, p->items[0].path, "%s", p->items[0].message);
    json_t *doc = json_loadb(scenario, len, 0, NULL);
    json_t *hz = json_object_get(doc, "horizon");
    int h0, h1;
    if (!doc || mb_month_parse(json_string_value(json_object_get(hz, "from")), &h0, "from",
                               err) != 0 ||
        mb_month_parse(json_string_value(json_object_get(hz, "to")), &h1, "to", err) != 0) {
        json_decref(doc);
        return mb_error_set(err, MB_EDATA, "scenario", "the plan's scenario cannot be read");
    }
    double t0 = mb_clock_seconds();
    /* The region as it was planned, once per state: the figures to compare
     * with, and the first basis. */
    if (!w->before) {
        double b, s;
        size_t m;
        struct mb_problems q;
        int rc = plan_figures(scenario, w, &w->before, &b, &s, &m, &q, err);
        mb_problems_release(&q);
        if (rc) {
            json_decref(doc);
            return rc;
        }
    }
    for (size_t i = 0; i < json_array_size(changes); i++)
        apply(doc, i, json_array_get(changes, i), h0, h1, p);
    if (p->n) {
        json_decref(doc);
        return mb_error_set(err, MB_EINVAL, p->items[0].path, "%s", p->items[0].message);
    }
    char *text = mb_xjson_dumps(doc, JSON_COMPACT);
    json_t *after = NULL;
    double build = 0, solve = 0;
    size_t matched = 0;
    int rc = plan_figures(text, w, &after, &build, &solve, &matched, p, err);
    free(text);
    if (rc) {
        name_opened(doc, changes, p);
        json_decref(doc);
        return rc;
    }
    json_decref(doc);
    /* Side by side: each figure before, after and the difference; each
     * facility whose intake moved by a tonne or more, largest first. */
    json_t *tb = json_object_get(w->before, "totals"), *ta = json_object_get(after, "totals");
    json_t *fig = json_array();
    for (size_t k = 0; k < NFIG; k++) {
        double a = json_number_value(json_object_get(tb, figures[k].name));
        double b = json_number_value(json_object_get(ta, figures[k].name));
        json_array_append_new(fig, json_pack("{s:s,s:f,s:f,s:f}", "figure", figures[k].name,
                                             "before", a, "after", b, "difference", b - a));
    }
    /* The same optimum: the change costs and saves nothing, and where
     * several plans are equally good the solver may take another of them;
     * its other flows are not an effect of the change (docs/api.md). */
    double ob = json_number_value(json_object_get(tb, "objective_nok"));
    double oa = json_number_value(json_object_get(ta, "objective_nok"));
    bool same = fabs(oa - ob) <= 1e-9 * fmax(1.0, fabs(ob));
    json_t *ib = json_object_get(w->before, "intake"), *ia = json_object_get(after, "intake");
    json_t *moved = json_array();
    const char *id;
    json_t *v;
    json_t *ids = json_object();
    json_object_foreach(ib, id, v) json_object_set_new(ids, id, json_true());
    json_object_foreach(ia, id, v) json_object_set_new(ids, id, json_true());
    json_object_foreach(ids, id, v) {
        double a = json_number_value(json_object_get(ib, id));
        double b = json_number_value(json_object_get(ia, id));
        if (!same && fabs(b - a) >= 1)
            json_array_append_new(moved, json_pack("{s:s,s:f,s:f,s:f}", "site", id, "before_t",
                                                   a, "after_t", b, "difference_t", b - a));
    }
    json_decref(ids);
    /* largest moves first (insertion sort: a region has few facilities) */
    for (size_t i = 1; i < json_array_size(moved); i++)
        for (size_t j = i; j > 0; j--) {
            json_t *x = json_array_get(moved, j - 1), *y = json_array_get(moved, j);
            if (fabs(json_number_value(json_object_get(x, "difference_t"))) >=
                fabs(json_number_value(json_object_get(y, "difference_t"))))
                break;
            json_incref(x);
            json_array_set(moved, j - 1, y);
            json_array_set_new(moved, j, x);
        }
    json_decref(after);
    *out = json_pack("{s:o,s:o,s:b,s:O,s:b,s:{s:f,s:f,s:f}}", "figures", fig, "facilities",
                     moved, "same_optimum", same, "changes", changes, "warm", matched > 0,
                     "seconds", "build", build, "solve", solve, "total",
                     mb_clock_seconds() - t0);
    return 0;
}
