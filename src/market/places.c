/*
 * places.c - the address search's ranking and the municipality of a
 * position (see places.h).
 */
#include "market/places.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/boundary.h"

int mb_places_check(const struct mb_places_query *q, struct mb_error *err)
{
    size_t n = q->q ? strlen(q->q) : 0;
    if (!mb_utf8_valid(q->q ? q->q : "", n, NULL) || mb_text_has_control(q->q ? q->q : "", n, false))
        return mb_error_set(err, MB_EINVAL, "q", "is not plain UTF-8 text");
    size_t chars = n ? mb_utf8_chars(q->q) : 0;
    if (chars < 2 || chars > 200)
        return mb_error_set(err, MB_EINVAL, "q", "type 2 to 200 characters of an address "
                            "or a place");
    bool word = false;
    for (const unsigned char *p = (const unsigned char *)q->q; *p; p++)
        if (*p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
            word = true;
    if (!word)
        return mb_error_set(err, MB_EINVAL, "q", "holds no letter or digit");
    if (q->kommune) {
        const struct mb_boundaries *b = mb_boundaries_shared(err);
        if (!b)
            return MB_EDATA;
        if (mb_boundaries_find(b, q->kommune) < 0)
            return mb_error_set(err, MB_EINVAL, "municipality", "'%.8s' is not a 2024 "
                                "municipality number", q->kommune);
    }
    if (q->has_near && mb_geo_check_norway(q->near, "near", err))
        return err->code;
    if (q->limit < 1 || q->limit > MB_PLACES_MAX)
        return mb_error_set(err, MB_EINVAL, "limit", "must be 1 to %d", MB_PLACES_MAX);
    return 0;
}

/* ---- ranking ---------------------------------------------------------------- */

struct ranked {
    const struct mb_address *a;
    int starts;    /* 0 when the text starts with the first typed word */
    int whole;     /* 0 when every typed word is a whole word of the text */
    double km;
};

/* ASCII-lower compare of n bytes (the rest of UTF-8 compared as is). */
static bool prefix_ci(const char *text, const char *word, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)text[i], b = (unsigned char)word[i];
        if (!a)
            return false;
        if (a < 0x80)
            a = (unsigned char)(a | ((a >= 'A' && a <= 'Z') ? 0x20 : 0));
        if (b < 0x80)
            b = (unsigned char)(b | ((b >= 'A' && b <= 'Z') ? 0x20 : 0));
        if (a != b)
            return false;
    }
    return true;
}

static bool is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Whether `word` (n bytes) is a whole word of text. */
static bool has_whole_word(const char *text, const char *word, size_t n)
{
    for (const char *p = text; *p; p++) {
        if (p != text && is_word_byte((unsigned char)p[-1]))
            continue;
        if (prefix_ci(p, word, n) && !is_word_byte((unsigned char)p[n]))
            return true;
    }
    return false;
}

