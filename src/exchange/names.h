/*
 * names.h - the words people read in an export: the "_name" and "_names"
 * columns next to each code column (type, status, municipality, material,
 * accepts, offers, state, destination), the header in bokmål or English,
 * the sheet's name and quantities rounded for reading.
 *
 * An export function fills the code columns; mb_xchg_name_cells then fills
 * each name column from the code column it follows (its name without the
 * suffix) and sets the header language. Machines read the codes, people
 * the names: docs/exchange.md, "Names and codes".
 */
#ifndef MB_EXCHANGE_NAMES_H
#define MB_EXCHANGE_NAMES_H

#include "domain/material.h"
#include "exchange/table.h"

/* Fill t's name columns in lang (bokmål for MB_XCHG_CODES) from its code
 * columns, material names from cat, and give t lang's header and sheet
 * name. With lang NB or EN the quantities in tonnes and m3 (columns "t",
 * "fm3", "..._t", "..._fm3") are rounded to 0.1, as the screens show
 * them; MB_XCHG_CODES keeps every digit for machines. */
void mb_xchg_name_cells(struct mb_xchg_table *t, enum mb_xchg_lang lang,
                        const struct mb_catalog *cat);

/* The language of an export's `lang` parameter: "nb", "en" or NULL (the
 * codes). -1 for anything else. */
int mb_xchg_lang_parse(const char *s);

#endif
