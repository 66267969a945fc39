/*
 * unit.c - parsing units and converting amounts (see unit.h).
 */
#include "domain/unit.h"

#include <math.h>
#include <string.h>

#include "core/text.h"

static const struct {
    const char *name;
    enum mb_unit unit;
} names[] = {
    { "t", MB_UNIT_T },       { "tonn", MB_UNIT_T },   { "tonne", MB_UNIT_T },
    { "tonnes", MB_UNIT_T },  { "tonns", MB_UNIT_T },  { "tons", MB_UNIT_T },
    { "fm3", MB_UNIT_FM3 },   { "fm³", MB_UNIT_FM3 },  { "pfm3", MB_UNIT_FM3 },
    { "ufm3", MB_UNIT_FM3 },  { "lm3", MB_UNIT_LM3 },  { "lm³", MB_UNIT_LM3 },
    { "ulm3", MB_UNIT_LM3 },  { "pm3", MB_UNIT_PM3 },  { "pm³", MB_UNIT_PM3 },
    { "pam3", MB_UNIT_PM3 },
};

int mb_unit_parse(const char *s, enum mb_unit *out, const char *field,
                  struct mb_error *err)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (mb_text_casecmp(s, names[i].name) == 0) {
            *out = names[i].unit;
            return 0;
        }
    }
    if (mb_text_casecmp(s, "m3") == 0 || mb_text_casecmp(s, "m³") == 0)
        return mb_error_set(err, MB_EINVAL, field, "'%s' does not say the state of "
            "the mass: use fm3 (solid, in place), lm3 (loose, on the truck) or pm3 "
            "(placed and compacted)", s);
    return mb_error_set(err, MB_EINVAL, field, "unknown unit '%.40s'; use t, fm3, "
                        "lm3 or pm3", s);
}

const char *mb_unit_symbol(enum mb_unit u)
{
    switch (u) {
    case MB_UNIT_T: return "t";
    case MB_UNIT_FM3: return "fm3";
    case MB_UNIT_LM3: return "lm3";
    case MB_UNIT_PM3: return "pm3";
    }
    return "?";
}

int mb_amount_check(double amount, const char *field, struct mb_error *err)
{
    if (!isfinite(amount))
        return mb_error_set(err, MB_EINVAL, field, "must be a finite number");
    if (amount < 0)
        return mb_error_set(err, MB_EINVAL, field, "must not be negative (got %g)",
                            amount);
    if (amount > MB_AMOUNT_MAX)
        return mb_error_set(err, MB_EINVAL, field, "%g is more than the largest "
                            "amount accepted (%g)", amount, MB_AMOUNT_MAX);
    return 0;
}

int mb_unit_convert(const struct mb_material *m, double amount,
                    enum mb_unit from, enum mb_unit to, double *out,
                    struct mb_error *err)
{
    int rc = mb_amount_check(amount, "amount", err);
    if (rc)
        return rc;
    double fm3;
    switch (from) {
    case MB_UNIT_T: fm3 = amount / m->density; break;
    case MB_UNIT_FM3: fm3 = amount; break;
    case MB_UNIT_LM3: fm3 = amount / m->bulking; break;
    case MB_UNIT_PM3: fm3 = amount / m->placed; break;
    default: return mb_error_set(err, MB_EINVAL, "from", "unknown unit");
    }
    switch (to) {
    case MB_UNIT_T: *out = fm3 * m->density; break;
    case MB_UNIT_FM3: *out = fm3; break;
    case MB_UNIT_LM3: *out = fm3 * m->bulking; break;
    case MB_UNIT_PM3: *out = fm3 * m->placed; break;
    default: return mb_error_set(err, MB_EINVAL, "to", "unknown unit");
    }
    if (from == to)
        *out = amount; /* exact, no round trip through fm3 */
    return 0;
}
