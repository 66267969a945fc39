/*
 * format.c - export formats by name and tables to file bytes (see
 * format.h). GeoJSON is indented one space per level with ten significant
 * digits for reals: positions to about a centimetre, tonnes exact.
 */
#include "exchange/format.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/strbuf.h"
#include "exchange/csvout.h"
#include "exchange/geojson.h"
#include "exchange/xlsxout.h"

static const struct {
    const char *name, *mime;
} formats[MB_XCHG_FORMAT_COUNT] = {
    [MB_XCHG_CSV] = { "csv", "text/csv; charset=utf-8" },
    [MB_XCHG_XLSX] = { "xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    [MB_XCHG_GEOJSON] = { "geojson", "application/geo+json" },
};

int mb_xchg_format_parse(const char *s)
{
    for (int i = 0; s && i < MB_XCHG_FORMAT_COUNT; i++)
        if (strcmp(s, formats[i].name) == 0)
            return i;
    return -1;
}

const char *mb_xchg_format_name(enum mb_xchg_format f)
{
    return formats[f].name;
}

const char *mb_xchg_format_mime(enum mb_xchg_format f)
{
    return formats[f].mime;
}

int mb_xchg_write(const struct mb_xchg_table *const *tables, size_t n,
                  enum mb_xchg_format f, char **data, size_t *len, struct mb_error *err)
{
    *data = NULL;
    *len = 0;
    switch (f) {
    case MB_XCHG_CSV: {
        struct mb_strbuf b = { 0 };
        mb_xchg_csv_write(tables[0], &b);
        *len = b.len;
        *data = mb_strbuf_take(&b);
        return 0;
    }
    case MB_XCHG_XLSX:
        return mb_xchg_xlsx_write(tables, n, data, len, err);
    case MB_XCHG_GEOJSON: {
        json_t *j = mb_xchg_geojson(tables[0], err);
        if (!j)
            return err->code;
        char *text = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
        json_decref(j);
        if (!text)
            return mb_error_set(err, MB_EIO, "format", "the GeoJSON could not be written");
        *len = strlen(text);
        *data = text;
        return 0;
    }
    default:
        return mb_error_set(err, MB_EINVAL, "format", "unknown format");
    }
}