static void rank(struct ranked *r, const char *q)
{
    const char *p = q;
    bool first = true;
    r->starts = 1;
    r->whole = 0;
    while (*p) {
        while (*p && !is_word_byte((unsigned char)*p))
            p++;
        const char *w = p;
        while (*p && is_word_byte((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - w);
        if (!n)
            break;
        if (first && prefix_ci(r->a->text, w, n))
            r->starts = 0;
        if (!has_whole_word(r->a->text, w, n))
            r->whole = 1;
        first = false;
    }
}

static int cmp_ranked(const void *x, const void *y)
{
    const struct ranked *a = x, *b = y;
    if (a->starts != b->starts)
        return a->starts - b->starts;
    if (a->whole != b->whole)
        return a->whole - b->whole;
    if (a->km != b->km)
        return a->km < b->km ? -1 : 1;
    size_t la = strlen(a->a->text), lb = strlen(b->a->text);
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = strcmp(a->a->text, b->a->text);
    return c ? c : (a->a->id < b->a->id ? -1 : a->a->id > b->a->id);
}

static json_t *property_json(const struct mb_address *a)
{
    if (!a->gnr || !a->bnr)
        return json_null();
    char s[40];
    if (a->fnr)
        snprintf(s, sizeof s, "%s-%d/%d/%d", a->kommune, a->gnr, a->bnr, a->fnr);
    else
        snprintf(s, sizeof s, "%s-%d/%d", a->kommune, a->gnr, a->bnr);
    return json_string(s);
}

int mb_places_search(struct mb_store *st, const struct mb_places_query *q, json_t **out,
                     struct mb_error *err)
{
    *out = NULL;
    int rc = mb_places_check(q, err);
    if (rc)
        return rc;
    struct mb_address *items;
    size_t n;
    rc = mb_store_address_search(st, q->q, q->kommune, MB_PLACES_POOL, &items, &n, err);
    if (rc)
        return rc;
    struct ranked *r = calloc(n ? n : 1, sizeof *r);
    if (!r) {
        free(items);
        return mb_error_set(err, MB_EINTERNAL, "", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        r[i].a = &items[i];
        rank(&r[i], q->q);
        struct mb_point p = { items[i].lat, items[i].lon };
        r[i].km = q->has_near ? mb_geo_distance_km(q->near, p) : 0;
    }
    qsort(r, n, sizeof *r, cmp_ranked);
    json_t *arr = json_array();
    for (size_t i = 0; i < n && i < q->limit; i++) {
        const struct mb_address *a = r[i].a;
        const char *name = mb_boundaries_name(a->kommune);
        json_t *o = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:o, s:f, s:f}", "text", a->text,
                              "municipality", a->kommune, "municipality_name", name,
                              "postnr", a->postnr, "poststed", a->poststed, "property",
                              property_json(a), "lat", a->lat, "lon", a->lon);
        if (q->has_near)
            json_object_set_new(o, "distance_km", json_real(r[i].km));
        json_array_append_new(arr, o);
    }
    free(r);
    free(items);
    *out = arr;
    return 0;
}

int mb_places_at(struct mb_point p, const char *field, json_t **out, struct mb_error *err)
{
    *out = NULL;
    if (mb_geo_check_norway(p, field, err))
        return err->code;
    const struct mb_boundaries *b = mb_boundaries_shared(err);
    if (!b)
        return MB_EDATA;
    char code[5];
    mb_place_municipality(b, p, NULL, code, field, err);
    int i = mb_boundaries_find(b, code);
    if (i < 0) {
        *out = json_pack("{s:n}", "municipality");
        return 0;
    }
    *out = json_pack("{s:s, s:s, s:b}", "municipality", b->areas[i].code, "municipality_name",
                     b->areas[i].name, "inside", mb_boundaries_locate(b, p) == i);
    return 0;
}

json_t *mb_places_municipalities(void)
{
    json_t *arr = json_array();
    const struct mb_boundaries *b = mb_boundaries_shared(NULL);
    for (size_t i = 0; b && i < b->nareas; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "code", b->areas[i].code, "name",
                                             b->areas[i].name));
    return arr;
}

/* A number of 1-5 digits (leading zeros as some registers print them,
 * "0414"), above 0 but where zero_ok. */
static const char *read_num(const char *s, long *v, bool zero_ok)
{
    const char *p = s;
    long x = 0;
    while (*p >= '0' && *p <= '9' && p - s < 6)
        x = x * 10 + (*p++ - '0');
    if (p == s || p - s > 5 || (x == 0 && !zero_ok))
        return NULL;
    *v = x;
    return p;
}

int mb_property_parse(const char *s, char out[32], char kommune[5], const char *field,
                      struct mb_error *err)
{
    char q[40];
    if (!s || strlen(s) < 8 || strlen(s) > 30 || s[4] != '-' || strspn(s, "0123456789") != 4)
        goto bad;
    memcpy(kommune, s, 4);
    kommune[4] = '\0';
    const struct mb_boundaries *b = mb_boundaries_shared(err);
    if (!b)
        return MB_EDATA;
    if (mb_boundaries_find(b, kommune) < 0)
        return mb_error_set(err, MB_EINVAL, field, "'%s' is not a 2024 municipality number "
                            "(write the property as kommunenummer-gnr/bnr, e.g. 5001-414/3)",
                            kommune);
    long v[4] = { 0, 0, 0, 0 };
    const char *p = s + 5;
    int k = 0;
    for (; k < 4; k++) {
        p = read_num(p, &v[k], k >= 2);
        if (!p)
            goto bad;
        if (!*p)
            break;
        if (*p != '/' || k == 3)
            goto bad;
        p++;
    }
    if (k < 1)
        goto bad;
    /* Festenummer and seksjonsnummer 0 say nothing: "5001-414/3/0/0" is
     * "5001-414/3". */
    while (k > 1 && v[k] == 0)
        k--;
    if (k == 1)
        snprintf(out, 32, "%s-%ld/%ld", kommune, v[0], v[1]);
    else if (k == 2)
        snprintf(out, 32, "%s-%ld/%ld/%ld", kommune, v[0], v[1], v[2]);
    else
        snprintf(out, 32, "%s-%ld/%ld/%ld/%ld", kommune, v[0], v[1], v[2], v[3]);
    return 0;
bad:
    return mb_error_set(err, MB_EINVAL, field, "'%s' is not a property number; write "
                        "kommunenummer-gnr/bnr[/festenr[/seksjonsnr]], e.g. 5001-414/3",
                        mb_text_clip(q, sizeof q, s ? s : ""));
}
