/*
 * cmd_classify.c - `massebank classify`: lab results -> condition class.
 *
 * Samples come from the command line (one sample, SUBST=VALUE words) or a
 * CSV file (one sample per row). Every sample is parsed and classified
 * before anything is printed or written, so a bad cell anywhere leaves no
 * output at all; the error names the file, the line and the column. The
 * output (-o) may not be the input file itself.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"
#include "domain/quality.h"

struct sample {
    char id[64];
    struct mb_measurement *m;
    size_t n;
    struct mb_classification c;
};

static void free_samples(struct sample *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].m);
        mb_classification_release(&s[i].c);
    }
    free(s);
}

static int is_id_column(const char *h)
{
    static const char *const ids[] = { "sample", "id", "prøve", "prove", "prøvenr",
                                       "prøvenavn" };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        if (mb_text_casecmp(h, ids[i]) == 0)
            return 1;
    return 0;
}

static int is_ignored_column(const char *h)
{
    static const char *const skip[] = { "note", "comment", "kommentar", "merknad",
                                        "depth", "dybde", "location", "sted" };
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (mb_text_casecmp(h, skip[i]) == 0)
            return 1;
    return 0;
}

static int samples_from_csv(const struct mb_class_table *tab, const char *path,
                            struct sample **out, size_t *nout, struct mb_error *err)
{
    struct mb_csv_table t;
    int rc = mb_csv_read_file(&t, path, 16u << 20, err);
    if (rc)
        return rc;
    /* Errors name the file as the parser's do: "lab.csv line 3, Pb". */
    const char *slash = strrchr(path, '/');
    char base[64];
    mb_text_clip(base, sizeof base, slash ? slash + 1 : path);
    char header[96];
    snprintf(header, sizeof header, "%s header", base);
    int id_col = -1;
    const struct mb_substance **subst = mb_xcalloc(t.ncols, sizeof *subst);
    for (size_t c = 0; c < t.ncols; c++) {
        char q1[44], q2[44];
        if (is_id_column(t.header[c])) {
            if (id_col >= 0) {
                rc = mb_error_set(err, MB_EINVAL, header, "columns '%s' and '%s' are "
                    "both sample ids; keep one", mb_text_clip(q1, sizeof q1,
                    t.header[id_col]), mb_text_clip(q2, sizeof q2, t.header[c]));
                goto out;
            }
            id_col = (int)c;
        } else if (!is_ignored_column(t.header[c])) {
            subst[c] = mb_class_table_find(tab, t.header[c]);
            if (!subst[c]) {
                rc = mb_error_set(err, MB_ENOTFOUND, header, "column '%s' is "
                    "neither 'sample' nor a substance of the condition-class table",
                    mb_text_clip(q1, sizeof q1, t.header[c]));
                goto out;
            }
            for (size_t d = 0; d < c; d++)
                if (subst[d] == subst[c]) {
                    rc = mb_error_set(err, MB_EINVAL, header, "columns '%s' and "
                        "'%s' are the same substance", mb_text_clip(q1, sizeof q1,
                        t.header[d]), mb_text_clip(q2, sizeof q2, t.header[c]));
                    goto out;
                }
        }
    }
    if (t.nrows == 0) {
        rc = mb_error_set(err, MB_EINVAL, "file", "%s has no samples", path);
        goto out;
    }
    struct sample *s = mb_xcalloc(t.nrows, sizeof *s);
    size_t ns = 0;
    for (size_t r = 0; r < t.nrows && !rc; r++) {
        const struct mb_csv_row *row = &t.rows[r];
        struct sample *x = &s[ns++];
        const char *id = mb_csv_get(row, id_col);
        if (*id)
            mb_text_copy(x->id, sizeof x->id, id);
        else
            snprintf(x->id, sizeof x->id, "row %zu", row->line);
        x->m = mb_xcalloc(t.ncols, sizeof *x->m);
        for (size_t c = 0; c < t.ncols && !rc; c++) {
            const char *v = mb_csv_get(row, (int)c);
            if (!subst[c] || !*v)
                continue; /* not analysed */
            rc = mb_measurement_parse(tab, subst[c]->code, v, &x->m[x->n], err);
            if (!rc)
                x->n++;
        }
        if (!rc && x->n == 0)
            rc = mb_error_set(err, MB_EINVAL, "", "no lab results in this row");
        if (!rc)
            rc = mb_classify(x->m, x->n, &x->c, err);
        if (rc) {
            char where[96];
            snprintf(where, sizeof where, "%s line %zu", base, row->line);
            mb_error_prefix_field(err, where);
        }
    }
    if (rc) {
        free_samples(s, ns);
        goto out;
    }
    *out = s;
    *nout = ns;
