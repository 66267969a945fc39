/*
 * test_exchange.c - the exchange module: CSV quoting round trip, XLSX
 * written by libxlsxwriter and read back by our reader, a hand-made
 * workbook (shared strings with rich text, inline strings, gaps, columns
 * beyond Z, booleans), refusals of broken workbooks (zip bomb, malformed
 * XML, DTD), and imports: the row-by-row report with several bad rows and
 * the store unchanged, all or nothing, dry runs, Norwegian headers; the
 * GeoJSON of movements (LineString or Point) and the statistics tables.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/strbuf.h"
#include "exchange/csvout.h"
#include "exchange/export.h"
#include "exchange/format.h"
#include "exchange/geojson.h"
#include "exchange/import.h"
#include "exchange/names.h"
#include "exchange/sheet.h"
#include "exchange/table.h"
#include "exchange/xlsxout.h"
#include "support/tmpdir.h"

static const struct mb_xchg_column cols[] = {
    { "title", MB_XCHG_TEXT, 20 },
    { "amount", MB_XCHG_NUMBER, 10 },
    { "class", MB_XCHG_INTEGER, 6 },
    { "from", MB_XCHG_MONTH, 8 },
};

static void fill(struct mb_xchg_table *t)
{
    static const char *const titles[] = {
        "plain", "comma, inside", "quote \" inside", "line\nbreak", " leading space",
        "=SUM(A1)", "Bjørvika æøå ÆØÅ", "",
    };
    mb_xchg_table_init(t, "test", cols, 4);
    for (size_t i = 0; i < sizeof titles / sizeof *titles; i++) {
        mb_xchg_row_add(t);
        mb_xchg_put_text(t, "title", titles[i]);
        mb_xchg_put_number(t, "amount", 1000.5 * (double)i + 0.1);
        mb_xchg_put_integer(t, "class", (int64_t)i % 5 + 1);
        mb_xchg_put_month(t, "from", 2026 * 12 + (int)i);
    }
}

Test(exchange, csv_quoting_round_trip)
{
    struct mb_xchg_table t;
    fill(&t);
    struct mb_strbuf b = { 0 };
    mb_xchg_csv_write(&t, &b);
    cr_assert(strstr(b.s, "\"comma, inside\""));
    cr_assert(strstr(b.s, "\"quote \"\" inside\""));
    cr_assert(strstr(b.s, "\r\n"));
    cr_assert(strstr(b.s, "'=SUM(A1)"), "formula-like text is guarded");
    struct mb_xchg_sheet s;
    struct mb_error err;
    cr_assert_eq(mb_xchg_sheet_from_csv(&s, b.s, b.len, "t.csv", &err), 0, "%s", err.message);
    cr_assert_eq(s.ncols, 4);
    cr_assert_str_eq(s.header[3], "from");
    /* The empty title's row still has other cells, so all rows come back. */
    cr_assert_eq(s.nrows, t.nrows);
    char buf[64];
    for (size_t r = 0; r < t.nrows; r++)
        for (size_t c = 1; c < 4; c++)
            cr_assert_str_eq(s.rows[r].cells[c].text, mb_xchg_cell_text(&t, r, c, buf, sizeof buf));
    cr_assert_str_eq(s.rows[1].cells[0].text, "comma, inside");
    cr_assert_str_eq(s.rows[2].cells[0].text, "quote \" inside");
    cr_assert_str_eq(s.rows[3].cells[0].text, "line\nbreak");
    cr_assert_str_eq(s.rows[5].cells[0].text, "'=SUM(A1)");
    cr_assert_str_eq(s.rows[6].cells[0].text, "Bjørvika æøå ÆØÅ");
    cr_assert_str_eq(s.rows[1].cells[3].text, "2026-02");
    mb_xchg_sheet_release(&s);
    mb_strbuf_release(&b);
    mb_xchg_table_release(&t);
}

