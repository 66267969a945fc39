/*
 * alerts.c - saved searches: reading one from a body, whether a site
 * fits it, and the views of a user's searches and notifications (see
 * alerts.h). The pass that raises notifications and the mails are in
 * alert_run.c.
 */
#include "market/alerts.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/geo.h"
#include "domain/month.h"
#include "market/listing.h"

static const char *const EMAIL_MODES[] = { "none", "instant", "daily" };

static bool email_mode(const char *s)
{
    return s && mb_text_index(EMAIL_MODES, 3, s) >= 0;
}

/* A material filter: a code of the catalogue, or "group.*" of a group
 * some code belongs to. Canonical into out. */
static bool material_ok(const struct mb_market *m, const char *s, char *out, size_t size)
{
    size_t n = strlen(s);
    if (n > 2 && strcmp(s + n - 2, ".*") == 0) {
        for (size_t i = 0; i < m->catalog.n; i++) {
            const char *code = m->catalog.items[i].code;
            if (strncmp(code, s, n - 1) == 0)
                return mb_text_copy(out, size, s);
        }
        return false;
    }
    const struct mb_material *mat = mb_catalog_find(&m->catalog, s);
    return mat && mb_text_copy(out, size, mat->code);
}

static void parse_near(struct mb_store *st, const struct mb_user *who, json_t *near,
                       struct mb_saved_search *q, struct mb_problems *p)
{
    static const char *const keys[] = { "lat", "lon", "site_id", "radius_km", NULL };
    if (!json_is_object(near)) {
        mb_problems_add(p, "near", "must be an object {lat, lon, radius_km} or {site_id, "
                        "radius_km}");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(near, k, v)
        if (mb_text_index(keys, 4, k) < 0)
            mb_problems_add(p, "near", "unknown field '%s'", k);
    json_t *r = json_object_get(near, "radius_km");
    if (!json_is_number(r) || json_number_value(r) < 0.1 || json_number_value(r) > 500)
        mb_problems_add(p, "near.radius_km", "must be a distance from 0.1 to 500 km");
    else
        q->radius_km = json_number_value(r);
    json_t *site = json_object_get(near, "site_id");
    json_t *lat = json_object_get(near, "lat"), *lon = json_object_get(near, "lon");
    if (site && (lat || lon)) {
        mb_problems_add(p, "near", "give either site_id or lat and lon, not both");
        return;
    }
    if (site) {
        struct mb_site_rec rec;
        struct mb_error err;
        if (!json_is_integer(site) || json_integer_value(site) < 1) {
            mb_problems_add(p, "near.site_id", "must be a site id (a whole number above 0)");
        } else if (mb_listing_get_visible(st, who, json_integer_value(site), &rec, &err) != 0) {
            mb_problems_add(p, "near.site_id", "no site %lld", (long long)json_integer_value(site));
        } else {
            q->near = true;
            q->lat = rec.lat;
            q->lon = rec.lon;
            mb_site_rec_release(&rec);
        }
        return;
    }
    if (!json_is_number(lat) || !json_is_number(lon)) {
        mb_problems_add(p, "near", "needs lat and lon (WGS84 degrees) or site_id");
        return;
    }
    struct mb_point pt = { json_number_value(lat), json_number_value(lon) };
    struct mb_error err;
    if (mb_geo_check_norway(pt, "near", &err) != 0) {
        mb_problems_add(p, err.field, "%s", err.message);
        return;
    }
    q->near = true;
    q->lat = pt.lat;
    q->lon = pt.lon;
}

static void parse_window(json_t *w, struct mb_saved_search *q, struct mb_problems *p)
{
    static const char *const keys[] = { "from", "to", NULL };
    if (!json_is_object(w)) {
        mb_problems_add(p, "window", "must be an object {from, to} of months \"YYYY-MM\"");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(w, k, v)
        if (mb_text_index(keys, 2, k) < 0)
            mb_problems_add(p, "window", "unknown field '%s'", k);
    static const char *const ends[] = { "from", "to" };
    int at[2] = { MB_NO_MONTH_FROM, MB_NO_MONTH_TO };
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        json_t *e = json_object_get(w, ends[i]);
        char field[16];
        snprintf(field, sizeof field, "window.%s", ends[i]);
        if (!e)
            continue;
        struct mb_error err;
        if (!json_is_string(e)) {
            mb_problems_add(p, field, "must be a month \"YYYY-MM\"");
            ok = false;
        } else if (mb_month_parse(json_string_value(e), &at[i], field, &err) != 0) {
            mb_problems_add(p, err.field, "%s", err.message);
            ok = false;
        }
    }
    if (ok && at[1] < at[0])
        mb_problems_add(p, "window.to", "is before window.from");
    q->from_m = at[0];
    q->to_m = at[1];
}

int mb_saved_search_parse(struct mb_store *st, const struct mb_market *m,
                          const struct mb_user *who, const char *body, size_t len,
                          struct mb_saved_search *q, struct mb_problems *p)
{
    static const char *const keys[] = { "name", "types", "material", "class", "near", "window",
                                        "email", NULL };
    json_error_t jerr;
    json_t *b = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(b)) {
        mb_problems_add(p, "", b ? "must be a JSON object" : "is not JSON: %s", jerr.text);
        json_decref(b);
        return MB_EINVAL;
    }
    struct mb_saved_search n = { .user_id = who->id, .org_id = who->org_id,
                                 .from_m = MB_NO_MONTH_FROM, .to_m = MB_NO_MONTH_TO };
    mb_text_copy(n.email, sizeof n.email, "daily");
    const char *k;
    json_t *v;
    json_object_foreach(b, k, v)
        if (mb_text_index(keys, 7, k) < 0)
            mb_problems_add(p, k, "is not a field of a saved search");
    json_t *name = json_object_get(b, "name");
    const char *ns = json_string_value(name);
    char trimmed[512] = "";
    if (ns && strlen(ns) < sizeof trimmed)
        mb_text_copy(trimmed, sizeof trimmed, ns);
    mb_text_trim(trimmed);
    if (!json_is_string(name) || trimmed[0] == '\0')
        mb_problems_add(p, "name", "is required (up to 120 characters)");
    else if (strlen(ns) != json_string_length(name) || mb_text_has_control(ns, strlen(ns), false))
        mb_problems_add(p, "name", "holds a control character");
    else if (mb_utf8_chars(trimmed) > 120 || !mb_text_copy(n.name, sizeof n.name, trimmed))
        mb_problems_add(p, "name", "has more than 120 characters");
    json_t *types = json_object_get(b, "types");
    if (!json_is_array(types) || json_array_size(types) == 0) {
        mb_problems_add(p, "types", "is required: a list of site types (supply, need, landfill, "
                        "storage, plant, quarry)");
    } else {
        size_t i;
        json_array_foreach(types, i, v) {
            int t = json_is_string(v) ? mb_site_type_parse(json_string_value(v)) : -1;
            if (t < 0)
                mb_problems_add(p, "types", "unknown site type at %zu; use supply, need, "
                                "landfill, storage, plant or quarry", i);
            else
                n.types |= 1u << t;
        }
    }
    json_t *mat = json_object_get(b, "material");
    if (mat && (!json_is_string(mat) ||
                !material_ok(m, json_string_value(mat), n.material, sizeof n.material)))
        mb_problems_add(p, "material", "unknown material; give a code ('massebank materials' "
                        "lists them) or a group such as \"rock.*\"");
    json_t *cls = json_object_get(b, "class");
    if (cls && (!json_is_integer(cls) || json_integer_value(cls) < 1 ||
                json_integer_value(cls) > 5))
        mb_problems_add(p, "class", "must be a condition class from 1 to 5");
    else if (cls)
        n.cls = (int)json_integer_value(cls);
    json_t *near = json_object_get(b, "near");
    if (near && !json_is_null(near))
        parse_near(st, who, near, &n, p);
    json_t *w = json_object_get(b, "window");
    if (w && !json_is_null(w))
        parse_window(w, &n, p);
    json_t *e = json_object_get(b, "email");
    if (e && !email_mode(json_string_value(e)))
        mb_problems_add(p, "email", "must be none, instant or daily");
    else if (e)
        mb_text_copy(n.email, sizeof n.email, json_string_value(e));
    if (p->n > 0) {
        json_decref(b);
        return MB_EINVAL;
    }
    /* The normalised body: positions resolved, codes canonical. */
    json_t *doc = json_pack("{s:s, s:[]}", "name", n.name, "types");
    for (int t = 0; t < MB_TYPE_COUNT; t++)
        if (n.types & (1u << t))
            json_array_append_new(json_object_get(doc, "types"),
                                  json_string(mb_site_type_name((enum mb_site_type)t)));
    if (n.material[0])
        json_object_set_new(doc, "material", json_string(n.material));
    if (n.cls)
        json_object_set_new(doc, "class", json_integer(n.cls));
    if (n.near) {
        json_t *nr = json_pack("{s:f, s:f, s:f}", "lat", n.lat, "lon", n.lon, "radius_km",
                               n.radius_km);
        json_t *sid = json_object_get(near, "site_id");
        if (sid)
            json_object_set(nr, "site_id", sid);
        json_object_set_new(doc, "near", nr);
    }
    if (n.from_m != MB_NO_MONTH_FROM || n.to_m != MB_NO_MONTH_TO) {
        json_t *wd = json_object();
        char buf[16];
        if (n.from_m != MB_NO_MONTH_FROM) {
            mb_month_format(n.from_m, buf);
            json_object_set_new(wd, "from", json_string(buf));
        }
        if (n.to_m != MB_NO_MONTH_TO) {
            mb_month_format(n.to_m, buf);
            json_object_set_new(wd, "to", json_string(buf));
        }
        json_object_set_new(doc, "window", wd);
    }
    json_object_set_new(doc, "email", json_string(n.email));
    n.doc = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    json_decref(b);
    *q = n;
    return 0;
}

