/*
 * lp.c - building an LP, solving it with Clp's C interface, writing it in
 * CPLEX LP format (see lp.h).
 *
 * Solving, from the outside in: parts that share no row are solved apart
 * (mb_lp_solve); a large part by column generation (solve_core) after
 * leaving out dominated columns (dominated) and from a warm start built
 * block by block (block_start): the planner's months alone, then its
 * years from the months' bases, then the whole part from the years'. The
 * warm start only saves simplex iterations: the last pricing pass is over
 * every column of the part, so the optimum is the whole LP's, whatever
 * the blocks were. docs/planning-model.md ("How it is solved") has the
 * reasoning and the measurements.
 */
#include "plan/lp.h"

#include <coin/Clp_C_Interface.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "plan/network.h"

void mb_lp_init(struct mb_lp *lp)
{
    memset(lp, 0, sizeof *lp);
    lp->start = mb_xcalloc(1, sizeof *lp->start);
    lp->cap_cols = 1;
}

void mb_lp_release(struct mb_lp *lp)
{
    if (!lp)
        return;
    free(lp->rowlb);
    free(lp->rowub);
    free(lp->obj);
    free(lp->collb);
    free(lp->colub);
    free(lp->start);
    free(lp->index);
    free(lp->value);
    free(lp->pinned);
    free(lp->block);
    memset(lp, 0, sizeof *lp);
}

void mb_lp_reserve(struct mb_lp *lp, size_t rows, size_t cols, size_t nnz)
{
    if (rows > lp->cap_rows) {
        lp->cap_rows = rows;
        lp->rowlb = mb_xrealloc(lp->rowlb, lp->cap_rows * sizeof *lp->rowlb);
        lp->rowub = mb_xrealloc(lp->rowub, lp->cap_rows * sizeof *lp->rowub);
        lp->block = mb_xrealloc(lp->block, lp->cap_rows * sizeof *lp->block);
    }
    if (cols + 2 > lp->cap_cols) {
        lp->cap_cols = cols + 2;
        lp->obj = mb_xrealloc(lp->obj, lp->cap_cols * sizeof *lp->obj);
        lp->collb = mb_xrealloc(lp->collb, lp->cap_cols * sizeof *lp->collb);
        lp->colub = mb_xrealloc(lp->colub, lp->cap_cols * sizeof *lp->colub);
        lp->start = mb_xrealloc(lp->start, lp->cap_cols * sizeof *lp->start);
        lp->pinned = mb_xrealloc(lp->pinned, lp->cap_cols * sizeof *lp->pinned);
    }
    if (nnz > lp->cap_nnz) {
        lp->cap_nnz = nnz;
        lp->index = mb_xrealloc(lp->index, lp->cap_nnz * sizeof *lp->index);
        lp->value = mb_xrealloc(lp->value, lp->cap_nnz * sizeof *lp->value);
    }
}

int mb_lp_add_row(struct mb_lp *lp, double lb, double ub)
{
    if (lp->nrows + 1 > lp->cap_rows) {
        lp->cap_rows = lp->cap_rows ? 2 * lp->cap_rows : 64;
        lp->rowlb = mb_xrealloc(lp->rowlb, lp->cap_rows * sizeof *lp->rowlb);
        lp->rowub = mb_xrealloc(lp->rowub, lp->cap_rows * sizeof *lp->rowub);
        lp->block = mb_xrealloc(lp->block, lp->cap_rows * sizeof *lp->block);
    }
    lp->block[lp->nrows] = -1;
    lp->rowlb[lp->nrows] = lb;
    lp->rowub[lp->nrows] = ub;
    return mb_xint(lp->nrows++);
}

int mb_lp_add_col(struct mb_lp *lp, double cost, double lb, double ub, size_t n,
                  const int *rows, const double *vals)
{
    /* All per-column arrays share cap_cols; start has one more entry. */
    if (lp->ncols + 2 > lp->cap_cols) {
        lp->cap_cols = lp->cap_cols ? 2 * lp->cap_cols : 64;
        lp->obj = mb_xrealloc(lp->obj, lp->cap_cols * sizeof *lp->obj);
        lp->collb = mb_xrealloc(lp->collb, lp->cap_cols * sizeof *lp->collb);
        lp->colub = mb_xrealloc(lp->colub, lp->cap_cols * sizeof *lp->colub);
        lp->start = mb_xrealloc(lp->start, lp->cap_cols * sizeof *lp->start);
        lp->pinned = mb_xrealloc(lp->pinned, lp->cap_cols * sizeof *lp->pinned);
    }
    if (lp->nnz + n > lp->cap_nnz) {
        while (lp->nnz + n > lp->cap_nnz)
            lp->cap_nnz = lp->cap_nnz ? 2 * lp->cap_nnz : 256;
        lp->index = mb_xrealloc(lp->index, lp->cap_nnz * sizeof *lp->index);
        lp->value = mb_xrealloc(lp->value, lp->cap_nnz * sizeof *lp->value);
    }
    for (size_t k = 0; k < n; k++) {
        lp->index[lp->nnz] = rows[k];
        lp->value[lp->nnz] = vals[k];
        lp->nnz++;
    }
    lp->obj[lp->ncols] = cost;
    lp->pinned[lp->ncols] = 0;
    lp->collb[lp->ncols] = lb;
    lp->colub[lp->ncols] = ub;
    lp->start[lp->ncols + 1] = mb_xint(lp->nnz);
    return mb_xint(lp->ncols++);
}

void mb_lp_set_block(struct mb_lp *lp, int row, int block)
{
    lp->block[row] = block;
}

void mb_lp_set_group(struct mb_lp *lp, int group)
{
    lp->group = group;
}

void mb_lp_pin(struct mb_lp *lp, int col)
{
    lp->pinned[col] = 1;
}

/* Columns per row taken into a cold working set. */
#define CHEAPEST_PER_ROW 3
/* Below this many columns the whole LP goes to Clp at once. */
#define PRICING_MIN_COLS 20000
/* A column joins when its reduced cost is below -PRICE_TOL (1 + |cost|). */
#define PRICE_TOL 1e-7

