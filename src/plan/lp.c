/*
 * lp.c - building an LP, solving it with Clp's C interface, writing it in
 * CPLEX LP format (see lp.h).
 */
#include "plan/lp.h"

#include <coin/Clp_C_Interface.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

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
    lp->collb[lp->ncols] = lb;
    lp->colub[lp->ncols] = ub;
    lp->start[lp->ncols + 1] = (int)lp->nnz;
    return (int)lp->ncols++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int mb_lp_solve(const struct mb_lp *lp, struct mb_lp_result *res,
                struct mb_error *err)
{
    memset(res, 0, sizeof *res);
    double t0 = now();
    Clp_Simplex *m = Clp_newModel();
    Clp_setLogLevel(m, 0);
    Clp_loadProblem(m, (int)lp->ncols, (int)lp->nrows, lp->start, lp->index,
                    lp->value, lp->collb, lp->colub, lp->obj, lp->rowlb, lp->rowub);
    Clp_dual(m, 0);
    int status = Clp_status(m);
    if (status != 0) {
        Clp_deleteModel(m);
        static const char *const why[] = { "optimal", "infeasible", "unbounded",
            "stopped on iterations or time", "stopped on difficulties" };
        return mb_error_set(err, MB_EINVAL, "model", "the solver found no optimum: %s",
                            status >= 0 && status <= 4 ? why[status] : "unknown status");
    }
    res->objective = Clp_objectiveValue(m);
    res->iterations = Clp_numberIterations(m);
    res->x = mb_xmalloc((lp->ncols ? lp->ncols : 1) * sizeof *res->x);
    memcpy(res->x, Clp_getColSolution(m), lp->ncols * sizeof *res->x);
    Clp_deleteModel(m);
    res->seconds = now() - t0;
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
