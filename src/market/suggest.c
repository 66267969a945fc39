/*
 * suggest.c - a finished regional plan's flows between listings as
 * suggestions to both parties, and the one step that turns one into a
 * reservation (see suggest.h).
 */
#include "market/suggest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/month.h"
#include "market/audit.h"
#include "market/deal.h"
#include "market/permit.h"
#include "store/store.h"

/* The listing id of a scenario site id "L123", else 0. */
static int64_t listing_of(const char *id)
{
    if (!id || id[0] != 'L')
        return 0;
    char *end;
    long long v = strtoll(id + 1, &end, 10);
    return *end == '\0' && v > 0 ? (int64_t)v : 0;
}

/* kg CO2e per tonne of a listing's masses in today's practice, as the
 * plan gives it per site ("baseline_co2_kg_per_t", docs/plan-format.md:
 * a surplus to landfill, a need from a quarry, in or outside the region,
 * production of virgin material included); 0 when the plan has none. */
static double baseline_rate(json_t *sites, const char *id)
{
    size_t i;
    json_t *x;
    json_array_foreach(sites, i, x) {
        const char *sid = json_string_value(json_object_get(x, "id"));
        if (sid && strcmp(sid, id) == 0)
            return json_number_value(json_object_get(x, "baseline_co2_kg_per_t"));
    }
    return 0;
}

/* A listing still in the market: published, or reserved in part. */
static bool live(enum mb_status st)
{
    return st == MB_STATUS_PUBLISHED || st == MB_STATUS_RESERVED;
}

static bool live_name(const char *status)
{
    return strcmp(status, "published") == 0 || strcmp(status, "reserved") == 0;
}

struct pair {
    const char *from, *to; /* scenario ids, borrowed from the result */
    struct mb_suggestion g;
    double best_t;         /* tonnes of the material named so far */
};

static struct pair *find_pair(struct pair *p, size_t n, const char *from, const char *to)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].from, from) == 0 && strcmp(p[i].to, to) == 0)
            return &p[i];
    return NULL;
}

/* The plan's flows from a surplus listing to a need listing, summed per
 * pair: tonnes, months, tonne-weighted km, CO2, the largest material. */
static struct pair *collect_pairs(json_t *flows, int64_t job_id, size_t *n)
{
    struct pair *p = NULL;
    size_t cap = 0;
    *n = 0;
    size_t i;
    json_t *f;
    json_array_foreach(flows, i, f) {
        const char *from = json_string_value(json_object_get(f, "from"));
        const char *to = json_string_value(json_object_get(f, "to"));
        const char *fk = json_string_value(json_object_get(f, "from_kind"));
        const char *tk = json_string_value(json_object_get(f, "to_kind"));
        const char *month = json_string_value(json_object_get(f, "month"));
        const char *material = json_string_value(json_object_get(f, "material"));
        double t = json_number_value(json_object_get(f, "tonnes"));
        int m;
        if (!listing_of(from) || !listing_of(to) || !fk || !tk || strcmp(fk, "source") != 0 ||
            strcmp(tk, "need") != 0 || !month || !material || !(t > 1e-6) ||
            mb_month_parse(month, &m, "month", NULL) != 0)
            continue;
        struct pair *x = find_pair(p, *n, from, to);
        if (!x) {
            p = mb_xgrow(p, &cap, *n + 1, sizeof *p);
            x = &p[(*n)++];
            memset(x, 0, sizeof *x);
            x->from = from;
            x->to = to;
            x->g.job_id = job_id;
            x->g.supply_id = listing_of(from);
            x->g.need_id = listing_of(to);
            x->g.from_m = x->g.to_m = m;
        }
        x->g.tonnes += t;
        x->g.km += t * json_number_value(json_object_get(f, "km"));
        x->g.co2_kg += json_number_value(json_object_get(f, "co2_kg"));
        if (m < x->g.from_m)
            x->g.from_m = m;
        if (m > x->g.to_m)
            x->g.to_m = m;
        if (t > x->best_t) {
            x->best_t = t;
            snprintf(x->g.material, sizeof x->g.material, "%s", material);
        }
    }
    return p;
}

