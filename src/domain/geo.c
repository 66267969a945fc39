/*
 * geo.c - coordinate conversion through PROJ and great-circle distance
 * (see geo.h).
 *
 * Transformations are created on first use per EPSG code and kept in the
 * mb_geo object: creating one reads proj.db and costs about a millisecond,
 * converting a point costs microseconds.
 */
#include "domain/geo.h"

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"

static const int supported[] = { 4326, 4258, 25832, 25833, 25835 };
#define NSUPPORTED (sizeof supported / sizeof *supported)

struct mb_geo {
    PJ_CONTEXT *ctx;
    PJ *to_utm[NSUPPORTED]; /* WGS84 -> EPSG supported[i], lon/lat order */
};

int mb_geo_epsg_supported(int epsg)
{
    for (size_t i = 0; i < NSUPPORTED; i++)
        if (supported[i] == epsg)
            return 1;
    return 0;
}

int mb_geo_parse_epsg(const char *s, int *epsg, const char *field,
                      struct mb_error *err)
{
    const char *p = s;
    if (strncmp(p, "EPSG:", 5) == 0 || strncmp(p, "epsg:", 5) == 0)
        p += 5;
    double v;
    char q[36];
    /* Range first: converting a double outside int's range is undefined. */
    if (mb_parse_number(p, &v, field, NULL) != 0 || v != floor(v) || v < 0 ||
        v > 99999 || !mb_geo_epsg_supported((int)v))
        return mb_error_set(err, MB_EINVAL, field, "'%s' is not a supported "
            "coordinate system; use 4326 (WGS84), 4258 (EUREF89), 25832, 25833 "
            "or 25835 (EUREF89 UTM 32/33/35)", mb_text_clip(q, sizeof q, s));
    *epsg = (int)v;
    return 0;
}

int mb_geo_new(struct mb_geo **out, struct mb_error *err)
{
    struct mb_geo *g = mb_xcalloc(1, sizeof *g);
    g->ctx = proj_context_create();
    if (!g->ctx) {
        free(g);
        return mb_error_set(err, MB_EPROJ, "", "cannot start PROJ");
    }
    proj_log_level(g->ctx, PJ_LOG_NONE);
    *out = g;
    return 0;
}

void mb_geo_free(struct mb_geo *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < NSUPPORTED; i++)
        if (g->to_utm[i])
            proj_destroy(g->to_utm[i]);
    proj_context_destroy(g->ctx);
    free(g);
}

static PJ *transform_for(struct mb_geo *g, int epsg, struct mb_error *err)
{
    size_t i;
    for (i = 0; i < NSUPPORTED; i++)
        if (supported[i] == epsg)
            break;
    if (i == NSUPPORTED) {
        mb_error_set(err, MB_EINVAL, "epsg", "EPSG:%d is not supported", epsg);
        return NULL;
    }
    if (g->to_utm[i])
        return g->to_utm[i];
    char target[32];
    snprintf(target, sizeof target, "EPSG:%d", epsg);
    PJ *p = proj_create_crs_to_crs(g->ctx, "EPSG:4326", target, NULL);
    if (!p) {
        mb_error_set(err, MB_EPROJ, "epsg", "PROJ cannot transform to %s: %s",
                     target, proj_context_errno_string(g->ctx,
                                                       proj_context_errno(g->ctx)));
        return NULL;
    }
    /* Axis order lon/lat (x/y) whatever the EPSG definition says. */
    PJ *norm = proj_normalize_for_visualization(g->ctx, p);
    proj_destroy(p);
    if (!norm) {
        mb_error_set(err, MB_EPROJ, "epsg", "PROJ cannot normalise %s", target);
        return NULL;
    }
    g->to_utm[i] = norm;
    return norm;
}

int mb_geo_check_point(struct mb_point p, const char *field, struct mb_error *err)
{
    if (!isfinite(p.lat) || p.lat < -90 || p.lat > 90)
        return mb_error_set(err, MB_EINVAL, field, "latitude %g is not in -90..90",
                            p.lat);
    if (!isfinite(p.lon) || p.lon < -180 || p.lon > 180)
        return mb_error_set(err, MB_EINVAL, field, "longitude %g is not in "
                            "-180..180", p.lon);
    return 0;
}

static int in_norway_box(double lat, double lon)
{
    return lat >= MB_NORWAY_LAT_MIN && lat <= MB_NORWAY_LAT_MAX &&
           lon >= MB_NORWAY_LON_MIN && lon <= MB_NORWAY_LON_MAX;
}

/* Decimals to print v with so that a value outside [lo, hi] does not look
 * inside it: 5 as a rule (about a metre), more when rounding to 5 would
 * land on or inside a bound (71.40000001 must not print as 71.40000). */
