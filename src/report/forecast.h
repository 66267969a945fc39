/*
 * forecast.h - surplus and need per year against landfill capacity per
 * site and year, with and without the reuse a plan achieves.
 *
 * The forecast reads a solved plan (plan.h): "without reuse" is today's
 * practice (the baseline: every source to its nearest landfill with room),
 * "with reuse" is the optimal plan. Both place the same surplus, so the
 * difference in landfill use per year is what reuse saves. A landfill is
 * full in a year when its use reaches its yearly capacity; the region runs
 * out in the first year where surplus stays unplaced although a landfill
 * that takes it lies within reach: its capacity was used up.
 *
 * Units: tonnes; solid m3 (fm3) for landfill volume; a landfill's own
 * capacity and use per year in the unit its capacity was given in.
 */
#ifndef MB_REPORT_FORECAST_H
#define MB_REPORT_FORECAST_H

#include <jansson.h>
#include <stddef.h>

#include "plan/plan.h"
#include "plan/scenario.h"

/* Two practices compared throughout: index 0 and 1 of the arrays below. */
enum mb_practice { MB_PRACTICE_TODAY, MB_PRACTICE_PLAN, MB_PRACTICE_COUNT };

struct mb_forecast_year {
    int year;                 /* calendar year, e.g. 2027 */
    int months;               /* months of the horizon in this year */
    double surplus_t;         /* surplus arising (placed + unplaced) */
    double need_t;            /* need arising (covered + unmet) */
    double reused_t;          /* under the plan (today's practice reuses none) */
    double landfill_t[MB_PRACTICE_COUNT];
    double landfill_fm3[MB_PRACTICE_COUNT];
    double unplaced_t[MB_PRACTICE_COUNT];
    /* Unplaced although a landfill taking the material and class was in
     * reach and open that month: landfill capacity ran out. */
    double capacity_short_t[MB_PRACTICE_COUNT];
    int landfills_open;       /* landfills with a capacity open this year */
    int landfills_full[MB_PRACTICE_COUNT];
};

struct mb_forecast_landfill {
    size_t site;              /* scenario index */
    int unit;                 /* enum mb_unit of its capacity (t, fm3, lm3) */
    double *capacity;         /* per year, in unit; < 0: no limit (never full) */
    bool *open;               /* per year: some month of it in its window */
    double *used[MB_PRACTICE_COUNT]; /* per year, in `unit` */
    int full_year[MB_PRACTICE_COUNT];/* first year it is full, 0 = never */
};

struct mb_forecast {
    int y0, nyears;           /* first calendar year and number of years */
    struct mb_forecast_year *years;
    struct mb_forecast_landfill *landfills;
    size_t nlandfills;
    /* First year the region's capacity runs out (capacity_short_t above
     * MB_FORECAST_SHORT_T), 0 = not within the horizon. */
    int runs_out[MB_PRACTICE_COUNT];
};

/* Unplaced tonnes per year below this count as rounding, not shortage. */
#define MB_FORECAST_SHORT_T 1.0
/* A landfill is full when its use reaches this share of its capacity. */
#define MB_FORECAST_FULL_SHARE 0.999

/* Fill *f from a scenario and its solved plan (baseline included). The
 * caller releases *f with mb_forecast_release. Cannot fail. */
void mb_forecast_build(const struct mb_scenario *s, const struct mb_plan *p,
                       struct mb_forecast *f);
void mb_forecast_release(struct mb_forecast *f);

/* The forecast as a JSON object (docs/plan-format.md, "forecast"); the
 * caller owns the reference. */
json_t *mb_forecast_json(const struct mb_scenario *s, const struct mb_forecast *f);

/* "today" or "plan". */
const char *mb_practice_name(enum mb_practice p);

#endif
