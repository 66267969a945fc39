/*
 * market_seed.c - fills a market database for the API benchmark: a
 * generated national region (plan/gen.c, clustered around Norway's
 * cities) with N listings and 500 facilities, all published, owned by one
 * benchmark organisation with one user (bench@bench.massebank.no,
 * password "bench-password", role contractor).
 * Usage: mb-market-seed DB LISTINGS SEED
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "market/auth.h"
#include "market/market.h"
#include "market/seed.h"
#include "plan/gen.h"
#include "store/store.h"

static int fail(const struct mb_error *err)
{
    fprintf(stderr, "mb-market-seed: %s: %s\n", err->field, err->message);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: mb-market-seed DB LISTINGS SEED\n");
        return 2;
    }
    char *end;
    long n = strtol(argv[2], &end, 10);
    unsigned long long seed = strtoull(argv[3], NULL, 10);
    if (*end || n < 1 || n > 1000000) {
        fprintf(stderr, "mb-market-seed: LISTINGS must be 1 to 1000000\n");
        return 2;
    }
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_market m;
    struct mb_store *st;
    if (mb_auth_init(&err) || mb_market_init(&m, &err) || mb_store_open(&st, argv[1], &err))
        return fail(&err);
    double t0 = mb_clock_seconds();
    struct mb_org org = { 0 };
    snprintf(org.name, sizeof org.name, "Benchmark AS");
    char hash[MB_AUTH_HASH_SIZE];
    struct mb_user u = { 0 };
    snprintf(u.email, sizeof u.email, "bench@bench.massebank.no");
    snprintf(u.name, sizeof u.name, "Benchmark");
    u.role = MB_ROLE_CONTRACTOR;
    if (mb_store_org_create(st, &org, &err) || mb_auth_hash_password("bench-password", hash, &err))
        return fail(&err);
    u.org_id = org.id;
    if (mb_store_user_create(st, &u, hash, &err))
        return fail(&err);
    struct mb_gen_options o;
    if (mb_gen_preset("national", &o, &err))
        return fail(&err);
    o.seed = seed;
    o.listings = (int)n;
    char *json = mb_gen_scenario(&o);
    int64_t owners[4] = { org.id, org.id, org.id, org.id };
    size_t count = 0;
    int rc = mb_seed_scenario(st, &m, json, owners, &count, &err);
    free(json);
    if (rc)
        return fail(&err);
    printf("mb-market-seed: %zu sites in %.1f s into %s\n", count, mb_clock_seconds() - t0,
           argv[1]);
    mb_store_close(st);
    mb_market_release(&m);
    return 0;
}
