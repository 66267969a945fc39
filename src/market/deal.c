/*
 * deal.c - deals and load tickets: reading their bodies, the state rules,
 * the committed-amount rule, and the transactions that apply them with
 * their audit entries (see deal.h; docs/deals.md).
 *
 * Every writing function opens one transaction (mb_store_begin: BEGIN
 * IMMEDIATE, so the write lock is taken before anything is read), reads
 * what its rule needs, writes, appends the audit entries and commits; on
 * any error it rolls back, so a refusal leaves no trace.
 */
#include "market/deal.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "domain/month.h"
#include "domain/unit.h"
#include "market/audit.h"
#include "market/listing.h"
#include "market/permit.h"

/* ---- parties and states -------------------------------------------------------- */

bool mb_delivery_may_register(const struct mb_deal *d, unsigned parties)
{
    /* The deal's hauler registers its loads; without one, its parties. */
    unsigned haulers = MB_PARTY_ADMIN |
                       (d->hauler_org ? MB_PARTY_HAULER : MB_PARTY_OWNER | MB_PARTY_RESERVER);
    return (parties & haulers) != 0;
}

json_t *mb_deal_may_json(const struct mb_deal *d, unsigned parties)
{
    json_t *to = json_array();
    for (int s = MB_DEAL_RESERVED; s <= MB_DEAL_CANCELLED; s++)
        if (s != (int)d->state && mb_deal_may_move(d->state, (enum mb_deal_state)s, parties))
            json_array_append_new(to, json_string(mb_deal_state_name((enum mb_deal_state)s)));
    return json_pack("{s:o, s:b}", "move_to", to, "register_loads",
                     d->state == MB_DEAL_AGREED && mb_delivery_may_register(d, parties));
}

unsigned mb_deal_parties(const struct mb_deal *d, int64_t listing_org, int64_t site_org,
                         const struct mb_user *u)
{
    unsigned p = 0;
    if (!u)
        return 0;
    if (site_org && u->org_id == site_org)
        p |= MB_PARTY_SITE;
    if (u->org_id == listing_org)
        p |= MB_PARTY_OWNER;
    if (u->org_id == d->org_id)
        p |= MB_PARTY_RESERVER;
    if (d->hauler_org && u->org_id == d->hauler_org)
        p |= MB_PARTY_HAULER;
    if (mb_permit_may(u->role, MB_ACT_ADMIN))
        p |= MB_PARTY_ADMIN;
    else if (mb_permit_may(u->role, MB_ACT_OVERSEE))
        p |= MB_PARTY_AUTHORITY;
    return p;
}

bool mb_deal_may_read(unsigned parties)
{
    return parties != 0;
}

bool mb_deal_may_move(enum mb_deal_state from, enum mb_deal_state to, unsigned parties)
{
    unsigned who = 0;
    if (from == MB_DEAL_RESERVED && to == MB_DEAL_AGREED)
        who = MB_PARTY_OWNER;
    else if (from == MB_DEAL_RESERVED && to == MB_DEAL_DECLINED)
        who = MB_PARTY_OWNER;
    else if (from == MB_DEAL_RESERVED && to == MB_DEAL_CANCELLED)
        who = MB_PARTY_RESERVER;
    else if (from == MB_DEAL_AGREED && (to == MB_DEAL_CANCELLED || to == MB_DEAL_COMPLETED))
        who = MB_PARTY_OWNER | MB_PARTY_RESERVER;
    return (parties & (who | (who ? MB_PARTY_ADMIN : 0))) != 0;
}

/* Whether the step exists at all (for anybody). */
static bool step_exists(enum mb_deal_state from, enum mb_deal_state to)
{
    return mb_deal_may_move(from, to, MB_PARTY_ADMIN);
}

/* Whether these parties may put a deal in state `to` from some state. */
static bool may_reach(enum mb_deal_state to, unsigned parties)
{
    for (int s = MB_DEAL_RESERVED; s <= MB_DEAL_CANCELLED; s++)
        if (mb_deal_may_move((enum mb_deal_state)s, to, parties))
            return true;
    return false;
}

/* Who may make a deal `to` from state `from` (-1: from any state), in
 * words for an error: read from the rule (mb_deal_may_move), not written
 * again. */
static const char *mover(int from, enum mb_deal_state to)
{
    bool owner = false, reserver = false;
    for (int s = MB_DEAL_RESERVED; s <= MB_DEAL_CANCELLED; s++)
        if (from < 0 || s == from) {
            owner |= mb_deal_may_move((enum mb_deal_state)s, to, MB_PARTY_OWNER);
            reserver |= mb_deal_may_move((enum mb_deal_state)s, to, MB_PARTY_RESERVER);
        }
    if (owner && !reserver)
        return "the listing's organisation";
    return reserver && !owner ? "the reserving organisation" : "a party of the deal";
}

/* ---- amounts ------------------------------------------------------------------ */

int mb_deal_listing_balance(struct mb_store *st, const struct mb_site_rec *listing,
                            struct mb_listing_balance *out, struct mb_error *err)
{
    struct mb_listing_amounts a;
    int rc = mb_store_listing_amounts(st, listing->id, &a, err);
    if (rc)
        return rc;
    out->amount_t = listing->amount_t;
    out->committed_t = a.committed_t;
    out->confirmed_t = a.confirmed_t;
    out->available_t = fmax(0.0, listing->amount_t - a.committed_t);
    out->remaining_t = listing->amount_t - a.confirmed_t;
    return 0;
}

/* Tonnes shown to three decimals (kilograms): sums of converted amounts
 * otherwise show rounding noise. */
static double kg3(double t)
{
    return round(t * 1000.0) / 1000.0;
}

