/*
 * custody.c - a listing's chain of custody and planned-vs-delivered
 * balance (see custody.h).
 */
#include "market/custody.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "market/listing.h"
#include "market/permit.h"

bool mb_custody_sees_all(const struct mb_user *who, const struct mb_site_rec *listing)
{
    return !who || mb_permit_owns(who, listing->org_id) ||
           mb_permit_may(who->role, MB_ACT_OVERSEE);
}

int mb_custody_loads(struct mb_store *st, const struct mb_user *who,
                     const struct mb_site_rec *listing, struct mb_delivery **loads, size_t *n,
                     struct mb_error *err)
{
    int rc = mb_store_delivery_list(st, 0, listing->id, loads, n, err);
    if (rc || mb_custody_sees_all(who, listing))
        return rc;
    /* Loads come in deal order: one deal read per deal. */
    size_t k = 0;
    int64_t deal_id = 0;
    bool readable = false;
    for (size_t i = 0; i < *n; i++) {
        if ((*loads)[i].deal_id != deal_id) {
            struct mb_deal d;
            deal_id = (*loads)[i].deal_id;
            rc = mb_store_deal_get(st, deal_id, &d, err);
            if (rc && rc != MB_ENOTFOUND) {
                free(*loads);
                *loads = NULL;
                *n = 0;
                return rc;
            }
            int64_t site_org = 0;
            if (rc == 0)
                rc = mb_deal_site_org(st, &d, &site_org, err);
            if (rc && rc != MB_ENOTFOUND) {
                free(*loads);
                *loads = NULL;
                *n = 0;
                return rc;
            }
            readable = rc == 0 &&
                       mb_deal_may_read(mb_deal_parties(&d, listing->org_id, site_org, who));
        }
        if (readable)
            (*loads)[k++] = (*loads)[i];
    }
    *n = k;
    return 0;
}

/* A site as `who` may see it; `all`: the system, which sees every site. */
static json_t *site_ref(struct mb_store *st, const struct mb_user *who, bool all, int64_t id)
{
    if (!id)
        return json_null();
    struct mb_site_rec s;
    struct mb_error err;
    if (mb_store_site_get(st, id, &s, &err) != 0)
        return json_pack("{s:I, s:n, s:n}", "id", (json_int_t)id, "title", "type");
    if (!all && !mb_listing_visible(who, &s)) {
        mb_site_rec_release(&s);
        return json_pack("{s:I, s:n, s:n}", "id", (json_int_t)id, "title", "type");
    }
    json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", s.title, "type",
                          mb_site_type_name(s.type));
    mb_site_rec_release(&s);
    return o;
}

json_t *mb_custody_site_ref(struct mb_store *st, const struct mb_user *who, int64_t id)
{
    return site_ref(st, who, false, id);
}

/* One destination of the listing's loads. */
struct dest {
    int64_t site;
    struct mb_delivery_totals t;
    bool passes_on; /* storage or plant: its onward custody is shown */
    /* What the site received from every source and sent on (confirmed). */
    double in_t, out_t;
    struct sent {
        int64_t site;
        double t;
    } *to;
    size_t nto, capto;
};

struct dests {
    struct dest *d;
    size_t n, cap;
};

static struct dest *dest_of(struct dests *ds, int64_t site)
{
    for (size_t k = 0; k < ds->n; k++)
        if (ds->d[k].site == site)
            return &ds->d[k];
    ds->d = mb_xgrow(ds->d, &ds->cap, ds->n + 1, sizeof *ds->d);
    struct dest *d = &ds->d[ds->n++];
    memset(d, 0, sizeof *d);
    d->site = site;
    return d;
}

/* Onward custody of one hop: a listing's masses mix at a storage site or
 * plant with others', so its part of what left is attributed by mass
 * balance (its share of what the site received). Only totals per onward
 * destination are shown, not other deals' loads. */
static int onward_one(const struct mb_load *l, void *ctx)
{
    struct dests *ds = ctx;
    for (size_t k = 0; k < ds->n; k++) {
        struct dest *d = &ds->d[k];
        if (!d->passes_on)
            continue;
        if (l->to_site == d->site)
            d->in_t += l->amount_t;
        if (l->from_site != d->site)
            continue;
        d->out_t += l->amount_t;
        size_t j = 0;
        while (j < d->nto && d->to[j].site != l->to_site)
            j++;
        if (j == d->nto) {
            d->to = mb_xgrow(d->to, &d->capto, d->nto + 1, sizeof *d->to);
            d->to[d->nto++] = (struct sent){ l->to_site, 0 };
        }
        d->to[j].t += l->amount_t;
    }
    return 0;
}

