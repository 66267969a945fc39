/*
 * text.h - small text helpers every input path uses: strict UTF-8
 * validation, number parsing as Norwegian users write numbers, and
 * case-insensitive comparison of codes and names.
 *
 * All functions take NUL-terminated strings unless a length is given and
 * never allocate.
 */
#ifndef MB_CORE_TEXT_H
#define MB_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* True if s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF). On failure *bad (if not NULL) is the offset of
 * the first bad byte. */
bool mb_utf8_valid(const char *s, size_t n, size_t *bad);

/* Parse a decimal number as users type it: "12000", "12 000", "0,5",
 * "0.5", "-3", "1e3". A decimal comma is accepted; a number with both a
 * comma and a point, several commas, hex, inf or nan is rejected.
 * Spaces (also no-break spaces) between digit groups are ignored.
 * Returns 0 and sets *out, or MB_EINVAL naming `field`. */
int mb_parse_number(const char *s, double *out, const char *field,
                    struct mb_error *err);

/* Compare two UTF-8 strings ignoring case of ASCII and Latin-1 letters
 * (so "bærum" equals "BÆRUM"). Returns 0 when equal. */
int mb_text_casecmp(const char *a, const char *b);

/* Trim ASCII white space at both ends, in place; returns s. */
char *mb_text_trim(char *s);

/* Copy src into dst (size n > 0), truncating; always NUL-terminates.
 * Returns true if nothing was cut. Truncation never splits a UTF-8
 * sequence. */
bool mb_text_copy(char *dst, size_t n, const char *src);

#endif
