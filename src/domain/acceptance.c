/*
 * acceptance.c - loading the landfill acceptance templates and judging a
 * sample against them (rules in acceptance.h, values and sources in
 * data/landfill-acceptance.csv and docs/condition-classes.md).
 */
#include "domain/acceptance.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"

extern const char mb_data_landfill_acceptance[];
extern const size_t mb_data_landfill_acceptance_len;

static const struct {
    const char *name, *nb, *en;
} names[MB_ACCEPT_TEMPLATES] = {
    { "inert", "Deponi for inert avfall", "Inert waste landfill" },
    { "ordinary", "Ordinært avfall i celle med stabilt, ikke-reaktivt farlig avfall "
                  "(vedlegg II pkt. 2.2.2)",
      "Ordinary waste in a cell with stable, non-reactive hazardous waste "
      "(vedlegg II 2.2.2)" },
    { "hazardous", "Deponi for farlig avfall", "Hazardous waste landfill" },
};

static int template_index(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < MB_ACCEPT_TEMPLATES; i++)
        if (mb_text_casecmp(name, names[i].name) == 0)
            return i;
    return -1;
}

static int load_row(struct mb_accept_table *a, const struct mb_class_table *classes,
                    const struct mb_csv_table *csv, const struct mb_csv_row *r,
                    struct mb_error *err)
{
    int ti = template_index(mb_csv_get(r, mb_csv_column(csv, "template")));
    if (ti < 0)
        return mb_error_set(err, MB_EDATA, "template", "must be inert, ordinary or "
                            "hazardous");
    struct mb_accept_template *t = &a->t[ti];
    struct mb_accept_limit x = { 0 };
    const char *code = mb_csv_get(r, mb_csv_column(csv, "code"));
    x.substance = mb_class_table_find(classes, code);
    if (!x.substance || strcmp(x.substance->code, code) != 0)
        return mb_error_set(err, MB_EDATA, "code", "'%s' is not a code of the substance "
                            "table", code);
    const char *basis = mb_csv_get(r, mb_csv_column(csv, "basis"));
    if (strcmp(basis, "leach") != 0 && strcmp(basis, "total") != 0)
        return mb_error_set(err, MB_EDATA, "basis", "must be leach or total");
    x.leached = basis[0] == 'l';
    if (x.leached && strcmp(x.substance->unit, "mg/kg") != 0)
        return mb_error_set(err, MB_EDATA, "basis", "%s is not leached", code);
    if (mb_parse_number(mb_csv_get(r, mb_csv_column(csv, "limit")), &x.limit, "limit",
                        err))
        return MB_EDATA;
    if (!(x.limit > 0))
        return mb_error_set(err, MB_EDATA, "limit", "must be positive");
    const char *st = mb_csv_get(r, mb_csv_column(csv, "status"));
    if (strlen(st) != 1 || !strchr("VSU", st[0]))
        return mb_error_set(err, MB_EDATA, "status", "must be V, S or U");
    x.status = st[0];
    if (!mb_text_copy(x.source, sizeof x.source,
                      mb_csv_get(r, mb_csv_column(csv, "source"))) || !x.source[0])
        return mb_error_set(err, MB_EDATA, "source", "missing or too long");
    if (!mb_text_copy(x.either, sizeof x.either,
                      mb_csv_get(r, mb_csv_column(csv, "either"))))
        return mb_error_set(err, MB_EDATA, "either", "too long");
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].substance == x.substance && t->items[i].leached == x.leached)
            return mb_error_set(err, MB_EDATA, "code", "%s %s appears twice in %s", code,
                                basis, t->name);
    t->items = mb_xrealloc(t->items, (t->n + 1) * sizeof *t->items);
    t->items[t->n++] = x;
    return 0;
}

int mb_accept_table_init(struct mb_accept_table *a, const struct mb_class_table *classes,
                         struct mb_error *err)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < MB_ACCEPT_TEMPLATES; i++)
        mb_text_copy(a->t[i].name, sizeof a->t[i].name, names[i].name);
    struct mb_csv_table csv;
    if (mb_csv_parse(&csv, mb_data_landfill_acceptance, mb_data_landfill_acceptance_len,
                     "landfill-acceptance.csv", err))
        return MB_EDATA;
    int rc = 0;
    for (size_t i = 0; i < csv.nrows && !rc; i++) {
        rc = load_row(a, classes, &csv, &csv.rows[i], err);
        if (rc) {
            char where[48];
            snprintf(where, sizeof where, "landfill-acceptance.csv line %zu",
                     csv.rows[i].line);
            mb_error_prefix_field(err, where);
        }
    }
    mb_csv_release(&csv);
    for (int i = 0; i < MB_ACCEPT_TEMPLATES && !rc; i++)
        if (a->t[i].n == 0)
            rc = mb_error_set(err, MB_EDATA, "landfill-acceptance.csv", "template %s has "
                              "no limits", names[i].name);
    if (rc) {
        mb_accept_table_release(a);
        return MB_EDATA;
    }
    return 0;
}

