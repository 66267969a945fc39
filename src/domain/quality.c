/*
 * quality.c - loading the condition-class table and classifying samples
 * (rules and sources in quality.h and docs/condition-classes.md).
 */
#include "domain/quality.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"

extern const char mb_data_condition_classes[];
extern const size_t mb_data_condition_classes_len;

static const char *const names_nb[] = { "Meget god", "God", "Moderat", "Dårlig",
                                        "Svært dårlig" };
static const char *const names_en[] = { "Very good", "Good", "Moderate", "Poor",
                                        "Very poor" };

const char *mb_class_name_nb(int cls)
{
    return cls >= 1 && cls <= 5 ? names_nb[cls - 1] : "uten klasse";
}

const char *mb_class_name_en(int cls)
{
    return cls >= 1 && cls <= 5 ? names_en[cls - 1] : "no class";
}

static int load_row(struct mb_substance *s, const struct mb_csv_table *t,
                    const struct mb_csv_row *r, struct mb_error *err)
{
    int c_name = mb_csv_column(t, "substance"), c_code = mb_csv_column(t, "code");
    int c_status = mb_csv_column(t, "status");
    if (!mb_text_copy(s->name, sizeof s->name, mb_csv_get(r, c_name)) ||
        !mb_text_copy(s->code, sizeof s->code, mb_csv_get(r, c_code)) ||
        !s->name[0] || !s->code[0])
        return mb_error_set(err, MB_EDATA, "substance", "missing or too long");
    const char *st = mb_csv_get(r, c_status);
    if (strlen(st) != 1 || !strchr("VS", st[0]))
        return mb_error_set(err, MB_EDATA, "status", "must be V or S");
    s->status = st[0];
    if (!mb_text_copy(s->unit, sizeof s->unit, mb_csv_get(r, mb_csv_column(t, "unit"))) ||
        (strcmp(s->unit, "mg/kg") != 0 && strcmp(s->unit, "%") != 0 &&
         strcmp(s->unit, "pH") != 0))
        return mb_error_set(err, MB_EDATA, "unit", "must be mg/kg, %% or pH");
    if (!mb_text_copy(s->source, sizeof s->source,
                      mb_csv_get(r, mb_csv_column(t, "source"))) || !s->source[0])
        return mb_error_set(err, MB_EDATA, "source", "missing or too long");
    if (!mb_text_copy(s->aliases, sizeof s->aliases,
                      mb_csv_get(r, mb_csv_column(t, "aliases"))))
        return mb_error_set(err, MB_EDATA, "aliases", "too long");
    s->nbounds = 0;
    for (int k = 0; k < MB_CLASS_COUNT; k++) {
        char col[16];
        snprintf(col, sizeof col, "class%d", k + 1);
        const char *v = mb_csv_get(r, mb_csv_column(t, col));
        if (!*v) {
            /* normverdi-only or a parameter: every later bound must be
             * empty too */
            for (int j = k; j < MB_CLASS_COUNT; j++) {
                snprintf(col, sizeof col, "class%d", j + 1);
                if (*mb_csv_get(r, mb_csv_column(t, col)))
                    return mb_error_set(err, MB_EDATA, col, "a class bound after an "
                                        "empty one");
            }
            break;
        }
        int rc = mb_parse_number(v, &s->upper[k], col, err);
        if (rc)
            return MB_EDATA;
        if (!(s->upper[k] > 0))
            return mb_error_set(err, MB_EDATA, col, "bounds must be positive");
        if (k > 0 && s->upper[k] < s->upper[k - 1])
            return mb_error_set(err, MB_EDATA, col, "bounds must not decrease");
        s->nbounds = k + 1;
    }
    if (s->nbounds > 1 && s->nbounds != MB_CLASS_COUNT)
        return mb_error_set(err, MB_EDATA, "class2", "give all five bounds, only "
                            "the normverdi, or none (a parameter)");
    return 0;
}

/* Fold to a key of lower-case ASCII letters and digits (other bytes such
 * as ø are kept as they are), dropping spaces and punctuation. */
static void key_of(const char *s, char *out, size_t n)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < n; p++) {
        if (isalnum(*p))
            out[k++] = (char)tolower(*p);
        else if (*p >= 0x80)
            out[k++] = (char)*p;
    }
    out[k] = '\0';
}