static json_t *onward_json(struct mb_store *st, const struct mb_user *who,
                           const struct dest *d)
{
    double share = d->in_t > 0 ? d->t.confirmed_t / d->in_t : 0;
    if (share > 1)
        share = 1;
    json_t *to = json_array();
    for (size_t k = 0; k < d->nto; k++)
        json_array_append_new(to, json_pack("{s:o, s:f, s:f}", "site",
                                            site_ref(st, who, !who, d->to[k].site), "sent_t",
                                            d->to[k].t, "attributed_t", d->to[k].t * share));
    return json_pack("{s:f, s:f, s:f, s:f, s:o}", "received_t", d->in_t, "share", share,
                     "sent_t", d->out_t, "attributed_t", d->out_t * share, "to", to);
}

static void dests_release(struct dests *ds)
{
    for (size_t k = 0; k < ds->n; k++)
        free(ds->d[k].to);
    free(ds->d);
}

int mb_custody_json(struct mb_store *st, const struct mb_user *who,
                    const struct mb_site_rec *listing, json_t **out, struct mb_error *err)
{
    *out = NULL;
    struct mb_delivery *loads;
    size_t n;
    int rc = mb_custody_loads(st, who, listing, &loads, &n, err);
    if (rc)
        return rc;
    json_t *items = json_array();
    struct mb_delivery_totals all = { 0 };
    struct dests ds = { 0 };
    bool any_onward = false;
    /* Destinations in order of first appearance; loads by deal and
     * ticket number. */
    for (size_t i = 0; i < n; i++) {
        const struct mb_delivery *v = &loads[i];
        json_t *o = mb_delivery_json(v, false);
        json_object_set_new(o, "ticket", json_pack("{s:I, s:I}", "deal_id",
                                                   (json_int_t)v->deal_id, "seq",
                                                   (json_int_t)v->seq));
        json_array_append_new(items, o);
        mb_delivery_count(&dest_of(&ds, v->to_site)->t, v);
        mb_delivery_count(&all, v);
    }
    json_t *refs = json_array();
    for (size_t k = 0; k < ds.n; k++) {
        json_t *ref = site_ref(st, who, !who, ds.d[k].site);
        const char *type = json_string_value(json_object_get(ref, "type"));
        ds.d[k].passes_on = type && (strcmp(type, "storage") == 0 || strcmp(type, "plant") == 0);
        any_onward = any_onward || ds.d[k].passes_on;
        json_array_append_new(refs, ref);
    }
    if (any_onward) {
        struct mb_load_query q = { 0, 0, true, 0 };
        rc = mb_store_loads(st, &q, onward_one, &ds, err);
    }
    json_t *dest = json_array();
    for (size_t k = 0; rc == 0 && k < ds.n; k++) {
        const struct dest *d = &ds.d[k];
        json_t *dj = json_pack("{s:O, s:I, s:f, s:f, s:f}", "site", json_array_get(refs, k),
                               "loads", (json_int_t)d->t.loads, "confirmed_t",
                               d->t.confirmed_t, "disputed_t", d->t.disputed_t, "pending_t",
                               d->t.pending_t);
        json_object_set_new(dj, "onward", d->passes_on ? onward_json(st, who, d) : json_null());
        json_array_append_new(dest, dj);
    }
    json_decref(refs);
    dests_release(&ds);
    free(loads);
    if (rc) {
        json_decref(items);
        json_decref(dest);
        return rc;
    }
    *out = json_pack("{s:I, s:s, s:s, s:o, s:o, s:{s:I, s:f, s:f, s:f}}", "listing_id",
                     (json_int_t)listing->id, "title", listing->title, "material",
                     listing->material, "loads", items, "destinations", dest, "totals", "loads",
                     (json_int_t)all.loads, "confirmed_t", all.confirmed_t, "disputed_t",
                     all.disputed_t, "pending_t", all.pending_t);
    if (!*out)
        return mb_error_set(err, MB_EINTERNAL, "", "the custody of listing %lld could not be "
                            "written as JSON", (long long)listing->id);
    return 0;
}

int mb_custody_balance_json(struct mb_store *st, const struct mb_user *who,
                            const struct mb_site_rec *listing, json_t **out,
                            struct mb_error *err)
{
    *out = NULL;
    if (!mb_custody_sees_all(who, listing))
        return mb_error_set(err, MB_EFORBIDDEN, "id", "the balance is shown to the listing's "
                            "organisation, administrators and municipalities");
    struct mb_delivery *loads;
    size_t n;
    int rc = mb_custody_loads(st, who, listing, &loads, &n, err);
    if (rc)
        return rc;
    json_t *o = mb_deal_balance_json(listing, loads, n);
    free(loads);
    struct mb_listing_balance b;
    if ((rc = mb_deal_listing_balance(st, listing, &b, err)) != 0) {
        json_decref(o);
        return rc;
    }
    mb_deal_amounts_json(o, &b);
    *out = o;
    return 0;
}
