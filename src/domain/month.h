/*
 * month.h - calendar months, the time unit of the market and the planner.
 *
 * A month is written "YYYY-MM" and held as a serial number
 * (year * 12 + month - 1), so month arithmetic is integer arithmetic. A
 * window is inclusive at both ends: 2026-03..2026-05 is three months.
 */
#ifndef MB_DOMAIN_MONTH_H
#define MB_DOMAIN_MONTH_H

#include "core/error.h"

/* Years accepted anywhere: 1900-2200. */
#define MB_YEAR_MIN 1900
#define MB_YEAR_MAX 2200

/* Parse "YYYY-MM" into a serial month. MB_EINVAL naming `field` otherwise. */
int mb_month_parse(const char *s, int *serial, const char *field,
                   struct mb_error *err);

/* Format a serial month as "YYYY-MM" into buf (at least 8 bytes). */
void mb_month_format(int serial, char *buf);

static inline int mb_month_year(int serial) { return serial / 12; }

#endif
