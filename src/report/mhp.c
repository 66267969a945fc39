/*
 * mhp.c - gathering a project's mass handling plan (see mhp.h).
 *
 * The order of work is the order of the plan:
 *   1. the listings, their owner, period, documents and lab outcome;
 *   2. expected amounts by (surplus/need, material, class), in t and fm3
 *      (fm3 = t / density of the material, materials.md);
 *   3. each surplus's matches (market.h: the candidates the server would
 *      rank, all of them ranked, so the landfill alternative is known);
 *   4. reuse on site: the project's own needs take its surpluses first
 *      where the material is one the need takes, the class at most the
 *      need's max class and the windows overlap; greedily in id order;
 *   5. reuse elsewhere: what is left of each surplus goes to its best
 *      ranked receivers outside the project (at most MB_MHP_RECEIVERS),
 *      each taking what the match says fits; the rest is unplaced.
 * Transport per flow: truckloads = ceil(t / payload), tonne-km = t x km,
 * and cost and CO2 per tonne as the matches compute them (listings.md,
 * "Matches"), so the plan and the match list agree.
 */
#include "report/mhp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/geo.h"
#include "domain/unit.h"
#include "market/road_km.h"
#include "plan/factors.h"
#include "plan/scenario.h"

void mb_mhp_release(struct mb_mhp *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nlistings; i++) {
        mb_site_rec_release(&p->listings[i].rec);
        free(p->listings[i].docs);
    }
    free(p->listings);
    free(p->amounts);
    free(p->flows);
    free(p->deals);
    memset(p, 0, sizeof *p);
}

static void read_lab(struct mb_mhp_listing *l)
{
    json_t *doc = l->rec.doc ? json_loads(l->rec.doc, 0, NULL) : NULL;
    json_t *c = json_object_get(doc, "class_from_lab");
    if (json_is_object(c)) {
        l->has_lab = true;
        l->lab_class = (int)json_integer_value(json_object_get(c, "class"));
        const char *s = json_string_value(json_object_get(c, "substance"));
        mb_text_copy(l->lab_substance, sizeof l->lab_substance, s ? s : "");
        l->lab_value = json_number_value(json_object_get(c, "value"));
        l->lab_limit = json_number_value(json_object_get(c, "limit"));
    }
    l->nlab = json_array_size(json_object_get(doc, "lab"));
    const char *prop = json_string_value(json_object_get(doc, "property"));
    mb_text_copy(l->property, sizeof l->property, prop ? prop : "");
    json_decref(doc);
}

static int load_listings(struct mb_store *st, const int64_t *ids, size_t n,
                         struct mb_mhp *p, struct mb_error *err)
{
    if (n == 0)
        return mb_error_set(err, MB_EINVAL, "listing", "a plan needs at least one listing");
    if (n > MB_MHP_MAX_LISTINGS)
        return mb_error_set(err, MB_EINVAL, "listing", "at most %d listings in one plan "
                            "(got %zu)", MB_MHP_MAX_LISTINGS, n);
    p->listings = mb_xcalloc(n, sizeof *p->listings);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < i; k++)
            if (ids[k] == ids[i])
                return mb_error_set(err, MB_EINVAL, "listing", "listing %lld is given "
                                    "twice", (long long)ids[i]);
        struct mb_mhp_listing *l = &p->listings[i];
        int rc = mb_store_site_get(st, ids[i], &l->rec, err);
        if (rc == MB_ENOTFOUND)
            return mb_error_set(err, MB_ENOTFOUND, "listing", "no listing with id %lld",
                                (long long)ids[i]);
        if (rc)
            return rc;
        p->nlistings++;
        if (l->rec.type != MB_TYPE_SUPPLY && l->rec.type != MB_TYPE_NEED)
            return mb_error_set(err, MB_EINVAL, "listing", "site %lld is a %s, not a "
                                "listing (supply or need)", (long long)ids[i],
                                mb_site_type_name(l->rec.type));
        if (l->rec.org_id != p->listings[0].rec.org_id)
            return mb_error_set(err, MB_EINVAL, "listing", "listing %lld belongs to another "
                                "organisation than listing %lld; a plan is one "
                                "organisation's project", (long long)ids[i],
                                (long long)ids[0]);
        if ((rc = mb_store_document_list(st, ids[i], &l->docs, &l->ndocs, err)) != 0)
            return rc;
        read_lab(l);
        if (i == 0 || l->rec.from_m < p->from_m)
            p->from_m = l->rec.from_m;
        if (i == 0 || l->rec.to_m > p->to_m)
            p->to_m = l->rec.to_m;
    }
    return 0;
}

