/*
 * test_geo.c - WGS84 <-> EUREF89 UTM through PROJ, EPSG codes, Norway's
 * extent (and what its error says), and great-circle distances, against
 * reference values.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "domain/geo.h"

static struct mb_geo *g;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_geo_new(&g, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    mb_geo_free(g);
}

TestSuite(geo, .init = setup, .fini = teardown);

Test(geo, utm_central_meridian_is_500000)
{
    /* On a zone's central meridian the easting is 500 000 m by definition,
     * and at the equator the northing is 0: an independent check of PROJ's
     * set-up (zone 32: 9 E, zone 33: 15 E, zone 35: 27 E). */
    double e, n;
    struct mb_error err;
    struct mb_point p = { 63.0, 9.0 };
    cr_assert_eq(mb_geo_to_utm(g, 25832, p, &e, &n, &err), 0, "%s", err.message);
    cr_assert_float_eq(e, 500000.0, 1e-3);
    p.lon = 15.0;
    cr_assert_eq(mb_geo_to_utm(g, 25833, p, &e, &n, &err), 0);
    cr_assert_float_eq(e, 500000.0, 1e-3);
    p.lon = 27.0;
    cr_assert_eq(mb_geo_to_utm(g, 25835, p, &e, &n, &err), 0);
    cr_assert_float_eq(e, 500000.0, 1e-3);
    struct mb_point eq = { 0.0, 9.0 };
    cr_assert_eq(mb_geo_to_utm(g, 25832, eq, &e, &n, &err), 0);
    cr_assert_float_eq(n, 0.0, 1e-3);
}

Test(geo, meridian_arc_length_at_60_north)
{
    /* Northing on the central meridian = 0.9996 x meridian arc length.
     * GRS80 arc length from the equator to 60 N is 6 654 072.8 m
     * (standard geodesy tables), so the northing is 6 651 411.2 m. */
    double e, n;
    struct mb_point p = { 60.0, 9.0 };
    cr_assert_eq(mb_geo_to_utm(g, 25832, p, &e, &n, NULL), 0);
    cr_assert_float_eq(n, 0.9996 * 6654072.8, 1.0, "northing %.2f", n);
}

Test(geo, round_trip_across_norway)
{
    struct mb_point pts[] = { { 59.9139, 10.7522 }, { 63.4305, 10.3951 },
                              { 69.6492, 18.9553 }, { 70.0734, 29.7500 },
                              { 58.1467, 7.9956 } };
    static const int zones[] = { 25832, 25833, 25835 };
    for (size_t i = 0; i < sizeof pts / sizeof *pts; i++)
        for (size_t z = 0; z < 3; z++) {
            double e, n;
            struct mb_point back;
            struct mb_error err;
            cr_assert_eq(mb_geo_to_utm(g, zones[z], pts[i], &e, &n, &err), 0);
            cr_assert_eq(mb_geo_to_wgs84(g, zones[z], e, n, &back, &err), 0, "%s",
                         err.message);
            cr_assert_float_eq(back.lat, pts[i].lat, 1e-8);
            cr_assert_float_eq(back.lon, pts[i].lon, 1e-8);
        }
}

Test(geo, latlon_passthrough_and_zone_choice)
{
    struct mb_point p;
    cr_assert_eq(mb_geo_to_wgs84(g, 4258, 63.43, 10.39, &p, NULL), 0);
    cr_assert_eq(p.lat, 63.43);
    cr_assert_eq(p.lon, 10.39);
    cr_assert_eq(mb_geo_utm_epsg_for((struct mb_point){ 60, 10.7 }), 25832);
    cr_assert_eq(mb_geo_utm_epsg_for((struct mb_point){ 69.6, 18.9 }), 25833);
    cr_assert_eq(mb_geo_utm_epsg_for((struct mb_point){ 70, 29.7 }), 25835);
}

Test(geo, norway_extent)
{
    struct mb_error err;
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 63.43, 10.39 }, "pos", &err), 0);
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 71.17, 25.78 }, "pos", &err), 0);
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 57.98, 7.05 }, "pos", &err), 0);
    /* Copenhagen, swapped lat/lon of Trondheim, Berlin, the Atlantic */
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 55.68, 12.57 }, "pos", &err),
                 MB_EINVAL);
    cr_assert_str_eq(err.field, "pos");
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 10.39, 63.43 }, "pos", &err),
                 MB_EINVAL);
    cr_assert(strstr(err.message, "swapped"), "%s", err.message);
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 52.52, 13.40 }, "pos", &err),
                 MB_EINVAL);
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 65, -10 }, "pos", &err), MB_EINVAL);
    cr_assert_eq(mb_geo_check_point((struct mb_point){ 91, 0 }, "pos", &err), MB_EINVAL);
    cr_assert_eq(mb_geo_check_point((struct mb_point){ 0, 181 }, "pos", &err), MB_EINVAL);
    cr_assert_eq(mb_geo_check_point((struct mb_point){ NAN, 0 }, "pos", &err), MB_EINVAL);
}

