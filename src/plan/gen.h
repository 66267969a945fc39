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

#endif
