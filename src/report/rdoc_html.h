/*
 * rdoc_html.h - a report document (rdoc.h) as one self-contained HTML file:
 * UTF-8, the document's language in lang="", its own small style sheet,
 * no scripts, no outside resources; every text escaped.
 */
#ifndef MB_REPORT_RDOC_HTML_H
#define MB_REPORT_RDOC_HTML_H

#include "core/strbuf.h"
#include "report/rdoc.h"

/* Append the whole HTML file to b. Cannot fail. */
void mb_rdoc_html(const struct mb_rdoc *d, struct mb_strbuf *b);

/* Append s to b with &, <, >, " and ' escaped. */
void mb_rdoc_html_escape(struct mb_strbuf *b, const char *s);

#endif