/* Clp's basis status codes (ClpSimplex::Status). */
enum { ST_FREE = 0, ST_BASIC = 1, ST_UPPER = 2, ST_LOWER = 3 };

static unsigned char nonbasic(double lb, double ub)
{
    return isfinite(lb) ? ST_LOWER : isfinite(ub) ? ST_UPPER : ST_FREE;
}

/* What dominated() says of a column. */
enum { DOM_NONE, DOM_OUT, DOM_PIN };

static bool left_out(const unsigned char *dom, size_t j)
{
    return dom && dom[j] == DOM_OUT;
}

/* Always in the working set: pinned by the caller, or taking the place of
 * a pinned column that is left out. */
static bool is_pinned(const struct mb_lp *lp, const unsigned char *dom, size_t j)
{
    return dom ? dom[j] == DOM_PIN || (dom[j] == DOM_NONE && lp->pinned[j]) : lp->pinned[j];
}

/* Mark the CHEAPEST_PER_ROW cheapest columns of every row (ties to the
 * lower index) in in[], passing over those left out. */
static void mark_cheapest(const struct mb_lp *lp, const unsigned char *dom,
                          unsigned char *in)
{
    enum { K = CHEAPEST_PER_ROW };
    int *best = mb_xmalloc((lp->nrows * K + 1) * sizeof *best);
    for (size_t k = 0; k < lp->nrows * K; k++)
        best[k] = -1;
    for (size_t j = 0; j < lp->ncols; j++) {
        if (left_out(dom, j))
            continue;
        double c = lp->obj[j];
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++) {
            int *b = best + (size_t)lp->index[e] * K;
            /* columns come in index order: a tie keeps the earlier one */
            int r = K;
            while (r > 0 && (b[r - 1] < 0 || c < lp->obj[b[r - 1]]))
                r--;
            if (r == K)
                continue;
            memmove(b + r + 1, b + r, (K - 1 - (size_t)r) * sizeof *b);
            b[r] = (int)j;
        }
    }
    for (size_t k = 0; k < lp->nrows * K; k++)
        if (best[k] >= 0)
            in[best[k]] = 1;
    free(best);
}

static void add_working(Clp_Simplex *m, const struct mb_lp *lp, const int *cols,
                        size_t n, int *slot_of, int *col_of, size_t *nwork)
{
    if (n == 0)
        return;
    CoinBigIndex *starts = mb_xmalloc((n + 1) * sizeof *starts);
    size_t nnz = 0;
    for (size_t k = 0; k < n; k++)
        nnz += (size_t)(lp->start[cols[k] + 1] - lp->start[cols[k]]);
    int *rows = mb_xmalloc((nnz + 1) * sizeof *rows);
    double *vals = mb_xmalloc((nnz + 1) * sizeof *vals);
    double *lb = mb_xmalloc(n * sizeof *lb), *ub = mb_xmalloc(n * sizeof *ub);
    double *obj = mb_xmalloc(n * sizeof *obj);
    size_t p = 0;
    for (size_t k = 0; k < n; k++) {
        int j = cols[k];
        starts[k] = (CoinBigIndex)p;
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++) {
            rows[p] = lp->index[e];
            vals[p++] = lp->value[e];
        }
        lb[k] = lp->collb[j];
        ub[k] = lp->colub[j];
        obj[k] = lp->obj[j];
        slot_of[j] = (int)*nwork;
        col_of[(*nwork)++] = j;
    }
    starts[n] = (CoinBigIndex)p;
    Clp_addColumns(m, (int)n, lb, ub, obj, starts, rows, vals);
    free(starts);
    free(rows);
    free(vals);
    free(lb);
    free(ub);
    free(obj);
}

