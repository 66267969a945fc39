/*
 * network.c - the primal network simplex, and linear programs read as
 * networks (see network.h).
 *
 * The simplex keeps a spanning tree of the nodes plus an artificial root,
 * joined to every node by an artificial arc. Tree arcs carry the basic
 * flows; every other arc sits at zero or at its capacity. Node potentials
 * pi make every tree arc's reduced cost cost + pi[tail] - pi[head] zero. A
 * pivot takes an arc whose reduced cost says more (or less) flow would pay,
 * pushes flow round the cycle it closes in the tree until an arc on the
 * cycle reaches a bound, and swaps the two arcs. This is the algorithm of
 * Dantzig's transportation simplex on a graph; the data layout and rules
 * follow the textbook account (Ahuja, Magnanti, Orlin, Network Flows,
 * 1993, ch. 11):
 *  - the tree is stored as parent, the arc to the parent and its direction,
 *    depth, and child lists, a node's fields side by side; a pivot
 *    re-hangs the subtree cut off by the leaving arc and recomputes depth
 *    and potentials over that subtree only, from the tree, so potentials
 *    never drift;
 *  - the entering arc is the most violating one of a block of about
 *    sqrt(arcs) arcs, scanned round-robin ("block search", as LEMON's
 *    NetworkSimplex does by default);
 *  - the leaving arc is chosen so the tree stays strongly feasible (the
 *    last blocking arc met on the cycle's way from the join), which rules
 *    out cycling on degenerate pivots.
 * The start is the artificial tree with a big-M cost, larger than any
 * path of real arcs; once no arc prices in, any artificial flow left
 * means the supplies cannot be met. The artificial arcs are then fixed at
 * zero at zero cost and the potentials recomputed, and pricing runs once
 * more: the big-M potentials differ by about M between subtrees, and the
 * last pivots make the optimum exact at the real costs' own scale.
 *
 * Reading an LP as a network: a row is a node; a column with +1 in row a
 * and -1 in row b an arc a -> b, one with a single nonzero an arc to or
 * from an extra node R; a row's value lb <= a.x <= ub is an arc R -> row
 * whose flow is that value. Rows are signed (multiplied by -1) where
 * needed so that two-nonzero columns have one of each sign; a union-find
 * with parities finds the signs or shows there are none. Bounds become
 * arcs from 0 to ub - lb with the lower bound moved into the supplies;
 * columns bounded only above run the other way; free ones are two arcs.
 */
#include "plan/network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"

/* A node of the tree, its fields together: a pivot's walk over a subtree
 * touches one cache line per node. */
struct node {
    double pi;     /* potential */
    double pcost;  /* pi - parent's pi: the arc to the parent's cost, signed */
    int parent, pred, depth;
    int child, next, prev; /* first child; siblings */
    unsigned char up;      /* the arc to the parent runs from the node to it */
};

struct ns {
    int n;        /* nodes, the root (n - 1) included */
    int m;        /* arcs: real ones, then an artificial one per node */
    int mreal;
    int *tail, *head;
    double *cost, *cap, *flow;
    signed char *state; /* 1 at zero, -1 at capacity, 0 in the tree or fixed */
    struct node *nd;
    int *stack;
    int block, next_arc;
    bool fixed_artificial;
};

static void ns_release(struct ns *s)
{
    free(s->tail);
    free(s->head);
    free(s->cost);
    free(s->cap);
    free(s->flow);
    free(s->state);
    free(s->nd);
    free(s->stack);
}

static void tree_unlink(struct ns *s, int v)
{
    int p = s->nd[v].parent;
    if (s->nd[v].prev >= 0)
        s->nd[s->nd[v].prev].next = s->nd[v].next;
    else
        s->nd[p].child = s->nd[v].next;
    if (s->nd[v].next >= 0)
        s->nd[s->nd[v].next].prev = s->nd[v].prev;
}

static void tree_link(struct ns *s, int p, int v)
{
    s->nd[v].prev = -1;
    s->nd[v].next = s->nd[p].child;
    if (s->nd[p].child >= 0)
        s->nd[s->nd[p].child].prev = v;
    s->nd[p].child = v;
}

/* Depth and potential of top and everything below it, from top's parent. */
static void refresh(struct ns *s, int top)
{
    int sp = 0;
    s->stack[sp++] = top;
    while (sp) {
        int v = s->stack[--sp];
        struct node *x = &s->nd[v];
        const struct node *p = &s->nd[x->parent];
        x->depth = p->depth + 1;
        x->pi = p->pi + x->pcost;
        for (int c = x->child; c >= 0; c = s->nd[c].next)
            s->stack[sp++] = c;
    }
}

