/*
 * refdata.c - loading and cross-checking the Trondheim reference tables
 * (see refdata.h). Each check states what it compares in its finding, so a
 * reader can redo the arithmetic from the tables.
 */
#include "domain/refdata.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"

extern const char mb_data_trondheim_landfills[];
extern const size_t mb_data_trondheim_landfills_len;
extern const char mb_data_trondheim_capacity_sums[];
extern const size_t mb_data_trondheim_capacity_sums_len;
extern const char mb_data_trondheim_surplus_2020[];
extern const size_t mb_data_trondheim_surplus_2020_len;

#define T_LANDFILLS "landfills.csv"
#define T_SUMS "landfill-capacity-sums.csv"
#define T_SURPLUS "surplus-2020.csv"

static void finding(struct mb_refdata *r, enum mb_finding_level level,
                    const char *table, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void finding(struct mb_refdata *r, enum mb_finding_level level,
                    const char *table, size_t line, const char *fmt, ...)
{
    r->findings = mb_xgrow(r->findings, &r->cap_findings, r->nfindings + 1,
                           sizeof *r->findings);
    struct mb_finding *f = &r->findings[r->nfindings++];
    f->level = level;
    f->line = line;
    snprintf(f->table, sizeof f->table, "%s", table);
    va_list ap;
    va_start(ap, fmt);
    int n = mb_words_vformat(f->message, sizeof f->message, &f->words, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof f->message) {
        /* Cut was made by bytes; drop a character it split (the names come
         * from the tables and are UTF-8). */
        const unsigned char *m = (const unsigned char *)f->message;
        size_t len = sizeof f->message - 1, lead = len;
        while (lead > 0 && (m[lead - 1] & 0xC0) == 0x80)
            lead--;
        if (lead > 0) {
            unsigned c = m[lead - 1];
            size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (lead - 1 + need > len)
                f->message[lead - 1] = '\0';
        }
    }
}

static int load_table(struct mb_csv_table *t, const char *dir, const char *file,
                      const char *data, size_t len, struct mb_error *err)
{
    if (!dir)
        return mb_csv_parse(t, data, len, file, err);
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return mb_error_set(err, MB_EINVAL, "dir", "directory name too long");
    return mb_csv_read_file(t, path, 4u << 20, err);
}

/* Column index or an error naming the missing column. */
static int need_col(const struct mb_csv_table *t, const char *table,
                    const char *name, int *col, struct mb_error *err)
{
    *col = mb_csv_column(t, name);
    if (*col < 0)
        return mb_error_set(err, MB_EINVAL, name, "%s has no column '%s'", table, name);
    return 0;
}

/* Largest volume a table may state: 10^9 m3 is about eighty years of the
 * region's yearly landfill capacity; a larger figure is a typing or unit
 * error, and would overflow the sums printed from it. */
#define MAX_VOLUME_M3 1e9

static int number_at(const struct mb_csv_row *row, int col, const char *table,
                     const char *name, double *out, struct mb_error *err)
{
    int rc = mb_parse_number(mb_csv_get(row, col), out, name, err);
    if (!rc && *out < 0)
        rc = mb_error_set(err, MB_EINVAL, name, "must not be negative");
    if (!rc && *out > MAX_VOLUME_M3)
        rc = mb_error_set(err, MB_EINVAL, name, "%g is not plausible (more than "
                          "1 000 000 000)", *out);
    if (rc) {
        char where[64];
        snprintf(where, sizeof where, "%s line %zu", table, row->line);
        mb_error_prefix_field(err, where);
    }
    return rc;
}

/* A number stated in a note after `label`, e.g. "Total to 2030: 12,600,000
 * m3" -> 12600000 (commas there group thousands, as the source writes). */
static double stated_number(const struct mb_csv_table *t, const char *label)
{
    for (size_t i = 0; i < t->nnotes; i++) {
        const char *p = strstr(t->notes[i], label);
        if (!p)
            continue;
        p += strlen(label);
        while (*p == ' ' || *p == ':')
            p++;
        double v = 0;
        int digits = 0;
        for (; *p && (*p == ',' || (*p >= '0' && *p <= '9')); p++)
            if (*p != ',') {
                v = v * 10 + (*p - '0');
                digits++;
            }
        if (digits)
            return v;
    }
    return 0;
}

static int load_landfills(struct mb_refdata *r, const struct mb_csv_table *t,
                          const struct mb_municipalities *munis, struct mb_error *err)
{
    int c_name, c_muni, c_yearly, c_sum, c_cap, c_years, c_start, c_status, rc;
    if ((rc = need_col(t, T_LANDFILLS, "name", &c_name, err)) ||
        (rc = need_col(t, T_LANDFILLS, "municipality", &c_muni, err)) ||
        (rc = need_col(t, T_LANDFILLS, "yearly_capacity_m3", &c_yearly, err)) ||
        (rc = need_col(t, T_LANDFILLS, "sum_to_2030_m3", &c_sum, err)) ||
        (rc = need_col(t, T_LANDFILLS, "capacity_m3", &c_cap, err)) ||
        (rc = need_col(t, T_LANDFILLS, "operating_years", &c_years, err)) ||
        (rc = need_col(t, T_LANDFILLS, "start", &c_start, err)) ||
        (rc = need_col(t, T_LANDFILLS, "plan_status", &c_status, err)))
        return rc;
    r->landfills = mb_xcalloc(t->nrows, sizeof *r->landfills);
    for (size_t i = 0; i < t->nrows; i++) {
        const struct mb_csv_row *row = &t->rows[i];
        struct mb_ref_landfill *l = &r->landfills[i];
        double years;
        l->line = row->line;
        if (!*mb_csv_get(row, c_name))
            return mb_error_set(err, MB_EINVAL, "name", "%s line %zu: a landfill "
                                "needs a name", T_LANDFILLS, row->line);
        mb_text_copy(l->name, sizeof l->name, mb_csv_get(row, c_name));
        mb_text_copy(l->municipality, sizeof l->municipality, mb_csv_get(row, c_muni));
        mb_text_copy(l->start, sizeof l->start, mb_csv_get(row, c_start));
        mb_text_copy(l->status, sizeof l->status, mb_csv_get(row, c_status));
        if ((rc = number_at(row, c_yearly, T_LANDFILLS, "yearly_capacity_m3",
                            &l->yearly_m3, err)) ||
            (rc = number_at(row, c_sum, T_LANDFILLS, "sum_to_2030_m3",
                            &l->sum_to_2030_m3, err)) ||
            (rc = number_at(row, c_cap, T_LANDFILLS, "capacity_m3",
                            &l->capacity_m3, err)) ||
            (rc = number_at(row, c_years, T_LANDFILLS, "operating_years", &years, err)))
            return rc;
        if (years != floor(years))
            return mb_error_set(err, MB_EINVAL, "operating_years", "%s line %zu: "
                                "%g is not a whole number of years", T_LANDFILLS,
                                row->line, years);
        if (years > 200)
            return mb_error_set(err, MB_EINVAL, "operating_years", "%s line %zu: "
                                "%g years of operation is not plausible (at most "
                                "200)", T_LANDFILLS, row->line, years);
        l->operating_years = (int)years;
        r->nlandfills++;
        if (l->municipality[0]) {
            l->muni = mb_municipality_find(munis, l->municipality);
            if (!l->muni)
                finding(r, MB_FINDING_WARNING, T_LANDFILLS, row->line,
                        "%s: municipality '%s' is not in the municipality table",
                        l->name, l->municipality);
        }
    }
    return 0;
}

static int load_years(struct mb_refdata *r, const struct mb_csv_table *t,
                      struct mb_error *err)
{
    int c_year, c_cap, rc;
    if ((rc = need_col(t, T_SUMS, "year", &c_year, err)) ||
        (rc = need_col(t, T_SUMS, "capacity_m3", &c_cap, err)))
        return rc;
    r->years = mb_xcalloc(t->nrows, sizeof *r->years);
    for (size_t i = 0; i < t->nrows; i++) {
        const struct mb_csv_row *row = &t->rows[i];
        double y;
        if ((rc = number_at(row, c_year, T_SUMS, "year", &y, err)))
            return rc;
        char q[44];
        if (y != floor(y) || y < 1990 || y > 2100)
            return mb_error_set(err, MB_EINVAL, "year", "%s line %zu: '%s' is not a "
                                "year", T_SUMS, row->line,
                                mb_text_clip(q, sizeof q, mb_csv_get(row, c_year)));
        if (i > 0 && (int)y != r->years[i - 1].year + 1)
            return mb_error_set(err, MB_EINVAL, "year", "%s line %zu: years must "
                                "follow each other (%d after %d)", T_SUMS, row->line,
                                (int)y, r->years[i - 1].year);
        r->years[i].year = (int)y;
        if ((rc = number_at(row, c_cap, T_SUMS, "capacity_m3",
                            &r->years[i].capacity_m3, err)))
            return rc;
        r->nyears++;
    }
    return 0;
}

static int load_surplus(struct mb_refdata *r, const struct mb_csv_table *t,
                        const struct mb_municipalities *munis, struct mb_error *err)
{
    int c_muni, c_m3, rc;
    if ((rc = need_col(t, T_SURPLUS, "municipality", &c_muni, err)) ||
        (rc = need_col(t, T_SURPLUS, "delivered_to_landfill_m3", &c_m3, err)))
        return rc;
    r->surplus = mb_xcalloc(t->nrows, sizeof *r->surplus);
    for (size_t i = 0; i < t->nrows; i++) {
        const struct mb_csv_row *row = &t->rows[i];
        struct mb_ref_surplus *s = &r->surplus[i];
        s->line = row->line;
        mb_text_copy(s->municipality, sizeof s->municipality, mb_csv_get(row, c_muni));
        if ((rc = number_at(row, c_m3, T_SURPLUS, "delivered_to_landfill_m3",
                            &s->landfill_m3, err)))
            return rc;
        s->muni = mb_municipality_find(munis, s->municipality);
        if (!s->muni)
            return mb_error_set(err, MB_EINVAL, "municipality", "%s line %zu: unknown "
                                "municipality '%s'", T_SURPLUS, row->line,
                                s->municipality);
        for (size_t j = 0; j < i; j++)
            if (r->surplus[j].muni == s->muni)
                return mb_error_set(err, MB_EINVAL, "municipality", "%s line %zu: %s "
                                    "appears twice", T_SURPLUS, row->line,
                                    s->municipality);
        r->nsurplus++;
    }
    return 0;
}

/* Site name without a trailing " (Municipality)" for duplicate checks. */
static void base_name(const char *name, char *out, size_t n)
{
    mb_text_copy(out, n, name);
    char *paren = strrchr(out, '(');
    if (paren && paren > out && strchr(paren, ')')) {
        *paren = '\0';
        mb_text_trim(out);
    }
}

static void check_landfills(struct mb_refdata *r)
{
    size_t no_muni = 0;
    for (size_t i = 0; i < r->nlandfills; i++) {
        const struct mb_ref_landfill *l = &r->landfills[i];
        double expect = l->yearly_m3 * l->operating_years;
        if (fabs(l->sum_to_2030_m3 - expect) > 0.5)
            finding(r, MB_FINDING_WARNING, T_LANDFILLS, l->line,
                    "%s: sum to 2030 is %.0f m3, but %d operating years x %.0f m3 a "
                    "year is %.0f m3", l->name, l->sum_to_2030_m3, l->operating_years,
                    l->yearly_m3, expect);
        if (l->capacity_m3 + 0.5 < l->sum_to_2030_m3)
            finding(r, MB_FINDING_WARNING, T_LANDFILLS, l->line,
                    "%s: total capacity %.0f m3 is less than the %.0f m3 it is to "
                    "take by 2030", l->name, l->capacity_m3, l->sum_to_2030_m3);
        if (!l->municipality[0])
            no_muni++;
        char bi[96];
        base_name(l->name, bi, sizeof bi);
        for (size_t j = 0; j < i; j++) {
            const struct mb_ref_landfill *o = &r->landfills[j];
            char bj[96];
            base_name(o->name, bj, sizeof bj);
            if (mb_text_casecmp(l->name, o->name) == 0) {
                finding(r, MB_FINDING_WARNING, T_LANDFILLS, l->line,
                        "%s appears again (first on line %zu): %.0f vs %.0f m3 a year, "
                        "status '%s' vs '%s'; counting both may count one site twice",
                        l->name, o->line, l->yearly_m3, o->yearly_m3, l->status,
                        o->status);
                break;
            }
            if (mb_text_casecmp(bi, bj) == 0) {
                finding(r, MB_FINDING_WARNING, T_LANDFILLS, l->line,
                        "'%s' and '%s' (line %zu) may be the same site", l->name,
                        o->name, o->line);
                break;
            }
        }
    }
    if (no_muni)
        finding(r, MB_FINDING_INFO, T_LANDFILLS, 0,
                "%zu of %zu landfills have no municipality; they cannot be placed "
                "on the map without one", no_muni, r->nlandfills);
}

static void check_capacity(struct mb_refdata *r)
{
    double sites_yearly = 0, sites_total = 0, years_total = 0;
    for (size_t i = 0; i < r->nlandfills; i++) {
        sites_yearly += r->landfills[i].yearly_m3;
        sites_total += r->landfills[i].sum_to_2030_m3;
    }
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < r->nyears; i++) {
        years_total += r->years[i].capacity_m3;
        lo = fmin(lo, r->years[i].capacity_m3);
        hi = fmax(hi, r->years[i].capacity_m3);
    }
    if (r->nyears && r->nlandfills && (sites_yearly < lo - 0.5 || sites_yearly > hi + 0.5))
        finding(r, MB_FINDING_WARNING, T_SUMS, 0,
                "the landfills add up to %.0f m3 a year, but the expected capacity in "
                "operation is %.0f-%.0f m3 a year (%d-%d)", sites_yearly, lo, hi,
                r->years[0].year, r->years[r->nyears - 1].year);
    if (r->nyears && r->nlandfills && fabs(sites_total - years_total) > 0.5)
        finding(r, MB_FINDING_WARNING, T_SUMS, 0,
                "the landfills' sums to 2030 add up to %.0f m3, the yearly expected "
                "capacities to %.0f m3", sites_total, years_total);
    if (r->stated_total_capacity_m3 > 0 &&
        fabs(r->stated_total_capacity_m3 - years_total) > 0.5)
        finding(r, MB_FINDING_WARNING, T_SUMS, 0,
                "the note states a total to 2030 of %.0f m3, but the years add up to "
                "%.0f m3", r->stated_total_capacity_m3, years_total);
    if (r->nyears) {
        int first = r->years[0].year, last = r->years[r->nyears - 1].year;
        for (size_t i = 0; i < r->nlandfills; i++) {
            const struct mb_ref_landfill *l = &r->landfills[i];
            if (l->operating_years != last - first + 1 &&
                fabs(l->sum_to_2030_m3 - l->yearly_m3 * (last - first + 1)) > 0.5) {
                finding(r, MB_FINDING_INFO, T_LANDFILLS, 0,
                        "sums to 2030 count %d years of yearly capacity, while "
                        "%d-%d is %d years (first seen: %s)", l->operating_years,
                        first, last, last - first + 1, l->name);
                break;
            }
        }
    }
}

