/*
 * addresses.c - the streaming reader of Kartverket's address CSV (see
 * addresses.h). libcsv splits the fields; each row is checked and, once
 * the whole file is known good, written. Two passes over the file keep
 * memory flat whatever its size: the first checks every row and collects
 * the municipalities, the second (inside one transaction) clears those
 * municipalities and inserts the rows.
 */
#include "exchange/addresses.h"

#include <stdint.h>

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/boundary.h"
#include "domain/geo.h"

extern const char mb_data_addresses_sample[];
extern const size_t mb_data_addresses_sample_len;

enum col { C_KOMMUNE, C_TEXT, C_EPSG, C_NORD, C_OST, C_POSTNR, C_POSTSTED, C_GNR, C_BNR,
           C_FNR, NCOLS };

static const char *const col_names[NCOLS] = {
    "kommunenummer", "adresseTekst", "EPSG-kode", "Nord", "Øst", "postnummer", "poststed",
    "gardsnummer", "bruksnummer", "festenummer",
};
#define REQUIRED 5 /* the first five */

#define MAX_FIELDS 64
#define MAX_FIELD 256

struct reader {
    struct mb_store *st;
    struct mb_addr_report *rep;
    const struct mb_boundaries *bd;
    struct mb_geo *geo;
    bool write;             /* second pass */
    int rc;                 /* a store error in the second pass */
    struct mb_error *err;
    size_t line;            /* line of the row being read (1-based) */
    bool header_done;
    int map[NCOLS];         /* field index of each column, -1 if absent */
    char fields[MAX_FIELDS][MAX_FIELD];
    bool too_long[MAX_FIELDS];
    size_t nfields;
    unsigned char *cleared; /* per boundary area: cleared in the second pass */
};

static void problem(struct reader *r, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct reader *r, const char *column, const char *fmt, ...)
{
    struct mb_addr_report *rep = r->rep;
    if (rep->nproblems < MB_ADDR_MAX_PROBLEMS) {
        struct mb_addr_problem *p = &rep->problems[rep->nproblems];
        p->line = r->line;
        mb_text_copy(p->column, sizeof p->column, column);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->message, sizeof p->message, fmt, ap);
        va_end(ap);
    }
    rep->nproblems++;
}

static void on_field(void *data, size_t len, void *ctx)
{
    struct reader *r = ctx;
    if (r->nfields < MAX_FIELDS) {
        size_t n = len < MAX_FIELD - 1 ? len : MAX_FIELD - 1;
        memcpy(r->fields[r->nfields], data, n);
        r->fields[r->nfields][n] = '\0';
        r->too_long[r->nfields] = len >= MAX_FIELD - 1;
        mb_text_trim(r->fields[r->nfields]);
    }
    r->nfields++;
}

static int parse_uint(const char *s, int max, int *out)
{
    if (!*s) {
        *out = 0;
        return 0;
    }
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > max)
            return -1;
    }
    *out = (int)v;
    return 0;
}

static void read_header(struct reader *r)
{
    for (int c = 0; c < NCOLS; c++)
        r->map[c] = -1;
    for (size_t i = 0; i < r->nfields && i < MAX_FIELDS; i++) {
        const char *f = r->fields[i];
        /* A byte-order mark before the first name. */
        if (i == 0 && (unsigned char)f[0] == 0xEF && (unsigned char)f[1] == 0xBB &&
            (unsigned char)f[2] == 0xBF)
            f += 3;
        for (int c = 0; c < NCOLS; c++)
            if (mb_text_casecmp(f, col_names[c]) == 0) {
                if (r->map[c] >= 0)
                    problem(r, col_names[c], "the header names column %s twice",
                            col_names[c]);
                r->map[c] = (int)i;
            }
    }
    for (int c = 0; c < REQUIRED; c++)
        if (r->map[c] < 0)
            problem(r, col_names[c], "the header has no column %s (is this Kartverket's "
                    "\"Matrikkelen - Adresse\" CSV, ';'-separated?)", col_names[c]);
}

static const char *get(struct reader *r, enum col c)
{
    int i = r->map[c];
    return i >= 0 && (size_t)i < r->nfields ? r->fields[i] : "";
}