out:
    free(subst);
    mb_csv_release(&t);
    return rc;
}

static int sample_from_args(const struct mb_class_table *tab, const char **words,
                            size_t nwords, struct sample **out, size_t *nout,
                            struct mb_error *err)
{
    struct sample *s = mb_xcalloc(1, sizeof *s);
    snprintf(s->id, sizeof s->id, "sample");
    s->m = mb_xcalloc(nwords, sizeof *s->m);
    int rc = 0;
    for (size_t i = 0; i < nwords && !rc; i++) {
        const char *eq = strchr(words[i], '=');
        if (!eq || eq == words[i]) {
            char q[44];
            rc = mb_error_set(err, MB_EINVAL, mb_text_clip(q, sizeof q, words[i]),
                              "write a result as SUBSTANCE=VALUE, e.g. Pb=80");
            break;
        }
        /* Any length: an unknown name is reported (shortened) by the parser. */
        char *name = mb_xstrndup(words[i], (size_t)(eq - words[i]));
        rc = mb_measurement_parse(tab, name, eq + 1, &s->m[s->n], err);
        free(name);
        if (!rc)
            s->n++;
    }
    if (!rc)
        rc = mb_classify(s->m, s->n, &s->c, err);
    if (rc) {
        free_samples(s, 1);
        return rc;
    }
    *out = s;
    *nout = 1;
    return 0;
}

/* True if a and b name the same existing file (also through links). */
static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static json_t *limit_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *sample_json(const struct sample *s, const char *version)
{
    const struct mb_classification *c = &s->c;
    const struct mb_substance_result *d = &c->results[c->decider];
    json_t *subs = json_array();
    for (size_t i = 0; i < c->n; i++) {
        const struct mb_substance_result *r = &c->results[i];
        json_t *o = json_pack("{s:s,s:s,s:f,s:b,s:o,s:b,s:b,s:o}",
            "substance", r->substance->code, "name", r->substance->name,
            "value", r->value, "below_detection", r->below_loq,
            "class", r->cls ? json_integer(r->cls) : json_null(),
            "above_normverdi", r->above_normverdi, "above_class_5", r->above_class5,
            "normverdi", json_real(r->substance->upper[0]));
        json_array_append_new(subs, o);
    }
    json_t *decided = json_pack("{s:s,s:f,s:o,s:o,s:o}",
        "substance", d->substance->code, "value", d->value,
        "class", d->cls ? json_integer(d->cls) : json_null(),
        "limit", d->lower > 0 ? json_real(d->lower) : json_null(),
        "class_upper", limit_or_null(d->upper));
    if (d->lower > 0) {
        json_object_set_new(decided, "over_by", json_real(d->value - d->lower));
        json_object_set_new(decided, "factor", json_real(d->value / d->lower));
    }
    json_t *risk = json_array();
    for (size_t i = 0; i < c->n; i++)
        if (c->results[i].cls == 0)
            json_array_append_new(risk, json_string(c->results[i].substance->code));
    json_t *loq = json_array();
    for (size_t i = 0; i < c->n; i++)
        if (c->results[i].loq_above_normverdi)
            json_array_append_new(loq, json_string(c->results[i].substance->code));
    /* The substances whose detection limits leave the class open. */
    json_t *open = json_array();
    for (size_t i = 0; i < c->n; i++)
        if (mb_substance_result_open(c, i))
            json_array_append_new(open, json_pack("{s:s, s:f, s:i}", "substance",
                                                  c->results[i].substance->code,
                                                  "detection_limit", c->results[i].value,
                                                  "class_max", c->results[i].cls_max));
    return json_pack("{s:s,s:o,s:o,s:o,s:o,s:b,s:s,s:s,s:s,s:b,s:b,s:b,s:o,s:o,s:o,s:o}",
        "sample", s->id,
        "class", c->cls ? json_integer(c->cls) : json_null(),
        "class_min", c->cls ? json_integer(c->cls_min) : json_null(),
        "class_max", c->cls ? json_integer(c->cls_max) : json_null(),
        "open_substances", open,
        "likely_hazardous_waste_possible", c->likely_hazardous_possible,
        "class_name_nb", mb_class_name_nb(c->cls),
        "class_name_en", mb_class_name_en(c->cls),
        "table", version, "clean", !c->contaminated && !c->loq_note,
        "likely_hazardous_waste", c->likely_hazardous,
        "site_specific_risk_assessment", c->risk_assessment,
        "risk_assessment_substances", risk,
        "detection_limit_above_normverdi", loq,
        "decided_by", decided, "substances", subs);
}

