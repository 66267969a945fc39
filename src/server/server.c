/*
 * server.c - libmicrohttpd glue: the daemon, reading bodies within their
 * size limits, signing in by bearer token, handing the request to the
 * router, sending the reply with its headers, serving static files, and
 * the request log. Route handlers never see libmicrohttpd.
 */
#include "server/server.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/text.h"
#include "market/auth.h"
#include "market/listing.h"
#include "market/road_km.h"
#include "exchange/addresses.h"
#include "market/seed.h"
#include "server/assets.h"
#include "server/encoding.h"
#include "server/srv.h"

struct mb_server {
    struct mb_srv srv;
    struct MHD_Daemon *daemon;
    int port;
    char **logins;
    size_t nlogins;
};

struct mb_store *mb_srv_store(struct mb_srv *s, struct mb_error *err)
{
    static _Thread_local struct mb_store *mine;
    static _Thread_local const struct mb_srv *owner;
    if (mine && owner == s)
        return mine;
    struct mb_store *st;
    if (mb_store_open(&st, s->db_path, err) != 0)
        return NULL;
    pthread_mutex_lock(&s->lock);
    s->stores = mb_xgrow(s->stores, &s->cap_stores, s->nstores + 1, sizeof *s->stores);
    s->stores[s->nstores++] = st;
    pthread_mutex_unlock(&s->lock);
    mine = st;
    owner = s;
    return st;
}

/* Documents, imported files (POST /api/imports/...) and lab reports
 * (POST /api/lab-reports) are uploads. */
static bool is_upload(const char *method, const char *url)
{
    size_t n = strlen(url);
    return strcmp(method, "POST") == 0 &&
           ((n > 10 && strcmp(url + n - 10, "/documents") == 0) ||
            strncmp(url, "/api/imports/", 13) == 0 || strcmp(url, "/api/lab-reports") == 0);
}

static size_t body_limit(const struct mb_srv *s, const char *method, const char *url)
{
    return is_upload(method, url) ? s->cfg.max_upload : s->cfg.max_body;
}

