/*
 * background.h - natural background values per municipality
 * (data/background-values.csv): where the local bedrock makes a metal
 * ordinarily richer than its normverdi, values up to the background are
 * not contamination (forurensningsforskriften § 2-3 a). Applied only when
 * the user says the masses are natural; never to acid-forming rock.
 */
#ifndef MB_DOMAIN_BACKGROUND_H
#define MB_DOMAIN_BACKGROUND_H

#include <stddef.h>

#include "core/error.h"
#include "domain/quality.h"

struct mb_background_row {
    char municipality[8]; /* "5001" */
    char name[48];        /* "Trondheim" */
    struct mb_background values; /* area, source, status, items */
};

struct mb_background_table {
    struct mb_background_row *items;
    size_t n;
};

/* Load the compiled-in table against the substance table (which must
 * outlive it). 0 or MB_EDATA. */
int mb_background_table_init(struct mb_background_table *b,
                             const struct mb_class_table *classes, struct mb_error *err);
void mb_background_table_release(struct mb_background_table *b);

/* The values for a municipality by number ("5001") or name ("Trondheim",
 * any case), or NULL where none are published (the normverdier then apply
 * unchanged). */
const struct mb_background *mb_background_find(const struct mb_background_table *b,
                                               const char *municipality);

#endif
