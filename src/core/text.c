/*
 * text.c - UTF-8 validation, number parsing and case folding (see text.h).
 *
 * Norwegian labs and spreadsheets write "0,5" for one half and "12 000"
 * for twelve thousand; these helpers accept both and reject anything
 * ambiguous, so a mistyped figure becomes an error, never a wrong number.
 */
#include "core/text.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool mb_utf8_valid(const char *s, size_t n, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            goto fail;
        }
        if (i + len > n)
            goto fail;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                goto fail;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            goto fail;
        i += len;
    }
    return true;
fail:
    if (bad)
        *bad = i;
    return false;
}

/* Length of a digit-group separator at p (space, U+00A0, U+202F), or 0. */
static size_t group_sep(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == ' ')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] == 0xAF)
        return 3;
    return 0;
}

int mb_parse_number(const char *s, double *out, const char *field,
                    struct mb_error *err)
{
    char buf[64];
    size_t n = 0;
    const char *p = s;
    if (!s)
        return mb_error_set(err, MB_EINVAL, field, "a number is required");
    while (*p && isspace((unsigned char)*p))
        p++;
    if (!*p)
        return mb_error_set(err, MB_EINVAL, field, "a number is required");
    int commas = 0, points = 0;
    bool prev_digit = false;
    while (*p) {
        size_t g = group_sep(p);
        if (g) {
            /* A separator counts only between two digits; trailing space ends. */
            const char *q = p + g;
            if (prev_digit && isdigit((unsigned char)*q)) {
                p = q;
                continue;
            }
            while (*p && isspace((unsigned char)*p))
                p++;
            if (*p)
                goto bad;
            break;
        }
        char c = *p;
        if (c == ',') {
            commas++;
            c = '.';
        } else if (c == '.') {
            points++;
        } else if (!(isdigit((unsigned char)c) || c == '+' || c == '-' ||
                     c == 'e' || c == 'E')) {
            goto bad;
        }
        prev_digit = isdigit((unsigned char)c);
        if (n + 1 >= sizeof buf)
            goto bad;
        buf[n++] = c;
        p++;
    }
    buf[n] = '\0';
    if (commas + points > 1) {
        if (commas && points)
            return mb_error_set(err, MB_EINVAL, field,
                "'%.40s' mixes decimal comma and point; write e.g. 1234,5 or 1234.5", s);
        goto bad;
    }
    /* Sign only first or right after the exponent; digits required. */
    bool any_digit = false;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)buf[i]))
            any_digit = true;
        if ((buf[i] == '+' || buf[i] == '-') && i != 0 &&
            buf[i - 1] != 'e' && buf[i - 1] != 'E')
            goto bad;
        if ((buf[i] == 'e' || buf[i] == 'E') &&
            (i == 0 || (!isdigit((unsigned char)buf[i - 1]) && buf[i - 1] != '.')))
            goto bad;
    }
    if (!any_digit)
        goto bad;
    errno = 0;
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + n || !isfinite(v) || errno == ERANGE)
        goto bad;
    *out = v;
    return 0;
bad:
    return mb_error_set(err, MB_EINVAL, field, "'%.40s' is not a number", s);
}

/* Fold one character at *p; returns its folded value and advances *p.
 * ASCII letters and the Latin-1 letters U+00C0..U+00DE (except U+00D7)
 * are lowered; other bytes compare as they are. */
static unsigned fold_next(const unsigned char **p)
{
    const unsigned char *u = *p;
    if (u[0] == 0xC3 && u[1] >= 0x80 && u[1] <= 0xBF) {
        unsigned c = u[1];
        if (c <= 0x9E && c != 0x97)
            c += 0x20;
        *p += 2;
        return 0xC300 | c;
    }
    *p += 1;
    return (unsigned)tolower(u[0]);
}

int mb_text_casecmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;
    while (*p && *q) {
        unsigned x = fold_next(&p);
        unsigned y = fold_next(&q);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return (*p != 0) - (*q != 0);
}

char *mb_text_trim(char *s)
{
    char *p = s;
    while (*p && isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    memmove(s, p, n);
    s[n] = '\0';
    return s;
}

bool mb_text_copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len < n) {
        memcpy(dst, src, len + 1);
        return true;
    }
    size_t cut = n - 1;
    while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(dst, src, cut);
    dst[cut] = '\0';
    return false;
}
