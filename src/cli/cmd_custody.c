/*
 * cmd_custody.c - `massebank custody`: where a listing's masses went (its
 * loads, totals per destination and onward custody through storage and
 * plants) or, with --balance, its planned amount against what was
 * delivered; as JSON, the same document the API's
 * /api/listings/{id}/custody and /balance give its owner.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "market/custody.h"
#include "market/listing.h"

int cmd_custody(int argc, char **argv)
{
    const char *db = NULL, *out = NULL, *id = NULL;
    bool balance = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--db", &db, "custody")) ||
            (m = cli_opt_value(argc, argv, &i, "--listing", &id, "custody")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &out, "custody"))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (strcmp(argv[i], "--balance") == 0) {
            balance = true;
            continue;
        }
        return cli_usage("custody", "unknown argument '%s'", argv[i]);
    }
    if (!db)
        return cli_usage("custody", "--db FILE is required");
    if (!id)
        return cli_usage("custody", "--listing ID is required");
    char *end;
    errno = 0;
    long long v = strtoll(id, &end, 10);
    if (errno || end == id || *end || v <= 0)
        return cli_usage("custody", "--listing takes a listing id (a whole number above 0), "
                         "not '%s'", id);
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_store *st = NULL;
    int rc = cli_open_db(db, &st, &err);
    if (rc)
        return cli_fail(&err);
    struct mb_site_rec listing;
    json_t *doc = NULL;
    /* The command line is the system: it sees every load of the listing. */
    rc = mb_store_site_get(st, v, &listing, &err);
    if (rc == 0) {
        if (mb_listing_family(listing.type) != MB_FAMILY_LISTING)
            rc = mb_error_set(&err, MB_ENOTFOUND, "--listing", "site %lld is a facility, not "
                              "a listing", v);
        else
            rc = balance ? mb_custody_balance_json(st, NULL, &listing, &doc, &err)
                         : mb_custody_json(st, NULL, &listing, &doc, &err);
        mb_site_rec_release(&listing);
    } else if (rc == MB_ENOTFOUND) {
        mb_error_set(&err, MB_ENOTFOUND, "--listing", "no listing %lld in %s", v, db);
    }
    mb_store_close(st);
    if (rc)
        return cli_fail(&err);
    char *text = mb_xjson_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(doc);
    size_t len = strlen(text);
    char *line = mb_xmalloc(len + 2);
    memcpy(line, text, len);
    memcpy(line + len, "\n", 2);
    free(text);
    rc = cli_write_output(out, line, len + 1, &err);
    free(line);
    return rc ? cli_fail(&err) : 0;
}
