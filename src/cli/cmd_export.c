/*
 * cmd_export.c - `massebank export`: the market's listings, facilities,
 * deliveries (load tickets) or statistics from a database as CSV, XLSX or
 * GeoJSON (src/exchange). The whole file is built in memory and written
 * atomically, so a failed export leaves no partial file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "exchange/export.h"
#include "exchange/format.h"
#include "exchange/names.h"
#include "report/stats.h"
#include "store/store.h"

#define MAX_MUNIS 64

enum what { W_LISTINGS, W_FACILITIES, W_DELIVERIES, W_STATISTICS, W_COUNT };
static const char *const what_names[W_COUNT] = { "listings", "facilities", "deliveries",
                                                 "statistics" };

int cli_open_db(const char *path, struct mb_store **st, struct mb_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return mb_error_set(err, MB_EIO, "--db", "cannot open %s: %s", path,
                            MB_ERRNO_TEXT(errno));
    if (!S_ISREG(sb.st_mode))
        return mb_error_set(err, MB_EIO, "--db", "cannot open %s: not a regular file",
                            path);
    return mb_store_open(st, path, err);
}

static int parse_id(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0)
        return -1;
    *out = v;
    return 0;
}

/* The statistics tables: the report of the year and municipalities, as
 * `massebank stats` builds it. */
static int statistics(struct mb_store *st, int year, const char *const *munis_arg,
                      size_t nmunis, struct mb_xchg_table *rows, struct mb_xchg_table *summary,
                      struct mb_error *err)
{
    struct mb_catalog catalog;
    struct mb_municipalities munis;
    if (mb_catalog_init(&catalog, err))
        return err->code;
    int rc = mb_municipalities_init(&munis, err);
    if (rc) {
        mb_catalog_release(&catalog);
        return rc;
    }
    const char *codes[MAX_MUNIS];
    for (size_t i = 0; i < nmunis && !rc; i++) {
        const struct mb_municipality *mu = mb_municipality_find(&munis, munis_arg[i]);
        if (!mu)
            rc = mb_error_set(err, MB_EINVAL, "--municipality",
                              "'%s' is not a Norwegian municipality (code or name)",
                              munis_arg[i]);
        else
            codes[i] = mu->code;
    }
    struct mb_stats s = { 0 };
    if (!rc) {
        struct mb_stats_query q = { year, codes, nmunis };
        rc = mb_stats_build(st, &catalog, &munis, &q, &s, err);
    }
    if (!rc)
        mb_xchg_export_statistics(&s, rows, summary);
    mb_stats_release(&s);
    mb_municipalities_release(&munis);
    mb_catalog_release(&catalog);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    const char *db = NULL, *format = NULL, *out = NULL, *what_s = NULL, *org = NULL,
               *year_s = NULL, *lang_s = NULL;
    const char *munis_arg[MAX_MUNIS];
    size_t nmunis = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        const char *v;
        if ((m = cli_opt_value(argc, argv, &i, "--db", &db, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "--format", &format, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "--org", &org, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "--year", &year_s, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "--lang", &lang_s, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &out, "export"))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--municipality", &v, "export"))) {
            if (m < 0)
                return EXIT_USAGE;
            if (nmunis == MAX_MUNIS)
                return cli_usage("export", "at most %d --municipality options", MAX_MUNIS);
            munis_arg[nmunis++] = v;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("export", "unknown option '%s'", argv[i]);
        if (what_s)
            return cli_usage("export", "one table at a time: '%s' and '%s'", what_s, argv[i]);
        what_s = argv[i];
    }
    if (!db)
        return cli_usage("export", "--db FILE is required");
    if (!what_s)
        return cli_usage("export", "say what to export: listings, facilities, deliveries "
                         "or statistics");
    int what = -1;
    for (int w = 0; w < W_COUNT; w++)
        if (strcmp(what_s, what_names[w]) == 0)
            what = w;
    if (what < 0)
        return cli_usage("export", "'%s' is not a table; use listings, facilities, "
                         "deliveries or statistics", what_s);
    if (!format)
        return cli_usage("export", "--format csv, xlsx or geojson is required");
    int fmt = mb_xchg_format_parse(format);
    if (fmt < 0)
        return cli_usage("export", "--format '%s' is not csv, xlsx or geojson", format);
    if (what == W_STATISTICS && fmt == MB_XCHG_GEOJSON)
        return cli_usage("export", "statistics have no positions: use --format csv or xlsx");
    int lang = mb_xchg_lang_parse(lang_s);
    if (lang < 0)
        return cli_usage("export", "--lang takes nb or en (headers and names for people), "
                         "not '%s'", lang_s);
    int64_t org_id = 0;
    if (org && parse_id(org, &org_id) != 0)
        return cli_usage("export", "--org takes an organisation id (a whole number "
                         "above 0), not '%s'", org);
    if (org && what == W_STATISTICS)
        return cli_usage("export", "statistics cover every organisation; --org does not "
                         "apply (use --municipality for a region)");
    if (nmunis && what != W_STATISTICS)
        return cli_usage("export", "--municipality applies to statistics only");
    int year = 0;
    if (year_s) {
        if (what == W_LISTINGS || what == W_FACILITIES)
            return cli_usage("export", "--year applies to deliveries and statistics");
        char *end;
        errno = 0;
        long y = strtol(year_s, &end, 10);
        if (errno || end == year_s || *end || strlen(year_s) != 4 || y < 1900 || y > 2200)
            return cli_usage("export", "--year takes a year (YYYY, 1900-2200), not '%s'",
                             year_s);
        year = (int)y;
    }

