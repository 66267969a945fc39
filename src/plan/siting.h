/*
 * siting.h - where should the region put its next storage site or
 * crushing plant (docs/siting.md): candidate sites, each with what it
 * costs to have (per year, and once to open) and the CO2 of building and
 * running it, and the question "open at most k of them, the ones that
 * make the region's plan cheapest, CO2 at its price included".
 *
 * Answered exactly by enumeration: the region's plan (plan.h, an exact
 * LP) is solved for every subset of at most k candidates, and the best
 * total wins. Exact, and the yardstick a mixed-integer solver is checked
 * against; it solves sum_{i<=k} C(n, i) plans, so it refuses more than
 * MB_SITING_MAX_SUBSETS of them.
 */
#ifndef MB_PLAN_SITING_H
#define MB_PLAN_SITING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "plan/plan.h"
#include "plan/scenario.h"
#include "plan/uncertainty.h"

#define MB_SITING_MAX_SUBSETS 4096

struct mb_candidate {
    size_t index;             /* its place in the file's list */
    char id[64];
    char kind[16];            /* "storage" or "plant" */
    double nok_per_year;      /* having it open: rent, staff, upkeep */
    double opening_nok;       /* once, to open it */
    double co2_kg_per_year;   /* building (spread over the horizon) and running it */
    json_t *site;             /* the site as a scenario site (owned) */
    double lat, lon;          /* where it is (placed by municipality: that
                                 municipality's point), WGS84 */
};

struct mb_candidates {
    struct mb_candidate *items;
    size_t n;
    char note[512];           /* the file's note for its readers, if any */
};

/* Read a candidates file ({"format": "massebank-candidates/1",
 * "candidates": [...]}, docs/siting.md) against the scenario it is for
 * (its ids must be new there, and each candidate must be a valid site of
 * it). MB_EINVAL with every problem named in *p (paths
 * "candidates[2].nok_per_year"); the caller releases p either way. */
int mb_candidates_parse(struct mb_candidates *c, const char *scenario, size_t scenario_len,
                        const char *text, size_t len, struct mb_problems *p);
void mb_candidates_release(struct mb_candidates *c);

struct mb_siting {
    size_t n;              /* candidates */
    int max_open;          /* k */
    bool *open;            /* the best choice, per candidate */
    double value;          /* its total: the plan's cost with CO2 at its price, plus
                              the candidates' own cost and CO2 at that price (NOK) */
    double value_none;     /* the same with no candidate open */
    double *saving;        /* per open candidate: the total without it (the
                              others open) minus the best total; 0 if closed */
    double own_nok, own_co2_kg; /* the open candidates' own cost and CO2 */
    double years;          /* the horizon, in years */
    size_t subsets;        /* plans solved */
    struct mb_totals best, none; /* the plans' figures with the best choice and with none */
    bool mip;              /* chosen by the MIP (else by enumeration) */
    double gap;            /* the relative gap the MIP proved (0: optimal, and always 0
                              for the enumeration) */
    /* The ranges of the choice against none (mb_siting_ranges): the
     * CO2 and money saved, none - best - the candidates' own, 5-95 %
     * of paired draws; draws 0 while not computed. */
    int draws;
    unsigned long long seed;
    struct mb_band co2_saving_kg, cost_saving_nok;
    /* Per candidate (NULL until drawn): the CO2 an open one saves, the
     * others open (the plan without it minus the plan with it, its own
     * CO2 taken off), 5-95 % of the same paired draws; zero if closed. */
    struct mb_band *co2_saving_each_kg;
};

/* The scenario text without the sites named in ids (n of them): to ask
 * whether sites a scenario proposes are the best places, by giving them
 * as candidates instead. A malloc'ed text in *out; MB_EINVAL (field
 * "without") naming an id the scenario does not have. */
int mb_siting_without(const char *scenario, size_t len, const char *const *ids, size_t n,
                      char **out, size_t *out_len, struct mb_error *err);

/* The scenario with the candidates of bit mask `mask` added to its sites,
 * parsed (the caller releases *s); MB_EINVAL naming the first problem. */
int mb_siting_scenario(const char *scenario, size_t len, const struct mb_candidates *c,
                       uint64_t mask, struct mb_scenario *s, struct mb_error *err);

/* The value of a scenario as it is (its plan's cost with CO2 at its
 * price) and its figures: to compare a choice with a scenario's own
 * proposal. */
int mb_siting_plan_value(const char *scenario, size_t len, double *value,
                         struct mb_totals *totals, struct mb_error *err);

/* Solve: every subset of at most max_open candidates (1 <= max_open <= n).
 * MB_EINVAL (field "max") for k out of range or too many subsets. */
int mb_siting_run(const char *scenario, size_t scenario_len, const struct mb_candidates *c,
                  int max_open, struct mb_siting *out, struct mb_error *err);

/* The same question as a mixed-integer program (siting_mip.c): the
 * scenario's model with every candidate in it, a binary per candidate
 * that opens its capacity and its intake, at most max_open of them,
 * solved by Cbc (from the LP relaxation, branch and bound) within
 * `seconds`. out as mb_siting_run's, its figures from the plans of the
 * chosen set (mb_siting_evaluate); *gap the relative gap Cbc proved (0:
 * optimal). MB_EINVAL for a scenario whose objective is not cost. */
int mb_siting_mip(const char *scenario, size_t scenario_len, const struct mb_candidates *c,
                  int max_open, double seconds, struct mb_siting *out, double *gap,
                  struct mb_error *err);

/* The figures of one choice `open` (per candidate): its total and the
 * total with none open, each open candidate's saving (the total without
 * it, the others open, minus this total), own cost and CO2, and the two
 * plans' figures; 2 + (number open) plans are solved. */
int mb_siting_evaluate(const char *scenario, size_t scenario_len,
                       const struct mb_candidates *c, const bool *open, int max_open,
                       struct mb_siting *out, struct mb_error *err);
void mb_siting_release(struct mb_siting *s);

/* The ranges of what the choice in r saves against opening none
 * (r->co2_saving_kg, r->cost_saving_nok, r->draws, r->seed): the plans of
 * the choice and of none are solved at the central factors (their flows
 * fixed), then both are valued under the same `draws` draws of the
 * factor register (mb_uncertainty_run with one plan as the "plan" and
 * the other as the "baseline", seed as given: 0 takes
 * MB_UNCERTAINTY_SEED), so a factor that moves both moves the saving
 * only by their difference. The candidates' own cost and CO2 are the
 * planner's figures, not drawn: they are taken off every draw. Each open
 * candidate's CO2 saving with the others open is drawn the same way
 * (r->co2_saving_each_kg). 2 + (number open) plans are solved. */
int mb_siting_ranges(const char *scenario, size_t scenario_len,
                     const struct mb_candidates *c, int draws, unsigned long long seed,
                     struct mb_siting *r, struct mb_error *err);

/* The answer as the "siting" section (docs/siting.md, "massebank-siting/1"):
 * the candidates (id, kind, position, capacity, open, saving, break-even,
 * own cost and CO2), k, the totals with the choice and with none, the
 * savings with their ranges if computed, gap, method, years. A new
 * reference; the caller adds what only it knows (the CLI's "without"). */
json_t *mb_siting_json(const struct mb_candidates *c, const struct mb_siting *r);

#endif
