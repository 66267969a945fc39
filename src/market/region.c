/*
 * region.c - the live market of a region as a planning scenario
 * (mb_market_region_scenario, see market.h and docs/listings.md).
 *
 * Each stored doc is a scenario site plus the market's fields, so turning
 * it back is mostly taking fields away: the market-only fields go, "type"
 * becomes "kind", a listing's "title" becomes "name", and the id becomes
 * "L<id>" (listing) or "F<id>" (facility), unique in the scenario. The
 * scenario requires source and need windows inside the horizon, so a
 * window reaching outside is clipped and the amount scaled by the share
 * of its months inside (amounts arise evenly over the window,
 * docs/scenario-format.md). Transport is left to the factor register, as
 * in the market's matches. mb_market_region_plan_scenario collects a
 * region's published and reserved sites for a plan request, for the
 * server's plan jobs and `massebank plan --db` alike, with the road
 * distances the road cache holds for its pairs (source "road",
 * docs/roads.md) and no haul where it found no road between the two
 * (source "none"); every other haul stays an estimate and the plan says so.
 */
#include "market/market.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/month.h"
#include "market/audit.h"
#include "market/permit.h"
#include "store/store.h"

static const char *const kind_of_type[MB_TYPE_COUNT] = {
    [MB_TYPE_SUPPLY] = "source", [MB_TYPE_NEED] = "need",
    [MB_TYPE_LANDFILL] = "landfill", [MB_TYPE_STORAGE] = "storage",
    [MB_TYPE_PLANT] = "plant", [MB_TYPE_QUARRY] = "quarry",
};

static json_t *window(int from, int to)
{
    char a[8], b[8];
    mb_month_format(from, a);
    mb_month_format(to, b);
    return json_pack("{s:s, s:s}", "from", a, "to", b);
}

/* One stored site as a scenario site, or NULL when it is left out. */
bool mb_market_region_id_form(const char *id)
{
    return id && (id[0] == 'L' || id[0] == 'F') && id[1] &&
           strspn(id + 1, "0123456789") == strlen(id + 1);
}

static json_t *scenario_site(const struct mb_site_rec *r, int from_m, int to_m)
{
    if ((unsigned)r->type >= MB_TYPE_COUNT || !r->doc)
        return NULL;
    json_t *o = json_loads(r->doc, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    bool listing = r->type == MB_TYPE_SUPPLY || r->type == MB_TYPE_NEED;
    json_t *title = json_incref(json_object_get(o, listing ? "title" : "name"));
    /* The market's own fields (the one list the site reader uses too; a
     * listing placed by address has a "property", say), and the class
     * the lab gave, which the stored doc keeps. */
    for (const char *const *k = mb_market_only_fields; *k; k++)
        json_object_del(o, *k);
    json_object_del(o, "class_from_lab");
    if (listing)
        json_object_del(o, "price_nok_per_t"); /* a quarry's price stays: it is its own */
    char id[32];
    snprintf(id, sizeof id, "%c%lld", listing ? 'L' : 'F', (long long)r->id);
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "kind", json_string(kind_of_type[r->type]));
    if (title)
        json_object_set_new(o, "name", title);

    bool has_window = listing || r->from_m != MB_NO_MONTH_FROM || r->to_m != MB_NO_MONTH_TO;
    if (has_window) {
        int a = r->from_m > from_m ? r->from_m : from_m;
        int b = r->to_m < to_m ? r->to_m : to_m;
        if (b < a) {
            json_decref(o);
            return NULL;
        }
        if (listing && (a != r->from_m || b != r->to_m)) {
            /* The amount arises (or is needed) evenly over the window. */
            double share = (double)(b - a + 1) / (double)(r->to_m - r->from_m + 1);
            json_t *amt = json_object_get(o, "amount");
            json_t *v = json_object_get(amt, "value");
            if (json_is_number(v)) {
                json_t *c = json_copy(amt);
                json_object_set_new(c, "value", json_real(json_number_value(v) * share));
                json_object_set_new(o, "amount", c);
            }
        }
        json_object_set_new(o, "window", window(a, b));
    }
    return o;
}

json_t *mb_market_region_scenario(const struct mb_market *m, const struct mb_site_rec *sites,
                                  size_t n, int from_m, int to_m, const char *name)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = scenario_site(&sites[i], from_m, to_m);
        if (s)
            json_array_append_new(list, s);
    }
    /* Transport costs and CO2 are left to the factor register, as in the
     * market's matches, so the plan's ranges vary them. */
    json_t *root = json_pack("{s:s, s:s, s:o, s:f, s:{s:f, s:f}, s:o}",
                             "format", MB_SCENARIO_FORMAT, "name", name ? name : "",
                             "horizon", window(from_m, to_m),
                             "co2_price_nok_per_t", m->co2_price_nok_per_t,
                             "transport", "detour_factor", m->detour_factor,
                             "max_km", m->max_km, "sites", list);
    return root;
}

/* A scenario site's stored id and position, by id. */
struct placed {
    int64_t id;
    double lat, lon;
    const char *sid;
};

