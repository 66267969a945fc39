/*
 * strbuf.h - a growing text buffer for building replies piece by piece
 * (the server's hot lists are spliced from stored JSON text instead of
 * being parsed and printed again).
 */
#ifndef MB_CORE_STRBUF_H
#define MB_CORE_STRBUF_H

#include <stddef.h>

struct mb_strbuf {
    char *s;     /* NUL-terminated, owned; NULL until the first append */
    size_t len, cap;
};

void mb_strbuf_add(struct mb_strbuf *b, const char *text, size_t n);
void mb_strbuf_adds(struct mb_strbuf *b, const char *text);
void mb_strbuf_addf(struct mb_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The text (never NULL; the caller frees it); the buffer is empty after. */
char *mb_strbuf_take(struct mb_strbuf *b);
void mb_strbuf_release(struct mb_strbuf *b);

#endif
