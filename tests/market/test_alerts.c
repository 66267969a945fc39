/*
 * test_alerts.c - saved searches and alerts (market/alerts.c,
 * alert_run.c, store_alert.c) and the mail they send (exchange/smtp.c):
 * what fits a search, a pass that raises each notification once and
 * queues its mail in the same transaction, a change raised again without
 * a second mail, and a message whose headers cannot be broken into.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "exchange/smtp.h"
#include "market/alerts.h"
#include "market/listing.h"
#include "store/store.h"

static struct mb_site_rec site(enum mb_site_type type, const char *material, int cls, double lat,
                               double lon, int from_m, int to_m)
{
    static char *mats[1];
    static char buf[48];
    snprintf(buf, sizeof buf, "%s", material);
    mats[0] = buf;
    struct mb_site_rec r = { .type = type, .cls = cls, .lat = lat, .lon = lon, .from_m = from_m,
                             .to_m = to_m, .materials = mats, .nmaterials = 1 };
    snprintf(r.material, sizeof r.material, "%s", material);
    return r;
}

#define M(y, m) ((y) * 12 + (m) - 1)

Test(alerts, what_fits_a_saved_search)
{
    struct mb_saved_search q = { .types = 1u << MB_TYPE_SUPPLY, .cls = 2, .near = true,
                                 .lat = 63.35, .lon = 10.36, .radius_km = 15,
                                 .from_m = M(2026, 5), .to_m = M(2026, 8) };
    snprintf(q.material, sizeof q.material, "rock.*");
    struct mb_site_rec s = site(MB_TYPE_SUPPLY, "rock.blasted", 1, 63.36, 10.37, M(2026, 3),
                                M(2026, 6));
    cr_assert(mb_saved_search_fits(&q, &s));
    s.cls = 3;
    cr_assert_not(mb_saved_search_fits(&q, &s), "a supply of class 3 > 2");
    s.cls = 2;
    s.type = MB_TYPE_NEED;
    cr_assert_not(mb_saved_search_fits(&q, &s), "not a type asked for");
    s.type = MB_TYPE_SUPPLY;
    s.lat = 63.50; /* about 17 km north */
    cr_assert_not(mb_saved_search_fits(&q, &s), "outside the radius");
    s.lat = 63.36;
    s.from_m = M(2026, 9);
    s.to_m = M(2026, 12);
    cr_assert_not(mb_saved_search_fits(&q, &s), "windows do not meet");
    s.from_m = MB_NO_MONTH_FROM;
    s.to_m = MB_NO_MONTH_TO;
    cr_assert(mb_saved_search_fits(&q, &s), "a site without a window is open");
    struct mb_site_rec soil = site(MB_TYPE_SUPPLY, "soil.moraine", 1, 63.36, 10.37,
                                   MB_NO_MONTH_FROM, MB_NO_MONTH_TO);
    cr_assert_not(mb_saved_search_fits(&q, &soil), "another group");
    snprintf(q.material, sizeof q.material, "soil.moraine");
    cr_assert(mb_saved_search_fits(&q, &soil), "the code itself");
    /* A receiver fits when it takes at least the class. */
    struct mb_saved_search r = { .types = 1u << MB_TYPE_LANDFILL, .cls = 3,
                                 .from_m = MB_NO_MONTH_FROM, .to_m = MB_NO_MONTH_TO };
    struct mb_site_rec lf = site(MB_TYPE_LANDFILL, "rock.blasted", 2, 63.36, 10.37,
                                 MB_NO_MONTH_FROM, MB_NO_MONTH_TO);
    cr_assert_not(mb_saved_search_fits(&r, &lf), "takes class 2 only");
    lf.cls = 4;
    cr_assert(mb_saved_search_fits(&r, &lf));
}

static struct mb_user user(struct mb_store *st, const char *org, const char *email,
                           enum mb_role role)
{
    struct mb_error err;
    struct mb_org o = { 0 };
    snprintf(o.name, sizeof o.name, "%s", org);
    cr_assert_eq(mb_store_org_create(st, &o, &err), 0, "%s", err.message);
    struct mb_user u = { .org_id = o.id, .role = role };
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.name, sizeof u.name, "%s", email);
    cr_assert_eq(mb_store_user_create(st, &u, "x", &err), 0, "%s", err.message);
    return u;
}

static int count(struct mb_store *st, const char *what)
{
    struct mb_mail *mails;
    size_t n;
    struct mb_error err;
    cr_assert_eq(mb_store_outbox_list(st, 100, &mails, &n, &err), 0, "%s", err.message);
    int c = 0;
    for (size_t i = 0; i < n; i++) {
        if (strstr(mails[i].body, what))
            c++;
        mb_mail_release(&mails[i]);
    }
    free(mails);
    return c;
}

