/*
 * seed_deals.c - demo deals and load tickets (see seed.h): so that a new
 * demo market shows what happens after a match. A landfill operator takes
 * part of a contractor's surplus to its landfill and a developer takes
 * another surplus to its own need, both hauled by the demo hauler; the
 * loads are registered, confirmed, one disputed and replaced. Everything
 * goes through the market's deal rules (market/deal.h), so the demo holds
 * no deal a user could not make and every step is in the audit log.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "market/deal.h"
#include "market/seed.h"

static int page_of(struct mb_store *st, enum mb_site_type type, int64_t org,
                   struct mb_site_page *out, struct mb_error *err)
{
    struct mb_site_query q = { 0 };
    q.types = 1u << type;
    q.statuses = 1u << MB_STATUS_PUBLISHED;
    q.org_id = org;
    q.limit = 200;
    q.no_total = true;
    return mb_store_site_search(st, &q, out, err);
}

/* Reserve `tonnes` of the first supply of `seller` that one of the
 * counterparts takes (the deal rules decide what fits), and let the
 * seller accept. MB_ENOTFOUND when no pair fits. */
static int reserve_first_fit(struct mb_store *st, const struct mb_user *seller,
                             const struct mb_user *buyer, const struct mb_site_page *supplies,
                             const struct mb_site_page *counterparts, double tonnes,
                             int64_t hauler_org, const char *use, int64_t skip_listing,
                             struct mb_deal *out, struct mb_site_rec *listing,
                             struct mb_error *err)
{
    for (size_t i = 0; i < supplies->n; i++) {
        const struct mb_site_rec *s = &supplies->items[i];
        if (s->id == skip_listing || s->amount_t < tonnes)
            continue;
        for (size_t k = 0; k < counterparts->n; k++) {
            struct mb_deal d = { 0 };
            d.listing_id = s->id;
            d.counterpart_site = counterparts->items[k].id;
            d.hauler_org = hauler_org;
            d.amount_t = d.amount_value = tonnes;
            mb_text_copy(d.amount_unit, sizeof d.amount_unit, "t");
            d.price_nok_per_t = s->price_nok_per_t;
            d.from_m = s->from_m;
            d.to_m = s->to_m;
            mb_text_copy(d.use, sizeof d.use, use);
            mb_text_copy(d.note, sizeof d.note, "Demoavtale");
            struct mb_error e;
            int rc = mb_deal_reserve(st, buyer, &d, &e);
            if (rc == MB_EINVAL && strcmp(e.field, "counterpart_site") == 0)
                continue; /* does not take these masses: try the next */
            if (rc) {
                if (err)
                    *err = e;
                return rc;
            }
            if ((rc = mb_deal_move(st, seller, d.id, -1, MB_DEAL_AGREED, out, err)) != 0)
                return rc;
            mb_site_rec_copy(listing, s);
            return 0;
        }
    }
    return mb_error_set(err, MB_ENOTFOUND, "demo", "no demo supply fits a counterpart");
}

/* Register a load of `tonnes` by `hauler` under deal d at time `at`. */
static int one_load(struct mb_store *st, const struct mb_user *hauler, const struct mb_deal *d,
                    const struct mb_site_rec *listing, const char *truck, const char *euro,
                    double tonnes, int64_t at, int64_t replaces, struct mb_delivery *v,
                    struct mb_error *err)
{
    memset(v, 0, sizeof *v);
    v->deal_id = d->id;
    mb_text_copy(v->truck, sizeof v->truck, truck);
    mb_text_copy(v->euro_class, sizeof v->euro_class, euro);
    v->amount_t = v->amount_value = tonnes;
    mb_text_copy(v->amount_unit, sizeof v->amount_unit, "t");
    v->at = at;
    v->replaces = replaces;
    mb_deal_route(d, listing, &v->from_site, &v->to_site);
    return mb_delivery_register(st, hauler, v, err);
}

int mb_seed_demo_deals(struct mb_store *st, const struct mb_seed_users *u, struct mb_error *err)
{
    struct mb_site_page supplies = { 0 }, landfills = { 0 }, needs = { 0 };
    struct mb_site_rec l1 = { 0 }, l2 = { 0 };
    struct mb_deal d1, d2;
    int rc;
    if ((rc = page_of(st, MB_TYPE_SUPPLY, u->seller->org_id, &supplies, err)) ||
        (rc = page_of(st, MB_TYPE_LANDFILL, u->operator_->org_id, &landfills, err)) ||
        (rc = page_of(st, MB_TYPE_NEED, u->developer->org_id, &needs, err)))
        goto out;
    /* 1. 600 t to the operator's landfill: five loads confirmed, one
     * disputed (the weight on the ticket was wrong) and replaced. */
    if ((rc = reserve_first_fit(st, u->seller, u->operator_, &supplies, &landfills, 600,
                                u->hauler->org_id, "", 0, &d1, &l1, err)))
        goto out;
    int64_t now = (int64_t)time(NULL);
    static const double t1[] = { 27.5, 28.1, 26.9, 27.8, 28.4 };
    struct mb_delivery v;
    for (size_t k = 0; k < sizeof t1 / sizeof *t1; k++) {
        if ((rc = one_load(st, u->hauler, &d1, &l1, k % 2 ? "ZT41877" : "ZT40312",
                           k % 2 ? "electric" : "VI", t1[k], now, 0, &v, err)) ||
            (rc = mb_delivery_decide(st, u->operator_, v.id, -1, MB_DELIVERY_CONFIRMED, NULL, &v,
                                     err)))
            goto out;
    }
    if ((rc = one_load(st, u->hauler, &d1, &l1, "ZT40312", "VI", 31.0, now, 0, &v, err)) ||
        (rc = mb_delivery_decide(st, u->operator_, v.id, -1, MB_DELIVERY_DISPUTED,
                                 "Vekten på veisedelen stemmer ikke med deponiets vekt (27,2 t)",
                                 &v, err)))
        goto out;
    int64_t disputed = v.id;
    if ((rc = one_load(st, u->hauler, &d1, &l1, "ZT40312", "VI", 27.2, now, disputed, &v,
                       err)) ||
        (rc = mb_delivery_decide(st, u->operator_, v.id, -1, MB_DELIVERY_CONFIRMED, NULL,
                                 &v, err)))
        goto out;
    /* One more on the road: registered, not yet confirmed. */
    if ((rc = one_load(st, u->hauler, &d1, &l1, "ZT41877", "electric", 28.0, now, 0, &v, err)))
        goto out;

    /* 2. 300 t of another surplus to the developer's own need (reuse):
     * three loads confirmed by the developer. */
    rc = reserve_first_fit(st, u->seller, u->developer, &supplies, &needs, 300,
                           u->hauler->org_id, "reuse", l1.id, &d2, &l2, err);
    if (rc == MB_ENOTFOUND) {
        rc = 0; /* the demo region has no such pair: one deal is enough */
        goto out;
    }
    if (rc)
        goto out;
    static const double t2[] = { 29.0, 28.6, 29.3 };
    for (size_t k = 0; k < sizeof t2 / sizeof *t2; k++) {
        if ((rc = one_load(st, u->hauler, &d2, &l2, "ZT41877", "electric", t2[k], now, 0, &v,
                           err)) ||
            (rc = mb_delivery_decide(st, u->developer, v.id, -1, MB_DELIVERY_CONFIRMED, NULL, &v,
                                     err)))
            goto out;
    }
out:
    mb_site_rec_release(&l1);
    mb_site_rec_release(&l2);
    mb_site_page_release(&supplies);
    mb_site_page_release(&landfills);
    mb_site_page_release(&needs);
    return rc;
}