static void sample_text(FILE *f, const struct sample *s)
{
    const struct mb_classification *c = &s->c;
    const struct mb_substance_result *d = &c->results[c->decider];
    if (c->cls == 0)
        fprintf(f, "%s: no class (only substances without classes, above their "
                "normverdi)\n", s->id);
    else if (c->likely_hazardous)
        fprintf(f, "%s: above class 5 - likely HAZARDOUS WASTE (to be decided under "
                "avfallsforskriften ch. 11)\n", s->id);
    else if (c->cls_max > c->cls_min) {
        const struct mb_substance_result *o = &c->results[c->open_decider];
        fprintf(f, "%s: class %d-%d (%s to %s): not detected below %g mg/kg %s, which "
                "lies in class %d; counted as class %d\n", s->id, c->cls_min, c->cls_max,
                mb_class_name_en(c->cls_min), mb_class_name_en(c->cls_max), o->value,
                o->substance->code, o->cls_max, c->cls_max);
    } else
        fprintf(f, "%s: class %d (%s / %s)%s\n", s->id, c->cls, mb_class_name_nb(c->cls),
                mb_class_name_en(c->cls),
                c->contaminated || c->loq_note ? "" : " - clean masses");
    if (d->lower > 0)
        fprintf(f, "  decided by %s (%s): %g mg/kg, %g over the limit %g (x%.2f)\n",
                d->substance->code, d->substance->name, d->value, d->value - d->lower,
                d->lower, d->value / d->lower);
    else if (c->cls == 1 && d->below_loq && d->value == 0)
        fprintf(f, "  highest relative to its normverdi: %s not detected (normverdi "
                "%g mg/kg)\n", d->substance->code, d->substance->upper[0]);
    else if (c->cls == 1)
        fprintf(f, "  highest relative to its normverdi: %s %s%g mg/kg (normverdi %g)\n",
                d->substance->code, d->below_loq ? "<" : "", d->value,
                d->substance->upper[0]);
    for (size_t i = 0; i < c->n; i++) {
        const struct mb_substance_result *r = &c->results[i];
        if (r->cls == 0)
            fprintf(f, "  %s %g mg/kg is above its normverdi %g, which has no "
                    "classes: a site-specific risk assessment is needed\n",
                    r->substance->code, r->value, r->substance->upper[0]);
        if (r->loq_above_normverdi)
            fprintf(f, "  %s: detection limit %g is above the normverdi %g; it may be up to "
                    "class %d\n", r->substance->code, r->value, r->substance->upper[0],
                    r->cls_max ? r->cls_max : 1);
    }
    if (c->cls >= 4 && !c->likely_hazardous)
        fprintf(f, "  class 4 or higher: the risk of spreading must be assessed\n");
}

int cmd_classify(int argc, char **argv)
{
    const char *csv = NULL, *outpath = NULL;
    bool json = false;
    const char **words = mb_xcalloc((size_t)argc, sizeof *words);
    size_t nwords = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--csv", &csv, "classify")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &outpath, "classify"))) {
            if (m < 0) {
                free(words);
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            free(words);
            return cli_usage("classify", "unknown option %s", argv[i]);
        } else {
            words[nwords++] = argv[i];
        }
    }
    if ((csv && nwords) || (!csv && !nwords)) {
        free(words);
        return cli_usage("classify", "give results as SUBST=VALUE words or --csv "
                         "FILE, not both");
    }
    struct mb_error err;
    mb_error_clear(&err);
    if (csv && outpath && strcmp(outpath, "-") != 0 && same_file(csv, outpath)) {
        free(words);
        mb_error_set(&err, MB_EINVAL, "-o", "%s is the input file (--csv %s); "
                     "writing the results there would destroy the lab data, so "
                     "choose another file", outpath, csv);
        return cli_fail(&err);
    }
    struct mb_class_table tab;
    if (mb_class_table_init(&tab, &err)) {
        free(words);
        return cli_fail(&err);
    }
    struct sample *s = NULL;
    size_t ns = 0;
    rc = csv ? samples_from_csv(&tab, csv, &s, &ns, &err)
             : sample_from_args(&tab, words, nwords, &s, &ns, &err);
    if (rc) {
        rc = cli_fail(&err);
        goto out;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        fprintf(stderr, "massebank: out of memory\n");
        rc = EXIT_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < ns; i++) {
        if (json) {
            json_t *o = sample_json(&s[i], tab.version);
            cli_print_json(mem, o);
            json_decref(o);
        } else {
            sample_text(mem, &s[i]);
        }
    }
    fclose(mem);
    if (cli_write_output(outpath, text, len, &err))
        rc = cli_fail(&err);
    free(text);
out:
    free_samples(s, ns);
    mb_class_table_release(&tab);
    free(words);
    return rc;
}