static int decimals_for(double v, double lo, double hi)
{
    int d = 5;
    if (v >= lo && v <= hi)
        return d;
    for (; d < 15; d++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.*f", d, v);
        double r = strtod(buf, NULL);
        if (r < lo || r > hi)
            break;
    }
    return d;
}

int mb_geo_check_norway(struct mb_point p, const char *field, struct mb_error *err)
{
    int rc = mb_geo_check_point(p, field, err);
    if (rc)
        return rc;
    if (in_norway_box(p.lat, p.lon))
        return 0;
    /* Suggest a swap only when the swapped point would be accepted. */
    return mb_error_set(err, MB_EINVAL, field, "%.*f N %.*f E is outside Norway "
        "(latitude %.1f-%.1f, longitude %.1f-%.1f)%s",
        decimals_for(p.lat, MB_NORWAY_LAT_MIN, MB_NORWAY_LAT_MAX), p.lat,
        decimals_for(p.lon, MB_NORWAY_LON_MIN, MB_NORWAY_LON_MAX), p.lon,
        MB_NORWAY_LAT_MIN, MB_NORWAY_LAT_MAX, MB_NORWAY_LON_MIN, MB_NORWAY_LON_MAX,
        in_norway_box(p.lon, p.lat) ? "; were latitude and longitude swapped?" : "");
}

int mb_geo_to_wgs84(struct mb_geo *g, int epsg, double a, double b,
                    struct mb_point *out, struct mb_error *err)
{
    if (!isfinite(a) || !isfinite(b))
        return mb_error_set(err, MB_EINVAL, "coordinates", "must be finite numbers");
    if (epsg == 4326 || epsg == 4258) {
        /* EUREF89 and WGS84 differ by well under a metre in Norway, far below
         * what haulage planning resolves; both are taken as they are. */
        struct mb_point p = { a, b };
        int rc = mb_geo_check_point(p, "coordinates", err);
        if (rc)
            return rc;
        *out = p;
        return 0;
    }
    PJ *t = transform_for(g, epsg, err);
    if (!t)
        return err ? err->code : MB_EPROJ;
    if (a < -5e6 || a > 5e6 || b < -1e7 || b > 1e7)
        return mb_error_set(err, MB_EINVAL, "coordinates", "%g E, %g N is not a UTM "
                            "coordinate (easting, northing in metres)", a, b);
    proj_errno_reset(t);
    PJ_COORD c = proj_trans(t, PJ_INV, proj_coord(a, b, 0, 0));
    if (proj_errno(t) || !isfinite(c.lp.lam) || !isfinite(c.lp.phi) ||
        c.lp.lam == HUGE_VAL)
        return mb_error_set(err, MB_EINVAL, "coordinates", "%g E, %g N cannot be "
                            "converted from EPSG:%d", a, b, epsg);
    struct mb_point p = { c.lp.phi, c.lp.lam };
    int rc = mb_geo_check_point(p, "coordinates", err);
    if (rc)
        return rc;
    *out = p;
    return 0;
}

int mb_geo_to_utm(struct mb_geo *g, int epsg, struct mb_point p,
                  double *easting, double *northing, struct mb_error *err)
{
    if (epsg != 25832 && epsg != 25833 && epsg != 25835)
        return mb_error_set(err, MB_EINVAL, "epsg", "EPSG:%d is not a UTM zone; use "
                            "25832, 25833 or 25835", epsg);
    int rc = mb_geo_check_point(p, "coordinates", err);
    if (rc)
        return rc;
    PJ *t = transform_for(g, epsg, err);
    if (!t)
        return err ? err->code : MB_EPROJ;
    proj_errno_reset(t);
    PJ_COORD c = proj_trans(t, PJ_FWD, proj_coord(p.lon, p.lat, 0, 0));
    if (proj_errno(t) || !isfinite(c.xy.x) || !isfinite(c.xy.y) || c.xy.x == HUGE_VAL)
        return mb_error_set(err, MB_EINVAL, "coordinates", "%g N %g E cannot be "
                            "converted to EPSG:%d", p.lat, p.lon, epsg);
    *easting = c.xy.x;
    *northing = c.xy.y;
    return 0;
}

int mb_geo_utm_epsg_for(struct mb_point p)
{
    if (p.lon < 12)
        return 25832;
    if (p.lon < 24)
        return 25833;
    return 25835;
}

double mb_geo_distance_km(struct mb_point a, struct mb_point b)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (b.lat - a.lat) * rad, dlon = (b.lon - a.lon) * rad;
    double s = sin(dlat / 2), t = sin(dlon / 2);
    double h = s * s + cos(a.lat * rad) * cos(b.lat * rad) * t * t;
    if (h > 1)
        h = 1;
    return 2 * MB_EARTH_RADIUS_KM * asin(sqrt(h));
}
