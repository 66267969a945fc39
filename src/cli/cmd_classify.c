/*
 * cmd_classify.c - `massebank classify`: lab results -> condition class.
 *
 * Samples come from the command line (one sample, SUBST=VALUE words) or a
 * CSV file (one sample per row). Every sample is parsed and classified
 * before anything is printed or written, so a bad cell anywhere leaves no
 * output at all; the error names the file, the line and the column. The
 * output (-o) may not be the input file itself.
 *
 * A column header or word names the substance by code, name or lab name;
 * a header may add the lab's unit or mark a leaching result in a last
 * parenthesis ("Pb (µg/kg)", "Ba (L/S=10)"), a word or header may start
 * with "L." for a leaching result ("L.Ba=25"). With --natural and
 * --municipality the municipality's natural background values apply.
 * Every sample gets the verdict of each landfill acceptance template.
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
#include "domain/acceptance.h"
#include "domain/background.h"
#include "domain/quality.h"
#include "domain/quality_json.h"
#include "domain/sampling.h"
#include "exchange/labreport.h"
#include "exchange/sheet.h"

struct sample {
    char id[96];
    struct mb_measurement *m;
    size_t n;
    struct mb_classification c;
};

/* What a column or a word names: a substance, whether leached, the unit. */
struct column {
    const struct mb_substance *s;
    bool leached;
    char unit[24];
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

/* Parse a header or a word's name into a column. 0, or an error naming
 * `where`. */
static int parse_column(const struct mb_class_table *tab, const char *name,
                        const char *where, bool header, struct column *out,
                        struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = mb_result_name_parse(tab, name, where, &out->s, &out->leached, out->unit,
                                  sizeof out->unit, err);
    if (rc != MB_ENOTFOUND)
        return rc;
    char q[44];
    mb_text_clip(q, sizeof q, name);
    if (header)
        return mb_error_set(err, MB_ENOTFOUND, where, "column '%s' is neither 'sample' "
                            "nor a substance of the substance table (see 'massebank "
                            "classify --list')", q);
    return mb_error_set(err, MB_ENOTFOUND, where, "unknown substance '%s'; use a code, "
                        "name or lab name of the substance table (see 'massebank "
                        "classify --list')", q);
}

static int samples_from_csv(const struct mb_class_table *tab,
                            const struct mb_background *bg, const char *path,
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
    struct column *cols = mb_xcalloc(t.ncols, sizeof *cols);
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
            rc = parse_column(tab, t.header[c], header, true, &cols[c], err);
            if (rc)
                goto out;
            for (size_t d = 0; d < c; d++)
                if (cols[d].s == cols[c].s && cols[d].leached == cols[c].leached) {
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
            if (!cols[c].s || !*v)
                continue; /* not analysed */
            rc = mb_measurement_parse_as(tab, cols[c].s->code, v, cols[c].unit,
                                         cols[c].leached, &x->m[x->n], err);
            if (!rc)
                x->n++;
        }
        if (!rc && x->n == 0)
            rc = mb_error_set(err, MB_EINVAL, "", "no lab results in this row");
        if (!rc)
            rc = mb_classify_bg(x->m, x->n, bg, &x->c, err);
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
    free(cols);
    mb_csv_release(&t);
    return rc;
}

static int sample_from_args(const struct mb_class_table *tab,
                            const struct mb_background *bg, const char **words,
                            size_t nwords, struct sample **out, size_t *nout,
                            struct mb_error *err)
{
    struct sample *s = mb_xcalloc(1, sizeof *s);
    snprintf(s->id, sizeof s->id, "sample");
    s->m = mb_xcalloc(nwords, sizeof *s->m);
    int rc = 0;
    for (size_t i = 0; i < nwords && !rc; i++) {
        /* the last '=': a header-like name may hold one ("Ba (L/S=10)=2") */
        const char *eq = strrchr(words[i], '=');
        if (!eq || eq == words[i]) {
            char q[44];
            rc = mb_error_set(err, MB_EINVAL, mb_text_clip(q, sizeof q, words[i]),
                              "write a result as SUBSTANCE=VALUE, e.g. Pb=80");
            break;
        }
        /* Any length: an unknown name is reported (shortened) by the parser. */
        char *name = mb_xstrndup(words[i], (size_t)(eq - words[i]));
        struct column col;
        char q[44];
        rc = parse_column(tab, name, mb_text_clip(q, sizeof q, name), false, &col, err);
        if (!rc)
            rc = mb_measurement_parse_as(tab, col.s->code, eq + 1, col.unit, col.leached,
                                         &s->m[s->n], err);
        free(name);
        if (!rc)
            s->n++;
    }
    if (!rc)
        rc = mb_classify_bg(s->m, s->n, bg, &s->c, err);
    if (rc) {
        free_samples(s, 1);
        return rc;
    }
    *out = s;
    *nout = 1;
    return 0;
}

/* The samples of a lab report (CSV or XLSX, long or wide, with depths
 * and positions: exchange/labreport.h). */
static int samples_from_report(const struct mb_class_table *tab,
                               const struct mb_background *bg, const char *path,
                               struct sample **out, size_t *nout, char **skipped,
                               int *points, struct mb_error *err)
{
    struct mb_xchg_sheet sheet;
    int rc = mb_xchg_sheet_read_file(&sheet, path, err);
    if (rc)
        return rc;
    const char *slash = strrchr(path, '/');
    char base[64];
    mb_text_clip(base, sizeof base, slash ? slash + 1 : path);
    struct mb_lab_report rep;
    rc = mb_labrep_read(tab, &sheet, base, &rep, err);
    mb_xchg_sheet_release(&sheet);
    if (rc)
        return rc;
    struct sample *s = mb_xcalloc(rep.n, sizeof *s);
    size_t ns = 0;
    for (size_t i = 0; i < rep.n && !rc; i++) {
        const struct mb_lab_sample *x = &rep.samples[i];
        struct sample *y = &s[ns++];
        if (!isnan(x->depth_from))
            snprintf(y->id, sizeof y->id, "%s (%g-%g m)", x->id, x->depth_from, x->depth_to);
        else
            snprintf(y->id, sizeof y->id, "%s", x->id);
        y->m = mb_xcalloc(x->n, sizeof *y->m);
        memcpy(y->m, x->m, x->n * sizeof *y->m);
        y->n = x->n;
        rc = mb_classify_bg(y->m, y->n, bg, &y->c, err);
    }
    *points = mb_labrep_points(&rep);
    if (rep.nskipped) {
        /* said, never silently dropped */
        char *t = NULL;
        size_t tl = 0;
        FILE *f = open_memstream(&t, &tl);
        if (f) {
            fprintf(f, "not judged (outside the substance table, or not L/S = 10):");
            for (size_t i = 0; i < rep.nskipped; i++)
                fprintf(f, "%s %s", i ? "," : "", rep.skipped[i]);
            fclose(f);
            *skipped = t;
        }
    }
    mb_labrep_release(&rep);
    if (rc) {
        free_samples(s, ns);
        return rc;
    }
    *out = s;
    *nout = ns;
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

static json_t *sample_json(const struct sample *s, const char *version,
                           const struct mb_background *bg, const struct mb_accept_table *acc)
{
    const struct mb_classification *c = &s->c;
    const struct mb_substance_result *d = &c->results[c->decider];
    json_t *subs = json_array();
    for (size_t i = 0; i < c->n; i++) {
        const struct mb_substance_result *r = &c->results[i];
        json_t *o = json_pack("{s:s,s:s,s:f,s:s,s:b,s:b,s:o,s:b,s:b,s:o,s:o,s:b}",
            "substance", r->substance->code, "name", r->substance->name,
            "value", r->value, "unit", r->substance->unit, "leached", r->leached,
            "below_detection", r->below_loq,
            "class", r->cls && !r->unclassed ? json_integer(r->cls) : json_null(),
            "above_normverdi", r->above_normverdi, "above_class_5", r->above_class5,
            "normverdi", r->substance->nbounds ? json_real(r->substance->upper[0])
                                               : json_null(),
            "background", r->background > 0 ? json_real(r->background) : json_null(),
            "within_background", r->within_background);
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
    if (c->no_class) {
        json_decref(decided);
        decided = json_null();
    }
    json_t *risk = json_array();
    for (size_t i = 0; i < c->n; i++)
        if (c->results[i].cls == 0 && !c->results[i].unclassed)
            json_array_append_new(risk, json_string(c->results[i].substance->code));
    json_t *loq = json_array();
    for (size_t i = 0; i < c->n; i++)
        if (c->results[i].loq_above_normverdi)
            json_array_append_new(loq, json_string(c->results[i].substance->code));
    /* The substances whose detection limits leave the class open. */
    json_t *open = mb_open_json(c);
    json_t *o = json_pack("{s:o,s:o}", "background", mb_background_json(bg), "acceptance",
                          mb_acceptance_json(acc, s->m, s->n));
    json_object_update_new(o, json_pack(
        "{s:s,s:o,s:o,s:o,s:o,s:b,s:s,s:s,s:s,s:b,s:b,s:b,s:o,s:o,s:o,s:o}",
        "sample", s->id,
        "class", c->cls ? json_integer(c->cls) : json_null(),
        "class_min", c->cls_min > 0 ? json_integer(c->cls_min) : json_null(),
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
        "decided_by", decided, "substances", subs));
    return o;
}

static void sample_text(FILE *f, const struct sample *s, const struct mb_background *bg,
                        const struct mb_accept_table *acc)
{
    const struct mb_classification *c = &s->c;
    const struct mb_substance_result *d = &c->results[c->decider];
    if (c->no_class)
        fprintf(f, "%s: no class (only leaching results and parameters, which the "
                "condition classes do not cover)\n", s->id);
    else if (c->cls == 0 && c->cls_min > 0)
        fprintf(f, "%s: CONTAMINATED, no class: %s is above its normverdi and has no "
                "condition classes (the substances with classes give class %d)\n", s->id,
                d->substance->code, c->cls_min);
    else if (c->cls == 0)
        fprintf(f, "%s: CONTAMINATED, no class (only substances without classes, above "
                "their normverdi)\n", s->id);
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
                c->contaminated || c->loq_note ? "" : " - no analysed substance above its "
                                                      "normverdi");
    if (c->no_class || c->cls == 0)
        ; /* nothing decided a class */
    else if (d->lower > 0)
        fprintf(f, "  %s by %s (%s): %g mg/kg, %g over the limit %g (x%.2f) [%c]\n",
                c->cls_max > c->cls_min || c->cls == 0 ? "lower end decided" : "decided",
                d->substance->code, d->substance->name, d->value, d->value - d->lower,
                d->lower, d->value / d->lower, d->substance->status);
    else if (c->cls == 1 && d->below_loq && d->value == 0)
        fprintf(f, "  highest relative to its normverdi: %s not detected (normverdi "
                "%g mg/kg)\n", d->substance->code, d->substance->upper[0]);
    else if (c->cls == 1)
        fprintf(f, "  highest relative to its normverdi: %s %s%g mg/kg (normverdi %g)\n",
                d->substance->code, d->below_loq ? "<" : "", d->value,
                d->substance->upper[0]);
    for (size_t i = 0; i < c->n; i++) {
        const struct mb_substance_result *r = &c->results[i];
        if (r->within_background)
            fprintf(f, "  %s %g mg/kg is above the normverdi %g but within the natural "
                    "background %g of %s: not contamination (class 1)\n", r->substance->code,
                    r->value, r->substance->upper[0], r->background, bg ? bg->area : "");
        if (r->cls == 0 && !r->unclassed)
            fprintf(f, "  %s %g mg/kg is above its normverdi %g, which has no "
                    "classes: a site-specific risk assessment is needed\n",
                    r->substance->code, r->value, r->substance->upper[0]);
        if (r->loq_above_normverdi)
            fprintf(f, "  %s: detection limit %g is above the normverdi %g; it may be up to "
                    "class %d\n", r->substance->code, r->value, r->substance->upper[0],
                    r->cls_max ? r->cls_max : 1);
    }
    if (c->cls_min >= 4 && c->cls >= 4 && !c->likely_hazardous)
        fprintf(f, "  class 4 or higher: the risk of spreading must be assessed\n");
    if (c->cls_max > c->cls_min)
        fprintf(f, "  ask the lab to re-analyse %s with a detection limit at or below its "
                "normverdi to narrow the range\n", c->results[c->open_decider].substance->code);
    if (bg) {
        fprintf(f, "  natural background of %s [%c: %s]:", bg->area, bg->status, bg->source);
        for (size_t i = 0; i < bg->n; i++)
            fprintf(f, "%s %s %g mg/kg", i ? "," : "", bg->items[i].substance->code,
                    bg->items[i].value);
        fprintf(f, "\n");
    }
    /* The landfill templates (avfallsforskriften vedlegg II). */
    for (int i = 0; i < MB_ACCEPT_TEMPLATES; i++) {
        const struct mb_accept_template *t = &acc->t[i];
        struct mb_accept_verdict v;
        mb_accept_check(t, s->m, s->n, &v);
        char why[256];
        mb_accept_reason(t, &v, why, sizeof why);
        size_t judged = t->n - v.nmissing;
        const char *st = !v.limit || v.limit->status == 'V' ? ""
                         : v.limit->status == 'S' ? " [limit from a secondary source]"
                                                  : " [limit unconfirmed: verify]";
        if (v.nexceeded)
            fprintf(f, "  %s: NOT ACCEPTED - %s%s%s\n", mb_accept_name_en(t), why, st,
                    v.nexceeded > 1 ? " (and more: see --json)" : "");
        else if (v.nopen)
            fprintf(f, "  %s: not proven - %s%s\n", mb_accept_name_en(t), why, st);
        else if (!judged)
            fprintf(f, "  %s: not judged - none of its %zu limits analysed\n",
                    mb_accept_name_en(t), t->n);
        else if (v.nmissing)
            fprintf(f, "  %s: incomplete - %zu of %zu limits analysed, none exceeded\n",
                    mb_accept_name_en(t), judged, t->n);
        else
            fprintf(f, "  %s: accepted - all %zu limits analysed, none exceeded\n",
                    mb_accept_name_en(t), t->n);
    }
}

/* The substance table with every bound, unit, status and source. */
static void list_table(FILE *f, const struct mb_class_table *tab)
{
    fprintf(f, "# %s; bounds are the upper bounds of classes 1-5 (one: normverdi only; "
            "none: a landfill parameter)\n", tab->version);
    fprintf(f, "code\tname\tunit\tbounds\tstatus\tsource\taliases\n");
    for (size_t i = 0; i < tab->n; i++) {
        const struct mb_substance *x = &tab->items[i];
        fprintf(f, "%s\t%s\t%s\t", x->code, x->name, x->unit);
        for (int k = 0; k < x->nbounds; k++)
            fprintf(f, "%s%g", k ? " " : "", x->upper[k]);
        fprintf(f, "\t%c\t%s\t%s\n", x->status, x->source, x->aliases);
    }
}

int cmd_classify(int argc, char **argv)
{
    const char *csv = NULL, *outpath = NULL, *mun = NULL, *report = NULL, *area_s = NULL;
    bool json = false, natural = false, list = false;
    const char **words = mb_xcalloc((size_t)argc, sizeof *words);
    size_t nwords = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--csv", &csv, "classify")) ||
            (m = cli_opt_value(argc, argv, &i, "--municipality", &mun, "classify")) ||
            (m = cli_opt_value(argc, argv, &i, "--report", &report, "classify")) ||
            (m = cli_opt_value(argc, argv, &i, "--area", &area_s, "classify")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &outpath, "classify"))) {
            if (m < 0) {
                free(words);
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--natural") == 0) {
            natural = true;
        } else if (strcmp(argv[i], "--list") == 0) {
            list = true;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            free(words);
            return cli_usage("classify", "unknown option %s", argv[i]);
        } else {
            words[nwords++] = argv[i];
        }
    }
    if (!list && (!!csv + !!report + (nwords > 0)) != 1) {
        free(words);
        return cli_usage("classify", "give results as SUBST=VALUE words, --csv FILE or "
                         "--report FILE, one of them");
    }
    double area = NAN;
    if (area_s) {
        struct mb_error e;
        if (!report || mb_parse_number(area_s, &area, "--area", &e) || !(area >= 1) ||
            area > 1e8) {
            free(words);
            return cli_usage("classify", "--area is the sampled area in m2 (1 to 100000000) "
                             "of a --report");
        }
    }
    if (natural != (mun != NULL)) {
        free(words);
        return cli_usage("classify", "--natural needs --municipality NUMBER (the place "
                         "the masses come from), and --municipality is only read with "
                         "--natural");
    }
    if (mun && (strlen(mun) != 4 || strspn(mun, "0123456789") != 4)) {
        free(words);
        return cli_usage("classify", "--municipality must be a municipality number of 4 "
                         "digits, e.g. 5001");
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
    struct mb_accept_table acc = { 0 };
    struct mb_background_table bgt = { 0 };
    if (mb_class_table_init(&tab, &err)) {
        free(words);
        return cli_fail(&err);
    }
    struct sample *s = NULL;
    size_t ns = 0;
    char *text = NULL, *skipped = NULL;
    int points = 0;
    size_t len = 0;
    if (mb_accept_table_init(&acc, &tab, &err) ||
        mb_background_table_init(&bgt, &tab, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    const struct mb_background *bg = mun ? mb_background_find(&bgt, mun) : NULL;
    if (mun && !bg)
        fprintf(stderr, "massebank: no published natural background values for "
                "municipality %s: the normverdier apply\n", mun);
    if (!list) {
        rc = csv      ? samples_from_csv(&tab, bg, csv, &s, &ns, &err)
             : report ? samples_from_report(&tab, bg, report, &s, &ns, &skipped,
                                                     &points, &err)
                      : sample_from_args(&tab, bg, words, nwords, &s, &ns, &err);
        if (rc) {
            rc = cli_fail(&err);
            goto out;
        }
    }
    FILE *mem = open_memstream(&text, &len);
    if (!mem) {
        fprintf(stderr, "massebank: out of memory\n");
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (list && json) {
        json_t *o = mb_quality_reference_json(&tab, &acc);
        cli_print_json(mem, o);
        json_decref(o);
    } else if (list) {
        list_table(mem, &tab);
    }
    for (size_t i = 0; i < ns; i++) {
        if (json) {
            json_t *o = sample_json(&s[i], tab.version, bg, &acc);
            cli_print_json(mem, o);
            json_decref(o);
        } else {
            sample_text(mem, &s[i], bg, &acc);
        }
    }
    if (report && !json) {
        /* the sample set against the recommended sampling density */
        int worst = 0;
        for (size_t i = 0; i < ns; i++)
            if (s[i].c.cls > worst)
                worst = s[i].c.cls;
        fprintf(mem, "set of %zu samples (%s): the masses are class %d at worst\n", ns,
                points > 0 ? "positions given" : "no positions", worst);
        if (skipped)
            fprintf(mem, "  %s\n", skipped);
        if (!isnan(area)) {
            int min = mb_sampling_min_points(area);
            if (points > 0)
                fprintf(mem, "  %g m2 sampled at %d points: at least %d sampling points "
                        "recommended for diffuse contamination - %s [%c, estimate: %s]\n",
                        area, points, min, points < min ? "TOO FEW" : "meets the estimated "
                        "minimum", MB_SAMPLING_STATUS, MB_SAMPLING_SOURCE);
            else
                fprintf(mem, "  %g m2 sampled: at least %d sampling points recommended for "
                        "diffuse contamination; the report gives no positions, so the %zu "
                        "samples cannot be counted as points%s [%c, estimate: %s]\n", area,
                        min, ns, (int)ns < min ? " - and even as points they are TOO FEW" : "",
                        MB_SAMPLING_STATUS, MB_SAMPLING_SOURCE);
        } else {
            fprintf(mem, "  give --area M2 (the sampled area) to check the number of samples "
                    "against the recommended sampling density\n");
        }
    }
    fclose(mem);
    if (cli_write_output(outpath, text, len, &err))
        rc = cli_fail(&err);
out:
    free(text);
    free(skipped);
    free_samples(s, ns);
    mb_background_table_release(&bgt);
    mb_accept_table_release(&acc);
    mb_class_table_release(&tab);
    free(words);
    return rc;
}