Test(exchange, xlsx_written_reads_back)
{
    struct mb_xchg_table t;
    fill(&t);
    const struct mb_xchg_table *tabs[] = { &t };
    char *data;
    size_t len;
    struct mb_error err;
    cr_assert_eq(mb_xchg_xlsx_write(tabs, 1, &data, &len, &err), 0, "%s", err.message);
    cr_assert(len > 100 && memcmp(data, "PK\3\4", 4) == 0);
    struct mb_xchg_sheet s;
    cr_assert_eq(mb_xchg_sheet_from_xlsx(&s, data, len, "t.xlsx", &err), 0, "%s", err.message);
    cr_assert_eq(s.ncols, 4);
    cr_assert_eq(s.header_row, 1);
    cr_assert_eq(s.nrows, t.nrows);
    cr_assert_eq(s.rows[0].row, 2, "sheet rows are numbered as Excel shows them");
    cr_assert_str_eq(s.rows[6].cells[0].text, "Bjørvika æøå ÆØÅ");
    cr_assert_str_eq(s.rows[3].cells[0].text, "line\nbreak");
    cr_assert(s.rows[1].cells[1].number);
    cr_assert_float_eq(strtod(s.rows[1].cells[1].text, NULL), 1000.6, 1e-9);
    cr_assert_str_eq(s.rows[2].cells[2].text, "3");
    cr_assert(!s.rows[2].cells[3].number, "months are text");
    cr_assert_str_eq(s.rows[2].cells[3].text, "2026-03");
    cr_assert_str_eq(s.rows[7].cells[0].text, "", "an empty cell is a gap");
    mb_xchg_sheet_release(&s);
    free(data);
    mb_xchg_table_release(&t);
}

/* A workbook put together part by part, as other programs write them. */
static char *make_xlsx(const char *name, const char *sheet, const char *shared,
                       size_t extra_zero_bytes)
{
    char *path = tmpfile_path(name);
    int e;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &e);
    cr_assert_not_null(z);
    static const char wb[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<sheets><sheet name=\"Ark1\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>";
    static const char rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId7\" Type=\"x\" Target=\"/xl/worksheets/ark.xml\"/>"
        "</Relationships>";
    const char *parts[][2] = { { "xl/workbook.xml", wb }, { "xl/_rels/workbook.xml.rels", rels },
                               { "xl/worksheets/ark.xml", sheet },
                               { "xl/sharedStrings.xml", shared } };
    for (size_t i = 0; i < 4; i++) {
        if (!parts[i][1])
            continue;
        zip_source_t *s = zip_source_buffer(z, parts[i][1], strlen(parts[i][1]), 0);
        cr_assert(zip_file_add(z, parts[i][0], s, 0) >= 0);
    }
    if (extra_zero_bytes) {
        void *zeros = calloc(1, extra_zero_bytes);
        zip_source_t *s = zip_source_buffer(z, zeros, extra_zero_bytes, 1);
        cr_assert(zip_file_add(z, "xl/media/zeros.bin", s, 0) >= 0);
    }
    cr_assert_eq(zip_close(z), 0);
    return path;
}

#define SHEET_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " \
    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define SHEET_TAIL "</sheetData></worksheet>"

