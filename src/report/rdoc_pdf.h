/*
 * rdoc_pdf.h - a report document (rdoc.h) as PDF, drawn with cairo: A4
 * portrait, the font "DejaVu Sans" through fontconfig (it has every
 * Norwegian letter), text wrapped at word boundaries, tables broken over
 * pages with their header repeated, and a footer with the page number on
 * every page.
 */
#ifndef MB_REPORT_RDOC_PDF_H
#define MB_REPORT_RDOC_PDF_H

#include <stddef.h>

#include "core/error.h"
#include "report/rdoc.h"

/* Render d as PDF into a new buffer *data (malloc'ed, the caller frees it)
 * of *len bytes. MB_EIO when cairo fails (the message is cairo's). */
int mb_rdoc_pdf(const struct mb_rdoc *d, char **data, size_t *len, struct mb_error *err);

#endif
