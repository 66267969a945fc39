/*
 * grid.h - sites bucketed by position, to find those within a distance
 * without looking at all of them (the model and the baseline only build
 * arcs up to max_km, and a national market has 50,000 sites).
 *
 * Cells are max_km tall and at least max_km wide everywhere in Norway
 * (widths are taken at 72 N, where a degree of longitude is shortest), so
 * every site within max_km great-circle distance of a point lies in the
 * point's cell or one of its eight neighbours. Road distances are never
 * shorter than the great circle (the scenario reader enforces it), so no
 * arc within max_km road km is missed.
 */
#ifndef MB_PLAN_GRID_H
#define MB_PLAN_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "plan/scenario.h"

struct mb_grid {
    double dlat, dlon;
    int64_t *key;   /* cell key of each entry, sorted */
    size_t *site;   /* site of each entry */
    size_t n;
};

void mb_grid_build(struct mb_grid *g, const struct mb_scenario *s, double max_km);
void mb_grid_release(struct mb_grid *g);

/* Call fn(ctx, site) for every site in the 3x3 cells around site `a`. */
void mb_grid_near(const struct mb_grid *g, const struct mb_scenario *s, size_t a,
                  void (*fn)(void *ctx, size_t site), void *ctx);

#endif