Test(exchange, xlsx_hand_made_sheet)
{
    const char *shared =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<si><t>tittel</t></si><si><t>mengde</t></si>"
        "<si><r><t>Sprengstein </t></r><r><rPr><b/></rPr><t>Bjørvika</t></r>"
        "<rPh><t>ignored</t></rPh></si><si><t xml:space=\"preserve\">AA</t></si></sst>";
    const char *sheet = SHEET_HEAD
        "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"s\"><v>1</v></c>"
        "<c r=\"AA3\" t=\"s\"><v>3</v></c><c r=\"C3\" t=\"inlineStr\"><is><t>fra</t></is></c></row>"
        "<row r=\"4\" spans=\"1:3\"></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>2</v></c><c r=\"B5\"><v>1500.25</v></c>"
        "<c t=\"inlineStr\"><is><t>2026-03</t></is></c>"
        "<c r=\"AA5\" t=\"b\"><v>1</v></c></row>"
        "<row><c r=\"B6\"><f>B5*2</f><v>3000.5</v></c></row>"
        SHEET_TAIL;
    /* The cells of row 3 are out of order (AA before C): refused. */
    char *bad = make_xlsx("order.xlsx", sheet, shared, 0);
    struct mb_xchg_sheet s;
    struct mb_error err;
    cr_assert_eq(mb_xchg_sheet_read_file(&s, bad, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "out of order"), "%s", err.message);

    const char *sheet2 = SHEET_HEAD
        "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"s\"><v>1</v></c>"
        "<c r=\"C3\" t=\"inlineStr\"><is><t>fra</t></is></c>"
        "<c r=\"AA3\" t=\"s\"><v>3</v></c></row>"
        "<row r=\"4\" spans=\"1:3\"></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>2</v></c><c r=\"B5\"><v>1500.25</v></c>"
        "<c t=\"inlineStr\"><is><t>2026-03</t></is></c>"
        "<c r=\"AA5\" t=\"b\"><v>1</v></c></row>"
        "<row><c r=\"B6\"><f>B5*2</f><v>3000.5</v></c></row>"
        SHEET_TAIL;
    char *path = make_xlsx("hand.xlsx", sheet2, shared, 0);
    /* Header C..Z are empty while AA has a name: the gap is refused. */
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "column D: the header cell is empty"), "%s", err.message);

    const char *sheet3 = SHEET_HEAD
        "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"B3\" t=\"s\"><v>1</v></c>"
        "<c r=\"C3\" t=\"inlineStr\"><is><t>fra</t></is></c></row>"
        "<row r=\"4\" spans=\"1:3\"></row>"
        "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>2</v></c>"
        "<c r=\"C5\" t=\"inlineStr\"><is><t>2026-03</t></is></c></row>"
        "<row><c r=\"B6\"><f>B5*2</f><v>3000.5</v></c><c t=\"b\"><v>1</v></c></row>"
        SHEET_TAIL;
    path = make_xlsx("hand3.xlsx", sheet3, shared, 0);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), 0, "%s", err.message);
    cr_assert_eq(s.header_row, 3);
    cr_assert_eq(s.ncols, 3);
    cr_assert_str_eq(s.header[0], "tittel");
    cr_assert_str_eq(s.header[2], "fra");
    cr_assert_eq(s.nrows, 2, "the empty row 4 is dropped");
    cr_assert_eq(s.rows[0].row, 5);
    cr_assert_str_eq(s.rows[0].cells[0].text, "Sprengstein Bjørvika");
    cr_assert_str_eq(s.rows[0].cells[1].text, "", "B5 is a gap");
    cr_assert_str_eq(s.rows[0].cells[2].text, "2026-03");
    cr_assert_eq(s.rows[1].row, 6, "a row without r follows the one before");
    cr_assert_str_eq(s.rows[1].cells[1].text, "3000.5");
    cr_assert(s.rows[1].cells[1].number);
    cr_assert_str_eq(s.rows[1].cells[2].text, "TRUE");
    mb_xchg_sheet_release(&s);

    /* A value beyond the named columns. */
    const char *sheet4 = SHEET_HEAD
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a</t></is></c></row>"
        "<row r=\"2\"><c r=\"AB2\"><v>1</v></c></row>" SHEET_TAIL;
    path = make_xlsx("wide.xlsx", sheet4, NULL, 0);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "row 2, column AB"), "%s", err.message);
}

Test(exchange, xlsx_broken_workbooks_refused)
{
    struct mb_xchg_sheet s;
    struct mb_error err;
    char *path = make_xlsx("bad.xlsx", SHEET_HEAD "<row><c><v>1</c></row>" SHEET_TAIL, NULL, 0);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "is not valid XML"), "%s", err.message);

    path = make_xlsx("dtd.xlsx", "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaa\">]>"
                     "<worksheet><sheetData/></worksheet>", NULL, 0);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "document type declaration"), "%s", err.message);

    path = make_xlsx("bad-shared.xlsx", SHEET_HEAD "<row><c t=\"s\"><v>4</v></c></row>"
                     SHEET_TAIL, NULL, 0);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "shared string 4"), "%s", err.message);

    path = tmpfile_write_n("junk.xlsx", "PK\3\4 not really a zip", 22);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "not a readable Excel workbook"), "%s", err.message);

    path = tmpfile_write_n("empty.csv", "", 0);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "is empty"), "%s", err.message);

    path = tmpfile_write_n("utf8.csv", "title\n\xff\xfe\n", 9);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "UTF-8"), "%s", err.message);
}

Test(exchange, xlsx_zip_bomb_refused, .timeout = 120)
{
    /* 129 MiB of zeros squeeze into about 130 KiB. The sheet is read
     * first; the bomb is the big part the size cap must stop. */
    struct mb_xchg_sheet s;
    struct mb_error err;
    size_t big = MB_XCHG_MAX_UNPACKED + (1 << 20);
    static const char head[] = SHEET_HEAD "<row><c t=\"inlineStr\"><is><t>";
    static const char tail[] = "</t></is></c></row>" SHEET_TAIL;
    char *sheet = malloc(sizeof head + big + sizeof tail);
    memcpy(sheet, head, sizeof head - 1);
    memset(sheet + sizeof head - 1, 'a', big);
    memcpy(sheet + sizeof head - 1 + big, tail, sizeof tail);
    char *path = make_xlsx("bomb.xlsx", sheet, NULL, 0);
    free(sheet);
    cr_assert_eq(mb_xchg_sheet_read_file(&s, path, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "zip bomb"), "%s", err.message);
}

