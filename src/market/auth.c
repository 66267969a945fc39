/*
 * auth.c - password hashing and bearer tokens with libsodium (see auth.h).
 */
#include "market/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/text.h"

int mb_auth_init(struct mb_error *err)
{
    if (sodium_init() < 0)
        return mb_error_set(err, MB_EINTERNAL, "", "libsodium could not be initialised");
    return 0;
}

int mb_auth_hash_password(const char *password, char hash[MB_AUTH_HASH_SIZE],
                          struct mb_error *err)
{
    size_t n = strlen(password);
    if (n > 512)
        return mb_error_set(err, MB_EINVAL, "password", "must have at most 128 characters");
    if (!mb_utf8_valid(password, n, NULL))
        return mb_error_set(err, MB_EINVAL, "password", "is not valid UTF-8");
    /* OWASP ASVS 4.0.3 V2.1.1-2.1.2: 12 to 128 characters (not bytes: "æøå"
     * are one character each), any characters, spaces too. */
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)password[i] & 0xC0) != 0x80;
    if (chars < MB_AUTH_PASSWORD_MIN)
        return mb_error_set(err, MB_EINVAL, "password", "must have at least %d characters",
                            MB_AUTH_PASSWORD_MIN);
    if (chars > MB_AUTH_PASSWORD_MAX)
        return mb_error_set(err, MB_EINVAL, "password", "must have at most %d characters",
                            MB_AUTH_PASSWORD_MAX);
    _Static_assert(MB_AUTH_HASH_SIZE >= crypto_pwhash_STRBYTES, "hash buffer");
    if (crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return mb_error_set(err, MB_EIO, "password", "hashing ran out of memory");
    return 0;
}

bool mb_auth_check_password(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* A hash of a random password no one knows, made with the same cost as
 * real ones, so a sign-in with an unknown e-mail costs what a wrong
 * password costs. */
static char dummy_hash[MB_AUTH_HASH_SIZE];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[33];
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0'; /* out of memory: the verification below fails at once */
    sodium_memzero(pw, sizeof pw);
}

bool mb_auth_check_nobody(const char *password)
{
    pthread_once(&dummy_once, make_dummy);
    int rc = crypto_pwhash_str_verify(dummy_hash, password, strlen(password));
    (void)rc; /* never a match: nobody knows the dummy's password */
    return false;
}

void mb_auth_new_token(char token[MB_AUTH_TOKEN_SIZE])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token, MB_AUTH_TOKEN_SIZE, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void mb_auth_token_hash(const char *token, char hex[MB_AUTH_TOKEN_HASH_SIZE])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, MB_AUTH_TOKEN_HASH_SIZE, h, sizeof h);
}
