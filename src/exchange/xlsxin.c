/*
 * xlsxin.c - the first worksheet of an XLSX workbook as an input sheet
 * (sheet.h), read with libzip and libxml2. Debian has no C reader for
 * XLSX, and an import needs only cell values, so this reads the few parts
 * of the OOXML package (ECMA-376 Part 1) that hold them:
 *
 *   xl/workbook.xml             <sheets><sheet r:id="rId1"/>: the first sheet
 *   xl/_rels/workbook.xml.rels  rId1 -> worksheets/sheet1.xml
 *   xl/sharedStrings.xml        <si> strings that cells point at (t="s")
 *   xl/worksheets/sheetN.xml    <sheetData><row r="2"><c r="B2" t=".."><v>
 *
 * Cell types (ECMA-376 18.18.11): "s" shared string (v is an index), "str"
 * formula text, "inlineStr" (<is><t>), "b" boolean, "e" error, "n" or none
 * a number. A formula cell's cached value is taken. Cells and rows are
 * placed by their references ("AB12"), so gaps stay empty cells; a cell
 * or row without a reference follows the one before it.
 *
 * Defences: every part is inflated with a cap (MB_XCHG_MAX_UNPACKED over
 * the whole workbook), so a zip bomb stops at the cap however its headers
 * lie; XML is parsed without network access, without DTDs (a part with a
 * DOCTYPE is refused, so no entity can expand) and with libxml2's default
 * limits; errors name the part, line and libxml2's message.
 */
#include "exchange/sheet.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/text.h"

#define MAX_SHEET_ROWS 1048576u /* Excel's limits */
#define MAX_SHEET_COLS 16384u

struct reader {
    zip_t *zip;
    const char *name;    /* the file, for messages */
    size_t unpacked;     /* bytes inflated so far */
    struct mb_error *err;
};

/* A part of the package, inflated. NULL data with rc 0: the part is
 * missing (only when `optional`). */
static int read_part(struct reader *rd, const char *part, bool optional, char **data,
                     size_t *len)
{
    *data = NULL;
    *len = 0;
    zip_int64_t idx = zip_name_locate(rd->zip, part, 0);
    if (idx < 0) {
        if (optional)
            return 0;
        return mb_error_set(rd->err, MB_EINVAL, "file", "%s is not an Excel workbook "
                            "(.xlsx): it has no %s", rd->name, part);
    }
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(rd->zip, (zip_uint64_t)idx, 0, &zs) != 0)
        return mb_error_set(rd->err, MB_EINVAL, "file", "%s: cannot read %s in the "
                            "workbook", rd->name, part);
    size_t room = MB_XCHG_MAX_UNPACKED - rd->unpacked;
    if ((zs.valid & ZIP_STAT_SIZE) && zs.size > room)
        goto too_big;
    zip_file_t *zf = zip_fopen_index(rd->zip, (zip_uint64_t)idx, 0);
    if (!zf)
        return mb_error_set(rd->err, MB_EINVAL, "file", "%s: cannot open %s in the "
                            "workbook: %s", rd->name, part, zip_strerror(rd->zip));
    /* Inflate in chunks up to the cap, whatever the header claimed. */
    struct mb_strbuf b = { 0 };
    char chunk[65536];
    for (;;) {
        zip_int64_t k = zip_fread(zf, chunk, sizeof chunk);
        if (k < 0) {
            mb_error_set(rd->err, MB_EINVAL, "file", "%s: %s in the workbook is damaged: "
                         "%s", rd->name, part, zip_error_strerror(zip_file_get_error(zf)));
            zip_fclose(zf);
            mb_strbuf_release(&b);
            return MB_EINVAL;
        }
        if (k == 0)
            break;
        if ((size_t)k > room - b.len) {
            zip_fclose(zf);
            mb_strbuf_release(&b);
            goto too_big;
        }
        mb_strbuf_add(&b, chunk, (size_t)k);
    }
    zip_fclose(zf);
    rd->unpacked += b.len;
    *len = b.len;
    *data = b.s ? b.s : mb_xstrdup("");
    return 0;