static void check_surplus(struct mb_refdata *r)
{
    double total = 0;
    for (size_t i = 0; i < r->nsurplus; i++)
        total += r->surplus[i].landfill_m3;
    if (r->stated_total_surplus_m3 > 0 && total > r->stated_total_surplus_m3 + 0.5)
        finding(r, MB_FINDING_WARNING, T_SURPLUS, 0,
                "deliveries to landfill add up to %.0f m3, more than the stated total "
                "surplus of %.0f m3", total, r->stated_total_surplus_m3);
    else if (r->stated_total_surplus_m3 > 0)
        finding(r, MB_FINDING_INFO, T_SURPLUS, 0,
                "%.0f of %.0f m3 of surplus (%.1f %%) went to landfill in 2020",
                total, r->stated_total_surplus_m3,
                100.0 * total / r->stated_total_surplus_m3);
    for (size_t i = 0; i < r->nyears; i++) {
        if (r->years[i].year != 2020)
            continue;
        if (total > r->years[i].capacity_m3 + 0.5)
            finding(r, MB_FINDING_WARNING, T_SURPLUS, 0,
                    "%.0f m3 went to landfill in 2020, %.0f m3 more than the %.0f m3 "
                    "of capacity the region expected in operation that year",
                    total, total - r->years[i].capacity_m3, r->years[i].capacity_m3);
    }
    finding(r, MB_FINDING_INFO, T_SURPLUS, 0,
            "the sources give volumes in m3 without saying solid (fm3) or loose "
            "(lm3); no tonnes are derived from them");
}

