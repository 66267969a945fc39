/*
 * geojson.c - tables with positions as GeoJSON (see geojson.h).
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

json_t *mb_xchg_geojson(const struct mb_xchg_table *t, struct mb_error *err)
{
    if (t->lat_col < 0 || t->lon_col < 0) {
        mb_error_set(err, MB_EINVAL, "format", "the table '%s' has no positions; GeoJSON "
                     "needs lat and lon", t->name);
        return NULL;
    }
    json_t *features = json_array();
    for (size_t r = 0; r < t->nrows; r++) {
        const struct mb_xchg_cell *la = mb_xchg_cell(t, r, (size_t)t->lat_col);
        const struct mb_xchg_cell *lo = mb_xchg_cell(t, r, (size_t)t->lon_col);
        json_t *geom = la->set && lo->set
                           ? json_pack("{s:s, s:[f, f]}", "type", "Point", "coordinates",
                                       lo->num, la->num)
                           : json_null();
        json_t *props = json_object();
        for (size_t c = 0; c < t->ncols; c++)
            if ((int)c != t->lat_col && (int)c != t->lon_col)
                json_object_set_new(props, t->cols[c].name, value(t, r, c));
        json_array_append_new(features, json_pack("{s:s, s:o, s:o}", "type", "Feature",
                                                  "geometry", geom, "properties", props));
    }
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
}