too_big:
    return mb_error_set(rd->err, MB_EINVAL, "file", "%s unpacks to more than %zu MiB; "
                        "that is not a sheet an import takes (a zip bomb?)", rd->name,
                        MB_XCHG_MAX_UNPACKED >> 20);
}

/* Parse a part as XML. DTDs are refused outright. */
static xmlDoc *parse_xml(struct reader *rd, const char *part, const char *data, size_t len)
{
    xmlParserCtxt *ctx = xmlNewParserCtxt();
    if (!ctx) {
        mb_error_set(rd->err, MB_EIO, "file", "cannot start the XML parser");
        return NULL;
    }
    xmlDoc *doc = xmlCtxtReadMemory(ctx, data, (int)len, part, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctx);
        char msg[200] = "malformed XML";
        if (e && e->message) {
            mb_text_copy(msg, sizeof msg, e->message);
            mb_text_trim(msg);
        }
        mb_error_set(rd->err, MB_EINVAL, "file", "%s: %s in the workbook is not valid XML "
                     "(line %d: %s)", rd->name, part, e ? e->line : 0, msg);
    } else if (doc->intSubset || doc->extSubset) {
        mb_error_set(rd->err, MB_EINVAL, "file", "%s: %s in the workbook has a document "
                     "type declaration, which a workbook never has; refused", rd->name,
                     part);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctx);
    return doc;
}

static bool is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, name))
            return c;
    return NULL;
}

/* An attribute by local name (any namespace) as a new string, or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0) {
            xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
            char *s = mb_xstrdup(v ? (const char *)v : "");
            xmlFree(v);
            return s;
        }
    return NULL;
}

/* The text of every <t> below n, in order, leaving out phonetic runs
 * (<rPh>): a rich-text string is several <r><t> runs. */
static void collect_t(const xmlNode *n, struct mb_strbuf *b)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_el(c, "rPh"))
            continue;
        if (is_el(c, "t")) {
            xmlChar *v = xmlNodeGetContent(c);
            if (v)
                mb_strbuf_adds(b, (const char *)v);
            xmlFree(v);
        } else {
            collect_t(c, b);
        }
    }
}

static char *text_of(const xmlNode *n)
{
    struct mb_strbuf b = { 0 };
    collect_t(n, &b);
    return b.s ? b.s : mb_xstrdup("");
}

/* The worksheet part of the workbook's first sheet. */
static int first_sheet_part(struct reader *rd, char *out, size_t n)
{
    char *data;
    size_t len;
    int rc = read_part(rd, "xl/workbook.xml", false, &data, &len);
    if (rc)
        return rc;
    xmlDoc *wb = parse_xml(rd, "xl/workbook.xml", data, len);
    free(data);
    if (!wb)
        return MB_EINVAL;
    const xmlNode *sheet = child(child(xmlDocGetRootElement(wb), "sheets"), "sheet");
    char *rid = sheet ? attr(sheet, "id") : NULL;
    xmlFreeDoc(wb);
    if (!rid)
        return mb_error_set(rd->err, MB_EINVAL, "file", "%s: the workbook has no sheet",
                            rd->name);
    rc = read_part(rd, "xl/_rels/workbook.xml.rels", false, &data, &len);
    xmlDoc *rels = rc ? NULL : parse_xml(rd, "xl/_rels/workbook.xml.rels", data, len);
    free(data);
    if (!rels) {
        free(rid);
        return MB_EINVAL;
    }
    char *target = NULL;
    for (const xmlNode *c = xmlDocGetRootElement(rels)->children; c && !target;
         c = c->next) {
        if (!is_el(c, "Relationship"))
            continue;
        char *id = attr(c, "Id");
        if (id && strcmp(id, rid) == 0)
            target = attr(c, "Target");
        free(id);
    }
    xmlFreeDoc(rels);
    free(rid);
    if (!target || !*target || strstr(target, "..")) {
        free(target);
        return mb_error_set(rd->err, MB_EINVAL, "file", "%s: the workbook does not say "
                            "where its first sheet is", rd->name);
    }
    /* Targets are relative to xl/, or absolute within the package. */
    if (target[0] == '/')
        snprintf(out, n, "%s", target + 1);
    else
        snprintf(out, n, "xl/%s", target);
    free(target);
    return 0;
}

