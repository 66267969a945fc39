/*
 * api_documents.c - documents attached to a listing or facility (lab
 * reports, permits, photos): uploaded as the raw body, stored as a file
 * named by its SHA-256 under the server's files directory, and recorded
 * with name, type, size and hash. The same content is stored once.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/text.h"
#include "market/accounts.h"
#include "market/doctype.h"
#include "market/listing.h"
#include "server/api_util.h"
#include "server/srv.h"

static const char *const types[] = {
    "application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv",
    "application/json", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel", "application/zip", "application/xml", NULL
};

/* The file at path hashes to hex (SHA-256): a damaged copy is replaced by
 * the next upload of the same content. */
static bool same_content(const char *path, const char *hex)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crypto_hash_sha256_update(&st, buf, n);
    bool ok = !ferror(f);
    fclose(f);
    unsigned char h[crypto_hash_sha256_BYTES];
    char got[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(got, sizeof got, h, sizeof h);
    return ok && strcmp(got, hex) == 0;
}

static int write_file(const char *dir, const char *hex, const char *data, size_t len,
                      struct mb_error *err)
{
    char path[700], tmp[720];
    snprintf(path, sizeof path, "%s/%s", dir, hex);
    struct stat sb;
    if (stat(path, &sb) == 0 && (size_t)sb.st_size == len && same_content(path, hex))
        return 0; /* the same content is there already */
    /* A temporary file of this request's own (mkstemp): two uploads of the
     * same content at once must not write into one file, or one would
     * truncate what the other is renaming into place. */
    snprintf(tmp, sizeof tmp, "%s/.tmp-%s-XXXXXX", dir, hex);
    int fd = mkstemp(tmp);
    if (fd >= 0)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fd < 0)
        return mb_error_set(err, MB_EIO, "body", "cannot store the document: %s",
                            MB_ERRNO_TEXT(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            unlink(tmp);
            return mb_error_set(err, MB_EIO, "body", "cannot store the document: %s",
                                MB_ERRNO_TEXT(errno));
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return mb_error_set(err, MB_EIO, "body", "cannot store the document: %s",
                            MB_ERRNO_TEXT(errno));
    }
    /* The new name durable too, before the record that points at it. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

static json_t *doc_json(const struct mb_document *d)
{
    char url[64];
    snprintf(url, sizeof url, "/api/documents/%lld", (long long)d->id);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o, s:s, s:s}", "id", (json_int_t)d->id,
                     "site_id", (json_int_t)d->site_id, "name", d->name, "mime", d->mime,
                     "sha256", d->sha256, "size", (json_int_t)d->size, "created",
                     mb_api_time(d->created), "url", url, "kind",
                     d->kind[0] ? d->kind : "other");
}

void mb_api_documents_add(struct mb_req *r, int64_t id)
{
    static const char *const q[] = { "name", "kind", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    /* Checked before the file is written, so a refusal leaves nothing;
     * checked again with the record, in its transaction. */
    struct mb_error err;
    if (mb_listing_check_change(r->st, &r->user, mb_api_path_family(r), id, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    const char *name = mb_req_query(r, "name");
    if (!name || !*name || strlen(name) > 150 || !mb_utf8_valid(name, strlen(name), NULL) ||
        strchr(name, '/') || strchr(name, '\\') || strchr(name, '"')) {
        mb_reply_error(r, 400, "invalid", "name",
                       "give the file name as ?name=, 1-150 bytes of UTF-8 without / \\ or \"");
        return;
    }
    if (mb_text_has_control(name, strlen(name), false)) {
        mb_reply_error(r, 400, "invalid", "name", "must not contain control characters");
        return;
    }
    char mime[96];
    mb_req_mime(r, mime, sizeof mime);
    bool known = false;
    for (size_t i = 0; types[i] && !known; i++)
        known = strcasecmp(types[i], mime) == 0;
    if (!known) {
        mb_reply_error(r, 415, "unsupported_media_type", "Content-Type",
                       "documents may be PDF, PNG, JPEG, text, CSV, JSON, XML, Excel or ZIP");
        return;
    }
    if (r->len == 0) {
        mb_reply_error(r, 400, "invalid", "body", "the document is empty");
        return;
    }
    /* The content must be what the type says (not the name's extension,
     * not the browser's guess); the kind must fit it. */
    const char *kind = mb_req_query(r, "kind");
    if (!kind)
        kind = "other";
    if (mb_doctype_check(mime, kind, r->body, r->len, &err) != 0) {
        if (strcmp(err.field, "body") == 0)
            mb_reply_error(r, 415, "unsupported_media_type", "body", "%s", err.message);
        else
            mb_reply_mb_error(r, &err);
        return;
    }
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)r->body, r->len);
    struct mb_document d = { 0 };
    sodium_bin2hex(d.sha256, sizeof d.sha256, h, sizeof h);
    d.site_id = id;
    d.size = (int64_t)r->len;
    mb_text_copy(d.name, sizeof d.name, name);
    mb_text_copy(d.mime, sizeof d.mime, mime);
    mb_text_copy(d.kind, sizeof d.kind, kind);
    /* File first, then the record: a crash between leaves an orphan file
     * (harmless), never a record without its file. */
    if (write_file(r->srv->files_dir, d.sha256, r->body, r->len, &err) != 0 ||
        mb_accounts_document_add(r->st, &r->user, mb_api_path_family(r), &d, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    snprintf(r->location, sizeof r->location, "/api/documents/%lld", (long long)d.id);
    mb_reply_json(r, 201, doc_json(&d));
}

void mb_api_documents_list(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    struct mb_site_rec rec;
    if (mb_api_site(r, id, &rec))
        return;
    mb_site_rec_release(&rec);
    struct mb_document *items;
    size_t n;
    struct mb_error err;
    if (mb_store_document_list(r->st, id, &items, &n, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, doc_json(&items[i]));
    free(items);
    mb_reply_json(r, 200, json_pack("{s:o}", "documents", a));
}

void mb_api_document_get(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    struct mb_document d;
    struct mb_error err;
    int rc = mb_store_document_get(r->st, id, &d, &err);
    if (rc && rc != MB_ENOTFOUND) {
        mb_reply_mb_error(r, &err);
        return;
    }
    /* A document of a site the caller may not see is "not found" in the
     * same words as a missing one, so that its existence does not leak. */
    struct mb_site_rec rec;
    if (rc == MB_ENOTFOUND ||
        mb_listing_get_visible(r->st, mb_api_who(r), d.site_id, &rec, &err) != 0) {
        mb_reply_error(r, 404, "not_found", "id", "no document %lld", (long long)id);
        return;
    }
    mb_site_rec_release(&rec);
    char path[700];
    snprintf(path, sizeof path, "%s/%s", r->srv->files_dir, d.sha256);
    FILE *f = fopen(path, "rb");
    if (!f) {
        mb_reply_error(r, 500, "internal", "id", "the document's file is missing");
        return;
    }
    char *data = mb_xmalloc((size_t)d.size + 1);
    size_t got = fread(data, 1, (size_t)d.size + 1, f);
    fclose(f);
    /* Served only as it was attached: the size and the SHA-256 the record
     * (and its audit entry) holds, so a file changed on disk is never
     * passed off as the document. */
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(h, (const unsigned char *)data, got);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    if (got != (size_t)d.size || strcmp(hex, d.sha256) != 0) {
        free(data);
        mb_reply_error(r, 500, "internal", "id", "the document's file is damaged: it is not "
                       "what was attached (size or SHA-256 differ)");
        return;
    }
    free(r->out);
    r->status = 200;
    r->out = data;
    r->out_len = got;
    /* The reply outlives d: point at the static name of the type. */
    r->out_type = "application/octet-stream";
    for (size_t i = 0; types[i]; i++)
        if (strcasecmp(types[i], d.mime) == 0)
            r->out_type = types[i];
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s\"", d.name);
}
