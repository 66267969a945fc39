/*
 * api_meta.c - routes about the API itself: health, the OpenAPI document,
 * the material catalog.
 */
#include <string.h>

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