struct strings {
    char **items;
    size_t n, cap;
};

static void strings_release(struct strings *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->items[i]);
    free(s->items);
}

static int read_shared_strings(struct reader *rd, struct strings *ss)
{
    char *data;
    size_t len;
    int rc = read_part(rd, "xl/sharedStrings.xml", true, &data, &len);
    if (rc || !data)
        return rc;
    xmlDoc *doc = parse_xml(rd, "xl/sharedStrings.xml", data, len);
    free(data);
    if (!doc)
        return MB_EINVAL;
    for (const xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
        if (!is_el(c, "si"))
            continue;
        ss->items = mb_xgrow(ss->items, &ss->cap, ss->n + 1, sizeof *ss->items);
        ss->items[ss->n++] = text_of(c);
    }
    xmlFreeDoc(doc);
    return 0;
}

/* "AB12" -> column 27 (0-based), row 12. Returns false if malformed. */
static bool parse_ref(const char *ref, size_t *col, size_t *row)
{
    size_t c = 0, r = 0, letters = 0, digits = 0;
    const char *p = ref;
    for (; *p >= 'A' && *p <= 'Z'; p++, letters++) {
        c = c * 26 + (size_t)(*p - 'A' + 1);
        if (c > MAX_SHEET_COLS)
            return false;
    }
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        r = r * 10 + (size_t)(*p - '0');
        if (r > MAX_SHEET_ROWS)
            return false;
    }
    if (*p || !letters || !digits || r == 0)
        return false;
    *col = c - 1;
    *row = r;
    return true;
}

/* One cell as found in the sheet, before the grid is laid out. */
struct cell {
    size_t row, col;
    char *text;
    bool number;
};

struct cells {
    struct cell *items;
    size_t n, cap;
};

/* The value of a <c> element as text. */
static int cell_value(struct reader *rd, const struct strings *ss, const xmlNode *c,
                      const char *ref, char **text, bool *number)
{
    char *t = attr(c, "t");
    const xmlNode *v = child(c, "v");
    xmlChar *vx = v ? xmlNodeGetContent(v) : NULL;
    const char *vs = vx ? (const char *)vx : "";
    int rc = 0;
    *number = false;
    *text = NULL;
    if (t && strcmp(t, "s") == 0) {
        char *end;
        unsigned long i = strtoul(vs, &end, 10);
        if (!*vs || *end || i >= ss->n)
            rc = mb_error_set(rd->err, MB_EINVAL, "file", "%s: cell %s points at shared "
                              "string %s, which the workbook does not have", rd->name,
                              ref, vs);
        else
            *text = mb_xstrdup(ss->items[i]);
    } else if (t && strcmp(t, "inlineStr") == 0) {
        const xmlNode *is = child(c, "is");
        *text = is ? text_of(is) : mb_xstrdup("");
    } else if (t && strcmp(t, "b") == 0) {
        *text = mb_xstrdup(strcmp(vs, "1") == 0 ? "TRUE" : "FALSE");
    } else if (t && (strcmp(t, "str") == 0 || strcmp(t, "e") == 0 ||
                     strcmp(t, "d") == 0)) {
        *text = mb_xstrdup(vs);
    } else if (!t || strcmp(t, "n") == 0) {
        *text = mb_xstrdup(vs);
        *number = *vs != '\0';
    } else {
        rc = mb_error_set(rd->err, MB_EINVAL, "file", "%s: cell %s has an unknown type "
                          "'%s'", rd->name, ref, t);
    }
    xmlFree(vx);
    free(t);
    return rc;
}

