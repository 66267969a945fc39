/*
 * error.c - filling and naming error records (see error.h).
 */
#include "core/error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void mb_error_clear(struct mb_error *err)
{
    if (!err)
        return;
    err->code = MB_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
    memset(&err->words, 0, sizeof err->words);
}

/* ---- words ------------------------------------------------------------------ */

/* The last messages recorded in this thread with their words, so that a
 * message passed on as "%s" keeps them. */
#define RING 8
static _Thread_local struct {
    char message[320];
    struct mb_words words;
} ring[RING];
static _Thread_local unsigned ring_next;

static void remember(const char *message, const struct mb_words *w)
{
    if (!w->tmpl || !message[0])
        return;
    unsigned k = ring_next++ % RING;
    snprintf(ring[k].message, sizeof ring[k].message, "%s", message);
    ring[k].words = *w;
}

static bool recall(const char *message, struct mb_words *w)
{
    for (unsigned i = 0; i < RING; i++)
        if (ring[i].words.tmpl && strcmp(ring[i].message, message) == 0) {
            *w = ring[i].words;
            return true;
        }
    return false;
}

/* Append value text to a word, one conversion at a time. */
static void word_text(struct mb_words *w, char kind, double num, const char *spec, ...)
    __attribute__((format(printf, 4, 5)));

static void word_text(struct mb_words *w, char kind, double num, const char *spec, ...)
{
    if (w->n >= MB_WORDS_MAX) {
        w->tmpl = NULL; /* too many values: no words */
        return;
    }
    struct mb_word *x = &w->v[w->n++];
    x->kind = kind;
    va_list ap;
    va_start(ap, spec);
    vsnprintf(x->text, sizeof x->text, spec, ap);
    va_end(ap);
    x->num = kind == 'n' ? strtod(x->text, NULL) : num;
}

void mb_words_vcapture(struct mb_words *w, const char *fmt, va_list ap, const char *message)
{
    memset(w, 0, sizeof *w);
    if (!fmt)
        return;
    if (strcmp(fmt, "%s") == 0 && message && recall(message, w))
        return;
    w->tmpl = fmt;
    va_list a;
    va_copy(a, ap);
    for (const char *p = fmt; *p && w->tmpl; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *start = p++;
        while (*p && strchr("-+ #0", *p))
            p++;
        int width = -1, prec = -1;
        if (*p == '*') {
            width = va_arg(a, int);
            p++;
        } else {
            while (isdigit((unsigned char)*p))
                p++;
        }
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(a, int);
                p++;
            } else {
                while (isdigit((unsigned char)*p))
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        char len[3] = "";
        if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l')) {
            len[0] = p[0];
            len[1] = p[1];
            p += 2;
        } else if (*p && strchr("hlzjtL", *p)) {
            len[0] = *p++;
        }
        char conv = *p;
        if (!conv)
            break;
        /* The conversion alone, its width and precision given. */
        char spec[32];
        size_t n = (size_t)(p - start) + 1;
        if (n >= sizeof spec) {
            w->tmpl = NULL;
            break;
        }
        memcpy(spec, start, n);
        spec[n] = '\0';
        if (strchr(spec, '*')) {
            /* Width or precision from an argument: fixed in the spec. */
            char fixed[32];
            if (width >= 0 && prec >= 0)
                snprintf(fixed, sizeof fixed, "%%%d.%d%s%c", width, prec, len, conv);
            else if (width >= 0)
                snprintf(fixed, sizeof fixed, "%%%d%s%c", width, len, conv);
            else
                snprintf(fixed, sizeof fixed, "%%.%d%s%c", prec, len, conv);
            memcpy(spec, fixed, sizeof spec);
        }
        switch (conv) {
        case 'd':
        case 'i': {
            long long v = strcmp(len, "ll") == 0 ? va_arg(a, long long)
                          : strcmp(len, "l") == 0 ? va_arg(a, long)
                          : strcmp(len, "z") == 0 ? (long long)va_arg(a, size_t)
                          : strcmp(len, "j") == 0 ? (long long)va_arg(a, intmax_t)
                          : strcmp(len, "t") == 0 ? (long long)va_arg(a, ptrdiff_t)
                                                  : va_arg(a, int);
            word_text(w, 'n', (double)v, "%lld", v);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = strcmp(len, "ll") == 0 ? va_arg(a, unsigned long long)
                                   : strcmp(len, "l") == 0 ? va_arg(a, unsigned long)
                                   : strcmp(len, "z") == 0 ? va_arg(a, size_t)
                                   : strcmp(len, "j") == 0 ? (unsigned long long)va_arg(a, uintmax_t)
                                   : strcmp(len, "t") == 0 ? (unsigned long long)va_arg(a, ptrdiff_t)
                                                           : va_arg(a, unsigned);
            if (conv == 'u')
                word_text(w, 'n', (double)v, "%llu", v);
            else
                word_text(w, 's', 0, conv == 'o' ? "%llo" : conv == 'x' ? "%llx" : "%llX", v);
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
            double v = strcmp(len, "L") == 0 ? (double)va_arg(a, long double) : va_arg(a, double);
            int digits = prec >= 0 ? prec : 6;
            if (conv == 'f' || conv == 'F')
                word_text(w, 'n', v, "%.*f", digits, v);
            else if (conv == 'e' || conv == 'E')
                word_text(w, 'n', v, "%.*e", digits, v);
            else
                word_text(w, 'n', v, "%.*g", digits, v);
            break;
        }
        case 'c':
            word_text(w, 's', 0, "%c", (char)va_arg(a, int));
            break;
        case 's': {
            const char *v = va_arg(a, const char *);
            if (prec >= 0)
                word_text(w, 's', 0, "%.*s", prec, v ? v : "(null)");
            else
                word_text(w, 's', 0, "%s", v ? v : "(null)");
            break;
        }
        case 'p':
            word_text(w, 's', 0, "%p", va_arg(a, void *));
            break;
        default:
            w->tmpl = NULL; /* not known: no words */
            break;
        }
    }
    va_end(a);
    if (!w->tmpl)
        w->n = 0;
    else if (message)
        remember(message, w);
}

