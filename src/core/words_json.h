/*
 * words_json.h - the words of a message (core/error.h) in JSON: "key"
 * (its template) and "params" (its values, numbers as numbers), as the
 * API gives them with every error, plan progress line and reference-data
 * finding so that a client words them in its reader's language
 * (docs/api.md, "Errors").
 */
#ifndef MB_CORE_WORDS_JSON_H
#define MB_CORE_WORDS_JSON_H

#include <jansson.h>

#include "core/error.h"

/* Set o's "key" (null when w has none) and "params" from w (NULL: none). */
void mb_words_json_add(json_t *o, const struct mb_words *w);

/* Words from {"key", "params"} text as mb_words_json_text wrote it; a
 * template read back is kept in *w's own storage (tmpl points into buf),
 * so buf must outlive w. Empty words for NULL or broken text. */
void mb_words_json_read(const char *text, struct mb_words *w, char *buf, size_t size);

/* {"key", "params"} of w as compact JSON text (malloc'ed), NULL when w has
 * no words. */
char *mb_words_json_text(const struct mb_words *w);

#endif
