/*
 * test_lp.c - the LP layer on its own: independent parts solved on several
 * threads with column generation must give exactly the sum of the parts'
 * optima, whatever the order the threads take them in.
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
