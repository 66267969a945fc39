/*
 * lp.c - building an LP, solving it with Clp's C interface, writing it in
 * CPLEX LP format (see lp.h).
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
    memset(lp, 0, sizeof *lp);
}

int mb_lp_add_row(struct mb_lp *lp, double lb, double ub)
{
    if (lp->nrows + 1 > lp->cap_rows) {
        lp->cap_rows = lp->cap_rows ? 2 * lp->cap_rows : 64;
        lp->rowlb = mb_xrealloc(lp->rowlb, lp->cap_rows * sizeof *lp->rowlb);
        lp->rowub = mb_xrealloc(lp->rowub, lp->cap_rows * sizeof *lp->rowub);
    }
    lp->rowlb[lp->nrows] = lb;
    lp->rowub[lp->nrows] = ub;
    return (int)lp->nrows++;
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
    lp->start[lp->ncols + 1] = (int)lp->nnz;
    return (int)lp->ncols++;
}

void mb_lp_pin(struct mb_lp *lp, int col)
{
    lp->pinned[col] = 1;
}

/* Columns per row taken into the first working set. */
#define CHEAPEST_PER_ROW 3
/* Below this many columns the whole LP goes to Clp at once. */
#define PRICING_MIN_COLS 20000
/* A column joins when its reduced cost is below -PRICE_TOL. */
#define PRICE_TOL 1e-7

/* Sort column indexes by cost. qsort has no context argument, so the
 * costs are passed in a thread-local pointer, set around each call:
 * independent parts are solved on several threads at once. */
static _Thread_local const double *sort_costs;

static int by_cost(const void *a, const void *b)
{
    double x = sort_costs[*(const int *)a], y = sort_costs[*(const int *)b];
    if (x != y)
        return x < y ? -1 : 1;
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
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
static void report(const struct mb_lp_progress *pg, double *last, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void report(const struct mb_lp_progress *pg, double *last, const char *fmt, ...)
{
    if (!pg || !pg->fn || mb_clock_seconds() - *last < 2.0)
        return;
    *last = mb_clock_seconds();
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pg->fn(line, pg->ctx);
}

static int solve_one(const struct mb_lp *lp, enum mb_pricing mode,
                     const struct mb_lp_progress *pg, double *last,
                     struct mb_lp_result *res, struct mb_error *err)
{
    memset(res, 0, sizeof *res);
    double t0 = mb_clock_seconds();
    size_t nc = lp->ncols, nr = lp->nrows;
    int *slot_of = mb_xmalloc((nc + 1) * sizeof *slot_of);
    int *col_of = mb_xmalloc((nc + 1) * sizeof *col_of);
    int *pick = mb_xmalloc((nc + 1) * sizeof *pick);
    size_t npick = 0, nwork = 0;
    for (size_t j = 0; j < nc; j++)
        slot_of[j] = -1;
    bool pricing = mode == MB_PRICING_ALWAYS ||
                   (mode == MB_PRICING_AUTO && nc >= PRICING_MIN_COLS);
    if (!pricing) {
        for (size_t j = 0; j < nc; j++)
            pick[npick++] = (int)j;
    } else {
        /* Pinned columns, and the cheapest few of every row. */
        size_t *rstart = mb_xcalloc(nr + 2, sizeof *rstart);
        for (size_t e = 0; e < lp->nnz; e++)
            rstart[lp->index[e] + 2]++;
        for (size_t i = 0; i < nr; i++)
            rstart[i + 2] += rstart[i + 1];
        int *rcol = mb_xmalloc((lp->nnz + 1) * sizeof *rcol);
        for (size_t j = 0; j < nc; j++)
            for (int e = lp->start[j]; e < lp->start[j + 1]; e++)
                rcol[rstart[lp->index[e] + 1]++] = (int)j;
        unsigned char *in = mb_xcalloc(nc + 1, 1);
        for (size_t j = 0; j < nc; j++)
            if (lp->pinned[j])
                in[j] = 1;
        sort_costs = lp->obj;
        for (size_t i = 0; i < nr; i++) {
            int *c = rcol + rstart[i];
            size_t n = rstart[i + 1] - rstart[i];
            qsort(c, n, sizeof *c, by_cost);
            for (size_t k = 0; k < n && k < CHEAPEST_PER_ROW; k++)
                in[c[k]] = 1;
        }
        sort_costs = NULL;
        for (size_t j = 0; j < nc; j++)
            if (in[j])
                pick[npick++] = (int)j;
        free(in);
        free(rcol);
        free(rstart);
    }
    Clp_Simplex *m = Clp_newModel();
    Clp_setLogLevel(m, 0);
    /* Rows first, with no columns; then the working set. */
    CoinBigIndex zero = 0;
    Clp_loadProblem(m, 0, (int)nr, &zero, NULL, NULL, NULL, NULL, NULL, lp->rowlb,
                    lp->rowub);
    add_working(m, lp, pick, npick, slot_of, col_of, &nwork);
    Clp_dual(m, 0);
    int status = Clp_status(m);
    res->iterations = Clp_numberIterations(m);
    res->rounds = 0;
    while (pricing && status == 0) {
        const double *y = Clp_getRowPrice(m);
        npick = 0;
        for (size_t j = 0; j < nc; j++) {
            if (slot_of[j] >= 0)
                continue;
            double rc = lp->obj[j];
            for (int e = lp->start[j]; e < lp->start[j + 1]; e++)
                rc -= lp->value[e] * y[lp->index[e]];
            if (rc < -PRICE_TOL * (1 + fabs(lp->obj[j])))
                pick[npick++] = (int)j;
        }
        if (npick == 0)
            break;
        res->rounds++;
        report(pg, last, "pricing round %d: %zu columns join the %zu in use", res->rounds,
               npick, nwork);
        add_working(m, lp, pick, npick, slot_of, col_of, &nwork);
        Clp_primal(m, 0);
        status = Clp_status(m);
        res->iterations += Clp_numberIterations(m);
    }
    if (status != 0) {
        Clp_deleteModel(m);
        free(slot_of);
        free(col_of);
        free(pick);
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
    Clp_deleteModel(m);
    free(slot_of);
    free(col_of);
    free(pick);
    res->seconds = mb_clock_seconds() - t0;
    return 0;
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

/* Sorting part indexes by row count, largest first (a thread-local
 * pointer, as for by_cost). */
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
    for (size_t k = j->rstart[c]; k < j->rstart[c + 1]; k++)
        mb_lp_add_row(&sub, lp->rowlb[j->rows[k]], lp->rowub[j->rows[k]]);
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
    int rc = solve_one(&sub, j->mode, pg, last, r, err);
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
        report(pg, &last, "part %d of %d (%zu rows)", k + 1, j->ncomp,
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
    if (ncomp <= 1) {
        free(comp);
        free(local);
        int rc = solve_one(lp, mode, pg, &last, res, err);
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
    struct parts job = { lp, mode, pg, rows, cols, rstart, cstart, local, order, ncomp,
                         res, 0, 0, PTHREAD_MUTEX_INITIALIZER, { 0 } };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = cores < 1 ? 1 : cores > 8 ? 8 : (int)cores;
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
    if (rc) {
        free(res->x);
        res->x = NULL;
        return rc;
    }
    res->seconds = mb_clock_seconds() - t0;
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
