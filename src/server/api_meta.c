/*
 * api_meta.c - routes about the API itself: health, the OpenAPI document,
 * the material catalog.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/municipality.h"
#include "domain/quality.h"
#include "domain/quality_json.h"
#include "domain/refdata.h"
#include "domain/refdata_json.h"
#include "server/api_util.h"

#include "roads/roads.h"
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
    /* The road database, if any, and the sites waiting for their road
     * distances (docs/roads.md). */
    json_t *roads = json_null();
    int64_t waiting = 0;
    struct mb_error err;
    if (r->srv->roads && mb_store_road_queue_count(r->st, &waiting, &err) == 0)
        roads = json_pack("{s:s, s:I}", "version", mb_roads_version(r->srv->roads),
                          "sites_waiting", (json_int_t)waiting);
    mb_reply_json(r, 200, json_pack("{s:s, s:i, s:o}", "status", "ok", "schema_version",
                                    mb_store_schema_version(r->st), "roads", roads));
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

/* The substance table, the landfill acceptance templates and the natural
 * background values, each value with its status and source. */
void mb_api_substances(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    const struct mb_market *m = &r->srv->market;
    json_t *doc = mb_quality_reference_json(&m->classes, &m->accept);
    json_t *bg = json_array();
    for (size_t i = 0; i < m->background.n; i++) {
        json_array_append_new(bg, mb_background_json(&m->background.items[i].values));
    }
    json_object_set_new(doc, "background", bg);
    mb_reply_json(r, 200, doc);
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
    static const char *const keys[] = { "lab", "natural", "municipality", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const struct mb_market *mk = &r->srv->market;
    const struct mb_class_table *t = &mk->classes;
    json_t *lab = json_object_get(b, "lab");
    json_t *nat = json_object_get(b, "natural"), *mun = json_object_get(b, "municipality");
    struct mb_measurement *m = NULL;
    size_t n = json_array_size(lab);
    const struct mb_background *bg = NULL;
    if (!json_is_array(lab) || n == 0 || n > 100) {
        mb_reply_error(r, 400, "invalid", "lab", "must be a list of 1 to 100 results "
                       "{\"substance\", \"value\", \"unit\", \"leached\"}");
        goto out;
    }
    if (nat && !json_is_boolean(nat)) {
        mb_reply_error(r, 400, "invalid", "natural", "must be true or false");
        goto out;
    }
    if (mun && (!json_is_string(mun) || strlen(json_string_value(mun)) != 4 ||
                strspn(json_string_value(mun), "0123456789") != 4)) {
        mb_reply_error(r, 400, "invalid", "municipality", "must be a municipality number "
                       "of 4 digits, e.g. \"5001\"");
        goto out;
    }
    if (json_is_true(nat)) {
        if (!mun) {
            mb_reply_error(r, 400, "invalid", "municipality", "is required with natural: "
                           "the background values are those of the place the masses "
                           "come from");
            goto out;
        }
        bg = mb_background_find(&mk->background, json_string_value(mun));
    }
    m = mb_xcalloc(n, sizeof *m);
    struct mb_error err;
    char field[48];
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(lab, i);
        int rc = mb_lab_item_parse(t, x, i, &m[i], field, sizeof field, &err);
        if (rc) {
            mb_reply_error(r, 400, "invalid", field, "%s", err.message);
            goto out;
        }
    }
    struct mb_classification c;
    if (mb_classify_bg(m, n, bg, &c, &err) != 0) {
        mb_reply_error(r, 400, "invalid", "lab", "%s", err.message);
        goto out;
    }
    const struct mb_substance_result *d = &c.results[c.decider];
    json_t *res = json_array();
    for (size_t i = 0; i < c.n; i++)
        json_array_append_new(res, mb_substance_result_json(&c.results[i]));
    json_t *reply = json_pack("{s:o, s:o, s:o, s:o, s:b, s:b}", "class",
                              c.cls ? json_integer(c.cls) : json_null(), "class_min",
                              c.cls_min > 0 ? json_integer(c.cls_min) : json_null(), "class_max",
                              c.cls ? json_integer(c.cls_max) : json_null(), "open",
                              mb_open_json(&c), "likely_hazardous_possible",
                              c.likely_hazardous_possible, "no_class", c.no_class);
    json_object_update_new(reply, json_pack(
        "{s:s, s:s, s:o, s:f, s:b, s:b, s:b, s:o, s:o, s:o, s:s}", "name_nb",
        mb_class_name_nb(c.cls), "name_en", mb_class_name_en(c.cls), "decided_by",
        c.no_class ? json_null()
                   : json_pack("{s:s, s:f, s:f}", "substance", d->substance->code, "value",
                               d->value, "limit", d->lower),
        "factor", mb_classification_factor(&c), "likely_hazardous", c.likely_hazardous,
        "risk_assessment", c.risk_assessment, "loq_note", c.loq_note, "results", res,
        "background", mb_background_json(bg), "acceptance",
        mb_acceptance_json(&mk->accept, m, n), "table", t->version));
    if (json_is_true(nat) && !bg)
        json_object_set_new(reply, "background_note",
                            json_string("no published natural background values for this "
                                        "municipality: the normverdier apply"));
    mb_reply_json(r, 200, reply);
    mb_classification_release(&c);
out:
    free(m);
    json_decref(b);
}