static void refresh_all(struct ns *s)
{
    int root = s->n - 1;
    s->nd[root].pi = 0;
    s->nd[root].depth = 0;
    for (int c = s->nd[root].child; c >= 0; c = s->nd[c].next)
        refresh(s, c);
}

/* The most violating arc of the first block that has one, or -1. An arc
 * violates when its reduced cost is beyond the rounding of the numbers it
 * is made of (10^-12 of the largest): a tolerance on the costs' own scale
 * would pass over a route cheaper by less than that per tonne where costs
 * span orders of magnitude (a penalty of 10^6 beside hauls of 100). */
static int entering(struct ns *s)
{
    double best = 0;
    int in = -1, cnt = s->block, e = s->next_arc;
    for (int k = 0; k < s->m; k++) {
        int st = s->state[e];
        if (st) {
            double pt = s->nd[s->tail[e]].pi, ph = s->nd[s->head[e]].pi;
            double c = st * (s->cost[e] + pt - ph);
            if (c < best &&
                -c > 1e-12 * fmax(fabs(s->cost[e]), fmax(fabs(pt), fabs(ph)))) {
                best = c;
                in = e;
            }
        }
        if (++e == s->m)
            e = 0;
        if (--cnt == 0) {
            if (in >= 0)
                break;
            cnt = s->block;
        }
    }
    s->next_arc = e;
    return in;
}

/* One pivot on entering arc e. Returns 1 if the cycle it closes has no
 * bound (unbounded), else 0. */
static int pivot(struct ns *s, int e)
{
    int first = s->state[e] == 1 ? s->tail[e] : s->head[e];
    int second = s->state[e] == 1 ? s->head[e] : s->tail[e];
    int a = first, b = second;
    while (s->nd[a].depth > s->nd[b].depth)
        a = s->nd[a].parent;
    while (s->nd[b].depth > s->nd[a].depth)
        b = s->nd[b].parent;
    while (a != b) {
        a = s->nd[a].parent;
        b = s->nd[b].parent;
    }
    int join = a, out = -1, side = 0;
    /* Flow goes round first -> second along e, up from second to the
     * join, down from the join to first. */
    double delta = s->cap[e];
    for (int u = first; u != join; u = s->nd[u].parent) {
        int f = s->nd[u].pred;
        double d = s->nd[u].up ? s->flow[f] : s->cap[f] - s->flow[f];
        if (d < delta) {
            delta = d;
            out = u;
            side = 1;
        }
    }
    for (int u = second; u != join; u = s->nd[u].parent) {
        int f = s->nd[u].pred;
        double d = s->nd[u].up ? s->cap[f] - s->flow[f] : s->flow[f];
        if (d <= delta) {
            delta = d;
            out = u;
            side = 2;
        }
    }
    if (delta >= HUGE_VAL)
        return 1;
    if (delta > 0) {
        s->flow[e] += s->state[e] * delta;
        for (int u = first; u != join; u = s->nd[u].parent)
            s->flow[s->nd[u].pred] += s->nd[u].up ? -delta : delta;
        for (int u = second; u != join; u = s->nd[u].parent)
            s->flow[s->nd[u].pred] += s->nd[u].up ? delta : -delta;
    }
    if (side == 0) { /* e reaches its other bound: the tree stays */
        s->state[e] = (signed char)-s->state[e];
        s->flow[e] = s->state[e] == 1 ? 0 : s->cap[e];
        return 0;
    }
    int f = s->nd[out].pred;
    bool at_zero = (side == 1) == (s->nd[out].up != 0);
    s->flow[f] = at_zero ? 0 : s->cap[f];
    s->state[f] = at_zero ? 1 : -1;
    if (s->fixed_artificial && f >= s->mreal) { /* out for good */
        s->state[f] = 0;
        s->flow[f] = 0;
        s->cap[f] = 0;
    }
    s->state[e] = 0;
    /* Re-hang the subtree below the leaving arc from the entering one:
     * the path from its endpoint in the subtree up to out turns round. */
    int u_in = side == 1 ? first : second, np = side == 1 ? second : first, na = e;
    for (int w = u_in;;) {
        int op = s->nd[w].parent, oa = s->nd[w].pred;
        tree_unlink(s, w);
        s->nd[w].parent = np;
        s->nd[w].pred = na;
        s->nd[w].up = s->tail[na] == w;
        s->nd[w].pcost = s->nd[w].up ? -s->cost[na] : s->cost[na];
        tree_link(s, np, w);
        if (w == out)
            break;
        np = w;
        na = oa;
        w = op;
    }
    refresh(s, u_in);
    return 0;
}

