/*
 * test_text.c - number parsing as Norwegians write numbers (and the
 * ambiguous ones refused), UTF-8 validation, case folding and cutting
 * text on character boundaries.
 */
#include <criterion/criterion.h>
#include <math.h>
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

/* Refusal whose message contains `want`. */
static void bad_says(const char *s, const char *want)
{
    double v = 12345;
    struct mb_error err;
    mb_error_clear(&err);
    cr_assert_eq(mb_parse_number(s, &v, "amount", &err), MB_EINVAL, "'%s' parsed", s);
    cr_assert(strstr(err.message, want), "'%s': '%s' lacks '%s'", s, err.message, want);
    cr_assert(mb_utf8_valid(err.message, strlen(err.message), NULL));
    cr_assert_eq(v, 12345, "value must be untouched on error");
}

Test(number, digit_groups_have_three_digits)
{
    /* W1: "1 5" is two numbers, not 15. */
    bad_says("1 5", "groups of three");
    bad_says("5 6", "groups of three");
    bad_says("12 00", "groups of three");
    bad_says("1 0000", "groups of three");
    bad_says("1234 567", "groups of three");
    bad_says("12 000 5", "groups of three");
    bad_says("0,5 9", "before the decimal mark");
    bad_says("12 000,000 5", "before the decimal mark");
    cr_assert_float_eq(num("1 886 703"), 1886703, 1e-9);
    cr_assert_float_eq(num("12 000,5"), 12000.5, 1e-9);
    cr_assert_float_eq(num("-1 000"), -1000, 1e-9);
}

Test(number, comma_before_three_digits_is_ambiguous)
{
    /* W2: English thousands or Norwegian decimals? Refuse and show both. */
    bad_says("1,500", "1500");
    bad_says("1,500", "1.5");
    bad_says("12,500", "12500");
    bad_says("12,500", "12.5");
    bad_says("-1,250", "-1.25");
    bad_says("520,000", "ambiguous");
    bad_says("1,500e3", "ambiguous");
    cr_assert_float_eq(num("0,500"), 0.5, 1e-12);
    cr_assert_float_eq(num("1,5"), 1.5, 1e-12);
    cr_assert_float_eq(num("1,50"), 1.5, 1e-12);
    cr_assert_float_eq(num("1,5000"), 1.5, 1e-12);
    cr_assert_float_eq(num("1.500"), 1.5, 1e-12);
    cr_assert_float_eq(num("1500,250"), 1500.25, 1e-9);
    cr_assert_float_eq(num("1 234,567"), 1234.567, 1e-9);
    bad_says("1,234,567", "spaces");
}

Test(number, too_small_too_large_too_long)
{
    /* M1: not "is not a number" for these. */
    bad_says("1e-400", "too small");
    bad_says("4e-320", "too small");
    bad_says("1e999", "too large");
    bad_says("-1e999", "too large");
    char digits[101];
    memset(digits, '7', 100);
    digits[100] = '\0';
    bad_says(digits, "too many digits");
    char tiny[80] = "0,";
    memset(tiny + 2, '0', 70);
    tiny[72] = '1';
    tiny[73] = '\0';
    bad_says(tiny, "too many digits");
    cr_assert_float_eq(num("1e-300"), 1e-300, 1e-310);
    cr_assert_eq(num("0e-400"), 0);
}

Test(number, white_space_around)
{
    /* N1: a trailing tab or no-break space, as spreadsheets paste them. */
    cr_assert_float_eq(num("5\t"), 5, 1e-12);
    cr_assert_float_eq(num("\t5"), 5, 1e-12);
    cr_assert_float_eq(num("5\xC2\xA0"), 5, 1e-12);
    cr_assert_float_eq(num("\xC2\xA0" "12 000\xE2\x80\xAF"), 12000, 1e-12);
    cr_assert_float_eq(num("5\r\n"), 5, 1e-12);
    bad("5\t6");
}

Test(number, negative_zero_is_zero)
{
    /* W5: -0 must not print as "-0". */
    cr_assert_not(signbit(num("-0")));
    cr_assert_not(signbit(num("-0,0")));
    cr_assert_not(signbit(num("-0e5")));
    cr_assert(signbit(num("-0,5")));
}

Test(number, custom_description_keeps_specific_messages)
{
    struct mb_error err;
    double v;
    cr_assert_eq(mb_parse_number_as("abc", &v, "Pb", "a concentration", &err), MB_EINVAL);
    cr_assert_str_eq(err.message, "'abc' is not a concentration");
    cr_assert_str_eq(err.field, "Pb");
    cr_assert_eq(mb_parse_number_as("1,500", &v, "Pb", "a concentration", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "ambiguous"), "%s", err.message);
}

Test(number, long_text_cut_on_character_boundary)
{
    /* M6: 'xææææ...' quoted in the message is cut between characters. */
    char s[128] = "x";
    for (int i = 0; i < 30; i++)
        memcpy(s + 1 + 2 * i, "\xC3\xA6", 3);
    struct mb_error err;
    double v;
    cr_assert_eq(mb_parse_number(s, &v, "Pb", &err), MB_EINVAL);
    cr_assert(mb_utf8_valid(err.message, strlen(err.message), NULL), "%s", err.message);
    cr_assert(strstr(err.message, "...' is not a number"), "%s", err.message);
}

Test(clip, cuts_between_characters_and_marks_the_cut)
{
    char q[12]; /* at most 8 bytes of text + "..." */
    cr_assert_str_eq(mb_text_clip(q, sizeof q, "short"), "short");
    cr_assert_str_eq(mb_text_clip(q, sizeof q, "12345678"), "12345678");
    cr_assert_str_eq(mb_text_clip(q, sizeof q, "123456789"), "12345678...");
    /* 'æ' is 2 bytes: 4 fit in 8, the 5th would be split. */
    cr_assert_str_eq(mb_text_clip(q, sizeof q, "x\xC3\xA6\xC3\xA6\xC3\xA6\xC3\xA6\xC3\xA6"),
                     "x\xC3\xA6\xC3\xA6\xC3\xA6...");
    cr_assert(mb_utf8_valid(q, strlen(q), NULL));
    /* A 4-byte character that does not fit is left out whole. */
    cr_assert_str_eq(mb_text_clip(q, sizeof q, "abcdef\xF0\x9F\x9A\x9A"), "abcdef...");
    char tiny[4];
    cr_assert_str_eq(mb_text_clip(tiny, sizeof tiny, "abc"), "...");
    cr_assert_str_eq(mb_text_clip(tiny, sizeof tiny, ""), "");
}

Test(text, control_characters_of_every_kind)
{
    static const char *const bad[] = { "a\x01", "a\x7f", "a\xc2\x85" "b", "a\xc2\x9b",
                                       "\xe2\x80\xae" "fdp.exe", "a\xe2\x80\xaa", "a\xe2\x81\xa6",
                                       "a\xe2\x81\xa9", "a\tb" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect(mb_text_has_control(bad[i], strlen(bad[i]), false), "case %zu", i);
    static const char *const good[] = { "Bærum – Øst", "a\xc2\xa0" "b", "a\xe2\x80\x94" "b",
                                        "a\xe2\x81\xa0", "\xe2\x80\xaf" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        cr_expect_not(mb_text_has_control(good[i], strlen(good[i]), false), "case %zu", i);
    cr_expect_not(mb_text_has_control("a\nb\tc\r", 6, true));
    cr_expect(mb_text_has_control("a\0b", 3, true), "NUL");
}
