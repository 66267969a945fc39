/*
 * cmd_stats.c - `massebank stats`: amounts per municipality and
 * destination kind (landfill, reuse, soil improvement, plant, storage) from
 * the confirmed loads of a market database, for a year and a region: the
 * MEF table as a report. --json gives every row (municipality, year,
 * material, destination) as well.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/stats.h"
#include "store/store.h"

#define MAX_MUNIS 64

static void print_table(FILE *f, const struct mb_stats *s, int year)
{
    static const char *const head[MB_DEST_COUNT] = { "landfill", "reuse", "soil impr.",
                                                     "plant", "storage" };
    if (year)
        fprintf(f, "Confirmed loads in %d, solid m3 (fm3) by destination:\n\n", year);
    else
        fprintf(f, "Confirmed loads, every year, solid m3 (fm3) by destination:\n\n");
    cli_pad(f, "municipality", 24);
    for (int d = 0; d < MB_DEST_COUNT; d++)
        fprintf(f, " %11s", head[d]);
    fprintf(f, " %11s %11s %7s\n", "total fm3", "total t", "loads");
    for (size_t i = 0; i <= s->nmunis; i++) {
        const struct mb_stats_muni *m = i < s->nmunis ? &s->munis[i] : &s->total;
        char label[96];
        if (i == s->nmunis)
            snprintf(label, sizeof label, "in all");
        else
            snprintf(label, sizeof label, "%s %s", *m->municipality ? m->municipality : "????",
                     m->name);
        cli_pad(f, label, 24);
        for (int d = 0; d < MB_DEST_COUNT; d++)
            fprintf(f, " %11.0f", m->fm3[d]);
        fprintf(f, " %11.0f %11.0f %7zu\n", m->total_fm3, m->total_t, m->loads);
    }
}

int cmd_stats(int argc, char **argv)
{
    const char *db = NULL, *year_s = NULL;
    const char *munis_arg[MAX_MUNIS];
    size_t nmunis = 0;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        int m;
        const char *v;
        if ((m = cli_opt_value(argc, argv, &i, "--db", &db, "stats")) ||
            (m = cli_opt_value(argc, argv, &i, "--year", &year_s, "stats"))) {
            if (m < 0)
                return EXIT_USAGE;
        } else if ((m = cli_opt_value(argc, argv, &i, "--municipality", &v, "stats"))) {
            if (m < 0)
                return EXIT_USAGE;
            if (nmunis == MAX_MUNIS)
                return cli_usage("stats", "at most %d --municipality options", MAX_MUNIS);
            munis_arg[nmunis++] = v;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else {
            return cli_usage("stats", "unknown argument '%s'", argv[i]);
        }
    }
    if (!db)
        return cli_usage("stats", "--db FILE is required");
    struct mb_error err;
    mb_error_clear(&err);
    int year = 0;
    if (year_s) {
        char *end;
        long y = strtol(year_s, &end, 10);
        if (end == year_s || *end || strlen(year_s) != 4 || y < 1900 || y > 2200) {
            mb_error_set(&err, MB_EINVAL, "--year", "'%s' is not a year (1900-2200)", year_s);
            return cli_fail(&err);
        }
        year = (int)y;
    }
    struct mb_catalog catalog;
    struct mb_municipalities munis;
    if (mb_catalog_init(&catalog, &err))
        return cli_fail(&err);
    if (mb_municipalities_init(&munis, &err)) {
        mb_catalog_release(&catalog);
        return cli_fail(&err);
    }
    /* Each municipality by its 2024 code, its old code or its name. */
    const char *codes[MAX_MUNIS];
    int rc = 0;
    for (size_t i = 0; i < nmunis && !rc; i++) {
        const struct mb_municipality *mu = mb_municipality_find(&munis, munis_arg[i]);
        if (!mu)
            rc = mb_error_set(&err, MB_EINVAL, "--municipality",
                              "'%s' is not a Norwegian municipality (code or name)",
                              munis_arg[i]);
        else
            codes[i] = mu->code;
    }
    struct mb_store *st = NULL;
    if (!rc)
        rc = cli_open_db(db, &st, &err);
    struct mb_stats s = { 0 };
    if (!rc) {
        struct mb_stats_query q = { year, codes, nmunis };
        rc = mb_stats_build(st, &catalog, &munis, &q, &s, &err);
    }
    if (!rc) {
        if (json) {
            json_t *root = mb_stats_json(&s, year);
            cli_print_json(stdout, root);
            json_decref(root);
        } else {
            print_table(stdout, &s, year);
        }
    }
    mb_stats_release(&s);
    if (st)
        mb_store_close(st);
    mb_municipalities_release(&munis);
    mb_catalog_release(&catalog);
    return rc ? cli_fail(&err) : 0;
}