/* ---- imports --------------------------------------------------------------- */

static struct mb_store *ST;
static struct mb_market M;
static int64_t ORG;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_store_open(&ST, ":memory:", &err), 0, "%s", err.message);
    cr_assert_eq(mb_market_init(&M, &err), 0, "%s", err.message);
    struct mb_org o = { 0 };
    snprintf(o.name, sizeof o.name, "Prøve AS");
    cr_assert_eq(mb_store_org_create(ST, &o, &err), 0, "%s", err.message);
    ORG = o.id;
}

static void teardown(void)
{
    mb_market_release(&M);
    mb_store_close(ST);
}

static int import_csv(const char *csv, enum mb_site_family fam, bool dry,
                      struct mb_xchg_report *rep, struct mb_error *err)
{
    struct mb_xchg_sheet s;
    int rc = mb_xchg_sheet_from_csv(&s, csv, strlen(csv), "in.csv", err);
    if (rc)
        return rc;
    struct mb_xchg_import_opts o = { .org_id = ORG, .dry_run = dry };
    rc = mb_xchg_import(ST, &M, fam, &s, &o, rep, err);
    mb_xchg_sheet_release(&s);
    return rc;
}

static const struct mb_xchg_row_error *at(const struct mb_xchg_report *r, size_t row,
                                          const char *col, const char *text)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].row == row && strcmp(r->items[i].column, col) == 0 &&
            strstr(r->items[i].message, text))
            return &r->items[i];
    for (size_t i = 0; i < r->n; i++)
        fprintf(stderr, "  row %zu, %s: %s\n", r->items[i].row, r->items[i].column,
                r->items[i].message);
    return NULL;
}

static size_t count_sites(void)
{
    struct mb_site_query q = { 0 };
    q.statuses = (1u << MB_STATUS_COUNT) - 1;
    q.all_visible = true;
    q.limit = 1000;
    struct mb_site_page p;
    struct mb_error err;
    cr_assert_eq(mb_store_site_search(ST, &q, &p, &err), 0, "%s", err.message);
    size_t n = p.n;
    mb_site_page_release(&p);
    return n;
}

#define GOOD1 "supply,Sprengstein Bjørvika,rock.blasted,1,1000,fm3,2026-03,2026-05,59.905,10.755,,\n"
#define GOOD2 "behov,Veg Fornebu,0/32,,500,t,2026-04,2026-09,59.9,10.62,,Pb=60; As=8\n"

Test(import, several_bad_rows_reported_nothing_written, .init = setup, .fini = teardown)
{
    char before[128], after[128];
    struct mb_error err;
    cr_assert_eq(mb_store_fingerprint(ST, before, sizeof before, &err), 0);
    const char *csv =
        "type,tittel,materiale,tilstandsklasse,mengde,enhet,fra,til,breddegrad,lengdegrad,"
        "pris,grenseverdier\n"
        GOOD1
        "supply,Leire,rock.blast,1,1000,fm3,2026-03,2026-05,59.9,10.7,,\n"
        GOOD2
        "supply,Feil enhet,rock.blasted,1,\"1,500\",m3,2026-03,2026-05,59.9,10.7,,\n"
        "need,Byttet,0/32,,500,t,2026-09,2026-04,10.62,59.9,-5,Pb\n";
    struct mb_xchg_report rep;
    cr_assert_eq(import_csv(csv, MB_FAMILY_LISTING, false, &rep, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "nothing was imported"), "%s", err.message);
    cr_assert_not_null(at(&rep, 3, "materiale", "rock.blasted"));
    cr_assert_not_null(at(&rep, 5, "mengde", "1,500"));
    cr_assert_not_null(at(&rep, 6, "grenseverdier", "NAME=VALUE"));
    for (size_t i = 0; i < rep.n; i++)
        cr_assert(rep.items[i].row != 2 && rep.items[i].row != 4, "good rows have no problems");
    cr_assert_eq(rep.imported, 0);
    mb_xchg_report_release(&rep);
    cr_assert_eq(mb_store_fingerprint(ST, after, sizeof after, &err), 0);
    cr_assert_str_eq(before, after, "the store is unchanged");

    /* With the cell-level problems fixed, the parser's own problems show,
     * mapped to the user's columns. */
    const char *csv2 =
        "type,tittel,materiale,tilstandsklasse,mengde,enhet,fra,til,breddegrad,lengdegrad,"
        "pris,grenseverdier\n"
        GOOD1
        "supply,Feil enhet,rock.blasted,1,1500,m3,2026-03,2026-05,59.9,10.7,,\n"
        "need,Byttet,0/32,,500,t,2026-09,2026-04,59.9,10.62,-5,\n";
    cr_assert_eq(import_csv(csv2, MB_FAMILY_LISTING, false, &rep, &err), MB_EINVAL);
    cr_assert_not_null(at(&rep, 3, "enhet", "m3"));
    cr_assert_not_null(at(&rep, 4, "fra", "ends before it starts"));
    cr_assert_not_null(at(&rep, 4, "pris", "between 0 and 100000"));
    mb_xchg_report_release(&rep);
    cr_assert_eq(mb_store_fingerprint(ST, after, sizeof after, &err), 0);
    cr_assert_str_eq(before, after);
}

