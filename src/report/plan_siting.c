/*
 * plan_siting.c - the siting question of a regional plan request (see
 * plan_siting.h): the request's candidates are read by the candidates
 * file's own reader (mb_candidates_parse), wrapped as a file, so a
 * request and a file are refused in the same words under the same paths.
 */
#include "report/plan_siting.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "market/market.h"
#include "plan/scenario.h"
#include "plan/siting.h"

/* The request's candidates as a candidates file's text (malloc'ed). */
static char *as_file(json_t *cands)
{
    json_t *f = json_pack("{s:s,s:O}", "format", "massebank-candidates/1", "candidates", cands);
    char *text = mb_xjson_dumps(f, JSON_COMPACT);
    json_decref(f);
    return text;
}

/* max_open as given, or the number of candidates; -1 if not a whole
 * number 1 to n (a problem added). */
static long max_open(json_t *req, size_t n, struct mb_problems *p)
{
    json_t *k = json_object_get(req, "max_open");
    if (!k)
        return (long)n;
    if (!json_is_integer(k) || json_integer_value(k) < 1 ||
        (size_t)json_integer_value(k) > n) {
        mb_problems_add(p, "max_open", "must be a whole number from 1 to %zu, the number of "
                        "candidates", n);
        return -1;
    }
    return (long)json_integer_value(k);
}

size_t mb_report_siting_check(json_t *req, struct mb_problems *p)
{
    memset(p, 0, sizeof *p);
    json_t *cands = json_object_get(req, "candidates");
    if (!cands) {
        if (json_object_get(req, "max_open"))
            mb_problems_add(p, "max_open", "is for candidates: give them too");
        return p->n;
    }
    const char *objective = json_string_value(json_object_get(req, "objective"));
    if (objective && strcmp(objective, "cost") != 0)
        mb_problems_add(p, "objective", "must be cost when candidates are given: the choice "
                        "of sites weighs money with CO2 at its price");
    if (!json_is_array(cands)) {
        mb_problems_add(p, "candidates", "must be a list of 1 to %d candidate sites", 60);
        return p->n;
    }
    /* A candidate may not take an id of the region's own form, which the
     * job would only find clashing once it runs. */
    size_t ci;
    json_t *e;
    json_array_foreach(cands, ci, e) {
        const char *id = json_string_value(json_object_get(e, "id"));
        if (mb_market_region_id_form(id)) {
            char path[48];
            snprintf(path, sizeof path, "candidates[%zu].id", ci);
            mb_problems_add(p, path, "'%.60s' is the form of the region's own site ids (L or "
                            "F and a number): choose another", id);
        }
    }
    /* A scenario of the request's horizon with one site no candidate can
     * be (region ids are L or F and a number from 1). */
    const char *from = json_string_value(json_object_get(req, "from"));
    const char *to = json_string_value(json_object_get(req, "to"));
    json_t *scn = json_pack("{s:s,s:{s:s,s:s},s:[{s:s,s:s,s:s,s:[s]}]}", "format",
                            MB_SCENARIO_FORMAT, "horizon", "from", from ? from : "2026-01",
                            "to", to ? to : "2026-12", "sites", "id", "F0", "kind", "quarry",
                            "municipality", "5001", "offers", "*");
    char *stext = mb_xjson_dumps(scn, JSON_COMPACT);
    json_decref(scn);
    char *ctext = as_file(cands);
    struct mb_candidates c;
    struct mb_problems q;
    if (mb_candidates_parse(&c, stext, strlen(stext), ctext, strlen(ctext), &q) == 0) {
        max_open(req, c.n, p);
        mb_candidates_release(&c);
    }
    for (size_t i = 0; i < q.n; i++) {
        p->items = mb_xgrow(p->items, &p->cap, p->n + 1, sizeof *p->items);
        p->items[p->n++] = q.items[i];
    }
    q.n = 0;
    mb_problems_release(&q);
    free(ctext);
    free(stext);
    return p->n;
}

int mb_report_siting_run(const char *scenario, json_t *req, json_t **section,
                         struct mb_error *err)
{
    *section = NULL;
    json_t *cands = json_object_get(req, "candidates");
    if (!cands)
        return 0;
    char *ctext = as_file(cands);
    size_t slen = strlen(scenario);
    struct mb_candidates c;
    struct mb_problems q;
    int rc = mb_candidates_parse(&c, scenario, slen, ctext, strlen(ctext), &q);
    free(ctext);
    if (rc) {
        rc = mb_error_set(err, MB_EINVAL, q.n ? q.items[0].path : "candidates",
                          "the candidates do not fit the region: %s: %s",
                          q.n ? q.items[0].path : "", q.n ? q.items[0].message : "");
        mb_problems_release(&q);
        return rc;
    }
    mb_problems_release(&q);
    long k = max_open(req, c.n, &q);
    mb_problems_release(&q);
    struct mb_siting r;
    double gap;
    if (k < 1)
        rc = mb_error_set(err, MB_EINVAL, "max_open", "must be a whole number from 1 to %zu, "
                          "the number of candidates", c.n);
    else if ((rc = mb_siting_mip(scenario, slen, &c, (int)k, MB_REPORT_SITING_SECONDS, &r,
                                 &gap, err)) == 0) {
        if ((rc = mb_siting_ranges(scenario, slen, &c, MB_REPORT_SITING_DRAWS, 0, &r, err)) == 0)
            *section = mb_siting_json(&c, &r);
        mb_siting_release(&r);
    }
    mb_candidates_release(&c);
    return rc;
}
