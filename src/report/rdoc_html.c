/*
 * rdoc_html.c - report documents as HTML (see rdoc_html.h). Every piece of text
 * comes from users' data (titles, names, file names) or from the labels,
 * and all of it goes through one escaping function, in text and attribute
 * positions alike.
 */
#include "report/rdoc_html.h"

#include <string.h>

void mb_rdoc_html_escape(struct mb_strbuf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': mb_strbuf_adds(b, "&amp;"); break;
        case '<': mb_strbuf_adds(b, "&lt;"); break;
        case '>': mb_strbuf_adds(b, "&gt;"); break;
        case '"': mb_strbuf_adds(b, "&quot;"); break;
        case '\'': mb_strbuf_adds(b, "&#39;"); break;
        default: mb_strbuf_add(b, p, 1); break;
        }
    }
}

static void tag(struct mb_strbuf *b, const char *open, const char *text, const char *close)
{
    mb_strbuf_adds(b, open);
    mb_rdoc_html_escape(b, text);
    mb_strbuf_adds(b, close);
}

static void table(struct mb_strbuf *b, const struct mb_rdoc_block *t)
{
    mb_strbuf_adds(b, "<table>\n<thead><tr>");
    for (size_t c = 0; c < t->ncols; c++)
        tag(b, t->right[c] ? "<th class=\"n\" scope=\"col\">" : "<th scope=\"col\">",
            t->head[c], "</th>");
    mb_strbuf_adds(b, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < t->nrows; r++) {
        bool sum = t->last_bold && r + 1 == t->nrows;
        mb_strbuf_adds(b, sum ? "<tr class=\"sum\">" : "<tr>");
        for (size_t c = 0; c < t->ncols; c++)
            tag(b, t->right[c] ? "<td class=\"n\">" : "<td>", t->cells[r * t->ncols + c],
                "</td>");
        mb_strbuf_adds(b, "</tr>\n");
    }
    mb_strbuf_adds(b, "</tbody>\n</table>\n");
}

void mb_rdoc_html(const struct mb_rdoc *d, struct mb_strbuf *b)
{
    mb_strbuf_adds(b, "<!DOCTYPE html>\n<html lang=\"");
    mb_rdoc_html_escape(b, d->lang);
    mb_strbuf_adds(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    tag(b, "<title>", d->title, "</title>\n");
    mb_strbuf_adds(b,
        "<style>\n"
        "body{font-family:\"DejaVu Sans\",system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem;color:#1a1a1a;line-height:1.4}\n"
        "h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.2rem;margin-top:2rem;"
        "border-bottom:1px solid #999}\n"
        ".meta{margin:0;color:#333}\n"
        "table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}\n"
        "th,td{border-bottom:1px solid #ccc;padding:.25rem .4rem;text-align:left;"
        "vertical-align:top}\nth{background:#eee}\n.n{text-align:right;white-space:nowrap}\n"
        "tr.sum td{font-weight:bold;border-top:2px solid #666}\n"
        "footer{margin-top:2rem;font-size:.8rem;color:#555}\n"
        "@media print{body{margin:0;max-width:none}}\n"
        "</style>\n</head>\n<body>\n<main>\n");
    tag(b, "<h1>", d->title, "</h1>\n");
    for (size_t i = 0; i < d->nmeta; i++)
        tag(b, "<p class=\"meta\">", d->meta[i], "</p>\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct mb_rdoc_block *blk = &d->blocks[i];
        switch (blk->kind) {
        case MB_RDOC_HEADING: tag(b, "<h2>", blk->text, "</h2>\n"); break;
        case MB_RDOC_PARAGRAPH: tag(b, "<p>", blk->text, "</p>\n"); break;
        case MB_RDOC_TABLE: table(b, blk); break;
        }
    }
    mb_strbuf_adds(b, "</main>\n");
    if (d->footer)
        tag(b, "<footer>", d->footer, "</footer>\n");
    mb_strbuf_adds(b, "</body>\n</html>\n");
}
