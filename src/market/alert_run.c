/*
 * alert_run.c - the alert pass (mb_alerts_run): the sites changed since
 * the cursor, the saved searches and listings they fit, the
 * notifications raised and the mails queued, in one transaction; and the
 * daily digests (mb_alerts_digest). Mails are plain text, bokmål first
 * and English below, each with its unsubscribe link.
 */
#include "market/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "domain/boundary.h"
#include "domain/month.h"
#include "market/listing.h"

/* Matches of a changed listing that are told to their organisations. */
#define MATCHES_TOLD 10

/* ---- the words of a mail ----------------------------------------------------- */

static const char *const TYPE_NB[MB_TYPE_COUNT] = {
    "Overskuddsmasser", "Behov for masser", "Deponi", "Mellomlager",
    "Sorterings- eller gjenvinningsanlegg", "Steinbrudd eller massetak" };
static const char *const TYPE_EN[MB_TYPE_COUNT] = {
    "Surplus masses", "Masses needed", "Landfill", "Intermediate storage",
    "Sorting or recycling plant", "Quarry or pit" };

/* A number as Norwegians write it ("12 000,5": a space between
 * thousands, a decimal comma) or in English ("12,000.5"), with at most
 * one decimal. */
static void number(char *buf, size_t size, double v, bool nb)
{
    char digits[48];
    snprintf(digits, sizeof digits, "%.1f", v < 0 ? -v : v);
    char *dot = strchr(digits, '.');
    bool frac = dot && dot[1] != '0';
    if (dot)
        *dot = '\0';
    size_t n = strlen(digits), o = 0;
    if (v < 0 && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 3 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = nb ? ' ' : ',';
        buf[o++] = digits[i];
    }
    if (frac && o + 3 < size) {
        buf[o++] = nb ? ',' : '.';
        buf[o++] = dot[1];
    }
    buf[o] = '\0';
}

static const char *const MONTH_NB[12] = { "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember" };
static const char *const MONTH_EN[12] = { "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December" };

/* "mars–august 2026", "november 2026–mars 2027", "fra mars 2026". */
static void window_words(struct mb_strbuf *b, int from, int to, bool nb)
{
    const char *const *mn = nb ? MONTH_NB : MONTH_EN;
    bool f = from != MB_NO_MONTH_FROM, t = to != MB_NO_MONTH_TO;
    if (f && t && mb_month_year(from) == mb_month_year(to))
        mb_strbuf_addf(b, "%s–%s %d", mn[from % 12], mn[to % 12], mb_month_year(to));
    else if (f && t)
        mb_strbuf_addf(b, "%s %d–%s %d", mn[from % 12], mb_month_year(from), mn[to % 12],
                       mb_month_year(to));
    else if (f)
        mb_strbuf_addf(b, "%s %s %d", nb ? "fra" : "from", mn[from % 12], mb_month_year(from));
    else
        mb_strbuf_addf(b, "%s %s %d", nb ? "til" : "until", mn[to % 12], mb_month_year(to));
}

/* The amount as the listing gives it ({value, unit} of its body), or a
 * facility's yearly capacity; nothing when the body has neither. */
static void amount_words(struct mb_strbuf *b, const struct mb_site_rec *s, bool nb)
{
    json_t *doc = s->doc ? json_loads(s->doc, 0, NULL) : NULL;
    json_t *a = json_object_get(doc, "amount");
    bool capacity = false;
    if (!json_is_object(a)) {
        a = json_object_get(doc, "capacity_per_year");
        capacity = true;
    }
    json_t *v = json_object_get(a, "value"), *u = json_object_get(a, "unit");
    if (json_is_number(v) && json_is_string(u)) {
        char num[48];
        number(num, sizeof num, json_number_value(v), nb);
        if (capacity)
            mb_strbuf_addf(b, nb ? "tar imot %s %s per år, " : "takes %s %s a year, ", num,
                           json_string_value(u));
        else
            mb_strbuf_addf(b, "%s %s, ", num, json_string_value(u));
    }
    json_decref(doc);
}

static void site_url(struct mb_strbuf *b, const char *base, const struct mb_site_rec *s)
{
    mb_strbuf_addf(b, "%s/#/%s/%lld", base,
                   mb_listing_family(s->type) == MB_FAMILY_LISTING ? "annonse" : "anlegg",
                   (long long)s->id);
}