void mb_accept_table_release(struct mb_accept_table *a)
{
    if (!a)
        return;
    for (int i = 0; i < MB_ACCEPT_TEMPLATES; i++)
        free(a->t[i].items);
    memset(a, 0, sizeof *a);
}

const struct mb_accept_template *mb_accept_find(const struct mb_accept_table *a,
                                                const char *name)
{
    int i = template_index(name);
    return i < 0 ? NULL : &a->t[i];
}

const char *mb_accept_name_nb(const struct mb_accept_template *t)
{
    int i = template_index(t->name);
    return i < 0 ? t->name : names[i].nb;
}

const char *mb_accept_name_en(const struct mb_accept_template *t)
{
    int i = template_index(t->name);
    return i < 0 ? t->name : names[i].en;
}

/* How limit x fares: 1 exceeded, 2 open, 0 passed, -1 not measured. */
static int judge(const struct mb_accept_limit *x, const struct mb_measurement *m,
                 size_t n, double *value)
{
    for (size_t i = 0; i < n; i++) {
        if (m[i].substance != x->substance || m[i].leached != x->leached)
            continue;
        *value = m[i].value;
        if (m[i].below_loq)
            return m[i].value > x->limit ? 2 : 0;
        return m[i].value > x->limit ? 1 : 0;
    }
    return -1;
}

void mb_accept_check(const struct mb_accept_template *t, const struct mb_measurement *m,
                     size_t n, struct mb_accept_verdict *v)
{
    memset(v, 0, sizeof *v);
    const struct mb_accept_limit *first_open = NULL;
    double open_value = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct mb_accept_limit *x = &t->items[i];
        double value = 0;
        int r = judge(x, m, n, &value);
        if (x->either[0] && r != 0) {
            /* an alternative in the group that passes makes this one pass */
            bool alt = false;
            for (size_t j = 0; j < t->n && !alt; j++) {
                double w;
                alt = j != i && strcmp(t->items[j].either, x->either) == 0 &&
                      judge(&t->items[j], m, n, &w) == 0;
            }
            if (alt)
                continue;
        }
        if (r == -1) {
            v->nmissing++;
        } else if (r == 1) {
            if (!v->nexceeded++) {
                v->limit = x;
                v->value = value;
            }
        } else if (r == 2) {
            if (!v->nopen++) {
                first_open = x;
                open_value = value;
            }
        }
    }
    if (!v->nexceeded && first_open) {
        v->limit = first_open;
        v->value = open_value;
        v->open = true;
    }
    v->accepted = !v->nexceeded && !v->nopen && !v->nmissing;
}

const char *mb_accept_verdict_code(const struct mb_accept_template *t,
                                   const struct mb_accept_verdict *v)
{
    if (v->nexceeded)
        return "not_accepted";
    if (v->nopen)
        return "not_proven";
    if (v->nmissing == t->n)
        return "not_judged";
    return v->nmissing ? "incomplete" : "accepted";
}

void mb_accept_reason(const struct mb_accept_template *t, const struct mb_accept_verdict *v,
                      char *buf, size_t n)
{
    if (!v->limit) {
        if (n)
            buf[0] = '\0';
        return;
    }
    const struct mb_accept_limit *x = v->limit;
    const char *unit = x->substance->unit;
    /* The template by its code ("inert", "ordinary", "hazardous"): the
     * catalogue names it in the reader's language. */
    const char *what = x->substance->code, *tname = t->name;
    if (v->open && x->leached)
        mb_words_say(buf, n, "%s leached at L/S = 10: not detected below %g %s, which is "
                     "above the limit %g %s of the landfill template '%s' (avfallsforskriften "
                     "vedlegg II): not proven", what, v->value, unit, x->limit, unit, tname);
    else if (v->open)
        mb_words_say(buf, n, "%s total: not detected below %g %s, which is above the limit "
                     "%g %s of the landfill template '%s' (avfallsforskriften vedlegg II): "
                     "not proven", what, v->value, unit, x->limit, unit, tname);
    else if (x->leached)
        mb_words_say(buf, n, "%s leached at L/S = 10: %g %s is above the limit %g %s of the "
                     "landfill template '%s' (avfallsforskriften vedlegg II)", what, v->value,
                     unit, x->limit, unit, tname);
    else
        mb_words_say(buf, n, "%s total: %g %s is above the limit %g %s of the landfill "
                     "template '%s' (avfallsforskriften vedlegg II)", what, v->value, unit,
                     x->limit, unit, tname);
}
