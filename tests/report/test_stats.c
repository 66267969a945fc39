/*
 * test_stats.c - statistics per municipality, year, material and
 * destination kind from a seeded set of loads, against totals worked out
 * by hand in the comments.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/loads_fixture.h"
#include "report/stats.h"

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-6, "%s = %.9g, expected %.9g", #a, (double)(a), (double)(b))

TestSuite(stats, .init = loads_seed, .fini = loads_teardown);

Test(stats, year_by_municipality_and_destination)
{
    struct mb_stats s;
    struct mb_stats_query q = { .year = 2026 };
    struct mb_error err;
    cr_assert_eq(mb_stats_build(st, &catalog, &munis, &q, &s, &err), 0, "%s", err.message);
    cr_assert_eq(s.nmunis, 2);
    const struct mb_stats_muni *trd = &s.munis[0], *mel = &s.munis[1];
    cr_assert_str_eq(trd->municipality, "5001");
    cr_assert_str_eq(trd->name, "Trondheim");
    NEAR(trd->t[MB_DEST_LANDFILL], 60);
    NEAR(trd->t[MB_DEST_REUSE], 60);
    NEAR(trd->t[MB_DEST_SOIL], 0);
    NEAR(trd->total_t, 120);
    cr_assert_eq(trd->loads, 5);
    cr_assert_str_eq(mel->municipality, "5028");
    cr_assert_str_eq(mel->name, "Melhus");
    NEAR(mel->t[MB_DEST_SOIL], 40);
    NEAR(mel->t[MB_DEST_PLANT], 50);
    NEAR(mel->total_t, 90);
    cr_assert_eq(mel->loads, 2);
    NEAR(s.total.total_t, 210);
    cr_assert_eq(s.total.loads, 7);
    /* Solid m3 by each material's density. */
    double rock = mb_catalog_find(&catalog, "rock.blasted")->density;
    double clay = mb_catalog_find(&catalog, "soil.clay")->density;
    NEAR(trd->fm3[MB_DEST_LANDFILL], 60 / rock);
    NEAR(mel->total_fm3, 90 / clay);
    NEAR(s.total.total_fm3, 120 / rock + 90 / clay);
    /* Rows: 5001 rock landfill, 5001 rock reuse, 5028 clay soil, 5028 clay plant. */
    cr_assert_eq(s.nrows, 4);
    cr_assert_eq(s.rows[0].dest, MB_DEST_LANDFILL);
    cr_assert_eq(s.rows[0].loads, 3);
    cr_assert_str_eq(s.rows[0].material, "rock.blasted");
    cr_assert_eq(s.rows[1].dest, MB_DEST_REUSE);
    cr_assert_eq(s.rows[2].dest, MB_DEST_SOIL);
    cr_assert_eq(s.rows[3].dest, MB_DEST_PLANT);
    mb_stats_release(&s);
}

Test(stats, new_year_night_counts_in_the_norwegian_year)
{
    cr_assert_eq(mb_stats_year(NEW_YEAR_NIGHT), 2027);
    cr_assert_eq(mb_stats_year(NEW_YEAR_NIGHT - 3600), 2026);
    struct mb_stats s;
    struct mb_stats_query q = { .year = 2027 };
    struct mb_error err;
    cr_assert_eq(mb_stats_build(st, &catalog, &munis, &q, &s, &err), 0, "%s", err.message);
    cr_assert_eq(s.nmunis, 1);
    NEAR(s.munis[0].t[MB_DEST_REUSE], 30);
    NEAR(s.total.total_t, 30);
    mb_stats_release(&s);
}

Test(stats, every_year_and_a_region)
{
    struct mb_stats s;
    struct mb_stats_query q = { 0 };
    struct mb_error err;
    cr_assert_eq(mb_stats_build(st, &catalog, &munis, &q, &s, &err), 0, "%s", err.message);
    NEAR(s.total.total_t, 240);
    NEAR(s.munis[0].t[MB_DEST_REUSE], 90);
    /* One row per year: reuse in 2026 and in 2027 stay apart. */
    cr_assert_eq(s.nrows, 5);
    mb_stats_release(&s);

    const char *const region[] = { "5028", "5035" };
    q.municipalities = region;
    q.nmunicipalities = 2;
    cr_assert_eq(mb_stats_build(st, &catalog, &munis, &q, &s, &err), 0, "%s", err.message);
    cr_assert_eq(s.nmunis, 1);
    cr_assert_str_eq(s.munis[0].municipality, "5028");
    NEAR(s.total.total_t, 90);
    mb_stats_release(&s);
}