static void add_amount(struct mb_mhp *p, const struct mb_market *m,
                       const struct mb_site_rec *r)
{
    struct mb_mhp_amount *a = NULL;
    for (size_t i = 0; i < p->namounts && !a; i++)
        if (p->amounts[i].type == r->type && p->amounts[i].cls == r->cls &&
            strcmp(p->amounts[i].material, r->material) == 0)
            a = &p->amounts[i];
    if (!a) {
        p->amounts = mb_xgrow(p->amounts, &p->cap_amounts, p->namounts + 1,
                              sizeof *p->amounts);
        a = &p->amounts[p->namounts++];
        memset(a, 0, sizeof *a);
        a->type = r->type;
        a->cls = r->cls;
        mb_text_copy(a->material, sizeof a->material, r->material);
        a->mat = mb_catalog_find(&m->catalog, r->material);
    }
    a->t += r->amount_t;
    double fm3 = 0;
    if (a->mat && mb_unit_convert(a->mat, r->amount_t, MB_UNIT_T, MB_UNIT_FM3, &fm3, NULL) == 0)
        a->fm3 += fm3;
}

static struct mb_mhp_flow *add_flow(struct mb_mhp *p)
{
    p->flows = mb_xgrow(p->flows, &p->cap_flows, p->nflows + 1, sizeof *p->flows);
    struct mb_mhp_flow *f = &p->flows[p->nflows++];
    memset(f, 0, sizeof *f);
    return f;
}

static bool takes(const struct mb_site_rec *need, const char *material)
{
    for (size_t i = 0; i < need->nmaterials; i++)
        if (strcmp(need->materials[i], material) == 0)
            return true;
    return strcmp(need->material, material) == 0;
}

static bool in_project(const struct mb_mhp *p, int64_t id)
{
    for (size_t i = 0; i < p->nlistings; i++)
        if (p->listings[i].rec.id == id)
            return true;
    return false;
}

/* The landfill alternative of a surplus, per tonne: total and CO2. */
struct alt {
    bool has;
    double total, co2;
};

static struct alt alternative(const struct mb_match_result *r)
{
    struct alt a = { 0 };
    if (!r->has_alternative)
        return a;
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].site_id == r->alternative_site_id) {
            a.has = true;
            a.total = r->items[i].total_nok_per_t;
            a.co2 = r->items[i].co2_kg_per_t;
        }
    return a;
}

static int on_site(struct mb_store *st, struct mb_mhp *p, const struct mb_market *m,
                   double *left_s, double *left_n, const struct mb_match_result *res,
                   struct mb_error *err)
{
    for (size_t i = 0; i < p->nlistings; i++) {
        const struct mb_site_rec *s = &p->listings[i].rec;
        if (s->type != MB_TYPE_SUPPLY)
            continue;
        struct alt a = alternative(&res[i]);
        for (size_t k = 0; k < p->nlistings && left_s[i] > 0; k++) {
            const struct mb_site_rec *n = &p->listings[k].rec;
            if (n->type != MB_TYPE_NEED || left_n[k] <= 0 || !takes(n, s->material) ||
                s->cls > n->cls || s->to_m < n->from_m || n->to_m < s->from_m)
                continue;
            double t = left_s[i] < left_n[k] ? left_s[i] : left_n[k];
            left_s[i] -= t;
            left_n[k] -= t;
            struct mb_mhp_flow *f = add_flow(p);
            f->from_id = s->id;
            f->to_id = n->id;
            f->to_type = n->type;
            mb_text_copy(f->to_title, sizeof f->to_title, n->title);
            f->on_site = true;
            f->t = t;
            /* Along the road where the road cache has the pair, else the
             * estimate (market/road_km.h). */
            struct mb_haul_km h;
            int rc = mb_haul_km_cached(st, m->roads_on, s, n, m->detour_factor, &h, err);
            if (rc)
                return rc;
            f->km = h.km;
            f->by_road = h.source == MB_KM_ROAD;
            f->ferry_km = h.ferry_km;
            f->ferry_crossings = h.ferry_crossings;
            double co2_t, cost_t;
            mb_rates_haul(&m->rates, f->km, f->ferry_km, f->ferry_crossings, &cost_t, &co2_t);
            f->cost_nok = t * cost_t;
            f->co2_kg = t * co2_t;
            if (a.has) {
                double total_t = cost_t + m->co2_price_nok_per_t / 1000 * co2_t;
                f->saving_nok = t * (a.total - total_t);
                f->saving_co2_kg = t * (a.co2 - co2_t);
            }
        }
    }
    return 0;
}

