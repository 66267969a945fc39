/*
 * geo.h - places: WGS84 inside, EUREF89 UTM 32/33/35 in and out via PROJ.
 *
 * Inside the engine every place is WGS84 latitude/longitude in degrees.
 * Users in Norway also give EUREF89 UTM coordinates (EPSG 25832, 25833 and
 * 25835 for zones 32, 33 and 35); those are converted through PROJ. A
 * `struct mb_geo` owns a PROJ context and its transformations; it is not
 * thread-safe, so each thread makes its own. Distances are great-circle
 * distances on a sphere of the mean Earth radius (road distances are the
 * planning engine's business: great circle times a detour factor, or a
 * matrix).
 */
#ifndef MB_DOMAIN_GEO_H
#define MB_DOMAIN_GEO_H

#include "core/error.h"

struct mb_point {
    double lat; /* degrees north, WGS84 */
    double lon; /* degrees east, WGS84 */
};

/* Mean Earth radius R1 = 6371.0088 km (IUGG; Moritz 2000, Geodetic
 * Reference System 1980). */
#define MB_EARTH_RADIUS_KM 6371.0088

/* Mainland Norway with its coastal islands, as a box: latitude 57.9-71.4 N,
 * longitude 4.4-31.3 E (Lindesnes, Knivskjellodden, Holmebåen, Hornøya
 * lie inside). The box also holds parts of Sweden, Finland and Russia. */
#define MB_NORWAY_LAT_MIN 57.9
#define MB_NORWAY_LAT_MAX 71.4
#define MB_NORWAY_LON_MIN 4.4
#define MB_NORWAY_LON_MAX 31.3

struct mb_geo;

/* Create a PROJ context. MB_EPROJ if PROJ cannot start (no proj.db). */
int mb_geo_new(struct mb_geo **out, struct mb_error *err);
void mb_geo_free(struct mb_geo *g);

/* True for the coordinate systems accepted as input: 4326 (WGS84 lat/lon),
 * 4258 (EUREF89 lat/lon), 25832, 25833, 25835 (EUREF89 UTM). */
int mb_geo_epsg_supported(int epsg);

/* Parse an EPSG code ("25832", "EPSG:25832"); MB_EINVAL naming `field`. */
int mb_geo_parse_epsg(const char *s, int *epsg, const char *field,
                      struct mb_error *err);

/* Convert a coordinate pair to WGS84. For 4326/4258, a = latitude and
 * b = longitude; for UTM, a = easting and b = northing in metres. The
 * result is checked to be a real place (not yet that it is in Norway). */
int mb_geo_to_wgs84(struct mb_geo *g, int epsg, double a, double b,
                    struct mb_point *out, struct mb_error *err);

/* Convert a WGS84 point to UTM (25832, 25833 or 25835): easting, northing. */
int mb_geo_to_utm(struct mb_geo *g, int epsg, struct mb_point p,
                  double *easting, double *northing, struct mb_error *err);

/* The UTM zone Norwegian practice uses at this longitude: 25832 west of
 * 12 E, 25833 to 24 E, 25835 east of that. */
int mb_geo_utm_epsg_for(struct mb_point p);

/* Latitude in [-90, 90], longitude in [-180, 180], both finite. */
int mb_geo_check_point(struct mb_point p, const char *field, struct mb_error *err);

/* As mb_geo_check_point, and inside the Norway box above. */
int mb_geo_check_norway(struct mb_point p, const char *field, struct mb_error *err);

/* Great-circle distance in km (haversine formula). */
double mb_geo_distance_km(struct mb_point a, struct mb_point b);

#endif