Test(alerts, one_pass_raises_once_and_queues_its_mail_with_it)
{
    struct mb_store *st;
    struct mb_market m;
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, ":memory:", &err), 0, "%s", err.message);
    cr_assert_eq(mb_market_init(&m, &err), 0, "%s", err.message);
    struct mb_user dev = user(st, "Utbygger AS", "u@x.no", MB_ROLE_DEVELOPER);
    struct mb_user con = user(st, "Entreprenør AS", "e@x.no", MB_ROLE_CONTRACTOR);
    const char *qb = "{\"name\": \"Stein\", \"types\": [\"supply\"], \"material\": \"rock.*\","
                     " \"near\": {\"lat\": 63.44, \"lon\": 10.45, \"radius_km\": 5},"
                     " \"email\": \"instant\"}";
    struct mb_problems p = { 0 };
    json_t *view;
    cr_assert_eq(mb_alerts_search_add(st, &m, &con, qb, strlen(qb), &view, &p, &err), 0, "%s",
                 err.message);
    json_decref(view);
    const char *body = "{\"type\": \"supply\", \"title\": \"Stein fra Lade\", \"lat\": 63.44,"
                       " \"lon\": 10.45, \"material\": \"rock.blasted\", \"class\": 1,"
                       " \"amount\": {\"value\": 12000, \"unit\": \"t\"}, \"window\": {\"from\":"
                       " \"2026-03\", \"to\": \"2026-08\"}}";
    struct mb_site_rec rec = { 0 };
    cr_assert_eq(mb_market_parse_site(&m, MB_FAMILY_LISTING, body, strlen(body), &rec, &p), 0);
    cr_assert_eq(mb_listing_create(st, &dev, MB_FAMILY_LISTING, MB_STATUS_PUBLISHED, &rec, &err),
                 0, "%s", err.message);
    struct mb_alerts_config cfg = { "https://massebank.test", 86400 };
    size_t raised;
    bool more;
    cr_assert_eq(mb_alerts_run(st, &m, &cfg, 64, &raised, &more, &err), 0, "%s", err.message);
    cr_assert_eq(raised, 1);
    cr_assert_not(more);
    cr_assert_eq(count(st, "Stein fra Lade"), 1);
    cr_assert_eq(count(st, "12 000 t"), 1, "tonnes as Norwegians write them");
    cr_assert_eq(count(st, "https://massebank.test/#/avmeld/"), 1);
    /* Nothing changed: nothing raised. */
    cr_assert_eq(mb_alerts_run(st, &m, &cfg, 64, &raised, &more, &err), 0, "%s", err.message);
    cr_assert_eq(raised, 0);
    /* A change raises it again, unread, but mails nothing more. */
    struct mb_site_rec upd = { 0 };
    cr_assert_eq(mb_market_parse_site(&m, MB_FAMILY_LISTING, body, strlen(body), &upd, &p), 0);
    upd.amount_t = 9000;
    cr_assert_eq(mb_listing_update(st, &dev, MB_FAMILY_LISTING, rec.id, -1, &upd, &err), 0,
                 "%s", err.message);
    cr_assert_eq(mb_alerts_run(st, &m, &cfg, 64, &raised, &more, &err), 0, "%s", err.message);
    cr_assert_eq(raised, 1);
    cr_assert_eq(count(st, "Stein fra Lade"), 1);
    json_t *list;
    cr_assert_eq(mb_alerts_notifications_json(st, &con, 10, &list, &err), 0, "%s", err.message);
    cr_assert_eq(json_integer_value(json_object_get(list, "unread")), 1);
    json_t *first = json_array_get(json_object_get(list, "items"), 0);
    cr_assert(json_is_true(json_object_get(first, "changed")));
    json_decref(list);
    /* The developer hears nothing of its own listing. */
    cr_assert_eq(mb_alerts_notifications_json(st, &dev, 10, &list, &err), 0, "%s", err.message);
    cr_assert_eq(json_array_size(json_object_get(list, "items")), 0);
    json_decref(list);
    mb_site_rec_release(&rec);
    mb_site_rec_release(&upd);
    mb_market_release(&m);
    mb_store_close(st);
}

Test(alerts, a_mail_message_cannot_be_broken_into)
{
    struct mb_smtp c;
    struct mb_error err;
    cr_assert_eq(mb_smtp_config(&c, "relay.example.no:587", "varsel@massebank.no", NULL, NULL,
                                NULL, &err), 0, "%s", err.message);
    cr_assert_str_eq(c.url, "smtp://relay.example.no:587");
    char subject[] = "massebank: Sprengstein fra Østre Lade – nytt treff på søket ditt / new "
                     "result with a long tail of words";
    char body[] = "Hei,\nlinje to\n";
    struct mb_mail mail = { .id = 7, .created = 1700000000, .subject = subject, .body = body };
    snprintf(mail.to, sizeof mail.to, "e@x.no");
    snprintf(mail.unsubscribe, sizeof mail.unsubscribe, "https://m.test/api/unsubscribe?token=ab");
    char *msg = mb_smtp_message(&c, &mail, &err);
    cr_assert_not_null(msg, "%s", err.message);
    cr_assert_not_null(strstr(msg, "Subject: =?UTF-8?B?"));
    cr_assert_not_null(strstr(msg, "Message-ID: <outbox-7-1700000000@massebank.no>"));
    cr_assert_not_null(strstr(msg, "List-Unsubscribe: <https://m.test/api/unsubscribe?token=ab>"));
    /* Every line ends in CRLF and fits in 78 characters. */
    for (const char *p = msg; *p;) {
        const char *nl = strchr(p, '\n');
        cr_assert_not_null(nl);
        cr_assert(nl > p ? nl[-1] == '\r' : 0, "a bare LF");
        cr_assert_leq(nl - p, strncmp(p, "List-Unsubscribe:", 17) == 0 ? 998 : 78);
        p = nl + 1;
    }
    free(msg);
    snprintf(mail.to, sizeof mail.to, "e@x.no\r\nBcc: all@x.no");
    cr_assert_null(mb_smtp_message(&c, &mail, &err));
    cr_assert_str_eq(err.field, "to");
    cr_assert_neq(mb_smtp_config(&c, "relay", "a@b.no", NULL, NULL, NULL, &err), 0);
    cr_assert_str_eq(err.field, "--smtp");
    cr_assert_neq(mb_smtp_config(&c, "relay:25", "a@b.no", NULL, "sometimes", NULL, &err), 0);
    cr_assert_str_eq(err.field, "--smtp-tls");
}