int mb_refdata_load(struct mb_refdata *r, const char *dir,
                    const struct mb_municipalities *munis, struct mb_error *err)
{
    memset(r, 0, sizeof *r);
    if (dir && !*dir)
        return mb_error_set(err, MB_EINVAL, "dir", "the directory name is empty "
                            "(use . for the current directory)");
    struct mb_csv_table tl = { 0 }, ts = { 0 }, tp = { 0 };
    int rc;
    if ((rc = load_table(&tl, dir, T_LANDFILLS, mb_data_trondheim_landfills,
                         mb_data_trondheim_landfills_len, err)) ||
        (rc = load_table(&ts, dir, T_SUMS, mb_data_trondheim_capacity_sums,
                         mb_data_trondheim_capacity_sums_len, err)) ||
        (rc = load_table(&tp, dir, T_SURPLUS, mb_data_trondheim_surplus_2020,
                         mb_data_trondheim_surplus_2020_len, err)))
        goto out;
    if ((rc = load_landfills(r, &tl, munis, err)) || (rc = load_years(r, &ts, err)) ||
        (rc = load_surplus(r, &tp, munis, err)))
        goto out;
    r->stated_total_capacity_m3 = stated_number(&ts, "Total to 2030");
    r->stated_total_surplus_m3 = stated_number(&tp, "total surplus");
    check_landfills(r);
    check_capacity(r);
    check_surplus(r);
out:
    mb_csv_release(&tl);
    mb_csv_release(&ts);
    mb_csv_release(&tp);
    if (rc)
        mb_refdata_release(r);
    return rc;
}

size_t mb_refdata_count(const struct mb_refdata *r, enum mb_finding_level level)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nfindings; i++)
        n += r->findings[i].level == level;
    return n;
}

void mb_refdata_release(struct mb_refdata *r)
{
    if (!r)
        return;
    free(r->landfills);
    free(r->years);
    free(r->surplus);
    free(r->findings);
    memset(r, 0, sizeof *r);
}