int mb_suggest_from_plan(struct mb_store *st, int64_t job_id, const char *result,
                         size_t *made, struct mb_error *err)
{
    if (made)
        *made = 0;
    json_t *root = result ? json_loads(result, 0, NULL) : NULL;
    json_t *plan = json_object_get(root, "plan");
    json_t *flows = json_object_get(plan, "flows");
    json_t *sites = json_object_get(plan, "sites");
    if (!json_is_array(flows) || !json_is_array(sites)) {
        json_decref(root);
        return mb_error_set(err, MB_EINVAL, "result", "the plan's result has no flows");
    }
    size_t n = 0;
    struct pair *p = collect_pairs(flows, job_id, &n);
    struct mb_suggestion *keep = mb_xcalloc(n + 1, sizeof *keep);
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct mb_suggestion *g = &p[i].g;
        struct mb_site_rec a, b;
        struct mb_error e2;
        /* A listing gone since the plan, or a pair within one organisation
         * (no deal between them), is not suggested. */
        if (mb_store_site_get(st, g->supply_id, &a, &e2) != 0)
            continue;
        if (mb_store_site_get(st, g->need_id, &b, &e2) != 0) {
            mb_site_rec_release(&a);
            continue;
        }
        bool market = a.type == MB_TYPE_SUPPLY && b.type == MB_TYPE_NEED &&
                      a.org_id != b.org_id && live(a.status) && live(b.status);
        mb_site_rec_release(&a);
        mb_site_rec_release(&b);
        /* A pair that already has a deal between them is the deal's
         * business: suggesting it again would reserve the same tonnes
         * twice. */
        int64_t deal = 0;
        if (market && (rc = mb_store_deal_between(st, g->supply_id, g->need_id, &deal, err)))
            break;
        if (!market || deal)
            continue;
        g->km = g->tonnes > 0 ? g->km / g->tonnes : 0;
        g->baseline_co2_kg = g->tonnes * (baseline_rate(sites, p[i].from) +
                                          baseline_rate(sites, p[i].to));
        keep[k++] = *g;
    }
    if (k > 0)
        rc = mb_store_suggestions_add(st, keep, k, err);
    if (rc == 0 && made)
        *made = k;
    free(keep);
    free(p);
    json_decref(root);
    return rc;
}

/* ---- views ----------------------------------------------------------------- */

/* Which side of g who stands on: 1 the surplus's, 2 the need's, 0 none. */
static int side_of(const struct mb_suggestion *g, const struct mb_user *who)
{
    return who->org_id == g->supply_org ? 1 : who->org_id == g->need_org ? 2 : 0;
}

static json_t *window_json(int from, int to)
{
    char a[8], b[8];
    mb_month_format(from, a);
    mb_month_format(to, b);
    return json_pack("{s:s, s:s}", "from", a, "to", b);
}

