/*
 * test_deal.c - deals and load tickets (market/deal.c, store_deal.c): the
 * committed-amount rule, the state machine and its parties, loads with
 * gap-free numbers and random codes, disputes and replacements, the
 * planned-vs-actual balance, the QR code, and migrating a version 2
 * database to version 3.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include "market/audit.h"
#include "market/deal.h"
#include "market/listing.h"
#include "support/tmpdir.h"

struct world {
    struct mb_store *st;
    struct mb_market m;
    struct mb_user owner, buyer, hauler, other;
    int64_t listing;
};

static struct mb_user make_user(struct mb_store *st, const char *org_name, const char *email,
                                enum mb_role role)
{
    struct mb_error err;
    struct mb_org o = { 0 };
    snprintf(o.name, sizeof o.name, "%s", org_name);
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "%s", err.message);
    struct mb_user u = { 0 };
    u.org_id = o.id;
    u.role = role;
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.name, sizeof u.name, "%s", email);
    cr_assert_eq(mb_store_user_create(st, &u, "x", &err), 0, "%s", err.message);
    return u;
}

static void setup(struct world *w, double amount_t)
{
    struct mb_error err;
    memset(w, 0, sizeof *w);
    cr_assert_eq(mb_store_open(&w->st, ":memory:", &err), 0, "%s", err.message);
    cr_assert_eq(mb_market_init(&w->m, &err), 0, "%s", err.message);
    w->owner = make_user(w->st, "Utbygger AS", "u@x.no", MB_ROLE_DEVELOPER);
    w->buyer = make_user(w->st, "Entreprenør AS", "e@x.no", MB_ROLE_CONTRACTOR);
    w->hauler = make_user(w->st, "Transport AS", "t@x.no", MB_ROLE_HAULER);
    w->other = make_user(w->st, "Andre AS", "a@x.no", MB_ROLE_CONTRACTOR);
    char body[512];
    snprintf(body, sizeof body, "{\"type\": \"supply\", \"title\": \"Stein\", \"lat\": 63.44,"
             " \"lon\": 10.45, \"material\": \"rock.blasted\", \"class\": 1, \"amount\":"
             " {\"value\": %g, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-03\", \"to\":"
             " \"2026-08\"}}", amount_t);
    struct mb_site_rec rec = { 0 };
    struct mb_problems p;
    cr_assert_eq(mb_market_parse_site(&w->m, MB_FAMILY_LISTING, body, strlen(body), &rec, &p),
                 0);
    rec.org_id = w->owner.org_id;
    rec.status = MB_STATUS_PUBLISHED;
    cr_assert_eq(mb_store_site_put(w->st, &rec, &err), 0, "%s", err.message);
    w->listing = rec.id;
    mb_site_rec_release(&rec);
}

static void teardown(struct world *w)
{
    mb_market_release(&w->m);
    mb_store_close(w->st);
}

/* Reserve `json` on the listing as `who`: the return code. */
static int reserve(struct world *w, const struct mb_user *who, const char *json,
                   struct mb_deal *d, struct mb_error *err)
{
    struct mb_site_rec l;
    cr_assert_eq(mb_store_site_get(w->st, w->listing, &l, err), 0);
    json_t *b = json_loads(json, 0, NULL);
    cr_assert_not_null(b, "%s", json);
    int rc = mb_deal_parse(&w->m, &l, b, d, err);
    if (!rc)
        rc = mb_deal_reserve(w->st, who, d, err);
    json_decref(b);
    mb_site_rec_release(&l);
    return rc;
}

static struct mb_listing_balance balance(struct world *w)
{
    struct mb_site_rec l;
    struct mb_error err;
    struct mb_listing_balance b;
    cr_assert_eq(mb_store_site_get(w->st, w->listing, &l, &err), 0);
    cr_assert_eq(mb_deal_listing_balance(w->st, &l, &b, &err), 0, "%s", err.message);
    mb_site_rec_release(&l);
    return b;
}

static enum mb_status listing_status(struct world *w)
{
    struct mb_site_rec l;
    struct mb_error err;
    cr_assert_eq(mb_store_site_get(w->st, w->listing, &l, &err), 0);
    enum mb_status s = l.status;
    mb_site_rec_release(&l);
    return s;
}

