/*
 * terms.c - reading the limits column and judging a supply's lab values
 * against a receiver's limits, leaching limits and landfill template (see
 * terms.h; the rules are in docs/condition-classes.md, "Matching").
 */
#include "market/terms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

void mb_terms_parse(const struct mb_market *m, const char *col, struct mb_terms *out)
{
    memset(out, 0, sizeof *out);
    for (const char *p = col; p && *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[96];
        if (len < sizeof item) {
            memcpy(item, p, len);
            item[len] = '\0';
            char *eq = strchr(item, '=');
            if (strcmp(item, "@range") == 0) {
                out->range = true;
            } else if (eq && strncmp(item, "@min=", 5) == 0) {
                out->min_class = (int)strtol(eq + 1, NULL, 10);
            } else if (eq && strncmp(item, "@tpl=", 5) == 0) {
                out->tpl = mb_accept_find(&m->accept, eq + 1);
            } else if (eq && item[0] != '@' && out->n < MB_TERMS_MAX) {
                *eq = '\0';
                struct mb_term *t = &out->items[out->n];
                const char *code = item;
                t->leached = strncmp(code, "L.", 2) == 0;
                if (t->leached)
                    code += 2;
                const char *v = eq + 1;
                t->below = *v == '<';
                if (t->below)
                    v++;
                char *e;
                t->value = strtod(v, &e);
                t->substance = mb_class_table_find(&m->classes, code);
                if (t->substance && e != v)
                    out->n++;
            }
        }
        p = end ? end + 1 : NULL;
    }
}

static const struct mb_term *find(const struct mb_terms *t, const struct mb_substance *s,
                                  bool leached)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].substance == s && t->items[i].leached == leached)
            return &t->items[i];
    return NULL;
}

bool mb_terms_exclude(const struct mb_terms *st, int scls, const struct mb_terms *rt, int rcls,
                      char *reason, size_t n)
{
    /* The class: the upper end of the range, or with a receiver that
     * accepts ranges what the values prove. */
    int lo = st->min_class > 0 && st->min_class < scls ? st->min_class : scls;
    int judged = rt->range ? lo : scls;
    if (judged > rcls) {
        if (lo < scls && rt->range)
            mb_words_say(reason, n, "class %d-%d masses (a detection limit leaves the class "
                         "open up to %d); the receiver takes up to class %d", lo, scls, scls,
                         rcls);
        else if (lo < scls)
            mb_words_say(reason, n, "class %d-%d masses (a detection limit leaves the class "
                         "open up to %d); the receiver takes up to class %d and does not "
                         "accept class ranges", lo, scls, scls, rcls);
        else
            mb_words_say(reason, n, "class %d masses, the receiver takes up to class %d",
                         scls, rcls);
        return true;
    }
    /* The receiver's own limits, total and leached. */
    for (size_t i = 0; i < rt->n; i++) {
        const struct mb_term *lim = &rt->items[i];
        const struct mb_term *v = find(st, lim->substance, lim->leached);
        if (!v || v->value <= lim->value)
            continue;
        const char *what = v->substance->code, *unit = v->substance->unit;
        if (!v->below) {
            if (v->leached)
                mb_words_say(reason, n, "%s leached at L/S = 10: %g %s is above the "
                             "receiver's limit %g %s", what, v->value, unit, lim->value, unit);
            else
                mb_words_say(reason, n, "%s %g %s is above the receiver's limit %g %s", what,
                             v->value, unit, lim->value, unit);
            return true;
        }
        if (!rt->range) {
            if (v->leached)
                mb_words_say(reason, n, "%s leached at L/S = 10: not detected below %g %s, "
                             "which is above the receiver's limit %g %s: not proven, and "
                             "the receiver does not accept class ranges", what, v->value,
                             unit, lim->value, unit);
            else
                mb_words_say(reason, n, "%s not detected below %g %s, which is above the "
                             "receiver's limit %g %s: not proven, and the receiver does not "
                             "accept class ranges", what, v->value, unit, lim->value, unit);
            return true;
        }
    }
    /* The landfill template the receiver is licensed under. */
    if (rt->tpl) {
        struct mb_measurement ms[MB_TERMS_MAX];
        for (size_t i = 0; i < st->n; i++)
            ms[i] = (struct mb_measurement){ st->items[i].substance, st->items[i].value,
                                             st->items[i].below, st->items[i].leached };
        struct mb_accept_verdict v;
        mb_accept_check(rt->tpl, ms, st->n, &v);
        if (v.nexceeded || (v.nopen && !rt->range)) {
            mb_accept_reason(rt->tpl, &v, reason, n);
            return true;
        }
    }
    return false;
}
