/*
 * siting_mip.c - which candidate storage sites and plants to open, as a
 * mixed-integer program solved by Cbc (see siting.h, docs/siting.md).
 *
 * The scenario's own model (model.h) with every candidate in it, and per
 * candidate c a binary y_c with its own cost (per year over the horizon,
 * the opening, its CO2 at the CO2 price) in the objective:
 *   - each of its capacity rows (a storage's stock, a plant's monthly
 *     input) becomes  sum - capacity x y_c <= 0: closed, no capacity;
 *   - its intake over the horizon is at most M x y_c, M the tonnes of all
 *     sources and needs (no optimal plan moves more through one site):
 *     closed, nothing passes through it within a month either;
 *   - sum of y_c <= k.
 * Cbc solves the LP relaxation first and branches from it; the choice is
 * then valued by plans of it (mb_siting_evaluate), so its figures are
 * those of mb_siting_run's for the same choice.
 */
#include "plan/siting.h"

#include <coin/Cbc_C_Interface.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "plan/model.h"

int mb_siting_mip(const char *scenario, size_t scenario_len, const struct mb_candidates *c,
                  int max_open, double seconds, struct mb_siting *out, double *gap,
                  struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    *gap = 0;
    if (max_open < 1 || (size_t)max_open > c->n)
        return mb_error_set(err, MB_EINVAL, "max", "must be 1 to %zu, the number of "
                            "candidates", c->n);
    struct mb_scenario s;
    int rc = mb_siting_scenario(scenario, scenario_len, c, ((uint64_t)1 << c->n) - 1, &s, err);
    if (rc)
        return rc;
    if (s.objective != MB_OBJECTIVE_COST) {
        mb_scenario_release(&s);
        return mb_error_set(err, MB_EINVAL, "objective", "siting weighs cost with CO2 at its "
                            "price: the scenario's objective must be cost");
    }
    struct mb_model m;
    if ((rc = mb_model_build(&m, &s, err)) != 0) {
        mb_scenario_release(&s);
        return rc;
    }
    const struct mb_lp *lp = &m.lp;
    double years = mb_scenario_months(&s) / 12.0, price = s.co2_price_nok_per_t;
    double big = 0;
    for (size_t i = 0; i < s.nsites; i++)
        if (s.sites[i].kind == MB_SITE_SOURCE || s.sites[i].kind == MB_SITE_NEED)
            big += s.sites[i].amount_t;
    Cbc_Model *cbc = Cbc_newModel();
    Cbc_setLogLevel(cbc, 0);
    Cbc_loadProblem(cbc, (int)lp->ncols, (int)lp->nrows, lp->start, lp->index, lp->value,
                    lp->collb, lp->colub, lp->obj, lp->rowlb, lp->rowub);
    int *rows = mb_xmalloc((lp->nrows + 1) * sizeof *rows);
    int *cols = mb_xmalloc((lp->ncols + c->n + 1) * sizeof *cols);
    double *vals = mb_xmalloc((lp->ncols + lp->nrows + c->n + 1) * sizeof *vals);
    int *ycol = mb_xmalloc((c->n + 1) * sizeof *ycol);
    for (size_t k = 0; k < c->n; k++) {
        long site = -1;
        for (size_t i = 0; i < s.nsites; i++)
            if (strcmp(s.sites[i].id, c->items[k].id) == 0)
                site = (long)i;
        /* Its capacity rows: the capacity moves to y. */
        int nr = 0;
        for (size_t r = 0; r < lp->nrows; r++) {
            const struct mb_row_info *ri = &m.rows[r];
            if (ri->site == site &&
                (ri->kind == MB_ROW_STORAGE_CAP || ri->kind == MB_ROW_PLANT_CAP)) {
                rows[nr] = (int)r;
                vals[nr++] = -lp->rowub[r];
                Cbc_setRowUpper(cbc, (int)r, 0);
            }
        }
        double nok = c->items[k].nok_per_year * years + c->items[k].opening_nok +
                     price * c->items[k].co2_kg_per_year * years / 1000.0;
        ycol[k] = Cbc_getNumCols(cbc);
        char name[80];
        snprintf(name, sizeof name, "open_%zu", k);
        Cbc_addCol(cbc, name, 0, 1, nok, 1, nr, rows, vals);
        /* Its intake: nothing while closed. */
        int nc = 0;
        for (size_t j = 0; j < lp->ncols; j++)
            if (m.cols[j].kind == MB_COL_FLOW && m.cols[j].to == site) {
                cols[nc] = (int)j;
                vals[nc++] = 1;
            }
        cols[nc] = ycol[k];
        vals[nc++] = -big;
        snprintf(name, sizeof name, "intake_%zu", k);
        Cbc_addRow(cbc, name, nc, cols, vals, 'L', 0);
    }
    for (size_t k = 0; k < c->n; k++)
        vals[k] = 1;
    Cbc_addRow(cbc, "at_most_k", (int)c->n, ycol, vals, 'L', max_open);
    if (seconds > 0)
        Cbc_setMaximumSeconds(cbc, seconds);
    Cbc_solve(cbc);
    bool *open = mb_xcalloc(c->n + 1, sizeof *open);
    bool solved = Cbc_numberSavedSolutions(cbc) > 0 || Cbc_isProvenOptimal(cbc);
    if (!solved) {
        rc = mb_error_set(err, MB_EINTERNAL, "siting", "Cbc found no choice within %.0f s "
                          "(status %d)", seconds, Cbc_status(cbc));
    } else {
        const double *x = Cbc_getColSolution(cbc);
        for (size_t k = 0; k < c->n; k++)
            open[k] = x[ycol[k]] > 0.5;
        double best = Cbc_getObjValue(cbc), bound = Cbc_getBestPossibleObjValue(cbc);
        *gap = Cbc_isProvenOptimal(cbc) ? 0 : fabs(best - bound) / fmax(1, fabs(best));
    }
    Cbc_deleteModel(cbc);
    free(rows);
    free(cols);
    free(vals);
    free(ycol);
    mb_model_release(&m);
    mb_scenario_release(&s);
    if (!rc)
        rc = mb_siting_evaluate(scenario, scenario_len, c, open, max_open, out, err);
    /* An opened candidate that saves nothing (its cost and what it brings
     * both nil, a tie) is not a recommendation: closed, as the enumeration
     * closes it (a smaller set wins a tie). */
    bool tie = false;
    for (size_t k = 0; !rc && k < c->n; k++)
        if (open[k] && out->saving[k] <= 1e-9 * fmax(1.0, fabs(out->value))) {
            open[k] = false;
            tie = true;
        }
    if (!rc && tie) {
        mb_siting_release(out);
        rc = mb_siting_evaluate(scenario, scenario_len, c, open, max_open, out, err);
    }
    if (!rc) {
        out->mip = true;
        out->gap = *gap;
    }
    free(open);
    return rc;
}