/* Calls fn with the key of each of the substance's names (code, name,
 * aliases) until it returns true. */
static bool each_key(const struct mb_substance *s,
                     bool (*fn)(const char *key, const void *arg), const void *arg)
{
    char key[96];
    key_of(s->code, key, sizeof key);
    if (fn(key, arg))
        return true;
    key_of(s->name, key, sizeof key);
    if (fn(key, arg))
        return true;
    for (const char *p = s->aliases; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        char one[sizeof s->aliases];
        memcpy(one, p, len);
        one[len] = '\0';
        key_of(one, key, sizeof key);
        if (key[0] && fn(key, arg))
            return true;
        p += len + (bar ? 1 : 0);
    }
    return false;
}

static bool key_equals(const char *key, const void *arg)
{
    return strcmp(key, arg) == 0;
}

/* The first earlier substance that has a key of s, or NULL. */
struct collision {
    const struct mb_substance *items;
    size_t n;
    const struct mb_substance *hit;
    char key[96];
};

static bool key_taken(const char *key, const void *arg)
{
    struct collision *c = (struct collision *)(uintptr_t)arg;
    for (size_t i = 0; i < c->n; i++)
        if (each_key(&c->items[i], key_equals, key)) {
            c->hit = &c->items[i];
            mb_text_copy(c->key, sizeof c->key, key);
            return true;
        }
    return false;
}

int mb_class_table_init(struct mb_class_table *t, struct mb_error *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->version, sizeof t->version, "NO-TA2553-2009");
    struct mb_csv_table csv;
    int rc = mb_csv_parse(&csv, mb_data_condition_classes,
                          mb_data_condition_classes_len, "condition-classes.csv", err);
    if (rc)
        return MB_EDATA;
    t->items = mb_xcalloc(csv.nrows, sizeof *t->items);
    for (size_t i = 0; i < csv.nrows; i++) {
        rc = load_row(&t->items[i], &csv, &csv.rows[i], err);
        if (rc) {
            char where[48];
            snprintf(where, sizeof where, "condition-classes.csv line %zu",
                     csv.rows[i].line);
            mb_error_prefix_field(err, where);
            break;
        }
        /* Every name, code and alias must name one substance only. */
        struct collision col = { t->items, i, NULL, "" };
        if (each_key(&t->items[i], key_taken, &col)) {
            rc = mb_error_set(err, MB_EDATA, "aliases", "'%s' (line %zu) and '%s' share "
                              "the name '%s'", t->items[i].code, csv.rows[i].line,
                              col.hit->code, col.key);
            break;
        }
        t->n++;
    }
    mb_csv_release(&csv);
    if (rc) {
        mb_class_table_release(t);
        return MB_EDATA;
    }
    return 0;
}

void mb_class_table_release(struct mb_class_table *t)
{
    if (!t)
        return;
    free(t->items);
    memset(t, 0, sizeof *t);
}

const struct mb_substance *mb_class_table_find(const struct mb_class_table *t,
                                               const char *name)
{
    char want[96];
    key_of(name, want, sizeof want);
    if (!want[0])
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (each_key(&t->items[i], key_equals, want))
            return &t->items[i];
    return NULL;
}

/* True if s, ignoring white space (also no-break spaces) around it, is one
 * of the words labs write for "not detected". */
static bool is_not_detected(const char *s)
{
    static const char *const words[] = { "i.p.", "ip", "ikke påvist", "n.d.",
                                         "nd", "<loq", "<lod", "<dl" };
    char buf[24];
    size_t n = 0;
    const char *p = s;
    for (;;) {
        if (isspace((unsigned char)*p))
            p++;
        else if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
            p += 2;
        else
            break;
    }
    while (*p && n + 1 < sizeof buf)
        buf[n++] = *p++;
    if (*p)
        return false; /* longer than any of the words */
    for (;;) {
        if (n && isspace((unsigned char)buf[n - 1]))
            n--;
        else if (n >= 2 && (unsigned char)buf[n - 2] == 0xC2 &&
                 (unsigned char)buf[n - 1] == 0xA0)
            n -= 2;
        else
            break;
    }
    buf[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (mb_text_casecmp(buf, words[i]) == 0)
            return true;
    return false;
}

/* The unit text folded: lower case, spaces dropped, "µ"/"μ" as "u". */
static void unit_key(const char *u, char *out, size_t n)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)u; *p && k + 1 < n; p++) {
        if (p[0] == 0xC2 && p[1] == 0xB5) { /* µ micro sign */
            out[k++] = 'u';
            p++;
        } else if (p[0] == 0xCE && p[1] == 0xBC) { /* μ Greek mu */
            out[k++] = 'u';
            p++;
        } else if (!isspace(*p)) {
            out[k++] = (char)tolower(*p);
        }
    }
    out[k] = '\0';
}

