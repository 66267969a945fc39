/*
 * rdoc.h - a small document model for reports: a title, a few lines under
 * it, then headings, paragraphs and tables of text. A report module (the
 * mass handling plan, mhp.h) decides the content once; rdoc_html.h and rdoc_pdf.h
 * render the same document, so the two outputs cannot say different
 * things.
 *
 * The document owns every string. Cells are text already formatted for
 * the reader's language (mb_rdoc_number); a column may be right-aligned
 * for numbers.
 */
#ifndef MB_REPORT_RDOC_H
#define MB_REPORT_RDOC_H

#include <stdbool.h>
#include <stddef.h>

enum mb_rdoc_kind { MB_RDOC_HEADING, MB_RDOC_PARAGRAPH, MB_RDOC_TABLE };

struct mb_rdoc_block {
    enum mb_rdoc_kind kind;
    char *text;          /* heading or paragraph */
    size_t ncols, nrows; /* table */
    char **head;         /* ncols column titles */
    bool *right;         /* ncols: right-align (numbers) */
    char **cells;        /* nrows x ncols, row-major */
    bool last_bold;      /* the last row is a sum */
};

struct mb_rdoc {
    char lang[4];        /* "nb" or "en": the HTML lang attribute */
    char *title;
    char **meta;         /* lines under the title ("Prosjekt: ...") */
    size_t nmeta;
    struct mb_rdoc_block *blocks;
    size_t n, cap;
    char *footer;        /* a line at the foot of every page (PDF) and the end (HTML) */
};

void mb_rdoc_init(struct mb_rdoc *d, const char *lang, const char *title);
void mb_rdoc_release(struct mb_rdoc *d);

void mb_rdoc_meta(struct mb_rdoc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mb_rdoc_heading(struct mb_rdoc *d, const char *text);
void mb_rdoc_paragraph(struct mb_rdoc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Start a table with ncols columns: titles and alignment ('l' or 'r' per
 * column in `align`, e.g. "lrr"). Rows follow with mb_rdoc_row. */
void mb_rdoc_table(struct mb_rdoc *d, const char *const *head, const char *align);
/* Add a row of ncols strings (copied) to the last block, a table. */
void mb_rdoc_row(struct mb_rdoc *d, const char *const *cells);
/* Mark the last table's last row as a sum (bold). */
void mb_rdoc_sum_row(struct mb_rdoc *d);

/* A number for the reader: Norwegian "12 345,6" for "nb", "12,345.6" for
 * "en", with `decimals` decimals. Returns buf (size n >= 32). */
const char *mb_rdoc_number(char *buf, size_t n, double v, int decimals, const char *lang);

/* Today's date (UTC) as a document states it, "YYYY-MM-DD" ("-" if the
 * clock cannot say), into buf (at least 11 bytes). Returns buf. */
const char *mb_rdoc_today(char *buf, size_t n);

/* Numbers for one document's rows, in a ring of buffers so that several
 * fit in one row (each stays valid for the next 15 calls). */
struct mb_rdoc_numbers {
    const char *lang;
    char buf[16][48];
    int next;
};
const char *mb_rdoc_num(struct mb_rdoc_numbers *r, double v, int decimals);

/* A label with "{}" places filled in order from args into buf (n bytes):
 * labels are data, not printf formats, so a translation cannot break the
 * format. Returns buf. */
const char *mb_rdoc_fill(char *buf, size_t n, const char *tmpl, const char *const *args,
                         size_t nargs);

#endif
