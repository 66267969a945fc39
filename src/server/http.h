/*
 * http.h - one API request as the route handlers see it, and the replies
 * they can give: JSON, the one error shape, bytes. Everything libmicrohttpd
 * specific stays in server.c.
 *
 * Error shape (docs/api.md):
 *   {"error": {"status": 400, "code": "invalid", "message": "...",
 *              "field": "amount.unit", "problems": [{"field", "message"}]}}
 */
#ifndef MB_SERVER_HTTP_H
#define MB_SERVER_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "plan/scenario.h"
#include "store/store.h"

struct mb_srv;   /* server state shared by the handlers (srv.h) */

struct mb_req {
    struct mb_srv *srv;
    void *conn;               /* struct MHD_Connection */
    const char *method;
    const char *path;
    char client[64];          /* peer address */
    char *body;               /* request body (NUL-terminated), owned */
    size_t len, cap;
    bool too_big;
    double t0;
    struct mb_store *st;      /* this thread's connection */
    bool signed_in;
    struct mb_user user;
    char token_hash[72];
    /* the reply */
    int status;
    char *out;                /* owned */
    size_t out_len;
    const char *out_type;
    char location[128];
    char retry_after[16];
    char disposition[256];
};

/* A header or query value, NULL when absent. */
const char *mb_req_header(struct mb_req *r, const char *name);
const char *mb_req_query(struct mb_req *r, const char *name);
/* 0 if every query argument is one of `allowed` (NULL-terminated); else a
 * 400 reply naming the unknown one is set and -1 returned. */
int mb_req_check_query(struct mb_req *r, const char *const *allowed);

/* Replies. json is stolen (decref'ed). */
void mb_reply_json(struct mb_req *r, int status, json_t *json);
void mb_reply_bytes(struct mb_req *r, int status, const char *type, const char *data,
                    size_t len);
/* As mb_reply_bytes, taking ownership of data (malloc'ed) instead. */
void mb_reply_owned(struct mb_req *r, int status, const char *type, char *data, size_t len);
void mb_reply_error(struct mb_req *r, int status, const char *code, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* 400 listing every problem (the first one is "field"/"message"). */
void mb_reply_problems(struct mb_req *r, const struct mb_problems *p);
/* An error record from the library: status from its code. */
void mb_reply_mb_error(struct mb_req *r, const struct mb_error *err);

/* The body as a JSON object (Content-Type must be JSON; duplicate keys,
 * broken UTF-8 and non-objects refused). NULL with the 4xx reply set. */
json_t *mb_req_json_body(struct mb_req *r);
/* The request's media type: Content-Type without its parameters and
 * trailing spaces, into buf ("" when there is none). */
void mb_req_mime(struct mb_req *r, char *buf, size_t size);
/* 415 unless the Content-Type is application/json; -1 then. */
int mb_req_require_json(struct mb_req *r);

/* Require a signed-in user: 401 reply and false when not. */
bool mb_req_signed_in(struct mb_req *r);

/* Strict integer parsing of a path or query value; false if not one. */
bool mb_parse_i64(const char *s, int64_t *out);

#endif