/* Check one data row into *a; false (with problems added) when bad. */
static bool read_row(struct reader *r, struct mb_address *a, int *area)
{
    size_t before = r->rep->nproblems;
    memset(a, 0, sizeof *a);
    for (int c = 0; c < NCOLS; c++) {
        int i = r->map[c];
        if (i < 0 || (size_t)i >= r->nfields)
            continue;
        const char *f = r->fields[i];
        const char *why = r->too_long[i] ? "is too long"
                          : !mb_utf8_valid(f, strlen(f), NULL) ? "is not valid UTF-8"
                          : mb_text_has_control(f, strlen(f), false) ? "holds a control character"
                          : NULL;
        if (why) {
            problem(r, col_names[c], "%s", why);
            return false;
        }
    }
    const char *k = get(r, C_KOMMUNE);
    *area = mb_boundaries_find(r->bd, k);
    if (*area < 0)
        problem(r, "kommunenummer", "'%.8s' is not a 2024 municipality number", k);
    else
        memcpy(a->kommune, k, 5);
    const char *text = get(r, C_TEXT);
    if (!text[0] || !mb_text_copy(a->text, sizeof a->text, text))
        problem(r, "adresseTekst", text[0] ? "is longer than %zu bytes" : "is empty",
                sizeof a->text - 1);
    const char *pn = get(r, C_POSTNR);
    if (pn[0] && (strlen(pn) != 4 || strspn(pn, "0123456789") != 4))
        problem(r, "postnummer", "'%.8s' is not a 4-digit postal code", pn);
    else
        memcpy(a->postnr, pn, strlen(pn) + 1);
    mb_text_copy(a->poststed, sizeof a->poststed, get(r, C_POSTSTED));
    static const enum col nums[3] = { C_GNR, C_BNR, C_FNR };
    int *dst[3] = { &a->gnr, &a->bnr, &a->fnr };
    for (int j = 0; j < 3; j++)
        if (parse_uint(get(r, nums[j]), 99999, dst[j]))
            problem(r, col_names[nums[j]], "'%.12s' is not a whole number up to 99999",
                    get(r, nums[j]));
    struct mb_error e;
    int epsg = 0;
    double nord, ost;
    if (mb_geo_parse_epsg(get(r, C_EPSG), &epsg, "EPSG-kode", &e) ||
        !(epsg == 4258 || epsg == 4326 || epsg == 25832 || epsg == 25833 || epsg == 25835)) {
        problem(r, "EPSG-kode", "'%.12s' is not 4258, 25832, 25833 or 25835", get(r, C_EPSG));
    } else if (mb_parse_number(get(r, C_NORD), &nord, "Nord", &e)) {
        problem(r, "Nord", "%s", e.message);
    } else if (mb_parse_number(get(r, C_OST), &ost, "Øst", &e)) {
        problem(r, "Øst", "%s", e.message);
    } else {
        struct mb_point p;
        bool geographic = epsg == 4258 || epsg == 4326;
        if (mb_geo_to_wgs84(r->geo, epsg, geographic ? nord : ost, geographic ? ost : nord,
                            &p, &e) ||
            mb_geo_check_norway(p, "Nord", &e))
            problem(r, "Nord", "%s", e.message);
        a->lat = p.lat;
        a->lon = p.lon;
        /* The position must lie in the municipality the row names (the
         * same rule and tolerance as a listing's). */
        char code[5];
        if (r->rep->nproblems == before && *area >= 0 &&
            mb_place_municipality(r->bd, p, a->kommune, code, "Nord", &e))
            problem(r, "Nord", "%s", e.message);
    }
    return r->rep->nproblems == before;
}

static void on_row(int c, void *ctx)
{
    (void)c;
    struct reader *r = ctx;
    r->line++;
    bool blank = r->nfields == 1 && !r->fields[0][0];
    if (!blank && r->rc == 0) {
        if (!r->header_done) {
            r->header_done = true;
            if (!r->write)
                read_header(r);
        } else {
            struct mb_address a;
            int area;
            if (!r->write) {
                r->rep->rows++;
                read_row(r, &a, &area);
            } else if (read_row(r, &a, &area)) {
                if (!r->cleared[area]) {
                    r->cleared[area] = 1;
                    r->rep->municipalities++;
                    r->rc = mb_store_address_clear(r->st, a.kommune, r->err);
                }
                if (r->rc == 0)
                    r->rc = mb_store_address_add(r->st, &a, r->err);
                if (r->rc == 0)
                    r->rep->imported++;
            } else {
                /* The file changed between the passes. */
                r->rc = mb_error_set(r->err, MB_EIO, "file", "line %zu changed while it "
                                     "was read", r->line);
            }
        }
    }
    r->nfields = 0;
}