static int by_placed_id(const void *a, const void *b)
{
    const struct placed *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static struct placed *find_placed(struct placed *v, size_t n, int64_t id)
{
    struct placed key = { .id = id };
    return bsearch(&key, v, n, sizeof key, by_placed_id);
}

/* The pairs of unordered sites, so a pair cached in both directions is
 * given once (a scenario distance holds both ways). */
struct pair_key {
    int64_t lo, hi;
    size_t row;
};

static int by_pair(const void *a, const void *b)
{
    const struct pair_key *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* transport.distances of the scenario from the road cache: each pair of
 * its sites the cache holds a road distance for, computed for the sites'
 * present positions. */
static int add_road_distances(struct mb_store *st, json_t *scn, const struct mb_site_rec *sites,
                              size_t n, struct mb_error *err)
{
    struct mb_road_row *rows;
    size_t nrows;
    int rc = mb_store_road_list(st, &rows, &nrows, err);
    if (rc || nrows == 0) {
        free(rows);
        return rc;
    }
    /* Every site by id; those in the scenario get its id ("L12"). */
    struct placed *v = mb_xcalloc(n + 1, sizeof *v);
    for (size_t k = 0; k < n; k++)
        v[k] = (struct placed){ sites[k].id, sites[k].lat, sites[k].lon, NULL };
    size_t nv = n, i;
    qsort(v, nv, sizeof *v, by_placed_id);
    json_t *e;
    json_array_foreach(json_object_get(scn, "sites"), i, e) {
        const char *sid = json_string_value(json_object_get(e, "id"));
        struct placed *p = sid && sid[0] ? find_placed(v, nv, strtoll(sid + 1, NULL, 10)) : NULL;
        if (p)
            p->sid = sid;
    }
    struct pair_key *keys = mb_xcalloc(nrows + 1, sizeof *keys);
    size_t nk = 0;
    for (size_t r = 0; r < nrows; r++) {
        const struct mb_road_row *w = &rows[r];
        const struct placed *a = find_placed(v, nv, w->from_site);
        const struct placed *b = find_placed(v, nv, w->to_site);
        if (!a || !b || !a->sid || !b->sid || a->lat != w->from_lat || a->lon != w->from_lon ||
            b->lat != w->to_lat || b->lon != w->to_lon)
            continue;
        keys[nk++] = (struct pair_key){ w->from_site < w->to_site ? w->from_site : w->to_site,
                                        w->from_site < w->to_site ? w->to_site : w->from_site,
                                        r };
    }
    qsort(keys, nk, sizeof *keys, by_pair);
    json_t *d = json_array();
    for (size_t k = 0; k < nk; k++) {
        if (k > 0 && keys[k].lo == keys[k - 1].lo && keys[k].hi == keys[k - 1].hi)
            continue;
        const struct mb_road_row *w = &rows[keys[k].row];
        const char *a = find_placed(v, nv, w->from_site)->sid;
        const char *b = find_placed(v, nv, w->to_site)->sid;
        /* No road between the two for the truck: no haul in the plan. */
        if (strcmp(w->status, "no_route") == 0)
            json_array_append_new(d, json_pack("{s:s, s:s, s:s}", "from", a, "to", b,
                                               "source", "none"));
        else
            json_array_append_new(d, json_pack("{s:s, s:s, s:f, s:s, s:f, s:f, s:i}", "from",
                                               a, "to", b, "km", w->km, "source", "road",
                                               "minutes", w->minutes, "ferry_km",
                                               w->ferry_km, "ferry_crossings",
                                               w->ferry_crossings));
    }
    if (json_array_size(d))
        json_object_set_new(json_object_get(scn, "transport"), "distances", d);
    else
        json_decref(d);
    free(keys);
    free(v);
    free(rows);
    return 0;
}

static bool in_list(json_t *list, const char *code)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), code) == 0)
            return true;
    return false;
}

/* The region's published and reserved sites. */
static int region_sites(struct mb_store *st, json_t *req, struct mb_site_rec **out,
                        size_t *n, struct mb_error *err)
{
    json_t *munis = json_object_get(req, "municipalities"), *bbox = json_object_get(req, "bbox");
    struct mb_site_query q = { 0 };
    q.statuses = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_RESERVED;
    q.limit = 1000;
    q.want_doc = true;
    if (bbox) {
        q.has_box = true;
        q.min_lon = json_number_value(json_array_get(bbox, 0));
        q.min_lat = json_number_value(json_array_get(bbox, 1));
        q.max_lon = json_number_value(json_array_get(bbox, 2));
        q.max_lat = json_number_value(json_array_get(bbox, 3));
    }
    struct mb_site_rec *items = NULL;
    size_t count = 0, cap = 0;
    for (;;) {
        struct mb_site_page page = { 0 };
        int rc = mb_store_site_search(st, &q, &page, err);
        if (rc) {
            for (size_t i = 0; i < count; i++)
                mb_site_rec_release(&items[i]);
            free(items);
            return rc;
        }
        for (size_t i = 0; i < page.n; i++) {
            if (munis && !in_list(munis, page.items[i].municipality)) {
                mb_site_rec_release(&page.items[i]);
                continue;
            }
            items = mb_xgrow(items, &cap, count + 1, sizeof *items);
            items[count++] = page.items[i]; /* moved */
        }
        size_t got = page.n;
        free(page.items);
        if (got < q.limit)
            break;
        q.offset += got;
    }
    *out = items;
    *n = count;
    return 0;
}