/* Report a line if two seconds have passed since the last one. */
static void lp_say(const struct mb_lp_progress *pg, double *last, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lp_say(const struct mb_lp_progress *pg, double *last, const char *fmt, ...)
{
    if (!pg || !pg->fn || mb_clock_seconds() - *last < 2.0)
        return;
    *last = mb_clock_seconds();
    char line[160];
    struct mb_words w;
    va_list ap;
    va_start(ap, fmt);
    mb_words_vformat(line, sizeof line, &w, fmt, ap);
    va_end(ap);
    pg->fn(line, &w, pg->ctx);
}

/* A what-if's first working set takes the columns whose reduced cost at
 * the kept duals is below this share of their cost (not only those below
 * zero): a change moves the duals a little, and a column just above zero
 * then prices out, each time one more Clp solve. Measured on the
 * Trondheim-like region, 20 changes: 49 Clp solves at 0, 36 at 0.05
 * (with a working set a quarter larger), about 10 % less time. */
#define WARM_MARGIN 0.05

/* A pricing round of every solve but a what-if's brings in, with the
 * columns that price out, those whose reduced cost is within ROUND_MARGIN
 * x (1 + |c_j|) of it: the duals move as they join, and a column just
 * above zero would price out in the next round, each round a Clp call of
 * 60-90 ms on a region. The loop still ends only when none prices out, so
 * the optimal cost is the same (where plans tie, another may come out).
 * What-if solves (warm from a neighbour's duals) keep 0: there the wider
 * rounds made the median slower. */
#define ROUND_MARGIN 0.1

/* Whether column j's reduced cost at duals y is below margin x (1 + |c_j|)
 * (margin 0: it prices out). */
static bool priced_below(const struct mb_lp *lp, size_t j, const double *y, double margin)
{
    double rc = lp->obj[j];
    for (int e = lp->start[j]; e < lp->start[j + 1]; e++)
        rc -= lp->value[e] * y[lp->index[e]];
    return rc < (margin - PRICE_TOL) * (1 + fabs(lp->obj[j]));
}

static bool priced_in(const struct mb_lp *lp, size_t j, const double *y)
{
    return priced_below(lp, j, y, 0);
}

/* One LP with Clp. Without pricing, Clp's dual simplex gets every column.
 * With pricing, Clp works on a working set and the loop adds every column
 * that prices out until none does (dom, may be NULL, says which columns
 * are dominated: see dominated()). The working set starts as the pinned
 * columns plus either the basic columns of warm (a basis: ncols column
 * then nrows row statuses, Clp's codes), re-optimised by Clp's primal
 * simplex, or, without warm, the cheapest few columns of every row, solved
 * by the dual simplex. With y0 (what-if planning: warm is a neighbouring
 * LP's basis and y0 its duals, mapped by name) the working set is leaner:
 * the columns basic or at their upper bound in warm, the pinned slack
 * columns (singletons, which keep it feasible) and every column whose
 * reduced cost at y0 is below WARM_MARGIN of its cost, so that a change
 * seldom needs more pricing rounds.
 * status_out (may be NULL) receives the final basis in the same layout,
 * duals_out (may be NULL) the final duals (nrows); caller frees. */
static int solve_core(const struct mb_lp *lp, bool pricing, const unsigned char *dom,
                      const unsigned char *warm, const double *y0,
                      const struct mb_lp_progress *pg, double *last, struct mb_lp_result *res,
                      unsigned char **status_out, double **duals_out, struct mb_error *err)
{
    memset(res, 0, sizeof *res);
    size_t nc = lp->ncols, nr = lp->nrows;
    int *slot_of = mb_xmalloc((nc + 1) * sizeof *slot_of);
    int *col_of = mb_xmalloc((nc + 1) * sizeof *col_of);
    int *pick = mb_xmalloc((nc + 1) * sizeof *pick);
    size_t npick = 0, nwork = 0;
    for (size_t j = 0; j < nc; j++)
        slot_of[j] = -1;
    if (!pricing) {
        for (size_t j = 0; j < nc; j++)
            pick[npick++] = (int)j;
    } else {
        unsigned char *in = mb_xcalloc(nc + 1, 1);
        for (size_t j = 0; j < nc; j++)
            in[j] = !left_out(dom, j) &&
                    (y0 ? warm[j] == ST_BASIC || warm[j] == ST_UPPER ||
                              (is_pinned(lp, dom, j) && lp->start[j + 1] - lp->start[j] == 1) ||
                              priced_below(lp, j, y0, WARM_MARGIN)
                        : is_pinned(lp, dom, j) || (warm && warm[j] == ST_BASIC));
        if (!warm)
            mark_cheapest(lp, dom, in);
        for (size_t j = 0; j < nc; j++)
            if (in[j])
                pick[npick++] = (int)j;
        free(in);
    }
    Clp_Simplex *m = Clp_newModel();
    Clp_setLogLevel(m, 0);
    /* Rows first, with no columns; then the working set. */
    CoinBigIndex zero = 0;
    Clp_loadProblem(m, 0, (int)nr, &zero, NULL, NULL, NULL, NULL, NULL, lp->rowlb,
                    lp->rowub);
    add_working(m, lp, pick, npick, slot_of, col_of, &nwork);
    /* Clp scales the matrix anew on every re-solve, about a tenth of the
     * time of column generation here. The planner's matrix is well
     * scaled already (entries 1, yields, capacity weights near 1), and
     * without scaling the same optimum takes as many iterations. */
    if (pricing)
        Clp_scaling(m, 0);
    if (warm) {
        unsigned char *st = mb_xmalloc(nwork + nr + 1);
        for (size_t k = 0; k < nwork; k++)
            st[k] = warm[col_of[k]];
        memcpy(st + nwork, warm + nc, nr);
        Clp_copyinStatus(m, st);
        free(st);
        Clp_primal(m, 0);
    } else {
        Clp_dual(m, 0);
    }
    int status = Clp_status(m);
    res->iterations = Clp_numberIterations(m);
    if (pricing && status == 1) {
        /* The working set alone is infeasible (its pinned columns do not
         * keep it feasible): Clp gets every column. */
        npick = 0;
        for (size_t j = 0; j < nc; j++)
            if (slot_of[j] < 0 && !left_out(dom, j))
                pick[npick++] = (int)j;
        add_working(m, lp, pick, npick, slot_of, col_of, &nwork);
        Clp_dual(m, 0);
        status = Clp_status(m);
        res->iterations += Clp_numberIterations(m);
    }
    while (pricing && status == 0) {
        const double *y = Clp_getRowPrice(m);
        npick = 0;
        size_t nin = 0;
        double margin = y0 ? 0 : ROUND_MARGIN;
        for (size_t j = 0; j < nc; j++) {
            if (slot_of[j] < 0 && !left_out(dom, j) && priced_below(lp, j, y, margin)) {
                pick[npick++] = (int)j;
                nin += priced_in(lp, j, y);
            }
        }
        if (nin == 0)
            break;
        res->rounds++;
        lp_say(pg, last, "pricing round %d: %zu columns join the %zu in use", res->rounds,
               npick, nwork);
        add_working(m, lp, pick, npick, slot_of, col_of, &nwork);
        Clp_primal(m, 0);
        status = Clp_status(m);
        res->iterations += Clp_numberIterations(m);
    }
    free(pick);
    if (status != 0 && warm) {
        /* A warm start that went wrong numerically: start again cold. */
        Clp_deleteModel(m);
        free(slot_of);
        free(col_of);
        int it = res->iterations;
        int rc = solve_core(lp, pricing, dom, NULL, NULL, pg, last, res, status_out, duals_out,
                            err);
        res->iterations += it;
        return rc;
    }
    if (status != 0) {
        Clp_deleteModel(m);
        free(slot_of);
        free(col_of);
        static const char *const why[] = { "optimal", "infeasible", "unbounded",
            "stopped on iterations or time", "stopped on difficulties" };
        return mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: %s",
                            status >= 0 && status <= 4 ? why[status] : "unknown status");
    }
    res->objective = Clp_objectiveValue(m);
    res->working_cols = nwork;
    res->x = mb_xcalloc(nc ? nc : 1, sizeof *res->x);
    const double *x = Clp_getColSolution(m);
    for (size_t k = 0; k < nwork; k++)
        res->x[col_of[k]] = x[k];
    if (status_out) {
        const unsigned char *st = Clp_statusArray(m);
        unsigned char *out = mb_xmalloc(nc + nr + 1);
        for (size_t j = 0; j < nc; j++)
            out[j] = nonbasic(lp->collb[j], lp->colub[j]);
        for (size_t k = 0; k < nwork; k++)
            out[col_of[k]] = st[k] & 7;
        for (size_t i = 0; i < nr; i++)
            out[nc + i] = st[nwork + i] & 7;
        *status_out = out;
    }
    if (duals_out) {
        *duals_out = mb_xmalloc((nr + 1) * sizeof **duals_out);
        memcpy(*duals_out, Clp_getRowPrice(m), nr * sizeof **duals_out);
    }
    Clp_deleteModel(m);
    free(slot_of);
    free(col_of);
    return 0;
}