Test(import, all_or_nothing_and_dry_run, .init = setup, .fini = teardown)
{
    const char *good =
        "Type,Tittel,Materiale,Tilstandsklasse,Mengde,Enhet,Fra,Til,Breddegrad,Lengdegrad,"
        "Pris,Grenseverdier\n" GOOD1 GOOD2;
    struct mb_xchg_report rep;
    struct mb_error err;
    char before[128], after[128];
    cr_assert_eq(mb_store_fingerprint(ST, before, sizeof before, &err), 0);
    cr_assert_eq(import_csv(good, MB_FAMILY_LISTING, true, &rep, &err), 0, "%s", err.message);
    cr_assert_eq(rep.rows, 2);
    cr_assert_eq(rep.imported, 0);
    mb_xchg_report_release(&rep);
    cr_assert_eq(mb_store_fingerprint(ST, after, sizeof after, &err), 0);
    cr_assert_str_eq(before, after, "a dry run writes nothing");

    cr_assert_eq(import_csv(good, MB_FAMILY_LISTING, false, &rep, &err), 0, "%s", err.message);
    cr_assert_eq(rep.imported, 2);
    cr_assert(rep.first_id > 0 && rep.last_id > rep.first_id);
    struct mb_site_rec r;
    cr_assert_eq(mb_store_site_get(ST, rep.last_id, &r, &err), 0);
    cr_assert_eq(r.type, MB_TYPE_NEED);
    cr_assert_eq(r.status, MB_STATUS_DRAFT);
    cr_assert_eq(r.org_id, ORG);
    cr_assert_str_eq(r.material, "product.crushed.0-32");
    cr_assert(strstr(r.limits, "Pb=60"));
    mb_site_rec_release(&r);
    mb_xchg_report_release(&rep);
    cr_assert_eq(count_sites(), 2);

    /* One bad row among good ones: none of them goes in. */
    const char *mixed =
        "type,title,material,class,amount,unit,from,to,lat,lon\n"
        "supply,A,rock.blasted,1,10,t,2026-01,2026-02,59.9,10.7\n"
        "supply,B,rock.blasted,1,10,t,2026-01,2026-02,59.9,10.7\n"
        "supply,C,rock.blasted,9,10,t,2026-01,2026-02,59.9,10.7\n";
    cr_assert_eq(import_csv(mixed, MB_FAMILY_LISTING, false, &rep, &err), MB_EINVAL);
    cr_assert_not_null(at(&rep, 4, "class", ""));
    mb_xchg_report_release(&rep);
    cr_assert_eq(count_sites(), 2);
}