static void elsewhere(struct mb_mhp *p, double *left_s, const struct mb_match_result *res)
{
    for (size_t i = 0; i < p->nlistings; i++) {
        const struct mb_site_rec *s = &p->listings[i].rec;
        if (s->type != MB_TYPE_SUPPLY)
            continue;
        size_t used = 0;
        for (size_t k = 0; k < res[i].n && left_s[i] > 1e-9 && used < MB_MHP_RECEIVERS;
             k++) {
            const struct mb_match *mt = &res[i].items[k];
            if (in_project(p, mt->site_id) || mt->amount_t <= 0)
                continue;
            double t = mt->amount_t < left_s[i] ? mt->amount_t : left_s[i];
            left_s[i] -= t;
            used++;
            struct mb_mhp_flow *f = add_flow(p);
            f->from_id = s->id;
            f->to_id = mt->site_id;
            f->to_type = mt->type;
            mb_text_copy(f->to_title, sizeof f->to_title, mt->title);
            f->t = t;
            f->km = mt->km;
            f->by_road = mt->by_road;
            f->ferry_km = mt->ferry_km;
            f->ferry_crossings = mt->ferry_crossings;
            f->cost_nok = t * mt->cost_nok_per_t;
            f->co2_kg = t * mt->co2_kg_per_t;
            f->saving_nok = t * mt->saving_nok_per_t;
            f->saving_co2_kg = t * mt->saving_co2_kg_per_t;
        }
        if (left_s[i] > 1e-9)
            p->unplaced_t += left_s[i];
    }
}

/* The deals on the project's listings, with their loads by state. */
static int load_deals(struct mb_store *st, struct mb_mhp *p, struct mb_error *err)
{
    for (size_t i = 0; i < p->nlistings; i++) {
        struct mb_deal *items;
        size_t n;
        int rc = mb_store_deal_list(st, p->listings[i].rec.id, 0, -1, &items, &n, err);
        if (rc)
            return rc;
        for (size_t k = 0; k < n && rc == 0; k++) {
            const struct mb_deal *d = &items[k];
            if (d->state == MB_DEAL_DECLINED)
                continue;
            p->deals = mb_xgrow(p->deals, &p->cap_deals, p->ndeals + 1, sizeof *p->deals);
            struct mb_mhp_deal *x = &p->deals[p->ndeals++];
            memset(x, 0, sizeof *x);
            x->id = d->id;
            x->listing_id = d->listing_id;
            x->state = d->state;
            x->amount_t = d->amount_t;
            struct mb_site_rec cs;
            struct mb_org o;
            struct mb_error e;
            if (d->counterpart_site && mb_store_site_get(st, d->counterpart_site, &cs, &e) == 0) {
                mb_text_copy(x->counterpart, sizeof x->counterpart, cs.title);
                mb_site_rec_release(&cs);
            } else if (mb_store_org_get(st, d->org_id, &o, &e) == 0) {
                mb_text_copy(x->counterpart, sizeof x->counterpart, o.name);
            }
            struct mb_delivery *loads;
            size_t nl;
            if ((rc = mb_store_delivery_list(st, d->id, 0, &loads, &nl, err)) != 0)
                break;
            for (size_t j = 0; j < nl; j++) {
                double *sum = loads[j].state == MB_DELIVERY_CONFIRMED ? &x->confirmed_t
                              : loads[j].state == MB_DELIVERY_DISPUTED ? &x->disputed_t
                                                                       : &x->pending_t;
                *sum += loads[j].amount_t;
            }
            x->loads = nl;
            free(loads);
        }
        free(items);
        if (rc)
            return rc;
    }
    return 0;
}

/* Transport CO2 of the flows at the central factors (the market's), and
 * with every transport factor low (payload high) and high (payload low):
 * the default transport of a scenario (well to wheel, Norwegian road diesel). */
