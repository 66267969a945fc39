/*
 * api_meta.c - routes about the API itself: health, the OpenAPI document,
 * the material catalog.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/municipality.h"
#include "domain/quality.h"
#include "domain/refdata.h"
#include "domain/refdata_json.h"
#include "server/api_util.h"

#include "server/srv.h"
#include "store/store.h"

extern const char mb_data_openapi[];
extern const size_t mb_data_openapi_len;

void mb_api_health(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    mb_reply_json(r, 200, json_pack("{s:s, s:i}", "status", "ok", "schema_version",
                                    mb_store_schema_version(r->st)));
}

void mb_api_openapi(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    mb_reply_bytes(r, 200, "application/json", mb_data_openapi, mb_data_openapi_len);
}

void mb_api_materials(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    const struct mb_catalog *c = &r->srv->market.catalog;
    json_t *items = json_array();
    for (size_t i = 0; i < c->n; i++) {
        const struct mb_material *m = &c->items[i];
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:f, s:f}", "code", m->code,
                                               "name_nb", m->name_nb, "name_en", m->name_en,
                                               "density_t_per_fm3", m->density,
                                               "bulking_lm3_per_fm3", m->bulking));
    }
    mb_reply_json(r, 200, json_pack("{s:o}", "materials", items));
}

/* The Trondheim region's reference tables (IKAP landfills and capacity
 * per year, MEF surplus 2020) with every finding: the municipality
 * dashboard draws them. */
void mb_api_refdata(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    struct mb_municipalities munis;
    struct mb_refdata ref;
    struct mb_error err;
    if (mb_municipalities_init(&munis, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    if (mb_refdata_load(&ref, NULL, &munis, &err) != 0) {
        mb_municipalities_release(&munis);
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *out = mb_refdata_json(&ref);
    json_object_set_new(out, "region", json_string("Trondheimsregionen"));
    json_object_set_new(out, "unit_note",
                        json_string("The source tables give m3 without saying solid or loose."));
    mb_refdata_release(&ref);
    mb_municipalities_release(&munis);
    mb_reply_json(r, 200, out);
}

/* Classify lab results without storing anything: what a listing's lab
 * results would make its class, and which substance decides it. */
void mb_api_classify(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    static const char *const keys[] = { "lab", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    json_t *lab = json_object_get(b, "lab");
    if (!json_is_array(lab) || json_array_size(lab) == 0 || json_array_size(lab) > 100) {
        mb_reply_error(r, 400, "invalid", "lab",
                       "must be a list of 1 to 100 results {\"substance\", \"value\"}");
        json_decref(b);
        return;
    }
    const struct mb_class_table *t = &r->srv->market.classes;
    size_t n = json_array_size(lab);
    struct mb_measurement *m = mb_xcalloc(n, sizeof *m);
    struct mb_error err;
    char field[48];
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(lab, i);
        json_t *sub = json_object_get(x, "substance"), *val = json_object_get(x, "value");
        char num[64];
        const char *vtext = json_string_value(val);
        if (json_is_number(val)) {
            snprintf(num, sizeof num, "%.17g", json_number_value(val));
            vtext = num;
        }
        if (!json_is_object(x) || !json_is_string(sub) || !vtext || json_object_size(x) != 2) {
            snprintf(field, sizeof field, "lab[%zu]", i);
            mb_reply_error(r, 400, "invalid", field,
                           "must be {\"substance\": name or code, \"value\": mg/kg}");
            goto out;
        }
        if (mb_measurement_parse(t, json_string_value(sub), vtext, &m[i], &err) != 0) {
            snprintf(field, sizeof field, "lab[%zu].%s", i,
                     err.code == MB_ENOTFOUND ? "substance" : "value");
            mb_reply_error(r, 400, "invalid", field, "%s", err.message);
            goto out;
        }
    }
    struct mb_classification c;
    if (mb_classify(m, n, &c, &err) != 0) {
        mb_reply_error(r, 400, "invalid", "lab", "%s", err.message);
        goto out;
    }
    const struct mb_substance_result *d = &c.results[c.decider];
    json_t *res = json_array();
    json_t *open = json_array();
    for (size_t i = 0; i < c.n; i++) {
        json_array_append_new(res, json_pack("{s:s, s:f, s:b, s:i, s:i}", "substance",
                                             c.results[i].substance->code, "value",
                                             c.results[i].value, "below_loq",
                                             c.results[i].below_loq, "class",
                                             c.results[i].cls, "class_max",
                                             c.results[i].cls_max));
        if (mb_substance_result_open(&c, i))
            json_array_append_new(open, json_pack("{s:s, s:f, s:i}", "substance",
                                                  c.results[i].substance->code,
                                                  "detection_limit", c.results[i].value,
                                                  "class_max", c.results[i].cls_max));
    }
    json_t *reply = json_pack("{s:i, s:i, s:o, s:b}", "class_min", c.cls_min, "class_max",
                              c.cls_max, "open", open, "likely_hazardous_possible",
                              c.likely_hazardous_possible);
    json_object_update_new(reply, json_pack(
        "{s:i, s:s, s:s, s:{s:s, s:f, s:f}, s:f, s:b, s:b, s:b, s:o}", "class", c.cls, "name_nb", mb_class_name_nb(c.cls), "name_en", mb_class_name_en(c.cls),
        "decided_by", "substance", d->substance->code, "value", d->value, "limit", d->lower,
        "factor", mb_classification_factor(&c), "likely_hazardous", c.likely_hazardous,
        "risk_assessment", c.risk_assessment, "loq_note", c.loq_note, "results", res));
    mb_reply_json(r, 200, reply);
    mb_classification_release(&c);
out:
    free(m);
    json_decref(b);
}
