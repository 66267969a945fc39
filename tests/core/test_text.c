/*
 * test_text.c - number parsing as Norwegians write numbers, UTF-8
 * validation and case folding.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/text.h"

static double num(const char *s)
{
    double v = -999;
    struct mb_error err;
    cr_assert_eq(mb_parse_number(s, &v, "x", &err), 0, "'%s' should parse: %s", s,
                 err.message);
    return v;
}

static void bad(const char *s)
{
    double v = 12345;
    struct mb_error err;
    mb_error_clear(&err);
    cr_assert_eq(mb_parse_number(s, &v, "amount", &err), MB_EINVAL, "'%s' parsed", s);
    cr_assert_str_eq(err.field, "amount");
    cr_assert(strlen(err.message) > 0);
    cr_assert_eq(v, 12345, "value must be untouched on error");
}

Test(number, plain_and_decimal_comma)
{
    cr_assert_float_eq(num("12000"), 12000, 1e-9);
    cr_assert_float_eq(num("0,5"), 0.5, 1e-12);
    cr_assert_float_eq(num("0.5"), 0.5, 1e-12);
    cr_assert_float_eq(num("-3"), -3, 1e-12);
    cr_assert_float_eq(num("  7,25 "), 7.25, 1e-12);
    cr_assert_float_eq(num("1e3"), 1000, 1e-9);
    cr_assert_float_eq(num("2,5e-3"), 0.0025, 1e-15);
}

Test(number, digit_groups)
{
    cr_assert_float_eq(num("12 000"), 12000, 1e-9);
    cr_assert_float_eq(num("1 886 703"), 1886703, 1e-9);
    cr_assert_float_eq(num("12\xC2\xA0" "000"), 12000, 1e-9);      /* no-break space */
    cr_assert_float_eq(num("12\xE2\x80\xAF" "000,5"), 12000.5, 1e-9); /* narrow nbsp */
}

Test(number, rejects_garbage)
{
    bad("");
    bad("   ");
    bad("abc");
    bad("12a");
    bad("1,234.5");
    bad("1,2,3");
    bad("1.2.3");
    bad("inf");
    bad("nan");
    bad("0x10");
    bad("1e999");
    bad("--1");
    bad("1-");
    bad("e5");
    bad("12 000 x");
    bad(",");
}

Test(number, mixed_separators_message_explains)
{
    struct mb_error err;
    double v;
    mb_parse_number("1,234.5", &v, "amount", &err);
    cr_assert(strstr(err.message, "comma") != NULL, "%s", err.message);
}

Test(utf8, valid_and_invalid)
{
    size_t bad_at = 0;
    cr_assert(mb_utf8_valid("Bærum Ås Tromsø", strlen("Bærum Ås Tromsø"), NULL));
    cr_assert(mb_utf8_valid("\xF0\x9F\x9A\x9A", 4, NULL)); /* a truck emoji */
    cr_assert_not(mb_utf8_valid("ab\xC3", 3, &bad_at));    /* cut sequence */
    cr_assert_eq(bad_at, 2);
    cr_assert_not(mb_utf8_valid("\xC0\xAF", 2, NULL));      /* overlong '/' */
    cr_assert_not(mb_utf8_valid("\xED\xA0\x80", 3, NULL));  /* surrogate */
    cr_assert_not(mb_utf8_valid("\xF4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
    cr_assert_not(mb_utf8_valid("x\xFFy", 3, &bad_at));
    cr_assert_eq(bad_at, 1);
    cr_assert_not(mb_utf8_valid("B\xE6rum", 5, NULL));       /* Latin-1 'æ' */
}

Test(casecmp, folds_ascii_and_norwegian_letters)
{
    cr_assert_eq(mb_text_casecmp("bærum", "BÆRUM"), 0);
    cr_assert_eq(mb_text_casecmp("Tromsø", "TROMSØ"), 0);
    cr_assert_eq(mb_text_casecmp("Ås", "ås"), 0);
    cr_assert_neq(mb_text_casecmp("Ås", "As"), 0);
    cr_assert_neq(mb_text_casecmp("abc", "abcd"), 0);
    cr_assert_neq(mb_text_casecmp("×", "÷"), 0); /* U+00D7 is not a letter */
}

Test(copy, truncates_on_character_boundary)
{
    char buf[5];
    cr_assert(mb_text_copy(buf, sizeof buf, "abcd"));
    cr_assert_str_eq(buf, "abcd");
    cr_assert_not(mb_text_copy(buf, sizeof buf, "abcæ"));  /* 5 bytes: would split */
    cr_assert_str_eq(buf, "abc");
    cr_assert(mb_utf8_valid(buf, strlen(buf), NULL));
}

Test(trim, both_ends)
{
    char s[] = "  \t hei \n";
    cr_assert_str_eq(mb_text_trim(s), "hei");
}