/* Columns that can never price out. Column k, a singleton a_ik > 0 in row
 * i with bounds [0, inf), bounds the row's dual: c_k - a_ik y_i >= 0 for
 * every dual-feasible y, so y_i <= c_k / a_ik. A column j with lower bound
 * 0, a_ij > 0 and every other entry of a sign that cannot lower its
 * reduced cost (>= 0 in a <= row, whose dual is <= 0 when minimising;
 * <= 0 in a >= row) then has c_j - a_ij y_i - sum_r a_rj y_r
 * >= c_j - a_ij c_k / a_ik >= 0 if c_j / a_ij >= c_k / a_ik. So it is zero
 * in an optimum, and leaving it out changes no optimum: the planner's
 * quarry arcs without a capacity (only the cheapest of a need's month
 * matters, whatever material it carries), and a need's unmet slack once a
 * quarry is in reach. Returns per column DOM_OUT (left out), DOM_PIN (the
 * singleton that dominates a pinned column, pinned in its place) or
 * DOM_NONE; caller frees; NULL if no column is dominated. */
static unsigned char *dominated(const struct mb_lp *lp)
{
    size_t nr = lp->nrows, nc = lp->ncols, n = 0;
    int *best = mb_xmalloc((nr + 1) * sizeof *best); /* cheapest singleton per row */
    double *ratio = mb_xmalloc((nr + 1) * sizeof *ratio);
    for (size_t i = 0; i < nr; i++)
        best[i] = -1;
    for (size_t j = 0; j < nc; j++) {
        int e = lp->start[j];
        if (lp->start[j + 1] - e != 1 || lp->collb[j] != 0 || isfinite(lp->colub[j]) ||
            lp->value[e] <= 0)
            continue;
        int i = lp->index[e];
        double r = lp->obj[j] / lp->value[e];
        if (best[i] < 0 || r < ratio[i]) {
            best[i] = (int)j;
            ratio[i] = r;
        }
    }
    unsigned char *dom = mb_xcalloc(nc + 1, 1);
    for (size_t j = 0; j < nc; j++) {
        if (lp->collb[j] != 0)
            continue;
        /* Every entry but one must be of a safe sign, and that one (or
         * any one, if all are safe) in a row whose dual a cheaper
         * singleton bounds. */
        int unsafe = 0;
        bool bounded_unsafe = false, bounded_safe = false;
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++) {
            int i = lp->index[e];
            double a = lp->value[e];
            bool le = !isfinite(lp->rowlb[i]) && isfinite(lp->rowub[i]);
            bool ge = isfinite(lp->rowlb[i]) && !isfinite(lp->rowub[i]);
            bool bounded = best[i] >= 0 && best[i] != (int)j && a > 0 &&
                           lp->obj[j] / a >= ratio[i];
            if ((le && a >= 0) || (ge && a <= 0)) {
                bounded_safe |= bounded;
            } else {
                unsafe++;
                bounded_unsafe = bounded;
            }
        }
        if ((unsafe == 0 && bounded_safe) || (unsafe == 1 && bounded_unsafe)) {
            dom[j] = DOM_OUT;
            n++;
        }
    }
    /* A pinned column keeps a restricted LP feasible: what dominates it
     * does so too (a singleton in the same row, unbounded above). */
    for (size_t j = 0; j < nc; j++)
        if (dom[j] == DOM_OUT && lp->pinned[j])
            for (int e = lp->start[j]; e < lp->start[j + 1]; e++)
                if (best[lp->index[e]] >= 0 && dom[best[lp->index[e]]] != DOM_OUT)
                    dom[best[lp->index[e]]] = DOM_PIN;
    free(best);
    free(ratio);
    if (n == 0) {
        free(dom);
        return NULL;
    }
    return dom;
}

/* A warm start from blocks (see mb_lp_solve). At one level, rows are
 * grouped: a block's rows by its number divided by the level's group size,
 * a linking row into the one group that holds all its columns' blocks, if
 * there is one (a landfill's year: the months of that year). A group's
 * sub-LP has its rows and the columns all of whose grouped rows are in it;
 * their entries in other rows are left out, so a sub-LP relaxes the whole
 * LP's rows that cross groups. Each sub-LP is solved, itself warm-started
 * from the next finer level, and the bases are put side by side: with the
 * slack of every row outside a group basic, that is a basis of the whole
 * LP (block triangular, so nonsingular). */
struct blocks {
    const struct mb_lp *lp;
    const unsigned char *dom;
    const int *levels;   /* group sizes, coarsest first */
    int nlevels;
    int ngroups;
    const int *grow;     /* group of each row, -1 if none */
    const size_t *rstart, *cstart;
    const int *rows, *cols; /* rows and columns bucketed by group */
    int next;            /* next group to take, under lock */
    pthread_mutex_t lock;
    unsigned char *status; /* the assembled basis; each group writes its own */
    int iterations;      /* simplex iterations of all groups, under lock */
};

static unsigned char *block_start(const struct mb_lp *lp, const unsigned char *dom,
                                  const int *levels, int nlevels, int nthreads,
                                  int *iterations);

