/*
 * auth.h - passwords and bearer tokens, with libsodium.
 *
 * Passwords are stored as argon2id strings (crypto_pwhash_str, the
 * "interactive" limits). A bearer token is 32 random bytes in base64url;
 * only its BLAKE2b-256 hash (hex) is stored, so a copy of the database
 * gives nobody a working token.
 */
#ifndef MB_MARKET_AUTH_H
#define MB_MARKET_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define MB_AUTH_HASH_SIZE 128   /* >= crypto_pwhash_STRBYTES */
#define MB_AUTH_TOKEN_SIZE 48   /* base64url of 32 bytes + NUL */
#define MB_AUTH_TOKEN_HASH_SIZE 65

/* Initialise libsodium (safe to call more than once). 0 or MB_EINTERNAL. */
int mb_auth_init(struct mb_error *err);

/* Password length in characters (OWASP ASVS 4.0.3 V2.1.1-2.1.2). */
#define MB_AUTH_PASSWORD_MIN 12
#define MB_AUTH_PASSWORD_MAX 128

/* Hash a password of MB_AUTH_PASSWORD_MIN to MB_AUTH_PASSWORD_MAX
 * characters of valid UTF-8 ("password" names the field in errors). */
int mb_auth_hash_password(const char *password, char hash[MB_AUTH_HASH_SIZE],
                          struct mb_error *err);

/* True when the password matches the stored hash. */
bool mb_auth_check_password(const char *hash, const char *password);

/* Spend the time of mb_auth_check_password on a password for an account
 * that does not exist (against a hash of a random password, made once),
 * so the answer's time does not tell whether an e-mail has an account.
 * Always false. */
bool mb_auth_check_nobody(const char *password);

/* A new random token, and the hash of a token. */
void mb_auth_new_token(char token[MB_AUTH_TOKEN_SIZE]);
void mb_auth_token_hash(const char *token, char hex[MB_AUTH_TOKEN_HASH_SIZE]);

#endif
