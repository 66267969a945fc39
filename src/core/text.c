/*
 * text.c - UTF-8 validation, number parsing, case folding and copying text
 * on character boundaries (see text.h).
 *
 * Norwegian labs and spreadsheets write "0,5" for one half and "12 000"
 * for twelve thousand; these helpers accept both and reject anything
 * ambiguous ("1,500", "1 5"), so a mistyped figure becomes an error, never
 * a wrong number. User text quoted in messages is cut between characters,
 * never inside one, since the messages end up in JSON.
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

/* Length of padding at p: ASCII white space or a group separator. */
static size_t pad_len(const char *p)
{
    return isspace((unsigned char)*p) ? 1 : group_sep(p);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "1,500" -> "1500" and "1.5" in a and b (size n): the two readings of an
 * ambiguous comma, from the normalised number (sign, digits, '.', three
 * digits, maybe an exponent). */
static void two_readings(const char *num, char *a, char *b, size_t n)
{
    const char *dot = strchr(num, '.');
    const char *exp = strpbrk(num, "eE");
    size_t lead = (size_t)(dot - num);
    size_t frac = (exp ? (size_t)(exp - dot) : strlen(dot)) - 1;
    const char *rest = exp ? exp : "";
    snprintf(a, n, "%.*s%.*s%s", (int)lead, num, (int)frac, dot + 1, rest);
    size_t keep = frac;
    while (keep > 1 && dot[keep] == '0')
        keep--;
    snprintf(b, n, "%.*s.%.*s%s", (int)lead, num, (int)keep, dot + 1, rest);
}

int mb_parse_number_as(const char *s, double *out, const char *field,
                       const char *what, struct mb_error *err)
{
    char buf[64]; /* the number as strtod reads it: no groups, '.' */
    char q[44];   /* the user's text, quoted in messages */
    size_t n = 0, k;
    if (!s)
        return mb_error_set(err, MB_EINVAL, field, "a number is required");
    const char *p = s;
    while ((k = pad_len(p)))
        p += k;
    if (!*p)
        return mb_error_set(err, MB_EINVAL, field, "a number is required");
    size_t commas = 0, points = 0;
    for (const char *c = p; *c; c++) {
        commas += *c == ',';
        points += *c == '.';
    }
    if (commas && points)
        return mb_error_set(err, MB_EINVAL, field, "'%s' mixes decimal comma and "
            "point; write e.g. 1234,5 or 1234.5", mb_text_clip(q, sizeof q, s));
    if (commas > 1 || points > 1)
        return mb_error_set(err, MB_EINVAL, field, "'%s' has more than one decimal "
            "%s; separate digit groups with spaces (1 234 567) and use one decimal "
            "mark", mb_text_clip(q, sizeof q, s), commas ? "comma" : "point");
#define PUT(ch)                                                                \
    do {                                                                       \
        if (n + 1 >= sizeof buf)                                               \
            goto too_long;                                                     \
        buf[n++] = (ch);                                                       \
    } while (0)
    if (*p == '+' || *p == '-')
        PUT(*p++);
    /* Integer part, with digit groups: 1-3 digits, then groups of 3. */
    size_t int_digits = 0, group = 0, groups = 0;
    bool nonzero = false;
    for (;;) {
        if (is_digit(*p)) {
            nonzero |= *p != '0';
            int_digits++;
            group++;
            PUT(*p++);
            continue;
        }
        k = group_sep(p);
        if (k && group > 0 && is_digit(p[k])) {
            if (groups == 0 ? group > 3 : group != 3)
                goto bad_group;
            groups++;
            group = 0;
            p += k;
            continue;
        }
        break;
    }
    if (groups && group != 3)
        goto bad_group;
    /* Fraction: no groups after the decimal mark. */
    size_t frac_digits = 0;
    char mark = 0;
    if (*p == ',' || *p == '.') {
        mark = *p++;
        PUT('.');
        while (is_digit(*p)) {
            frac_digits++;
            PUT(*p++);
        }
        k = group_sep(p);
        if (k && frac_digits && is_digit(p[k]))
            return mb_error_set(err, MB_EINVAL, field, "'%s': spaces between digits "
                "are allowed only before the decimal mark (12 000,5)",
                mb_text_clip(q, sizeof q, s));
    }
    if (int_digits + frac_digits == 0)
        goto bad;
    if (*p == 'e' || *p == 'E') {
        PUT('e');
        p++;
        if (*p == '+' || *p == '-')
            PUT(*p++);
        if (!is_digit(*p))
            goto bad;
        while (is_digit(*p))
            PUT(*p++);
    }
    while ((k = pad_len(p)))
        p += k;
    if (*p)
        goto bad;
    buf[n] = '\0';
    /* "1,500": a thousands comma (English) or a decimal comma (Norwegian)? */
    if (mark == ',' && frac_digits == 3 && groups == 0 && int_digits >= 1 &&
        int_digits <= 3 && nonzero) {
        char a[72], b[72];
        two_readings(buf, a, b, sizeof a);
        return mb_error_set(err, MB_EINVAL, field, "'%s' is ambiguous: write %s for "
            "the whole number or %s for the decimal", mb_text_clip(q, sizeof q, s),
            a, b);
    }
    errno = 0;
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + n)
        goto bad;
    if (!isfinite(v) || (errno == ERANGE && fabs(v) >= 1))
        return mb_error_set(err, MB_EINVAL, field, "'%s' is too large",
                            mb_text_clip(q, sizeof q, s));
    if (errno == ERANGE)
        return mb_error_set(err, MB_EINVAL, field, "'%s' is too small to compute "
            "with (write 0 for zero)", mb_text_clip(q, sizeof q, s));
    if (v == 0)
        v = 0; /* -0 becomes 0: "-0" must not come back as "-0" */
    *out = v;
    return 0;
#undef PUT
too_long:
    return mb_error_set(err, MB_EINVAL, field, "'%s' has too many digits (at most "
                        "%zu characters)", mb_text_clip(q, sizeof q, s),
                        sizeof buf - 1);
bad_group:
    return mb_error_set(err, MB_EINVAL, field, "'%s' is not a number: a space "
        "between digits must separate groups of three (12 000, 1 886 703)",
        mb_text_clip(q, sizeof q, s));
bad:
    return mb_error_set(err, MB_EINVAL, field, "'%s' is not %s",
                        mb_text_clip(q, sizeof q, s), what);
}

int mb_parse_number(const char *s, double *out, const char *field,
                    struct mb_error *err)
{
    return mb_parse_number_as(s, out, field, "a number", err);
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

bool mb_text_has_control(const char *s, size_t n, bool multiline)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (multiline && (c == '\n' || c == '\r' || c == '\t'))
            continue;
        if (c < 0x20 || c == 0x7F)
            return true;
        if (c == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return true;
        if (c == 0xE2 && i + 2 < n &&
            ((p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE) ||
             (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9)))
            return true;
    }
    return false;
}

bool mb_text_ascii_lower(char *dst, size_t n, const char *src)
{
    size_t len = src ? strlen(src) : 0;
    if (len >= n) {
        dst[0] = '\0';
        return false;
    }
    for (size_t i = 0; i < len; i++)
        dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] - 'A' + 'a' : src[i]);
    dst[len] = '\0';
    return true;
}

const char *mb_text_clip(char *dst, size_t n, const char *src)
{
    if (mb_text_copy(dst, n - 3, src))
        return dst;
    size_t len = strlen(dst);
    memcpy(dst + len, "...", 4);
    return dst;
}

int mb_text_index(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

size_t mb_utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}
