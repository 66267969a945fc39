/*
 * words_json.c - the words of a message in JSON (see words_json.h).
 */
#include "core/words_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"

/* Text cut at a whole UTF-8 character (a value quoting input may have
 * been cut inside one). */
static json_t *text_json(const char *text)
{
    size_t bad, n = strlen(text);
    if (mb_utf8_valid(text, n, &bad))
        return json_string(text);
    return json_stringn(text, bad);
}

void mb_words_json_add(json_t *o, const struct mb_words *w)
{
    json_t *a = json_array();
    if (w && w->tmpl)
        for (int i = 0; i < w->n; i++)
            json_array_append_new(a, w->v[i].kind == 'n' && isfinite(w->v[i].num)
                                         ? json_real(w->v[i].num) : text_json(w->v[i].text));
    json_object_set_new(o, "key", w && w->tmpl ? text_json(w->tmpl) : json_null());
    json_object_set_new(o, "params", a);
}

char *mb_words_json_text(const struct mb_words *w)
{
    if (!w || !w->tmpl)
        return NULL;
    json_t *o = json_object();
    mb_words_json_add(o, w);
    char *text = mb_xjson_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

void mb_words_json_read(const char *text, struct mb_words *w, char *buf, size_t size)
{
    memset(w, 0, sizeof *w);
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    const char *key = json_string_value(json_object_get(o, "key"));
    json_t *params = json_object_get(o, "params");
    if (key && json_is_array(params) && json_array_size(params) <= MB_WORDS_MAX &&
        strlen(key) < size) {
        snprintf(buf, size, "%s", key);
        w->tmpl = buf;
        size_t i;
        json_t *v;
        json_array_foreach(params, i, v) {
            struct mb_word *x = &w->v[w->n++];
            if (json_is_number(v)) {
                x->kind = 'n';
                x->num = json_number_value(v);
                snprintf(x->text, sizeof x->text, "%.17g", x->num);
            } else {
                x->kind = 's';
                snprintf(x->text, sizeof x->text, "%s", json_string_value(v) ? json_string_value(v) : "");
            }
        }
    }
    json_decref(o);
}
