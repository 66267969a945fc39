/*
 * geojson.c - tables with positions as GeoJSON (see geojson.h).
 *
 * A table with "to_lat"/"to_lon" columns (deliveries) describes movements:
 * a row with both ends is a LineString from [lon, lat] to [to_lon,
 * to_lat], a row with only its start a Point. The position columns are the
 * geometry and are not repeated as properties.
 */
#include "exchange/geojson.h"

#include <math.h>

static json_t *value(const struct mb_xchg_table *t, size_t r, size_t c)
{
    const struct mb_xchg_cell *cell = mb_xchg_cell(t, r, c);
    if (!cell->set)
        return json_null();
    char buf[64];
    switch (t->cols[c].type) {
    case MB_XCHG_NUMBER:
        return isfinite(cell->num) ? json_real(cell->num) : json_null();
    case MB_XCHG_INTEGER:
        return json_integer((json_int_t)cell->num);
    default:
        return json_string(mb_xchg_cell_text(t, r, c, buf, sizeof buf));
    }
}

/* The cells (lat_col, lon_col) of row r as [lon, lat], or NULL when either
 * is empty or not finite. */
static json_t *position(const struct mb_xchg_table *t, size_t r, int lat_col, int lon_col)
{
    if (lat_col < 0 || lon_col < 0)
        return NULL;
    const struct mb_xchg_cell *la = mb_xchg_cell(t, r, (size_t)lat_col);
    const struct mb_xchg_cell *lo = mb_xchg_cell(t, r, (size_t)lon_col);
    if (!la->set || !lo->set || !isfinite(la->num) || !isfinite(lo->num))
        return NULL;
    return json_pack("[f, f]", lo->num, la->num);
}

static bool is_position_col(const struct mb_xchg_table *t, size_t c)
{
    int i = (int)c;
    return i == t->lat_col || i == t->lon_col || i == t->to_lat_col || i == t->to_lon_col;
}

json_t *mb_xchg_geojson(const struct mb_xchg_table *t, struct mb_error *err)
{
    if (t->lat_col < 0 || t->lon_col < 0) {
        mb_error_set(err, MB_EINVAL, "format", "the table '%s' has no positions; GeoJSON "
                     "needs lat and lon", t->name);
        return NULL;
    }
    json_t *features = json_array();
    for (size_t r = 0; r < t->nrows; r++) {
        json_t *from = position(t, r, t->lat_col, t->lon_col);
        json_t *to = position(t, r, t->to_lat_col, t->to_lon_col);
        json_t *geom;
        if (from && to)
            geom = json_pack("{s:s, s:[o, o]}", "type", "LineString", "coordinates", from,
                             to);
        else if (from)
            geom = json_pack("{s:s, s:o}", "type", "Point", "coordinates", from);
        else
            geom = json_null();
        if (to && !from)
            json_decref(to);
        json_t *props = json_object();
        for (size_t c = 0; c < t->ncols; c++)
            if (!is_position_col(t, c))
                json_object_set_new(props, t->cols[c].name, value(t, r, c));
        json_array_append_new(features, json_pack("{s:s, s:o, s:o}", "type", "Feature",
                                                  "geometry", geom, "properties", props));
    }
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
}