Test(import, header_problems, .init = setup, .fini = teardown)
{
    struct mb_xchg_report rep;
    struct mb_error err;
    const char *csv = "type,title,material,colour,capacity,amount,from,to\n"
                      "supply,A,rock.blasted,red,1,10,2026-01,2026-02\n";
    cr_assert_eq(import_csv(csv, MB_FAMILY_LISTING, false, &rep, &err), MB_EINVAL);
    cr_assert_not_null(at(&rep, 1, "colour", "unknown column"));
    cr_assert_not_null(at(&rep, 1, "capacity", "is a column of facilities"));
    cr_assert_not_null(at(&rep, 1, "unit", "required column is missing"));
    cr_assert_not_null(at(&rep, 1, "", "no position columns"));
    mb_xchg_report_release(&rep);

    cr_assert_eq(import_csv("type,name,navn,lat,lon\nlandfill,a,b,1,2\n",
                            MB_FAMILY_FACILITY, false, &rep, &err), MB_EINVAL);
    cr_assert_not_null(at(&rep, 1, "navn", "same column"));
    mb_xchg_report_release(&rep);

    cr_assert_eq(import_csv("type,name,lat,lon\n", MB_FAMILY_FACILITY, false, &rep, &err),
                 MB_EINVAL);
    cr_assert_not_null(at(&rep, 1, "", "no rows"));
    mb_xchg_report_release(&rep);

    struct mb_xchg_sheet s;
    cr_assert_eq(mb_xchg_sheet_from_csv(&s, "type,name,lat,lon\nquarry,x,63.4,10.4\n", 36,
                                        "f.csv", &err), 0);
    struct mb_xchg_import_opts o = { .org_id = 999 };
    cr_assert_eq(mb_xchg_import(ST, &M, MB_FAMILY_FACILITY, &s, &o, &rep, &err), MB_ENOTFOUND);
    mb_xchg_report_release(&rep);
    mb_xchg_sheet_release(&s);
}

Test(import, facilities_with_utm_and_norwegian_values, .init = setup, .fini = teardown)
{
    const char *csv =
        "type;navn;tar imot;maks klasse;kapasitet;kapasitet_enhet;gebyr;øst;nord;epsg;"
        "utbytte;status\n"
        "deponi;Deponi Øst;soil.*;2;50000;t;120;597000;6643000;25832;;publisert\n"
        "anlegg;Knuseverk;rock.blasted;;8000;t;;597000;6643000;25832;"
        "\"0/32=0,7; product.crushed.0-4=0,3\";\n"
        "pukkverk;Pukkverk;;;;;180;597000;6643000;25832;;\n";
    struct mb_xchg_report rep;
    struct mb_error err;
    cr_assert_eq(import_csv(csv, MB_FAMILY_FACILITY, false, &rep, &err), MB_EINVAL,
                 "the quarry has no offers");
    cr_assert_eq(rep.n, 1);
    cr_assert_not_null(at(&rep, 4, "offers", "required"));
    mb_xchg_report_release(&rep);

    const char *fixed =
        "type;navn;tar imot;tilbyr;maks klasse;kapasitet;kapasitet_enhet;gebyr;øst;nord;"
        "epsg;utbytte;status\n"
        "deponi;Deponi Øst;soil.*;;2;50000;t;120;597000;6643000;25832;;publisert\n"
        "anlegg;Knuseverk;rock.blasted;;;8000;t;;597000;6643000;25832;"
        "\"0/32=0,7; product.crushed.0-4=0,3\";\n"
        "pukkverk;Pukkverk;;pukk, 0/32;;;;180;597000;6643000;25832;;\n";
    cr_assert_eq(import_csv(fixed, MB_FAMILY_FACILITY, false, &rep, &err), 0, "%s",
                 err.message);
    cr_assert_eq(rep.imported, 3);
    struct mb_site_rec r;
    cr_assert_eq(mb_store_site_get(ST, rep.first_id, &r, &err), 0);
    cr_assert_eq(r.type, MB_TYPE_LANDFILL);
    cr_assert_eq(r.status, MB_STATUS_PUBLISHED);
    cr_assert_float_eq(r.price_nok_per_t, 120, 1e-9);
    cr_assert(r.lat > 59.8 && r.lat < 60.0, "UTM 32 converted: %f", r.lat);
    mb_site_rec_release(&r);
    cr_assert_eq(mb_store_site_get(ST, rep.last_id, &r, &err), 0);
    cr_assert_eq(r.type, MB_TYPE_QUARRY);
    cr_assert_float_eq(r.price_nok_per_t, 180, 1e-9);
    mb_site_rec_release(&r);
    mb_xchg_report_release(&rep);
}

/* ---- GeoJSON of movements and the statistics tables --------------------------- */

