/*
 * http.c - request helpers and replies for the route handlers (see http.h).
 */
#include "server/http.h"

#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/text.h"
#include "core/words_json.h"

const char *mb_req_header(struct mb_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *mb_req_query(struct mb_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_check {
    const char *const *allowed;
    const char *unknown;
    char dup[64];
    const char *seen[32];
    size_t nseen;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    (void)value;
    struct query_check *q = cls;
    for (size_t i = 0; q->allowed[i]; i++)
        if (strcmp(q->allowed[i], key) == 0) {
            for (size_t k = 0; k < q->nseen; k++)
                if (strcmp(q->seen[k], key) == 0) {
                    mb_text_clip(q->dup, sizeof q->dup, key);
                    return MHD_NO;
                }
            if (q->nseen < 32)
                q->seen[q->nseen++] = q->allowed[i];
            return MHD_YES;
        }
    q->unknown = key;
    return MHD_NO;
}

int mb_req_check_query(struct mb_req *r, const char *const *allowed)
{
    struct query_check q = { .allowed = allowed };
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &q);
    if (q.unknown) {
        char name[64];
        mb_text_clip(name, sizeof name, q.unknown);
        if (!mb_utf8_valid(name, strlen(name), NULL))
            mb_text_copy(name, sizeof name, "?");
        mb_reply_error(r, 400, "invalid", name, "unknown query parameter");
        return -1;
    }
    if (q.dup[0]) {
        mb_reply_error(r, 400, "invalid", q.dup, "query parameter given more than once");
        return -1;
    }
    return 0;
}

static void set_out(struct mb_req *r, int status, const char *type, char *data, size_t len)
{
    free(r->out);
    r->status = status;
    r->out = data;
    r->out_len = len;
    r->out_type = type;
}

void mb_reply_json(struct mb_req *r, int status, json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(json);
    if (!text) {
        set_out(r, 500, "application/json", mb_xstrdup("{\"error\":{\"status\":500,"
                "\"code\":\"internal\",\"message\":\"the reply could not be written\"}}"), 0);
        r->out_len = strlen(r->out);
        return;
    }
    set_out(r, status, "application/json", text, strlen(text));
}

void mb_reply_bytes(struct mb_req *r, int status, const char *type, const char *data,
                    size_t len)
{
    char *copy = mb_xmalloc(len + 1);
    memcpy(copy, data, len);
    set_out(r, status, type, copy, len);
}

void mb_reply_owned(struct mb_req *r, int status, const char *type, char *data, size_t len)
{
    set_out(r, status, type, data, len);
}

static json_t *error_object(int status, const char *code, const char *field,
                            const char *message)
{
    json_t *e = json_object();
    json_object_set_new(e, "status", json_integer(status));
    json_object_set_new(e, "code", json_string(code));
    json_object_set_new(e, "message", json_string(message));
    json_object_set_new(e, "field", json_string(field ? field : ""));
    return e;
}

static void reply_error_words(struct mb_req *r, int status, const char *code, const char *field,
                              char *msg, const struct mb_words *w)
{
    /* A message quoting user input may have cut a UTF-8 sequence. */
    size_t bad;
    if (!mb_utf8_valid(msg, strlen(msg), &bad))
        msg[bad] = '\0';
    json_t *e = error_object(status, code, field ? field : "", msg);
    mb_words_json_add(e, w);
    json_t *problems = json_array();
    json_t *p = json_object();
    json_object_set_new(p, "field", json_string(field ? field : ""));
    json_object_set_new(p, "message", json_string(msg));
    mb_words_json_add(p, w);
    json_array_append_new(problems, p);
    json_object_set_new(e, "problems", problems);
    if (status == 429 && !r->retry_after[0])
        snprintf(r->retry_after, sizeof r->retry_after, "60");
    mb_reply_json(r, status, json_pack("{s:o}", "error", e));
}

void mb_reply_error(struct mb_req *r, int status, const char *code, const char *field,
                    const char *fmt, ...)
{
    char msg[400];
    struct mb_words w;
    va_list ap;
    va_start(ap, fmt);
    mb_words_vformat(msg, sizeof msg, &w, fmt, ap);
    va_end(ap);
    reply_error_words(r, status, code, field, msg, &w);
}

void mb_reply_problems(struct mb_req *r, const struct mb_problems *p)
{
    if (p->n == 0) {
        mb_reply_error(r, 400, "invalid", "", "the request is invalid");
        return;
    }
    json_t *e = error_object(400, "invalid", p->items[0].path, p->items[0].message);
    mb_words_json_add(e, &p->items[0].words);
    json_t *list = json_array();
    for (size_t i = 0; i < p->n; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "field", json_string(p->items[i].path));
        json_object_set_new(x, "message", json_string(p->items[i].message));
        mb_words_json_add(x, &p->items[i].words);
        json_array_append_new(list, x);
    }
    json_object_set_new(e, "problems", list);
    if (p->n > 1) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s: %s (and %zu more problems)", p->items[0].path,
                 p->items[0].message, p->n - 1);
        json_object_set_new(e, "message", json_string(msg));
    }
    mb_reply_json(r, 400, json_pack("{s:o}", "error", e));
}

void mb_reply_mb_error(struct mb_req *r, const struct mb_error *err)
{
    int status;
    switch (err->code) {
    case MB_EINVAL: status = 400; break;
    case MB_ENOTFOUND: status = 404; break;
    case MB_EFORBIDDEN: status = 403; break;
    case MB_ECONFLICT: status = 409; break;
    case MB_ESTALE: status = 412; break;
    case MB_EBUSY: status = 503; break;
    default: status = 500; break;
    }
    char msg[400];
    snprintf(msg, sizeof msg, "%s", err->message);
    reply_error_words(r, status, status == 500 ? "internal" : mb_error_name(err->code),
                      err->field, msg, &err->words);
}

int mb_req_require_json(struct mb_req *r)
{
    const char *ct = mb_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
        (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
        mb_reply_error(r, 415, "unsupported_media_type", "Content-Type",
                       "send the body as application/json");
        return -1;
    }
    return 0;
}

json_t *mb_req_json_body(struct mb_req *r)
{
    if (mb_req_require_json(r) != 0)
        return NULL;
    if (!r->body || r->len == 0) {
        mb_reply_error(r, 400, "invalid", "body", "the body is empty; send a JSON object");
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        mb_reply_error(r, 400, "invalid", "body", "not valid JSON at line %d, column %d: %s",
                       je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        mb_reply_error(r, 400, "invalid", "body", "must be a JSON object");
        return NULL;
    }
    return j;
}

bool mb_req_signed_in(struct mb_req *r)
{
    if (r->signed_in)
        return true;
    mb_reply_error(r, 401, "unauthorized", "Authorization",
                   "sign in first: POST /api/auth/login, then send \"Authorization: Bearer <token>\"");
    return false;
}

bool mb_parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s || *s == '+' || *s == '-' || *s == ' ' || strlen(s) > 18)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

void mb_req_mime(struct mb_req *r, char *buf, size_t size)
{
    const char *ct = mb_req_header(r, "Content-Type");
    mb_text_copy(buf, size, ct ? ct : "");
    char *semi = strchr(buf, ';');
    if (semi)
        *semi = '\0';
    for (size_t n = strlen(buf); n > 0 && buf[n - 1] == ' '; n--)
        buf[n - 1] = '\0';
}