static const char *mime_of(const char *path)
{
    static const char *const map[][2] = {
        { ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
        { ".mjs", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
        { ".json", "application/json" }, { ".svg", "image/svg+xml" },
        { ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".ico", "image/x-icon" },
        { ".woff2", "font/woff2" }, { ".txt", "text/plain; charset=utf-8" },
        { ".map", "application/json" },
    };
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (strcmp(dot, map[i][0]) == 0)
                return map[i][1];
    return "application/octet-stream";
}

/* A regular file opened read-only, with its stat; -1 when there is none. */
static int open_regular(const char *path, struct stat *sb)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A file under static_dir: no "..", no hidden files, regular files only.
 * The web build (web/build.mjs) writes a brotli and a gzip copy of each
 * text file next to it (name.br, name.gz); the client gets the copy its
 * Accept-Encoding weighs highest (encoding.c), or the file itself, with
 * "Vary: Accept-Encoding". A copy older than its file is stale and not
 * sent. Every file has a validator, an ETag of size, time and encoding
 * (each copy its own tag), answered 304 Not Modified when If-None-Match
 * names it. Cache lifetimes: a name with a content hash (app.<hash>.js)
 * never changes, so a year and "immutable"; other text (index.html, which
 * names the hashed files) is "no-cache", asked again each time; images
 * and fonts are cached for a week. */
static struct MHD_Response *static_file(const struct mb_srv *s, struct MHD_Connection *c,
                                        const char *url, int *status)
{
    *status = MHD_HTTP_NOT_FOUND;
    if (!s->cfg.static_dir || url[0] != '/' || strstr(url, "/.") || strstr(url, "//") ||
        strchr(url, '\\') || strlen(url) > 400)
        return NULL;
    char path[1024], copy[1040];
    snprintf(path, sizeof path, "%s%s%s", s->cfg.static_dir, url,
             url[strlen(url) - 1] == '/' ? "index.html" : "");
    struct stat sb;
    int fd = open_regular(path, &sb);
    if (fd < 0)
        return NULL;
    const char *type = mime_of(path);
    bool text = mb_encoding_compressible(type);
    const struct mb_encoding *coding = NULL;
    if (text) {
        const struct mb_encoding *want[2];
        size_t n = mb_encoding_copies(
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding"), want);
        for (size_t i = 0; i < n && !coding; i++) {
            snprintf(copy, sizeof copy, "%s%s", path, want[i]->suffix);
            struct stat zb;
            int zfd = open_regular(copy, &zb);
            if (zfd < 0)
                continue;
            /* Only a copy at least as new as the file it copies. */
            if (zb.st_mtime < sb.st_mtime) {
                close(zfd);
                continue;
            }
            close(fd);
            fd = zfd;
            sb = zb;
            coding = want[i];
        }
    }
    char etag[80];
    snprintf(etag, sizeof etag, "\"%llx-%llx%s%s\"", (unsigned long long)sb.st_size,
             (unsigned long long)sb.st_mtime, coding ? "-" : "", coding ? coding->name : "");
    struct MHD_Response *resp;
    if (mb_asset_etag_matches(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match"),
                              etag)) {
        close(fd);
        resp = MHD_create_response_from_buffer(0, (char *)"", MHD_RESPMEM_PERSISTENT);
        *status = MHD_HTTP_NOT_MODIFIED;
    } else {
        resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
        if (!resp) {
            close(fd);
            return NULL;
        }
        *status = MHD_HTTP_OK;
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
        if (coding)
            MHD_add_response_header(resp, "Content-Encoding", coding->name);
    }
    if (!resp)
        return NULL;
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control",
                            mb_asset_hashed(path) ? "public, max-age=31536000, immutable"
                            : text                ? "no-cache"
                                                  : "public, max-age=604800");
    if (text)
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    return resp;
}

/* A load ticket's QR code holds <base>/t/<code> (docs/deals.md): a short
 * address that any phone camera opens. It leads to the web page of the
 * ticket (#/billett/<code>), which reads GET /api/tickets/<code>. Only
 * base64url codes of a sane length are redirected; anything else is a
 * plain 404. */
static bool ticket_redirect(struct mb_req *r, const char *url)
{
    if (strncmp(url, "/t/", 3) != 0)
        return false;
    const char *code = url + 3;
    size_t n = strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    if (n == 0 || n > 64 || code[n] != '\0')
        return false;
    snprintf(r->location, sizeof r->location, "/#/billett/%s", code);
    mb_reply_bytes(r, 302, "text/plain; charset=utf-8", "See the ticket\n", 15);
    return true;
}

/* Bearer token -> user. A token that is given but unknown is an error even
 * on public routes: the client believes it is signed in. */
static bool authenticate(struct mb_req *r)
{
    const char *h = mb_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h)
        return true;
    if (strncmp(h, "Bearer ", 7) != 0 || strlen(h + 7) == 0 || strlen(h + 7) > 200) {
        mb_reply_error(r, 401, "unauthorized", "Authorization",
                       "use \"Authorization: Bearer <token>\" with the token from /api/auth/login");
        return false;
    }
    mb_auth_token_hash(h + 7, r->token_hash);
    struct mb_error err;
    int rc = mb_store_token_user(r->st, r->token_hash, (int64_t)time(NULL), &r->user, &err);
    if (rc == MB_ENOTFOUND) {
        mb_reply_error(r, 401, "unauthorized", "Authorization",
                       "the token is unknown or has expired; sign in again");
        return false;
    }
    if (rc) {
        mb_reply_mb_error(r, &err);
        return false;
    }
    r->signed_in = true;
    return true;
}

static void add_common_headers(const struct mb_srv *s, struct MHD_Response *resp)
{
    if (s->cfg.cors_origin) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", s->cfg.cors_origin);
        MHD_add_response_header(resp, "Vary", "Origin");
    }
}

/* Replies of a GET (or HEAD) of at least GZIP_MIN bytes of text or JSON
 * go gzipped at GZIP_LEVEL to a client that accepts gzip (encoding.c says
 * why gzip and at what cost): the map's search pages are 210 KiB of JSON
 * each, 13 KiB gzipped. Below GZIP_MIN the saving is a few hundred bytes
 * at most. Only GET and HEAD: replies to POST (sign-in's token, an
 * invitation's) stay as they are, so no secret is ever compressed
 * together with what a request put in (BREACH; docs/security.md). */
#define GZIP_MIN 1024
#define GZIP_LEVEL 5

