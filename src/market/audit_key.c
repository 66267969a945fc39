/*
 * audit_key.c - the audit log's Ed25519 key file and signed heads (see
 * audit_key.h).
 */
#include "market/audit_key.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/text.h"

#define KEY_MAGIC "massebank-audit-key/1"
#define HEAD_FORMAT "massebank-audit-head/1"

bool mb_audit_key_path(const char *db, char *buf, size_t size)
{
    if (!db || !db[0])
        return false;
    int n = snprintf(buf, size, "%s.key", db);
    return n > 0 && (size_t)n < size;
}

static bool hex_to(const char *hex, unsigned char *out, size_t n)
{
    size_t got = 0;
    return hex && strlen(hex) == 2 * n &&
           sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 && got == n;
}

bool mb_audit_key_parse_public(const char *hex, unsigned char pk[32])
{
    return hex_to(hex, pk, 32);
}

void mb_audit_key_public_hex(const unsigned char pk[32], char out[65])
{
    sodium_bin2hex(out, 65, pk, 32);
}

static int read_key(const char *path, struct mb_audit_key *k, struct mb_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return mb_error_set(err, MB_EIO, "key", "cannot read %s: %s", path,
                            MB_ERRNO_TEXT(errno));
    char magic[64] = "", pub[80] = "", sec[160] = "";
    long long since = 1;
    int ok = fscanf(f, "%63s public %79s secret %159s since %lld", magic, pub, sec, &since);
    fclose(f);
    k->since = since >= 1 ? since : 1;
    if (ok < 2 || strcmp(magic, KEY_MAGIC) != 0 || !hex_to(pub, k->pk, 32))
        return mb_error_set(err, MB_EINVAL, "key", "%s is not a massebank audit key file",
                            path);
    k->has_secret = ok >= 3 && hex_to(sec, k->sk, 64);
    sodium_memzero(sec, sizeof sec);
    if (k->has_secret) {
        unsigned char pk[32];
        crypto_sign_ed25519_sk_to_pk(pk, k->sk);
        if (memcmp(pk, k->pk, 32) != 0)
            return mb_error_set(err, MB_EINVAL, "key", "%s: the secret key does not belong to "
                                "its public key", path);
    }
    return 0;
}

int mb_audit_key_load(const char *path, bool create, int64_t since, struct mb_audit_key *key,
                      bool *found, struct mb_error *err)
{
    memset(key, 0, sizeof *key);
    *found = false;
    if (access(path, F_OK) == 0) {
        *found = true;
        return read_key(path, key, err);
    }
    if (!create)
        return 0;
    crypto_sign_keypair(key->pk, key->sk);
    key->has_secret = true;
    key->since = since >= 1 ? since : 1;
    char pub[65], sec[129];
    sodium_bin2hex(pub, sizeof pub, key->pk, 32);
    sodium_bin2hex(sec, sizeof sec, key->sk, 64);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        sodium_memzero(sec, sizeof sec);
        if (errno == EEXIST) { /* another process made it first: use that one */
            *found = true;
            return read_key(path, key, err);
        }
        return mb_error_set(err, MB_EIO, "key", "cannot create %s: %s", path,
                            MB_ERRNO_TEXT(errno));
    }
    char text[256];
    int n = snprintf(text, sizeof text, KEY_MAGIC "\npublic %s\nsecret %s\nsince %lld\n", pub,
                     sec, (long long)key->since);
    sodium_memzero(sec, sizeof sec);
    bool ok = n > 0 && write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    sodium_memzero(text, sizeof text);
    if (close(fd) != 0)
        ok = false;
    if (!ok) {
        unlink(path);
        return mb_error_set(err, MB_EIO, "key", "cannot write %s", path);
    }
    *found = true;
    return 0;
}

/* Keys of this process by database file (a handful at most), in a list
 * that lives as long as the process: a key handed out is never moved. */
static struct cached {
    struct cached *next;
    char db[1024];
    struct mb_audit_key key;
} *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

