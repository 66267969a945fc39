/*
 * geo_bench.c - figures for places (issue 15): the municipality of a
 * point, and the address search over a country of addresses.
 *
 *   mb-geo-bench [--addresses N] [--queries Q] [--db FILE]
 *
 * 1. Municipality lookup: a million points (half near the municipalities'
 *    interior points, half anywhere in Norway's box), timed per point,
 *    against the same points through a reference in the same process: a
 *    ray cast over every edge of every municipality (no index), on a
 *    thousand of them. Prints ns per lookup and the ratio.
 * 2. Address search: N generated addresses (default 2.6 million, the
 *    size of Kartverket's national file) in 357 municipalities, with
 *    street names made of Norwegian syllables; Q searches as people type
 *    them (3-8 letters of a street name, sometimes a house number, half
 *    with near); p50, p99 and max of mb_places_search, next to the
 *    cheapest search in the same database as the reference (the whole
 *    address within its municipality, one answer, no ranking).
 * Also the CSV import rate (rows per second) on 200 000 generated rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "domain/boundary.h"
#include "exchange/addresses.h"
#include "market/places.h"
#include "store/store.h"

static uint64_t rng = 88172645463325252ull;

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

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The reference: even-odd over every edge of every area, no index. */
static int brute_locate(const struct mb_boundaries *b, struct mb_point p)
{
    for (size_t a = 0; a < b->nareas; a++)
        if (mb_boundaries_distance_km(b, (int)a, p, 0) == 0)
            return (int)a;
    return -1;
}

static void bench_lookup(const struct mb_boundaries *b)
{
    enum { N = 1000000, NREF = 1000 };
    struct mb_point *pts = malloc(N * sizeof *pts);
    for (size_t i = 0; i < N; i++) {
        if (i % 2) {
            pts[i].lat = MB_NORWAY_LAT_MIN + unit() * (MB_NORWAY_LAT_MAX - MB_NORWAY_LAT_MIN);
            pts[i].lon = MB_NORWAY_LON_MIN + unit() * (MB_NORWAY_LON_MAX - MB_NORWAY_LON_MIN);
        } else {
            const struct mb_boundary_area *a = &b->areas[next() % b->nareas];
            pts[i].lat = a->point.lat + (unit() - 0.5) * 0.2;
            pts[i].lon = a->point.lon + (unit() - 0.5) * 0.4;
        }
    }
    long inside = 0;
    double t0 = now();
    for (size_t i = 0; i < N; i++)
        inside += mb_boundaries_locate(b, pts[i]) >= 0;
    double t_idx = now() - t0;
    int agree = 0;
    t0 = now();
    for (size_t i = 0; i < NREF; i++)
        agree += brute_locate(b, pts[i]) == mb_boundaries_locate(b, pts[i]);
    double t_ref = now() - t0;
    double ns = t_idx / N * 1e9;
    /* the reference time includes one indexed lookup per point: take it off */
    double ns_ref = (t_ref / NREF - t_idx / N) * 1e9;
    printf("municipality lookup: %.0f ns per point over %d points (%ld in a municipality); "
           "target under 5000 ns\n", ns, N, inside);
    printf("  reference, every edge of every municipality: %.0f ns per point; the index is "
           "%.0f times faster; answers agree on %d of %d\n", ns_ref, ns_ref / ns, agree, NREF);
    free(pts);
}

static const char *const SYL[] = { "berg", "dal", "vik", "stad", "heim", "rud", "li", "haug",
                                   "øy", "nes", "bakk", "sand", "skog", "mo", "å", "fjell",
                                   "bø", "lund", "torp", "sæter", "holm", "ås", "myr", "strand" };
static const char *const SUFFIX[] = { "veien", "vegen", "gata", " gate", "bakken", "stien",
                                      "lia", "tunet" };
#define NSYL (sizeof SYL / sizeof SYL[0])
#define NSUF (sizeof SUFFIX / sizeof SUFFIX[0])

static void street(uint64_t k, char *out, size_t n)
{
    const char *a = SYL[k % NSYL], *b = SYL[(k / NSYL) % NSYL], *c = SUFFIX[(k / NSYL / NSYL) % NSUF];
    snprintf(out, n, "%s%s%s", a, b, c);
    if ((unsigned char)out[0] < 0x80)
        out[0] = (char)(out[0] - 32); /* capital */
}

static void fill_addresses(struct mb_store *st, const struct mb_boundaries *b, size_t n)
{
    struct mb_error err;
    if (mb_store_begin(st, &err)) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    double t0 = now();
    /* about 40 houses per street, streets grouped in their municipality */
    for (size_t i = 0; i < n; i++) {
        struct mb_address a;
        memset(&a, 0, sizeof a);
        size_t s = i / 40;
        const struct mb_boundary_area *m = &b->areas[(s * 7919) % b->nareas];
        memcpy(a.kommune, m->code, 5);
        char name[96];
        street(s % (NSYL * NSYL * NSUF * 3), name, sizeof name);
        snprintf(a.text, sizeof a.text, "%s %zu%s", name, i % 40 + 1, i % 9 == 0 ? "B" : "");
        snprintf(a.postnr, sizeof a.postnr, "%04zu", 1000 + s % 8000);
        snprintf(a.poststed, sizeof a.poststed, "%s", m->name);
        a.gnr = (int)(s % 400 + 1);
        a.bnr = (int)(i % 40 + 1);
        a.lat = m->point.lat + (unit() - 0.5) * 0.05;
        a.lon = m->point.lon + (unit() - 0.5) * 0.1;
        if (mb_store_address_add(st, &a, &err)) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
    }
    if (mb_store_end(st, 0, &err)) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    printf("address table: %zu generated addresses written in %.1f s (%.0f per second)\n", n,
           now() - t0, n / (now() - t0));
}

