/*
 * alerts_bench.c - figures for alerts (docs/alerts.md): what one alert
 * pass costs for one new listing in a market of a Trondheim-like region
 * with many saved searches.
 *
 *   mb-alerts-bench --db FILE [--searches N] [--listings L] [--rounds R]
 *
 * The market: the generator's "trondheim" region with L listings (default
 * 6000) and N saved searches (default 10 000) of N users in 200
 * organisations, each a random mix of kinds, a material group or none,
 * a class or none, a point in the region with a radius of 2-50 km or
 * none, and a window or none. Then R rounds (default 200): one listing
 * published and one pass (mb_alerts_run: the saved searches that fit,
 * the matches of the listing, the notifications and mails, the cursor)
 * timed, p50, p99 and max. Next to it, in the same process and database,
 * the reference: the same fits found by reading every saved search in
 * one query and checking each (no index), timed per listing. Prints both and the ratio
 * of the index's search to the scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "market/alerts.h"
#include "market/auth.h"
#include "market/listing.h"
#include "market/seed.h"
#include "plan/gen.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double unit(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int fail(const struct mb_error *err)
{
    fprintf(stderr, "mb-alerts-bench: %s%s%s\n", err->field, err->field[0] ? ": " : "",
            err->message);
    return 1;
}

static const char *const GROUPS[] = { "rock.*", "soil.*", "recycled.*" };
static const char *const KINDS[] = { "supply", "need", "landfill", "storage", "plant",
                                     "quarry" };

/* A saved search body of random shape around Trondheim. */
static void search_body(char *buf, size_t size, int i)
{
    char extra[400] = "";
    size_t o = 0;
    if (unit() < 0.7)
        o += (size_t)snprintf(extra + o, sizeof extra - o, ", \"material\": \"%s\"",
                              GROUPS[next() % 3]);
    if (unit() < 0.5)
        o += (size_t)snprintf(extra + o, sizeof extra - o, ", \"class\": %d",
                              1 + (int)(next() % 4));
    if (unit() < 0.8)
        o += (size_t)snprintf(extra + o, sizeof extra - o, ", \"near\": {\"lat\": %.4f, "
                              "\"lon\": %.4f, \"radius_km\": %.1f}", 63.1 + unit() * 0.6,
                              9.8 + unit() * 1.4, 2 + unit() * 48);
    if (unit() < 0.5) {
        int y = 2026 + (int)(next() % 3), m = 1 + (int)(next() % 9);
        o += (size_t)snprintf(extra + o, sizeof extra - o, ", \"window\": {\"from\": "
                              "\"%d-%02d\", \"to\": \"%d-%02d\"}", y, m, y, m + 3);
    }
    unsigned kinds = (unsigned)(next() % 63) + 1;
    char types[120] = "";
    size_t t = 0;
    for (int k = 0; k < 6; k++)
        if (kinds & (1u << k))
            t += (size_t)snprintf(types + t, sizeof types - t, "%s\"%s\"", t ? ", " : "",
                                  KINDS[k]);
    snprintf(buf, size, "{\"name\": \"Søk %d\", \"types\": [%s], \"email\": \"%s\"%s}", i, types,
             i % 3 == 0 ? "instant" : i % 3 == 1 ? "daily" : "none", extra);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    long searches = 10000, listings = 6000, rounds = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            db = argv[i + 1];
        else if (strcmp(argv[i], "--searches") == 0)
            searches = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--listings") == 0)
            listings = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--rounds") == 0)
            rounds = strtol(argv[i + 1], NULL, 10);
    }
    if (!db || searches < 1 || listings < 1 || rounds < 1) {
        fprintf(stderr, "usage: mb-alerts-bench --db FILE [--searches N] [--listings L] "
                "[--rounds R]\n");
        return 2;
    }
    struct mb_error err;
    struct mb_market m;
    struct mb_store *st;
    if (mb_auth_init(&err) || mb_market_init(&m, &err) || mb_store_open(&st, db, &err))
        return fail(&err);
    double t0 = mb_clock_seconds();
    /* The searchers: 200 organisations, N users, a search each. */
    struct mb_user *users = calloc((size_t)searches, sizeof *users);
    int64_t orgs[200];
    if (mb_store_begin(st, &err))
        return fail(&err);
    for (int i = 0; i < 200; i++) {
        struct mb_org o = { 0 };
        snprintf(o.name, sizeof o.name, "Søker %d AS", i);
        if (mb_store_org_create(st, &o, &err))
            return fail(&err);
        orgs[i] = o.id;
    }
    for (long i = 0; i < searches; i++) {
        struct mb_user *u = &users[i];
        u->org_id = orgs[i % 200];
        u->role = MB_ROLE_CONTRACTOR;
        snprintf(u->email, sizeof u->email, "s%ld@bench.massebank.no", i);
        snprintf(u->name, sizeof u->name, "Søker %ld", i);
        if (mb_store_user_create(st, u, "x", &err))
            return fail(&err);
        char body[1024];
        search_body(body, sizeof body, (int)i);
        struct mb_problems p = { 0 };
        json_t *view;
        if (mb_alerts_search_add(st, &m, u, body, strlen(body), &view, &p, &err))
            return fail(&err);
        json_decref(view);
    }
    if (mb_store_end(st, 0, &err))
        return fail(&err);
    /* The market. */
    struct mb_org seller = { 0 };
    snprintf(seller.name, sizeof seller.name, "Marked AS");
    struct mb_user dev = { .role = MB_ROLE_DEVELOPER };
    snprintf(dev.email, sizeof dev.email, "marked@bench.massebank.no");
    snprintf(dev.name, sizeof dev.name, "Marked");
    if (mb_store_org_create(st, &seller, &err))
        return fail(&err);
    dev.org_id = seller.id;
    if (mb_store_user_create(st, &dev, "x", &err))
        return fail(&err);
    struct mb_gen_options o;
    if (mb_gen_preset("trondheim", &o, &err))
        return fail(&err);
    o.listings = (int)listings;
    char *json = mb_gen_scenario(&o);
    int64_t owners[4] = { seller.id, orgs[0], orgs[1], orgs[2] };
    size_t count = 0;
    if (mb_seed_scenario(st, &m, json, owners, &count, &err))
        return fail(&err);
    free(json);
    if (mb_store_alert_cursor_skip(st, &err))
        return fail(&err);
    printf("mb-alerts-bench: %ld saved searches, %zu sites, made in %.1f s\n", searches, count,
           mb_clock_seconds() - t0);

    struct mb_alerts_config cfg = { "https://massebank.example.no", 86400 };
    sqlite3 *raw;
    if (sqlite3_open_v2(db, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    double *pass = calloc((size_t)rounds, sizeof *pass);
    double *index = calloc((size_t)rounds, sizeof *index);
    double *scan = calloc((size_t)rounds, sizeof *scan);
    size_t raised_all = 0, fits_index = 0, fits_scan = 0;
    for (long r = 0; r < rounds; r++) {
        char body[512];
        snprintf(body, sizeof body, "{\"type\": \"supply\", \"title\": \"Ny masse %ld\", \"lat\":"
                 " %.4f, \"lon\": %.4f, \"material\": \"%s\", \"class\": %d, \"amount\": "
                 "{\"value\": %d, \"unit\": \"t\"}, \"window\": {\"from\": \"2027-03\", "
                 "\"to\": \"2027-09\"}}", r, 63.1 + unit() * 0.6, 9.8 + unit() * 1.4,
                 r % 2 ? "rock.blasted" : "soil.moraine", 1 + (int)(r % 3),
                 1000 + (int)(next() % 50000));
        struct mb_site_rec rec = { 0 };
        struct mb_problems p = { 0 };
        if (mb_market_parse_site(&m, MB_FAMILY_LISTING, body, strlen(body), &rec, &p) ||
            mb_listing_create(st, &dev, MB_FAMILY_LISTING, MB_STATUS_PUBLISHED, &rec, &err)) {
            mb_problems_release(&p);
            return fail(&err);
        }
        double a = mb_clock_seconds();
        size_t raised;
        bool more;
        if (mb_alerts_run(st, &m, &cfg, 64, &raised, &more, &err))
            return fail(&err);
        pass[r] = mb_clock_seconds() - a;
        raised_all += raised;
        /* The searches that fit: through the index (prefilter + check). */
        a = mb_clock_seconds();
        struct mb_saved_search *q;
        size_t nq;
        if (mb_store_saved_searches_for(st, &rec, &q, &nq, &err))
            return fail(&err);
        for (size_t i = 0; i < nq; i++)
            fits_index += mb_saved_search_fits(&q[i], &rec) && q[i].org_id != rec.org_id;
        mb_saved_searches_release(q, nq);
        index[r] = mb_clock_seconds() - a;
        /* The reference: every search read (one query, no index) and checked. */
        a = mb_clock_seconds();
        sqlite3_stmt *all;
        if (sqlite3_prepare_v2(raw, "SELECT types, material, class, lat, lon, radius_km,"
                               " from_m, to_m, org_id FROM saved_search", -1, &all, NULL))
            return 1;
        while (sqlite3_step(all) == SQLITE_ROW) {
            struct mb_saved_search x = { .types = (unsigned)sqlite3_column_int(all, 0),
                                         .cls = sqlite3_column_int(all, 2),
                                         .near = sqlite3_column_type(all, 3) != SQLITE_NULL,
                                         .lat = sqlite3_column_double(all, 3),
                                         .lon = sqlite3_column_double(all, 4),
                                         .radius_km = sqlite3_column_double(all, 5),
                                         .from_m = sqlite3_column_int(all, 6),
                                         .to_m = sqlite3_column_int(all, 7),
                                         .org_id = sqlite3_column_int64(all, 8) };
            snprintf(x.material, sizeof x.material, "%s",
                     (const char *)sqlite3_column_text(all, 1));
            fits_scan += mb_saved_search_fits(&x, &rec) && x.org_id != rec.org_id;
        }
        sqlite3_finalize(all);
        scan[r] = mb_clock_seconds() - a;
        mb_site_rec_release(&rec);
    }
    sqlite3_close(raw);
    qsort(pass, (size_t)rounds, sizeof *pass, cmp_double);
    qsort(index, (size_t)rounds, sizeof *index, cmp_double);
    qsort(scan, (size_t)rounds, sizeof *scan, cmp_double);
    size_t p50 = (size_t)rounds / 2, p99 = (size_t)((double)rounds * 0.99);
    if (p99 >= (size_t)rounds)
        p99 = (size_t)rounds - 1;
    printf("alert pass for one new listing (fits, matches, notifications, mails, cursor):\n"
           "  p50 %.2f ms, p99 %.2f ms, max %.2f ms over %ld listings; %.1f notifications "
           "raised per listing\n", pass[p50] * 1e3, pass[p99] * 1e3, pass[rounds - 1] * 1e3,
           rounds, (double)raised_all / (double)rounds);
    printf("saved searches that fit one listing, of %ld:\n"
           "  prefilter in SQL (type, org, window, class, box; checked): p50 %.3f ms\n"
           "  reference (every search read and checked):                p50 %.3f ms\n"
           "  ratio reference / prefilter: %.1f; fits agree: %s (%zu)\n", searches,
           index[p50] * 1e3, scan[p50] * 1e3, scan[p50] / index[p50],
           fits_index == fits_scan ? "yes" : "NO", fits_index);
    free(pass);
    free(index);
    free(scan);
    free(users);
    mb_store_close(st);
    mb_market_release(&m);
    return fits_index == fits_scan ? 0 : 1;
}