static int run(struct ns *s, long limit, long *iterations, struct mb_error *err)
{
    for (;;) {
        int e = entering(s);
        if (e < 0)
            return 0;
        if (pivot(s, e))
            return mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                                "unbounded (a cycle of negative cost has no capacity)");
        if (++*iterations > limit)
            return mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                                "the network simplex stopped after %ld pivots", limit);
    }
}

int mb_net_simplex(const struct mb_net *net, double *flow, double *potential,
                   double *objective, int *iterations, struct mb_error *err)
{
    struct ns s = { 0 };
    int nn = net->nnodes, mr = net->narcs;
    s.n = nn + 1;
    s.mreal = mr;
    s.m = mr + nn;
    size_t n = (size_t)s.n, m = (size_t)s.m + 1;
    s.tail = mb_xmalloc(m * sizeof *s.tail);
    s.head = mb_xmalloc(m * sizeof *s.head);
    s.cost = mb_xmalloc(m * sizeof *s.cost);
    s.cap = mb_xmalloc(m * sizeof *s.cap);
    s.flow = mb_xcalloc(m, sizeof *s.flow);
    s.state = mb_xmalloc(m * sizeof *s.state);
    s.nd = mb_xcalloc(n, sizeof *s.nd);
    s.stack = mb_xmalloc(n * sizeof *s.stack);
    double maxc = 0, total = 0, scale = 1;
    for (int e = 0; e < mr; e++) {
        s.tail[e] = net->tail[e];
        s.head[e] = net->head[e];
        s.cost[e] = net->cost[e];
        s.cap[e] = net->cap[e];
        s.state[e] = 1;
        maxc = fmax(maxc, fabs(net->cost[e]));
    }
    for (int i = 0; i < nn; i++) {
        scale = fmax(scale, fabs(net->supply[i]));
        total += net->supply[i];
    }
    /* Big M: more than any path of real arcs can cost. */
    double big = (maxc + 1) * (double)s.n;
    int root = s.n - 1;
    s.nd[root].child = -1;
    s.nd[root].parent = -1;
    s.nd[root].pred = -1;
    for (int i = 0; i < nn; i++) {
        int a = mr + i;
        double b = net->supply[i];
        s.cost[a] = big;
        s.cap[a] = HUGE_VAL;
        s.state[a] = 0;
        s.tail[a] = b >= 0 ? i : root;
        s.head[a] = b >= 0 ? root : i;
        s.flow[a] = fabs(b);
        s.nd[i].parent = root;
        s.nd[i].pred = a;
        s.nd[i].up = b >= 0;
        s.nd[i].pcost = b >= 0 ? -big : big;
        s.nd[i].child = -1;
        tree_link(&s, root, i);
    }
    refresh_all(&s);
    double sq = sqrt((double)s.m);
    s.block = sq < 10 ? 10 : (int)sq;
    long limit = 20L * s.m + 1000000L, iters = 0;
    int rc = run(&s, limit, &iters, err);
    if (rc)
        goto out;
    /* Artificial flow left at a node means its supply cannot be met; the
     * tolerance is the rounding of that node's own numbers (its supply,
     * the capacities of its arcs), not of the largest in the network. */
    double *own = mb_xmalloc((n + 1) * sizeof *own);
    for (int i = 0; i < nn; i++)
        own[i] = fmax(1, fabs(net->supply[i]));
    for (int e = 0; e < mr; e++)
        if (isfinite(s.cap[e])) {
            own[s.tail[e]] = fmax(own[s.tail[e]], s.cap[e]);
            own[s.head[e]] = fmax(own[s.head[e]], s.cap[e]);
        }
    if (fabs(total) > 1e-9 * scale) {
        free(own);
        rc = mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                          "infeasible (supplies and demands differ by %g)", total);
        goto out;
    }
    for (int i = 0; i < nn; i++)
        if (s.flow[mr + i] > 1e-9 * own[i]) {
            rc = mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                              "infeasible (%g of node %d's supply cannot be met)",
                              s.flow[mr + i], i);
            free(own);
            goto out;
        }
    free(own);
    /* At the real costs: artificial arcs out of the tree stay out (fixed);
     * those in it carry nothing at no cost, each pointing from its node to
     * the root with no bound, so the tree stays strongly feasible (any
     * node can send to the root) and the leaving rule keeps its guarantee
     * against cycling. A cycle through the root goes down one artificial
     * arc that carries nothing: it moves no flow, so none appears on them. */
    s.fixed_artificial = true;
    for (int i = 0; i < nn; i++) {
        int a = mr + i;
        s.cost[a] = 0;
        s.flow[a] = 0;
        if (s.state[a] == 0 && s.nd[i].pred == a) {
            s.tail[a] = i;
            s.head[a] = root;
            s.nd[i].up = 1;
            s.nd[i].pcost = 0;
        } else {
            s.state[a] = 0;
            s.cap[a] = 0;
        }
    }
    refresh_all(&s);
    rc = run(&s, limit, &iters, err);
    if (rc)
        goto out;
    double obj = 0;
    for (int e = 0; e < mr; e++) {
        flow[e] = s.flow[e];
        obj += s.cost[e] * s.flow[e];
    }
    if (potential)
        for (int i = 0; i < nn; i++)
            potential[i] = s.nd[i].pi;
    if (objective)
        *objective = obj;
    if (iterations)
        *iterations = iters > 0x7fffffffL ? 0x7fffffff : (int)iters;
