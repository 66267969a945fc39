/*
 * lab_csv.c - fuzz target: a lab results CSV (one sample per row, a column
 * per substance; docs/condition-classes.md) through the library calls that
 * `massebank classify FILE` makes: mb_csv_parse (core/csvtable.h), then
 * mb_class_table_find per column, mb_measurement_parse per cell and
 * mb_classify per sample (domain/quality.h).
 *
 * How columns map to samples (the sample id column, ignored columns, a
 * substance given twice) lives in src/cli/cmd_classify.c as static code,
 * so it is mirrored here; the parsers it drives are the library's own.
 * mb_csv_parse is the reader of every CSV that enters massebank
 * (reference tables and overrides too), so its contract is checked as
 * well: a header of distinct, non-empty names; every row as wide as the
 * header; rows in line order.
 *
 * The same bytes go through the lab report reader (exchange/labreport.h,
 * `massebank classify --report`, POST /api/lab-reports) too: a report it
 * accepts has samples, each with results and a depth interval whose top
 * is not below its bottom; a refusal names where, and returns nothing.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"
#include "domain/quality.h"
#include "exchange/labreport.h"

static bool one_of(const char *h, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (mb_text_casecmp(h, names[i]) == 0)
            return true;
    return false;
}

static const char *const id_names[] = { "sample", "id", "prøve", "prove", "prøvenr",
                                        "prøvenavn" };
static const char *const skip_names[] = { "note", "comment", "kommentar", "merknad",
                                          "depth", "dybde", "location", "sted" };

static void check_table(const struct mb_csv_table *t)
{
    if (t->ncols == 0 || (t->delimiter != ',' && t->delimiter != ';'))
        fuzz_fail("csv: a table without columns or with another delimiter", NULL);
    for (size_t c = 0; c < t->ncols; c++) {
        if (!t->header[c] || !t->header[c][0])
            fuzz_fail("csv: an empty column name", NULL);
        for (size_t d = 0; d < c; d++)
            if (mb_text_casecmp(t->header[c], t->header[d]) == 0)
                fuzz_fail("csv: two columns of the same name", NULL);
    }
    size_t last = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->rows[r].line <= last)
            fuzz_fail("csv: rows out of line order", NULL);
        last = t->rows[r].line;
        bool any = false;
        for (size_t c = 0; c < t->ncols; c++)
            any |= mb_csv_get(&t->rows[r], (int)c)[0] != '\0';
        if (!any)
            fuzz_fail("csv: a row whose cells are all empty was kept", NULL);
    }
    for (size_t i = 0; i < t->nnotes; i++)
        if (!t->notes[i])
            fuzz_fail("csv: a NULL note", NULL);
}

static void check_classification(const struct mb_classification *c, size_t n)
{
    if (c->n != n || c->cls < 0 || c->cls > MB_CLASS_COUNT || c->decider >= n)
        fuzz_fail("classify: class, count or decider out of range", NULL);
    double f = mb_classification_factor(c);
    (void)f;
    (void)mb_class_name_nb(c->cls);
    (void)mb_class_name_en(c->cls);
}

static void classify_rows(const struct mb_class_table *tab, const struct mb_csv_table *t)
{
    const struct mb_substance **subst = mb_xcalloc(t->ncols, sizeof *subst);
    int id_col = -1;
    for (size_t c = 0; c < t->ncols; c++) {
        if (one_of(t->header[c], id_names, sizeof id_names / sizeof *id_names)) {
            if (id_col >= 0)
                goto out; /* two id columns: refused */
            id_col = (int)c;
        } else if (!one_of(t->header[c], skip_names, sizeof skip_names / sizeof *skip_names)) {
            if (!(subst[c] = mb_class_table_find(tab, t->header[c])))
                goto out; /* not a substance: refused */
            for (size_t d = 0; d < c; d++)
                if (subst[d] == subst[c])
                    goto out; /* the same substance twice: refused */
        }
    }
    struct mb_measurement *m = mb_xcalloc(t->ncols, sizeof *m);
    for (size_t r = 0; r < t->nrows; r++) {
        const struct mb_csv_row *row = &t->rows[r];
        (void)mb_csv_get(row, id_col);
        size_t n = 0;
        bool bad = false;
        for (size_t c = 0; c < t->ncols && !bad; c++) {
            const char *v = mb_csv_get(row, (int)c);
            if (!subst[c] || !*v)
                continue;
            struct mb_error err;
            int rc = mb_measurement_parse(tab, subst[c]->code, v, &m[n], &err);
            if (rc == 0)
                n++;
            else if (rc != MB_EINVAL)
                fuzz_fail("lab: a known substance's value refused with another code than "
                          "MB_EINVAL", &err);
            else
                bad = true;
        }
        if (bad || n == 0)
            continue;
        struct mb_classification cl;
        struct mb_error err;
        if (mb_classify(m, n, &cl, &err) != 0)
            fuzz_fail("lab: a sample of distinct substances is not classified", &err);
        check_classification(&cl, n);
        mb_classification_release(&cl);
    }
    free(m);
out:
    free(subst);
}

static void read_report(const struct mb_class_table *tab, const uint8_t *data, size_t size)
{
    struct mb_xchg_sheet sheet;
    struct mb_error err;
    if (mb_xchg_sheet_from_csv(&sheet, (const char *)data, size, "lab.csv", &err))
        return;
    struct mb_lab_report rep;
    int rc = mb_labrep_read(tab, &sheet, "lab.csv", &rep, &err);
    if (rc == 0) {
        if (rep.n == 0)
            fuzz_fail("labreport: accepted a report without samples", NULL);
        for (size_t i = 0; i < rep.n; i++) {
            const struct mb_lab_sample *x = &rep.samples[i];
            if (x->n == 0 || !x->id[0])
                fuzz_fail("labreport: a sample without results or id", NULL);
            if (x->depth_from > x->depth_to)
                fuzz_fail("labreport: a sample's top below its bottom", NULL);
            for (size_t k = 0; k < x->n; k++)
                if (!x->m[k].substance || x->m[k].value < 0)
                    fuzz_fail("labreport: a result without substance or negative", NULL);
        }
        json_decref(mb_labrep_json(&rep));
        mb_labrep_release(&rep);
    } else {
        if (!err.message[0] || rep.samples || rep.n)
            fuzz_fail("labreport: a refusal without a message, or with samples", &err);
    }
    mb_xchg_sheet_release(&sheet);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct mb_class_table *tab = &fuzz_market()->classes;
    struct mb_csv_table t;
    struct mb_error err;
    int rc = mb_csv_parse(&t, (const char *)data, size, "lab.csv", &err);
    if (rc == 0) {
        check_table(&t);
        classify_rows(tab, &t);
        mb_csv_release(&t);
    } else if (rc != MB_EINVAL) {
        fuzz_fail("csv: refused with another code than MB_EINVAL", &err);
    }
    read_report(tab, data, size);
    return 0;
}