bool mb_saved_search_fits(const struct mb_saved_search *q, const struct mb_site_rec *site)
{
    if (!(q->types & (1u << site->type)))
        return false;
    if (q->material[0]) {
        size_t n = strlen(q->material);
        bool group = n > 2 && strcmp(q->material + n - 2, ".*") == 0;
        bool any = false;
        for (size_t i = 0; i < site->nmaterials && !any; i++)
            any = group ? strncmp(site->materials[i], q->material, n - 1) == 0
                        : strcmp(site->materials[i], q->material) == 0;
        if (!any)
            return false;
    }
    if (q->cls) {
        if (site->type == MB_TYPE_SUPPLY ? site->cls > q->cls : site->cls < q->cls)
            return false;
    }
    if (q->near) {
        struct mb_point a = { q->lat, q->lon }, b = { site->lat, site->lon };
        if (mb_geo_distance_km(a, b) > q->radius_km)
            return false;
    }
    return site->from_m <= q->to_m && q->from_m <= site->to_m;
}

/* ---- views ------------------------------------------------------------------ */

static json_t *search_json(const struct mb_saved_search *q)
{
    json_t *o = q->doc ? json_loads(q->doc, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        o = json_object();
    }
    json_object_set_new(o, "id", json_integer(q->id));
    json_object_set_new(o, "email", json_string(q->email)); /* an unsubscribe changes it */
    json_object_set_new(o, "created", mb_market_time_json(q->created));
    return o;
}

