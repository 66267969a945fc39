/*
 * test_error.c - an error's words (core/error.h): the template it was
 * made from and each value, as the web front end words them in bokmål;
 * "*" widths and precisions read but not values; a message passed on as
 * "%s" keeping its words; no words when there are too many values.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/error.h"

Test(words, more_values_than_it_holds_give_no_words)
{
    struct mb_error err;
    mb_error_set(&err, MB_EINVAL, "amount", "%d %d %d %d %d %d %d %d %d", 1, 2, 3, 4, 5, 6, 7,
                 8, 9);
    cr_assert_str_eq(err.message, "1 2 3 4 5 6 7 8 9");
    cr_assert_null(err.words.tmpl, "nine values are more than MB_WORDS_MAX: no words");
    cr_assert_eq(err.words.n, 0);
}

Test(words, every_kind_of_conversion)
{
    struct mb_error err;
    mb_error_set(&err, MB_EINVAL, "amount", "(%s, %zu, %lld, %u, %c, %g%%, %x)", "Euro VI",
                 (size_t)7, -12LL, 3u, 'x', 0.25, 255u);
    cr_assert_str_eq(err.message, "(Euro VI, 7, -12, 3, x, 0.25%, ff)");
    cr_assert_str_eq(err.words.tmpl, "(%s, %zu, %lld, %u, %c, %g%%, %x)");
    cr_assert_eq(err.words.n, 7);
    const char kinds[] = "snnnsns";
    const char *texts[] = { "Euro VI", "7", "-12", "3", "x", "0.25", "ff" };
    for (int i = 0; i < 7; i++) {
        cr_assert_eq(err.words.v[i].kind, kinds[i], "value %d", i);
        cr_assert_str_eq(err.words.v[i].text, texts[i], "value %d", i);
    }
}

Test(words, values_keep_their_kind_and_precision)
{
    struct mb_error err;
    mb_error_set(&err, MB_EINVAL, "amount", "%.1f t of '%s' is more than %zu loads", 5000.04,
                 "stein", (size_t)7);
    cr_assert_str_eq(err.words.tmpl, "%.1f t of '%s' is more than %zu loads");
    cr_assert_eq(err.words.n, 3);
    cr_assert_eq(err.words.v[0].kind, 'n');
    cr_assert_float_eq(err.words.v[0].num, 5000.0, 1e-9, "rounded as the template writes it");
    cr_assert_eq(err.words.v[1].kind, 's');
    cr_assert_str_eq(err.words.v[1].text, "stein");
    cr_assert_eq(err.words.v[2].kind, 'n');
    cr_assert_float_eq(err.words.v[2].num, 7, 1e-12);
}

Test(words, star_width_and_precision_are_read_but_not_values)
{
    struct mb_error err;
    mb_error_set(&err, MB_EINVAL, "lat", "%.*f N %*d %.3s", 2, 63.4567, 5, 42, "abcdef");
    cr_assert_str_eq(err.message, "63.46 N    42 abc");
    cr_assert_eq(err.words.n, 3);
    cr_assert_float_eq(err.words.v[0].num, 63.46, 1e-9);
    cr_assert_float_eq(err.words.v[1].num, 42, 1e-9);
    cr_assert_str_eq(err.words.v[2].text, "abc");
}

Test(words, a_message_passed_on_keeps_its_words)
{
    struct mb_error inner, outer;
    mb_error_set(&inner, MB_EINVAL, "material", "unknown material '%s'", "stein");
    mb_error_set(&outer, MB_EINVAL, "row 3", "%s", inner.message);
    cr_assert_str_eq(outer.message, "unknown material 'stein'");
    cr_assert_str_eq(outer.words.tmpl, "unknown material '%s'");
    cr_assert_eq(outer.words.n, 1);
    cr_assert_str_eq(outer.words.v[0].text, "stein");
    /* A "%s" of text that was no message is a template of its own. */
    mb_error_set(&outer, MB_EINVAL, "x", "%s", "free text");
    cr_assert_str_eq(outer.words.tmpl, "%s");
    cr_assert_str_eq(outer.words.v[0].text, "free text");
}

Test(words, clear_forgets_them)
{
    struct mb_error err;
    mb_error_set(&err, MB_EINVAL, "a", "is %d", 1);
    mb_error_clear(&err);
    cr_assert_null(err.words.tmpl);
    cr_assert_eq(err.words.n, 0);
}