json_t *mb_suggest_json(const struct mb_suggestion *g, const struct mb_user *who)
{
    int side = side_of(g, who);
    double saving = g->baseline_co2_kg - g->co2_kg;
    json_t *o = json_pack(
        "{s:I, s:s, s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s, s:{s:I, s:s}},"
        " s:{s:I, s:s, s:s, s:{s:I, s:s}},"
        " s:s, s:f, s:o, s:f, s:f, s:f, s:f, s:b, s:s, s:o, s:b, s:b, s:o, s:o}",
        "id", (json_int_t)g->id, "state", mb_suggestion_state_name(g->state),
        "plan", "id", (json_int_t)g->job_id, "name", g->plan_name, "by", g->planner_org,
        "supply", "id", (json_int_t)g->supply_id, "title", g->supply_title, "status",
        g->supply_status, "org", "id", (json_int_t)g->supply_org, "name", g->supply_org_name,
        "need", "id", (json_int_t)g->need_id, "title", g->need_title, "status", g->need_status,
        "org",
        "id", (json_int_t)g->need_org, "name", g->need_org_name,
        "material", g->material, "tonnes", g->tonnes, "window",
        window_json(g->from_m, g->to_m), "km", g->km, "co2_kg", g->co2_kg,
        "baseline_co2_kg", g->baseline_co2_kg, "saving_co2_kg", saving,
        "saving_is_estimate", 1,
        "saving_method", "the same tonnes in today's practice (the baseline's average kg CO2e "
        "per tonne of this surplus to landfill and of this need from a quarry, production "
        "included) minus this flow's CO2 in the plan; central factor values",
        "side", side == 1 ? json_string("supply") : side == 2 ? json_string("need") : json_null(),
        "supply_dismissed", g->supply_dismissed, "need_dismissed", g->need_dismissed,
        "deal_id", g->deal_id ? json_integer(g->deal_id) : json_null(),
        "created", mb_market_time_json(g->created));
    return o;
}

int mb_suggest_list_json(struct mb_store *st, const struct mb_user *who, bool open_only,
                         json_t **out, struct mb_error *err)
{
    bool all = mb_permit_may(who->role, MB_ACT_OVERSEE);
    struct mb_suggestion *items;
    size_t n;
    int rc = mb_store_suggestions_of_org(st, all ? 0 : who->org_id, 200, &items, &n, err);
    if (rc)
        return rc;
    json_t *a = json_array();
    size_t open = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mb_suggestion *g = &items[i];
        int side = side_of(g, who);
        bool mine_open = g->state == MB_SUGGESTION_OPEN && live_name(g->supply_status) &&
                         live_name(g->need_status) &&
                         !(side == 1 && g->supply_dismissed) && !(side == 2 && g->need_dismissed);
        if (side && mine_open)
            open++;
        if (open_only && !(mine_open && (side || all)))
            continue;
        json_array_append_new(a, mb_suggest_json(g, who));
    }
    free(items);
    *out = json_pack("{s:o, s:I}", "items", a, "open", (json_int_t)open);
    return 0;
}

/* ---- acting on one ----------------------------------------------------------- */

/* Suggestion id as who may act on it: open, and who of one of its two
 * organisations with a role that writes listings. */
static int load_for(struct mb_store *st, const struct mb_user *who, int64_t id,
                    struct mb_suggestion *g, int *side, struct mb_error *err)
{
    int rc = mb_store_suggestion_get(st, id, g, err);
    if (rc)
        return rc;
    *side = side_of(g, who);
    if (!*side && !mb_permit_may(who->role, MB_ACT_OVERSEE))
        return mb_error_set(err, MB_ENOTFOUND, "id", "no suggestion %lld", (long long)id);
    if ((rc = mb_permit_check(who->role, MB_ACT_LISTING_WRITE, err)) != 0)
        return rc;
    if (!*side)
        return mb_error_set(err, MB_EFORBIDDEN, "id", "only the two parties of a suggestion "
                            "act on it");
    if (g->state != MB_SUGGESTION_OPEN)
        return mb_error_set(err, MB_ECONFLICT, "state", "the suggestion is %s",
                            g->state == MB_SUGGESTION_ACCEPTED ? "already accepted"
                                                               : "superseded by a later plan");
    if ((*side == 1 && g->supply_dismissed) || (*side == 2 && g->need_dismissed))
        return mb_error_set(err, MB_ECONFLICT, "state", "the suggestion was dismissed");
    if (!live_name(g->supply_status) || !live_name(g->need_status)) {
        bool s1 = !live_name(g->supply_status);
        return mb_error_set(err, MB_ECONFLICT, "status", "«%s» is no longer in the market (%s)",
                            s1 ? g->supply_title : g->need_title,
                            s1 ? g->supply_status : g->need_status);
    }
    return 0;
}