int mb_error_set(struct mb_error *err, int code, const char *field,
                 const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    for (char *p = err->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    mb_words_vcapture(&err->words, fmt, again, err->message);
    va_end(again);
    va_end(ap);
    return code;
}

int mb_words_vformat(char *buf, size_t size, struct mb_words *w, const char *fmt, va_list ap)
{
    va_list a;
    va_copy(a, ap);
    int n = vsnprintf(buf, size, fmt, a);
    va_end(a);
    mb_words_vcapture(w, fmt, ap, buf);
    return n;
}

int mb_words_say(char *buf, size_t size, const char *fmt, ...)
{
    struct mb_words w;
    va_list ap;
    va_start(ap, fmt);
    int n = mb_words_vformat(buf, size, &w, fmt, ap);
    va_end(ap);
    return n;
}

void mb_error_prefix_field(struct mb_error *err, const char *prefix)
{
    if (!err || !prefix || !*prefix)
        return;
    char buf[sizeof err->field];
    if (err->field[0])
        snprintf(buf, sizeof buf, "%s, %s", prefix, err->field);
    else
        snprintf(buf, sizeof buf, "%s", prefix);
    memcpy(err->field, buf, sizeof buf);
}

const char *mb_error_name(int code)
{
    switch (code) {
    case MB_OK: return "ok";
    case MB_EINVAL: return "invalid";
    case MB_ENOTFOUND: return "not_found";
    case MB_EIO: return "io";
    case MB_EDATA: return "bad_data";
    case MB_EPROJ: return "projection";
    case MB_ECONFLICT: return "conflict";
    case MB_EBUSY: return "busy";
    case MB_EINTERNAL: return "internal";
    case MB_EFORBIDDEN: return "forbidden";
    case MB_ESTALE: return "precondition_failed";
    default: return "unknown";
    }
}

const char *mb_errno_text(int e, char *buf, size_t size)
{
    if (strerror_r(e, buf, size) != 0)
        snprintf(buf, size, "system error %d", e);
    return buf;
}
