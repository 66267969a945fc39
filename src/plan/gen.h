/*
 * gen.h - reproducible generated regions for tests and benchmarks.
 *
 * The same seed and options always give the same scenario (a private
 * PRNG, no libc rand). Presets: "trondheim" (about 1,000 listings a year,
 * 15 landfills, a few storage sites and plants, 72 months around
 * Trondheim) and "national" (about 50,000 listings and 500 facilities over
 * 60 months, clustered around Norway's cities).
 */
#ifndef MB_PLAN_GEN_H
#define MB_PLAN_GEN_H

#include <stdbool.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct mb_gen_options {
    uint64_t seed;
    int listings;    /* sources + needs over the whole horizon */
    int landfills, storages, plants, quarries;
    int months;
    int start_year;
    bool national;   /* spread over Norway's cities, not one region */
    bool transport_only; /* no storage, no plants, no quarry capacity */
};

/* Fill options from a preset name ("trondheim", "national", "small"). */
int mb_gen_preset(const char *name, struct mb_gen_options *o, struct mb_error *err);

/* Generate a scenario as JSON text (caller frees). */
char *mb_gen_scenario(const struct mb_gen_options *o);

/* One random change to a scenario, as a planner's what-if or the market's
 * next event (whatif.h): a listing resized, moved about a kilometre,
 * withdrawn, its window shifted by a month, a new listing beside an old
 * one, or a landfill closing from a month of the horizon. `scenario` (a
 * parsed scenario document, changed in place) must have been generated
 * or be valid; `what` (n bytes) says what changed, in English. Returns 0,
 * or MB_EINVAL if the scenario has no listing to change. */
int mb_gen_change(json_t *scenario, uint64_t *rng, char *what, size_t n);

#endif
