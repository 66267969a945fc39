/*
 * geojson.h - a table with positions as a GeoJSON FeatureCollection
 * (RFC 7946): one Feature per row, a Point geometry [lon, lat] in WGS84
 * (longitude first, as the RFC orders them), every other column a
 * property: numbers as JSON numbers, integers as integers, months and
 * dates as text, empty cells as null. A row without a position has a
 * null geometry. A table that also has "to_lat" and "to_lon" columns
 * (deliveries) gives a row with both ends a LineString [[lon, lat],
 * [to_lon, to_lat]] and a row with only the first a Point.
 */
#ifndef MB_EXCHANGE_GEOJSON_H
#define MB_EXCHANGE_GEOJSON_H

#include <jansson.h>

#include "core/error.h"
#include "exchange/table.h"

/* The collection as a new reference, or NULL with MB_EINVAL in err when
 * the table has no "lat" and "lon" columns. */
json_t *mb_xchg_geojson(const struct mb_xchg_table *t, struct mb_error *err);

#endif
