/*
 * sampling.h - how many samples a sampled area should have: the
 * recommended minimum number of sampling points for diffuse contamination
 * by area, as Norwegian guidance gives it (see docs/condition-classes.md,
 * "Sampling density"). The figures are status U - recalled, not read in a
 * source here - and every answer says so.
 */
#ifndef MB_DOMAIN_SAMPLING_H
#define MB_DOMAIN_SAMPLING_H

#include <stdbool.h>

#define MB_SAMPLING_STATUS 'U'
#define MB_SAMPLING_SOURCE "Norwegian guidance on investigating contaminated ground " \
    "(SFT 91:01 table, after NS-ISO 10381-5): 4 points up to 500 m2, 8 at 1 000, 15 at " \
    "5 000, 25 at 10 000, then one per further 1 000 m2; recalled, not verified"

/* The recommended minimum number of points for an area in m2 (> 0):
 * linear between the table's points, rounded up. */
int mb_sampling_min_points(double area_m2);

#endif