int mb_unit_scale(const struct mb_substance *s, const char *unit, const char *field,
                  double *factor, struct mb_error *err)
{
    static const struct {
        const char *key;
        double mg_per_kg;
    } units[] = { { "mg/kg", 1 },        { "mg/kgts", 1 },   { "mg/kgtørrstoff", 1 },
                  { "mg/kgdm", 1 },      { "mg/kgtv", 1 },   { "mg/kgd.w.", 1 },
                  { "mg/kgdw", 1 },      { "ug/kg", 0.001 }, { "ug/kgts", 0.001 },
                  { "ug/kgdm", 0.001 },  { "ng/kg", 1e-6 },  { "ng/kgts", 1e-6 },
                  { "g/kg", 1000 },      { "g/kgts", 1000 }, { "%", 10000 },
                  { "%ts", 10000 },      { "%avts", 10000 }, { "%dm", 10000 },
                  { "ppm", 1 } };
    char key[48], q[44];
    *factor = 1;
    if (!unit || !*unit || strcmp(unit, s->unit) == 0)
        return 0;
    unit_key(unit, key, sizeof key);
    mb_text_clip(q, sizeof q, unit);
    if (strcmp(s->unit, "pH") == 0)
        return mb_error_set(err, MB_EINVAL, field, "pH has no unit (got '%s')", q);
    if (strstr(key, "/l"))
        return mb_error_set(err, MB_EINVAL, field, "'%s' is a concentration in the "
                            "eluate; give the leached amount in mg per kg dry matter, as the "
                            "lab reports it (utlekket mengde; for a one-stage test at L/S = "
                            "10 l/kg roughly mg/l x 10)", q);
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(key, units[i].key) == 0) {
            /* a substance kept in % (TOC, LOI, S) divides by 10 000 */
            *factor = strcmp(s->unit, "%") == 0 ? units[i].mg_per_kg / 10000
                                                 : units[i].mg_per_kg;
            return 0;
        }
    return mb_error_set(err, MB_EINVAL, field, "unknown unit '%s'; use mg/kg (dry "
                        "matter), µg/kg, g/kg or %%", q);
}

/* True if text (a parenthesis' inside, folded) marks a leaching test. */
static bool is_leach_mark(const char *key)
{
    return strcmp(key, "l/s10") == 0 || strcmp(key, "l/s=10") == 0 ||
           strcmp(key, "ls10") == 0 || strcmp(key, "utlekking") == 0 ||
           strcmp(key, "utlekket") == 0 || strcmp(key, "leached") == 0 ||
           strcmp(key, "ristetest") == 0;
}

/* The inside of a last parenthesis for substance s: every part a leaching
 * mark, the substance's own name again ("Arsen (As)") or a unit it takes.
 * 1 when all parts read (unit and *leached set), 0 when some part is no
 * unit (then err says why), -1 when some part is nothing of the kind. */
static int paren_parts(const struct mb_class_table *t, const struct mb_substance *s,
                       char *inner, const char *field, bool *leached, char *unit,
                       size_t unitn, struct mb_error *err)
{
    bool any_unit_error = false;
    for (char *part = inner; part && *part;) {
        char *sep = strpbrk(part, ",;");
        if (sep)
            *sep = '\0';
        while (*part == ' ')
            part++;
        size_t pl = strlen(part);
        while (pl && part[pl - 1] == ' ')
            part[--pl] = '\0';
        char key[64];
        unit_key(part, key, sizeof key);
        double f;
        if (is_leach_mark(key)) {
            *leached = true;
        } else if (!key[0] || mb_class_table_find(t, part) == s) {
            /* "Arsen (As)": the symbol or name again */
        } else if (mb_unit_scale(s, part, field, &f, err) == 0) {
            mb_text_copy(unit, unitn, part);
        } else {
            any_unit_error = true;
            bool unit_like = strchr(part, '/') || strchr(part, '%') || strstr(key, "kg") ||
                             strncmp(key, "pp", 2) == 0 || strncmp(key, "mg", 2) == 0 ||
                             strncmp(key, "ug", 2) == 0 || strncmp(key, "ng", 2) == 0;
            if (!unit_like)
                return -1; /* "(III)", "(16)": part of a name, not a unit */
        }
        part = sep ? sep + 1 : NULL;
    }
    return any_unit_error ? 0 : 1;
}