void mb_deal_amounts_json(json_t *view, const struct mb_listing_balance *b)
{
    json_object_set_new(view, "committed_t", json_real(kg3(b->committed_t)));
    json_object_set_new(view, "available_t", json_real(kg3(b->available_t)));
    json_object_set_new(view, "remaining_t", json_real(kg3(b->remaining_t)));
}

/* ---- bodies ------------------------------------------------------------------- */

static int opt_id(json_t *body, const char *key, int64_t *out, struct mb_error *err)
{
    json_t *v = json_object_get(body, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return mb_error_set(err, MB_EINVAL, key, "must be a positive whole number (an id)");
    *out = json_integer_value(v);
    return 0;
}

static int opt_text(json_t *body, const char *key, size_t max, char *out, size_t size,
                    struct mb_error *err)
{
    json_t *v = json_object_get(body, key);
    out[0] = '\0';
    if (!v)
        return 0;
    const char *s = json_string_value(v);
    if (!s)
        return mb_error_set(err, MB_EINVAL, key, "must be a string");
    size_t n = json_string_length(v);
    if (n > max || n >= size)
        return mb_error_set(err, MB_EINVAL, key, "must have at most %zu bytes", max);
    if (memchr(s, '\0', n) || mb_text_has_control(s, n, true) || memchr(s, '\t', n) ||
        memchr(s, '\r', n))
        return mb_error_set(err, MB_EINVAL, key, "must not contain control characters");
    mb_text_copy(out, size, s);
    return 0;
}

/* {"value": > 0, "unit": t|fm3|lm3} -> tonnes of the listing's material. */
static int parse_amount(const struct mb_market *m, const struct mb_site_rec *listing,
                        json_t *body, double *t, double *value, char *unit, size_t usize,
                        struct mb_error *err)
{
    json_t *a = json_object_get(body, "amount");
    if (!a)
        return mb_error_set(err, MB_EINVAL, "amount", "is required: {\"value\": ..., "
                            "\"unit\": \"t\", \"fm3\" or \"lm3\"}");
    if (!json_is_object(a))
        return mb_error_set(err, MB_EINVAL, "amount", "must be an object {\"value\", \"unit\"}");
    const char *k;
    json_t *x;
    json_object_foreach(a, k, x) {
        if (strcmp(k, "value") != 0 && strcmp(k, "unit") != 0) {
            char q[44];
            return mb_error_set(err, MB_EINVAL, "amount", "unknown field '%s'",
                                mb_text_clip(q, sizeof q, k));
        }
    }
    json_t *v = json_object_get(a, "value");
    if (!json_is_number(v))
        return mb_error_set(err, MB_EINVAL, "amount.value", "must be a number");
    double val = json_number_value(v);
    if (!isfinite(val) || !(val >= MB_AMOUNT_MIN) || val > MB_AMOUNT_MAX)
        return mb_error_set(err, MB_EINVAL, "amount.value", "must be at least %g and at most %g",
                            MB_AMOUNT_MIN, MB_AMOUNT_MAX);
    const char *us = json_string_value(json_object_get(a, "unit"));
    if (!us)
        return mb_error_set(err, MB_EINVAL, "amount.unit", "is required: t, fm3 or lm3");
    enum mb_unit u;
    int rc = mb_unit_parse(us, &u, "amount.unit", err);
    if (rc)
        return rc;
    const struct mb_material *mat = mb_catalog_find(&m->catalog, listing->material);
    if (!mat)
        return mb_error_set(err, MB_EINVAL, "amount", "the listing's material %s is unknown",
                            listing->material);
    if ((rc = mb_unit_convert(mat, val, u, MB_UNIT_T, t, err))) {
        mb_text_copy(err->field, sizeof err->field, "amount.value");
        return rc;
    }
    if (!(*t > 0))
        return mb_error_set(err, MB_EINVAL, "amount.value", "must be above 0");
    *value = val;
    mb_text_copy(unit, usize, mb_unit_symbol(u));
    return 0;
}

static int parse_month(json_t *w, const char *key, int *out, struct mb_error *err)
{
    char field[24];
    snprintf(field, sizeof field, "window.%s", key);
    const char *s = json_string_value(json_object_get(w, key));
    if (!s)
        return mb_error_set(err, MB_EINVAL, field, "is required: a month YYYY-MM");
    return mb_month_parse(s, out, field, err);
}

int mb_deal_parse(const struct mb_market *m, const struct mb_site_rec *listing, json_t *body,
                  struct mb_deal *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    out->listing_id = listing->id;
    int rc = parse_amount(m, listing, body, &out->amount_t, &out->amount_value,
                          out->amount_unit, sizeof out->amount_unit, err);
    if (rc)
        return rc;
    out->price_nok_per_t = listing->price_nok_per_t;
    json_t *p = json_object_get(body, "price_nok_per_t");
    if (p) {
        double x = json_number_value(p);
        if (!json_is_number(p) || !isfinite(x) || fabs(x) > 100000)
            return mb_error_set(err, MB_EINVAL, "price_nok_per_t",
                                "must be a number of NOK per tonne from -100000 to 100000");
        out->price_nok_per_t = x;
    }
    json_t *w = json_object_get(body, "window");
    if (!w) {
        out->from_m = listing->from_m;
        out->to_m = listing->to_m;
    } else {
        if (!json_is_object(w) || json_object_size(w) != 2 || !json_object_get(w, "from") ||
            !json_object_get(w, "to"))
            return mb_error_set(err, MB_EINVAL, "window", "must be {\"from\": \"YYYY-MM\", "
                                "\"to\": \"YYYY-MM\"}");
        if ((rc = parse_month(w, "from", &out->from_m, err)) ||
            (rc = parse_month(w, "to", &out->to_m, err)))
            return rc;
        if (out->to_m < out->from_m)
            return mb_error_set(err, MB_EINVAL, "window", "ends before it starts");
        if (out->to_m < listing->from_m || out->from_m > listing->to_m) {
            char a[8], b[8];
            mb_month_format(listing->from_m, a);
            mb_month_format(listing->to_m, b);
            return mb_error_set(err, MB_EINVAL, "window", "must overlap the listing's "
                                "window %s to %s", a, b);
        }
    }
    if ((rc = opt_id(body, "counterpart_site", &out->counterpart_site, err)) ||
        (rc = opt_id(body, "hauler_org", &out->hauler_org, err)))
        return rc;
    if ((rc = opt_text(body, "use", 20, out->use, sizeof out->use, err)))
        return rc;
    if (out->use[0] && strcmp(out->use, "reuse") != 0 &&
        strcmp(out->use, "soil_improvement") != 0)
        return mb_error_set(err, MB_EINVAL, "use", "must be reuse or soil_improvement");
    return opt_text(body, "note", 500, out->note, sizeof out->note, err);
}

/* ---- transactions ---------------------------------------------------------- */

/* Roll back and return rc (rc != 0), or commit. */

/* The listing's status after a deal changed what is committed of it: the
 * rule is the listing's (mb_listing_follow_deals); the balance is ours. */
static int follow_status(struct mb_store *st, const struct mb_user *who,
                         const struct mb_site_rec *listing, int64_t deal_id,
                         double available_before, struct mb_error *err)
{
    struct mb_listing_balance b;
    int rc = mb_deal_listing_balance(st, listing, &b, err);
    if (rc)
        return rc;
    return mb_listing_follow_deals(st, who, listing, deal_id, available_before, b.available_t,
                                   NULL, err);
}

static bool takes(const struct mb_site_rec *site, const char *material)
{
    for (size_t i = 0; i < site->nmaterials; i++)
        if (strcmp(site->materials[i], material) == 0)
            return true;
    return false;
}

/* Why the masses of listing l cannot go to (a supply) or come from (a
 * need) counterpart c, or NULL when they can: the direction, the material
 * and the condition class must fit, as they must for a flow in a plan. A
 * class limit of 0 on a receiver means none was given. */
static const char *fit_problem(const struct mb_site_rec *l, const struct mb_site_rec *c)
{
    if (l->type == MB_TYPE_SUPPLY) {
        if (c->type == MB_TYPE_SUPPLY || c->type == MB_TYPE_QUARRY)
            return "a supply's masses go to a need, landfill, storage site or plant";
        if (!takes(c, l->material))
            return "it does not take the listing's material";
        if (c->cls && l->cls > c->cls)
            return "it does not take the listing's condition class";
        return NULL;
    }
    if (c->type == MB_TYPE_NEED || c->type == MB_TYPE_LANDFILL)
        return "a need's masses come from a supply, storage site, plant or quarry";
    bool any = false;
    for (size_t i = 0; i < c->nmaterials && !any; i++)
        any = takes(l, c->materials[i]);
    if (!any)
        return "it offers none of the materials the need takes";
    if (c->type == MB_TYPE_SUPPLY && l->cls && c->cls > l->cls)
        return "its condition class is above what the need takes";
    return NULL;
}

int mb_deal_reserve(struct mb_store *st, const struct mb_user *who, struct mb_deal *d,
                    struct mb_error *err)
{
    struct mb_site_rec listing;
    memset(&listing, 0, sizeof listing);
    bool have_listing = false;
    int rc = mb_permit_check(who->role, MB_ACT_LISTING_WRITE, err);
    if (rc)
        return rc;
    /* An organisation not yet approved does not take listings off the
     * market (sign-up is open to anyone). */
    struct mb_org_status standing;
    if ((rc = mb_store_org_status(st, who->org_id, &standing, err)))
        return rc;
    if (strcmp(standing.state, "verified") != 0)
        return mb_error_set(err, MB_EFORBIDDEN, "organisation", "your organisation %s: it "
                            "reserves once an administrator has approved it",
                            strcmp(standing.state, "pending") == 0 ? "waits for approval"
                                                                   : "was not approved");
    if ((rc = mb_store_begin(st, err)))
        return rc;
    if ((rc = mb_listing_get(st, who, MB_FAMILY_LISTING, d->listing_id, &listing, err)))
        goto out;
    have_listing = true;
    if (listing.org_id == who->org_id) {
        rc = mb_error_set(err, MB_EFORBIDDEN, "id", "a listing is reserved by another "
                          "organisation than its own");
        goto out;
    }
    if (listing.status != MB_STATUS_PUBLISHED) {
        rc = mb_error_set(err, MB_ECONFLICT, "status", "the listing is %s; only a published "
                          "listing can be reserved", mb_status_name(listing.status));
        goto out;
    }
    if (d->counterpart_site) {
        struct mb_site_rec cs;
        if (mb_store_site_get(st, d->counterpart_site, &cs, err) != 0) {
            rc = mb_error_set(err, MB_EINVAL, "counterpart_site", "no site %lld",
                              (long long)d->counterpart_site);
            goto out;
        }
        bool facility = cs.type != MB_TYPE_SUPPLY && cs.type != MB_TYPE_NEED;
        bool own = cs.org_id == who->org_id;
        bool visible = mb_listing_visible(who, &cs);
        bool same = cs.id == listing.id;
        const char *misfit = visible && (own || facility) && !same ? fit_problem(&listing, &cs)
                                                                     : NULL;
        char title[sizeof cs.title];
        mb_text_copy(title, sizeof title, cs.title);
        mb_site_rec_release(&cs);
        if (!visible || !(own || facility) || same) {
            rc = mb_error_set(err, MB_EINVAL, "counterpart_site", "must be a site of your "
                              "organisation or a facility");
            goto out;
        }
        if (misfit) {
            rc = mb_error_set(err, MB_EINVAL, "counterpart_site", "%s: %s", title, misfit);
            goto out;
        }
    }
    if (d->hauler_org) {
        /* The hauler registers loads under the deal: an approved
         * organisation with a hauler, as GET /api/organisations?role=hauler
         * offers them (not a municipality, an administrator or a sign-up
         * nobody has approved). */
        struct mb_org o;
        bool hauls = false;
        if (mb_store_org_get(st, d->hauler_org, &o, err) != 0) {
            rc = mb_error_set(err, MB_EINVAL, "hauler_org", "no organisation %lld",
                              (long long)d->hauler_org);
            goto out;
        }
        if ((rc = mb_store_org_acts_as(st, d->hauler_org, "hauler", &hauls, err)))
            goto out;
        if (!hauls) {
            rc = mb_error_set(err, MB_EINVAL, "hauler_org", "%s is not an approved hauler",
                              o.name);
            goto out;
        }
    }
    struct mb_listing_balance b;
    if ((rc = mb_deal_listing_balance(st, &listing, &b, err)))
        goto out;
    if (d->amount_t > b.available_t + MB_DEAL_EPS_T) {
        rc = mb_error_set(err, MB_ECONFLICT, "amount", "%.3f t is more than the listing has "
                          "left: %.3f t of %.3f t are available", d->amount_t,
                          kg3(b.available_t), listing.amount_t);
        goto out;
    }
    d->org_id = who->org_id;
    d->user_id = who->id;
    d->state = MB_DEAL_RESERVED;
    if ((rc = mb_store_deal_insert(st, d, err)))
        goto out;
    json_t *detail = mb_deal_json(d);
    rc = mb_audit_append(st, who, "deal", d->id, "reserve", detail, err);
    json_decref(detail);
    if (!rc)
        rc = follow_status(st, who, &listing, d->id, b.available_t, err);
out:
    if (have_listing)
        mb_site_rec_release(&listing);
    return mb_store_end(st, rc, err);
}

int mb_deal_site_org(struct mb_store *st, const struct mb_deal *d, int64_t *org,
                     struct mb_error *err)
{
    *org = 0;
    if (!d->counterpart_site)
        return 0;
    struct mb_site_rec s;
    int rc = mb_store_site_get(st, d->counterpart_site, &s, err);
    if (rc == MB_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    if (mb_listing_family(s.type) == MB_FAMILY_FACILITY)
        *org = s.org_id;
    mb_site_rec_release(&s);
    return 0;
}

int mb_deal_read(struct mb_store *st, const struct mb_user *who, int64_t id,
                 struct mb_deal *d, struct mb_site_rec *listing, unsigned *parties,
                 struct mb_error *err)
{
    int64_t site_org = 0;
    int rc = mb_store_deal_get(st, id, d, err);
    if (rc == 0 && (rc = mb_deal_site_org(st, d, &site_org, err)) == 0 &&
        (rc = mb_store_site_get(st, d->listing_id, listing, err)) == 0) {
        *parties = mb_deal_parties(d, listing->org_id, site_org, who);
        if (mb_deal_may_read(*parties))
            return 0;
        mb_site_rec_release(listing);
        rc = MB_ENOTFOUND;
    }
    if (rc == MB_ENOTFOUND)
        mb_error_set(err, MB_ENOTFOUND, "id", "no deal %lld", (long long)id);
    return rc;
}

int mb_deal_move(struct mb_store *st, const struct mb_user *who, int64_t deal_id,
                 int64_t expect_version, enum mb_deal_state to, struct mb_deal *out,
                 struct mb_error *err)
{
    struct mb_site_rec listing;
    bool have_listing = false;
    struct mb_deal d;
    unsigned parties;
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = mb_deal_read(st, who, deal_id, &d, &listing, &parties, err)))
        goto out;
    have_listing = true;
    if ((parties & ~MB_PARTY_AUTHORITY) == 0) {
        rc = mb_error_set(err, MB_EFORBIDDEN, "role", "a municipality reads deals; it does not "
                          "change them");
        goto out;
    }
    if (d.state != to && step_exists(d.state, to) && !mb_deal_may_move(d.state, to, parties)) {
        rc = mb_error_set(err, MB_EFORBIDDEN, "id", "only %s may make a %s deal %s",
                          mover((int)d.state, to), mb_deal_state_name(d.state),
                          mb_deal_state_name(to));
        goto out;
    }
    /* Asking for the state the deal is in changes nothing, and is still
     * answered as the step would be: a party that may not take it is
     * refused (the hauler does not "agree" an agreed deal). */
    if (d.state == to && may_reach(to, MB_PARTY_ADMIN) && !may_reach(to, parties)) {
        rc = mb_error_set(err, MB_EFORBIDDEN, "id", "the deal is %s already; only %s may "
                          "make a deal %s", mb_deal_state_name(to),
                          mover(-1, to), mb_deal_state_name(to));
        goto out;
    }
    if (expect_version >= 0 && expect_version != d.version) {
        rc = mb_error_set(err, MB_ESTALE, "version", "the deal has changed (version %lld); "
                          "load it again", (long long)d.version);
        goto out;
    }
    if (d.state == to) {
        *out = d; /* nothing to do */
        goto out;
    }
    if (!step_exists(d.state, to)) {
        rc = mb_error_set(err, MB_ECONFLICT, "state", "a %s deal cannot become %s",
                          mb_deal_state_name(d.state), mb_deal_state_name(to));
        goto out;
    }
    struct mb_listing_balance before;
    if ((rc = mb_deal_listing_balance(st, &listing, &before, err)) ||
        (rc = mb_store_deal_set_state(st, deal_id, to, err)) ||
        (rc = mb_store_deal_get(st, deal_id, out, err)))
        goto out;
    json_t *detail = json_pack("{s:{s:s, s:s}}", "state", "from", mb_deal_state_name(d.state),
                               "to", mb_deal_state_name(to));
    rc = mb_audit_append(st, who, "deal", deal_id, mb_deal_state_name(to), detail, err);
    json_decref(detail);
    if (!rc)
        rc = follow_status(st, who, &listing, deal_id, before.available_t, err);
out:
    if (have_listing)
        mb_site_rec_release(&listing);
    return mb_store_end(st, rc, err);
}