static const char *gzip_reply(struct mb_req *r)
{
    if (!r->out || r->out_len < GZIP_MIN || !mb_encoding_compressible(r->out_type) ||
        (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) ||
        mb_encoding_accept_q(mb_req_header(r, "Accept-Encoding"), "gzip") == 0)
        return NULL;
    char *z;
    size_t n;
    if (mb_encoding_gzip(r->out, r->out_len, GZIP_LEVEL, &z, &n) != 0)
        return NULL;
    if (n >= r->out_len) {
        free(z);
        return NULL;
    }
    free(r->out);
    r->out = z;
    r->out_len = n;
    return "gzip";
}

static enum MHD_Result send_reply(struct mb_req *r)
{
    struct mb_srv *s = r->srv;
    const char *coding = gzip_reply(r);
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        r->out_len, r->out ? r->out : (char *)"", r->out ? MHD_RESPMEM_MUST_FREE
                                                       : MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    r->out = NULL; /* now libmicrohttpd's */
    if (r->out_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->out_type);
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (coding)
        MHD_add_response_header(resp, "Content-Encoding", coding);
    if (mb_encoding_compressible(r->out_type))
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    if (r->location[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
    if (r->retry_after[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, r->retry_after);
    if (r->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    add_common_headers(s, resp);
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* libmicrohttpd's unescaping of the path and of query keys and values
 * (%HH, as its own), except that a byte that decodes to NUL or another
 * control character, or stands raw in the URL, becomes 0xFF, which is
 * never valid UTF-8: strict_url below then refuses it naming where it
 * was. libmicrohttpd's own unescaping would keep a NUL, and the text
 * would be read as cut there ("/api/documents/1%00" as document 1). */
static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *p = s; *p;) {
        unsigned char b = (unsigned char)*p++;
        int hi, lo;
        if (b == '%' && (hi = hex_digit(p[0])) >= 0 && (lo = hex_digit(p[1])) >= 0) {
            b = (unsigned char)(hi * 16 + lo);
            p += 2;
        }
        *w++ = (char)(b < 0x20 || b == 0x7f ? 0xff : b);
    }
    *w = '\0';
    return (size_t)(w - s);
}

#define NOT_STRICT "holds a NUL byte, a control character or bytes that are not UTF-8 " \
                   "(an overlong encoding, say)"

struct url_check {
    char field[64];
};

static enum MHD_Result check_query_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                         size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct url_check *u = cls;
    if (!mb_utf8_valid(key, key_size, NULL) || memchr(key, '\0', key_size)) {
        mb_text_copy(u->field, sizeof u->field, "query");
        return MHD_NO;
    }
    if (value && (!mb_utf8_valid(value, value_size, NULL) || memchr(value, '\0', value_size) ||
                  mb_text_has_control(value, value_size, false))) {
        mb_text_clip(u->field, sizeof u->field, key);
        return MHD_NO;
    }
    return MHD_YES;
}

/* The path and every query key and value are UTF-8 without NUL, control
 * characters or overlong encodings (mb_utf8_valid refuses those), else
 * 400 naming the path or the parameter. */
static bool strict_url(struct mb_req *r)
{
    if (!mb_utf8_valid(r->path, strlen(r->path), NULL) ||
        mb_text_has_control(r->path, strlen(r->path), false)) {
        mb_reply_error(r, 400, "invalid", "path", NOT_STRICT);
        return false;
    }
    struct url_check u = { .field = "" };
    MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, check_query_value, &u);
    if (u.field[0]) {
        mb_reply_error(r, 400, "invalid", u.field,
                       strcmp(u.field, "query") == 0
                           ? "a query parameter's name " NOT_STRICT
                           : NOT_STRICT);
        return false;
    }
    return true;
}

static void handle(struct mb_req *r)
{
    struct mb_srv *s = r->srv;
    struct mb_error err;
    mb_error_clear(&err);
    if (!strict_url(r))
        return;
    if (r->too_big) {
        mb_reply_error(r, 413, "too_large", "body", "the body is larger than %zu bytes",
                       body_limit(s, r->method, r->path));
        return;
    }
    r->st = mb_srv_store(s, &err);
    if (!r->st) {
        mb_reply_error(r, 503, "unavailable", "", "the database cannot be opened: %s",
                       err.message);
        return;
    }
    if (!authenticate(r))
        return;
    mb_route(r);
}

/* Behind the configured reverse proxy, the client is the last address of
 * X-Forwarded-For (the one the proxy added; earlier ones are the
 * client's own word). A missing or malformed header leaves the proxy's
 * address, so such requests share its limits rather than escape them. */
static enum MHD_Result last_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    if (strcasecmp(key, "X-Forwarded-For") == 0)
        *(const char **)cls = value;
    return MHD_YES;
}

