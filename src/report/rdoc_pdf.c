/*
 * rdoc_pdf.c - report documents as PDF with cairo (see rdoc_pdf.h).
 *
 * Layout is done here, in points (1/72 inch) on an A4 page of 595 x 842:
 * a cursor y moves down the page; before anything is drawn that would
 * cross the bottom margin the page is finished and a new one begun. Text
 * is measured with cairo_text_extents and wrapped by words; a word wider
 * than its box is cut with an ellipsis on a UTF-8 character boundary.
 * Table columns get their natural width (widest cell) when the table fits;
 * otherwise number columns keep theirs and text columns share the rest.
 * The toy text API suffices: left-to-right Latin text, one font.
 */
#include "report/rdoc_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN_L 50.0
#define MARGIN_R 50.0
#define MARGIN_T 56.0
#define MARGIN_B 64.0
#define TEXT_W (PAGE_W - MARGIN_L - MARGIN_R)
#define FONT "DejaVu Sans"
#define CELL_PAD 3.0
#define MAX_CELL_LINES 4

struct pen {
    cairo_t *cr;
    const struct mb_rdoc *doc;
    double y;
    int page;
};

static void font(struct pen *p, double size, bool bold)
{
    cairo_select_font_face(p->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(p->cr, size);
}

static double width_of(struct pen *p, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(p->cr, s, &e);
    return e.x_advance;
}

static void footer(struct pen *p)
{
    font(p, 7.5, false);
    cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
    if (p->doc->footer) {
        cairo_move_to(p->cr, MARGIN_L, PAGE_H - MARGIN_B / 2);
        cairo_show_text(p->cr, p->doc->footer);
    }
    char num[32];
    snprintf(num, sizeof num, "%s %d", strcmp(p->doc->lang, "en") == 0 ? "Page" : "Side",
             p->page);
    cairo_move_to(p->cr, PAGE_W - MARGIN_R - width_of(p, num), PAGE_H - MARGIN_B / 2);
    cairo_show_text(p->cr, num);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

static void new_page(struct pen *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN_T;
}

/* Make room for h points, starting a new page if needed. Returns true when
 * a new page was begun. */
static bool room(struct pen *p, double h)
{
    if (p->y + h <= PAGE_H - MARGIN_B)
        return false;
    new_page(p);
    return true;
}

/* Lines of text wrapped to width w in the current font: a NULL-terminated
 * array of malloc'ed strings (at most max lines; the last is cut with an
 * ellipsis when there is more). */
static char **wrap(struct pen *p, const char *text, double w, size_t max)
{
    char **lines = mb_xcalloc(max + 1, sizeof *lines);
    size_t n = 0;
    const char *s = text;
    while (*s && n < max) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        /* Grow the line word by word while it fits. */
        size_t best = 0, len = strlen(s);
        for (size_t i = 0; i <= len; i++) {
            if (i < len && s[i] != ' ' && s[i] != '\n')
                continue;
            char *cand = mb_xstrndup(s, i);
            bool fits = width_of(p, cand) <= w;
            free(cand);
            if (!fits)
                break;
            best = i;
            if (i < len && s[i] == '\n')
                break;
        }
        bool cut = false;
        if (best == 0) {
            /* One word wider than the box: as many characters as fit. */
            best = strcspn(s, " \n");
            cut = true;
        }
        char *line = mb_xstrndup(s, best);
        s += best;
        if (*s == '\n')
            s++;
        bool more = *s && strspn(s, " ") < strlen(s);
        if (cut || (more && n + 1 == max)) {
            /* Cut on a character boundary until the ellipsis fits. */
            struct mb_strbuf b = { 0 };
            size_t k = strlen(line);
            for (;;) {
                b.len = 0;
                mb_strbuf_add(&b, line, k);
                mb_strbuf_adds(&b, "\xe2\x80\xa6");
                if (k == 0 || width_of(p, b.s) <= w)
                    break;
                do
                    k--;
                while (k > 0 && ((unsigned char)line[k] & 0xC0) == 0x80);
            }
            free(line);
            line = mb_strbuf_take(&b);
            if (cut)
                s += strcspn(s, " \n");
        }
        lines[n++] = line;
    }
    if (n == 0)
        lines[n++] = mb_xstrdup("");
    return lines;
}

static void free_lines(char **lines)
{
    for (size_t i = 0; lines[i]; i++)
        free(lines[i]);
    free(lines);
}

static size_t count_lines(char **lines)
{
    size_t n = 0;
    while (lines[n])
        n++;
    return n;
}

static void text_block(struct pen *p, const char *text, double size, bool bold,
                       double before, double after)
{
    font(p, size, bold);
    double lh = size * 1.35;
    char **lines = wrap(p, text, TEXT_W, 200);
    p->y += before;
    for (size_t i = 0; lines[i]; i++) {
        room(p, lh);
        font(p, size, bold);
        p->y += lh;
        cairo_move_to(p->cr, MARGIN_L, p->y - size * 0.3);
        cairo_show_text(p->cr, lines[i]);
    }
    p->y += after;
    free_lines(lines);
}

#define T_SIZE 7.8
#define T_LH (T_SIZE * 1.3)

static double row_height(struct pen *p, char *const *cells, const double *w, size_t ncols,
                         bool bold)
{
    size_t most = 1;
    font(p, T_SIZE, bold);
    for (size_t c = 0; c < ncols; c++) {
        char **l = wrap(p, cells[c], w[c] - 2 * CELL_PAD, MAX_CELL_LINES);
        size_t n = count_lines(l);
        free_lines(l);
        if (n > most)
            most = n;
    }
    return most * T_LH + 2 * CELL_PAD;
}

static void draw_row(struct pen *p, char *const *cells, const double *w, const bool *right,
                     size_t ncols, bool bold, bool shade)
{
    double h = row_height(p, cells, w, ncols, bold);
    if (shade) {
        cairo_set_source_rgb(p->cr, 0.92, 0.92, 0.92);
        cairo_rectangle(p->cr, MARGIN_L, p->y, TEXT_W, h);
        cairo_fill(p->cr);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
    }
    font(p, T_SIZE, bold);
    double x = MARGIN_L;
    for (size_t c = 0; c < ncols; c++) {
        char **l = wrap(p, cells[c], w[c] - 2 * CELL_PAD, MAX_CELL_LINES);
        for (size_t i = 0; l[i]; i++) {
            double tx = right[c] ? x + w[c] - CELL_PAD - width_of(p, l[i]) : x + CELL_PAD;
            cairo_move_to(p->cr, tx, p->y + CELL_PAD + (double)(i + 1) * T_LH - 2.2);
            cairo_show_text(p->cr, l[i]);
        }
        free_lines(l);
        x += w[c];
    }
    p->y += h;
    cairo_set_line_width(p->cr, 0.4);
    cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
    cairo_move_to(p->cr, MARGIN_L, p->y);
    cairo_line_to(p->cr, MARGIN_L + TEXT_W, p->y);
    cairo_stroke(p->cr);
    cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* Column widths: natural when they fit; else number columns keep theirs
 * and text columns share what is left in proportion to their need. */
static void widths(struct pen *p, const struct mb_rdoc_block *t, double *w)
{
    double total = 0, text_need = 0, fixed = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        font(p, T_SIZE, true);
        /* A header may wrap at its spaces: its longest word counts. */
        double need = 0;
        char *h = mb_xstrdup(t->head[c]);
        for (char *word = h; *word;) {
            size_t k = strcspn(word, " ");
            char save = word[k];
            word[k] = '\0';
            double ww = width_of(p, word);
            need = ww > need ? ww : need;
            word[k] = save;
            word += k + (save ? 1 : 0);
        }
        free(h);
        for (size_t r = 0; r < t->nrows; r++) {
            font(p, T_SIZE, t->last_bold && r + 1 == t->nrows);
            double cw = width_of(p, t->cells[r * t->ncols + c]);
            need = cw > need ? cw : need;
        }
        w[c] = need + 2 * CELL_PAD + 1;
        total += w[c];
        if (t->right[c])
            fixed += w[c];
        else
            text_need += w[c];
    }
    if (total <= TEXT_W) {
        /* Spread the spare width over the text columns (or all). */
        double spare = TEXT_W - total;
        for (size_t c = 0; c < t->ncols; c++)
            w[c] += text_need > 0 ? (t->right[c] ? 0 : spare * w[c] / text_need)
                                  : spare / (double)t->ncols;
        return;
    }
    double left = TEXT_W - fixed;
    if (left < 40.0 * (double)t->ncols / 2 || text_need <= 0) {
        for (size_t c = 0; c < t->ncols; c++)
            w[c] *= TEXT_W / total;
        return;
    }
    for (size_t c = 0; c < t->ncols; c++)
        if (!t->right[c])
            w[c] = left * w[c] / text_need;
}

static void draw_table(struct pen *p, const struct mb_rdoc_block *t)
{
    double *w = mb_xcalloc(t->ncols, sizeof *w);
    widths(p, t, w);
    double hh = row_height(p, t->head, w, t->ncols, true);
    /* A header alone at the foot of a page helps nobody. */
    double first = t->nrows ? row_height(p, &t->cells[0], w, t->ncols, false) : 0;
    room(p, hh + first);
    draw_row(p, t->head, w, t->right, t->ncols, true, true);
    for (size_t r = 0; r < t->nrows; r++) {
        char *const *cells = &t->cells[r * t->ncols];
        bool bold = t->last_bold && r + 1 == t->nrows;
        if (room(p, row_height(p, cells, w, t->ncols, bold)))
            draw_row(p, t->head, w, t->right, t->ncols, true, true);
        draw_row(p, cells, w, t->right, t->ncols, bold, false);
    }
    p->y += 8;
    free(w);
}

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int len)
{
    mb_strbuf_add(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

int mb_rdoc_pdf(const struct mb_rdoc *d, char **data, size_t *len, struct mb_error *err)
{
    struct mb_strbuf out = { 0 };
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(collect, &out, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "massebank");
    struct pen p = { .cr = cairo_create(s), .doc = d, .y = MARGIN_T, .page = 1 };
    text_block(&p, d->title, 18, true, 0, 4);
    for (size_t i = 0; i < d->nmeta; i++)
        text_block(&p, d->meta[i], 9.5, false, 0, 0);
    p.y += 6;
    for (size_t i = 0; i < d->n; i++) {
        const struct mb_rdoc_block *b = &d->blocks[i];
        switch (b->kind) {
        case MB_RDOC_HEADING:
            /* Keep a heading with at least two lines of what follows. */
            room(&p, 13 * 1.35 + 10 + 3 * T_LH);
            text_block(&p, b->text, 13, true, 10, 3);
            break;
        case MB_RDOC_PARAGRAPH:
            text_block(&p, b->text, 9.5, false, 0, 4);
            break;
        case MB_RDOC_TABLE:
            draw_table(&p, b);
            break;
        }
    }
    footer(&p);
    cairo_show_page(p.cr);
    cairo_status_t cs = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS) {
        mb_strbuf_release(&out);
        return mb_error_set(err, MB_EIO, "pdf", "cannot draw the PDF: %s",
                            cairo_status_to_string(cs));
    }
    *len = out.len;
    *data = out.s ? mb_strbuf_take(&out) : mb_xstrdup("");
    return 0;
}