/* ---- loads ------------------------------------------------------------------ */

const char *const mb_euro_classes[] = {
    "0", "I", "II", "III", "IV", "V", "VI", "EEV", "electric", "hydrogen", "biogas", NULL,
};

/* Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant,
 * "chrono-compatible low-level date algorithms", days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DDTHH:MM[:SS]" and "Z" or "+HH:MM"/"-HH:MM" -> Unix seconds. */
static bool parse_iso_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, sec = 0;
    size_t n = strlen(s);
    if (n < 17 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi))
        return false;
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec))
            return false;
        p += 3;
    }
    int off = 0;
    if (*p == 'Z' && p[1] == '\0') {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || !digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return false;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
    } else {
        return false;
    }
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < MB_YEAR_MIN || y > MB_YEAR_MAX || mo < 1 || mo > 12 || d < 1 ||
        d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 59)
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return true;
}

/* A registration plate: letters and digits (spaces and hyphens dropped),
 * 2-10 of them, at least one of each, upper-cased. Foreign plates pass. */
static bool normalise_plate(const char *s, char *out, size_t size)
{
    size_t k = 0;
    bool letter = false, digit = false;
    for (; *s; s++) {
        char c = *s;
        if (c == ' ' || c == '-')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c >= 'A' && c <= 'Z')
            letter = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else
            return false;
        if (k + 1 >= size || k >= 10)
            return false;
        out[k++] = c;
    }
    out[k] = '\0';
    return k >= 2 && letter && digit;
}