int mb_result_name_parse(const struct mb_class_table *t, const char *name, const char *field,
                         const struct mb_substance **s, bool *leached, char *unit,
                         size_t unitn, struct mb_error *err)
{
    *s = NULL;
    *leached = false;
    if (unitn)
        unit[0] = '\0';
    const char *p = name;
    while (*p == ' ')
        p++;
    bool lprefix = (p[0] == 'L' || p[0] == 'l') && p[1] == '.';
    if (lprefix)
        p += 2;
    /* "Pb (µg/kg)", "Pb (%)", "Ba (L/S=10)", "Arsen (As)": the last
     * parenthesis holds a unit, a leaching mark or the name again - read
     * first, since a bare symbol ("Pb (%)") would otherwise fold into the
     * name; a name with a parenthesis of its own ("Krom (III)", "Sum
     * PAH(16)") falls through to the whole name. */
    size_t len = strlen(p);
    while (len && p[len - 1] == ' ')
        len--;
    const char *open = NULL;
    for (const char *q = p; q < p + len; q++)
        if (*q == '(')
            open = q;
    char q44[44];
    const struct mb_substance *head_s = NULL;
    int parts = -1;
    struct mb_error perr;
    bool pleach = false;
    char punit[48] = "";
    if (len > 2 && p[len - 1] == ')' && open && open > p && (size_t)(open - p) < 96 &&
        (size_t)(p + len - 1 - open) < 64) {
        char head[96], inner[64];
        memcpy(head, p, (size_t)(open - p));
        head[open - p] = '\0';
        memcpy(inner, open + 1, (size_t)(p + len - 1 - open - 1));
        inner[p + len - 1 - open - 1] = '\0';
        head_s = mb_class_table_find(t, head);
        if (head_s)
            parts = paren_parts(t, head_s, inner, field, &pleach, punit, sizeof punit, &perr);
    }
    if (head_s && parts == 1) {
        *s = head_s;
        *leached = lprefix || pleach;
        mb_text_copy(unit, unitn, punit);
        return 0;
    }
    *s = mb_class_table_find(t, p);
    if (*s) {
        *leached = lprefix;
        return 0;
    }
    if (head_s && parts == 0) {
        *err = perr;
        return MB_EINVAL;
    }
    return mb_error_set(err, MB_ENOTFOUND, field, "'%s' is not a substance of the substance "
                        "table (codes, names and lab names: 'massebank classify --list', GET "
                        "/api/substances)", mb_text_clip(q44, sizeof q44, name));
}

int mb_measurement_parse(const struct mb_class_table *t, const char *substance,
                         const char *value, struct mb_measurement *out,
                         struct mb_error *err)
{
    return mb_measurement_parse_as(t, substance, value, NULL, false, out, err);
}

