/*
 * test_unit.c - conversions between t, fm3 and lm3, and unit parsing.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "domain/material.h"
#include "domain/unit.h"

static struct mb_catalog cat;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_catalog_init(&cat, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    mb_catalog_release(&cat);
}

TestSuite(unit, .init = setup, .fini = teardown);

static double conv(const char *code, double v, enum mb_unit from, enum mb_unit to)
{
    double out = -1;
    struct mb_error err;
    cr_assert_eq(mb_unit_convert(mb_catalog_find(&cat, code), v, from, to, &out, &err),
                 0, "%s", err.message);
    return out;
}

Test(unit, issue_example_lm3_rock_to_tonnes)
{
    /* 12000 lm3 / 1.50 = 8000 fm3; x 2.70 t/fm3 = 21600 t */
    cr_assert_float_eq(conv("rock.blasted", 12000, MB_UNIT_LM3, MB_UNIT_T), 21600, 1e-6);
    cr_assert_float_eq(conv("rock.blasted", 21600, MB_UNIT_T, MB_UNIT_LM3), 12000, 1e-6);
    cr_assert_float_eq(conv("rock.blasted", 8000, MB_UNIT_FM3, MB_UNIT_T), 21600, 1e-6);
    cr_assert_float_eq(conv("soil.clay", 1000, MB_UNIT_FM3, MB_UNIT_LM3), 1300, 1e-6);
    cr_assert_float_eq(conv("soil.clay", 1000, MB_UNIT_FM3, MB_UNIT_T), 1900, 1e-6);
}

Test(unit, round_trips_every_material)
{
    for (size_t i = 0; i < cat.n; i++)
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double x, y;
                mb_unit_convert(&cat.items[i], 1234.5, a, b, &x, NULL);
                mb_unit_convert(&cat.items[i], x, b, a, &y, NULL);
                cr_assert_float_eq(y, 1234.5, 1e-9, "%s %d->%d", cat.items[i].code, a, b);
            }
}

Test(unit, zero_and_same_unit_exact)
{
    cr_assert_eq(conv("soil.peat", 0, MB_UNIT_LM3, MB_UNIT_T), 0);
    cr_assert_eq(conv("soil.peat", 0.1, MB_UNIT_LM3, MB_UNIT_LM3), 0.1);
}

Test(unit, bad_amounts)
{
    const struct mb_material *m = mb_catalog_find(&cat, "rock.blasted");
    struct mb_error err;
    double out = 7;
    cr_assert_eq(mb_unit_convert(m, -1, MB_UNIT_T, MB_UNIT_FM3, &out, &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "amount");
    cr_assert(strstr(err.message, "negative"));
    cr_assert_eq(mb_unit_convert(m, NAN, MB_UNIT_T, MB_UNIT_FM3, &out, &err), MB_EINVAL);
    cr_assert_eq(mb_unit_convert(m, INFINITY, MB_UNIT_T, MB_UNIT_FM3, &out, &err), MB_EINVAL);
    cr_assert_eq(mb_unit_convert(m, 2e10, MB_UNIT_T, MB_UNIT_FM3, &out, &err), MB_EINVAL);
    cr_assert_eq(out, 7, "output untouched on error");
}

Test(unit, parse_names)
{
    enum mb_unit u;
    struct mb_error err;
    static const struct { const char *s; enum mb_unit u; } ok[] = {
        { "t", MB_UNIT_T }, { "tonn", MB_UNIT_T }, { "Tonnes", MB_UNIT_T },
        { "fm3", MB_UNIT_FM3 }, { "FM3", MB_UNIT_FM3 }, { "fm³", MB_UNIT_FM3 },
        { "pfm3", MB_UNIT_FM3 }, { "lm3", MB_UNIT_LM3 }, { "lm³", MB_UNIT_LM3 },
        { "ulm3", MB_UNIT_LM3 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        cr_assert_eq(mb_unit_parse(ok[i].s, &u, "unit", &err), 0, "%s", ok[i].s);
        cr_assert_eq(u, ok[i].u, "%s", ok[i].s);
    }
    cr_assert_eq(mb_unit_parse("m3", &u, "unit", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "fm3") && strstr(err.message, "lm3"), "%s", err.message);
    cr_assert_eq(mb_unit_parse("kg", &u, "unit", &err), MB_EINVAL);
    cr_assert_str_eq(err.field, "unit");
    cr_assert_eq(mb_unit_parse("", &u, "unit", &err), MB_EINVAL);
    cr_assert_str_eq(mb_unit_symbol(MB_UNIT_LM3), "lm3");
}