static void transport_bounds(struct mb_mhp *out, const struct mb_rates *central)
{
    struct mb_scenario s;
    memset(&s, 0, sizeof s);
    if (mb_factors_init(&s.factors, NULL))
        return;
    s.transport.boundary = MB_BOUNDARY_WTW;
    s.transport.fuel_mix[MB_FUEL_DIESEL_NO] = 1;
    double lo[MB_F_COUNT], hi[MB_F_COUNT];
    for (int k = 0; k < MB_F_COUNT; k++) {
        lo[k] = s.factors.v[k].low;
        hi[k] = s.factors.v[k].high;
    }
    lo[MB_F_PAYLOAD] = s.factors.v[MB_F_PAYLOAD].high;
    hi[MB_F_PAYLOAD] = s.factors.v[MB_F_PAYLOAD].low;
    struct mb_rates a, b;
    mb_transport_rates(&s, lo, &a);
    mb_transport_rates(&s, hi, &b);
    const struct mb_rates *r[3] = { central, &a, &b };
    double *sum[3] = { &out->co2_transport_kg, &out->co2_transport_low_kg,
                       &out->co2_transport_high_kg };
    for (int k = 0; k < 3; k++) {
        *sum[k] = 0;
        for (size_t i = 0; i < out->nflows; i++) {
            const struct mb_mhp_flow *f = &out->flows[i];
            double nok_t, co2_t;
            mb_rates_haul(r[k], f->km, f->ferry_km, f->ferry_crossings, &nok_t, &co2_t);
            *sum[k] += f->t * co2_t;
        }
    }
}

int mb_mhp_build(struct mb_store *st, const struct mb_market *m, const int64_t *ids,
                 size_t n, const char *name, struct mb_mhp *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    out->payload_t = mb_factor_register(NULL)[MB_F_PAYLOAD].central;
    out->cost_nok_per_t = m->cost_nok_per_t;
    out->cost_nok_per_tkm = m->cost_nok_per_tkm;
    out->co2_kg_per_t = m->co2_kg_per_t;
    out->co2_kg_per_tkm = m->co2_kg_per_tkm;
    out->detour_factor = m->detour_factor;
    out->ferry_nok_per_t_crossing = m->rates.ferry_nok_per_t;
    out->ferry_nok_per_tkm = m->rates.ferry_nok_per_tkm;
    out->ferry_co2_kg_per_tkm = m->rates.ferry_co2_per_tkm;
    int rc = load_listings(st, ids, n, out, err);
    if (rc)
        goto fail;
    mb_text_copy(out->name, sizeof out->name,
                 name && *name ? name : out->listings[0].rec.title);
    struct mb_org org;
    if ((rc = mb_store_org_get(st, out->listings[0].rec.org_id, &org, err)) != 0)
        goto fail;
    mb_text_copy(out->owner, sizeof out->owner, org.name);
    for (size_t i = 0; i < n; i++)
        add_amount(out, m, &out->listings[i].rec);

    struct mb_match_result *res = mb_xcalloc(n, sizeof *res);
    double *left_s = mb_xcalloc(n, sizeof *left_s), *left_n = mb_xcalloc(n, sizeof *left_n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct mb_site_rec *r = &out->listings[i].rec;
        (r->type == MB_TYPE_SUPPLY ? left_s : left_n)[i] = r->amount_t;
        if (r->type != MB_TYPE_SUPPLY)
            continue;
        bool truncated;
        size_t ncands;
        rc = mb_match_find(st, m, r, 2 * MB_MHP_RECEIVERS + n, 0, &res[i], &ncands, &truncated,
                           err);
    }
    if (rc == 0)
        rc = on_site(st, out, m, left_s, left_n, res, err);
    if (rc == 0)
        elsewhere(out, left_s, res);
    for (size_t i = 0; i < n; i++)
        mb_match_result_release(&res[i]);
    free(res);
    free(left_s);
    free(left_n);
    if (rc || (rc = load_deals(st, out, err)) != 0)
        goto fail;
    for (size_t i = 0; i < out->nflows; i++) {
        struct mb_mhp_flow *f = &out->flows[i];
        f->truckloads = ceil(f->t / out->payload_t - 1e-9);
        f->tkm = f->t * f->km;
    }
    transport_bounds(out, &m->rates);
    return 0;
fail:
    mb_mhp_release(out);
    return rc;
}
