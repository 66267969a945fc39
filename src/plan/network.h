/*
 * network.h - minimum-cost flow by the primal network simplex, and the
 * test that tells when a linear program is such a flow.
 *
 * A plan with no storage and no plants (every haul straight from a
 * surplus to a need or a landfill, every capacity in tonnes) is a network:
 * each column has at most two nonzeros, +1 and -1 once the rows are signed
 * right. On such an LP the network simplex does on a spanning tree what
 * the general simplex does with a factorised basis, and is several times
 * faster (bench/plan-bench measures it against LEMON's NetworkSimplex and
 * Clp). lp.c hands every independent part of a plan that is a network to
 * it and the rest to Clp; the optimum is the same (tests/plan/test_network.c
 * checks it against Clp on random networks and on generated regions).
 */
#ifndef MB_PLAN_NETWORK_H
#define MB_PLAN_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "plan/lp.h"

/* A flow network: nodes 0..nnodes-1 with supply (> 0) or demand (< 0),
 * arcs tail -> head with flow in [0, cap] (cap may be HUGE_VAL) at cost
 * per unit. The arrays are the caller's. */
struct mb_net {
    int nnodes, narcs;
    const int *tail, *head;
    const double *cost, *cap;
    const double *supply;
};

/* Solve min sum cost*flow subject to flow conservation (out - in = supply
 * at every node) and the capacities. Capacities are >= 0 (HUGE_VAL for
 * none), costs and supplies finite. flow (narcs) receives the optimum;
 * potential (nnodes, may be NULL) node potentials with cost + pi[tail] -
 * pi[head] >= 0 on arcs below capacity and <= 0 on arcs above zero, each
 * to 10^-12 of the largest of |cost|, |pi[tail]|, |pi[head]|.
 * *objective and *iterations (may be NULL) the optimum and the pivots.
 * Returns 0; MB_EINVAL if the supplies cannot be met, a cycle of negative
 * cost has no capacity, or the pivots pass 20 x arcs + 10^6 (not seen;
 * a guard against cycling on rounding), err saying which. */
int mb_net_simplex(const struct mb_net *net, double *flow, double *potential,
                   double *objective, int *iterations, struct mb_error *err);

/* Whether lp is a network: every column with at most two nonzeros, each
 * +1 or -1, and the rows can be signed so that a column with two has one
 * of each. Bounds are free (ranged rows and columns, negative and
 * infinite bounds are all turned into arcs). */
bool mb_net_fits(const struct mb_lp *lp);

/* Solve lp by the network simplex if it is a network (mb_net_fits): res
 * as mb_lp_solve's (res->x to be freed by the caller; components 1,
 * network_parts 1, rounds 0, iterations the pivots, working_cols every
 * column). Errors as mb_net_simplex's, and MB_EINVAL if lp is not a
 * network (res->x NULL on every error). */
int mb_net_solve_lp(const struct mb_lp *lp, struct mb_lp_result *res, struct mb_error *err);

#endif