static const struct mb_xchg_column move_cols[] = {
    { "id", MB_XCHG_INTEGER, 6 },
    { "lat", MB_XCHG_NUMBER, 10 },
    { "lon", MB_XCHG_NUMBER, 10 },
    { "to_lat", MB_XCHG_NUMBER, 10 },
    { "to_lon", MB_XCHG_NUMBER, 10 },
};

Test(exchange, geojson_lines_and_points)
{
    struct mb_xchg_table t;
    mb_xchg_table_init(&t, "moves", move_cols, 5);
    cr_assert_eq(t.to_lat_col, 3);
    mb_xchg_row_add(&t);
    mb_xchg_put_integer(&t, "id", 1);
    mb_xchg_put_number(&t, "lat", 63.4);
    mb_xchg_put_number(&t, "lon", 10.4);
    mb_xchg_put_number(&t, "to_lat", 63.3);
    mb_xchg_put_number(&t, "to_lon", 10.5);
    mb_xchg_row_add(&t);
    mb_xchg_put_integer(&t, "id", 2);
    mb_xchg_put_number(&t, "lat", 63.4);
    mb_xchg_put_number(&t, "lon", 10.4);
    mb_xchg_row_add(&t);
    mb_xchg_put_integer(&t, "id", 3);
    struct mb_error err;
    json_t *g = mb_xchg_geojson(&t, &err);
    cr_assert(g, "%s", err.message);
    json_t *f = json_object_get(g, "features");
    cr_assert_eq(json_array_size(f), 3);
    json_t *g0 = json_object_get(json_array_get(f, 0), "geometry");
    cr_assert_str_eq(json_string_value(json_object_get(g0, "type")), "LineString");
    json_t *end = json_array_get(json_object_get(g0, "coordinates"), 1);
    cr_assert_float_eq(json_real_value(json_array_get(end, 0)), 10.5, 1e-12, "lon first");
    cr_assert_float_eq(json_real_value(json_array_get(end, 1)), 63.3, 1e-12);
    json_t *g1 = json_object_get(json_array_get(f, 1), "geometry");
    cr_assert_str_eq(json_string_value(json_object_get(g1, "type")), "Point");
    cr_assert(json_is_null(json_object_get(json_array_get(f, 2), "geometry")));
    json_t *props = json_object_get(json_array_get(f, 0), "properties");
    cr_assert_eq(json_object_size(props), 1, "positions are the geometry only");
    json_decref(g);
    mb_xchg_table_release(&t);
}

Test(exchange, statistics_tables_and_formats)
{
    struct mb_stats_row rows[2] = {
        { "5001", 2026, "rock.blasted", MB_DEST_LANDFILL, 56, 56 / 2.7, 2 },
        { "5028", 2026, "soil.clay", MB_DEST_SOIL, 30, 15, 1 },
    };
    struct mb_stats_muni munis[2] = { { .municipality = "5001", .name = "Trondheim" },
                                      { .municipality = "5028", .name = "Melhus" } };
    munis[0].t[MB_DEST_LANDFILL] = munis[0].total_t = 56;
    munis[0].loads = 2;
    munis[1].t[MB_DEST_SOIL] = munis[1].total_t = 30;
    munis[1].loads = 1;
    struct mb_stats s = { rows, 2, munis, 2, { .total_t = 86, .loads = 3 } };
    s.total.t[MB_DEST_LANDFILL] = 56;
    s.total.t[MB_DEST_SOIL] = 30;
    struct mb_xchg_table r, sum;
    mb_xchg_export_statistics(&s, &r, &sum);
    cr_assert_eq(r.nrows, 2);
    cr_assert_eq(sum.nrows, 3, "a row per municipality and the total");
    char buf[64];
    cr_assert_str_eq(mb_xchg_cell_text(&r, 1, 1, buf, sizeof buf), "Melhus");
    struct mb_error err;
    char *data;
    size_t len;
    const struct mb_xchg_table *tabs[] = { &r, &sum };
    cr_assert_eq(mb_xchg_write(tabs, 1, MB_XCHG_CSV, &data, &len, &err), 0);
    cr_assert(strstr(data, "5028,Melhus,2026,soil.clay,,soil_improvement,,30,15,1\r\n"), "%s",
              data);
    free(data);
    cr_assert_eq(mb_xchg_write(tabs, 2, MB_XCHG_XLSX, &data, &len, &err), 0, "%s",
                 err.message);
    cr_assert(len > 100 && memcmp(data, "PK\3\4", 4) == 0);
    free(data);
    cr_assert_eq(mb_xchg_write(tabs, 1, MB_XCHG_GEOJSON, &data, &len, &err), MB_EINVAL);
    cr_assert_null(data);
    cr_assert_str_eq(err.field, "format");
    cr_assert_eq(mb_xchg_format_parse("geojson"), MB_XCHG_GEOJSON);
    cr_assert_eq(mb_xchg_format_parse("pdf"), -1);
    cr_assert_str_eq(mb_xchg_format_mime(MB_XCHG_CSV), "text/csv; charset=utf-8");
    mb_xchg_table_release(&r);
    mb_xchg_table_release(&sum);
}

