/*
 * text.h - small text helpers every input path uses: strict UTF-8
 * validation, number parsing as Norwegian users write numbers, and
 * case-insensitive comparison of codes and names.
 *
 * All functions take NUL-terminated strings unless a length is given and
 * never allocate. Text copied into a bounded buffer is cut on a UTF-8
 * character boundary, never inside a character.
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

/* Characters (code points) of well-formed UTF-8 text. */
size_t mb_utf8_chars(const char *s);

/* Parse a decimal number as users type it: "12000", "12 000", "0,5",
 * "0.5", "-3", "1e3". A decimal comma is accepted. Digit groups may be
 * separated by one space (or a no-break or narrow no-break space) before
 * the decimal mark: the first group has 1-3 digits, every later group
 * exactly 3 ("1 5" and "0,5 9" are refused, not read as 15 and 0.59).
 * Refused as ambiguous or malformed: a comma and a point together, several
 * decimal marks, "1,500" and other single commas followed by exactly three
 * digits after a non-zero integer part of 1-3 digits (fifteen hundred or
 * one and a half?; "0,500" is 0.5), hex, inf and nan. White space
 * (including no-break spaces) around the number is ignored; -0 gives 0.
 * Numbers too large or too small for a double (1e999, 1e-400, subnormals)
 * and numbers of more than 63 characters (group spaces not counted) are
 * refused with their own messages.
 * Returns 0 and sets *out, or MB_EINVAL naming `field` (*out untouched). */
int mb_parse_number(const char *s, double *out, const char *field,
                    struct mb_error *err);

/* As mb_parse_number, but text that is not a number at all is refused as
 * "'x' is not WHAT" (e.g. what = "a concentration in mg/kg"); the specific
 * refusals above (ambiguous comma, digit groups, too small, ...) keep their
 * own messages. */
int mb_parse_number_as(const char *s, double *out, const char *field,
                       const char *what, struct mb_error *err);

/* Compare two UTF-8 strings ignoring case of ASCII and Latin-1 letters
 * (so "bærum" equals "BÆRUM"). Returns 0 when equal. */
int mb_text_casecmp(const char *a, const char *b);

/* The index of s in names[0..n) (exact match), or -1. */
int mb_text_index(const char *const *names, int n, const char *s);

/* Trim ASCII white space at both ends, in place; returns s. */
char *mb_text_trim(char *s);

/* Copy src into dst (size n > 0), truncating; always NUL-terminates.
 * Returns true if nothing was cut. Truncation never splits a UTF-8
 * sequence. */
bool mb_text_copy(char *dst, size_t n, const char *src);

/* Whether s[0..n) holds a control character: C0 (but line feed, carriage
 * return and tab where `multiline`), DEL, NUL, C1 (U+0080-U+009F), or a
 * bidirectional override, embedding or isolate (U+202A-U+202E,
 * U+2066-U+2069), which can make "exe.pdf" read as "fdp.exe". The one
 * rule for every name, title and query value. */
bool mb_text_has_control(const char *s, size_t n, bool multiline);

/* An ASCII lower-case copy of src into dst (size n > 0): the one folding
 * of e-mail addresses (the store keeps them folded; the sign-in limiter
 * keys on them folded). Returns false, leaving dst empty, when src does
 * not fit. */
bool mb_text_ascii_lower(char *dst, size_t n, const char *src);

/* Quote user text in a message: copy at most n - 4 bytes of src into dst
 * (size n >= 4), cut on a UTF-8 character boundary, and append "..." when
 * anything was cut. Returns dst, so it can be an argument of
 * mb_error_set, e.g. mb_text_clip(q, sizeof q, s) with char q[44] quotes
 * at most 40 bytes of s. Use it instead of "%.40s", which can split a
 * character and leave invalid UTF-8 in the message. */
const char *mb_text_clip(char *dst, size_t n, const char *src);

#endif
