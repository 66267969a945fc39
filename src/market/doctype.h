/*
 * doctype.h - what an uploaded document is, by its content: a file must
 * be what its Content-Type says, checked on its first bytes (the file
 * name and the browser's guess are not evidence), and its kind (photo,
 * lab report, permit, other) must fit its type.
 *
 * Signatures: PDF "%PDF-"; PNG 89 50 4E 47 0D 0A 1A 0A; JPEG FF D8 FF;
 * XLSX and ZIP "PK\3\4"; XLS (OLE2) D0 CF 11 E0 A1 B1 1A E1; text, CSV,
 * JSON and XML: well-formed UTF-8 without NUL or other control characters
 * but tab, line feed, carriage return and form feed.
 */
#ifndef MB_MARKET_DOCTYPE_H
#define MB_MARKET_DOCTYPE_H

#include <stddef.h>

#include "core/error.h"

/* 0 when data[0..len) is a file of type `mime` (one of the accepted
 * types) and `kind` ("photo", "lab_report", "permit", "other") fits it:
 * a photo is PNG or JPEG; a lab report PDF, CSV, text or a spreadsheet.
 * MB_EINVAL naming "body" (the content is not what it claims, with what
 * it looks like) or "kind". */
int mb_doctype_check(const char *mime, const char *kind, const void *data, size_t len,
                     struct mb_error *err);

/* What data looks like: "a PDF document", "a PNG image", ..., or "text"
 * or "binary data". Static storage. */
const char *mb_doctype_sniff(const void *data, size_t len);

#endif
