/*
 * uncertainty.c - Monte Carlo ranges and one-at-a-time sensitivity of a
 * fixed plan's savings (see uncertainty.h).
 */
#include "plan/uncertainty.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/splitmix.h"
#include "plan/account.h"
#include "plan/plan.h"

static const char *const metric_names[MB_M_COUNT] = { "co2_kg", "cost_nok", "truckloads",
    "movements", "tonne_km", "landfill_fm3", "virgin_t", "out_of_region_co2_kg",
    "landfill_all_t" };

const char *mb_metric_name(enum mb_metric m)
{
    return m < MB_M_COUNT ? metric_names[m] : "";
}

double mb_metric_value(const struct mb_totals *t, enum mb_metric m)
{
    switch (m) {
    case MB_M_CO2: return t->co2_kg;
    case MB_M_COST: return t->cost_nok;
    case MB_M_TRUCKLOADS: return t->truckloads;
    case MB_M_MOVEMENTS: return t->movements;
    case MB_M_TONNE_KM: return t->tonne_km;
    case MB_M_LANDFILL_FM3: return t->landfill_fm3;
    case MB_M_VIRGIN_T: return t->virgin_t;
    case MB_M_CO2_OUTSIDE: return t->overflow_co2_kg;
    case MB_M_LANDFILL_ALL: return t->landfill_all_t;
    default: return 0;
    }
}

/* A uniform number in (0, 1): never 0, as the inverse CDF wants. */
static double uniform(uint64_t *state)
{
    return ((double)(mb_splitmix_next(state) >> 11) + 0.5) / 9007199254740992.0;
}

/* Inverse CDF of the triangular distribution (a <= c <= b) at u. */
static double triangular(double a, double c, double b, double u)
{
    if (b <= a)
        return c;
    double fc = (c - a) / (b - a);
    if (u < fc)
        return a + sqrt(u * (b - a) * (c - a));
    return b - sqrt((1 - u) * (b - a) * (b - c));
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The p-quantile of sorted v[0..n), linear between order statistics. */
static double quantile(const double *v, int n, double p)
{
    double h = (n - 1) * p;
    int i = (int)floor(h);
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (h - i) * (v[i + 1] - v[i]);
}

static void value_both(const struct mb_scenario *s, const struct mb_activity *plan,
                       const struct mb_activity *base, const double *x,
                       struct mb_totals *tp, struct mb_totals *tb)
{
    memset(tp, 0, sizeof *tp);
    memset(tb, 0, sizeof *tb);
    mb_account_value(plan, s, x, tp);
    mb_account_value(base, s, x, tb);
}

static int cmp_swing(const void *x, const void *y)
{
    const struct mb_swing *a = x, *b = y;
    double sa = fabs(a->at_high - a->at_low), sb = fabs(b->at_high - b->at_low);
    if (sa != sb)
        return sa < sb ? 1 : -1;
    return a->factor - b->factor;
}

void mb_uncertainty_run(const struct mb_scenario *s, const struct mb_activity *plan,
                        const struct mb_activity *baseline, int draws,
                        unsigned long long seed, struct mb_uncertainty *u)
{
    double t0 = mb_clock_seconds();
    memset(u, 0, sizeof *u);
    u->draws = draws;
    u->seed = seed;
    const struct mb_factors *f = &s->factors;
    double xc[MB_F_COUNT];
    mb_factors_central(f, xc);
    struct mb_totals tp, tb;
    value_both(s, plan, baseline, xc, &tp, &tb);
    double central[3][MB_M_COUNT];
    for (int m = 0; m < MB_M_COUNT; m++) {
        central[0][m] = mb_metric_value(&tb, m) - mb_metric_value(&tp, m);
        central[1][m] = mb_metric_value(&tp, m);
        central[2][m] = mb_metric_value(&tb, m);
    }
    /* Monte Carlo: every factor with a range drawn on every draw. */
    double *v = mb_xmalloc((size_t)draws * 3 * MB_M_COUNT * sizeof *v);
    uint64_t state = seed;
    for (int d = 0; d < draws; d++) {
        double x[MB_F_COUNT];
        for (int i = 0; i < MB_F_COUNT; i++)
            x[i] = triangular(f->v[i].low, f->v[i].central, f->v[i].high, uniform(&state));
        value_both(s, plan, baseline, x, &tp, &tb);
        for (int m = 0; m < MB_M_COUNT; m++) {
            double a = mb_metric_value(&tp, m), b = mb_metric_value(&tb, m);
            v[((size_t)0 * MB_M_COUNT + m) * draws + d] = b - a;
            v[((size_t)1 * MB_M_COUNT + m) * draws + d] = a;
            v[((size_t)2 * MB_M_COUNT + m) * draws + d] = b;
        }
    }
    struct mb_band *out[3] = { u->saving, u->plan, u->baseline };
    for (int k = 0; k < 3; k++)
        for (int m = 0; m < MB_M_COUNT; m++) {
            double *col = &v[((size_t)k * MB_M_COUNT + m) * draws];
            qsort(col, (size_t)draws, sizeof *col, cmp_double);
            out[k][m] = (struct mb_band){ quantile(col, draws, 0.05), central[k][m],
                                          quantile(col, draws, 0.95) };
        }
    free(v);
    /* One at a time: each factor with a range at its low, then its high. */
    for (int i = 0; i < MB_F_COUNT; i++) {
        if (!(f->v[i].low < f->v[i].high))
            continue;
        double lo[MB_M_COUNT], hi[MB_M_COUNT];
        double x[MB_F_COUNT];
        memcpy(x, xc, sizeof x);
        x[i] = f->v[i].low;
        value_both(s, plan, baseline, x, &tp, &tb);
        for (int m = 0; m < MB_M_COUNT; m++)
            lo[m] = mb_metric_value(&tb, m) - mb_metric_value(&tp, m);
        x[i] = f->v[i].high;
        value_both(s, plan, baseline, x, &tp, &tb);
        for (int m = 0; m < MB_M_COUNT; m++) {
            hi[m] = mb_metric_value(&tb, m) - mb_metric_value(&tp, m);
            if (fabs(hi[m] - lo[m]) > 1e-9 * (1 + fabs(central[0][m])))
                u->swing[m][u->nswing[m]++] = (struct mb_swing){ i, lo[m], hi[m] };
        }
    }
    for (int m = 0; m < MB_M_COUNT; m++) {
        qsort(u->swing[m], (size_t)u->nswing[m], sizeof *u->swing[m], cmp_swing);
    }
    u->seconds = mb_clock_seconds() - t0;
}