static int load(struct world *w, const struct mb_user *who, int64_t deal_id, const char *json,
                struct mb_delivery *v, struct mb_error *err)
{
    struct mb_deal d;
    struct mb_site_rec l;
    cr_assert_eq(mb_store_deal_get(w->st, deal_id, &d, err), 0);
    cr_assert_eq(mb_store_site_get(w->st, d.listing_id, &l, err), 0);
    json_t *b = json_loads(json, 0, NULL);
    cr_assert_not_null(b, "%s", json);
    int rc = mb_delivery_parse(&w->m, &l, &d, b, (int64_t)time(NULL), v, err);
    if (!rc)
        rc = mb_delivery_register(w->st, who, v, err);
    json_decref(b);
    mb_site_rec_release(&l);
    return rc;
}

static char *now_iso(void)
{
    static char buf[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

Test(deal, reservations_never_exceed_the_listing)
{
    struct world w;
    setup(&w, 1000);
    struct mb_deal a, b;
    struct mb_error err;
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 600, \"unit\": \"t\"}}", &a,
                         &err), 0, "%s", err.message);
    cr_assert_eq(a.state, MB_DEAL_RESERVED);
    cr_assert_float_eq(balance(&w).available_t, 400, 1e-9);
    cr_assert_eq(reserve(&w, &w.other, "{\"amount\": {\"value\": 401, \"unit\": \"t\"}}", &b,
                         &err), MB_ECONFLICT);
    cr_assert_str_eq(err.field, "amount");
    cr_assert(strstr(err.message, "400.000 t"), "%s", err.message);
    /* The rest exactly: nothing is left, the listing turns reserved. */
    cr_assert_eq(reserve(&w, &w.other, "{\"amount\": {\"value\": 400, \"unit\": \"t\"}}", &b,
                         &err), 0, "%s", err.message);
    cr_assert_eq(listing_status(&w), MB_STATUS_RESERVED);
    /* Declining frees the amount: published again. */
    struct mb_deal out;
    cr_assert_eq(mb_deal_move(w.st, &w.owner, b.id, -1, MB_DEAL_DECLINED, &out, &err), 0, "%s",
                 err.message);
    cr_assert_eq(listing_status(&w), MB_STATUS_PUBLISHED);
    cr_assert_float_eq(balance(&w).available_t, 400, 1e-9);
    /* The owner's own organisation cannot reserve. */
    cr_assert_eq(reserve(&w, &w.owner, "{\"amount\": {\"value\": 1, \"unit\": \"t\"}}", &b,
                         &err), MB_EFORBIDDEN);
    cr_assert_str_eq(err.field, "id");
    teardown(&w);
}

/* The reproduced flip (issue 12): the owner reserves a listing by hand
 * while amount is still available; declining a deal on it must not
 * publish it again, and no status change is logged. Only a reservation
 * that deals made (nothing left) is undone when a deal frees amount. */
Test(deal, a_listing_reserved_by_hand_stays_reserved_when_a_deal_is_declined)
{
    struct world w;
    setup(&w, 1000);
    struct mb_deal a, out;
    struct mb_error err;
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 300, \"unit\": \"t\"}}", &a,
                         &err), 0, "%s", err.message);
    cr_assert_eq(listing_status(&w), MB_STATUS_PUBLISHED, "700 t are still available");
    struct mb_site_rec l;
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, w.listing, -1,
                                       MB_STATUS_RESERVED, &l, &err), 0, "%s", err.message);
    mb_site_rec_release(&l);
    cr_assert_eq(mb_deal_move(w.st, &w.owner, a.id, -1, MB_DEAL_DECLINED, &out, &err), 0, "%s",
                 err.message);
    cr_assert_eq(listing_status(&w), MB_STATUS_RESERVED, "the owner's reservation stands");
    cr_assert_float_eq(balance(&w).available_t, 1000, 1e-9);
    teardown(&w);
}

