/*
 * lp.h - a linear program in column form, solved with COIN-OR Clp.
 *
 * The planner builds its model here row by row and column by column, then
 * solves it. The same object writes the model in CPLEX LP format, so any
 * other solver (glpsol in the tests and benchmarks) can check the optimum
 * independently. Minimisation; bounds may be +-infinity (HUGE_VAL).
 */
#ifndef MB_PLAN_LP_H
#define MB_PLAN_LP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

struct mb_lp {
    size_t nrows, ncols;
    double *rowlb, *rowub;
    double *obj, *collb, *colub;
    int *start;     /* ncols + 1 column starts into index/value */
    int *index;     /* row of each nonzero */
    double *value;
    size_t nnz;
    unsigned char *pinned; /* per column: always in the solver's working set */
    int *block;     /* per row: its block, -1 for a linking row (mb_lp_set_block) */
    int group;      /* blocks per group, 0 for none (mb_lp_set_group) */
    size_t cap_rows, cap_cols, cap_nnz; /* internal */
};

void mb_lp_init(struct mb_lp *lp);
void mb_lp_release(struct mb_lp *lp);

/* Make room for at least this many rows, columns and nonzeros at once
 * (a model about to be built again at much the same size grows without
 * copying). */
void mb_lp_reserve(struct mb_lp *lp, size_t rows, size_t cols, size_t nnz);

/* Add a row lb <= a.x <= ub; returns its index. */
int mb_lp_add_row(struct mb_lp *lp, double lb, double ub);

/* Hints for the solver of large models (see mb_lp_solve): put a row into
 * block number `block` >= 0 (rows start in none, -1: linking rows), and
 * say how many consecutive block numbers form a group (0: no groups). The
 * planner's blocks are months, its groups calendar years. */
void mb_lp_set_block(struct mb_lp *lp, int row, int block);
void mb_lp_set_group(struct mb_lp *lp, int group);

/* Add a column with n nonzeros; returns its index. */
int mb_lp_add_col(struct mb_lp *lp, double cost, double lb, double ub, size_t n,
                  const int *rows, const double *vals);

/* Mark a column as always part of the working set (slack columns that keep
 * the model feasible). */
void mb_lp_pin(struct mb_lp *lp, int col);

struct mb_lp_result {
    double objective;
    double *x;      /* ncols values, caller frees */
    double seconds;
    int iterations;
    int rounds;          /* pricing rounds (summed over components) */
    int components;      /* independent parts solved one by one */
    size_t working_cols; /* columns the solver saw in the end */
    int network_parts;   /* parts that were networks, solved by the
                            network simplex (network.h), not Clp */
};

/* Solve with Clp. Large models are solved by column generation: Clp
 * works on a working set of columns, every other column is priced with
 * the duals and those with negative reduced cost join, until none is
 * left. The result is the optimum of the whole LP (to the solver's
 * tolerances), found on a fraction of its columns. Columns that no
 * dual-feasible solution can price out (dominated by a cheaper singleton
 * in the same row) are never taken. If rows have blocks, the blocks are
 * solved one by one first (on every core), then groups of blocks warm-
 * started from them, then the whole LP warm-started from the groups; a
 * cold working set is the pinned columns (the model pins slack, stock and
 * today's fallback arcs) and the few cheapest columns of every row.
 * MB_PRICING_AUTO uses column generation from 20,000 columns on; NEVER
 * hands Clp the whole LP, ALWAYS prices even small ones (tests compare the
 * two). Parts of the LP that share no row are solved one by one; in
 * MB_PRICING_AUTO a part that is a network (mb_net_fits) is solved by the
 * network simplex instead of Clp (NEVER and ALWAYS keep Clp, so tests can
 * compare the two).
 * Returns 0 on an optimal solution (res->x to be freed by the caller);
 * MB_EINVAL if infeasible or unbounded (not expected for planner models,
 * which always have slack), with err saying which. */
enum mb_pricing { MB_PRICING_AUTO, MB_PRICING_NEVER, MB_PRICING_ALWAYS };

/* Progress reports during long solves (at most one every two seconds);
 * fn may be NULL. */
struct mb_lp_progress {
    void (*fn)(const char *line, const struct mb_words *words, void *ctx);
    void *ctx;
};

int mb_lp_solve(const struct mb_lp *lp, enum mb_pricing pricing,
                const struct mb_lp_progress *progress, struct mb_lp_result *res,
                struct mb_error *err);

/* The whole LP by column generation, warm-started from a basis: warm
 * holds ncols column then nrows row statuses in Clp's codes (0 free, 1
 * basic, 2 at upper, 3 at lower), as *basis gives them back. It need not
 * be a basis of this LP (what-if planning maps the basis of a neighbouring
 * LP onto it, whatif.h): Clp repairs it, and the answer is this LP's
 * optimum whatever the start. warm_duals (nrows, may be NULL; only with
 * warm) are the neighbour's duals: the working set then starts from the
 * columns that are basic or at an upper bound in warm, the slack columns,
 * and the columns that price out at these duals. warm NULL: a cold start,
 * as mb_lp_solve's for one part. *basis and *duals (each may be NULL)
 * receive the final basis and duals, caller frees. Errors as
 * mb_lp_solve's. */
int mb_lp_solve_basis(const struct mb_lp *lp, const unsigned char *warm,
                      const double *warm_duals, const struct mb_lp_progress *progress,
                      struct mb_lp_result *res, unsigned char **basis, double **duals,
                      struct mb_error *err);

/* Whether [lb, ub] holds no value: reversed, or both at the same
 * infinity. */
bool mb_lp_bounds_empty(double lb, double ub);

/* The optimal value of column j when it is in no row: its cheaper bound
 * (lb at a positive cost, ub at a negative one; at no cost the bound
 * nearer 0, or 0 if that lies within). Returns 0 and *x, or MB_EINVAL if
 * that bound is infinite (unbounded) or the bounds hold no value. */
int mb_lp_lone_value(const struct mb_lp *lp, size_t j, double *x, struct mb_error *err);

/* Write CPLEX LP format. name_col/name_row may be NULL (then x<i>, r<i>);
 * they fill a buffer of 64 bytes. */
typedef void (*mb_lp_namer)(const void *ctx, size_t i, char *buf);
int mb_lp_write(const struct mb_lp *lp, FILE *f, mb_lp_namer name_col,
                mb_lp_namer name_row, const void *ctx);

#endif
