/*
 * siting_doc.h - the answer of a siting question (the "siting" section,
 * mb_siting_json, docs/siting.md) as a report document (rdoc.h), to be
 * rendered as PDF or HTML: which candidates open and what each saves with
 * the others open, its break-even yearly cost, and the totals with the
 * choice against opening none, CO2 with its range. Every figure says what
 * it counts; the candidates' own costs, which are the planner's inputs,
 * are marked as estimates. Read from the section itself, so the document
 * cannot say something the JSON does not.
 */
#ifndef MB_REPORT_SITING_DOC_H
#define MB_REPORT_SITING_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "report/rdoc.h"

/* Lay out `siting` (borrowed) in lang ("nb" or "en"; anything else is
 * "nb") into *d (initialised here; the caller releases it). name: what
 * the question is about (a plan's name, a scenario's file), or NULL;
 * today: the date line. MB_EINVAL (field "siting") when siting is not a
 * massebank-siting/1 section; *d is then empty but initialised. */
int mb_siting_document(json_t *siting, const char *lang, const char *name, const char *today,
                       struct mb_rdoc *d, struct mb_error *err);

/* The document of `siting` rendered as PDF (pdf true) or HTML into *data
 * (malloc'ed, *len bytes; the caller frees it). Errors as
 * mb_siting_document's, or the PDF writer's. */
int mb_siting_render(json_t *siting, const char *lang, const char *name, const char *today,
                     bool pdf, char **data, size_t *len, struct mb_error *err);

#endif
