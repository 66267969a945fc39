/*
 * scenario.c - fuzz target: a planning scenario document
 * (massebank-scenario/1, docs/scenario-format.md) through mb_scenario_parse.
 *
 * The contract (plan/scenario.h): 0 with no problem and a scenario whose
 * months, materials and sites are normalised, or MB_EINVAL with at least
 * one problem and nothing returned. On success the target reads what a
 * plan reads first (distances, yearly capacities, transport rates), so a
 * scenario that parses but holds an index or month out of range shows up
 * under AddressSanitizer here rather than in the LP.
 */
#include "fuzz.h"

#include <math.h>

#include "domain/month.h"
#include "plan/scenario.h"

static bool material_ok(const struct mb_scenario *s, int m)
{
    return m >= 0 && (size_t)m < s->catalog.n;
}

static void check(const struct mb_scenario *s)
{
    if (s->from > s->to)
        fuzz_fail("scenario: the horizon ends before it starts", NULL);
    for (size_t i = 0; i < s->nsites; i++) {
        const struct mb_site *x = &s->sites[i];
        if (x->kind == MB_SITE_SOURCE && !material_ok(s, x->material))
            fuzz_fail("scenario: a source's material is outside the catalog", NULL);
        for (size_t k = 0; k < x->nyields; k++)
            if (!material_ok(s, x->yields[k].material))
                fuzz_fail("scenario: a yield's material is outside the catalog", NULL);
        /* accepts has one flag per catalog material: read them all. */
        size_t taken = 0;
        for (size_t k = 0; x->accepts && k < s->catalog.n; k++)
            taken += x->accepts[k];
        if (taken > s->catalog.n)
            fuzz_fail("scenario: impossible count of accepted materials", NULL);
        if (x->kind == MB_SITE_LANDFILL || x->kind == MB_SITE_QUARRY)
            for (int y = mb_month_year(s->from); y <= mb_month_year(s->to); y++)
                (void)mb_site_year_capacity(s, x, y);
        /* Every site against the first and the last: explicit distances
         * are looked up, the rest computed. */
        double a = mb_scenario_km(s, 0, i), b = mb_scenario_km(s, i, s->nsites - 1);
        if (isnan(a) || isnan(b))
            fuzz_fail("scenario: a distance is NaN", NULL);
    }
    for (size_t d = 0; d < s->ndistances; d++)
        if (s->distances[d].a >= s->nsites || s->distances[d].b >= s->nsites)
            fuzz_fail("scenario: a distance names a site that is not there", NULL);
    double x[MB_F_COUNT];
    mb_factors_central(&s->factors, x);
    struct mb_rates r;
    mb_transport_rates(s, x, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mb_scenario s;
    struct mb_problems p;
    int rc = mb_scenario_parse(&s, (const char *)data, size, &p);
    if (rc == 0) {
        if (p.n != 0)
            fuzz_fail("scenario: success with problems", NULL);
        check(&s);
        mb_scenario_release(&s);
    } else if (rc != MB_EINVAL || p.n == 0) {
        fuzz_fail("scenario: refused without a problem, or not with MB_EINVAL", NULL);
    }
    mb_problems_release(&p);
    return 0;
}