/* A new unsubscribe token: 32 random bytes as hex. */
static void new_token(char out[65])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, 65, raw, sizeof raw);
}

int mb_alerts_pref(struct mb_store *st, int64_t user_id, struct mb_alert_pref *pref,
                   struct mb_error *err)
{
    char token[65];
    new_token(token);
    return mb_store_alert_pref(st, user_id, token, pref, err);
}

int mb_alerts_searches_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                            struct mb_error *err)
{
    struct mb_saved_search *items;
    size_t n;
    struct mb_alert_pref pref;
    int rc = mb_alerts_pref(st, who->id, &pref, err);
    if (rc)
        return rc;
    if ((rc = mb_store_saved_searches(st, who->id, &items, &n, err)))
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, search_json(&items[i]));
    mb_saved_searches_release(items, n);
    *out = json_pack("{s:o, s:s, s:i}", "items", a, "match_email", pref.match_email,
                     "max", MB_ALERTS_MAX_SEARCHES);
    return 0;
}

int mb_alerts_search_add(struct mb_store *st, const struct mb_market *m,
                         const struct mb_user *who, const char *body, size_t len,
                         json_t **out, struct mb_problems *problems, struct mb_error *err)
{
    struct mb_saved_search q;
    int rc = mb_saved_search_parse(st, m, who, body, len, &q, problems);
    if (rc)
        return mb_error_set(err, rc, problems->n ? problems->items[0].path : "",
                            "the saved search has %zu problem(s)", problems->n);
    struct mb_saved_search *items;
    size_t n;
    if ((rc = mb_store_begin(st, err))) {
        free(q.doc);
        return rc;
    }
    rc = mb_store_saved_searches(st, who->id, &items, &n, err);
    if (!rc) {
        mb_saved_searches_release(items, n);
        if (n >= MB_ALERTS_MAX_SEARCHES)
            rc = mb_error_set(err, MB_ECONFLICT, "name", "you have %d saved searches, the "
                              "most one user may keep; delete one first",
                              MB_ALERTS_MAX_SEARCHES);
    }
    if (!rc)
        rc = mb_store_saved_search_add(st, &q, err);
    rc = mb_store_end(st, rc, err);
    if (!rc)
        *out = search_json(&q);
    free(q.doc);
    return rc;
}

int mb_alerts_search_delete(struct mb_store *st, const struct mb_user *who, int64_t id,
                            struct mb_error *err)
{
    return mb_store_saved_search_delete(st, who->id, id, err);
}

