/*
 * test_auth.c - passwords and tokens (market/auth.c).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "market/auth.h"

Test(auth, password_round_trip)
{
    struct mb_error err;
    char hash[MB_AUTH_HASH_SIZE];
    cr_assert_eq(mb_auth_init(&err), 0);
    cr_assert_eq(mb_auth_hash_password("korrekt hest batteri", hash, &err), 0);
    cr_assert(strncmp(hash, "$argon2id$", 10) == 0, "hash %s", hash);
    cr_assert(mb_auth_check_password(hash, "korrekt hest batteri"));
    cr_assert_not(mb_auth_check_password(hash, "korrekt hest batteri "));
    cr_assert_not(mb_auth_check_password(hash, ""));
}

Test(auth, password_rules)
{
    struct mb_error err;
    char hash[MB_AUTH_HASH_SIZE];
    cr_assert_eq(mb_auth_init(&err), 0);
    cr_assert_eq(mb_auth_hash_password("kort", hash, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "password");
    cr_assert_eq(mb_auth_hash_password("gyldig\xff\xfe passord", hash, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "UTF-8"));
    /* 12 to 128 characters, counted as characters: eleven letters of
     * which three take two bytes each are still too few. */
    cr_assert_eq(mb_auth_hash_password("blåbærsyltø", hash, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "at least 12"), "%s", err.message);
    cr_assert_eq(mb_auth_hash_password("blåbærsyltøy", hash, &err), 0, "%s", err.message);
    char long_pw[260];
    memset(long_pw, 'x', 129);
    long_pw[129] = '\0';
    cr_assert_eq(mb_auth_hash_password(long_pw, hash, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "at most 128"), "%s", err.message);
    long_pw[128] = '\0';
    cr_assert_eq(mb_auth_hash_password(long_pw, hash, &err), 0, "%s", err.message);
}

Test(auth, tokens_are_random_and_hashed)
{
    struct mb_error err;
    cr_assert_eq(mb_auth_init(&err), 0);
    char a[MB_AUTH_TOKEN_SIZE], b[MB_AUTH_TOKEN_SIZE];
    mb_auth_new_token(a);
    mb_auth_new_token(b);
    cr_assert_eq(strlen(a), 43);
    cr_assert_str_neq(a, b);
    char ha[MB_AUTH_TOKEN_HASH_SIZE], ha2[MB_AUTH_TOKEN_HASH_SIZE], hb[MB_AUTH_TOKEN_HASH_SIZE];
    mb_auth_token_hash(a, ha);
    mb_auth_token_hash(a, ha2);
    mb_auth_token_hash(b, hb);
    cr_assert_eq(strlen(ha), 64);
    cr_assert_str_eq(ha, ha2);
    cr_assert_str_neq(ha, hb);
    cr_assert(strstr(ha, a) == NULL);
}
