/*
 * api_util.c - shared helpers of the route handlers (see api_util.h).
 */
#include "server/api_util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "market/listing.h"

json_t *mb_api_time(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];
    /* A time gmtime cannot hold (beyond year 2^31) is shown as null. */
    if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_null();
    return json_string(buf);
}

int mb_api_check_keys(struct mb_req *r, json_t *obj, const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        bool known = false;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(keys[i], k) == 0;
        if (!known) {
            char name[64];
            mb_text_clip(name, sizeof name, k);
            mb_reply_error(r, 400, "invalid", name, "unknown field");
            return -1;
        }
    }
    return 0;
}

json_t *mb_api_body(struct mb_req *r, const char *const *keys)
{
    json_t *b = mb_req_json_body(r);
    if (b && mb_api_check_keys(r, b, keys)) {
        json_decref(b);
        return NULL;
    }
    return b;
}

int mb_api_str(struct mb_req *r, json_t *obj, const char *key, bool required, size_t max,
               const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (!required)
            return 0;
        mb_reply_error(r, 400, "invalid", key, "is required");
        return -1;
    }
    if (!json_is_string(v)) {
        mb_reply_error(r, 400, "invalid", key, "must be a string");
        return -1;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n == 0 || n > max) {
        mb_reply_error(r, 400, "invalid", key, "must have 1 to %zu bytes", max);
        return -1;
    }
    if (mb_text_has_control(s, n, false)) {
        mb_reply_error(r, 400, "invalid", key, "must not contain control characters");
        return -1;
    }
    *out = s;
    return 0;
}

int mb_api_int(struct mb_req *r, json_t *obj, const char *key, int64_t min, int64_t max,
               int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        mb_reply_error(r, 400, "invalid", key, "is required");
        return -1;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        mb_reply_error(r, 400, "invalid", key, "must be a whole number from %lld",
                       (long long)min);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

bool mb_api_require(struct mb_req *r, enum mb_action a)
{
    struct mb_error err;
    if (mb_permit_check(r->user.role, a, &err) == 0)
        return true;
    mb_reply_mb_error(r, &err);
    return false;
}

const struct mb_user *mb_api_who(const struct mb_req *r)
{
    return r->signed_in ? &r->user : NULL;
}

int64_t mb_api_if_match(struct mb_req *r)
{
    const char *im = mb_req_header(r, "If-Match");
    if (!im || strcmp(im, "*") == 0) /* "*": whatever version there is */
        return -1;
    char buf[32];
    mb_text_copy(buf, sizeof buf, im);
    char *p = buf;
    if (strncmp(p, "W/", 2) == 0) /* a weak tag names the same version */
        p += 2;
    size_t n = strlen(p);
    if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
        p[n - 1] = '\0';
        p++;
    }
    int64_t v;
    return mb_parse_i64(p, &v) && v > 0 ? v : 0;
}

void mb_api_fail(struct mb_req *r, struct mb_error *err)
{
    if (err->code == MB_ESTALE)
        mb_text_copy(err->field, sizeof err->field, "If-Match");
    mb_reply_mb_error(r, err);
}

enum mb_site_family mb_api_path_family(const struct mb_req *r)
{
    return strncmp(r->path, "/api/listings/", 14) == 0 ? MB_FAMILY_LISTING
                                                       : MB_FAMILY_FACILITY;
}

int mb_api_site(struct mb_req *r, int64_t id, struct mb_site_rec *out)
{
    struct mb_error err;
    if (mb_listing_get(r->st, mb_api_who(r), mb_api_path_family(r), id, out, &err) == 0)
        return 0;
    mb_api_fail(r, &err);
    return -1;
}

int mb_api_doc_query(struct mb_req *r, bool *pdf, const char **lang)
{
    const char *format = mb_req_query(r, "format");
    *pdf = format && strcmp(format, "pdf") == 0;
    if (!*pdf && !(format && strcmp(format, "html") == 0)) {
        mb_reply_error(r, 400, "invalid", "format", "give the format: html or pdf");
        return 1;
    }
    *lang = mb_req_query(r, "lang");
    if (!*lang)
        *lang = "nb";
    if (strcmp(*lang, "nb") != 0 && strcmp(*lang, "en") != 0) {
        mb_reply_error(r, 400, "invalid", "lang", "use nb (bokmål) or en");
        return 1;
    }
    return 0;
}

void mb_api_doc_reply(struct mb_req *r, const char *name, bool pdf, char *data, size_t len)
{
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s.%s\"", name,
             pdf ? "pdf" : "html");
    mb_reply_owned(r, 200, pdf ? "application/pdf" : "text/html; charset=utf-8", data, len);
}
