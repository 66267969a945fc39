/*
 * cmd_mhp.c - `massebank mhp`: the mass handling plan of a project (a set
 * of one organisation's listings) as HTML or PDF (src/report). The file
 * is built in memory and written atomically.
 */
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/strbuf.h"
#include "report/rdoc.h"
#include "report/rdoc_html.h"
#include "report/mhp.h"
#include "report/rdoc_pdf.h"

int cmd_mhp(int argc, char **argv)
{
    const char *db = NULL, *format = NULL, *out = NULL, *name = NULL, *lang = "nb";
    int64_t ids[MB_MHP_MAX_LISTINGS];
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        const char *id = NULL;
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--db", &db, "mhp")) ||
            (m = cli_opt_value(argc, argv, &i, "--format", &format, "mhp")) ||
            (m = cli_opt_value(argc, argv, &i, "--name", &name, "mhp")) ||
            (m = cli_opt_value(argc, argv, &i, "--lang", &lang, "mhp")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &out, "mhp"))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--listing", &id, "mhp")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            char *end;
            errno = 0;
            long long v = strtoll(id, &end, 10);
            if (errno || end == id || *end || v <= 0)
                return cli_usage("mhp", "--listing takes a listing id (a whole number above "
                                 "0), not '%s'", id);
            if (n == MB_MHP_MAX_LISTINGS)
                return cli_usage("mhp", "at most %d listings in one plan",
                                 MB_MHP_MAX_LISTINGS);
            ids[n++] = v;
            continue;
        }
        return cli_usage("mhp", "unknown argument '%s'", argv[i]);
    }
    if (!db)
        return cli_usage("mhp", "--db FILE is required");
    if (n == 0)
        return cli_usage("mhp", "give the project's listings with --listing ID (repeat it)");
    if (!format || (strcmp(format, "html") != 0 && strcmp(format, "pdf") != 0))
        return cli_usage("mhp", "--format html or pdf is required");
    if (!out)
        return cli_usage("mhp", "-o FILE is required");
    if (strcmp(lang, "nb") != 0 && strcmp(lang, "en") != 0)
        return cli_usage("mhp", "--lang is nb (bokmål) or en, not '%s'", lang);
    if (name && strlen(name) > 150)
        return cli_usage("mhp", "--name is at most 150 bytes");

    struct mb_error err;
    mb_error_clear(&err);
    struct mb_market m;
    if (mb_market_init(&m, &err))
        return cli_fail(&err);
    struct mb_store *st = NULL;
    struct mb_mhp plan;
    int rc = cli_open_db(db, &st, &err);
    if (rc == 0) {
        rc = mb_mhp_build(st, &m, ids, n, name, &plan, &err);
        mb_store_close(st);
    }
    if (rc) {
        mb_market_release(&m);
        return cli_fail(&err);
    }
    char today[16];
    mb_rdoc_today(today, sizeof today);
    struct mb_rdoc doc;
    mb_mhp_document(&plan, &m, lang, today, &doc);
    mb_mhp_release(&plan);
    mb_market_release(&m);
    char *data = NULL;
    size_t len = 0;
    if (strcmp(format, "html") == 0) {
        struct mb_strbuf b = { 0 };
        mb_rdoc_html(&doc, &b);
        len = b.len;
        data = mb_strbuf_take(&b);
    } else {
        rc = mb_rdoc_pdf(&doc, &data, &len, &err);
    }
    mb_rdoc_release(&doc);
    /* cairo keeps font caches for the life of the process; give them back
     * so a leak checker sees only our own memory. */
    cairo_debug_reset_static_data();
    if (rc == 0)
        rc = cli_write_output(out, data, len, &err);
    free(data);
    return rc ? cli_fail(&err) : 0;
}
