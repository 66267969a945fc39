/*
 * cmd_export.c - `massebank export`: the market's listings or facilities
 * from a database as CSV, XLSX or GeoJSON (src/exchange). The whole file
 * is built in memory and written atomically, so a failed export leaves no
 * partial file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/strbuf.h"
#include "exchange/csvout.h"
#include "exchange/export.h"
#include "exchange/geojson.h"
#include "exchange/xlsxout.h"
#include "store/store.h"

int cli_open_db(const char *path, struct mb_store **st, struct mb_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return mb_error_set(err, MB_EIO, "--db", "cannot open %s: %s", path,
                            strerror(errno));
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

int cmd_export(int argc, char **argv)
{
    const char *db = NULL, *format = NULL, *out = NULL, *what = NULL, *org = NULL;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--db", &db, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "--format", &format, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "--org", &org, "export")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &out, "export"))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage("export", "unknown option '%s'", argv[i]);
        if (what)
            return cli_usage("export", "one table at a time: '%s' and '%s'", what, argv[i]);
        what = argv[i];
    }
    if (!db)
        return cli_usage("export", "--db FILE is required");
    if (!what)
        return cli_usage("export", "say what to export: listings or facilities");
    bool listings = strcmp(what, "listings") == 0;
    if (!listings && strcmp(what, "facilities") != 0)
        return cli_usage("export", "'%s' is not a table; use listings or facilities", what);
    if (!format)
        return cli_usage("export", "--format csv, xlsx or geojson is required");
    if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 &&
        strcmp(format, "geojson") != 0)
        return cli_usage("export", "--format '%s' is not csv, xlsx or geojson", format);
    struct mb_xchg_scope scope = { 0 };
    if (org && parse_id(org, &scope.org_id) != 0)
        return cli_usage("export", "--org takes an organisation id (a whole number "
                         "above 0), not '%s'", org);

    struct mb_error err;
    mb_error_clear(&err);
    struct mb_store *st = NULL;
    if (cli_open_db(db, &st, &err))
        return cli_fail(&err);
    struct mb_org o;
    if (scope.org_id && mb_store_org_get(st, scope.org_id, &o, &err) != 0) {
        if (err.code == MB_ENOTFOUND)
            mb_error_set(&err, MB_ENOTFOUND, "--org", "no organisation with id %s", org);
        mb_store_close(st);
        return cli_fail(&err);
    }
    struct mb_xchg_table t;
    int rc = listings ? mb_xchg_export_listings(st, &scope, &t, &err)
                      : mb_xchg_export_facilities(st, &scope, &t, &err);
    mb_store_close(st);
    if (rc)
        return cli_fail(&err);
    char *data = NULL;
    size_t len = 0;
    if (strcmp(format, "csv") == 0) {
        struct mb_strbuf b = { 0 };
        mb_xchg_csv_write(&t, &b);
        len = b.len;
        data = mb_strbuf_take(&b);
    } else if (strcmp(format, "xlsx") == 0) {
        const struct mb_xchg_table *tabs[] = { &t };
        rc = mb_xchg_xlsx_write(tabs, 1, &data, &len, &err);
    } else {
        json_t *j = mb_xchg_geojson(&t, &err);
        if (!j) {
            rc = err.code;
        } else {
            data = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
            json_decref(j);
            len = strlen(data);
        }
    }
    size_t rows = t.nrows;
    mb_xchg_table_release(&t);
    if (rc == 0)
        rc = cli_write_output(out, data, len, &err);
    free(data);
    if (rc)
        return cli_fail(&err);
    if (out && strcmp(out, "-") != 0)
        fprintf(stderr, "massebank: wrote %zu %s to %s\n", rows, what, out);
    return 0;
}