Test(deal, amounts_convert_with_the_listing_material)
{
    struct world w;
    setup(&w, 1000);
    struct mb_deal d;
    struct mb_error err;
    /* rock.blasted: 12000 lm3 = 21600 t (docs/units.md), so 100 lm3 = 180 t. */
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 100, \"unit\": \"lm3\"}}", &d,
                         &err), 0, "%s", err.message);
    cr_assert_float_eq(d.amount_t, 180, 1e-6);
    cr_assert_str_eq(d.amount_unit, "lm3");
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 1, \"unit\": \"m3\"}}", &d,
                         &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "amount.unit");
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 0, \"unit\": \"t\"}}", &d,
                         &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "amount.value");
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 1, \"unit\": \"t\"}, "
                         "\"window\": {\"from\": \"2026-06\", \"to\": \"2026-05\"}}", &d, &err),
                 MB_EINVAL);
    cr_assert_str_eq(err.field, "window");
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 1, \"unit\": \"t\"}, "
                         "\"window\": {\"from\": \"2027-01\", \"to\": \"2027-02\"}}", &d, &err),
                 MB_EINVAL);
    cr_assert_str_eq(err.field, "window");
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 1, \"unit\": \"t\"}, "
                         "\"use\": \"landfill\"}", &d, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "use");
    teardown(&w);
}

Test(deal, state_machine_and_parties)
{
    struct mb_deal d = { .org_id = 2, .hauler_org = 3 };
    struct mb_user owner = { .org_id = 1, .role = MB_ROLE_DEVELOPER };
    struct mb_user buyer = { .org_id = 2, .role = MB_ROLE_CONTRACTOR };
    struct mb_user kommune = { .org_id = 9, .role = MB_ROLE_MUNICIPALITY };
    struct mb_user stranger = { .org_id = 8, .role = MB_ROLE_CONTRACTOR };
    unsigned po = mb_deal_parties(&d, 1, 0, &owner), pb = mb_deal_parties(&d, 1, 0, &buyer);
    cr_assert(mb_deal_may_move(MB_DEAL_RESERVED, MB_DEAL_AGREED, po));
    cr_assert_not(mb_deal_may_move(MB_DEAL_RESERVED, MB_DEAL_AGREED, pb));
    cr_assert(mb_deal_may_move(MB_DEAL_RESERVED, MB_DEAL_CANCELLED, pb));
    cr_assert_not(mb_deal_may_move(MB_DEAL_RESERVED, MB_DEAL_CANCELLED, po));
    cr_assert(mb_deal_may_move(MB_DEAL_AGREED, MB_DEAL_CANCELLED, po));
    cr_assert(mb_deal_may_move(MB_DEAL_AGREED, MB_DEAL_CANCELLED, pb));
    cr_assert_not(mb_deal_may_move(MB_DEAL_COMPLETED, MB_DEAL_CANCELLED, po | pb));
    cr_assert_not(mb_deal_may_move(MB_DEAL_DECLINED, MB_DEAL_AGREED, po));
    unsigned pk = mb_deal_parties(&d, 1, 0, &kommune);
    cr_assert(mb_deal_may_read(pk));
    cr_assert_not(mb_deal_may_move(MB_DEAL_RESERVED, MB_DEAL_AGREED, pk));
    cr_assert_not(mb_deal_may_read(mb_deal_parties(&d, 1, 0, &stranger)));
    /* The operator of the facility the deal names reads it, changes
     * nothing of it. */
    struct mb_user operator = { .org_id = 5, .role = MB_ROLE_OPERATOR };
    unsigned pf = mb_deal_parties(&d, 1, 5, &operator);
    cr_assert_eq(pf, MB_PARTY_SITE);
    cr_assert(mb_deal_may_read(pf));
    cr_assert_not(mb_deal_may_move(MB_DEAL_RESERVED, MB_DEAL_AGREED, pf));
    cr_assert_not(mb_deal_may_move(MB_DEAL_AGREED, MB_DEAL_COMPLETED, pf));
    cr_assert_not(mb_deal_may_read(mb_deal_parties(&d, 1, 0, &operator)));
}

/* The listing keeps at least what its deals hold, its status follows its
 * amount, and it is not hidden or closed under open deals. */
