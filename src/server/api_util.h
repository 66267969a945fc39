/*
 * api_util.h - helpers the route handlers share: reading typed fields of a
 * JSON body with the one error shape, times as ISO 8601, who may do what.
 * Each reader returns 0, or -1 with the 400 reply already set.
 */
#ifndef MB_SERVER_API_UTIL_H
#define MB_SERVER_API_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "market/market.h"
#include "market/permit.h"
#include "server/http.h"
#include "store/store.h"

/* Unix seconds -> "2026-11-23T14:00:00Z". */
json_t *mb_api_time(int64_t t);

/* The JSON object body (mb_req_json_body) with no field outside keys
 * (NULL-terminated); NULL with the 4xx reply set. */
json_t *mb_api_body(struct mb_req *r, const char *const *keys);
/* Refuse a body field not in keys (NULL-terminated). */
int mb_api_check_keys(struct mb_req *r, json_t *obj, const char *const *keys);
/* A string of 1..max bytes without control characters. Absent and not
 * required: *out is left as it was. */
int mb_api_str(struct mb_req *r, json_t *obj, const char *key, bool required, size_t max,
               const char **out);
/* A required integer in [min, max]. */
int mb_api_int(struct mb_req *r, json_t *obj, const char *key, int64_t min, int64_t max,
               int64_t *out);

/* Who may do what (docs/api.md, "Roles"). */
bool mb_api_require(struct mb_req *r, enum mb_action a);
/* The signed-in user, or NULL for an anonymous request. */
const struct mb_user *mb_api_who(const struct mb_req *r);
/* The version an If-Match header asks for ("3", "\"3\"", W/"3"): -1
 * when there is none or it is "*", 0 (no version has it) when it is not
 * a number. */
int64_t mb_api_if_match(struct mb_req *r);
/* Reply with the library's error; a stale version is named If-Match. */
void mb_api_fail(struct mb_req *r, struct mb_error *err);

json_t *mb_api_user_json(const struct mb_user *u);

/* A document's query: format (pdf or html, *pdf) and lang (nb, the
 * default, or en). Nonzero with the 400 reply set when either is wrong. */
int mb_api_doc_query(struct mb_req *r, bool *pdf, const char **lang);

/* A document as its reply: an attachment `name`.pdf or .html (data is
 * taken). */
void mb_api_doc_reply(struct mb_req *r, const char *name, bool pdf, char *data, size_t len);

/* The family the path names: /api/listings/... holds supplies and needs,
 * /api/facilities/... the rest. */
enum mb_site_family mb_api_path_family(const struct mb_req *r);
/* The site `id` of the path's family as the caller sees it
 * (mb_listing_get); -1 with the reply set otherwise. */
int mb_api_site(struct mb_req *r, int64_t id, struct mb_site_rec *out);

#endif