static void block_solve(struct blocks *bk, int g, int *rloc)
{
    const struct mb_lp *lp = bk->lp;
    const int *rows = bk->rows + bk->rstart[g], *cols = bk->cols + bk->cstart[g];
    size_t nrg = bk->rstart[g + 1] - bk->rstart[g], ncg = bk->cstart[g + 1] - bk->cstart[g];
    if (nrg == 0 || ncg == 0)
        return;
    struct mb_lp sub;
    mb_lp_init(&sub);
    for (size_t k = 0; k < nrg; k++) {
        int i = rows[k];
        rloc[i] = (int)k;
        mb_lp_set_block(&sub, mb_lp_add_row(&sub, lp->rowlb[i], lp->rowub[i]), lp->block[i]);
    }
    size_t longest = 0;
    for (size_t k = 0; k < ncg; k++)
        if ((size_t)(lp->start[cols[k] + 1] - lp->start[cols[k]]) > longest)
            longest = (size_t)(lp->start[cols[k] + 1] - lp->start[cols[k]]);
    int *idx = mb_xmalloc((longest + 1) * sizeof *idx);
    double *val = mb_xmalloc((longest + 1) * sizeof *val);
    for (size_t k = 0; k < ncg; k++) {
        int j = cols[k];
        size_t n = 0;
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++)
            if (bk->grow[lp->index[e]] == g) {
                idx[n] = rloc[lp->index[e]];
                val[n++] = lp->value[e];
            }
        int jj = mb_lp_add_col(&sub, lp->obj[j], lp->collb[j], lp->colub[j], n, idx, val);
        if (is_pinned(lp, bk->dom, (size_t)j))
            mb_lp_pin(&sub, jj);
    }
    free(idx);
    free(val);
    int its = 0;
    unsigned char *warm = block_start(&sub, NULL, bk->levels + 1, bk->nlevels - 1, 1, &its);
    struct mb_lp_result r;
    struct mb_error err;
    unsigned char *st = NULL;
    /* A group that finds no optimum keeps its slack basis. */
    if (solve_core(&sub, true, NULL, warm, NULL, NULL, NULL, &r, &st, NULL, &err) == 0) {
        its += r.iterations;
        for (size_t k = 0; k < ncg; k++)
            bk->status[cols[k]] = st[k];
        for (size_t k = 0; k < nrg; k++)
            bk->status[lp->ncols + (size_t)rows[k]] = st[ncg + k];
        free(st);
        free(r.x);
    }
    pthread_mutex_lock(&bk->lock);
    bk->iterations += its;
    pthread_mutex_unlock(&bk->lock);
    free(warm);
    mb_lp_release(&sub);
}

static void *blocks_worker(void *arg)
{
    struct blocks *bk = arg;
    int *rloc = mb_xmalloc((bk->lp->nrows + 1) * sizeof *rloc);
    for (;;) {
        pthread_mutex_lock(&bk->lock);
        int g = bk->next++;
        pthread_mutex_unlock(&bk->lock);
        if (g >= bk->ngroups)
            break;
        block_solve(bk, g, rloc);
    }
    free(rloc);
    return NULL;
}

/* The warm start of lp from its blocks, grouped by levels[0], each group
 * warm-started by the finer levels after it; groups solved on up to
 * nthreads threads, their simplex iterations added to *iterations.
 * Returns a basis (as solve_core takes it), caller frees, or NULL if no
 * level has two groups or more. */
static unsigned char *block_start(const struct mb_lp *lp, const unsigned char *dom,
                                  const int *levels, int nlevels, int nthreads,
                                  int *iterations)
{
    if (nlevels < 1)
        return NULL;
    int size = levels[0];
    size_t nr = lp->nrows, nc = lp->ncols;
    int ng = 0;
    for (size_t i = 0; i < nr; i++)
        if (lp->block[i] >= 0 && lp->block[i] / size + 1 > ng)
            ng = lp->block[i] / size + 1;
    if (ng < 2) /* one group is the whole LP: try the finer level */
        return block_start(lp, dom, levels + 1, nlevels - 1, nthreads, iterations);
    /* A linking row's group: the group of its columns' blocked rows; -1
     * while no such column is seen, -2 once two groups are. */
    int *grow = mb_xmalloc((nr + 1) * sizeof *grow);
    for (size_t i = 0; i < nr; i++)
        grow[i] = -1;
    for (size_t j = 0; j < nc; j++) {
        int g = -1;
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++)
            if (lp->block[lp->index[e]] >= 0) {
                int rg = lp->block[lp->index[e]] / size;
                g = g == -1 || g == rg ? rg : -2;
            }
        if (g == -1)
            continue;
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++) {
            int i = lp->index[e];
            if (lp->block[i] < 0)
                grow[i] = g >= 0 && (grow[i] == -1 || grow[i] == g) ? g : -2;
        }
    }
    for (size_t i = 0; i < nr; i++)
        grow[i] = lp->block[i] >= 0 ? lp->block[i] / size : grow[i] >= 0 ? grow[i] : -1;
    /* Each column's group: the one group its grouped rows are in, if any. */
    int *cg = mb_xmalloc((nc + 1) * sizeof *cg);
    size_t *rstart = mb_xcalloc((size_t)ng + 2, sizeof *rstart);
    size_t *cstart = mb_xcalloc((size_t)ng + 2, sizeof *cstart);
    for (size_t j = 0; j < nc; j++) {
        int g = -1;
        for (int e = lp->start[j]; e < lp->start[j + 1] && g != -2; e++) {
            int rg = grow[lp->index[e]];
            if (rg >= 0)
                g = g == -1 || g == rg ? rg : -2;
        }
        cg[j] = left_out(dom, j) ? -1 : g;
        if (cg[j] >= 0)
            cstart[cg[j] + 2]++;
    }
    for (size_t i = 0; i < nr; i++)
        if (grow[i] >= 0)
            rstart[grow[i] + 2]++;
    for (int g = 0; g < ng; g++) {
        rstart[g + 2] += rstart[g + 1];
        cstart[g + 2] += cstart[g + 1];
    }
    int *rows = mb_xmalloc((nr + 1) * sizeof *rows), *cols = mb_xmalloc((nc + 1) * sizeof *cols);
    for (size_t i = 0; i < nr; i++)
        if (grow[i] >= 0)
            rows[rstart[grow[i] + 1]++] = (int)i;
    for (size_t j = 0; j < nc; j++)
        if (cg[j] >= 0)
            cols[cstart[cg[j] + 1]++] = (int)j;
    free(cg);
    struct blocks bk = { lp, dom, levels, nlevels, ng, grow, rstart, cstart, rows, cols, 0,
                         PTHREAD_MUTEX_INITIALIZER, NULL, 0 };
    bk.status = mb_xmalloc(nc + nr + 1);
    for (size_t j = 0; j < nc; j++)
        bk.status[j] = nonbasic(lp->collb[j], lp->colub[j]);
    memset(bk.status + nc, ST_BASIC, nr);
    pthread_t th[8];
    int started = 0;
    for (int k = 1; k < nthreads && k < 8 && k < ng; k++)
        if (pthread_create(&th[started], NULL, blocks_worker, &bk) == 0)
            started++;
    blocks_worker(&bk);
    for (int k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    pthread_mutex_destroy(&bk.lock);
    *iterations += bk.iterations;
    free(grow);
    free(rows);
    free(cols);
    free(rstart);
    free(cstart);
    return bk.status;
}