/* The lines that describe one site, in bokmål (nb) or English. */
static void site_lines(struct mb_strbuf *b, const struct mb_market *m, const char *base,
                       const struct mb_site_rec *s, bool nb)
{
    mb_strbuf_addf(b, "  %s: %s\n", (nb ? TYPE_NB : TYPE_EN)[s->type], s->title);
    const struct mb_material *mat = s->material[0] ? mb_catalog_find(&m->catalog, s->material)
                                                   : NULL;
    mb_strbuf_adds(b, "  ");
    if (mat)
        mb_strbuf_addf(b, "%s, ", nb ? mat->name_nb : mat->name_en);
    if (s->cls > 0)
        mb_strbuf_addf(b, s->type == MB_TYPE_SUPPLY ? (nb ? "tilstandsklasse %d, " : "condition "
                       "class %d, ") : (nb ? "tar imot til og med tilstandsklasse %d, " :
                       "takes up to condition class %d, "), s->cls);
    amount_words(b, s, nb);
    const char *mname = mb_boundaries_name(s->municipality);
    if (mname)
        mb_strbuf_addf(b, "%s (%s)\n", mname, s->municipality);
    else
        mb_strbuf_addf(b, "%.4f, %.4f\n", s->lat, s->lon);
    if (s->from_m != MB_NO_MONTH_FROM || s->to_m != MB_NO_MONTH_TO) {
        mb_strbuf_addf(b, "  %s: ", nb ? "Tidsrom" : "Window");
        window_words(b, s->from_m, s->to_m, nb);
        mb_strbuf_adds(b, "\n");
    }
    mb_strbuf_adds(b, "  ");
    site_url(b, base, s);
    mb_strbuf_adds(b, "\n");
}

static void why(struct mb_strbuf *b, const struct mb_notification *n, bool nb)
{
    if (n->search_id)
        mb_strbuf_addf(b, nb ? "Passer det lagrede søket «%s»\n" : "Fits your saved search "
                       "\"%s\"\n", n->search_name);
    else if (n->for_facility)
        mb_strbuf_addf(b, nb ? "Passer anlegget deres «%s»\n" : "Fits your facility \"%s\"\n",
                       n->for_title);
    else
        mb_strbuf_addf(b, nb ? "Passer annonsen deres «%s»\n" : "Fits your listing \"%s\"\n",
                       n->for_title);
}

static void footer(struct mb_strbuf *b, const char *base, const char *token, bool nb)
{
    if (nb)
        mb_strbuf_addf(b, "\nDu får denne e-posten fordi du har lagrede søk eller annonser i "
                       "massebank.\nVarsler i appen: %s/#/varsler\nMeld deg av e-postvarsler: "
                       "%s/#/avmeld/%s\n", base, base, token);
    else
        mb_strbuf_addf(b, "\nYou get this mail because you have saved searches or listings in "
                       "massebank.\nAlerts in the app: %s/#/varsler\nUnsubscribe from alert "
                       "mail: %s/#/avmeld/%s\n", base, base, token);
}

static int queue(struct mb_store *st, const struct mb_user *u, const struct mb_alert_pref *pref,
                 const char *base, const char *subject, const struct mb_strbuf *body,
                 struct mb_error *err)
{
    char unsub[512];
    snprintf(unsub, sizeof unsub, "%s/api/unsubscribe?token=%s", base, pref->token);
    return mb_store_outbox_add(st, u->id, u->email, subject, body->s ? body->s : "", unsub, err);
}

/* One mail at once to one user about one site, with every reason it
 * fits (notes[0..n), all of that user). */
static int mail_now(struct mb_store *st, const struct mb_market *m,
                    const struct mb_alerts_config *cfg, const struct mb_notification *notes,
                    size_t n, const struct mb_site_rec *site, struct mb_error *err)
{
    struct mb_user u;
    struct mb_alert_pref pref;
    int rc = mb_store_user_get(st, notes[0].user_id, &u, err);
    if (!rc)
        rc = mb_alerts_pref(st, notes[0].user_id, &pref, err);
    if (rc)
        return rc;
    struct mb_strbuf b = { 0 };
    mb_strbuf_addf(&b, "Hei %s,\n\n", u.name);
    for (size_t i = 0; i < n; i++)
        why(&b, &notes[i], true);
    site_lines(&b, m, cfg->base_url, site, true);
    footer(&b, cfg->base_url, pref.token, true);
    mb_strbuf_adds(&b, "\n-- English --\n\n");
    for (size_t i = 0; i < n; i++)
        why(&b, &notes[i], false);
    site_lines(&b, m, cfg->base_url, site, false);
    footer(&b, cfg->base_url, pref.token, false);
    char subject[256];
    snprintf(subject, sizeof subject, "massebank: %s – nytt treff / new result", site->title);
    rc = queue(st, &u, &pref, cfg->base_url, subject, &b, err);
    mb_strbuf_release(&b);
    return rc;
}

/* The new notifications of one site that are to be mailed at once. */
struct instant {
    struct mb_notification *items;
    size_t n, cap;
};