out:
    ns_release(&s);
    return rc;
}

/* Union-find with parities: odd[x] says whether x's sign differs from its
 * parent's. Union by rank keeps the paths short without compression. */
static int signed_root(const int *up, const unsigned char *odd, int x, int *parity)
{
    int p = 0;
    while (up[x] != x) {
        p ^= odd[x];
        x = up[x];
    }
    *parity = p;
    return x;
}

/* Row signs (+1 or -1) that make lp a network, into sign (nrows); false
 * if there are none. */
static bool network_signs(const struct mb_lp *lp, signed char *sign)
{
    size_t nr = lp->nrows;
    int *up = mb_xmalloc((nr + 1) * sizeof *up);
    unsigned char *odd = mb_xcalloc(nr + 1, 1), *rank = mb_xcalloc(nr + 1, 1);
    for (size_t i = 0; i < nr; i++)
        up[i] = (int)i;
    bool ok = true;
    for (size_t j = 0; j < lp->ncols && ok; j++) {
        int s = lp->start[j], n = lp->start[j + 1] - s;
        for (int e = s; e < s + n; e++)
            if (lp->value[e] != 1.0 && lp->value[e] != -1.0)
                ok = false;
        if (n > 2 || (n == 2 && lp->index[s] == lp->index[s + 1]))
            ok = false;
        if (!ok || n < 2)
            continue;
        /* One +1 and one -1 once signed: the signs differ if the values
         * agree. */
        int want = lp->value[s] == lp->value[s + 1], pa, pb;
        int ra = signed_root(up, odd, lp->index[s], &pa);
        int rb = signed_root(up, odd, lp->index[s + 1], &pb);
        if (ra == rb) {
            ok = (pa ^ pb) == want;
            continue;
        }
        if (rank[ra] < rank[rb]) {
            int t = ra;
            ra = rb;
            rb = t;
        }
        up[rb] = ra;
        odd[rb] = (unsigned char)(pa ^ pb ^ want);
        if (rank[ra] == rank[rb])
            rank[ra]++;
    }
    for (size_t i = 0; ok && sign && i < nr; i++) {
        int p;
        signed_root(up, odd, (int)i, &p);
        sign[i] = p ? -1 : 1;
    }
    free(up);
    free(odd);
    free(rank);
    return ok;
}

bool mb_net_fits(const struct mb_lp *lp)
{
    return network_signs(lp, NULL);
}

/* The network an LP stands for, and how to read its columns back. */
struct lpnet {
    int nnodes, narcs;
    int *tail, *head;
    double *cost, *cap, *supply;
    int *col;            /* per arc: its column, or -1 for a row's arc */
    signed char *mult;   /* per arc: x = base + mult * flow */
    double *base;        /* per column */
};

/* A variable x in [lb, ub] at cost c flowing t -> h, for column j (or -1).
 * If 0 is within the bounds, x is an arc t -> h up to ub and one h -> t
 * up to -lb (flow back is x below zero), whichever are wider than zero;
 * else the bound nearer 0 moves into the supplies and x beyond it is one
 * arc. Never shifting by a far bound keeps the supplies on the scale of
 * the solution (a bound of 10^15 would round 0.3 to 0.25). */