Test(deal, a_listing_cannot_shrink_below_or_close_under_its_deals)
{
    struct world w;
    setup(&w, 1000);
    struct mb_deal d;
    struct mb_error err;
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 300, \"unit\": \"t\"}}", &d,
                         &err), 0, "%s", err.message);
    struct mb_site_rec l, out;
    cr_assert_eq(mb_store_site_get(w.st, w.listing, &l, &err), 0);
    char before[128], after[128];
    cr_assert_eq(mb_store_fingerprint(w.st, before, sizeof before, &err), 0);
    struct mb_site_rec body;
    mb_site_rec_copy(&body, &l);
    body.amount_t = 200;
    cr_assert_eq(mb_listing_update(w.st, &w.owner, MB_FAMILY_LISTING, w.listing, -1, &body,
                                   &err), MB_ECONFLICT, "300 t are reserved");
    cr_assert_str_eq(err.field, "amount");
    cr_assert(strstr(err.message, "300.000 t"), "%s", err.message);
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, w.listing, -1,
                                       MB_STATUS_CLOSED, &out, &err), MB_ECONFLICT);
    cr_assert_str_eq(err.field, "status");
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, w.listing, -1,
                                       MB_STATUS_DRAFT, &out, &err), MB_ECONFLICT);
    cr_assert_eq(mb_store_fingerprint(w.st, after, sizeof after, &err), 0);
    cr_assert_str_eq(before, after);
    /* Exactly what is reserved: nothing left, reserved; more again: published. */
    body.amount_t = 300;
    cr_assert_eq(mb_listing_update(w.st, &w.owner, MB_FAMILY_LISTING, w.listing, -1, &body,
                                   &err), 0, "%s", err.message);
    cr_assert_eq(body.status, MB_STATUS_RESERVED);
    cr_assert_eq(listing_status(&w), MB_STATUS_RESERVED);
    mb_site_rec_release(&body);
    mb_site_rec_copy(&body, &l);
    body.amount_t = 500;
    cr_assert_eq(mb_listing_update(w.st, &w.owner, MB_FAMILY_LISTING, w.listing, -1, &body,
                                   &err), 0, "%s", err.message);
    cr_assert_eq(listing_status(&w), MB_STATUS_PUBLISHED);
    cr_assert_float_eq(balance(&w).available_t, 200, 1e-9);
    /* Once the deal is settled the listing may close. */
    struct mb_deal moved;
    cr_assert_eq(mb_deal_move(w.st, &w.buyer, d.id, -1, MB_DEAL_CANCELLED, &moved, &err), 0,
                 "%s", err.message);
    cr_assert_eq(mb_listing_set_status(w.st, &w.owner, MB_FAMILY_LISTING, w.listing, -1,
                                       MB_STATUS_CLOSED, &out, &err), 0, "%s", err.message);
    mb_site_rec_release(&out);
    mb_site_rec_release(&body);
    mb_site_rec_release(&l);
    teardown(&w);
}

/* Issue 13: a supplier could make itself the receiver by naming one of
 * its own sites as a load's to_site, and a hauler could name another
 * organisation's draft. A load now goes along the deal's route, and the
 * sender never confirms. */