static void forwarded_client(struct mb_req *r)
{
    const char *proxy = r->srv->cfg.trusted_proxy;
    if (!proxy || strcmp(proxy, r->client) != 0)
        return;
    /* The last header line of that name: a proxy that adds its own line
     * puts it after the client's. */
    const char *xff = NULL;
    MHD_get_connection_values(r->conn, MHD_HEADER_KIND, last_xff, (void *)&xff);
    if (!xff)
        return;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    char addr[INET6_ADDRSTRLEN + 1];
    while (*last == ' ' || *last == '\t')
        last++;
    size_t n = strcspn(last, " \t");
    if (n == 0 || n >= sizeof addr || last[n + strspn(last + n, " \t")] != '\0')
        return;
    memcpy(addr, last, n);
    addr[n] = '\0';
    unsigned char buf[sizeof(struct in6_addr)];
    if (inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1)
        mb_text_copy(r->client, sizeof r->client, addr);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    struct mb_srv *s = cls;
    struct mb_req *r = *con_cls;
    if (!r) {
        r = mb_xcalloc(1, sizeof *r);
        r->srv = s;
        r->conn = c;
        r->method = method;
        r->path = url;
        r->t0 = mb_clock_seconds();
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
                          r->client, sizeof r->client);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                          r->client, sizeof r->client);
        }
        forwarded_client(r);
        *con_cls = r;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            errno = 0;
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || *end || n > body_limit(s, method, url)) {
                /* Refuse before reading it. */
                r->too_big = true;
                handle(r);
                return send_reply(r);
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->too_big)
            return MHD_YES;
        if (r->len + n > body_limit(s, method, url)) {
            r->too_big = true;
            free(r->body);
            r->body = NULL;
            r->len = r->cap = 0;
            return MHD_YES;
        }
        if (r->len + n + 1 > r->cap) {
            r->cap = (r->len + n + 1) * 2;
            r->body = mb_xrealloc(r->body, r->cap);
        }
        memcpy(r->body + r->len, upload, n);
        r->len += n;
        r->body[r->len] = '\0';
        return MHD_YES;
    }
    if (strncmp(url, "/api/", 5) != 0 && strcmp(url, "/api") != 0 &&
        (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)) {
        if (!strict_url(r) || ticket_redirect(r, url))
            return send_reply(r);
        int status;
        struct MHD_Response *resp = static_file(s, c, url, &status);
        if (resp) {
            r->status = status;
            add_common_headers(s, resp);
            enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
            MHD_destroy_response(resp);
            return ok;
        }
        mb_reply_error(r, 404, "not_found", "path", "no such page");
        return send_reply(r);
    }
    if (strcmp(method, "OPTIONS") == 0 && s->cfg.cors_origin) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (char *)"",
                                                                    MHD_RESPMEM_PERSISTENT);
        add_common_headers(s, resp);
        MHD_add_response_header(resp, "Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                "Authorization, Content-Type");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "600");
        r->status = 204;
        enum MHD_Result ok = MHD_queue_response(c, 204, resp);
        MHD_destroy_response(resp);
        return ok;
    }
    handle(r);
    return send_reply(r);
}

/* The path as the log shows it: percent-decoded by libmicrohttpd, so
 * encode again what would break a log line (spaces, control characters,
 * %, and every byte above 0x7f of a path that is not UTF-8, such as
 * the 0xFF that unescape makes of a control character) and cut it to
 * fit. One request is one line of UTF-8: a path cannot forge another
 * entry or send escape sequences to a terminal. */
