/*
 * seed_db.c - test helper for the exchange CLI tests: make a database.
 *
 *   seed_db PATH demo     the demo market (mb_seed_demo)
 *   seed_db PATH empty    one organisation, no sites
 *
 * Prints the organisations as "ID<TAB>NAME" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "market/market.h"
#include "market/seed.h"
#include "store/store.h"

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[2], "demo") != 0 && strcmp(argv[2], "empty") != 0)) {
        fprintf(stderr, "usage: seed_db PATH demo|empty\n");
        return 2;
    }
    struct mb_error err;
    struct mb_store *st;
    struct mb_market m;
    if (mb_store_open(&st, argv[1], &err) || mb_market_init(&m, &err)) {
        fprintf(stderr, "seed_db: %s\n", err.message);
        return 1;
    }
    int rc = 0;
    if (strcmp(argv[2], "demo") == 0) {
        char **logins;
        size_t n;
        rc = mb_seed_demo(st, &m, &logins, &n, &err);
        if (rc == 0 && logins) {
            for (size_t i = 0; logins[i]; i++)
                free(logins[i]);
            free(logins);
        }
    } else {
        struct mb_org o = { 0 };
        snprintf(o.name, sizeof o.name, "Prøveprosjekt Æøå AS");
        rc = mb_store_org_create(st, &o, &err);
    }
    struct mb_org *orgs = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = mb_store_org_list(st, &orgs, &n, &err);
    for (size_t i = 0; i < n; i++)
        printf("%lld\t%s\n", (long long)orgs[i].id, orgs[i].name);
    free(orgs);
    if (rc)
        fprintf(stderr, "seed_db: %s\n", err.message);
    mb_market_release(&m);
    mb_store_close(st);
    return rc ? 1 : 0;
}