static void add_var(struct lpnet *g, int t, int h, double lb, double ub, double c, int j)
{
    double base = lb > 0 ? lb : ub < 0 ? ub : 0;
    if (j >= 0)
        g->base[j] = base;
    g->supply[t] -= base;
    g->supply[h] += base;
    double fwd = ub - base, back = base - lb; /* room above and below base */
    if (fwd > 0) {
        int a = g->narcs++;
        g->tail[a] = t;
        g->head[a] = h;
        g->cost[a] = c;
        g->cap[a] = fwd;
        g->col[a] = j;
        g->mult[a] = 1;
    }
    if (back > 0) {
        int a = g->narcs++;
        g->tail[a] = h;
        g->head[a] = t;
        g->cost[a] = -c;
        g->cap[a] = back;
        g->col[a] = j;
        g->mult[a] = -1;
    }
}

static void lpnet_release(struct lpnet *g)
{
    free(g->tail);
    free(g->head);
    free(g->cost);
    free(g->cap);
    free(g->supply);
    free(g->col);
    free(g->mult);
    free(g->base);
}

int mb_net_solve_lp(const struct mb_lp *lp, struct mb_lp_result *res, struct mb_error *err)
{
    double t0 = mb_clock_seconds();
    memset(res, 0, sizeof *res);
    size_t nr = lp->nrows, nc = lp->ncols;
    signed char *sign = mb_xmalloc(nr + 1);
    if (!network_signs(lp, sign)) {
        free(sign);
        res->seconds = mb_clock_seconds() - t0;
        return mb_error_set(err, MB_EINVAL, "model", "the LP is not a network");
    }
    struct lpnet g = { 0 };
    size_t maxarcs = 2 * (nc + nr) + 1;
    g.nnodes = (int)nr + 1;
    g.tail = mb_xmalloc(maxarcs * sizeof *g.tail);
    g.head = mb_xmalloc(maxarcs * sizeof *g.head);
    g.cost = mb_xmalloc(maxarcs * sizeof *g.cost);
    g.cap = mb_xmalloc(maxarcs * sizeof *g.cap);
    g.col = mb_xmalloc(maxarcs * sizeof *g.col);
    g.mult = mb_xmalloc(maxarcs * sizeof *g.mult);
    g.supply = mb_xcalloc(nr + 1, sizeof *g.supply);
    g.base = mb_xcalloc(nc + 1, sizeof *g.base);
    res->x = mb_xcalloc(nc + 1, sizeof *res->x);
    int rc = 0, R = (int)nr;
    for (size_t j = 0; j < nc && !rc; j++) {
        double lb = lp->collb[j], ub = lp->colub[j], c = lp->obj[j];
        if (mb_lp_bounds_empty(lb, ub)) {
            rc = mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                              "infeasible (column %zu has lower bound above upper)", j);
            break;
        }
        int s = lp->start[j], n = lp->start[j + 1] - s;
        if (n == 0) {
            rc = mb_lp_lone_value(lp, j, &g.base[j], err);
            continue;
        }
        int t = R, h = R;
        for (int e = s; e < s + n; e++) {
            int r = lp->index[e];
            if (sign[r] * lp->value[e] > 0)
                t = r;
            else
                h = r;
        }
        add_var(&g, t, h, lb, ub, c, (int)j);
    }
    for (size_t i = 0; i < nr && !rc; i++) {
        double lb = sign[i] > 0 ? lp->rowlb[i] : -lp->rowub[i];
        double ub = sign[i] > 0 ? lp->rowub[i] : -lp->rowlb[i];
        if (mb_lp_bounds_empty(lb, ub)) {
            rc = mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                              "infeasible (row %zu has lower bound above upper)", i);
            break;
        }
        add_var(&g, R, (int)i, lb, ub, 0, -1);
    }
    double *flow = NULL;
    if (!rc) {
        flow = mb_xcalloc((size_t)g.narcs + 1, sizeof *flow);
        struct mb_net net = { g.nnodes, g.narcs, g.tail, g.head, g.cost, g.cap, g.supply };
        rc = mb_net_simplex(&net, flow, NULL, NULL, &res->iterations, err);
    }
    if (!rc) {
        for (size_t j = 0; j < nc; j++)
            res->x[j] = g.base[j];
        for (int a = 0; a < g.narcs; a++)
            if (g.col[a] >= 0)
                res->x[g.col[a]] += g.mult[a] * flow[a];
        for (size_t j = 0; j < nc; j++)
            res->objective += lp->obj[j] * res->x[j];
        res->components = 1;
        res->network_parts = 1;
        res->working_cols = nc;
    } else {
        free(res->x);
        res->x = NULL;
    }
    free(flow);
    lpnet_release(&g);
    free(sign);
    res->seconds = mb_clock_seconds() - t0;
    return rc;
}