Test(deal, a_load_goes_the_deals_route_and_its_sender_never_confirms)
{
    struct world w;
    setup(&w, 1000);
    struct mb_error err;
    /* A draft of the supplier's and one of a stranger's. */
    int64_t own_draft = 0, other_draft = 0;
    for (int k = 0; k < 2; k++) {
        const char *body = "{\"type\": \"need\", \"title\": \"Skjult\", \"lat\": 63.4,"
                           " \"lon\": 10.4, \"material\": \"rock.blasted\", \"amount\":"
                           " {\"value\": 50, \"unit\": \"t\"}, \"window\": {\"from\":"
                           " \"2026-03\", \"to\": \"2026-08\"}}";
        struct mb_site_rec rec = { 0 };
        struct mb_problems p = { 0 };
        cr_assert_eq(mb_market_parse_site(&w.m, MB_FAMILY_LISTING, body, strlen(body), &rec,
                                          &p), 0);
        rec.org_id = k == 0 ? w.owner.org_id : w.other.org_id;
        rec.status = MB_STATUS_DRAFT;
        cr_assert_eq(mb_store_site_put(w.st, &rec, &err), 0);
        *(k == 0 ? &own_draft : &other_draft) = rec.id;
        mb_site_rec_release(&rec);
    }
    /* A deal without a hauler: either party registers its loads. */
    struct mb_deal d, out;
    cr_assert_eq(reserve(&w, &w.buyer, "{\"amount\": {\"value\": 100, \"unit\": \"t\"}}",
                         &d, &err), 0, "%s", err.message);
    cr_assert_eq(mb_deal_move(w.st, &w.owner, d.id, -1, MB_DEAL_AGREED, &out, &err), 0);
    char body[320];
    struct mb_delivery v, dec;
    for (int k = 0; k < 2; k++) {
        snprintf(body, sizeof body, "{\"truck\": \"AB12345\", \"euro_class\": \"VI\", "
                 "\"amount\": {\"value\": 20, \"unit\": \"t\"}, \"at\": \"%s\", "
                 "\"to_site\": %lld}", now_iso(), (long long)(k == 0 ? own_draft : other_draft));
        cr_assert_eq(load(&w, &w.owner, d.id, body, &v, &err), MB_EINVAL);
        cr_assert_str_eq(err.field, "to_site");
        cr_assert(strstr(err.message, "published"), "%s", err.message);
    }
    snprintf(body, sizeof body, "{\"truck\": \"AB12345\", \"euro_class\": \"VI\", "
             "\"amount\": {\"value\": 20, \"unit\": \"t\"}, \"at\": \"%s\", "
             "\"from_site\": %lld}", now_iso(), (long long)own_draft);
    cr_assert_eq(load(&w, &w.owner, d.id, body, &v, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "from_site");
    /* Along the route the supplier may register, but not confirm. */
    snprintf(body, sizeof body, "{\"truck\": \"AB12345\", \"euro_class\": \"VI\", "
             "\"amount\": {\"value\": 20, \"unit\": \"t\"}, \"at\": \"%s\"}", now_iso());
    cr_assert_eq(load(&w, &w.owner, d.id, body, &v, &err), 0, "%s", err.message);
    cr_assert_eq(mb_delivery_decide(w.st, &w.owner, v.id, -1, MB_DELIVERY_CONFIRMED, NULL, &dec,
                                    &err), MB_EFORBIDDEN);
    int64_t receiver;
    struct mb_site_rec l;
    cr_assert_eq(mb_store_site_get(w.st, w.listing, &l, &err), 0);
    cr_assert_eq(mb_delivery_receiver(w.st, &d, &l, &v, &receiver, &err), 0);
    cr_assert_eq(receiver, w.buyer.org_id, "the taking party receives");
    mb_site_rec_release(&l);
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v.id, -1, MB_DELIVERY_CONFIRMED, NULL, &dec,
                                    &err), 0, "%s", err.message);
    teardown(&w);
}

/* Who may take each step is the deal rules' to decide, not the caller's:
 * a wrong party, a municipality, a stranger and a stale version are
 * refused by the library, and a refusal writes nothing. */