void mb_deal_route(const struct mb_deal *d, const struct mb_site_rec *listing,
                   int64_t *from_site, int64_t *to_site)
{
    if (listing->type == MB_TYPE_SUPPLY) {
        *from_site = listing->id;
        *to_site = d->counterpart_site;
    } else {
        *from_site = d->counterpart_site;
        *to_site = listing->id;
    }
}

int mb_delivery_parse(const struct mb_market *m, const struct mb_site_rec *listing,
                      const struct mb_deal *deal, json_t *body, int64_t now,
                      struct mb_delivery *out, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    out->deal_id = deal->id;
    json_t *t = json_object_get(body, "truck");
    if (!t)
        return mb_error_set(err, MB_EINVAL, "truck", "is required: the registration plate");
    if (!json_is_string(t) || json_string_length(t) > 20 ||
        !normalise_plate(json_string_value(t), out->truck, sizeof out->truck))
        return mb_error_set(err, MB_EINVAL, "truck", "must be a registration plate: 2-10 "
                            "letters and digits, e.g. \"EL 12345\"");
    const char *ec = json_string_value(json_object_get(body, "euro_class"));
    if (!json_object_get(body, "euro_class"))
        return mb_error_set(err, MB_EINVAL, "euro_class", "is required");
    bool known = false;
    for (size_t i = 0; ec && mb_euro_classes[i] && !known; i++)
        known = strcmp(ec, mb_euro_classes[i]) == 0;
    if (!known)
        return mb_error_set(err, MB_EINVAL, "euro_class", "must be one of 0, I, II, III, IV, "
                            "V, VI, EEV, electric, hydrogen, biogas");
    mb_text_copy(out->euro_class, sizeof out->euro_class, ec);
    int rc = parse_amount(m, listing, body, &out->amount_t, &out->amount_value,
                          out->amount_unit, sizeof out->amount_unit, err);
    if (rc)
        return rc;
    /* One load is one truck: 100 t is far above any road train's payload
     * in Norway (60 t gross), so more is a typing error. */
    if (out->amount_t > 100)
        return mb_error_set(err, MB_EINVAL, "amount.value", "one load of %.1f t is more than "
                            "a truck carries (at most 100 t)", out->amount_t);
    const char *at = json_string_value(json_object_get(body, "at"));
    if (!json_object_get(body, "at"))
        return mb_error_set(err, MB_EINVAL, "at", "is required: when the truck was loaded");
    if (!at || !parse_iso_time(at, &out->at))
        return mb_error_set(err, MB_EINVAL, "at", "must be a time as "
                            "2026-05-04T07:30:00Z or 2026-05-04T09:30:00+02:00");
    if (out->at > now + 600)
        return mb_error_set(err, MB_EINVAL, "at", "is in the future");
    if (out->at < deal->created - 600)
        return mb_error_set(err, MB_EINVAL, "at", "is before the deal was made");
    mb_deal_route(deal, listing, &out->from_site, &out->to_site);
    int64_t id;
    if ((rc = opt_id(body, "from_site", &id, err)))
        return rc;
    if (id)
        out->from_site = id;
    if ((rc = opt_id(body, "to_site", &id, err)))
        return rc;
    if (id)
        out->to_site = id;
    if (out->from_site && out->from_site == out->to_site)
        return mb_error_set(err, MB_EINVAL, "to_site", "is the site the load comes from");
    return opt_id(body, "replaces", &out->replaces, err);
}