/* Names for people: each code gets its words in the name column next to
 * it, the header and the sheet speak bokmål or English, quantities are
 * rounded to 0.1 (56 / 2.7 fm3 is 20.7, not 20.740740740740740); without
 * a language the header stays the column names and every digit is kept. */
Test(exchange, names_headers_and_rounding_for_people)
{
    struct mb_stats_row rows[1] = {
        { "5001", 2026, "rock.blasted", MB_DEST_LANDFILL, 56, 56 / 2.7, 2 },
    };
    struct mb_stats_muni munis[1] = { { .municipality = "5001", .name = "Trondheim" } };
    munis[0].t[MB_DEST_LANDFILL] = munis[0].total_t = 56;
    struct mb_stats s = { rows, 1, munis, 1, { .total_t = 56, .loads = 2 } };
    struct mb_catalog cat;
    struct mb_error err;
    cr_assert_eq(mb_catalog_init(&cat, &err), 0);
    static const struct {
        enum mb_xchg_lang lang;
        const char *sheet, *head, *row, *total;
    } cases[] = {
        { MB_XCHG_NB, "Statistikk",
          "Kommune,Navn,År,Materiale,Materiale (navn),Bruk,Bruk (navn),Tonn,fm3 (beregnet),Lass",
          "5001,Trondheim,2026,rock.blasted,Sprengstein (dagsone),landfill,Deponi,56,20.7,2",
          "Sum" },
        { MB_XCHG_EN, "Statistics",
          "Municipality,Name,Year,Material,Material (name),Destination,Destination (name),"
          "Tonnes,fm3 (derived),Loads",
          "5001,Trondheim,2026,rock.blasted,Blasted rock (open cut),landfill,Landfill,56,20.7,2",
          "Total" },
        { MB_XCHG_CODES, "statistics",
          "municipality,name,year,material,material_name,destination,destination_name,t,fm3,"
          "loads",
          "5001,Trondheim,2026,rock.blasted,Sprengstein (dagsone),landfill,Deponi,56,"
          "20.74074074074074,2",
          "total" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct mb_xchg_table r, sum;
        mb_xchg_export_statistics(&s, &r, &sum);
        mb_xchg_name_cells(&r, cases[i].lang, &cat);
        mb_xchg_name_cells(&sum, cases[i].lang, &cat);
        cr_assert_str_eq(r.name, cases[i].sheet);
        char *data;
        size_t len;
        const struct mb_xchg_table *tabs[] = { &r };
        cr_assert_eq(mb_xchg_write(tabs, 1, MB_XCHG_CSV, &data, &len, &err), 0);
        cr_assert(strncmp(data, cases[i].head, strlen(cases[i].head)) == 0, "%s", data);
        cr_assert(strstr(data, cases[i].row), "%s", data);
        free(data);
        char buf[64];
        cr_assert_str_eq(mb_xchg_cell_text(&sum, sum.nrows - 1, 1, buf, sizeof buf),
                         cases[i].total);
        mb_xchg_table_release(&r);
        mb_xchg_table_release(&sum);
    }
    cr_assert_eq(mb_xchg_lang_parse("nb"), MB_XCHG_NB);
    cr_assert_eq(mb_xchg_lang_parse(NULL), MB_XCHG_CODES);
    cr_assert_eq(mb_xchg_lang_parse("no"), -1);
    /* A header for people imports as its column. */
    cr_assert_str_eq(mb_xchg_column_of_label("pris (KR/T)"), "price_nok_per_t");
    cr_assert_str_eq(mb_xchg_column_of_label("Materiale (navn)"), "material_name");
    cr_assert_null(mb_xchg_column_of_label("Pris"));
    mb_catalog_release(&cat);
}