const struct mb_audit_key *mb_audit_key_for(const char *db, int64_t seq, struct mb_error *err)
{
    char path[1100];
    if (!mb_audit_key_path(db, path, sizeof path) || strlen(db) >= sizeof cache->db)
        return NULL;
    pthread_mutex_lock(&cache_lock);
    const struct mb_audit_key *k = NULL;
    for (struct cached *c = cache; c && !k; c = c->next)
        if (strcmp(c->db, db) == 0)
            k = &c->key;
    if (!k) {
        struct cached *c = mb_xcalloc(1, sizeof *c);
        bool found;
        if (mb_audit_key_load(path, true, seq, &c->key, &found, err) == 0 && c->key.has_secret) {
            mb_text_copy(c->db, sizeof c->db, db);
            c->next = cache;
            cache = c;
            k = &c->key;
        } else {
            if (found && !c->key.has_secret)
                mb_error_set(err, MB_EINVAL, "key", "%s holds no secret key: entries cannot "
                             "be signed", path);
            sodium_memzero(c, sizeof *c);
            free(c);
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return k;
}

void mb_audit_key_sign(const struct mb_audit_key *k, const char *hash, char sig[129])
{
    unsigned char s[crypto_sign_BYTES];
    crypto_sign_detached(s, NULL, (const unsigned char *)hash, strlen(hash), k->sk);
    sodium_bin2hex(sig, 129, s, sizeof s);
}

bool mb_audit_key_check(const unsigned char pk[32], const char *hash, const char *sig)
{
    unsigned char s[crypto_sign_BYTES];
    return hex_to(sig, s, sizeof s) &&
           crypto_sign_verify_detached(s, (const unsigned char *)hash, strlen(hash), pk) == 0;
}

static void head_message(char *buf, size_t size, int64_t seq, const char *hash, const char *at)
{
    snprintf(buf, size, HEAD_FORMAT "\n%lld\n%s\n%s\n", (long long)seq, hash, at);
}

json_t *mb_audit_head_json(const struct mb_audit_key *k, int64_t seq, const char *hash,
                           int64_t at)
{
    char when[32] = "", msg[256], pub[65];
    time_t t = (time_t)at;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    head_message(msg, sizeof msg, seq, hash, when);
    unsigned char s[crypto_sign_BYTES];
    char sig[129];
    crypto_sign_detached(s, NULL, (const unsigned char *)msg, strlen(msg), k->sk);
    sodium_bin2hex(sig, sizeof sig, s, sizeof s);
    mb_audit_key_public_hex(k->pk, pub);
    return json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "format", HEAD_FORMAT, "seq",
                     (json_int_t)seq, "hash", hash, "at", when, "public_key", pub, "signature",
                     sig);
}

int mb_audit_head_parse(json_t *j, struct mb_audit_head *h, struct mb_error *err)
{
    memset(h, 0, sizeof *h);
    const char *format = json_string_value(json_object_get(j, "format"));
    json_t *seq = json_object_get(j, "seq");
    const char *hash = json_string_value(json_object_get(j, "hash"));
    const char *at = json_string_value(json_object_get(j, "at"));
    const char *pub = json_string_value(json_object_get(j, "public_key"));
    const char *sig = json_string_value(json_object_get(j, "signature"));
    if (!json_is_object(j) || !format || strcmp(format, HEAD_FORMAT) != 0)
        return mb_error_set(err, MB_EINVAL, "format", "is not a massebank audit head (format "
                            "\"" HEAD_FORMAT "\")");
    if (!json_is_integer(seq) || json_integer_value(seq) < 0)
        return mb_error_set(err, MB_EINVAL, "seq", "must be a whole number >= 0");
    unsigned char hb[32];
    if (!hash || !hex_to(hash, hb, 32))
        return mb_error_set(err, MB_EINVAL, "hash", "must be 64 hex digits");
    if (!at || strlen(at) >= sizeof h->at)
        return mb_error_set(err, MB_EINVAL, "at", "must be a UTC time");
    if (!pub || !hex_to(pub, h->pk, 32))
        return mb_error_set(err, MB_EINVAL, "public_key", "must be 64 hex digits");
    h->seq = (int64_t)json_integer_value(seq);
    mb_text_copy(h->hash, sizeof h->hash, hash);
    mb_text_copy(h->at, sizeof h->at, at);
    char msg[256];
    head_message(msg, sizeof msg, h->seq, h->hash, h->at);
    unsigned char s[crypto_sign_BYTES];
    if (!sig || !hex_to(sig, s, sizeof s) ||
        crypto_sign_verify_detached(s, (const unsigned char *)msg, strlen(msg), h->pk) != 0)
        return mb_error_set(err, MB_EINVAL, "signature", "does not match the head: it was "
                            "changed or not signed with public_key");
    return 0;
}