Test(deal, who_may_take_each_step)
{
    struct world w;
    setup(&w, 1000);
    struct mb_user kommune = make_user(w.st, "Kommune", "k@x.no", MB_ROLE_MUNICIPALITY);
    struct mb_deal d, out;
    struct mb_error err;
    char body[256];
    snprintf(body, sizeof body, "{\"amount\": {\"value\": 100, \"unit\": \"t\"}, "
             "\"hauler_org\": %lld}", (long long)w.hauler.org_id);
    cr_assert_eq(reserve(&w, &w.buyer, body, &d, &err), 0, "%s", err.message);
    char before[128], after[128];
    cr_assert_eq(mb_store_fingerprint(w.st, before, sizeof before, &err), 0);
    cr_assert_eq(mb_deal_move(w.st, &w.buyer, d.id, -1, MB_DEAL_AGREED, &out, &err),
                 MB_EFORBIDDEN, "the reserver does not agree to its own reservation");
    cr_assert_str_eq(err.field, "id");
    cr_assert_eq(mb_deal_move(w.st, &kommune, d.id, -1, MB_DEAL_AGREED, &out, &err),
                 MB_EFORBIDDEN);
    cr_assert_str_eq(err.field, "role");
    cr_assert_eq(mb_deal_move(w.st, &w.other, d.id, -1, MB_DEAL_AGREED, &out, &err),
                 MB_ENOTFOUND, "a stranger does not see the deal");
    cr_assert_eq(mb_deal_move(w.st, &w.owner, d.id, d.version + 1, MB_DEAL_AGREED, &out, &err),
                 MB_ESTALE);
    cr_assert_eq(mb_deal_move(w.st, &w.owner, d.id, -1, MB_DEAL_COMPLETED, &out, &err),
                 MB_ECONFLICT, "a reserved deal is not completed");
    cr_assert_str_eq(err.field, "state");
    cr_assert_eq(mb_store_fingerprint(w.st, after, sizeof after, &err), 0);
    cr_assert_str_eq(before, after);
    cr_assert_eq(mb_deal_move(w.st, &w.owner, d.id, d.version, MB_DEAL_AGREED, &out, &err), 0,
                 "%s", err.message);
    struct mb_delivery v, dec;
    snprintf(body, sizeof body, "{\"truck\": \"AB12345\", \"euro_class\": \"VI\", "
             "\"amount\": "
             "{\"value\": 30, \"unit\": \"t\"}, \"at\": \"%s\"}", now_iso());
    cr_assert_eq(load(&w, &w.owner, d.id, body, &v, &err), MB_EFORBIDDEN,
                 "a deal with a hauler has its loads registered by the hauler");
    cr_assert_eq(load(&w, &w.hauler, d.id, body, &v, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_fingerprint(w.st, before, sizeof before, &err), 0);
    /* The supplier does not confirm its own load, nor does the hauler. */
    cr_assert_eq(mb_delivery_decide(w.st, &w.owner, v.id, -1, MB_DELIVERY_CONFIRMED, NULL, &dec,
                                    &err), MB_EFORBIDDEN);
    cr_assert_eq(mb_delivery_decide(w.st, &w.hauler, v.id, -1, MB_DELIVERY_CONFIRMED, NULL,
                                    &dec, &err), MB_EFORBIDDEN);
    cr_assert_eq(mb_delivery_decide(w.st, &w.other, v.id, -1, MB_DELIVERY_CONFIRMED, NULL, &dec,
                                    &err), MB_ENOTFOUND);
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v.id, v.version + 1, MB_DELIVERY_CONFIRMED,
                                    NULL, &dec, &err), MB_ESTALE);
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v.id, -1, MB_DELIVERY_CONFIRMED, "ok", &dec,
                                    &err), MB_EINVAL, "a reason goes with a dispute only");
    cr_assert_eq(mb_store_fingerprint(w.st, after, sizeof after, &err), 0);
    cr_assert_str_eq(before, after);
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v.id, v.version, MB_DELIVERY_CONFIRMED,
                                    NULL, &dec, &err), 0, "%s", err.message);
    teardown(&w);
}

/* The whole life: reserve, agree, loads with numbers 1..n, a dispute
 * and its replacement, confirmation, completion; the balance closes. */