/* The organisation that sends a deal's masses (a supply's owner, a need's
 * reserver) and the one that takes them (the other). */
static int64_t sender_of(const struct mb_deal *d, const struct mb_site_rec *listing)
{
    return listing->type == MB_TYPE_SUPPLY ? listing->org_id : d->org_id;
}

static int64_t taker_of(const struct mb_deal *d, const struct mb_site_rec *listing)
{
    return listing->type == MB_TYPE_SUPPLY ? d->org_id : listing->org_id;
}

int mb_delivery_receiver(struct mb_store *st, const struct mb_deal *d,
                         const struct mb_site_rec *listing, const struct mb_delivery *v,
                         int64_t *org, struct mb_error *err)
{
    *org = taker_of(d, listing);
    /* A supply delivered to the facility the deal names (a landfill, a
     * plant, a storage site): its operator weighs and receives it, unless
     * that is the sender itself. */
    if (listing->type != MB_TYPE_SUPPLY || !v->to_site || v->to_site != d->counterpart_site)
        return 0;
    struct mb_site_rec to;
    int rc = mb_store_site_get(st, v->to_site, &to, err);
    if (rc)
        return rc;
    if (mb_listing_family(to.type) == MB_FAMILY_FACILITY && to.org_id != sender_of(d, listing))
        *org = to.org_id;
    mb_site_rec_release(&to);
    return 0;
}