Test(geo, bad_utm_and_epsg)
{
    struct mb_point p;
    struct mb_error err;
    cr_assert_eq(mb_geo_to_wgs84(g, 25832, 1e9, 1e9, &p, &err), MB_EINVAL);
    cr_assert_eq(mb_geo_to_wgs84(g, 25832, NAN, 6e6, &p, &err), MB_EINVAL);
    cr_assert_eq(mb_geo_to_wgs84(g, 3857, 1, 1, &p, &err), MB_EINVAL);
    cr_assert_eq(mb_geo_to_wgs84(g, 4326, 95, 10, &p, &err), MB_EINVAL);
    double e, n;
    cr_assert_eq(mb_geo_to_utm(g, 4326, (struct mb_point){ 60, 10 }, &e, &n, &err),
                 MB_EINVAL);
    int epsg = 0;
    cr_assert_eq(mb_geo_parse_epsg("EPSG:25833", &epsg, "f", &err), 0);
    cr_assert_eq(epsg, 25833);
    cr_assert_eq(mb_geo_parse_epsg("25832", &epsg, "f", &err), 0);
    cr_assert_eq(mb_geo_parse_epsg("3857", &epsg, "f", &err), MB_EINVAL);
    cr_assert_eq(mb_geo_parse_epsg("25832.5", &epsg, "f", &err), MB_EINVAL);
    cr_assert_eq(mb_geo_parse_epsg("utm", &epsg, "f", &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "f");
}

Test(geo, great_circle_distances)
{
    /* One degree of latitude on the mean-radius sphere: 2 pi R / 360. */
    double deg = 2 * 3.14159265358979323846 * MB_EARTH_RADIUS_KM / 360;
    cr_assert_float_eq(mb_geo_distance_km((struct mb_point){ 60, 10 },
                                          (struct mb_point){ 61, 10 }), deg, 1e-9);
    /* Along the 60th parallel one degree of longitude is about half as long
     * (the great circle is slightly shorter than the parallel). */
    double d = mb_geo_distance_km((struct mb_point){ 60, 10 }, (struct mb_point){ 60, 11 });
    cr_assert(d < deg * 0.5 && d > deg * 0.5 * 0.9999, "%f", d);
    cr_assert_eq(mb_geo_distance_km((struct mb_point){ 63, 10 },
                                    (struct mb_point){ 63, 10 }), 0);
    /* Oslo - Trondheim about 392 km as the crow flies. */
    d = mb_geo_distance_km((struct mb_point){ 59.9139, 10.7522 },
                           (struct mb_point){ 63.4305, 10.3951 });
    cr_assert(d > 388 && d < 396, "%f", d);
    /* Symmetric */
    cr_assert_float_eq(d, mb_geo_distance_km((struct mb_point){ 63.4305, 10.3951 },
                                             (struct mb_point){ 59.9139, 10.7522 }), 1e-9);
}

Test(geo, epsg_range_checked_before_int_conversion)
{
    /* F1: (int)1e300 is undefined behaviour; UBSan aborts on it. */
    int epsg = 4326;
    struct mb_error err;
    static const char *const bad[] = { "1e300", "-1e300", "4294971622", "1e10",
                                       "-25832", "2147483648" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(mb_geo_parse_epsg(bad[i], &epsg, "--from", &err), MB_EINVAL, "%s",
                     bad[i]);
        cr_assert(strstr(err.message, "not a supported"), "%s", err.message);
    }
    cr_assert_eq(epsg, 4326, "untouched on error");
    cr_assert_eq(mb_geo_parse_epsg("25835", &epsg, "--from", &err), 0);
    cr_assert_eq(epsg, 25835);
}

Test(geo, swap_hint_only_when_swapping_helps)
{
    /* M2 */
    struct mb_error err;
    static const struct mb_point no_hint[] = { { 0, 0 }, { 40, -100 }, { 55.68, 12.57 },
                                               { 65, -10 }, { -63.43, -10.39 } };
    for (size_t i = 0; i < sizeof no_hint / sizeof *no_hint; i++) {
        cr_assert_eq(mb_geo_check_norway(no_hint[i], "pos", &err), MB_EINVAL);
        cr_assert_null(strstr(err.message, "swapped"), "%s", err.message);
    }
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 10.39, 63.43 }, "pos", &err),
                 MB_EINVAL);
    cr_assert(strstr(err.message, "swapped"), "%s", err.message);
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 30, 70 }, "pos", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "swapped"), "%s", err.message);
}

Test(geo, outside_point_does_not_print_as_inside)
{
    /* M3: 71.40000001 rounded to 5 decimals is 71.40000, the border itself. */
    struct mb_error err;
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 71.40000001, 31.3 }, "pos", &err),
                 MB_EINVAL);
    cr_assert(strstr(err.message, "71.40000001 N 31.30000 E is outside"), "%s",
              err.message);
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 63, 4.3999999 }, "pos", &err),
                 MB_EINVAL);
    cr_assert(strstr(err.message, "63.00000 N 4.3999999 E"), "%s", err.message);
    /* Plain cases keep five decimals. */
    cr_assert_eq(mb_geo_check_norway((struct mb_point){ 55.68, 12.57 }, "pos", &err),
                 MB_EINVAL);
    cr_assert(strstr(err.message, "55.68000 N 12.57000 E"), "%s", err.message);
}
