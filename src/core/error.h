/*
 * error.h - error codes and the error record every fallible call fills.
 *
 * Functions that can fail return 0 on success or a negative MB_E* code, and
 * fill a caller-owned `struct mb_error` with the field that was wrong and a
 * sentence for the user. Nothing deep in the library prints; the CLI and
 * the server decide how to show the record (one table maps codes to names,
 * as libuv does). The message never contains a newline.
 */
#ifndef MB_CORE_ERROR_H
#define MB_CORE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum mb_errcode {
    MB_OK = 0,
    MB_EINVAL = -1,    /* input is malformed or out of range */
    MB_ENOTFOUND = -2, /* an unknown code, name or file */
    MB_EIO = -3,       /* reading or writing a file failed */
    MB_EDATA = -4,     /* a reference table is inconsistent or broken */
    MB_EPROJ = -5,     /* the coordinate library failed */
    MB_ECONFLICT = -6, /* a unique key is taken, or the state forbids it */
    MB_EBUSY = -7,     /* the store is locked by another writer: try again */
    MB_EINTERNAL = -8, /* a library or the database failed: not the input's fault */
    MB_EFORBIDDEN = -9,/* the user's role or organisation may not do this */
    MB_ESTALE = -10,   /* the record changed since the caller read it (its version) */
};

/* The words of a message for a reader in another language: the printf
 * template the sentence was made from (a string literal of the source,
 * the message's stable key: docs/web.md, "Errors in the user's
 * language") and the value of each of its conversions, in order. The web
 * front end words the key from its catalogue and fills in the values;
 * scripts/error-templates lists every key. tmpl is NULL when the message
 * has no words (more values than MB_WORDS_MAX, a conversion not known). */
#define MB_WORDS_MAX 8
struct mb_word {
    char kind;         /* 'n' a number (num), 's' text */
    double num;
    char text[96];     /* the value as the template wrote it */
};
struct mb_words {
    const char *tmpl;
    int n;
    struct mb_word v[MB_WORDS_MAX];
};

struct mb_error {
    int code;
    char field[96];    /* what was wrong, e.g. "amount" or "row 3, column Pb"; may be "" */
    char message[320]; /* one sentence for the user */
    struct mb_words words; /* the message's template and values */
};

/* Record in *w the template fmt and the values ap gives its conversions
 * (ap is read through a copy: the caller may still use it). A template
 * that is only "%s" passing on another message that was recorded in this
 * thread (message = that message's text) takes that message's words. */
void mb_words_vcapture(struct mb_words *w, const char *fmt, va_list ap, const char *message);

/* Format fmt with ap into buf (as vsnprintf, whose result it returns) and
 * record the words of the text in *w: what every function that makes a
 * message with words does (ap is read through copies). */
int mb_words_vformat(char *buf, size_t size, struct mb_words *w, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* snprintf that also remembers the words of the text in this thread, for
 * a text that is passed on with "%s" (a reason, a note): the message
 * that passes it on then takes its words. Returns what snprintf does. */
int mb_words_say(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear an error record (code MB_OK, empty strings). NULL is allowed. */
void mb_error_clear(struct mb_error *err);

/* Fill `err` (which may be NULL) and return `code`, so callers can write
 * `return mb_error_set(err, MB_EINVAL, "amount", "must not be negative");`.
 * The field and message are truncated to fit. */
int mb_error_set(struct mb_error *err, int code, const char *field,
                 const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prefix the field of an existing error, e.g. "row 4" + "Pb" -> "row 4, Pb". */
void mb_error_prefix_field(struct mb_error *err, const char *prefix);

/* The system's words for errno value e, written into buf (strerror_r:
 * safe in the server's threads, unlike strerror). MB_ERRNO_TEXT(e) gives
 * a buffer that lives to the end of the enclosing statement's block. */
const char *mb_errno_text(int e, char *buf, size_t size);
#define MB_ERRNO_TEXT(e) mb_errno_text((e), (char[128]){ 0 }, 128)

/* Stable lower-case name of a code ("invalid", "not_found", ...). */
const char *mb_error_name(int code);

#endif
