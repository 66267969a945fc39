/*
 * test_boundary.c - the municipality of a position: point in polygon on
 * Kartverket's 2024 boundaries, the tolerances near boundaries and at
 * sea, and property numbers.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "domain/boundary.h"
#include "market/places.h"

static const struct mb_boundaries *b;

static void setup(void)
{
    struct mb_error err;
    b = mb_boundaries_shared(&err);
    cr_assert_not_null(b, "%s", err.message);
}

TestSuite(boundary, .init = setup);

static const char *at(double lat, double lon)
{
    int i = mb_boundaries_locate(b, (struct mb_point){ lat, lon });
    return i < 0 ? "" : b->areas[i].code;
}

Test(boundary, known_places)
{
    cr_assert_eq(b->nareas, 357);
    cr_assert_str_eq(at(63.4305, 10.3951), "5001"); /* Trondheim torg */
    cr_assert_str_eq(at(59.9139, 10.7522), "0301"); /* Oslo sentrum */
    cr_assert_str_eq(at(59.8906, 10.5227), "3201"); /* Sandvika */
    cr_assert_str_eq(at(59.8330, 10.4350), "3203"); /* Asker */
    cr_assert_str_eq(at(62.5747, 11.3842), "5025"); /* Røros */
    cr_assert_str_eq(at(69.6496, 18.9560), "5501"); /* Tromsø */
    cr_assert_str_eq(at(63.2850, 10.2780), "5028"); /* Melhus */
    cr_assert_str_eq(at(58.1467, 7.9956), "4204");  /* Kristiansand */
    cr_assert_str_eq(at(60.3913, 5.3221), "4601");  /* Bergen */
    /* Stockholm lies in Norway's box, in no Norwegian municipality */
    cr_assert_str_eq(at(59.33, 18.06), "");
    cr_assert_str_eq(at(NAN, 10), "");
    cr_assert_str_eq(at(80, 10), "");
}

/* Every municipality's interior point lies in it; the index answers as a
 * plain ray cast over every edge would. */
Test(boundary, interior_points_and_brute_force)
{
    for (size_t i = 0; i < b->nareas; i++)
        cr_assert_eq(mb_boundaries_locate(b, b->areas[i].point), (int)i, "%s %s",
                     b->areas[i].code, b->areas[i].name);
    /* a grid over southern Norway against a scan of all edges */
    for (double lat = 58.0; lat < 64.0; lat += 0.37)
        for (double lon = 5.0; lon < 12.0; lon += 0.41) {
            int found = mb_boundaries_locate(b, (struct mb_point){ lat, lon });
            /* brute force: parity per area over every edge */
            int hits = 0, which = -1;
            for (size_t a = 0; a < b->nareas; a++) {
                int odd = mb_boundaries_distance_km(b, (int)a, (struct mb_point){ lat, lon },
                                                    0) == 0;
                if (odd) {
                    hits++;
                    which = (int)a;
                }
            }
            cr_assert_leq(hits, 1);
            cr_assert_eq(found, which, "%.2f %.2f", lat, lon);
        }
}

Test(boundary, distance_and_nearest)
{
    int trd = mb_boundaries_find(b, "5001"), mel = mb_boundaries_find(b, "5028");
    cr_assert_geq(trd, 0);
    cr_assert_geq(mel, 0);
    cr_assert_eq(mb_boundaries_find(b, "9999"), -1);
    struct mb_point torg = { 63.4305, 10.3951 };
    cr_assert_eq(mb_boundaries_distance_km(b, trd, torg, 1), 0);
    /* Melhus's boundary lies some km south of the city centre */
    double d = mb_boundaries_distance_km(b, mel, torg, 50);
    cr_assert(d > 5 && d < 25, "%f", d);
    cr_assert(mb_boundaries_distance_km(b, mel, torg, 1) > 1);
    /* at sea off Ladehammeren: Trondheim is nearest */
    double km;
    struct mb_point fjord = { 63.455, 10.43 };
    cr_assert_eq(mb_boundaries_locate(b, fjord), -1);
    cr_assert_eq(mb_boundaries_nearest(b, fjord, 5, &km), trd);
    cr_assert(km > 0 && km < 5, "%f", km);
    cr_assert_eq(mb_boundaries_nearest(b, (struct mb_point){ 59.33, 18.06 }, 5, &km), -1);
}

/* Walk south from Trondheim until the position lies in Melhus: just
 * before the boundary, Melhus is accepted (within the tolerance), and
 * far from it refused with both named. */
Test(boundary, named_municipality_tolerance)
{
    struct mb_point p = { 63.40, 10.33 }, last = p;
    while (strcmp(at(p.lat, p.lon), "5001") == 0) {
        last = p;
        p.lat -= 0.0005;
    }
    cr_assert_str_eq(at(p.lat, p.lon), "5028");
    char code[5];
    struct mb_error err;
    cr_assert_eq(mb_place_municipality(b, last, "5028", code, "municipality", &err), 0,
                 "%s", err.message);
    cr_assert_str_eq(code, "5028");
    cr_assert_eq(mb_place_municipality(b, last, NULL, code, "municipality", &err), 0);
    cr_assert_str_eq(code, "5001");
    struct mb_point torg = { 63.4305, 10.3951 };
    cr_assert_eq(mb_place_municipality(b, torg, "5028", code, "municipality", &err),
                 MB_EINVAL);
    cr_assert_str_eq(err.field, "municipality");
    cr_assert(strstr(err.message, "5001 Trondheim - Tråante"), "%s", err.message);
    cr_assert(strstr(err.message, "not in 5028 Melhus"), "%s", err.message);
    /* at sea: the named one within 3 km, not beyond */
    struct mb_point fjord = { 63.455, 10.43 };
    cr_assert_eq(mb_place_municipality(b, fjord, "5001", code, "m", &err), 0);
    cr_assert_eq(mb_place_municipality(b, fjord, "0301", code, "m", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "outside every Norwegian municipality"), "%s", err.message);
    /* abroad without a name: no municipality, no error */
    cr_assert_eq(mb_place_municipality(b, (struct mb_point){ 59.33, 18.06 }, NULL, code, "m",
                                       &err), 0);
    cr_assert_str_eq(code, "");
}

Test(boundary, property_numbers)
{
    char out[32], k[5];
    struct mb_error err;
    cr_assert_eq(mb_property_parse("5001-414/3", out, k, "property", &err), 0);
    cr_assert_str_eq(out, "5001-414/3");
    cr_assert_str_eq(k, "5001");
    cr_assert_eq(mb_property_parse("0301-0207/0012/0/4", out, k, "property", &err), 0);
    cr_assert_str_eq(out, "0301-207/12/0/4");
    static const char *const bad[] = { "", "5001", "5001-", "5001-414", "5001-414/",
                                       "5001-0/3", "5001-414/0", "5001-414/3/", "5001-1/2/3/4/5",
                                       "5001-123456/1", "5001 414/3", "5001-414/3x",
                                       "9999-1/1", "abcd-1/1", NULL };
    for (const char *const *s = bad; *s; s++) {
        cr_assert_eq(mb_property_parse(*s, out, k, "property", &err), MB_EINVAL, "%s", *s);
        cr_assert_str_eq(err.field, "property");
    }
}