static int solve_one(const struct mb_lp *lp, enum mb_pricing mode, int nthreads,
                     const struct mb_lp_progress *pg, double *last,
                     struct mb_lp_result *res, struct mb_error *err)
{
    /* A network to the network simplex. Should it fail (its pivot limit,
     * or a verdict of infeasible on a part Clp might still solve), Clp
     * gets the part: the answer is then Clp's, or Clp's error. */
    if (mode == MB_PRICING_AUTO && mb_net_solve_lp(lp, res, NULL) == 0)
        return 0;
    double t0 = mb_clock_seconds();
    bool pricing = mode == MB_PRICING_ALWAYS ||
                   (mode == MB_PRICING_AUTO && lp->ncols >= PRICING_MIN_COLS);
    unsigned char *dom = NULL, *warm = NULL;
    int block_iterations = 0;
    if (pricing) {
        dom = dominated(lp);
        /* The warm start takes a while on a large part: say so. */
        lp_say(pg, last, "warm start: each month alone, then each year (%zu rows, %zu "
               "columns)", lp->nrows, lp->ncols);
        int levels[2] = { lp->group, 1 };
        if (lp->group > 1)
            warm = block_start(lp, dom, levels, 2, nthreads, &block_iterations);
        else
            warm = block_start(lp, dom, levels + 1, 1, nthreads, &block_iterations);
    }
    int rc = solve_core(lp, pricing, dom, warm, NULL, pg, last, res, NULL, NULL, err);
    res->iterations += block_iterations;
    free(warm);
    free(dom);
    res->seconds = mb_clock_seconds() - t0;
    return rc;
}

int mb_lp_solve_basis(const struct mb_lp *lp, const unsigned char *warm,
                      const double *warm_duals, const struct mb_lp_progress *pg,
                      struct mb_lp_result *res, unsigned char **basis, double **duals,
                      struct mb_error *err)
{
    double t0 = mb_clock_seconds(), last = t0;
    unsigned char *dom = dominated(lp), *start = NULL;
    int block_iterations = 0;
    if (!warm) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        int nthreads = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
        int levels[2] = { lp->group, 1 };
        start = lp->group > 1 ? block_start(lp, dom, levels, 2, nthreads, &block_iterations)
                              : block_start(lp, dom, levels + 1, 1, nthreads, &block_iterations);
        warm = start;
    }
    int rc = solve_core(lp, true, dom, warm, start ? NULL : warm_duals, pg, &last, res, basis,
                        duals, err);
    res->iterations += block_iterations;
    res->components = 1;
    free(start);
    free(dom);
    res->seconds = mb_clock_seconds() - t0;
    return rc;
}

/* Union-find over rows, with path halving. */
static int find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

/* Sorting part indexes by row count, largest first. qsort has no context
 * argument, so the sizes are passed in a thread-local pointer, set around
 * the call. */
static _Thread_local const size_t *sort_sizes;

static int by_size_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    size_t sx = sort_sizes[x + 1] - sort_sizes[x], sy = sort_sizes[y + 1] - sort_sizes[y];
    if (sx != sy)
        return sx > sy ? -1 : 1;
    return (x > y) - (x < y);
}

/* Independent parts solved by a few threads. Each part writes only its
 * own columns of res->x; the totals are added under the lock. Clp models
 * are separate objects, one per part and thread. */
struct parts {
    const struct mb_lp *lp;
    enum mb_pricing mode;
    const struct mb_lp_progress *pg;
    int nthreads;
    const int *rows, *cols;
    const size_t *rstart, *cstart;
    const int *local, *order;
    int ncomp;
    struct mb_lp_result *res;
    int next;           /* next index into order, under lock */
    int rc;             /* first error, under lock */
    pthread_mutex_t lock;
    struct mb_error err;
};

static int solve_part(const struct parts *j, int c, const struct mb_lp_progress *pg,
                      double *last, struct mb_lp_result *r, struct mb_error *err)
{
    const struct mb_lp *lp = j->lp;
    struct mb_lp sub;
    mb_lp_init(&sub);
    mb_lp_set_group(&sub, lp->group);
    for (size_t k = j->rstart[c]; k < j->rstart[c + 1]; k++)
        mb_lp_set_block(&sub, mb_lp_add_row(&sub, lp->rowlb[j->rows[k]], lp->rowub[j->rows[k]]),
                        lp->block[j->rows[k]]);
    int idx[64];
    double val[64];
    for (size_t k = j->cstart[c]; k < j->cstart[c + 1]; k++) {
        int col = j->cols[k];
        size_t n = 0;
        for (int e = lp->start[col]; e < lp->start[col + 1] && n < 64; e++) {
            idx[n] = j->local[lp->index[e]];
            val[n++] = lp->value[e];
        }
        int jj = mb_lp_add_col(&sub, lp->obj[col], lp->collb[col], lp->colub[col], n,
                               idx, val);
        if (lp->pinned[col])
            mb_lp_pin(&sub, jj);
    }
    /* A part's blocks may use every core too: only large parts have their
     * blocks solved apart, and without that one large part would keep one
     * core busy long after the other has run out of small parts. */
    int rc = solve_one(&sub, j->mode, j->nthreads, pg, last, r, err);
    mb_lp_release(&sub);
    return rc;
}