static int read_cells(struct reader *rd, const struct strings *ss, const xmlNode *data,
                      struct cells *out)
{
    size_t row = 0;
    size_t nrows = 0;
    for (const xmlNode *r = data ? data->children : NULL; r; r = r->next) {
        if (!is_el(r, "row"))
            continue;
        char *rs = attr(r, "r");
        size_t next = row + 1;
        if (rs) {
            char *end;
            unsigned long v = strtoul(rs, &end, 10);
            next = *rs && !*end ? (size_t)v : 0;
        }
        free(rs);
        if (next == 0 || next > MAX_SHEET_ROWS || next <= row)
            return mb_error_set(rd->err, MB_EINVAL, "file", "%s: the sheet's rows are "
                                "out of order or numbered wrongly (after row %zu)",
                                rd->name, row);
        row = next;
        size_t before = out->n;
        size_t col = (size_t)-1;
        for (const xmlNode *c = r->children; c; c = c->next) {
            if (!is_el(c, "c"))
                continue;
            char *ref = attr(c, "r");
            size_t cc = col + 1, cr = row;
            char refbuf[24];
            if (ref && (!parse_ref(ref, &cc, &cr) || cr != row)) {
                int rc = mb_error_set(rd->err, MB_EINVAL, "file", "%s: row %zu has a cell "
                                      "with the reference '%s'", rd->name, row, ref);
                free(ref);
                return rc;
            }
            free(ref);
            if ((col != (size_t)-1 && cc <= col) || cc >= MAX_SHEET_COLS)
                return mb_error_set(rd->err, MB_EINVAL, "file", "%s: the cells of row %zu "
                                    "are out of order", rd->name, row);
            col = cc;
            mb_xchg_column_letters(col, refbuf);
            snprintf(refbuf + strlen(refbuf), sizeof refbuf - strlen(refbuf), "%zu", row);
            char *text;
            bool number;
            int rc = cell_value(rd, ss, c, refbuf, &text, &number);
            if (rc)
                return rc;
            mb_text_trim(text);
            if (!*text) {
                free(text);
                continue;
            }
            if (col >= MB_XCHG_MAX_COLS) {
                free(text);
                return mb_error_set(rd->err, MB_EINVAL, "file", "%s: cell %s is beyond "
                                    "column %d; an import takes at most %d columns",
                                    rd->name, refbuf, MB_XCHG_MAX_COLS, MB_XCHG_MAX_COLS);
            }
            size_t bad;
            if (!mb_utf8_valid(text, strlen(text), &bad)) {
                free(text);
                return mb_error_set(rd->err, MB_EINVAL, "file", "%s: cell %s is not valid "
                                    "UTF-8", rd->name, refbuf);
            }
            out->items = mb_xgrow(out->items, &out->cap, out->n + 1, sizeof *out->items);
            out->items[out->n++] = (struct cell){ row, col, text, number };
        }
        /* Rows with values only count (Excel writes formatted empty rows
         * too); the header is one more. */
        if (out->n > before && ++nrows > MB_XCHG_MAX_ROWS + 1)
            return mb_error_set(rd->err, MB_EINVAL, "file", "%s has more than %d rows; "
                                "an import takes at most %d (split the file)", rd->name,
                                MB_XCHG_MAX_ROWS, MB_XCHG_MAX_ROWS);
    }
    return 0;
}

