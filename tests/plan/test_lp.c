/*
 * test_lp.c - the LP layer on its own: independent parts solved on several
 * threads with column generation must give exactly the sum of the parts'
 * optima, whatever the order the threads take them in; the warm start
 * from blocks and the columns left out as dominated must not change the
 * optimum either.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/lp.h"

/* One small transportation part: 4 supplies, 4 demands, 16 arcs, slack at
 * a penalty (pinned). Costs differ by `shift` so parts are not identical. */
static void add_part(struct mb_lp *lp, int shift)
{
    int base = (int)lp->nrows;
    for (int i = 0; i < 8; i++) {
        double amount = 10 + (i * 7 + shift) % 13;
        mb_lp_add_row(lp, amount, amount);
    }
    for (int s = 0; s < 4; s++)
        for (int d = 0; d < 4; d++) {
            int rows[2] = { base + s, base + 4 + d };
            double vals[2] = { 1, 1 };
            double cost = 1 + ((s * 5 + d * 3 + shift) % 11);
            mb_lp_add_col(lp, cost, 0, HUGE_VAL, 2, rows, vals);
        }
    for (int i = 0; i < 8; i++) {
        int row = base + i;
        double one = 1;
        mb_lp_pin(lp, mb_lp_add_col(lp, 1e6, 0, HUGE_VAL, 1, &row, &one));
    }
}

static double solve(struct mb_lp *lp, enum mb_pricing mode, int *components)
{
    struct mb_lp_result r;
    struct mb_error err;
    cr_assert_eq(mb_lp_solve(lp, mode, NULL, &r, &err), 0, "%s", err.message);
    *components = r.components;
    free(r.x);
    return r.objective;
}

Test(lp, many_parts_on_threads_with_pricing)
{
    double sum = 0;
    int comps;
    for (int k = 0; k < 400; k++) {
        struct mb_lp one;
        mb_lp_init(&one);
        add_part(&one, k % 17);
        sum += solve(&one, MB_PRICING_NEVER, &comps);
        mb_lp_release(&one);
    }
    for (int round = 0; round < 8; round++) {
        struct mb_lp all;
        mb_lp_init(&all);
        for (int k = 0; k < 400; k++)
            add_part(&all, k % 17);
        double whole = solve(&all, round % 4 ? MB_PRICING_ALWAYS : MB_PRICING_NEVER, &comps);
        cr_assert_eq(comps, 400);
        cr_assert(fabs(whole - sum) <= 1e-9 * sum, "round %d: %f vs %f", round, whole, sum);
        mb_lp_release(&all);
    }
}

Test(lp, write_names_every_row_and_bound)
{
    struct mb_lp lp;
    mb_lp_init(&lp);
    add_part(&lp, 3);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(mb_lp_write(&lp, f, NULL, NULL, NULL), 0);
    fclose(f);
    cr_assert(strstr(buf, "Minimize") && strstr(buf, "Subject To") && strstr(buf, "End"));
    cr_assert(strstr(buf, " r0:") && strstr(buf, " r7:"), "%s", buf);
    free(buf);
    mb_lp_release(&lp);
}

/* A small deterministic generator (an LCG; quality does not matter). */
static double draw(unsigned long long *st)
{
    *st = *st * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*st >> 11) / 9007199254740992.0;
}

/* A multi-period model shaped like the planner's: per period, supply and
 * demand rows (equalities with pinned slack at a penalty), arcs between
 * them, cheap and dear "quarry" singletons on the demands (some with an
 * upper bound, so they must not dominate), "landfill" arcs from supplies
 * with a capacity row per group of periods (a linking row), and a store
 * whose stock columns cross from one period into the next. Blocks are
 * periods, starting at block number `offset`, in groups of `group`. */
