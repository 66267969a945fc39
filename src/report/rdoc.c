/*
 * rdoc.c - the report document model (see rdoc.h).
 */
#include "report/rdoc.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"

void mb_rdoc_init(struct mb_rdoc *d, const char *lang, const char *title)
{
    memset(d, 0, sizeof *d);
    mb_text_copy(d->lang, sizeof d->lang, lang);
    d->title = mb_xstrdup(title);
}

void mb_rdoc_release(struct mb_rdoc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        struct mb_rdoc_block *b = &d->blocks[i];
        free(b->text);
        for (size_t c = 0; c < b->ncols; c++)
            free(b->head ? b->head[c] : NULL);
        for (size_t k = 0; k < b->nrows * b->ncols; k++)
            free(b->cells[k]);
        free(b->head);
        free(b->right);
        free(b->cells);
    }
    free(d->blocks);
    for (size_t i = 0; i < d->nmeta; i++)
        free(d->meta[i]);
    free(d->meta);
    free(d->title);
    free(d->footer);
    memset(d, 0, sizeof *d);
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = mb_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    return s;
}

void mb_rdoc_meta(struct mb_rdoc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    d->meta = mb_xrealloc(d->meta, (d->nmeta + 1) * sizeof *d->meta);
    d->meta[d->nmeta++] = vformat(fmt, ap);
    va_end(ap);
}

static struct mb_rdoc_block *add(struct mb_rdoc *d, enum mb_rdoc_kind kind)
{
    d->blocks = mb_xgrow(d->blocks, &d->cap, d->n + 1, sizeof *d->blocks);
    struct mb_rdoc_block *b = &d->blocks[d->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

void mb_rdoc_heading(struct mb_rdoc *d, const char *text)
{
    add(d, MB_RDOC_HEADING)->text = mb_xstrdup(text);
}

void mb_rdoc_paragraph(struct mb_rdoc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(d, MB_RDOC_PARAGRAPH)->text = vformat(fmt, ap);
    va_end(ap);
}

void mb_rdoc_table(struct mb_rdoc *d, const char *const *head, const char *align)
{
    struct mb_rdoc_block *b = add(d, MB_RDOC_TABLE);
    b->ncols = strlen(align);
    b->head = mb_xcalloc(b->ncols, sizeof *b->head);
    b->right = mb_xcalloc(b->ncols, sizeof *b->right);
    for (size_t c = 0; c < b->ncols; c++) {
        b->head[c] = mb_xstrdup(head[c]);
        b->right[c] = align[c] == 'r';
    }
}

void mb_rdoc_row(struct mb_rdoc *d, const char *const *cells)
{
    assert(d->n > 0 && d->blocks[d->n - 1].kind == MB_RDOC_TABLE);
    struct mb_rdoc_block *b = &d->blocks[d->n - 1];
    b->cells = mb_xrealloc(b->cells, (b->nrows + 1) * b->ncols * sizeof *b->cells);
    for (size_t c = 0; c < b->ncols; c++)
        b->cells[b->nrows * b->ncols + c] = mb_xstrdup(cells[c] ? cells[c] : "");
    b->nrows++;
}

void mb_rdoc_sum_row(struct mb_rdoc *d)
{
    assert(d->n > 0 && d->blocks[d->n - 1].kind == MB_RDOC_TABLE);
    d->blocks[d->n - 1].last_bold = true;
}

const char *mb_rdoc_number(char *buf, size_t n, double v, int decimals, const char *lang)
{
    bool nb = strcmp(lang, "en") != 0;
    char raw[64];
    if (!isfinite(v))
        v = 0;
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(v) < 0.5 * pow(10, -decimals) ? 0.0 : v);
    /* Group the integer digits by three: a no-break space (U+00A0) in
     * Norwegian, so a number never breaks over two lines; a comma in
     * English. */
    const char *sep = nb ? "\xc2\xa0" : ",";
    const char *dot = strchr(raw, '.');
    size_t intlen = dot ? (size_t)(dot - raw) : strlen(raw);
    size_t start = raw[0] == '-' ? 1 : 0;
    size_t o = 0;
    for (size_t i = 0; i < intlen && o + 4 < n; i++) {
        if (i > start && (intlen - i) % 3 == 0)
            for (const char *s = sep; *s && o + 1 < n; s++)
                buf[o++] = *s;
        buf[o++] = raw[i];
    }
    if (dot && o + 2 < n) {
        buf[o++] = nb ? ',' : '.';
        for (const char *p = dot + 1; *p && o + 1 < n; p++)
            buf[o++] = *p;
    }
    buf[o] = '\0';
    return buf;
}

const char *mb_rdoc_num(struct mb_rdoc_numbers *r, double v, int decimals)
{
    char *b = r->buf[r->next++ % 16];
    return mb_rdoc_number(b, sizeof r->buf[0], v, decimals, r->lang);
}

const char *mb_rdoc_fill(char *buf, size_t n, const char *tmpl, const char *const *args,
                         size_t nargs)
{
    size_t o = 0, k = 0;
    for (const char *t = tmpl; *t && o + 1 < n; t++) {
        if (t[0] == '{' && t[1] == '}' && k < nargs) {
            for (const char *a = args[k++]; *a && o + 1 < n; a++)
                buf[o++] = *a;
            t++;
        } else {
            buf[o++] = *t;
        }
    }
    buf[o] = '\0';
    return buf;
}

const char *mb_rdoc_today(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(buf, n, "%Y-%m-%d", &tm))
        snprintf(buf, n, "-");
    return buf;
}