int mb_suggest_accept(struct mb_store *st, const struct mb_market *m, const struct mb_user *who,
                      int64_t id, int64_t hauler_org, struct mb_deal *deal,
                      struct mb_error *err)
{
    struct mb_suggestion g;
    int side;
    int rc = load_for(st, who, id, &g, &side, err);
    if (rc)
        return rc;
    /* The need's party reserves the surplus for its need; the surplus's
     * party reserves the need for its surplus. */
    int64_t listing_id = side == 2 ? g.supply_id : g.need_id;
    int64_t own_site = side == 2 ? g.need_id : g.supply_id;
    struct mb_site_rec listing;
    if ((rc = mb_store_site_get(st, listing_id, &listing, err)) != 0)
        return rc;
    struct mb_listing_balance bal;
    if ((rc = mb_deal_listing_balance(st, &listing, &bal, err)) != 0) {
        mb_site_rec_release(&listing);
        return rc;
    }
    double t = g.tonnes < bal.available_t ? g.tonnes : bal.available_t;
    if (!(t > MB_DEAL_EPS_T)) {
        mb_site_rec_release(&listing);
        return mb_error_set(err, MB_ECONFLICT, "amount", "«%s» has nothing left to reserve",
                            listing.title);
    }
    char a[8], b[8], note[400];
    mb_month_format(g.from_m, a);
    mb_month_format(g.to_m, b);
    snprintf(note, sizeof note, "Forslag fra regional plan %lld%s%s%s (suggested by a "
             "regional plan)", (long long)g.job_id, g.plan_name[0] ? " «" : "", g.plan_name,
             g.plan_name[0] ? "»" : "");
    json_t *body = json_pack("{s:{s:f, s:s}, s:{s:s, s:s}, s:I, s:s}", "amount", "value",
                             round(t * 1000) / 1000, "unit", "t", "window", "from", a, "to", b,
                             "counterpart_site", (json_int_t)own_site, "note", note);
    if (hauler_org > 0)
        json_object_set_new(body, "hauler_org", json_integer(hauler_org));
    rc = mb_deal_parse(m, &listing, body, deal, err);
    json_decref(body);
    mb_site_rec_release(&listing);
    if (rc)
        return rc;
    if ((rc = mb_store_begin(st, err)) != 0)
        return rc;
    /* One deal per pair: a deal made since (from an earlier plan's
     * suggestion, or directly) is checked in the same transaction. */
    int64_t existing = 0;
    rc = mb_store_deal_between(st, g.supply_id, g.need_id, &existing, err);
    if (rc == 0 && existing)
        rc = mb_error_set(err, MB_ECONFLICT, "state", "the two listings already have deal %lld",
                          (long long)existing);
    if (rc == 0)
        rc = mb_deal_reserve(st, who, deal, err);
    if (rc == 0)
        rc = mb_store_suggestion_decide(st, id, deal->id, side == 1, who->id, err);
    if (rc == 0) {
        json_t *d = json_pack("{s:I, s:I, s:f}", "deal_id", (json_int_t)deal->id, "plan",
                              (json_int_t)g.job_id, "tonnes", deal->amount_t);
        rc = mb_audit_append(st, who, "suggestion", id, "accept", d, err);
        json_decref(d);
    }
    return mb_store_end(st, rc, err);
}

int mb_suggest_dismiss(struct mb_store *st, const struct mb_user *who, int64_t id,
                       struct mb_error *err)
{
    struct mb_suggestion g;
    int side;
    int rc = load_for(st, who, id, &g, &side, err);
    if (rc)
        return rc;
    if ((rc = mb_store_begin(st, err)) != 0)
        return rc;
    rc = mb_store_suggestion_decide(st, id, 0, side == 1, who->id, err);
    if (rc == 0) {
        json_t *d = json_pack("{s:s}", "side", side == 1 ? "supply" : "need");
        rc = mb_audit_append(st, who, "suggestion", id, "dismiss", d, err);
        json_decref(d);
    }
    return mb_store_end(st, rc, err);
}