static void add_periods(struct mb_lp *lp, int periods, int offset, int group,
                        unsigned long long seed)
{
    enum { NS = 9, ND = 8, NL = 3 };
    unsigned long long st = seed;
    mb_lp_set_group(lp, group);
    int ngroups = (offset + periods) / (group > 0 ? group : 1) + 1;
    int *cap = malloc((size_t)(ngroups * NL) * sizeof *cap);
    for (int k = 0; k < ngroups * NL; k++)
        cap[k] = mb_lp_add_row(lp, -HUGE_VAL, 150 + 300 * draw(&st));
    int prev_store = -1;
    for (int t = 0; t < periods; t++) {
        int b = offset + t, g = group > 0 ? b / group : 0;
        int sup[NS], dem[ND];
        for (int i = 0; i < NS; i++) {
            double a = 10 + 40 * draw(&st);
            sup[i] = mb_lp_add_row(lp, a, a);
            mb_lp_set_block(lp, sup[i], b);
        }
        for (int i = 0; i < ND; i++) {
            double a = 10 + 40 * draw(&st);
            dem[i] = mb_lp_add_row(lp, a, a);
            mb_lp_set_block(lp, dem[i], b);
        }
        int store = mb_lp_add_row(lp, 0, 0);
        mb_lp_set_block(lp, store, b);
        double one = 1;
        for (int i = 0; i < NS; i++)
            mb_lp_pin(lp, mb_lp_add_col(lp, 1e6, 0, HUGE_VAL, 1, &sup[i], &one));
        for (int i = 0; i < ND; i++) {
            mb_lp_pin(lp, mb_lp_add_col(lp, 1e6, 0, HUGE_VAL, 1, &dem[i], &one));
            for (int q = 0; q < 3; q++) /* quarries, sometimes equally dear */
                mb_lp_add_col(lp, 200 + 10 * (int)(3 * draw(&st)), 0, HUGE_VAL, 1, &dem[i],
                              &one);
            mb_lp_add_col(lp, 100, 0, 5, 1, &dem[i], &one); /* cheap but limited */
        }
        for (int i = 0; i < NS; i++) {
            for (int d = 0; d < ND; d++) {
                if (draw(&st) < 0.4)
                    continue;
                int rows[2] = { sup[i], dem[d] };
                double vals[2] = { 1, 1 };
                mb_lp_add_col(lp, 5 + 100 * draw(&st), 0, HUGE_VAL, 2, rows, vals);
            }
            for (int l = 0; l < NL; l++) {
                int rows[2] = { sup[i], cap[g * NL + l] };
                double vals[2] = { 1, 0.5 + draw(&st) };
                mb_lp_add_col(lp, 80 + 100 * draw(&st), 0, HUGE_VAL, 2, rows, vals);
            }
            int rows[2] = { sup[i], store }; /* into the store */
            double vals[2] = { 1, 1 };
            mb_lp_add_col(lp, 20 + 20 * draw(&st), 0, HUGE_VAL, 2, rows, vals);
        }
        for (int d = 0; d < ND; d++) { /* out of the store */
            int rows[2] = { store, dem[d] };
            double vals[2] = { -1, 1 };
            mb_lp_add_col(lp, 10 + 20 * draw(&st), 0, HUGE_VAL, 2, rows, vals);
        }
        if (prev_store >= 0) { /* stock carried from the last period */
            int rows[2] = { prev_store, store };
            double vals[2] = { -1, 1 };
            mb_lp_pin(lp, mb_lp_add_col(lp, 2, 0, HUGE_VAL, 2, rows, vals));
        }
        prev_store = store;
    }
    free(cap);
}

Test(lp, warm_start_from_blocks_keeps_the_optimum)
{
    /* Groups aligned and not, one group, no groups, one period a block. */
    static const int shapes[][3] = { { 24, 0, 12 }, { 30, 5, 12 }, { 36, 7, 4 },
                                     { 9, 0, 12 }, { 20, 3, 0 }, { 1, 0, 12 } };
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        struct mb_lp lp;
        mb_lp_init(&lp);
        add_periods(&lp, shapes[k][0], shapes[k][1], shapes[k][2], 7 + k);
        int comps;
        double whole = solve(&lp, MB_PRICING_NEVER, &comps);
        double priced = solve(&lp, MB_PRICING_ALWAYS, &comps);
        cr_assert(fabs(whole - priced) <= 1e-9 * fabs(whole), "shape %zu: %.6f vs %.6f", k,
                  whole, priced);
        mb_lp_release(&lp);
    }
}