int mb_measurement_parse_as(const struct mb_class_table *t, const char *substance,
                            const char *value, const char *unit, bool leached,
                            struct mb_measurement *out, struct mb_error *err)
{
    char q[44];
    memset(out, 0, sizeof *out);
    out->leached = leached;
    out->substance = mb_class_table_find(t, substance);
    if (!out->substance) {
        mb_text_clip(q, sizeof q, substance);
        return mb_error_set(err, MB_ENOTFOUND, q, "unknown substance '%s'; use a "
            "code, name or lab name from the substance table (As, Pb, Cd, Hg, Cu, Zn, "
            "Cr, CrVI, Ni, PCB7, DDT, PAH16, BaP, ... see 'massebank classify "
            "--list')", q);
    }
    const struct mb_substance *s = out->substance;
    const char *field = s->code;
    bool ph = strcmp(s->unit, "pH") == 0;
    if (leached && (ph || strcmp(s->unit, "%") == 0))
        return mb_error_set(err, MB_EINVAL, field, "%s is not a leaching result",
                            s->code);
    double scale;
    int rc = mb_unit_scale(s, unit, field, &scale, err);
    if (rc)
        return rc;
    if (is_not_detected(value)) {
        if (ph)
            return mb_error_set(err, MB_EINVAL, field, "a pH is always measured");
        out->below_loq = true;
        out->value = 0;
        return 0;
    }
    const char *v = value;
    while (*v == ' ')
        v++;
    if (*v == '>')
        return mb_error_set(err, MB_EINVAL, field, "'%s' is only a lower bound; "
                            "ask the lab for the measured value",
                            mb_text_clip(q, sizeof q, value));
    if (*v == '<') {
        if (ph)
            return mb_error_set(err, MB_EINVAL, field, "a pH is always measured");
        out->below_loq = true;
        v++;
    }
    double x;
    rc = mb_parse_number_as(v, &x, field, ph ? "a pH from 0 to 14 (e.g. 7,5)"
                                             : "a concentration (e.g. 12, 0,5 or <0,5)",
                            err);
    if (rc)
        return rc;
    if (x < 0)
        return mb_error_set(err, MB_EINVAL, field, "a %s cannot be negative (got %s)",
                            ph ? "pH" : "concentration", mb_text_clip(q, sizeof q, value));
    if (ph && x > 14)
        return mb_error_set(err, MB_EINVAL, field, "a pH is from 0 to 14 (got %s)",
                            mb_text_clip(q, sizeof q, value));
    x *= scale;
    double whole = strcmp(s->unit, "%") == 0 ? 100 : 1e6;
    if (!ph && x > whole)
        return mb_error_set(err, MB_EINVAL, field, "%s %s is more than the whole "
                            "kilogram", mb_text_clip(q, sizeof q, value),
                            unit && *unit ? unit : s->unit);
    out->value = x;
    return 0;
}

static void classify_one(const struct mb_measurement *m, double background,
                         struct mb_substance_result *r)
{
    const struct mb_substance *s = m->substance;
    memset(r, 0, sizeof *r);
    r->substance = s;
    r->value = m->value;
    r->below_loq = m->below_loq;
    r->leached = m->leached;
    r->upper = INFINITY;
    if (m->leached || s->nbounds == 0) {
        r->unclassed = true;
        return;
    }
    if (background > s->upper[0]) {
        /* Natural background above the normverdi (§ 2-3 a): up to the
         * background the masses are not contaminated; above it they are
         * classed as usual. */
        r->background = background;
        if (m->value <= background) {
            r->cls = r->cls_max = 1;
            r->within_background = !m->below_loq && m->value > s->upper[0];
            r->upper = background;
            return;
        }
    }
    if (m->below_loq) {
        /* Below detection: at least class 1, and at most the class of the
         * detection limit itself ("<0,05" with class bounds 0.01 ... 0.04
         * may be anything up to class 5): a range, not a class. */
        r->cls = 1;
        r->cls_max = 1;
        r->upper = s->upper[0];
        r->loq_above_normverdi = m->value > s->upper[0];
        if (s->nbounds == MB_CLASS_COUNT && r->loq_above_normverdi) {
            r->cls_max = MB_CLASS_COUNT;
            for (int k = 0; k < MB_CLASS_COUNT; k++)
                if (m->value <= s->upper[k]) {
                    r->cls_max = k + 1;
                    break;
                }
            r->above_class5_possible = m->value > s->upper[MB_CLASS_COUNT - 1];
        }
        return;
    }
    r->above_normverdi = m->value > s->upper[0];
    for (int k = 0; k < s->nbounds; k++) {
        if (m->value <= s->upper[k]) {
            r->cls = r->cls_max = k + 1;
            r->lower = k ? s->upper[k - 1] : 0;
            r->upper = s->upper[k];
            return;
        }
    }
    if (s->nbounds == 1) {
        r->cls = 0; /* invent no class: a site-specific risk assessment decides */
        r->lower = s->upper[0];
        return;
    }
    r->cls = r->cls_max = MB_CLASS_COUNT;
    r->above_class5 = true;
    r->lower = s->upper[MB_CLASS_COUNT - 1];
}

/* Rank for choosing the decider: class (above class 5 counts as 6), then
 * how far the value is into its class relative to the bound it passed. */