Test(deal, loads_disputes_and_the_balance)
{
    struct world w;
    setup(&w, 1000);
    struct mb_deal d, out;
    struct mb_error err;
    char body[256];
    snprintf(body, sizeof body, "{\"amount\": {\"value\": 100, \"unit\": \"t\"}, "
             "\"hauler_org\": %lld}", (long long)w.hauler.org_id);
    cr_assert_eq(reserve(&w, &w.buyer, body, &d, &err), 0, "%s", err.message);
    struct mb_delivery v1, v2, v3, dec;
    snprintf(body, sizeof body, "{\"truck\": \"el 12345\", \"euro_class\": \"VI\", \"amount\": "
             "{\"value\": 30, \"unit\": \"t\"}, \"at\": \"%s\"}", now_iso());
    /* Not agreed yet: no loads. */
    cr_assert_eq(load(&w, &w.hauler, d.id, body, &v1, &err), MB_ECONFLICT);
    cr_assert_str_eq(err.field, "state");
    cr_assert_eq(mb_deal_move(w.st, &w.owner, d.id, -1, MB_DEAL_AGREED, &out, &err), 0);
    cr_assert_eq(load(&w, &w.hauler, d.id, body, &v1, &err), 0, "%s", err.message);
    cr_assert_eq(load(&w, &w.hauler, d.id, body, &v2, &err), 0, "%s", err.message);
    cr_assert_eq(v1.seq, 1);
    cr_assert_eq(v2.seq, 2);
    cr_assert_str_eq(v1.truck, "EL12345");
    cr_assert_eq(strlen(v1.code), 22);
    cr_assert_str_neq(v1.code, v2.code);
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v1.id, -1, MB_DELIVERY_CONFIRMED, "", &dec,
                                    &err), 0, "%s", err.message);
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v1.id, -1, MB_DELIVERY_DISPUTED, "x", &dec,
                                    &err), MB_ECONFLICT);
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v2.id, -1, MB_DELIVERY_DISPUTED, "", &dec,
                                    &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "reason");
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v2.id, -1, MB_DELIVERY_DISPUTED,
                                    "veid 22 t på mottak", &dec, &err), 0);
    struct mb_listing_balance b = balance(&w);
    cr_assert_float_eq(b.remaining_t, 970, 1e-9);
    cr_assert_float_eq(b.committed_t, 100, 1e-9);
    /* The hauler corrects the disputed load; the balance closes at every
     * step: planned = confirmed + disputed + open. */
    snprintf(body, sizeof body, "{\"truck\": \"EL-12345\", \"euro_class\": \"VI\", \"amount\": "
             "{\"value\": 22, \"unit\": \"t\"}, \"at\": \"%s\", \"replaces\": %lld}", now_iso(),
             (long long)v2.id);
    cr_assert_eq(load(&w, &w.hauler, d.id, body, &v3, &err), 0, "%s", err.message);
    cr_assert_eq(v3.seq, 3);
    int64_t v3_id = v3.id;
    cr_assert_eq(load(&w, &w.hauler, d.id, body, &v3, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "replaces");
    struct mb_delivery *loads;
    size_t n;
    cr_assert_eq(mb_store_delivery_list(w.st, 0, w.listing, &loads, &n, &err), 0);
    cr_assert_eq(n, 3);
    struct mb_site_rec l;
    cr_assert_eq(mb_store_site_get(w.st, w.listing, &l, &err), 0);
    json_t *bal = mb_deal_balance_json(&l, loads, n);
    json_t *t = json_object_get(bal, "totals");
    double planned = json_real_value(json_object_get(t, "planned_t"));
    double conf = json_real_value(json_object_get(t, "confirmed_t"));
    double disp = json_real_value(json_object_get(t, "disputed_t"));
    double open = json_real_value(json_object_get(t, "open_t"));
    cr_assert_float_eq(planned, 1000, 1e-9);
    cr_assert_float_eq(conf, 30, 1e-9);
    cr_assert_float_eq(disp, 0, 1e-9, "the replaced dispute no longer counts");
    cr_assert_float_eq(planned, conf + disp + open, 1e-6);
    cr_assert(json_is_true(json_object_get(t, "closed")));
    json_decref(bal);
    free(loads);
    mb_site_rec_release(&l);
    /* A load in the future or before the deal is refused. */
    cr_assert_eq(load(&w, &w.hauler, d.id, "{\"truck\": \"EL12345\", \"euro_class\": \"VI\","
                      " \"amount\": {\"value\": 1, \"unit\": \"t\"}, \"at\": "
                      "\"2199-01-01T00:00:00Z\"}", &v3, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "at");
    cr_assert_eq(load(&w, &w.hauler, d.id, "{\"truck\": \"EL12345\", \"euro_class\": \"VII\","
                      " \"amount\": {\"value\": 1, \"unit\": \"t\"}, \"at\": \"2026-01-01T00:00Z\"}",
                      &v3, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "euro_class");
    cr_assert_eq(mb_deal_move(w.st, &w.buyer, d.id, -1, MB_DEAL_COMPLETED, &out, &err), 0);
    /* Completed: what is committed is what was confirmed and what is still
     * on the road (load 3, 22 t, waits for its receiver) ... */
    cr_assert_float_eq(balance(&w).committed_t, 52, 1e-9);
    /* ... until the receiver disputes it: then only what was confirmed. */
    cr_assert_eq(mb_delivery_decide(w.st, &w.buyer, v3_id, -1, MB_DELIVERY_DISPUTED,
                                    "kom aldri", &dec, &err), 0, "%s", err.message);
    cr_assert_float_eq(balance(&w).committed_t, 30, 1e-9);
    /* Every change is in the audit log, and the chain holds. */
    struct mb_audit_report rep;
    cr_assert_eq(mb_audit_verify(w.st, NULL, &rep, &err), 0);
    cr_assert_eq(rep.problem, MB_AUDIT_OK, "%s", rep.message);
    cr_assert_geq(rep.entries, 8);
    teardown(&w);
}

Test(deal, qr_svg_is_a_square_of_modules)
{
    char *svg;
    size_t len;
    struct mb_error err;
    cr_assert_eq(mb_ticket_qr_svg("https://massebank.no/t/abcdefghijklmnopqrstuv", &svg, &len,
                                  &err), 0);
    cr_assert(strncmp(svg, "<svg ", 5) == 0);
    /* A version v symbol is 17 + 4v modules wide, plus a quiet zone of 4
     * on each side. */
    int w = 0, h = 0;
    const char *vb = strstr(svg, "viewBox=\"0 0 ");
    cr_assert_not_null(vb);
    cr_assert_eq(sscanf(vb, "viewBox=\"0 0 %d %d\"", &w, &h), 2);
    cr_assert_eq(w, h);
    cr_assert_eq((w - 8 - 17) % 4, 0, "%d", w);
    cr_assert(strstr(svg, "<path fill=\"#000\" d=\"M"));
    cr_assert_eq(strlen(svg), len);
    free(svg);
}

/* A database made by a build of schema version 2 migrates to 3 (and on)
 * and keeps its rows. */
Test(deal, version_2_database_migrates)
{
    char *path = tmpfile_path("v2.db");
    sqlite3 *db;
    /* A version 2 file: made by this build, then the version 3 tables
     * dropped and the version stepped back. */
    struct mb_store *st;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    struct mb_org o = { .name = "Gammel AS" };
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0);
    mb_store_close(st);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "DROP TABLE audit; DROP TABLE delivery; DROP TABLE deal;"
                              " DROP TABLE site_change; DROP TABLE site_change_floor;"
                              " DROP TRIGGER site_change_ai; DROP TRIGGER site_change_au;"
                              " DROP TRIGGER site_change_ad; DROP TRIGGER site_material_change_ai;"
                              " DROP TRIGGER site_material_change_au;"
                              " DROP TRIGGER site_material_change_ad; DROP TABLE site_staged;"
                              " DROP TABLE address_fts; DROP TABLE address;"
                              " DROP TABLE org_contact; DROP TABLE thread_read;"
                              " DROP TABLE message; DROP TABLE thread;"
                              " ALTER TABLE document DROP COLUMN kind;"
                              " DROP TRIGGER road_queue_ai; DROP TRIGGER road_queue_au; DROP TRIGGER road_queue_moved; DROP TRIGGER road_queue_material; DROP TABLE road_queue; DROP TABLE road_distance; DROP TABLE job_words; DROP TABLE suggestion; DROP TABLE alert_cursor; DROP TABLE outbox; DROP TABLE alert_pref; DROP TABLE notification; DROP TABLE saved_search; DROP TABLE account_token; DROP TABLE org_status;"
                              " PRAGMA user_version = 2;", NULL, NULL, NULL), SQLITE_OK,
                 "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    cr_assert_eq(mb_store_open(&st, path, &err), 0, "%s", err.message);
    cr_assert_eq(mb_store_schema_version(st), MB_STORE_SCHEMA_VERSION);
    struct mb_org got;
    cr_assert_eq(mb_store_org_get(st, o.id, &got, &err), 0);
    cr_assert_str_eq(got.name, "Gammel AS");
    int64_t n = -1;
    cr_assert_eq(mb_store_audit_count(st, &n, &err), 0);
    cr_assert_eq(n, 0);
    mb_store_close(st);
    free(path);
}