int mb_alerts_set_match_email(struct mb_store *st, const struct mb_user *who,
                              const char *mode, struct mb_error *err)
{
    if (!email_mode(mode))
        return mb_error_set(err, MB_EINVAL, "match_email", "must be none, instant or daily");
    struct mb_alert_pref pref;
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    rc = mb_alerts_pref(st, who->id, &pref, err);
    if (!rc)
        rc = mb_store_alert_pref_set(st, who->id, mode, err);
    return mb_store_end(st, rc, err);
}

int mb_alerts_notifications_json(struct mb_store *st, const struct mb_user *who, size_t limit,
                                 json_t **out, struct mb_error *err)
{
    struct mb_notification *items;
    size_t n;
    int64_t unread;
    int rc = mb_store_notifications(st, who->id, limit, &items, &n, &unread, err);
    if (rc)
        return rc;
    /* One item per site (newest first), with every reason it fits and
     * the ids of its notifications. */
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct mb_notification *x = &items[i];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = items[j].site_id == x->site_id;
        if (seen)
            continue;
        struct mb_site_rec rec;
        struct mb_error e2;
        /* A site gone since (deleted), or hidden since the list was
         * read, is left out. */
        if (mb_store_site_get(st, x->site_id, &rec, &e2) != 0)
            continue;
        if (rec.status != MB_STATUS_PUBLISHED && rec.status != MB_STATUS_RESERVED) {
            mb_site_rec_release(&rec);
            continue;
        }
        json_t *ids = json_array(), *reasons = json_array();
        bool read = true, changed = false;
        for (size_t j = i; j < n; j++) {
            const struct mb_notification *y = &items[j];
            if (y->site_id != x->site_id)
                continue;
            json_array_append_new(ids, json_integer(y->id));
            read = read && y->read;
            changed = changed || y->site_version > y->first_version;
            json_array_append_new(reasons, json_pack("{s:s, s:o, s:o}",
                "kind", y->search_id ? "search" : "match",
                "search", y->search_id ? json_pack("{s:I, s:s}", "id", (json_int_t)y->search_id,
                                                   "name", y->search_name) : json_null(),
                "for_listing", y->for_site ? json_pack("{s:I, s:s, s:b}", "id",
                                                       (json_int_t)y->for_site, "title",
                                                       y->for_title, "facility",
                                                       y->for_facility) : json_null()));
        }
        json_t *first = json_array_get(reasons, 0);
        json_t *o = json_pack("{s:I, s:O, s:O, s:O, s:o, s:o, s:o, s:b, s:b, s:o, s:o}",
            "id", (json_int_t)x->id, "kind", json_object_get(first, "kind"),
            "search", json_object_get(first, "search"),
            "for_listing", json_object_get(first, "for_listing"),
            "site", mb_market_site_json(&rec), "created", mb_market_time_json(x->created),
            "updated", mb_market_time_json(x->updated), "read", read, "changed", changed,
            "ids", ids, "reasons", reasons);
        mb_site_rec_release(&rec);
        json_array_append_new(a, o);
    }
    free(items);
    *out = json_pack("{s:I, s:o}", "unread", (json_int_t)unread, "items", a);
    return 0;
}

int mb_alerts_mark_read(struct mb_store *st, const struct mb_user *who, const int64_t *ids,
                        size_t nids, json_t **out, struct mb_error *err)
{
    size_t changed;
    int rc = mb_store_notifications_read(st, who->id, ids, nids, &changed, err);
    if (rc)
        return rc;
    struct mb_notification *items;
    size_t n;
    int64_t unread;
    if ((rc = mb_store_notifications(st, who->id, 1, &items, &n, &unread, err)))
        return rc;
    free(items);
    *out = json_pack("{s:I, s:I}", "changed", (json_int_t)changed, "unread", (json_int_t)unread);
    return 0;
}

int mb_alerts_unsubscribe(struct mb_store *st, const char *token, bool apply, json_t **out,
                          struct mb_error *err)
{
    if (!token || strlen(token) != 64 || strspn(token, "0123456789abcdef") != 64)
        return mb_error_set(err, MB_ENOTFOUND, "token", "this unsubscribe link is not known");
    struct mb_alert_pref pref;
    int rc = mb_store_alert_pref_by_token(st, token, &pref, err);
    if (rc)
        return rc;
    struct mb_user u;
    if ((rc = mb_store_user_get(st, pref.user_id, &u, err)))
        return rc;
    if (apply && (rc = mb_store_alert_unsubscribe(st, u.id, err)))
        return rc;
    if (apply)
        mb_text_copy(pref.match_email, sizeof pref.match_email, "none");
    *out = json_pack("{s:s, s:s, s:b}", "name", u.name, "email", u.email, "unsubscribed",
                     strcmp(pref.match_email, "none") == 0 && apply);
    return 0;
}