/* Take parts until none is left. Only the calling thread reports progress. */
static void parts_work(struct parts *j, bool reporter)
{
    double last = mb_clock_seconds();
    const struct mb_lp_progress *pg = reporter ? j->pg : NULL;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        int k = j->rc ? j->ncomp : j->next++;
        pthread_mutex_unlock(&j->lock);
        if (k >= j->ncomp)
            return;
        int c = j->order[k];
        lp_say(pg, &last, "part %d of %d (%zu rows)", k + 1, j->ncomp,
               j->rstart[c + 1] - j->rstart[c]);
        struct mb_lp_result r;
        struct mb_error err;
        mb_error_clear(&err);
        int rc = solve_part(j, c, pg, &last, &r, &err);
        if (rc == 0)
            for (size_t i = j->cstart[c]; i < j->cstart[c + 1]; i++)
                j->res->x[j->cols[i]] = r.x[i - j->cstart[c]];
        pthread_mutex_lock(&j->lock);
        if (rc && !j->rc) {
            j->rc = rc;
            j->err = err;
        } else if (rc == 0) {
            j->res->objective += r.objective;
            j->res->iterations += r.iterations;
            j->res->rounds += r.rounds;
            j->res->working_cols += r.working_cols;
            j->res->network_parts += r.network_parts;
        }
        pthread_mutex_unlock(&j->lock);
        if (rc == 0)
            free(r.x);
    }
}

static void *parts_worker(void *arg)
{
    parts_work(arg, false);
    return NULL;
}

/* Regions that share no row are independent LPs: a national market is a
 * few dozen regions that no haul within max_km connects. Each is solved on
 * its own (simplex work grows faster than the size of the problem), and the
 * solutions are put together; the optimum is the same. */
int mb_lp_solve(const struct mb_lp *lp, enum mb_pricing mode,
                const struct mb_lp_progress *pg, struct mb_lp_result *res,
                struct mb_error *err)
{
    size_t nr = lp->nrows, nc = lp->ncols;
    double last = mb_clock_seconds();
    int *parent = mb_xmalloc((nr + 1) * sizeof *parent);
    for (size_t i = 0; i < nr; i++)
        parent[i] = (int)i;
    for (size_t j = 0; j < nc; j++)
        for (int e = lp->start[j] + 1; e < lp->start[j + 1]; e++) {
            int a = find(parent, lp->index[lp->start[j]]), b = find(parent, lp->index[e]);
            if (a != b)
                parent[a < b ? b : a] = a < b ? a : b;
        }
    /* Component number per row, in order of first row. */
    int *comp = mb_xmalloc((nr + 1) * sizeof *comp);
    int *local = mb_xmalloc((nr + 1) * sizeof *local);
    int ncomp = 0;
    for (size_t i = 0; i < nr; i++) {
        int r = find(parent, (int)i);
        comp[i] = r == (int)i ? ncomp++ : comp[r];
    }
    free(parent);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
    if (ncomp <= 1) {
        free(comp);
        free(local);
        int rc = solve_one(lp, mode, nthreads, pg, &last, res, err);
        res->components = ncomp;
        return rc;
    }
    double t0 = mb_clock_seconds();
    memset(res, 0, sizeof *res);
    res->x = mb_xcalloc(nc ? nc : 1, sizeof *res->x);
    res->components = ncomp;
    /* Rows and columns of each component, by a counting sort. */
    size_t *rstart = mb_xcalloc((size_t)ncomp + 1, sizeof *rstart);
    size_t *cstart = mb_xcalloc((size_t)ncomp + 1, sizeof *cstart);
    for (size_t i = 0; i < nr; i++)
        rstart[comp[i] + 1]++;
    for (size_t j = 0; j < nc; j++)
        if (lp->start[j] < lp->start[j + 1])
            cstart[comp[lp->index[lp->start[j]]] + 1]++;
    for (int c = 0; c < ncomp; c++) {
        rstart[c + 1] += rstart[c];
        cstart[c + 1] += cstart[c];
    }
    int *rows = mb_xmalloc((nr + 1) * sizeof *rows), *cols = mb_xmalloc((nc + 1) * sizeof *cols);
    size_t *rfill = mb_xmalloc(((size_t)ncomp + 1) * sizeof *rfill);
    size_t *cfill = mb_xmalloc(((size_t)ncomp + 1) * sizeof *cfill);
    memcpy(rfill, rstart, ((size_t)ncomp + 1) * sizeof *rfill);
    memcpy(cfill, cstart, ((size_t)ncomp + 1) * sizeof *cfill);
    for (size_t i = 0; i < nr; i++) {
        local[i] = (int)(rfill[comp[i]] - rstart[comp[i]]);
        rows[rfill[comp[i]]++] = (int)i;
    }
    for (size_t j = 0; j < nc; j++)
        if (lp->start[j] < lp->start[j + 1])
            cols[cfill[comp[lp->index[lp->start[j]]]]++] = (int)j;
    /* Largest parts first, shared out to the workers as they finish. */
    int *order = mb_xmalloc(((size_t)ncomp + 1) * sizeof *order);
    for (int c = 0; c < ncomp; c++)
        order[c] = c;
    sort_sizes = rstart;
    qsort(order, (size_t)ncomp, sizeof *order, by_size_desc);
    sort_sizes = NULL;
    struct parts job = { lp, mode, pg, nthreads, rows, cols, rstart, cstart, local, order,
                         ncomp, res, 0, 0, PTHREAD_MUTEX_INITIALIZER, { 0 } };
    if (nthreads > ncomp)
        nthreads = ncomp;
    pthread_t th[8];
    int started = 0;
    for (int k = 1; k < nthreads; k++)
        if (pthread_create(&th[started], NULL, parts_worker, &job) == 0)
            started++;
    parts_work(&job, true);
    for (int k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    pthread_mutex_destroy(&job.lock);
    free(order);
    int rc = job.rc;
    if (rc && err)
        *err = job.err;
    free(rows);
    free(cols);
    free(rfill);
    free(cfill);
    free(rstart);
    free(cstart);
    free(comp);
    free(local);
    /* Columns in no row belong to no part: each at its cheaper bound. */
    for (size_t c = 0; c < nc && !rc; c++)
        if (lp->start[c] == lp->start[c + 1] &&
            (rc = mb_lp_lone_value(lp, c, &res->x[c], err)) == 0)
            res->objective += lp->obj[c] * res->x[c];
    if (rc) {
        free(res->x);
        res->x = NULL;
        return rc;
    }
    res->seconds = mb_clock_seconds() - t0;
    return 0;
}

bool mb_lp_bounds_empty(double lb, double ub)
{
    return lb > ub || lb == HUGE_VAL || ub == -HUGE_VAL;
}

int mb_lp_lone_value(const struct mb_lp *lp, size_t j, double *x, struct mb_error *err)
{
    double lb = lp->collb[j], ub = lp->colub[j], c = lp->obj[j];
    *x = c > 0 ? lb : c < 0 ? ub : lb > 0 ? lb : ub < 0 ? ub : 0;
    if (mb_lp_bounds_empty(lb, ub))
        return mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                            "infeasible (column %zu has lower bound above upper)", j);
    if (!isfinite(*x))
        return mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: "
                            "unbounded (column %zu)", j);
    return 0;
}