/* A load goes along the deal's route (mb_deal_route): from the listing
 * to the site the deal names, or for a need the other way. Where the deal
 * names no site, the load may name a public (published or reserved) site
 * for that end, which both parties see; the receiver stays the taking
 * party. Anything else is refused in the same words whether or not the
 * site exists, so ids do not leak. */
static int check_route(struct mb_store *st, const struct mb_deal *d,
                       const struct mb_site_rec *listing, const struct mb_delivery *v,
                       struct mb_error *err)
{
    int64_t from, to;
    mb_deal_route(d, listing, &from, &to);
    const int64_t want[2] = { from, to }, got[2] = { v->from_site, v->to_site };
    static const char *const field[2] = { "from_site", "to_site" };
    for (int k = 0; k < 2; k++) {
        if (got[k] == want[k])
            continue;
        if (want[k] == 0) {
            struct mb_site_rec s;
            bool ok = mb_store_site_get(st, got[k], &s, err) == 0, foreign = false;
            if (ok) {
                ok = mb_listing_visible(NULL, &s);
                /* Another organisation's facility receives, weighs and
                 * confirms: the deal must name it (counterpart_site), so
                 * that its operator is the receiver - never the taker. */
                foreign = mb_listing_family(s.type) == MB_FAMILY_FACILITY &&
                          s.org_id != listing->org_id && s.org_id != d->org_id;
                mb_site_rec_release(&s);
            }
            if (ok && foreign)
                return mb_error_set(err, MB_EINVAL, field[k], "is another organisation's "
                                    "facility: name it in the deal (counterpart_site), so that "
                                    "its operator receives the loads");
            if (ok)
                continue;
            return mb_error_set(err, MB_EINVAL, field[k], "must be a published site: the deal "
                                "names none for this end");
        }
        return mb_error_set(err, MB_EINVAL, field[k], "must be the deal's site %lld (%s)",
                            (long long)want[k],
                            want[k] == listing->id ? "the listing" : "the site the deal names");
    }
    return 0;
}