static void log_path(char *dst, size_t n, const char *src)
{
    static const char hex[] = "0123456789ABCDEF";
    bool utf8 = mb_utf8_valid(src, strlen(src), NULL);
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
        bool plain = *p > 0x20 && *p != 0x7f && *p != '%' && (utf8 || *p < 0x80);
        size_t need = plain ? 1 : 3;
        if (k + need + 4 > n) {
            /* Cut on a UTF-8 character boundary. */
            while (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80)
                k--;
            if (k > 0 && (unsigned char)dst[k - 1] >= 0xC0)
                k--;
            memcpy(dst + k, "...", 4);
            return;
        }
        if (plain) {
            dst[k++] = (char)*p;
        } else {
            dst[k++] = '%';
            dst[k++] = hex[*p >> 4];
            dst[k++] = hex[*p & 15];
        }
    }
    dst[k] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    struct mb_srv *s = cls;
    struct mb_req *r = *con_cls;
    if (!r)
        return;
    if (s->cfg.log) {
        char when[32];
        time_t now = time(NULL);
        struct tm tm;
        if (!gmtime_r(&now, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
            snprintf(when, sizeof when, "%lld", (long long)now);
        char path[160];
        log_path(path, sizeof path, r->path);
        pthread_mutex_lock(&s->lock);
        fprintf(s->cfg.log, "%s %s %s %s %d %.1fms%s%s\n", when, r->client[0] ? r->client : "-",
                r->method, path, r->status, (mb_clock_seconds() - r->t0) * 1000.0,
                r->signed_in ? " user=" : "", r->signed_in ? r->user.email : "");
        if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
            fprintf(s->cfg.log, "%s   (connection ended early: code %d)\n", when, (int)toe);
        fflush(s->cfg.log);
        pthread_mutex_unlock(&s->lock);
    }
    free(r->body);
    free(r->out);
    free(r);
    *con_cls = NULL;
}

static void free_logins(struct mb_server *sv)
{
    for (size_t i = 0; i < sv->nlogins; i++)
        free(sv->logins[i]);
    free(sv->logins);
    sv->logins = NULL;
    sv->nlogins = 0;
}

/* Everything but the daemon and the job thread (stopped first). */
static void release(struct mb_server *sv)
{
    struct mb_srv *s = &sv->srv;
    for (size_t i = 0; i < s->nstores; i++)
        mb_store_close(s->stores[i]);
    free(s->stores);
    mb_limiter_free(s->limiter);
    mb_whatifs_free(s->whatifs);
    mb_roads_close(s->roads);
    mb_market_release(&s->market);
    pthread_mutex_destroy(&s->lock);
    free_logins(sv);
    free(sv);
}

int mb_server_start(struct mb_server **out, const struct mb_server_config *cfg,
                    struct mb_error *err)
{
    *out = NULL;
    if (mb_auth_init(err) != 0)
        return err ? err->code : MB_EIO;
    struct mb_server *sv = mb_xcalloc(1, sizeof *sv);
    struct mb_srv *s = &sv->srv;
    s->cfg = *cfg;
    if (!s->cfg.host)
        s->cfg.host = "127.0.0.1";
    if (!s->cfg.max_body)
        s->cfg.max_body = 1u << 20;
    if (s->cfg.alert_interval <= 0)
        s->cfg.alert_interval = 5;
    if (s->cfg.digest_period <= 0)
        s->cfg.digest_period = 86400;
    if (s->cfg.smtp && mb_smtp_global_init(err) != 0) {
        free(sv);
        return err->code;
    }
    if (!s->cfg.max_upload)
        s->cfg.max_upload = 20u << 20;
    if (s->cfg.threads <= 0)
        s->cfg.threads = 4;
    if (s->cfg.token_hours <= 0)
        s->cfg.token_hours = 12;
    snprintf(s->db_path, sizeof s->db_path, "%s", cfg->db_path);
    if (cfg->files_dir)
        snprintf(s->files_dir, sizeof s->files_dir, "%s", cfg->files_dir);
    else
        snprintf(s->files_dir, sizeof s->files_dir, "%s.files", cfg->db_path);
    pthread_mutex_init(&s->lock, NULL);
    int rc = mb_market_init(&s->market, err);
    if (rc) {
        pthread_mutex_destroy(&s->lock);
        free(sv);
        return rc;
    }
    s->limiter = mb_limiter_new(s->cfg.lock_window, s->cfg.lock_table);
    s->whatifs = mb_whatifs_new();
    struct mb_store *st = mb_srv_store(s, err);
    if (!st) {
        rc = err ? err->code : MB_EIO;
        goto fail;
    }
    if (mkdir(s->files_dir, 0700) != 0 && errno != EEXIST) {
        rc = mb_error_set(err, MB_EIO, "files", "cannot create %s: %s", s->files_dir,
                          MB_ERRNO_TEXT(errno));
        goto fail;
    }
    if ((rc = mb_store_job_fail_stale(st, err)) != 0)
        goto fail;
    /* A large import a crash cut short is rolled back (its drafts deleted). */
    size_t rolled_back;
    if ((rc = mb_listing_recover_staged(st, &rolled_back, err)) != 0)
        goto fail;
    if (rolled_back && s->cfg.log)
        fprintf(s->cfg.log, "rolled back %zu sites of an import a crash cut short\n",
                rolled_back);
    /* Sites of a database from before the boundaries get their
     * municipality from their position (audited). */
    size_t placed;
    if ((rc = mb_listing_place_municipalities(st, &placed, err)) != 0)
        goto fail;
    if (placed && s->cfg.log)
        fprintf(s->cfg.log, "placed %zu sites in their municipality by position\n", placed);
    if (cfg->demo) {
        rc = mb_seed_demo(st, &s->market, &sv->logins, &sv->nlogins, err);
        if (rc)
            goto fail;
        /* The demo's address search: a small sample in Kartverket's
         * format (data/demo/addresses-sample.csv), once. */
        int64_t naddr;
        struct mb_addr_report arep;
        if ((rc = mb_store_address_count(st, &naddr, err)) != 0)
            goto fail;
        if (naddr == 0 && (rc = mb_xchg_addresses_import_sample(st, &arep, err)) != 0)
            goto fail;
        /* The demo's own listings, loaded into a new database just now,
         * raise no alerts (on any later start the cursor stays where it
         * is: changes not yet looked at are looked at). */
        if (sv->nlogins > 0 && (rc = mb_store_alert_cursor_skip(st, err)) != 0)
            goto fail;
    }
    /* A road database: every site's pairs are looked at again once (a
     * new database makes the cached ones stale), by the road worker. */
    if (cfg->roads_dir) {
        if ((rc = mb_roads_open(cfg->roads_dir, &mb_road_truck, &s->roads, err)) != 0)
            goto fail;
        s->market.roads_on = true;
        if ((rc = mb_road_fill_requeue(st, err)) != 0)
            goto fail;
        if ((rc = mb_road_worker_start(s, err)) != 0)
            goto fail;
    }
    if ((rc = mb_jobs_start(s, err)) != 0) {
        mb_road_worker_stop(s);
        goto fail;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, s->cfg.host, &addr.sin_addr) != 1) {
        rc = mb_error_set(err, MB_EINVAL, "--host", "'%s' is not an IPv4 address", s->cfg.host);
        mb_jobs_stop(s);
        mb_road_worker_stop(s);
        goto fail;
    }
    sv->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, s,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_CONNECTION_TIMEOUT, 60u,
        MHD_OPTION_CONNECTION_LIMIT, 1000u,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!sv->daemon) {
        rc = mb_error_set(err, MB_EIO, "--port", "cannot listen on %s:%d (in use?)",
                          s->cfg.host, cfg->port);
        mb_jobs_stop(s);
        mb_road_worker_stop(s);
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(sv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    sv->port = di ? (int)di->port : cfg->port;
    if (s->cfg.public_url)
        snprintf(s->base_url, sizeof s->base_url, "%s", s->cfg.public_url);
    else
        snprintf(s->base_url, sizeof s->base_url, "http://%s:%d", s->cfg.host, sv->port);
    if ((rc = mb_mailer_start(s, err)) != 0) {
        MHD_stop_daemon(sv->daemon);
        mb_jobs_stop(s);
        mb_road_worker_stop(s);
        goto fail;
    }
    *out = sv;
    return 0;
fail:
    release(sv);
    return rc;
}

int mb_server_port(const struct mb_server *sv)
{
    return sv->port;
}

const char *const *mb_server_demo_logins(const struct mb_server *sv)
{
    static const char *const none[] = { NULL };
    return sv->logins ? (const char *const *)sv->logins : none;
}

void mb_server_stop(struct mb_server *sv)
{
    if (!sv)
        return;
    struct mb_srv *s = &sv->srv;
    MHD_stop_daemon(sv->daemon);
    mb_mailer_stop(s);
    mb_jobs_stop(s);
    mb_road_worker_stop(s);
    release(sv);
}