    struct mb_error err;
    mb_error_clear(&err);
    struct mb_store *st = NULL;
    if (cli_open_db(db, &st, &err))
        return cli_fail(&err);
    struct mb_org o;
    if (org_id && mb_store_org_get(st, org_id, &o, &err) != 0) {
        if (err.code == MB_ENOTFOUND)
            mb_error_set(&err, MB_ENOTFOUND, "--org", "no organisation with id %s", org);
        mb_store_close(st);
        return cli_fail(&err);
    }
    struct mb_xchg_table t, summary;
    bool has_summary = false;
    struct mb_xchg_scope scope = { org_id };
    struct mb_xchg_load_scope lscope = { org_id, year };
    int rc;
    switch (what) {
    case W_LISTINGS:
        rc = mb_xchg_export_listings(st, &scope, &t, &err);
        break;
    case W_FACILITIES:
        rc = mb_xchg_export_facilities(st, &scope, &t, &err);
        break;
    case W_DELIVERIES:
        rc = mb_xchg_export_deliveries(st, &lscope, &t, &err);
        break;
    default:
        /* CSV holds one table: the rows; a workbook gets the summary too. */
        has_summary = fmt == MB_XCHG_XLSX;
        rc = statistics(st, year, munis_arg, nmunis, &t, has_summary ? &summary : NULL,
                        &err);
        break;
    }
    mb_store_close(st);
    if (rc)
        return cli_fail(&err);
    struct mb_catalog cat;
    bool have_cat = mb_catalog_init(&cat, &err) == 0;
    mb_xchg_name_cells(&t, (enum mb_xchg_lang)lang, have_cat ? &cat : NULL);
    if (has_summary)
        mb_xchg_name_cells(&summary, (enum mb_xchg_lang)lang, have_cat ? &cat : NULL);
    if (have_cat)
        mb_catalog_release(&cat);
    const struct mb_xchg_table *tabs[] = { &t, &summary };
    char *data = NULL;
    size_t len = 0;
    rc = mb_xchg_write(tabs, has_summary ? 2 : 1, (enum mb_xchg_format)fmt, &data, &len,
                       &err);
    size_t rows = t.nrows;
    mb_xchg_table_release(&t);
    if (has_summary)
        mb_xchg_table_release(&summary);
    if (rc == 0)
        rc = cli_write_output(out, data, len, &err);
    free(data);
    if (rc)
        return cli_fail(&err);
    if (out && strcmp(out, "-") != 0)
        fprintf(stderr, "massebank: wrote %zu %s%s to %s\n", rows,
                what == W_STATISTICS ? "rows of " : "", what_s, out);
    return 0;
}