int mb_delivery_register(struct mb_store *st, const struct mb_user *who,
                         struct mb_delivery *v, struct mb_error *err)
{
    struct mb_deal d;
    struct mb_site_rec listing;
    bool have_listing = false;
    if (sodium_init() < 0)
        return mb_error_set(err, MB_EIO, "", "libsodium could not start");
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    unsigned parties;
    if ((rc = mb_deal_read(st, who, v->deal_id, &d, &listing, &parties, err)))
        goto out;
    have_listing = true;
    if (!mb_delivery_may_register(&d, parties)) {
        rc = mb_error_set(err, MB_EFORBIDDEN, "id", "only the deal's %s registers its loads",
                          d.hauler_org ? "hauler" : "parties");
        goto out;
    }
    if (d.state != MB_DEAL_AGREED) {
        rc = mb_error_set(err, MB_ECONFLICT, "state", "loads are registered under an agreed "
                          "deal; this one is %s", mb_deal_state_name(d.state));
        goto out;
    }
    if ((rc = check_route(st, &d, &listing, v, err)))
        goto out;
    if (v->replaces) {
        struct mb_delivery old;
        if (mb_store_delivery_get(st, v->replaces, &old, err) != 0 || old.deal_id != d.id) {
            rc = mb_error_set(err, MB_EINVAL, "replaces", "no load %lld of this deal",
                              (long long)v->replaces);
            goto out;
        }
        if (old.state != MB_DELIVERY_DISPUTED) {
            rc = mb_error_set(err, MB_EINVAL, "replaces", "load %lld is %s; only a disputed "
                              "load is replaced", (long long)old.id,
                              mb_delivery_state_name(old.state));
            goto out;
        }
        struct mb_delivery *all;
        size_t n;
        if ((rc = mb_store_delivery_list(st, d.id, 0, &all, &n, err)))
            goto out;
        for (size_t i = 0; i < n && !rc; i++)
            if (all[i].replaces == old.id)
                rc = mb_error_set(err, MB_EINVAL, "replaces", "load %lld is replaced by "
                                  "load %lld already", (long long)old.id, (long long)all[i].id);
        free(all);
        if (rc)
            goto out;
    }
    /* Over-delivery beyond the deal's amount takes from what the listing
     * has available, never more. */
    struct mb_delivery *loads;
    size_t n;
    if ((rc = mb_store_delivery_list(st, d.id, 0, &loads, &n, err)))
        goto out;
    double open = 0;
    for (size_t i = 0; i < n; i++)
        if (loads[i].state != MB_DELIVERY_DISPUTED)
            open += loads[i].amount_t;
    free(loads);
    struct mb_listing_balance b;
    if ((rc = mb_deal_listing_balance(st, &listing, &b, err)))
        goto out;
    double over = fmax(0.0, open + v->amount_t - d.amount_t) - fmax(0.0, open - d.amount_t);
    if (over > b.available_t + MB_DEAL_EPS_T) {
        rc = mb_error_set(err, MB_ECONFLICT, "amount", "the deal is for %.3f t, %.3f t are "
                          "loaded; the listing has %.3f t more available", d.amount_t, open,
                          kg3(b.available_t));
        goto out;
    }
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(v->code, sizeof v->code, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    v->user_id = who->id;
    v->org_id = who->org_id;
    if ((rc = mb_store_delivery_insert(st, v, err)))
        goto out;
    json_t *detail = mb_delivery_json(v, false);
    rc = mb_audit_append(st, who, "delivery", v->id, "register", detail, err);
    json_decref(detail);
    /* A load beyond the deal's amount takes from what is available. */
    if (!rc && over > 0)
        rc = follow_status(st, who, &listing, d.id, b.available_t, err);
out:
    if (have_listing)
        mb_site_rec_release(&listing);
    return mb_store_end(st, rc, err);
}

int mb_delivery_decide(struct mb_store *st, const struct mb_user *who, int64_t id,
                       int64_t expect_version, enum mb_delivery_state to, const char *reason,
                       struct mb_delivery *out, struct mb_error *err)
{
    if (to != MB_DELIVERY_CONFIRMED && to != MB_DELIVERY_DISPUTED)
        return mb_error_set(err, MB_EINVAL, "state", "use confirmed or disputed");
    if (to == MB_DELIVERY_DISPUTED && (!reason || !reason[0]))
        return mb_error_set(err, MB_EINVAL, "reason", "is required to dispute a load");
    if (to == MB_DELIVERY_CONFIRMED && reason && reason[0])
        return mb_error_set(err, MB_EINVAL, "reason", "is given only with disputed");
    struct mb_delivery v;
    struct mb_deal d;
    struct mb_site_rec listing;
    bool have_listing = false;
    unsigned parties;
    int64_t receiver = 0;
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = mb_store_delivery_get(st, id, &v, err)))
        goto out;
    if ((rc = mb_deal_read(st, who, v.deal_id, &d, &listing, &parties, err))) {
        if (rc == MB_ENOTFOUND) /* the load is what was asked for */
            mb_error_set(err, MB_ENOTFOUND, "id", "no delivery %lld", (long long)id);
        goto out;
    }
    have_listing = true;
    if ((rc = mb_delivery_receiver(st, &d, &listing, &v, &receiver, err)))
        goto out;
    int64_t sender = sender_of(&d, &listing);
    /* The receiver decides, and never the party that sent the masses. */
    if (!mb_permit_owns(who, receiver) ||
        (who->org_id == sender && !mb_permit_may(who->role, MB_ACT_ADMIN))) {
        rc = mb_error_set(err, MB_EFORBIDDEN, "id", "only the receiving organisation confirms "
                          "or disputes a load, never the one that sent it");
        goto out;
    }
    if (expect_version >= 0 && expect_version != v.version) {
        rc = mb_error_set(err, MB_ESTALE, "version", "the delivery has changed (version "
                          "%lld); load it again", (long long)v.version);
        goto out;
    }
    if (v.state != MB_DELIVERY_REGISTERED) {
        rc = mb_error_set(err, MB_ECONFLICT, "state", "load %lld is %s already", (long long)id,
                          mb_delivery_state_name(v.state));
        goto out;
    }
    struct mb_listing_balance before;
    if ((rc = mb_deal_listing_balance(st, &listing, &before, err)) ||
        (rc = mb_store_delivery_decide(st, id, to, to == MB_DELIVERY_DISPUTED ? reason : "",
                                       who->id, err)) ||
        (rc = mb_store_delivery_get(st, id, out, err)))
        goto out;
    json_t *detail = json_pack("{s:{s:s, s:s}, s:I, s:I, s:f}", "state", "from", "registered",
                               "to", mb_delivery_state_name(to), "deal_id",
                               (json_int_t)v.deal_id, "seq", (json_int_t)v.seq, "amount_t",
                               v.amount_t);
    if (to == MB_DELIVERY_DISPUTED)
        json_object_set_new(detail, "reason", json_string(reason));
    rc = mb_audit_append(st, who, "delivery", id, mb_delivery_state_name(to), detail, err);
    json_decref(detail);
    /* A disputed load no longer counts: what it took may be free again. */
    if (!rc && to == MB_DELIVERY_DISPUTED)
        rc = follow_status(st, who, &listing, d.id, before.available_t, err);
out:
    if (have_listing)
        mb_site_rec_release(&listing);
    return mb_store_end(st, rc, err);
}

int mb_deal_list(struct mb_store *st, const struct mb_user *who, int64_t listing_id, int state,
                 struct mb_deal **items, size_t *n, struct mb_error *err)
{
    bool all = mb_permit_may(who->role, MB_ACT_OVERSEE); /* administrators oversee too */
    return mb_store_deal_list(st, listing_id, all ? 0 : who->org_id, state, items, n, err);
}

void mb_delivery_count(struct mb_delivery_totals *t, const struct mb_delivery *v)
{
    t->loads++;
    if (v->state == MB_DELIVERY_CONFIRMED)
        t->confirmed_t += v->amount_t;
    else if (v->state == MB_DELIVERY_DISPUTED)
        t->disputed_t += v->amount_t;
    else
        t->pending_t += v->amount_t;
}