Test(lp, dominated_columns_stay_zero_and_change_nothing)
{
    /* One demand of 10 t: a singleton at 100 limited to 4 t, singletons
     * at 200 and 200 (a tie) and 300, a column at 250 that also uses a
     * capacity row (cannot undercut the 200), and one at 150 that also
     * uses an equality row (must stay: its reduced cost may be anything). */
    struct mb_lp lp;
    mb_lp_init(&lp);
    int dem = mb_lp_add_row(&lp, 10, 10);
    int cap = mb_lp_add_row(&lp, -HUGE_VAL, 100);
    int eq = mb_lp_add_row(&lp, 3, 3);
    double one = 1;
    mb_lp_add_col(&lp, 100, 0, 4, 1, &dem, &one);
    mb_lp_add_col(&lp, 200, 0, HUGE_VAL, 1, &dem, &one);
    mb_lp_add_col(&lp, 200, 0, HUGE_VAL, 1, &dem, &one);
    mb_lp_add_col(&lp, 300, 0, HUGE_VAL, 1, &dem, &one);
    int r2[2] = { dem, cap };
    double v2[2] = { 1, 2 };
    mb_lp_add_col(&lp, 250, 0, HUGE_VAL, 2, r2, v2);
    int r3[2] = { dem, eq };
    double v3[2] = { 1, 1 };
    mb_lp_add_col(&lp, 150, 0, HUGE_VAL, 2, r3, v3);
    mb_lp_pin(&lp, mb_lp_add_col(&lp, 1e6, 0, HUGE_VAL, 1, &dem, &one));
    mb_lp_pin(&lp, mb_lp_add_col(&lp, 1e6, 0, HUGE_VAL, 1, &eq, &one));
    /* 4 t at 100, 3 t at 150 (the equality row wants 3), 3 t at 200. */
    for (int mode = MB_PRICING_NEVER; mode <= MB_PRICING_ALWAYS; mode++) {
        struct mb_lp_result r;
        struct mb_error err;
        cr_assert_eq(mb_lp_solve(&lp, (enum mb_pricing)mode, NULL, &r, &err), 0, "%s",
                     err.message);
        cr_assert_float_eq(r.objective, 4 * 100 + 3 * 150 + 3 * 200, 1e-6);
        cr_assert_float_eq(r.x[0], 4, 1e-9);
        cr_assert_float_eq(r.x[1] + r.x[2], 3, 1e-9);
        cr_assert_float_eq(r.x[3] + r.x[4], 0, 1e-9);
        cr_assert_float_eq(r.x[5], 3, 1e-9);
        free(r.x);
    }
    mb_lp_release(&lp);
}

Test(lp, an_infeasible_working_set_falls_back_to_every_column)
{
    /* No slack: A (1 t) and B (10 t) must send, D (11 t) and E (0 t) must
     * receive. The three cheapest columns of every row leave out B -> D,
     * the only way for B's 10 t, so the first working set is infeasible. */
    struct mb_lp lp;
    mb_lp_init(&lp);
    int a = mb_lp_add_row(&lp, 1, 1), b = mb_lp_add_row(&lp, 10, 10);
    int d = mb_lp_add_row(&lp, 11, 11), e = mb_lp_add_row(&lp, 0, 0);
    double vals[2] = { 1, 1 };
    for (int k = 1; k <= 3; k++) {
        int ad[2] = { a, d }, be[2] = { b, e };
        mb_lp_add_col(&lp, k, 0, HUGE_VAL, 2, ad, vals);
        mb_lp_add_col(&lp, k, 0, HUGE_VAL, 2, be, vals);
    }
    int bd[2] = { b, d };
    mb_lp_add_col(&lp, 50, 0, HUGE_VAL, 2, bd, vals);
    int comps;
    cr_assert_float_eq(solve(&lp, MB_PRICING_ALWAYS, &comps), 1 + 500, 1e-9);
    mb_lp_release(&lp);
}