/* Where the rows come from: a file, or bytes in memory (the demo's
 * sample, compiled in). */
struct source {
    const char *path;
    const char *buf;
    size_t len;
};

/* One pass over the source. */
static int pass(struct reader *r, const struct source *src)
{
    const char *path = src->path;
    FILE *f = src->buf ? fmemopen((void *)(uintptr_t)src->buf, src->len, "rb")
                       : fopen(path, "rb");
    if (!f)
        return mb_error_set(r->err, MB_EIO, "file", "cannot open %s: %s", path,
                            MB_ERRNO_TEXT(errno));
    struct csv_parser p;
    if (csv_init(&p, 0) != 0) {
        fclose(f);
        return mb_error_set(r->err, MB_EIO, "file", "cannot start the CSV reader");
    }
    csv_set_delim(&p, ';');
    r->line = 0;
    r->header_done = false;
    r->nfields = 0;
    char *buf = mb_xmalloc(1 << 20);
    size_t n;
    int rc = 0;
    while (rc == 0 && r->rc == 0 && (n = fread(buf, 1, 1 << 20, f)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, r) != n)
            rc = mb_error_set(r->err, MB_EINVAL, "file", "line %zu: %s", r->line + 1,
                              csv_strerror(csv_error(&p)));
    if (rc == 0 && ferror(f))
        rc = mb_error_set(r->err, MB_EIO, "file", "cannot read %s", path);
    if (rc == 0 && r->rc == 0 && csv_fini(&p, on_field, on_row, r) != 0)
        rc = mb_error_set(r->err, MB_EINVAL, "file", "line %zu: %s (a quote is not closed?)",
                          r->line + 1, csv_strerror(csv_error(&p)));
    csv_free(&p);
    free(buf);
    fclose(f);
    return rc ? rc : r->rc;
}

static int import(struct mb_store *st, const struct source *src,
                  struct mb_addr_report *rep, struct mb_error *err)
{
    memset(rep, 0, sizeof *rep);
    struct reader r = { .st = st, .rep = rep, .err = err };
    r.bd = mb_boundaries_shared(err);
    if (!r.bd)
        return MB_EDATA;
    int rc = mb_geo_new(&r.geo, err);
    if (rc)
        return rc;
    r.cleared = mb_xcalloc(r.bd->nareas, 1);
    rc = pass(&r, src);
    if (rc == 0 && !r.header_done)
        problem(&r, "", "the file is empty");
    if (rc == 0 && rep->nproblems)
        rc = mb_error_set(err, MB_EINVAL, rep->problems[0].column, "%zu problem(s) in the "
                          "addresses; nothing was imported", rep->nproblems);
    if (rc == 0 && (rc = mb_store_begin(st, err)) == 0) {
        r.write = true;
        rc = pass(&r, src);
        rc = mb_store_end(st, rc, err);
        if (rc)
            rep->imported = rep->municipalities = 0;
    }
    free(r.cleared);
    mb_geo_free(r.geo);
    return rc;
}

int mb_xchg_addresses_import(struct mb_store *st, const char *path,
                             struct mb_addr_report *rep, struct mb_error *err)
{
    struct source src = { path, NULL, 0 };
    return import(st, &src, rep, err);
}

int mb_xchg_addresses_import_buffer(struct mb_store *st, const char *buf, size_t len,
                                    const char *name, struct mb_addr_report *rep,
                                    struct mb_error *err)
{
    struct source src = { name, buf, len };
    return import(st, &src, rep, err);
}

int mb_xchg_addresses_import_sample(struct mb_store *st, struct mb_addr_report *rep,
                                    struct mb_error *err)
{
    return mb_xchg_addresses_import_buffer(st, mb_data_addresses_sample,
                                           mb_data_addresses_sample_len,
                                           "addresses-sample.csv", rep, err);
}
