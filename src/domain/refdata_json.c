/*
 * refdata_json.c - the reference tables and their findings as JSON (see
 * refdata_json.h): the CLI's `refdata --json` and the API's
 * /api/refdata print the same document.
 */
#include "domain/refdata_json.h"

#include "core/words_json.h"

json_t *mb_refdata_json(const struct mb_refdata *r)
{
    json_t *lf = json_array(), *yr = json_array(), *sp = json_array(),
           *fi = json_array();
    for (size_t i = 0; i < r->nlandfills; i++) {
        const struct mb_ref_landfill *l = &r->landfills[i];
        json_array_append_new(lf, json_pack("{s:s,s:s?,s:f,s:f,s:f,s:i,s:s,s:i}",
            "name", l->name, "municipality_code", l->muni ? l->muni->code : NULL,
            "yearly_capacity_m3", l->yearly_m3, "sum_to_2030_m3", l->sum_to_2030_m3,
            "capacity_m3", l->capacity_m3, "operating_years", l->operating_years,
            "plan_status", l->status, "line", (int)l->line));
    }
    for (size_t i = 0; i < r->nyears; i++)
        json_array_append_new(yr, json_pack("{s:i,s:f}", "year", r->years[i].year,
                                            "capacity_m3", r->years[i].capacity_m3));
    for (size_t i = 0; i < r->nsurplus; i++)
        json_array_append_new(sp, json_pack("{s:s,s:s,s:f}", "municipality",
            r->surplus[i].muni->name, "code", r->surplus[i].muni->code,
            "delivered_to_landfill_m3", r->surplus[i].landfill_m3));
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct mb_finding *f = &r->findings[i];
        json_t *o = json_pack("{s:s,s:s,s:s}", "level",
                              f->level ? "warning" : "info", "table", f->table,
                              "message", f->message);
        if (f->line)
            json_object_set_new(o, "line", json_integer((json_int_t)f->line));
        mb_words_json_add(o, &f->words);
        json_array_append_new(fi, o);
    }
    return json_pack("{s:o,s:o,s:o,s:o}", "landfills", lf, "capacity_per_year", yr,
                     "surplus_2020", sp, "findings", fi);
}
