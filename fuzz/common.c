/*
 * common.c - the fixtures and checks the fuzz targets share (fuzz.h): the
 * market's reference data and an in-memory store, each built once, and
 * the dry-run import both sheet readers feed.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exchange/import.h"

_Noreturn void fuzz_fail(const char *what, const struct mb_error *err)
{
    if (err)
        fprintf(stderr, "fuzz: %s: [%s] %s\n", what, err->field, err->message);
    else
        fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

const struct mb_market *fuzz_market(void)
{
    static struct mb_market market;
    static bool ready;
    if (!ready) {
        struct mb_error err;
        if (mb_market_init(&market, &err) != 0)
            fuzz_fail("mb_market_init", &err);
        ready = true;
    }
    return &market;
}

struct mb_store *fuzz_store(int64_t *org)
{
    static struct mb_store *store;
    static int64_t org_id;
    if (!store) {
        struct mb_error err;
        if (mb_store_open(&store, ":memory:", &err) != 0)
            fuzz_fail("mb_store_open(:memory:)", &err);
        struct mb_org o = { 0 };
        snprintf(o.name, sizeof o.name, "Fuzz AS");
        if (mb_store_org_create(store, &o, &err) != 0)
            fuzz_fail("mb_store_org_create", &err);
        org_id = o.id;
    }
    *org = org_id;
    return store;
}

void fuzz_check_sheet(const struct mb_xchg_sheet *s)
{
    if (s->ncols == 0 || s->ncols > MB_XCHG_MAX_COLS || s->nrows > MB_XCHG_MAX_ROWS)
        fuzz_fail("sheet: no columns, or more columns or rows than the limits", NULL);
    for (size_t c = 0; c < s->ncols; c++)
        if (!s->header[c] || !s->header[c][0])
            fuzz_fail("sheet: an empty column name", NULL);
    size_t last = s->header_row;
    for (size_t r = 0; r < s->nrows; r++) {
        if (s->rows[r].row <= last)
            fuzz_fail("sheet: a row is not after the header and the row before it", NULL);
        last = s->rows[r].row;
        bool any = false;
        for (size_t c = 0; c < s->ncols; c++) {
            if (!s->rows[r].cells[c].text)
                fuzz_fail("sheet: a NULL cell", NULL);
            any |= s->rows[r].cells[c].text[0] != '\0';
        }
        if (!any)
            fuzz_fail("sheet: a row whose cells are all empty was kept", NULL);
    }
}

/* A row number the report may name: the header's or a data row's. */
static bool known_row(const struct mb_xchg_sheet *sheet, size_t row)
{
    if (row == sheet->header_row)
        return true;
    for (size_t i = 0; i < sheet->nrows; i++)
        if (sheet->rows[i].row == row)
            return true;
    return false;
}

void fuzz_import_dry_run(const struct mb_xchg_sheet *sheet)
{
    int64_t org;
    struct mb_store *st = fuzz_store(&org);
    const struct mb_market *m = fuzz_market();
    static const enum mb_site_family families[] = { MB_FAMILY_LISTING, MB_FAMILY_FACILITY };
    for (size_t f = 0; f < sizeof families / sizeof *families; f++) {
        struct mb_xchg_import_opts opts = { .org_id = org, .dry_run = true };
        struct mb_xchg_report rep;
        struct mb_error err;
        int rc = mb_xchg_import(st, m, families[f], sheet, &opts, &rep, &err);
        /* import.h: 0 with every row parsed and nothing stored, or
         * MB_EINVAL with every problem listed; nothing else for a dry run
         * against a store that works. */
        if (rc == 0) {
            if (rep.n != 0 || rep.nsites != sheet->nrows || !rep.sites)
                fuzz_fail("import: success with problems, or without every row's site", NULL);
        } else if (rc == MB_EINVAL) {
            if (rep.n == 0 || rep.sites)
                fuzz_fail("import: refused without a problem, or kept the sites", NULL);
        } else {
            fuzz_fail("import: neither success nor MB_EINVAL", &err);
        }
        if (rep.imported != 0 || rep.first_id != 0 || rep.last_id != 0)
            fuzz_fail("import: a dry run stored rows", NULL);
        if (rep.rows != sheet->nrows)
            fuzz_fail("import: rows read is not the sheet's rows", NULL);
        for (size_t i = 0; i < rep.n; i++)
            if (!known_row(sheet, rep.items[i].row))
                fuzz_fail("import: a problem names a row the sheet does not have", NULL);
        mb_xchg_report_release(&rep);
    }
}
