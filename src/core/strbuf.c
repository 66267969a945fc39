/*
 * strbuf.c - a growing text buffer (see strbuf.h).
 */
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static void reserve(struct mb_strbuf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    b->s = mb_xrealloc(b->s, cap);
    b->cap = cap;
}

void mb_strbuf_add(struct mb_strbuf *b, const char *text, size_t n)
{
    reserve(b, n);
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void mb_strbuf_adds(struct mb_strbuf *b, const char *text)
{
    mb_strbuf_add(b, text, strlen(text));
}

void mb_strbuf_addf(struct mb_strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

char *mb_strbuf_take(struct mb_strbuf *b)
{
    char *s = b->s ? b->s : mb_xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void mb_strbuf_release(struct mb_strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
