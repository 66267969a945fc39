/*
 * whatif.h - what-if planning: a region's last solved model kept with its
 * optimal basis, so that the next plan of the region after a small change
 * (a listing added, moved, resized or withdrawn; a landfill closed; a
 * plant opened) starts from where the last one ended instead of from
 * nothing (docs/planning-model.md, "What-if").
 *
 * The basis is kept by name, not by position: each row and column is
 * known by what it is (its kind, the ids of its sites, its month and its
 * commodity), so the statuses carry over to the new model whatever was
 * added or taken out; a row or column the last model did not have starts
 * as a cold start would (a row's slack basic, a column at its bound).
 * The start is only a start: the solver repairs it and the answer is the
 * new model's own optimum, the same as a cold solve's (tests compare the
 * two to 1e-7).
 */
#ifndef MB_PLAN_WHATIF_H
#define MB_PLAN_WHATIF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct mb_model;
struct mb_model_origin;
struct mb_problems;
struct mb_scenario;

#define MB_WHATIF_MAX_CHANGES 10

struct mb_whatif {
    uint64_t *keys;         /* open addressing, 0 = empty */
    unsigned char *status;  /* Clp's status of each key's row or column */
    double *dual;           /* a row's dual (0 for a column) */
    size_t cap;             /* slots, a power of two */
    size_t n;               /* keys held */
    int solves;             /* plans solved with this state */
    json_t *before;         /* mb_whatif_ask: the figures of the region as planned */
    struct mb_model *model; /* the last model, to build the next from (NULL: none) */
    struct mb_model_origin *origin; /* what it was built from */
};

/* More sites added, removed or changed than this, and the next model is
 * built anew rather than from the last. */
#define MB_WHATIF_MAX_DELTA 64

/* An empty state: the first plan with it starts cold. */
void mb_whatif_init(struct mb_whatif *w);
void mb_whatif_release(struct mb_whatif *w);

/* The start for model m from the kept basis (ncols then nrows statuses,
 * malloc'ed, the caller frees), or NULL while nothing is kept; *duals the
 * kept duals of m's rows (0 for a new row; malloc'ed, NULL with the
 * basis). *matched (may be NULL) counts the rows and columns found by
 * name. */
unsigned char *mb_whatif_start(const struct mb_whatif *w, const struct mb_model *m,
                               double **duals, size_t *matched);

/* Keep m's final basis (ncols then nrows statuses) and duals (nrows) in
 * place of the last, and m itself (taken: *m is left empty, and the
 * scenario m->s need not outlive the call). */
void mb_whatif_keep(struct mb_whatif *w, struct mb_model *m, const unsigned char *basis,
                    const double *duals);

/* The model of s: built from the kept one when s differs from its
 * scenario in at most MB_WHATIF_MAX_DELTA sites (mb_model_build_delta),
 * else anew. *delta says which; the caller releases *m (or keeps it). */
int mb_whatif_model(struct mb_whatif *w, struct mb_model *m, const struct mb_scenario *s,
                    bool *delta, struct mb_error *err);

/* Asking (whatif_run.c): a planner's what-if on a region's scenario (its
 * text, as a regional plan job keeps it). `changes` is an array of 1 to
 * MB_WHATIF_MAX_CHANGES changes, applied in order:
 *   {"kind": "close", "site": ID, "from": "YYYY-MM"}  a facility closes
 *   {"kind": "open", "site": {a scenario site}}       a facility opens
 *   {"kind": "amount", "site": ID, "amount": {...}}   a listing resized
 *   {"kind": "withdraw", "site": ID}                  a listing withdrawn
 * The first call plans the scenario as given (its figures kept in
 * w->before); each call plans the changed scenario warm from w's basis.
 * *out: {"figures": [{figure, before, after, difference}], "facilities":
 * [{site, before_t, after_t, difference_t}] (intake moved by 1 t or more,
 * largest first; none when the optimum is the same, "same_optimum"),
 * "changes", "warm", "seconds": {build, solve, total}}.
 * MB_EINVAL with every problem in *p (paths "changes[1].from"); the
 * caller releases *p either way. w must be used by one caller at a time.
 * mb_whatif_check checks the changes' shape alone (their number, kinds
 * and fields), as mb_whatif_ask does first: 0 or MB_EINVAL with *p
 * (zeroed by the caller) filled. */
int mb_whatif_check(const json_t *changes, struct mb_problems *p);

/* Take site `at` out of a scenario document, and the distances the
 * scenario gives to or from it (transport.distances). */
void mb_whatif_remove_site(json_t *doc, size_t at);
int mb_whatif_ask(struct mb_whatif *w, const char *scenario, size_t len, const json_t *changes,
                  json_t **out, struct mb_problems *p, struct mb_error *err);

#endif