int mb_market_region_plan_scenario(struct mb_store *st, const struct mb_market *m,
                                   json_t *req, json_t **scenario, struct mb_error *err)
{
    *scenario = NULL;
    int f, t;
    const char *from = json_string_value(json_object_get(req, "from"));
    const char *to = json_string_value(json_object_get(req, "to"));
    if (!from || mb_month_parse(from, &f, "from", err))
        return from ? err->code : mb_error_set(err, MB_EINVAL, "from", "is required");
    if (!to || mb_month_parse(to, &t, "to", err))
        return to ? err->code : mb_error_set(err, MB_EINVAL, "to", "is required");
    if (t < f)
        return mb_error_set(err, MB_EINVAL, "to", "ends before from");
    struct mb_site_rec *sites = NULL;
    size_t n = 0;
    int rc = region_sites(st, req, &sites, &n, err);
    if (rc)
        return rc;
    if (n == 0)
        return mb_error_set(err, MB_ENOTFOUND, "region", "no published or reserved site in "
                            "the region");
    const char *name = json_string_value(json_object_get(req, "name"));
    json_t *scn = mb_market_region_scenario(m, sites, n, f, t,
                                            name ? name : "massebank region plan");
    rc = add_road_distances(st, scn, sites, n, err);
    if (rc) {
        json_decref(scn);
        scn = NULL;
    }
    for (size_t i = 0; i < n; i++)
        mb_site_rec_release(&sites[i]);
    free(sites);
    if (rc)
        return rc;
    static const char *const passed[] = { "co2_price_nok_per_t", "objective", "factors",
                                          "out_of_region" };
    for (size_t k = 0; k < 4; k++) {
        json_t *v = json_object_get(req, passed[k]);
        if (v)
            json_object_set(scn, passed[k], v);
    }
    *scenario = scn;
    return 0;
}

int mb_market_region_plan_queue(struct mb_store *st, const struct mb_user *who, json_t *req,
                                int64_t *job_id, struct mb_error *err)
{
    int rc = mb_permit_check(who->role, MB_ACT_PLAN, err);
    if (rc)
        return rc;
    char *text = mb_xjson_dumps(req, JSON_COMPACT | JSON_SORT_KEYS);
    struct mb_job job = { 0 };
    job.user_id = who->id;
    job.state = MB_JOB_QUEUED;
    job.request = text;
    snprintf(job.message, sizeof job.message, "queued");
    if ((rc = mb_store_begin(st, err)) == 0) {
        rc = mb_store_job_create(st, &job, err);
        if (rc == 0)
            rc = mb_audit_append(st, who, "plan", job.id, "request", req, err);
        rc = mb_store_end(st, rc, err);
    }
    job.request = NULL;
    free(text);
    if (rc == 0)
        *job_id = job.id;
    return rc;
}

int mb_market_region_plan_job(struct mb_store *st, const struct mb_user *who, int64_t id,
                              struct mb_job *out, struct mb_error *err)
{
    int rc = mb_store_job_get(st, id, out, err);
    struct mb_user owner;
    struct mb_error e2;
    if (rc == 0 && out->user_id != who->id && !mb_permit_may(who->role, MB_ACT_ADMIN) &&
        (mb_store_user_get(st, out->user_id, &owner, &e2) != 0 ||
         owner.org_id != who->org_id)) {
        mb_job_release(out);
        rc = MB_ENOTFOUND;
    }
    if (rc == MB_ENOTFOUND)
        mb_error_set(err, MB_ENOTFOUND, "id", "no job %lld", (long long)id);
    return rc;
}

static json_t *json_or_null(const char *text)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    return j ? j : json_null();
}

int mb_market_region_plans_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                                struct mb_error *err)
{
    struct mb_plan_row *items;
    size_t n;
    bool all = mb_permit_may(who->role, MB_ACT_ADMIN);
    int rc = mb_store_plan_rows(st, all ? 0 : who->org_id, 50, &items, &n, err);
    if (rc)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct mb_plan_row *p = &items[i];
        json_t *req = json_or_null(p->request);
        json_t *name = json_object_get(req, "name");
        json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:{s:I, s:s},"
                                           " s:o, s:o}", "id", (json_int_t)p->id,
            "state", p->state, "name", json_is_string(name) ? json_incref(name) : json_null(),
            "request", req, "totals", json_or_null(p->totals),
            "baseline", json_or_null(p->baseline), "savings", json_or_null(p->savings),
            "by", "id", (json_int_t)p->user_id, "name", p->user_name,
            "created", mb_market_time_json(p->created),
            "finished", p->finished ? mb_market_time_json(p->finished) : json_null()));
    }
    mb_plan_rows_release(items, n);
    *out = json_pack("{s:o}", "items", a);
    return 0;
}
