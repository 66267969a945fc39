/*
 * municipality.h - Norwegian municipalities the product knows, with a
 * position for each (data/municipalities.csv, Kartverket, CC BY 4.0).
 *
 * A site whose exact position is unknown is placed at its municipality's
 * interior point (Kartverket's guaranteed point inside the boundary, which
 * unlike the area centroid never falls in a fjord or a neighbour) and
 * marked approximate. Codes are the 2024 ones; the 2020-23 codes of the
 * same municipality are accepted too. The table holds every municipality
 * of the 2024 boundaries (domain/boundary.h); the rows of
 * data/municipalities.csv add an earlier code, a region and Kartverket's
 * interior point for the regions the product was first built for.
 */
#ifndef MB_DOMAIN_MUNICIPALITY_H
#define MB_DOMAIN_MUNICIPALITY_H

#include <stddef.h>

#include "core/error.h"
#include "domain/geo.h"

struct mb_municipality {
    char code[5];      /* 2024 code, e.g. "5001" */
    char code_old[5];  /* 2020-23 code */
    char name[64];
    char full_name[96]; /* Kartverket's name with its Sami forms */
    struct mb_point centroid;
    struct mb_point point; /* interior point: use this to place sites */
    char region[32];
};

struct mb_municipalities {
    struct mb_municipality *items;
    size_t n;
};

int mb_municipalities_init(struct mb_municipalities *m, struct mb_error *err);
void mb_municipalities_release(struct mb_municipalities *m);

/* By 2024 code, 2020-23 code or name (case-insensitive; each form of a
 * name in several languages counts: "Røros", "Rosse - Røros"), or NULL. */
const struct mb_municipality *
mb_municipality_find(const struct mb_municipalities *m, const char *key);

#endif
