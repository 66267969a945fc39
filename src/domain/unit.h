/*
 * unit.h - amounts of mass in tonnes, solid m3 (fm3) and loose m3 (lm3).
 *
 * The engine counts in tonnes; users enter what they measure. A volume is
 * meaningless without its state, so a bare "m3" is refused with a hint
 * instead of being guessed. Conversions use the material's density
 * (t/fm3) and bulking factor (lm3/fm3):
 *     t = fm3 * density,   lm3 = fm3 * bulking,   pm3 = fm3 * placed.
 */
#ifndef MB_DOMAIN_UNIT_H
#define MB_DOMAIN_UNIT_H

#include "core/error.h"
#include "domain/material.h"

enum mb_unit {
    MB_UNIT_T,   /* tonnes */
    MB_UNIT_FM3, /* solid m3: in place, before digging or blasting */
    MB_UNIT_LM3, /* loose m3: as loaded on the truck */
    MB_UNIT_PM3, /* placed m3: compacted in a fill or landfill */
};

/* The largest amount any input may state, in any unit: 1e10 (ten billion
 * tonnes or m3, about fifty years of Norway's total). */
#define MB_AMOUNT_MAX 1e10

/* The smallest amount a listing, a deal or a load may state, in any unit:
 * 0.1 (a tenth of a tonne or m3, a wheelbarrow). Less, zero included, is
 * a typing error, not a lot to trade. */
#define MB_AMOUNT_MIN 0.1

/* Parse a unit name: t, tonn, tonne(s), fm3, fm³, pfm3, lm3, lm³, ulm3,
 * pm3, pm³, pam3 (case-insensitive). "m3" alone is MB_EINVAL with a hint. */
int mb_unit_parse(const char *s, enum mb_unit *out, const char *field,
                  struct mb_error *err);

/* Short symbol: "t", "fm3", "lm3", "pm3". */
const char *mb_unit_symbol(enum mb_unit u);

/* Convert `amount` (finite, 0..MB_AMOUNT_MAX) of material m from one unit
 * to another into *out. MB_EINVAL (naming "amount") if out of range. */
int mb_unit_convert(const struct mb_material *m, double amount,
                    enum mb_unit from, enum mb_unit to, double *out,
                    struct mb_error *err);

/* Check an amount entered by a user: finite, >= 0 and <= MB_AMOUNT_MAX. */
int mb_amount_check(double amount, const char *field, struct mb_error *err);

#endif
