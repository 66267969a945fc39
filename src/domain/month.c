/*
 * month.c - parsing and formatting "YYYY-MM" months (see month.h).
 */
#include "domain/month.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int mb_month_parse(const char *s, int *serial, const char *field,
                   struct mb_error *err)
{
    if (!s || strlen(s) != 7 || s[4] != '-')
        goto bad;
    for (int i = 0; i < 7; i++)
        if (i != 4 && !isdigit((unsigned char)s[i]))
            goto bad;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    if (m < 1 || m > 12)
        return mb_error_set(err, MB_EINVAL, field, "month %02d does not exist in '%s'",
                            m, s);
    if (y < MB_YEAR_MIN || y > MB_YEAR_MAX)
        return mb_error_set(err, MB_EINVAL, field, "year %d is outside %d-%d", y,
                            MB_YEAR_MIN, MB_YEAR_MAX);
    *serial = y * 12 + m - 1;
    return 0;
bad:
    return mb_error_set(err, MB_EINVAL, field, "'%.20s' is not a month; write "
                        "YYYY-MM, e.g. 2026-03", s ? s : "");
}

void mb_month_format(int serial, char *buf)
{
    snprintf(buf, 8, "%04d-%02d", serial / 12, serial % 12 + 1);
}