static void default_name(char prefix, size_t i, char *buf)
{
    snprintf(buf, 64, "%c%zu", prefix, i);
}

/* CPLEX LP: at most 255 characters a line; numbers with 17 significant
 * digits so the file is the model, not an approximation of it. */
int mb_lp_write(const struct mb_lp *lp, FILE *f, mb_lp_namer name_col,
                mb_lp_namer name_row, const void *ctx)
{
    char name[64];
    size_t *rowcount = mb_xcalloc(lp->nrows + 1, sizeof *rowcount);
    fprintf(f, "\\ massebank planning model: %zu rows, %zu columns\nMinimize\n obj:",
            lp->nrows, lp->ncols);
    size_t len = 5;
    for (size_t j = 0; j < lp->ncols; j++) {
        if (lp->obj[j] == 0)
            continue;
        name_col ? name_col(ctx, j, name) : default_name('x', j, name);
        len += (size_t)fprintf(f, " %+.17g %s", lp->obj[j], name);
        if (len > 200) {
            fprintf(f, "\n");
            len = 0;
        }
    }
    fprintf(f, "\nSubject To\n");
    /* Transpose to rows. */
    for (size_t k = 0; k < lp->nnz; k++)
        rowcount[lp->index[k] + 1]++;
    for (size_t i = 0; i < lp->nrows; i++)
        rowcount[i + 1] += rowcount[i];
    int *rcol = mb_xmalloc((lp->nnz + 1) * sizeof *rcol);
    double *rval = mb_xmalloc((lp->nnz + 1) * sizeof *rval);
    size_t *fill = mb_xmalloc((lp->nrows + 1) * sizeof *fill);
    memcpy(fill, rowcount, (lp->nrows + 1) * sizeof *fill);
    for (size_t j = 0; j < lp->ncols; j++)
        for (int k = lp->start[j]; k < lp->start[j + 1]; k++) {
            size_t r = (size_t)lp->index[k];
            rcol[fill[r]] = (int)j;
            rval[fill[r]] = lp->value[k];
            fill[r]++;
        }
    for (size_t i = 0; i < lp->nrows; i++) {
        if (rowcount[i] == rowcount[i + 1])
            continue; /* an empty row constrains nothing */
        double lb = lp->rowlb[i], ub = lp->rowub[i];
        for (int pass = 0; pass < 2; pass++) {
            /* A ranged row becomes two rows, "<=" and ">=". */
            const char *sense;
            double rhs;
            if (lb == ub) {
                if (pass)
                    break;
                sense = "=";
                rhs = lb;
            } else if (pass == 0) {
                if (!isfinite(ub))
                    continue;
                sense = "<=";
                rhs = ub;
            } else {
                if (!isfinite(lb))
                    continue;
                sense = ">=";
                rhs = lb;
            }
            name_row ? name_row(ctx, i, name) : default_name('r', i, name);
            len = (size_t)fprintf(f, " %s%s:", name, pass ? "_lo" : "");
            for (size_t k = rowcount[i]; k < rowcount[i + 1]; k++) {
                char cn[64];
                name_col ? name_col(ctx, (size_t)rcol[k], cn)
                         : default_name('x', (size_t)rcol[k], cn);
                len += (size_t)fprintf(f, " %+.17g %s", rval[k], cn);
                if (len > 200) {
                    fprintf(f, "\n");
                    len = 0;
                }
            }
            fprintf(f, " %s %.17g\n", sense, rhs);
        }
    }
    fprintf(f, "Bounds\n");
    for (size_t j = 0; j < lp->ncols; j++) {
        name_col ? name_col(ctx, j, name) : default_name('x', j, name);
        double lb = lp->collb[j], ub = lp->colub[j];
        if (lb == 0 && !isfinite(ub))
            continue; /* the LP format's default */
        if (!isfinite(lb) && !isfinite(ub))
            fprintf(f, " %s free\n", name);
        else if (lb == ub)
            fprintf(f, " %s = %.17g\n", name, lb);
        else if (!isfinite(ub))
            fprintf(f, " %s >= %.17g\n", name, lb);
        else if (!isfinite(lb))
            fprintf(f, " -inf <= %s <= %.17g\n", name, ub);
        else
            fprintf(f, " %.17g <= %s <= %.17g\n", lb, name, ub);
    }
    fprintf(f, "End\n");
    free(rcol);
    free(rval);
    free(fill);
    free(rowcount);
    return ferror(f) ? MB_EIO : 0;
}
