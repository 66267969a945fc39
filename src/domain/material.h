/*
 * material.h - the material taxonomy: codes, names, factors, waste codes.
 *
 * A catalog is the list of materials the engine knows. Its defaults are
 * data/materials.csv, compiled into the library; a user can overlay a CSV
 * of the same columns to change factors (every factor marked E is an
 * estimate meant to be edited) or add materials. Codes are stable and
 * compared case-insensitively; each material also answers to its aliases
 * (the research codes such as R.SPR and Norwegian words such as "pukk").
 *
 * Units: density in tonnes per solid m3 (t/fm3), bulking in loose m3 per
 * solid m3 (lm3/fm3), placed in placed (compacted) m3 per solid m3
 * (pm3/fm3, what a landfill fills up with); loose density is derived as
 * density / bulking.
 */
#ifndef MB_DOMAIN_MATERIAL_H
#define MB_DOMAIN_MATERIAL_H

#include <stddef.h>

#include "core/error.h"

enum mb_material_group {
    MB_GROUP_ROCK,
    MB_GROUP_SOIL,
    MB_GROUP_RECYCLED,
    MB_GROUP_PRODUCT,
};

struct mb_material {
    char code[48];
    enum mb_material_group group;
    char name_nb[96];
    char name_en[96];
    double density;      /* t per fm3 */
    char density_status; /* 'V', 'S' or 'E' */
    double bulking;      /* lm3 per fm3 */
    char bulking_status;
    double placed;       /* placed (compacted) m3 in a fill or landfill per fm3 */
    char placed_status;
    char ewc[16];        /* "" for products, which are not waste */
    char ewc_hazardous[16];
    char aliases[128];   /* space-separated */
    char source[256];
    char note[256];
    char approval[16];   /* "" or the approval a receiver must hold to take it:
                          * "acid_rock" (acid-forming rock, rock.acid); such
                          * a material is never part of "*" or "group.*" */
};

struct mb_catalog {
    struct mb_material *items;
    size_t n, cap;
};

/* Fill *c with the built-in taxonomy. Returns 0, or MB_EDATA if the
 * compiled-in table is broken (a build error, reported not hidden). The
 * caller releases the catalog. */
int mb_catalog_init(struct mb_catalog *c, struct mb_error *err);

/* Overlay a CSV (same columns as data/materials.csv; only `code` and the
 * columns to change are required) onto the catalog: known codes get the
 * given fields replaced, new codes are added (then name_nb, name_en, group,
 * density and bulking are required). All rows are checked first: on any
 * error nothing changes and err names the line and column. */
int mb_catalog_overlay_csv(struct mb_catalog *c, const char *path,
                           struct mb_error *err);

/* The material with this code or alias (case-insensitive), or NULL. */
const struct mb_material *mb_catalog_find(const struct mb_catalog *c,
                                          const char *code);

/* Like mb_catalog_find, but fills err (naming `field`, with a hint of the
 * nearest codes) when nothing matches. */
const struct mb_material *mb_catalog_lookup(const struct mb_catalog *c,
                                            const char *code, const char *field,
                                            struct mb_error *err);

/* The word for a factor's status ('V', 'S', 'E'): "verified",
 * "secondary" or "estimate" (materials and the factor register alike). */
const char *mb_status_word(char status);

/* Loose density, t per lm3. */
double mb_material_loose_density(const struct mb_material *m);

const char *mb_material_group_name(enum mb_material_group g);

void mb_catalog_release(struct mb_catalog *c);

#endif