/* Raise notification n for site (mail mode `mode`); a new one with mode
 * "instant" joins `inst`, mailed once per user when the site is done. */
static int raise(struct mb_store *st, struct mb_notification *n, const char *mode,
                 const struct mb_site_rec *site, struct instant *inst, size_t *raised,
                 struct mb_error *err)
{
    bool instant = strcmp(mode, "instant") == 0;
    struct mb_alert_pref pref;
    int prc = strcmp(mode, "daily") == 0 ? mb_alerts_pref(st, n->user_id, &pref, err) : 0;
    if (prc)
        return prc;
    mb_text_copy(n->mail, sizeof n->mail, instant ? "done" : mode);
    n->site_version = site->version;
    bool fresh, up;
    int rc = mb_store_notification_raise(st, n, &fresh, &up, err);
    if (rc)
        return rc;
    if (up)
        (*raised)++;
    if (fresh && instant) {
        if (inst->n == inst->cap) {
            inst->cap = inst->cap ? 2 * inst->cap : 8;
            inst->items = mb_xrealloc(inst->items, inst->cap * sizeof *inst->items);
        }
        inst->items[inst->n++] = *n;
    }
    return 0;
}

static int by_user(const void *a, const void *b)
{
    const struct mb_notification *x = a, *y = b;
    if (x->user_id != y->user_id)
        return x->user_id < y->user_id ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Every user with new instant notifications about the site: one mail. */
static int mail_instant(struct mb_store *st, const struct mb_market *m,
                        const struct mb_alerts_config *cfg, struct instant *inst,
                        const struct mb_site_rec *site, struct mb_error *err)
{
    if (inst->n == 0)
        return 0;
    qsort(inst->items, inst->n, sizeof *inst->items, by_user);
    int rc = 0;
    for (size_t i = 0; i < inst->n && !rc;) {
        size_t k = 1;
        while (i + k < inst->n && inst->items[i + k].user_id == inst->items[i].user_id)
            k++;
        rc = mail_now(st, m, cfg, inst->items + i, k, site, err);
        i += k;
    }
    return rc;
}

static int tell_searches(struct mb_store *st, const struct mb_site_rec *site,
                         struct instant *inst, size_t *raised, struct mb_error *err)
{
    struct mb_saved_search *q;
    size_t nq;
    int rc = mb_store_saved_searches_for(st, site, &q, &nq, err);
    for (size_t i = 0; i < nq && !rc; i++) {
        if (!mb_saved_search_fits(&q[i], site))
            continue;
        struct mb_notification n = { .user_id = q[i].user_id, .site_id = site->id,
                                     .search_id = q[i].id };
        mb_text_copy(n.search_name, sizeof n.search_name, q[i].name);
        rc = raise(st, &n, q[i].email, site, inst, raised, err);
    }
    mb_saved_searches_release(q, nq);
    return rc;
}

/* The organisations of the best matches of a listing hear of it, each
 * about its own listing or facility that it fits. */
static int tell_matches(struct mb_store *st, const struct mb_market *m,
                        const struct mb_site_rec *site, struct instant *inst, size_t *raised,
                        struct mb_error *err)
{
    struct mb_match_result res = { 0 };
    bool truncated;
    size_t ncands;
    int rc = mb_match_find(st, m, site, MATCHES_TOLD, MATCHES_TOLD, &res, &ncands, &truncated,
                           err);
    for (size_t i = 0; i < res.n && !rc; i++) {
        const struct mb_match *x = &res.items[i];
        if (x->org_id == site->org_id || x->site_id == site->id)
            continue;
        int64_t *users;
        size_t nu;
        if ((rc = mb_store_org_user_ids(st, x->org_id, &users, &nu, err)))
            break;
        for (size_t u = 0; u < nu && !rc; u++) {
            struct mb_alert_pref pref;
            if ((rc = mb_alerts_pref(st, users[u], &pref, err)))
                break;
            struct mb_notification n = { .user_id = users[u], .site_id = site->id,
                                         .for_site = x->site_id,
                                         .for_facility = mb_listing_family(x->type) ==
                                                         MB_FAMILY_FACILITY };
            mb_text_copy(n.for_title, sizeof n.for_title, x->title);
            rc = raise(st, &n, pref.match_email, site, inst, raised, err);
        }
        free(users);
    }
    mb_match_result_release(&res);
    return rc;
}

int mb_alerts_run(struct mb_store *st, const struct mb_market *m,
                  const struct mb_alerts_config *cfg, size_t max, size_t *raised, bool *more,
                  struct mb_error *err)
{
    *raised = 0;
    *more = false;
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    int64_t cursor, upto, *ids;
    size_t n;
    rc = mb_store_alert_changes(st, max, &cursor, &upto, &ids, &n, err);
    for (size_t i = 0; i < n && !rc; i++) {
        struct mb_site_rec site;
        struct mb_error e2;
        int grc = mb_store_site_get(st, ids[i], &site, &e2);
        if (grc == MB_ENOTFOUND)
            continue; /* deleted since */
        if (grc) {
            *err = e2;
            rc = grc; /* the pass rolls back; the next one tries again */
            break;
        }
        if (site.status == MB_STATUS_PUBLISHED) {
            struct instant inst = { 0 };
            rc = tell_searches(st, &site, &inst, raised, err);
            if (!rc && mb_listing_family(site.type) == MB_FAMILY_LISTING)
                rc = tell_matches(st, m, &site, &inst, raised, err);
            if (!rc)
                rc = mail_instant(st, m, cfg, &inst, &site, err);
            free(inst.items);
        }
        mb_site_rec_release(&site);
    }
    free(ids);
    if (!rc && upto > cursor)
        rc = mb_store_alert_cursor_set(st, cursor, upto, err);
    if (!rc)
        *more = upto > cursor && (size_t)(upto - cursor) >= max;
    return mb_store_end(st, rc, err);
}

/* One user's digest: every notification waiting, whose site is still
 * to be seen, in one mail. */
static int digest_one(struct mb_store *st, const struct mb_market *m,
                      const struct mb_alerts_config *cfg, int64_t user_id, int64_t now,
                      size_t *queued, struct mb_error *err)
{
    struct mb_user u;
    struct mb_alert_pref pref;
    struct mb_notification *items;
    size_t n;
    int rc = mb_store_user_get(st, user_id, &u, err);
    if (!rc)
        rc = mb_alerts_pref(st, user_id, &pref, err);
    if (!rc)
        rc = mb_store_digest_items(st, user_id, &items, &n, err);
    if (rc)
        return rc;
    struct mb_strbuf nb = { 0 }, en = { 0 };
    size_t shown = 0;
    /* One entry per site, with every reason it fits. */
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = items[j].site_id == items[i].site_id;
        if (seen)
            continue;
        struct mb_site_rec site;
        struct mb_error e2;
        if (mb_store_site_get(st, items[i].site_id, &site, &e2) != 0)
            continue;
        if (site.status == MB_STATUS_PUBLISHED || site.status == MB_STATUS_RESERVED) {
            mb_strbuf_adds(&nb, "\n");
            mb_strbuf_adds(&en, "\n");
            for (size_t j = i; j < n; j++) {
                if (items[j].site_id != items[i].site_id)
                    continue;
                why(&nb, &items[j], true);
                why(&en, &items[j], false);
            }
            site_lines(&nb, m, cfg->base_url, &site, true);
            site_lines(&en, m, cfg->base_url, &site, false);
            shown++;
        }
        mb_site_rec_release(&site);
    }
    free(items);
    if (shown > 0) {
        struct mb_strbuf b = { 0 };
        mb_strbuf_addf(&b, "Hei %s,\n\n%zu %s siden forrige oversikt:\n%s", u.name, shown,
                       shown == 1 ? "nytt treff" : "nye treff", nb.s);
        footer(&b, cfg->base_url, pref.token, true);
        mb_strbuf_addf(&b, "\n-- English --\n\n%zu new %s since the last summary:\n%s", shown,
                       shown == 1 ? "result" : "results", en.s);
        footer(&b, cfg->base_url, pref.token, false);
        char subject[160];
        snprintf(subject, sizeof subject, "massebank: %zu %s / %zu new %s", shown,
                 shown == 1 ? "nytt treff" : "nye treff", shown, shown == 1 ? "result" : "results");
        rc = queue(st, &u, &pref, cfg->base_url, subject, &b, err);
        mb_strbuf_release(&b);
        if (!rc)
            (*queued)++;
    }
    mb_strbuf_release(&nb);
    mb_strbuf_release(&en);
    if (!rc)
        rc = mb_store_digest_done(st, user_id, now, err);
    return rc;
}

int mb_alerts_digest(struct mb_store *st, const struct mb_market *m,
                     const struct mb_alerts_config *cfg, int64_t now, size_t *queued,
                     struct mb_error *err)
{
    *queued = 0;
    int64_t *users;
    size_t n;
    int rc = mb_store_digest_due(st, now - cfg->digest_period, &users, &n, err);
    for (size_t i = 0; i < n && !rc; i++) {
        if ((rc = mb_store_begin(st, err)))
            break;
        rc = digest_one(st, m, cfg, users[i], now, queued, err);
        rc = mb_store_end(st, rc, err);
    }
    free(users);
    return rc;
}
