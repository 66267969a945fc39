/*
 * cmd_import.c - `massebank import`: listings or facilities from a CSV or
 * XLSX file into a database, all or nothing (src/exchange/import.h). On
 * any problem every bad row is listed on standard error, as
 * "row N, column NAME: message", and nothing is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "exchange/addresses.h"
#include "exchange/import.h"
#include "exchange/sheet.h"
#include "market/market.h"
#include "store/store.h"

static void print_report(const struct mb_xchg_report *rep, const char *file)
{
    for (size_t i = 0; i < rep->n; i++) {
        const struct mb_xchg_row_error *e = &rep->items[i];
        if (e->column[0])
            fprintf(stderr, "%s: row %zu, column '%s': %s\n", file, e->row, e->column,
                    e->message);
        else
            fprintf(stderr, "%s: row %zu: %s\n", file, e->row, e->message);
    }
}

/* `massebank import --db DB addresses FILE`. */
static int import_addresses(const char *db, const char *in)
{
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_store *st = NULL;
    int rc = cli_open_db(db, &st, &err);
    struct mb_addr_report rep;
    memset(&rep, 0, sizeof rep);
    if (rc == 0) {
        rc = mb_xchg_addresses_import(st, in, &rep, &err);
        mb_store_close(st);
    }
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    if (rc) {
        size_t shown = rep.nproblems < MB_ADDR_MAX_PROBLEMS ? rep.nproblems
                                                            : MB_ADDR_MAX_PROBLEMS;
        for (size_t i = 0; i < shown; i++) {
            const struct mb_addr_problem *p = &rep.problems[i];
            if (p->column[0])
                fprintf(stderr, "%s: line %zu, column '%s': %s\n", base, p->line, p->column,
                        p->message);
            else
                fprintf(stderr, "%s: line %zu: %s\n", base, p->line, p->message);
        }
        if (rep.nproblems > shown)
            fprintf(stderr, "%s: ... and %zu more\n", base, rep.nproblems - shown);
        return cli_fail(&err);
    }
    printf("%s: imported %zu addresses in %zu municipalities (their earlier addresses "
           "replaced)\n", base, rep.imported, rep.municipalities);
    return 0;
}

int cmd_import(int argc, char **argv)
{
    const char *db = NULL, *org = NULL, *what = NULL, *in = NULL;
    bool dry = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--db", &db, "import")) ||
            (m = cli_opt_value(argc, argv, &i, "--org", &org, "import"))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (strcmp(argv[i], "--dry-run") == 0) {
            dry = true;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("import", "unknown option '%s'", argv[i]);
        if (!what)
            what = argv[i];
        else if (!in)
            in = argv[i];
        else
            return cli_usage("import", "one file at a time: '%s' is one too many", argv[i]);
    }
    if (!db)
        return cli_usage("import", "--db FILE is required");
    if (what && strcmp(what, "addresses") == 0) {
        if (!in)
            return cli_usage("import", "say from where: addresses FILE (Kartverket's "
                             "\"Matrikkelen - Adresse\" CSV)");
        if (org || dry)
            return cli_usage("import", "addresses belong to no organisation and have no "
                             "--dry-run: leave out %s", org ? "--org" : "--dry-run");
        return import_addresses(db, in);
    }
    if (!org)
        return cli_usage("import", "--org ID is required: the organisation that will own "
                         "the imported sites");
    if (!what || !in)
        return cli_usage("import", "say what to import and from where: listings FILE or "
                         "facilities FILE");
    bool listings = strcmp(what, "listings") == 0;
    if (!listings && strcmp(what, "facilities") != 0)
        return cli_usage("import", "'%s' is not a table; use listings or facilities", what);
    char *end;
    errno = 0;
    long long org_id = strtoll(org, &end, 10);
    if (errno || end == org || *end || org_id <= 0)
        return cli_usage("import", "--org takes an organisation id (a whole number above "
                         "0), not '%s'", org);

    struct mb_error err;
    mb_error_clear(&err);
    struct mb_xchg_sheet sheet;
    if (mb_xchg_sheet_read_file(&sheet, in, &err))
        return cli_fail(&err);
    struct mb_market m;
    if (mb_market_init(&m, &err)) {
        mb_xchg_sheet_release(&sheet);
        return cli_fail(&err);
    }
    struct mb_store *st = NULL;
    int rc = cli_open_db(db, &st, &err);
    struct mb_xchg_report rep = { 0 };
    if (rc == 0) {
        struct mb_xchg_import_opts opts = { .org_id = org_id, .dry_run = dry };
        rc = mb_xchg_import(st, &m, listings ? MB_FAMILY_LISTING : MB_FAMILY_FACILITY,
                            &sheet, &opts, &rep, &err);
        mb_store_close(st);
    }
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    if (rc) {
        print_report(&rep, base);
        rc = cli_fail(&err);
    } else if (dry) {
        printf("%s: %zu %s checked, all good; nothing was written (--dry-run)\n", base,
               rep.rows, what);
    } else {
        printf("%s: imported %zu %s (first id %lld, last id %lld) as organisation %lld\n", base,
               rep.imported, what, (long long)rep.first_id, (long long)rep.last_id,
               org_id);
    }
    mb_xchg_report_release(&rep);
    mb_market_release(&m);
    mb_xchg_sheet_release(&sheet);
    return rc;
}
