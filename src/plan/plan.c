/*
 * plan.c - plan a scenario: build the model, solve it, read the flows back,
 * run the baseline and compare (see plan.h). Totals of the plan and of the
 * baseline go through the same function, so the savings compare like with
 * like.
 */
#include "plan/plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "plan/baseline.h"
#include "plan/model.h"

static void say(const struct mb_plan_options *opt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(const struct mb_plan_options *opt, const char *fmt, ...)
{
    if (!opt || !opt->progress)
        return;
    char line[256];
    struct mb_words w;
    va_list ap;
    va_start(ap, fmt);
    mb_words_vformat(line, sizeof line, &w, fmt, ap);
    va_end(ap);
    opt->progress(line, &w, opt->progress_ctx);
}

/* A month's figures, at the central values: its flows as the planner
 * valued them, and what left or entered the region. */
static void add_flow_totals(const struct mb_scenario *s, const struct mb_flow *f,
                            struct mb_totals *t)
{
    const struct mb_site *from = &s->sites[f->from], *to = &s->sites[f->to];
    double er = s->factors.v[MB_F_EMPTY_RETURN].central;
    double nok_t, co2_t;
    mb_scenario_haul(s, f->from, f->to, NULL, &nok_t, &co2_t);
    double transport = f->t * co2_t;
    double production = from->kind == MB_SITE_QUARRY
                            ? f->t * mb_quarry_co2(s, from, f->material) : 0;
    t->cost_nok += f->cost_nok;
    t->co2_kg += f->co2_kg;
    t->co2_transport_kg += transport;
    t->co2_production_kg += production;
    t->co2_handling_kg += f->co2_kg - transport - production;
    t->tonne_km += f->t * f->km;
    t->truckloads += f->truckloads;
    t->movements += f->truckloads * (1 + er);
    t->vehicle_km += f->truckloads * f->km * (1 + er);
    if (to->kind == MB_SITE_LANDFILL) {
        t->landfill_t += f->t;
        t->landfill_all_t += f->t;
        t->landfill_fm3 += f->t / s->catalog.items[f->material].density;
        t->landfill_pm3 += f->t * s->catalog.items[f->material].placed /
                           s->catalog.items[f->material].density;
    }
    if (from->kind == MB_SITE_QUARRY)
        t->virgin_t += f->t;
    else if (to->kind == MB_SITE_NEED)
        t->reused_t += f->t;
}

static void finish(const struct mb_scenario *s, struct mb_totals *t)
{
    t->objective = t->cost_nok + s->co2_price_nok_per_t * t->co2_kg / 1000.0;
}

static void difference(const struct mb_totals *a, const struct mb_totals *b,
                       struct mb_totals *d)
{
    const double *x = (const double *)a, *y = (const double *)b;
    double *z = (double *)d;
    for (size_t i = 0; i < sizeof *d / sizeof(double); i++)
        z[i] = x[i] - y[i];
}

/* Flows below a milligram are solver noise, not masses. */
#define FLOW_EPS 1e-6

int mb_plan_run(const struct mb_scenario *s, const struct mb_plan_options *opt,
                struct mb_plan *plan, struct mb_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->nmonths = mb_scenario_months(s);
    plan->months = mb_xcalloc((size_t)plan->nmonths, sizeof *plan->months);
    plan->baseline_months = mb_xcalloc((size_t)plan->nmonths,
                                       sizeof *plan->baseline_months);
    double t0 = mb_clock_seconds();
    struct mb_model m;
    struct mb_whatif *w = opt ? opt->whatif : NULL;
    int rc = w ? mb_whatif_model(w, &m, s, &plan->delta_model, err) : mb_model_build(&m, s, err);
    if (rc)
        goto fail;
    plan->rows = m.lp.nrows;
    plan->cols = m.lp.ncols;
    plan->nonzeros = m.lp.nnz;
    plan->build_seconds = mb_clock_seconds() - t0;
    say(opt, "model: %zu rows, %zu columns, %zu nonzeros (built in %.2f s)",
        plan->rows, plan->cols, plan->nonzeros, plan->build_seconds);
    if (opt && opt->write_lp) {
        rc = mb_lp_write(&m.lp, opt->write_lp, mb_model_col_name, mb_model_row_name, &m);
        if (rc) {
            mb_error_set(err, rc, "--write-lp", "cannot write the LP file");
            goto fail_model;
        }
    }
    if (opt && opt->write_dimacs) {
        rc = mb_model_write_dimacs(&m, opt->write_dimacs, err);
        if (rc)
            goto fail_model;
    }
    say(opt, "solving...");
    struct mb_lp_result res;
    struct mb_lp_progress pg = { opt ? opt->progress : NULL, opt ? opt->progress_ctx : NULL };
    unsigned char *basis = NULL;
    double *y = NULL;
    if (w) {
        double *y0;
        unsigned char *warm = mb_whatif_start(w, &m, &y0, &plan->warm_matched);
        rc = mb_lp_solve_basis(&m.lp, warm, y0, &pg, &res, &basis, &y, err);
        free(warm);
        free(y0);
    } else {
        rc = mb_lp_solve(&m.lp, opt ? (enum mb_pricing)opt->pricing : MB_PRICING_AUTO, &pg,
                         &res, err);
    }
    if (rc) {
        free(basis);
        free(y);
        goto fail_model;
    }
    plan->solve_seconds = res.seconds;
    plan->iterations = res.iterations;
    plan->components = res.components;
    plan->network_parts = res.network_parts;
    plan->solver_objective = res.objective;
    say(opt, "solved: optimum in %.2f s, %d iterations, %d independent part(s), %d "
        "pricing rounds, %zu of %zu columns used", res.seconds, res.iterations,
        res.components, res.rounds, res.working_cols,
        m.lp.ncols);

    size_t cap_f = 0, cap_u = 0, cap_v = 0;
    for (size_t j = 0; j < m.lp.ncols; j++) {
        double x = res.x[j];
        if (x <= FLOW_EPS)
            continue;
        const struct mb_col_info *c = &m.cols[j];
        int serial = s->from + c->t;
        switch (c->kind) {
        case MB_COL_FLOW: {
            plan->flows = mb_xgrow(plan->flows, &cap_f, plan->nflows + 1,
                                   sizeof *plan->flows);
            struct mb_flow *f = &plan->flows[plan->nflows++];
            *f = (struct mb_flow){ (size_t)c->from, (size_t)c->to, serial,
                                   m.comm[c->commodity].material,
                                   m.comm[c->commodity].cls, x, c->km,
                                   x * c->cost_nok, x * c->co2_kg,
                                   ceil(x / s->transport.payload_t - 1e-9) };
            mb_account_flow(&plan->activity, s, f->from, f->to, f->material, x, c->km);
            add_flow_totals(s, f, &plan->months[c->t]);
            break;
        }
        case MB_COL_UNPLACED:
            plan->unplaced = mb_xgrow(plan->unplaced, &cap_u, plan->nunplaced + 1,
                                      sizeof *plan->unplaced);
            plan->unplaced[plan->nunplaced] = (struct mb_shortfall){ (size_t)c->from, serial, x };
            mb_account_unplaced(&plan->activity, s, (size_t)c->from, x);
            mb_baseline_shortfall(s, &plan->unplaced[plan->nunplaced++], false,
                                  &plan->months[c->t]);
            plan->totals.unplaced_t += x;
            break;
        case MB_COL_UNMET:
            plan->unmet = mb_xgrow(plan->unmet, &cap_v, plan->nunmet + 1,
                                   sizeof *plan->unmet);
            plan->unmet[plan->nunmet] = (struct mb_shortfall){ (size_t)c->from, serial, x };
            mb_account_unmet(&plan->activity, s, (size_t)c->from, x);
            mb_baseline_shortfall(s, &plan->unmet[plan->nunmet++], true, &plan->months[c->t]);
            plan->totals.unmet_t += x;
            break;
        case MB_COL_STOCK:
            mb_account_stock(&plan->activity, s, (size_t)c->from, x);
            plan->months[c->t].cost_nok += x * c->cost_nok;
            break;
        }
    }
    free(res.x);
    if (w) /* the model and its basis, for the next plan */
        mb_whatif_keep(w, &m, basis, y);
    free(basis);
    free(y);
    mb_model_release(&m);

    /* The whole horizon: the plan, then today's practice, valued by the
     * same accounting at the central values. */
    double xc[MB_F_COUNT];
    mb_factors_central(&s->factors, xc);
    mb_account_value(&plan->activity, s, xc, &plan->totals);
    finish(s, &plan->totals);
    for (int t = 0; t < plan->nmonths; t++)
        finish(s, &plan->months[t]);
    if (opt && opt->no_baseline)
        return 0;
    double tb = mb_clock_seconds();
    mb_baseline_run(s, plan);
    for (size_t i = 0; i < plan->nbaseline_flows; i++) {
        const struct mb_flow *f = &plan->baseline_flows[i];
        mb_account_flow(&plan->baseline_activity, s, f->from, f->to, f->material, f->t,
                        f->km);
        add_flow_totals(s, f, &plan->baseline_months[f->month - s->from]);
    }
    mb_account_value(&plan->baseline_activity, s, xc, &plan->baseline);
    finish(s, &plan->baseline);
    for (int t = 0; t < plan->nmonths; t++)
        finish(s, &plan->baseline_months[t]);
    difference(&plan->baseline, &plan->totals, &plan->savings);
    say(opt, "baseline (today's practice) in %.2f s", mb_clock_seconds() - tb);
    int draws = opt && opt->draws ? opt->draws : MB_UNCERTAINTY_DRAWS;
    if (draws > 0) {
        mb_uncertainty_run(s, &plan->activity, &plan->baseline_activity, draws,
                           opt && opt->seed ? opt->seed : MB_UNCERTAINTY_SEED,
                           &plan->uncertainty);
        say(opt, "ranges (%d draws) and sensitivity in %.2f s", draws,
            plan->uncertainty.seconds);
    }
    return 0;
fail_model:
    mb_model_release(&m);
fail:
    mb_plan_release(plan);
    return rc;
}

void mb_plan_release(struct mb_plan *plan)
{
    if (!plan)
        return;
    free(plan->flows);
    free(plan->months);
    free(plan->baseline_months);
    free(plan->unplaced);
    free(plan->baseline_unplaced);
    free(plan->unmet);
    free(plan->baseline_flows);
    mb_account_release(&plan->activity);
    mb_account_release(&plan->baseline_activity);
    memset(plan, 0, sizeof *plan);
}
