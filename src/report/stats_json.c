/*
 * stats_json.c - the statistics report as JSON (docs/reports.md), one
 * shape for the CLI (`massebank stats --json`) and the API (GET /api/stats).
 */
#include "report/stats.h"

static json_t *dests_json(const double *v)
{
    json_t *o = json_object();
    for (int d = 0; d < MB_DEST_COUNT; d++)
        json_object_set_new(o, mb_dest_name(d), json_real(v[d]));
    return o;
}

static json_t *muni_json(const struct mb_stats_muni *m)
{
    return json_pack("{s:s,s:s,s:o,s:o,s:f,s:f,s:I}", "municipality", m->municipality,
                     "name", m->name, "t", dests_json(m->t), "fm3", dests_json(m->fm3),
                     "total_t", m->total_t, "total_fm3", m->total_fm3,
                     "loads", (json_int_t)m->loads);
}

json_t *mb_stats_json(const struct mb_stats *s, int year)
{
    json_t *rows = json_array(), *ms = json_array();
    for (size_t i = 0; i < s->nrows; i++) {
        const struct mb_stats_row *r = &s->rows[i];
        json_array_append_new(rows, json_pack("{s:s,s:i,s:s,s:s,s:f,s:f,s:I}",
            "municipality", r->municipality, "year", r->year, "material", r->material,
            "destination", mb_dest_name(r->dest), "t", r->t, "fm3", r->fm3,
            "loads", (json_int_t)r->loads));
    }
    for (size_t i = 0; i < s->nmunis; i++)
        json_array_append_new(ms, muni_json(&s->munis[i]));
    return json_pack("{s:o,s:o,s:o,s:o}", "year", year ? json_integer(year) : json_null(),
                     "municipalities", ms, "total", muni_json(&s->total), "rows", rows);
}