static int worse(const struct mb_substance_result *a,
                 const struct mb_substance_result *b)
{
    int ca = a->above_class5 ? 6 : a->cls, cb = b->above_class5 ? 6 : b->cls;
    if (ca != cb)
        return ca > cb;
    double ra = a->lower > 0 ? a->value / a->lower
                             : (a->below_loq ? 0 : a->value / a->substance->upper[0]);
    double rb = b->lower > 0 ? b->value / b->lower
                             : (b->below_loq ? 0 : b->value / b->substance->upper[0]);
    return ra > rb;
}

int mb_classify(const struct mb_measurement *m, size_t n,
                struct mb_classification *out, struct mb_error *err)
{
    return mb_classify_bg(m, n, NULL, out, err);
}

static double background_of(const struct mb_background *bg, const struct mb_substance *s)
{
    if (bg)
        for (size_t i = 0; i < bg->n; i++)
            if (bg->items[i].substance == s)
                return bg->items[i].value;
    return 0;
}

int mb_classify_bg(const struct mb_measurement *m, size_t n,
                   const struct mb_background *bg, struct mb_classification *out,
                   struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return mb_error_set(err, MB_EINVAL, "analyses", "no lab results given");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (m[i].substance == m[j].substance && m[i].leached == m[j].leached)
                return mb_error_set(err, MB_EINVAL, m[i].substance->code,
                                    "%s%s is given twice in one sample",
                                    m[i].substance->code,
                                    m[i].leached ? " (leached)" : "");
    out->results = mb_xcalloc(n, sizeof *out->results);
    out->n = n;
    out->cls = 1;
    bool have_decider = false;
    for (size_t i = 0; i < n; i++) {
        struct mb_substance_result *r = &out->results[i];
        classify_one(&m[i], background_of(bg, m[i].substance), r);
        if (r->unclassed)
            continue;
        out->nbackground += r->within_background;
        out->contaminated |= r->above_normverdi;
        out->likely_hazardous |= r->above_class5;
        out->loq_note |= r->loq_above_normverdi;
        if (r->cls == 0) {
            out->risk_assessment = true;
            continue;
        }
        if (r->cls > out->cls)
            out->cls = r->cls;
        if (!have_decider || worse(r, &out->results[out->decider])) {
            out->decider = i;
            have_decider = true;
        }
    }
    if (have_decider && out->risk_assessment) {
        /* A substance without classes above its normverdi: the ground is
         * contaminated (forurensningsforskriften § 2-3) and no class can be
         * given; the classed substances give the lower end only. */
        out->cls_min = out->cls;
        out->cls = out->cls_max = 0;
        for (size_t i = 0; i < n; i++)
            if (out->results[i].cls == 0 && !out->results[i].unclassed) {
                out->decider = i;
                break;
            }
        return 0;
    }
    if (!have_decider) {
        /* Only normverdi-only substances, all above: no class can be given
         * (TA-2553 defines none); the first one is named. Or no result a
         * class is given from at all. */
        out->cls = 0;
        out->no_class = !out->risk_assessment;
        for (size_t i = 0; i < n; i++)
            if (out->results[i].cls == 0 && !out->results[i].unclassed) {
                out->decider = i;
                break;
            }
        return 0;
    }
    /* The range: the measured values give the lower end; a detection
     * limit above a bound leaves the class open up to its own class. The
     * sample's class is the upper end - what a receiver must be able to
     * take - and the substances that leave it open are named. */
    out->cls_min = out->cls;
    for (size_t i = 0; i < n; i++) {
        const struct mb_substance_result *r = &out->results[i];
        if (r->below_loq && !r->unclassed && r->cls_max > out->cls) {
            out->cls = r->cls_max;
            out->open_decider = i;
        }
        out->likely_hazardous_possible |= r->above_class5_possible;
    }
    out->cls_max = out->cls;
    return 0;
}

bool mb_substance_result_open(const struct mb_classification *c, size_t i)
{
    const struct mb_substance_result *r = &c->results[i];
    return r->below_loq && !r->unclassed && r->cls_max > c->cls_min;
}

double mb_classification_factor(const struct mb_classification *c)
{
    const struct mb_substance_result *r = &c->results[c->decider];
    return r->lower > 0 ? r->value / r->lower : 0;
}

void mb_classification_release(struct mb_classification *c)
{
    if (!c)
        return;
    free(c->results);
    memset(c, 0, sizeof *c);
}