/* Lay the cells out: the first row with a value is the header. */
static int layout(struct reader *rd, struct cells *cs, struct mb_xchg_sheet *s)
{
    if (cs->n == 0)
        return mb_error_set(rd->err, MB_EINVAL, "file", "%s: the first sheet is empty",
                            rd->name);
    size_t hrow = cs->items[0].row, i = 0;
    s->xlsx = true;
    s->header_row = hrow;
    for (; i < cs->n && cs->items[i].row == hrow; i++) {
        const struct cell *c = &cs->items[i];
        if (c->col != s->ncols) {
            char l[8];
            mb_xchg_column_letters(s->ncols, l);
            return mb_error_set(rd->err, MB_EINVAL, "file", "%s: row %zu, column %s: the "
                                "header cell is empty; every column needs a name",
                                rd->name, hrow, l);
        }
        s->header = mb_xrealloc(s->header, (s->ncols + 1) * sizeof *s->header);
        s->header[s->ncols++] = c->text;
        cs->items[i].text = NULL;
    }
    for (; i < cs->n; i++) {
        struct cell *c = &cs->items[i];
        if (c->col >= s->ncols) {
            char l[8];
            mb_xchg_column_letters(c->col, l);
            return mb_error_set(rd->err, MB_EINVAL, "file", "%s: row %zu, column %s has a "
                                "value but the column has no name in the header (row %zu)",
                                rd->name, c->row, l, hrow);
        }
        if (s->nrows == 0 || s->rows[s->nrows - 1].row != c->row) {
            s->rows = mb_xgrow(s->rows, &s->cap, s->nrows + 1, sizeof *s->rows);
            struct mb_xchg_srow *r = &s->rows[s->nrows++];
            r->row = c->row;
            r->cells = mb_xcalloc(s->ncols, sizeof *r->cells);
        }
        struct mb_xchg_scell *sc = &s->rows[s->nrows - 1].cells[c->col];
        sc->text = c->text;
        sc->number = c->number;
        c->text = NULL;
    }
    /* Gaps are empty cells. */
    for (size_t r = 0; r < s->nrows; r++)
        for (size_t c = 0; c < s->ncols; c++)
            if (!s->rows[r].cells[c].text)
                s->rows[r].cells[c].text = mb_xstrdup("");
    if (s->nrows > MB_XCHG_MAX_ROWS)
        return mb_error_set(rd->err, MB_EINVAL, "file", "%s has %zu rows; an import "
                            "takes at most %d (split the file)", rd->name, s->nrows,
                            MB_XCHG_MAX_ROWS);
    return 0;
}

int mb_xchg_sheet_from_xlsx(struct mb_xchg_sheet *s, const char *buf, size_t len,
                            const char *name, struct mb_error *err)
{
    memset(s, 0, sizeof *s);
    struct reader rd = { .name = name, .err = err };
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    if (src)
        rd.zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!rd.zip) {
        int rc = mb_error_set(err, MB_EINVAL, "file", "%s is not a readable Excel workbook "
                              "(.xlsx): %s", name, zip_error_strerror(&ze));
        zip_source_free(src);
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    struct strings ss = { 0 };
    struct cells cs = { 0 };
    char part[256], *data = NULL;
    size_t plen;
    xmlDoc *doc = NULL;
    int rc = first_sheet_part(&rd, part, sizeof part);
    if (!rc)
        rc = read_shared_strings(&rd, &ss);
    if (!rc)
        rc = read_part(&rd, part, false, &data, &plen);
    if (!rc && !(doc = parse_xml(&rd, part, data, plen)))
        rc = MB_EINVAL;
    free(data);
    if (!rc)
        rc = read_cells(&rd, &ss, child(xmlDocGetRootElement(doc), "sheetData"), &cs);
    if (!rc)
        rc = layout(&rd, &cs, s);
    for (size_t i = 0; i < cs.n; i++)
        free(cs.items[i].text);
    free(cs.items);
    xmlFreeDoc(doc);
    strings_release(&ss);
    zip_discard(rd.zip);
    if (rc)
        mb_xchg_sheet_release(s);
    return rc;
}
