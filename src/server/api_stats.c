/*
 * api_stats.c - GET /api/stats: amounts per municipality, year, material
 * and destination kind from confirmed loads (report/stats.h), for the
 * authorities (municipality and administrator roles). Query: `year`
 * (YYYY, optional) and `municipalities` (comma-separated codes or names,
 * optional: every municipality).
 */
#include <stdio.h>
#include <string.h>

#include "report/stats.h"
#include "server/api_util.h"
#include "server/srv.h"

#define MAX_MUNIS 64

/* Parse the query into *q (codes point into the shared municipality table).
 * 0, or -1 with the 400 reply set. */
static int stats_query(struct mb_req *r, const struct mb_municipalities *munis,
                       struct mb_stats_query *q, const char **codes, size_t max_codes)
{
    const char *v;
    memset(q, 0, sizeof *q);
    if ((v = mb_req_query(r, "year"))) {
        int64_t y;
        if (strlen(v) != 4 || !mb_parse_i64(v, &y) || y < 1900 || y > 2200) {
            mb_reply_error(r, 400, "invalid", "year", "'%s' is not a year (YYYY, 1900-2200)", v);
            return -1;
        }
        q->year = (int)y;
    }
    if ((v = mb_req_query(r, "municipalities"))) {
        const char *p = v;
        size_t n = 0;
        while (*p) {
            const char *end = strchr(p, ',');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            char key[64];
            if (len == 0 || len >= sizeof key) {
                mb_reply_error(r, 400, "invalid", "municipalities",
                               "give municipality codes or names separated by commas");
                return -1;
            }
            memcpy(key, p, len);
            key[len] = '\0';
            const struct mb_municipality *mu = mb_municipality_find(munis, key);
            if (!mu) {
                mb_reply_error(r, 400, "invalid", "municipalities",
                               "'%s' is not a Norwegian municipality (code or name)", key);
                return -1;
            }
            if (n == max_codes) {
                mb_reply_error(r, 400, "invalid", "municipalities",
                               "at most %zu municipalities", max_codes);
                return -1;
            }
            codes[n++] = mu->code;
            p += len;
            if (*p == ',')
                p++;
            if (end && !*p) {
                mb_reply_error(r, 400, "invalid", "municipalities",
                               "give municipality codes or names separated by commas");
                return -1;
            }
        }
        q->municipalities = codes;
        q->nmunicipalities = n;
    }
    return 0;
}

int mb_api_stats_load(struct mb_req *r, struct mb_stats *s, int *year)
{
    struct mb_error err;
    mb_error_clear(&err);
    const struct mb_municipalities *munis = mb_scenario_municipalities(&err);
    if (!munis) {
        mb_reply_mb_error(r, &err);
        return -1;
    }
    const char *codes[MAX_MUNIS];
    struct mb_stats_query q;
    if (stats_query(r, munis, &q, codes, MAX_MUNIS))
        return -1;
    if (mb_stats_build(r->st, &r->srv->market.catalog, munis, &q, s, &err)) {
        mb_reply_mb_error(r, &err);
        return -1;
    }
    *year = q.year;
    return 0;
}

void mb_api_stats(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const allowed[] = { "year", "municipalities", NULL };
    if (mb_req_check_query(r, allowed))
        return;
    if (!mb_req_signed_in(r) ||
        !mb_api_require(r, MB_ACT_OVERSEE))
        return;
    struct mb_stats s;
    int year;
    if (mb_api_stats_load(r, &s, &year))
        return;
    mb_reply_json(r, 200, mb_stats_json(&s, year));
    mb_stats_release(&s);
}