/* ---- views ------------------------------------------------------------------- */


static json_t *ref(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

json_t *mb_deal_json(const struct mb_deal *d)
{
    char from[8], to[8];
    mb_month_format(d->from_m, from);
    mb_month_format(d->to_m, to);
    json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:s, s:{s:f, s:s}, s:f, s:f, s:{s:s, s:s}}",
                          "id", (json_int_t)d->id, "listing_id", (json_int_t)d->listing_id,
                          "org_id", (json_int_t)d->org_id, "user_id", (json_int_t)d->user_id,
                          "state", mb_deal_state_name(d->state), "amount", "value",
                          d->amount_value, "unit", d->amount_unit, "amount_t",
                          kg3(d->amount_t), "price_nok_per_t", d->price_nok_per_t, "window",
                          "from", from, "to", to);
    json_object_set_new(o, "counterpart_site", ref(d->counterpart_site));
    json_object_set_new(o, "hauler_org", ref(d->hauler_org));
    json_object_set_new(o, "use", d->use[0] ? json_string(d->use) : json_null());
    json_object_set_new(o, "note", json_string(d->note));
    json_object_set_new(o, "created", mb_market_time_json(d->created));
    json_object_set_new(o, "updated", mb_market_time_json(d->updated));
    json_object_set_new(o, "version", json_integer(d->version));
    return o;
}

json_t *mb_delivery_json(const struct mb_delivery *v, bool with_code)
{
    json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:{s:f, s:s}, s:f, s:o, s:s}", "id",
                          (json_int_t)v->id, "deal_id", (json_int_t)v->deal_id, "seq",
                          (json_int_t)v->seq, "truck", v->truck, "euro_class", v->euro_class,
                          "amount", "value", v->amount_value, "unit", v->amount_unit,
                          "amount_t", kg3(v->amount_t), "at", mb_market_time_json(v->at), "state",
                          mb_delivery_state_name(v->state));
    json_object_set_new(o, "from_site", ref(v->from_site));
    json_object_set_new(o, "to_site", ref(v->to_site));
    json_object_set_new(o, "reason", v->reason[0] ? json_string(v->reason) : json_null());
    json_object_set_new(o, "replaces", ref(v->replaces));
    json_object_set_new(o, "registered_by", json_integer(v->user_id));
    json_object_set_new(o, "decided_by", ref(v->decided_by));
    json_object_set_new(o, "decided_at", v->decided_at ? mb_market_time_json(v->decided_at) : json_null());
    json_object_set_new(o, "created", mb_market_time_json(v->created));
    if (with_code)
        json_object_set_new(o, "code", json_string(v->code));
    return o;
}

/* Serial month of a Unix time (UTC). */
static int month_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return 0;
    return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

json_t *mb_deal_balance_json(const struct mb_site_rec *listing,
                             const struct mb_delivery *loads, size_t n)
{
    /* Months: the window, widened to every month a load fell in. */
    int lo = listing->from_m, hi = listing->to_m;
    for (size_t i = 0; i < n; i++) {
        int mo = month_of(loads[i].at);
        lo = mo < lo ? mo : lo;
        hi = mo > hi ? mo : hi;
    }
    int nwin = listing->to_m - listing->from_m + 1;
    double conf = 0, disp = 0, pend = 0, cum_plan = 0, cum_conf = 0;
    json_t *months = json_array();
    for (int mo = lo; mo <= hi && hi - lo < 1200; mo++) {
        double c = 0, d = 0, p = 0;
        for (size_t i = 0; i < n; i++) {
            if (month_of(loads[i].at) != mo)
                continue;
            if (loads[i].state == MB_DELIVERY_CONFIRMED) {
                c += loads[i].amount_t;
            } else if (loads[i].state == MB_DELIVERY_REGISTERED) {
                p += loads[i].amount_t;
            } else {
                bool replaced = false;
                for (size_t k = 0; k < n && !replaced; k++)
                    replaced = loads[k].replaces == loads[i].id;
                if (!replaced)
                    d += loads[i].amount_t;
            }
        }
        /* The planned amount spread evenly, each month the step of the
         * rounded cumulative share, so the months add up to it exactly. */
        double plan = 0;
        if (mo >= listing->from_m && mo <= listing->to_m) {
            int k = mo - listing->from_m;
            plan = kg3(listing->amount_t * (k + 1) / nwin) - kg3(listing->amount_t * k / nwin);
        }
        cum_plan += plan;
        cum_conf += c;
        conf += c;
        disp += d;
        pend += p;
        char name[8];
        mb_month_format(mo, name);
        json_array_append_new(months, json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f}", "month",
                                                name, "planned_t", kg3(plan), "confirmed_t",
                                                kg3(c), "disputed_t", kg3(d), "pending_t",
                                                kg3(p), "difference_t", kg3(c - plan),
                                                "cumulative_difference_t",
                                                kg3(cum_conf - cum_plan)));
    }
    double open = listing->amount_t - conf - disp;
    char from[8], to[8];
    mb_month_format(listing->from_m, from);
    mb_month_format(listing->to_m, to);
    return json_pack("{s:I, s:{s:s, s:s}, s:o, s:{s:f, s:f, s:f, s:f, s:f, s:f, s:b}}",
                     "listing_id", (json_int_t)listing->id, "window", "from", from, "to", to,
                     "months", months, "totals", "planned_t", kg3(listing->amount_t),
                     "confirmed_t", kg3(conf), "disputed_t", kg3(disp), "pending_t",
                     kg3(pend), "open_t", kg3(open), "difference_t",
                     kg3(conf - listing->amount_t), "closed",
                     fabs(listing->amount_t - (conf + disp + open)) < 1e-6);
}