static void bench_search(struct mb_store *st, const struct mb_boundaries *b, size_t n,
                         size_t queries)
{
    double *t = malloc(queries * sizeof *t), *r = malloc(queries * sizeof *r);
    size_t found = 0;
    struct mb_error err;
    for (size_t q = 0; q < queries; q++) {
        size_t i = next() % n, s = i / 40;
        char name[96], typed[128];
        street(s % (NSYL * NSYL * NSUF * 3), name, sizeof name);
        size_t len = 3 + next() % 6;
        if (len > strlen(name))
            len = strlen(name);
        while (len < strlen(name) && ((unsigned char)name[len] & 0xC0) == 0x80)
            len++; /* whole UTF-8 characters */
        if (q % 3 == 0)
            snprintf(typed, sizeof typed, "%.*s %zu", (int)len, name, i % 40 + 1);
        else
            snprintf(typed, sizeof typed, "%.*s", (int)len, name);
        struct mb_places_query pq = { .q = typed, .limit = 10 };
        if (q % 2) {
            const struct mb_boundary_area *m = &b->areas[(s * 7919) % b->nareas];
            pq.has_near = true;
            pq.near = m->point;
        }
        json_t *out;
        double t0 = now();
        if (mb_places_search(st, &pq, &out, &err)) {
            fprintf(stderr, "search '%s': %s\n", typed, err.message);
            exit(1);
        }
        t[q] = now() - t0;
        found += json_array_size(out) > 0;
        json_decref(out);
        /* reference: the whole address (street and number) within its
         * municipality, one answer, no ranking: the cheapest search */
        struct mb_address *items;
        size_t k;
        char whole[160];
        snprintf(whole, sizeof whole, "%s %zu", name, i % 40 + 1);
        t0 = now();
        mb_store_address_search(st, whole, b->areas[(s * 7919) % b->nareas].code, 1, &items,
                                &k, &err);
        t0 = now() - t0;
        r[q] = t0;
        free(items);
    }
    qsort(t, queries, sizeof *t, cmp_double);
    qsort(r, queries, sizeof *r, cmp_double);
    size_t p99 = queries * 99 / 100;
    printf("address search over %zu addresses, %zu queries as typed (%zu with answers):\n"
           "  p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", n, queries, found,
           t[queries / 2] * 1e3, t[p99] * 1e3, t[queries - 1] * 1e3);
    printf("  reference, one whole address within its municipality (limit 1, no ranking): "
           "p50 %.2f ms, p99 %.2f ms; ratio at p99 %.1f\n", r[queries / 2] * 1e3,
           r[p99] * 1e3, t[p99] / r[p99]);
    free(t);
    free(r);
}

static void bench_import(const struct mb_boundaries *b, const char *dir)
{
    enum { ROWS = 200000 };
    char csv[512], db[512];
    snprintf(csv, sizeof csv, "%s/addr.csv", dir);
    snprintf(db, sizeof db, "%s/import.db", dir);
    FILE *f = fopen(csv, "w");
    fprintf(f, "lokalId;kommunenummer;adresseTekst;EPSG-kode;Nord;Øst;postnummer;poststed;"
               "gardsnummer;bruksnummer;festenummer\n");
    for (size_t i = 0; i < ROWS; i++) {
        const struct mb_boundary_area *m = &b->areas[(i / 40 * 7919) % b->nareas];
        char name[96];
        street(i / 40, name, sizeof name);
        fprintf(f, "%zu;%s;%s %zu;4258;%.6f;%.6f;%04zu;%s;%zu;%zu;\n", i, m->code, name,
                i % 40 + 1, m->point.lat, m->point.lon, 1000 + i % 8000, m->name, i / 40 % 400 + 1,
                i % 40 + 1);
    }
    fclose(f);
    struct mb_store *st;
    struct mb_error err;
    if (mb_store_open(&st, db, &err)) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    struct mb_addr_report rep;
    double t0 = now();
    if (mb_xchg_addresses_import(st, csv, &rep, &err)) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    double dt = now() - t0;
    printf("CSV import (two passes: check, then write): %zu rows in %.2f s, %.0f rows per "
           "second\n", rep.imported, dt, rep.imported / dt);
    mb_store_close(st);
    unlink(csv);
}

int main(int argc, char **argv)
{
    size_t n = 2600000, queries = 2000;
    const char *db = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--addresses") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            queries = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else {
            fprintf(stderr, "usage: mb-geo-bench [--addresses N] [--queries Q] [--db FILE]\n");
            return 2;
        }
    }
    if (!db || !n || !queries) {
        fprintf(stderr, "mb-geo-bench: --db FILE (a new database) is required\n");
        return 2;
    }
    struct mb_error err;
    double t0 = now();
    struct mb_boundaries fresh;
    if (mb_boundaries_init(&fresh, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    printf("boundaries: %zu municipalities, %zu edges, %zu strips; parsed and indexed in "
           "%.1f ms\n", fresh.nareas, fresh.nedges, fresh.nstrips, (now() - t0) * 1e3);
    mb_boundaries_release(&fresh);
    const struct mb_boundaries *b = mb_boundaries_shared(&err);
    bench_lookup(b);
    char dir[512];
    snprintf(dir, sizeof dir, "%s", db);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    bench_import(b, dir);
    struct mb_store *st;
    if (mb_store_open(&st, db, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    int64_t have;
    mb_store_address_count(st, &have, &err);
    if ((size_t)have < n)
        fill_addresses(st, b, n - (size_t)have);
    bench_search(st, b, n, queries);
    mb_store_close(st);
    return 0;
}
