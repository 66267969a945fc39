/*
 * model.c - building the time-expanded LP of a scenario (see model.h and
 * docs/planning-model.md). Row and column indexes are kept in dense tables
 * per (site, month) so that adding an arc is a few lookups. Every monthly
 * row is put into its month's block, and months into calendar years, so
 * the solver can warm-start from the months and years solved alone
 * (mb_lp_set_block, lp.c).
 */
#include "plan/model.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "domain/month.h"
#include "domain/unit.h"
#include "plan/account.h"
#include "plan/grid.h"
#include "plan/plan.h"

bool mb_site_takes(const struct mb_site *site, int material, int cls)
{
    return material >= 0 && site->accepts[material] && cls <= site->max_class;
}

double mb_capacity_weight(const struct mb_scenario *s, const struct mb_capacity *c,
                          int material)
{
    const struct mb_material *m = &s->catalog.items[material];
    switch (c->unit) {
    case MB_UNIT_FM3: return 1.0 / m->density;
    case MB_UNIT_LM3: return m->bulking / m->density;
    case MB_UNIT_PM3: return m->placed / m->density;
    default: return 1.0;
    }
}

double mb_quarry_co2(const struct mb_scenario *s, const struct mb_site *q, int material)
{
    if (q->co2_factor != MB_CO2_BY_PRODUCT)
        return q->co2_kg_per_t;
    return s->factors.v[mb_production_factor(&s->catalog.items[material])].central;
}

void mb_arc_cost(const struct mb_scenario *s, size_t a, size_t b, int material,
                 double *km, double *nok, double *co2)
{
    const struct mb_site *from = &s->sites[a], *to = &s->sites[b];
    mb_scenario_haul(s, a, b, km, nok, co2);
    if (to->kind != MB_SITE_NEED) {
        *nok += to->fee_nok_per_t;
        *co2 += to->co2_kg_per_t;
    }
    if (from->kind == MB_SITE_QUARRY) {
        *nok += from->fee_nok_per_t;
        *co2 += mb_quarry_co2(s, from, material);
    }
}

/* Build state: dense row and column tables. */
struct build {
    struct mb_model *m;
    const struct mb_scenario *s;
    int T, Y, y0;
    int *srow;   /* source/need balance row per site x month, -1 if none */
    int *yrow;   /* landfill/quarry capacity row per site x year */
    int *caprow; /* storage/plant capacity row per site x month */
    int *slot;   /* storage/plant slot per site, -1 otherwise */
    int *crow;   /* storage balance / plant output row per slot x commodity x month */
    int *comm_of; /* commodity index per material x class (6 classes) */
    /* Objective weights (enum mb_objective): per NOK, per kg CO2, per fm3
     * put into a landfill. */
    double w_nok, w_co2, w_landfill;
    const bool *only; /* rows, slack and stock of these sites only; NULL: all */
    /* Per row: the cheapest fallback column today's practice would use (a
     * landfill for a source-month, a quarry for a need-month) and its cost.
     * These are pinned into the solver's first working set, so the first
     * duals reflect real alternatives, not only the way out of the region. */
    int *fallback;
    double *fallback_cost;
};

static int comm_index(const struct build *b, int material, int cls)
{
    return b->comm_of[material * 6 + cls];
}

static void add_comm(struct build *b, int material, int cls)
{
    struct mb_model *m = b->m;
    if (b->comm_of[material * 6 + cls] >= 0)
        return;
    m->comm = mb_xrealloc(m->comm, (m->ncomm + 1) * sizeof *m->comm);
    m->comm[m->ncomm] = (struct mb_commodity){ material, cls };
    b->comm_of[material * 6 + cls] = (int)m->ncomm++;
}

static bool active(const struct mb_site *x, int serial)
{
    return serial >= x->from && serial <= x->to;
}

static int new_row(struct build *b, double lb, double ub, enum mb_row_kind kind,
                   int site, int t, int commodity)
{
    struct mb_model *m = b->m;
    int r = mb_lp_add_row(&m->lp, lb, ub);
    /* Blocks are months, numbered so that groups of 12 are calendar
     * years; a landfill's or quarry's yearly row links the year's months. */
    if (kind != MB_ROW_LANDFILL && kind != MB_ROW_QUARRY)
        mb_lp_set_block(&m->lp, r, b->s->from % 12 + t);
    m->rows = mb_xgrow(m->rows, &m->cap_rows, m->lp.nrows, sizeof *m->rows);
    m->rows[r] = (struct mb_row_info){ (uint8_t)kind, site, t, commodity };
    return r;
}

static int new_col(struct build *b, struct mb_col_info info, double cost, double ub,
                   size_t n, const int *rows, const double *vals)
{
    struct mb_model *m = b->m;
    int c = mb_lp_add_col(&m->lp, cost, 0, ub, n, rows, vals);
    m->cols = mb_xgrow(m->cols, &m->cap_cols, m->lp.ncols, sizeof *m->cols);
    m->cols[c] = info;
    return c;
}

static int *crow_at(struct build *b, int site, int c, int t)
{
    return &b->crow[((size_t)b->slot[site] * b->m->ncomm + (size_t)c) * (size_t)b->T +
                    (size_t)t];
}

static void make_rows(struct build *b)
{
    const struct mb_scenario *s = b->s;
    for (size_t i = 0; i < s->nsites; i++) {
        if (b->only && !b->only[i])
            continue;
        const struct mb_site *x = &s->sites[i];
        int months = x->to - x->from + 1;
        for (int t = 0; t < b->T; t++) {
            int serial = s->from + t;
            if (!active(x, serial))
                continue;
            size_t k = i * (size_t)b->T + (size_t)t;
            switch (x->kind) {
            case MB_SITE_SOURCE:
            case MB_SITE_NEED: {
                double share = x->amount_t / months;
                b->srow[k] = new_row(b, share, share, x->kind == MB_SITE_SOURCE
                                     ? MB_ROW_SOURCE : MB_ROW_NEED, (int)i, t, -1);
                break;
            }
            case MB_SITE_STORAGE:
                if (x->capacity.value >= 0)
                    b->caprow[k] = new_row(b, -HUGE_VAL, x->capacity.value,
                                           MB_ROW_STORAGE_CAP, (int)i, t, -1);
                for (size_t c = 0; c < b->m->ncomm; c++)
                    if (mb_site_takes(x, b->m->comm[c].material, b->m->comm[c].cls))
                        *crow_at(b, (int)i, (int)c, t) =
                            new_row(b, 0, 0, MB_ROW_STORAGE_BALANCE, (int)i, t, (int)c);
                break;
            case MB_SITE_PLANT:
                b->caprow[k] = new_row(b, -HUGE_VAL, x->capacity.value,
                                       MB_ROW_PLANT_CAP, (int)i, t, -1);
                for (size_t c = 0; c < b->m->ncomm; c++) {
                    /* an output commodity: a yield material in a class the plant takes */
                    const struct mb_commodity *cc = &b->m->comm[c];
                    bool out = false;
                    for (size_t y = 0; y < x->nyields; y++)
                        out |= x->yields[y].material == cc->material;
                    if (out && cc->cls <= x->max_class)
                        *crow_at(b, (int)i, (int)c, t) =
                            new_row(b, 0, 0, MB_ROW_PLANT_OUT, (int)i, t, (int)c);
                }
                break;
            default:
                break;
            }
        }
        if (x->kind == MB_SITE_LANDFILL || x->kind == MB_SITE_QUARRY) {
            for (int y = 0; y < b->Y; y++) {
                int year = b->y0 + y;
                double cap = mb_site_year_capacity(s, x, year);
                if (cap < 0)
                    continue; /* no limit that year */
                /* any active month in this year within the horizon? */
                bool any = false;
                for (int t = 0; t < b->T && !any; t++)
                    any = mb_month_year(s->from + t) == year && active(x, s->from + t);
                if (any)
                    b->yrow[i * (size_t)b->Y + (size_t)y] = new_row(b, -HUGE_VAL,
                        cap, x->kind == MB_SITE_LANDFILL
                        ? MB_ROW_LANDFILL : MB_ROW_QUARRY, (int)i, y, -1);
            }
        }
    }
}

/* Add one flow column: `c` tonnes of commodity from site a to site b in month t. */
static void add_flow(struct build *b, size_t a, size_t r, int t, int c)
{
    const struct mb_scenario *s = b->s;
    const struct mb_site *from = &s->sites[a], *to = &s->sites[r];
    const struct mb_commodity *cc = &b->m->comm[c];
    int rows[16];
    double vals[16];
    size_t n = 0;
    int year = mb_month_year(s->from + t) - b->y0;
    size_t ka = a * (size_t)b->T + (size_t)t, kr = r * (size_t)b->T + (size_t)t;
    switch (from->kind) {
    case MB_SITE_SOURCE:
        rows[n] = b->srow[ka];
        vals[n++] = 1;
        break;
    case MB_SITE_STORAGE:
        rows[n] = *crow_at(b, (int)a, c, t);
        vals[n++] = -1;
        break;
    case MB_SITE_PLANT:
        rows[n] = *crow_at(b, (int)a, c, t);
        vals[n++] = 1;
        break;
    case MB_SITE_QUARRY:
        if (b->yrow[a * (size_t)b->Y + (size_t)year] >= 0) {
            rows[n] = b->yrow[a * (size_t)b->Y + (size_t)year];
            vals[n++] = mb_capacity_weight(s, &from->capacity, cc->material);
        }
        break;
    default:
        return;
    }
    switch (to->kind) {
    case MB_SITE_NEED:
        rows[n] = b->srow[kr];
        vals[n++] = 1;
        break;
    case MB_SITE_STORAGE:
        rows[n] = *crow_at(b, (int)r, c, t);
        vals[n++] = 1;
        break;
    case MB_SITE_LANDFILL:
        if (b->yrow[r * (size_t)b->Y + (size_t)year] >= 0) {
            rows[n] = b->yrow[r * (size_t)b->Y + (size_t)year];
            vals[n++] = mb_capacity_weight(s, &to->capacity, cc->material);
        }
        break;
    case MB_SITE_PLANT:
        rows[n] = b->caprow[kr];
        vals[n++] = mb_capacity_weight(s, &to->capacity, cc->material);
        for (size_t y = 0; y < to->nyields && n < 16; y++) {
            int oc = comm_index(b, to->yields[y].material, cc->cls);
            if (oc < 0 || *crow_at(b, (int)r, oc, t) < 0)
                return; /* an output with no row cannot be balanced: no arc */
            rows[n] = *crow_at(b, (int)r, oc, t);
            vals[n++] = -to->yields[y].share;
        }
        break;
    default:
        return;
    }
    double km, nok, co2;
    mb_arc_cost(s, a, r, cc->material, &km, &nok, &co2);
    struct mb_col_info info = { MB_COL_FLOW, (int32_t)a, (int32_t)r, t, c, km, nok, co2 };
    double cost = nok * b->w_nok + co2 * b->w_co2;
    if (to->kind == MB_SITE_LANDFILL)
        cost += b->w_landfill / s->catalog.items[cc->material].density;
    int col = new_col(b, info, cost, HUGE_VAL, n, rows, vals);
    int key = -1;
    if (from->kind == MB_SITE_SOURCE && to->kind == MB_SITE_LANDFILL)
        key = b->srow[ka];
    else if (from->kind == MB_SITE_QUARRY && to->kind == MB_SITE_NEED)
        key = b->srow[kr];
    if (key >= 0 && (b->fallback[key] < 0 || cost < b->fallback_cost[key])) {
        b->fallback[key] = col;
        b->fallback_cost[key] = cost;
    }
}

/* Which commodities a sender can send in month t. */
static bool can_send(struct build *b, size_t a, int t, int c)
{
    const struct mb_site *x = &b->s->sites[a];
    const struct mb_commodity *cc = &b->m->comm[c];
    switch (x->kind) {
    case MB_SITE_SOURCE:
        return cc->material == x->material && cc->cls == x->cls;
    case MB_SITE_STORAGE:
    case MB_SITE_PLANT:
        return *crow_at(b, (int)a, c, t) >= 0;
    case MB_SITE_QUARRY:
        return cc->cls == 1 && x->accepts[cc->material];
    default:
        return false;
    }
}

static bool arc_kind_allowed(enum mb_site_kind from, enum mb_site_kind to)
{
    switch (from) {
    case MB_SITE_SOURCE:
        return to == MB_SITE_NEED || to == MB_SITE_STORAGE || to == MB_SITE_PLANT ||
               to == MB_SITE_LANDFILL;
    case MB_SITE_STORAGE:
        return to == MB_SITE_NEED || to == MB_SITE_PLANT || to == MB_SITE_LANDFILL;
    case MB_SITE_PLANT:
        return to == MB_SITE_NEED || to == MB_SITE_STORAGE || to == MB_SITE_LANDFILL;
    case MB_SITE_QUARRY:
        return to == MB_SITE_NEED;
    default:
        return false;
    }
}

/* Receivers around one grid cell: the facilities, and the needs sorted by
 * the start of their window, so that a sender finds the needs whose
 * window overlaps its own by a binary search instead of looking at every
 * site in reach (a city's cells hold thousands of short-lived listings). */
struct cell_recv {
    bool ready;
    size_t *fac, nfac;   /* storage, plants, landfills */
    size_t *need, nneed; /* needs, by window start */
    int maxlen;          /* longest need window, in months - 1 */
};

struct gather {
    const struct mb_scenario *s;
    struct cell_recv *c;
    size_t cap_fac, cap_need;
};

static void gather_recv(void *ctx, size_t r)
{
    struct gather *g = ctx;
    const struct mb_site *y = &g->s->sites[r];
    struct cell_recv *c = g->c;
    switch (y->kind) {
    case MB_SITE_NEED:
        c->need = mb_xgrow(c->need, &g->cap_need, c->nneed + 1, sizeof *c->need);
        c->need[c->nneed++] = r;
        if (y->to - y->from > c->maxlen)
            c->maxlen = y->to - y->from;
        break;
    case MB_SITE_STORAGE:
    case MB_SITE_PLANT:
    case MB_SITE_LANDFILL:
        c->fac = mb_xgrow(c->fac, &g->cap_fac, c->nfac + 1, sizeof *c->fac);
        c->fac[c->nfac++] = r;
        break;
    default:
        break; /* nothing flows into a source or a quarry */
    }
}

static _Thread_local const struct mb_site *sort_sites;

static int by_window_start(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int fx = sort_sites[x].from, fy = sort_sites[y].from;
    if (fx != fy)
        return fx < fy ? -1 : 1;
    return (x > y) - (x < y);
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* Whether a may send to r at all: kinds, overlapping windows, the
 * source's material and class, and distance. */
static bool in_reach(const struct mb_scenario *s, size_t a, size_t r)
{
    const struct mb_site *x = &s->sites[a], *y = &s->sites[r];
    if (r == a || !arc_kind_allowed(x->kind, y->kind) || y->to < x->from ||
        y->from > x->to)
        return false;
    if (x->kind == MB_SITE_SOURCE && !mb_site_takes(y, x->material, x->cls))
        return false;
    return mb_scenario_km(s, a, r) <= s->transport.max_km;
}

/* Every flow column from sender a to the receivers recv (in reach, in
 * scenario order): per month both are active, per commodity a sends and
 * the receiver takes. */
static void add_arcs(struct build *b, size_t a, const size_t *recv, size_t nr)
{
    const struct mb_scenario *s = b->s;
    const struct mb_site *x = &s->sites[a];
    for (int t = 0; t < b->T; t++) {
        int serial = s->from + t;
        if (!active(x, serial))
            continue;
        for (size_t c = 0; c < b->m->ncomm; c++) {
            if (!can_send(b, a, t, (int)c))
                continue;
            const struct mb_commodity *cc = &b->m->comm[c];
            for (size_t k = 0; k < nr; k++) {
                const struct mb_site *y = &s->sites[recv[k]];
                if (!active(y, serial) || !mb_site_takes(y, cc->material, cc->cls))
                    continue;
                if (y->kind == MB_SITE_STORAGE && *crow_at(b, (int)recv[k], (int)c, t) < 0)
                    continue;
                add_flow(b, a, recv[k], t, (int)c);
            }
        }
    }
}

static void make_flows(struct build *b)
{
    const struct mb_scenario *s = b->s;
    struct mb_grid grid;
    mb_grid_build(&grid, s, s->transport.max_km);
    /* Cells are runs of equal keys in the grid; senders of one cell share
     * the receivers around it. */
    size_t *cell_of = mb_xmalloc((s->nsites + 1) * sizeof *cell_of);
    size_t ncells = 0;
    for (size_t i = 0; i < grid.n; i++) {
        if (i == 0 || grid.key[i] != grid.key[i - 1])
            ncells++;
        cell_of[grid.site[i]] = ncells - 1;
    }
    struct cell_recv *cells = mb_xcalloc(ncells + 1, sizeof *cells);
    size_t *recv = mb_xmalloc((s->nsites + 1) * sizeof *recv);
    for (size_t a = 0; a < s->nsites; a++) {
        const struct mb_site *x = &s->sites[a];
        if (x->kind == MB_SITE_NEED || x->kind == MB_SITE_LANDFILL)
            continue;
        struct cell_recv *cr = &cells[cell_of[a]];
        if (!cr->ready) {
            struct gather g = { s, cr, 0, 0 };
            mb_grid_near(&grid, s, a, gather_recv, &g);
            sort_sites = s->sites;
            if (cr->nneed > 1)
                qsort(cr->need, cr->nneed, sizeof *cr->need, by_window_start);
            sort_sites = NULL;
            cr->ready = true;
        }
        size_t nr = 0;
        for (size_t k = 0; k < cr->nfac; k++)
            if (in_reach(s, a, cr->fac[k]))
                recv[nr++] = cr->fac[k];
        /* Needs that start at most maxlen months before the sender does
         * and no later than it ends. */
        size_t lo = 0, hi = cr->nneed;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (s->sites[cr->need[mid]].from < x->from - cr->maxlen)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < cr->nneed && s->sites[cr->need[k]].from <= x->to; k++)
            if (in_reach(s, a, cr->need[k]))
                recv[nr++] = cr->need[k];
        /* Scenario order, so the model does not depend on the grid. */
        if (nr > 1)
            qsort(recv, nr, sizeof *recv, by_index);
        add_arcs(b, a, recv, nr);
    }
    for (size_t k = 0; k < ncells; k++) {
        free(cells[k].fac);
        free(cells[k].need);
    }
    free(cells);
    free(recv);
    free(cell_of);
    mb_grid_release(&grid);
}

static void make_slack_and_stock(struct build *b)
{
    const struct mb_scenario *s = b->s;
    for (size_t i = 0; i < s->nsites; i++) {
        if (b->only && !b->only[i])
            continue;
        const struct mb_site *x = &s->sites[i];
        for (int t = 0; t < b->T; t++) {
            size_t k = i * (size_t)b->T + (size_t)t;
            if ((x->kind == MB_SITE_SOURCE || x->kind == MB_SITE_NEED) && b->srow[k] >= 0) {
                /* Out of the region: a source's masses to a landfill
                 * outside it, a need's from a quarry outside it, at the
                 * out_of_region haul and fee (account.h). A real option
                 * at its real cost, in the plan as in today's practice. */
                double one = 1, nok, co2, cost;
                if (x->kind == MB_SITE_SOURCE && !mb_plan_may_leave_region(s, x)) {
                    nok = co2 = 0; /* contaminated: nowhere to go */
                    cost = MB_PENALTY_NOK_PER_T;
                } else if (x->kind == MB_SITE_SOURCE) {
                    mb_account_overflow_rate(s, &nok, &co2);
                    cost = nok * b->w_nok + co2 * b->w_co2 +
                           b->w_landfill / s->catalog.items[x->material].density;
                } else {
                    mb_account_import_rate(s, i, &nok, &co2);
                    cost = nok * b->w_nok + co2 * b->w_co2;
                }
                struct mb_col_info info = { x->kind == MB_SITE_SOURCE ? MB_COL_UNPLACED
                                                                     : MB_COL_UNMET,
                                            (int32_t)i, (int32_t)i, t, -1, 0, nok, co2 };
                mb_lp_pin(&b->m->lp, new_col(b, info, cost, HUGE_VAL, 1, &b->srow[k], &one));
            }
        }
        if (x->kind != MB_SITE_STORAGE)
            continue;
        for (size_t c = 0; c < b->m->ncomm; c++) {
            for (int t = 0; t < b->T; t++) {
                int row = *crow_at(b, (int)i, (int)c, t);
                if (row < 0)
                    continue;
                /* stock at the end of month t: leaves this month's balance,
                 * enters next month's; none may remain after the last month */
                int rows[3];
                double vals[3];
                size_t n = 0;
                rows[n] = row;
                vals[n++] = -1;
                int next = t + 1 < b->T ? *crow_at(b, (int)i, (int)c, t + 1) : -1;
                if (next >= 0) {
                    rows[n] = next;
                    vals[n++] = 1;
                }
                size_t kc = i * (size_t)b->T + (size_t)t;
                if (b->caprow[kc] >= 0) {
                    rows[n] = b->caprow[kc];
                    vals[n++] = mb_capacity_weight(s, &x->capacity, b->m->comm[c].material);
                }
                struct mb_col_info info = { MB_COL_STOCK, (int32_t)i, (int32_t)i, t,
                                            (int32_t)c, 0, x->holding_nok_per_t_month, 0 };
                mb_lp_pin(&b->m->lp, new_col(b, info, x->holding_nok_per_t_month * b->w_nok,
                                             next >= 0 ? HUGE_VAL : 0, n, rows, vals));
            }
        }
    }
}

int mb_model_build(struct mb_model *m, const struct mb_scenario *s,
                   struct mb_error *err)
{
    return mb_model_build_sized(m, s, NULL, err);
}

/* The start of a build: the model empty (with room for `hint`'s size),
 * the objective's weights and the commodities. */
static void build_begin(struct build *b, struct mb_model *m, const struct mb_scenario *s,
                        const struct mb_lp *hint)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    mb_lp_init(&m->lp);
    mb_lp_set_group(&m->lp, 12);
    if (hint) {
        /* a little more than last time: a change may add a listing */
        size_t r = hint->nrows + hint->nrows / 64 + 64, c = hint->ncols + hint->ncols / 64 + 64;
        mb_lp_reserve(&m->lp, r, c, hint->nnz + hint->nnz / 64 + 256);
        m->rows = mb_xmalloc(r * sizeof *m->rows);
        m->cap_rows = r;
        m->cols = mb_xmalloc(c * sizeof *m->cols);
        m->cap_cols = c;
    }
    *b = (struct build){ .m = m, .s = s };
    b->T = m->T = mb_scenario_months(s);
    b->y0 = mb_month_year(s->from);
    b->Y = m->Y = mb_month_year(s->to) - b->y0 + 1;
    /* Minimum cost: money plus CO2 at its price. Minimum CO2: kg, with
     * money at a thousandth (a tie-break, far below any real CO2
     * difference). Minimum landfill: 10,000 NOK per fm3 landfilled, far
     * above any haul, so landfill volume comes first and money and CO2
     * decide between equal volumes; masses sent out of the region count as
     * landfilled there. */
    b->w_nok = s->objective == MB_OBJECTIVE_CO2 ? 1e-3 : 1;
    b->w_co2 = s->objective == MB_OBJECTIVE_CO2 ? 1 : s->co2_price_nok_per_t / 1000.0;
    b->w_landfill = s->objective == MB_OBJECTIVE_LANDFILL ? 1e4 : 0;
    size_t nm = s->catalog.n;
    b->comm_of = mb_xmalloc(nm * 6 * sizeof *b->comm_of);
    for (size_t i = 0; i < nm * 6; i++)
        b->comm_of[i] = -1;
    /* Commodities: what sources carry, what quarries offer, and what plants
     * make from what they take. */
    for (size_t i = 0; i < s->nsites; i++)
        if (s->sites[i].kind == MB_SITE_SOURCE)
            add_comm(b, s->sites[i].material, s->sites[i].cls);
    for (size_t i = 0; i < s->nsites; i++)
        if (s->sites[i].kind == MB_SITE_QUARRY)
            for (size_t k = 0; k < nm; k++)
                if (s->sites[i].accepts[k])
                    add_comm(b, (int)k, 1);
    /* Every commodity a plant can make, also from another plant's output
     * (a chain plant -> storage -> plant): each commodity, old or new, is
     * offered to every plant until no new one appears. There are at most
     * materials x 6 commodities, so this ends. */
    for (size_t c = 0; c < m->ncomm; c++) {
        int material = m->comm[c].material, cls = m->comm[c].cls;
        for (size_t i = 0; i < s->nsites; i++) {
            const struct mb_site *x = &s->sites[i];
            if (x->kind == MB_SITE_PLANT && mb_site_takes(x, material, cls))
                for (size_t y = 0; y < x->nyields; y++)
                    add_comm(b, x->yields[y].material, cls);
        }
    }
}

/* The row tables, every entry none yet. */
static void build_tables(struct build *b)
{
    const struct mb_scenario *s = b->s;
    size_t cells = s->nsites * (size_t)b->T;
    b->srow = mb_xmalloc((cells + 1) * sizeof *b->srow);
    b->caprow = mb_xmalloc((cells + 1) * sizeof *b->caprow);
    b->yrow = mb_xmalloc((s->nsites * (size_t)b->Y + 1) * sizeof *b->yrow);
    b->slot = mb_xmalloc((s->nsites + 1) * sizeof *b->slot);
    for (size_t i = 0; i < cells; i++)
        b->srow[i] = b->caprow[i] = -1;
    for (size_t i = 0; i < s->nsites * (size_t)b->Y; i++)
        b->yrow[i] = -1;
    int nslots = 0;
    for (size_t i = 0; i < s->nsites; i++)
        b->slot[i] = s->sites[i].kind == MB_SITE_STORAGE || s->sites[i].kind == MB_SITE_PLANT
                         ? nslots++ : -1;
    size_t ncrow = (size_t)nslots * b->m->ncomm * (size_t)b->T;
    b->crow = mb_xmalloc((ncrow + 1) * sizeof *b->crow);
    for (size_t i = 0; i < ncrow; i++)
        b->crow[i] = -1;
}

static void fallback_begin(struct build *b)
{
    b->fallback = mb_xmalloc((b->m->lp.nrows + 1) * sizeof *b->fallback);
    b->fallback_cost = mb_xmalloc((b->m->lp.nrows + 1) * sizeof *b->fallback_cost);
    for (size_t i = 0; i < b->m->lp.nrows; i++)
        b->fallback[i] = -1;
}

/* Pin each row's fallback column found. */
static void fallback_end(struct build *b)
{
    for (size_t i = 0; i < b->m->lp.nrows; i++)
        if (b->fallback[i] >= 0)
            mb_lp_pin(&b->m->lp, b->fallback[i]);
    free(b->fallback);
    free(b->fallback_cost);
}

static void build_end(struct build *b)
{
    free(b->srow);
    free(b->caprow);
    free(b->yrow);
    free(b->slot);
    free(b->crow);
    free(b->comm_of);
}

int mb_model_build_sized(struct mb_model *m, const struct mb_scenario *s,
                         const struct mb_lp *hint, struct mb_error *err)
{
    (void)err;
    struct build b;
    build_begin(&b, m, s, hint);
    build_tables(&b);
    make_rows(&b);
    fallback_begin(&b);
    make_flows(&b);
    fallback_end(&b);
    make_slack_and_stock(&b);
    build_end(&b);
    return 0;
}

/* ---- Building from the last model (what-if planning, whatif.h) ---- */

static uint64_t fp_num(uint64_t h, double d)
{
    uint64_t u = 0;
    if (d != 0) /* -0 and 0 are the same number */
        memcpy(&u, &d, sizeof u);
    return mb_hash_mix(h, u);
}

/* Everything of the scenario but its sites that the model depends on. */
static uint64_t fp_global(const struct mb_scenario *s)
{
    uint64_t h = mb_hash_mix(0x676c6f62ULL, (uint64_t)(uint32_t)s->from);
    h = mb_hash_mix(h, (uint64_t)(uint32_t)s->to);
    h = fp_num(h, s->co2_price_nok_per_t);
    h = mb_hash_mix(h, (uint64_t)s->objective);
    double x[MB_F_COUNT];
    mb_factors_central(&s->factors, x);
    for (int k = 0; k < MB_F_COUNT; k++)
        h = fp_num(h, x[k]);
    const struct mb_transport *t = &s->transport;
    const double tv[] = { t->payload_t, t->detour_factor, t->max_km, t->cost_nok_per_tkm,
                          t->co2_kg_per_tkm, t->nok_per_t, t->nok_per_tkm, t->co2_per_t,
                          t->co2_per_tkm, t->ferry_nok_per_t, t->ferry_nok_per_tkm,
                          t->ferry_co2_per_tkm };
    for (size_t k = 0; k < sizeof tv / sizeof *tv; k++)
        h = fp_num(h, tv[k]);
    for (int k = 0; k < MB_FUEL_COUNT; k++)
        h = fp_num(h, t->fuel_mix[k]);
    h = mb_hash_mix(h, (uint64_t)t->boundary * 4 + (uint64_t)t->fixed_cost_tkm * 2 +
                      (uint64_t)t->fixed_co2_tkm);
    h = mb_hash_text(h, t->vehicle);
    h = mb_hash_mix(h, s->catalog.n);
    for (size_t k = 0; k < s->catalog.n; k++) {
        const struct mb_material *mt = &s->catalog.items[k];
        h = mb_hash_text(fp_num(fp_num(fp_num(h, mt->density), mt->bulking), mt->placed), mt->code);
        h = mb_hash_text(mb_hash_mix(h, (uint64_t)mt->group), mt->approval);
    }
    return h;
}

/* One site, as the model sees it. */
static uint64_t fp_site(const struct mb_scenario *s, const struct mb_site *x)
{
    uint64_t h = mb_hash_text(mb_hash_mix(0x73697465ULL, (uint64_t)x->kind), x->id);
    const double v[] = { x->pos.lat, x->pos.lon, x->detour, x->amount_t, x->capacity.value,
                         x->fee_nok_per_t, x->co2_kg_per_t, x->holding_nok_per_t_month };
    for (size_t k = 0; k < sizeof v / sizeof *v; k++)
        h = fp_num(h, v[k]);
    const int iv[] = { x->from, x->to, x->material, x->cls, x->max_class, x->capacity.unit,
                       x->fee_factor, x->co2_factor, x->holding_factor, x->approximate };
    for (size_t k = 0; k < sizeof iv / sizeof *iv; k++)
        h = mb_hash_mix(h, (uint64_t)(int64_t)iv[k]);
    h = mb_hash_text(h, x->municipality);
    for (size_t k = 0; x->accepts && k < s->catalog.n; k++)
        h = mb_hash_mix(h, x->accepts[k] ? k + 1 : 0);
    int years = mb_month_year(s->to) - mb_month_year(s->from) + 1;
    for (int y = 0; x->cap_year && y < years; y++)
        h = fp_num(h, x->cap_year[y]);
    for (size_t k = 0; k < x->nyields; k++)
        h = fp_num(mb_hash_mix(h, (uint64_t)x->yields[k].material), x->yields[k].share);
    return h;
}

void mb_model_origin_take(struct mb_model_origin *o, const struct mb_scenario *s)
{
    o->n = s->nsites;
    o->id = mb_xmalloc((s->nsites + 1) * sizeof *o->id);
    o->fp = mb_xmalloc((s->nsites + 1) * sizeof *o->fp);
    for (size_t i = 0; i < s->nsites; i++) {
        memcpy(o->id[i], s->sites[i].id, sizeof o->id[i]);
        o->fp[i] = fp_site(s, &s->sites[i]);
    }
    /* A distance the scenario gives belongs to both of its sites: each
     * site's fingerprint adds those of its distances (in any order). */
    for (size_t k = 0; k < s->ndistances; k++) {
        const struct mb_distance *d = &s->distances[k];
        uint64_t h = mb_hash_text(0x64697374ULL, s->sites[d->b].id);
        h = fp_num(fp_num(fp_num(h, d->km), d->minutes), d->ferry_km);
        h = mb_hash_mix(mb_hash_mix(h, (uint64_t)d->kind), (uint64_t)d->ferry_crossings);
        o->fp[d->a] += h;
    }
    o->global = fp_global(s);
}

void mb_model_origin_release(struct mb_model_origin *o)
{
    if (!o)
        return;
    free(o->id);
    free(o->fp);
    memset(o, 0, sizeof *o);
}

/* Site ids to indexes, by open addressing. */
struct id_index {
    const char (*id)[64];
    int *slot;
    size_t mask;
};

static void id_index_build(struct id_index *x, const char (*id)[64], size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 16)
        cap *= 2;
    x->id = id;
    x->mask = cap - 1;
    x->slot = mb_xmalloc(cap * sizeof *x->slot);
    for (size_t k = 0; k < cap; k++)
        x->slot[k] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)mb_hash_text(0, id[i]) & x->mask;
        while (x->slot[k] >= 0)
            k = (k + 1) & x->mask;
        x->slot[k] = (int)i;
    }
}

static int id_index_find(const struct id_index *x, const char *id)
{
    size_t k = (size_t)mb_hash_text(0, id) & x->mask;
    for (; x->slot[k] >= 0; k = (k + 1) & x->mask)
        if (strcmp(x->id[x->slot[k]], id) == 0)
            return x->slot[k];
    return -1;
}

/* Senders in reach of receiver r that did not change (the changed ones
 * add their own arcs), gathered from the grid. */
struct senders {
    const struct mb_scenario *s;
    const bool *changed;
    size_t r;
    size_t *list, n, cap;
};

static void gather_sender(void *ctx, size_t a)
{
    struct senders *g = ctx;
    enum mb_site_kind k = g->s->sites[a].kind;
    if (g->changed[a] || (k != MB_SITE_SOURCE && k != MB_SITE_STORAGE && k != MB_SITE_PLANT &&
                          k != MB_SITE_QUARRY) || !in_reach(g->s, a, g->r))
        return;
    g->list = mb_xgrow(g->list, &g->cap, g->n + 1, sizeof *g->list);
    g->list[g->n++] = a;
}

int mb_model_build_delta(struct mb_model *m, const struct mb_scenario *s,
                         const struct mb_model_origin *from, size_t max_changed,
                         size_t *nchanged)
{
    *nchanged = 0;
    if (fp_global(s) != from->global || m->T != mb_scenario_months(s))
        return 1;
    struct mb_model_origin now;
    mb_model_origin_take(&now, s);
    /* Which sites changed: new, or not as they were; which old ones stay. */
    struct id_index ix;
    id_index_build(&ix, (const char (*)[64])from->id, from->n);
    bool *changed = mb_xcalloc(s->nsites + 1, sizeof *changed);
    int *new_of_old = mb_xmalloc((from->n + 1) * sizeof *new_of_old);
    for (size_t o = 0; o < from->n; o++)
        new_of_old[o] = -1;
    size_t n = 0;
    for (size_t i = 0; i < s->nsites; i++) {
        int o = id_index_find(&ix, s->sites[i].id);
        if (o >= 0 && from->fp[o] == now.fp[i] && new_of_old[o] < 0)
            new_of_old[o] = (int)i;
        else
            changed[i] = true, n++;
    }
    for (size_t o = 0; o < from->n; o++)
        n += new_of_old[o] < 0; /* gone, or changed (counted twice: fine, a bound) */
    free(ix.slot);
    mb_model_origin_release(&now);
    *nchanged = n;
    /* The commodities must be the same, in the same order. */
    struct mb_model tmp;
    struct build b;
    build_begin(&b, &tmp, s, NULL);
    bool same = n <= max_changed && tmp.ncomm == m->ncomm;
    for (size_t c = 0; same && c < m->ncomm; c++)
        same = tmp.comm[c].material == m->comm[c].material && tmp.comm[c].cls == m->comm[c].cls;
    mb_model_release(&tmp);
    if (!same) {
        free(b.comm_of);
        free(changed);
        free(new_of_old);
        return 1;
    }
    /* From here the old model becomes the new one, in place: no copy of
     * its arrays, no fresh memory to fault in. */
    b.m = m;
    m->s = s;
    build_tables(&b);
    /* The rows of the sites that stayed, moved down over those that went. */
    struct mb_lp *lp = &m->lp;
    int *row_map = mb_xmalloc((lp->nrows + 1) * sizeof *row_map);
    size_t p = 0;
    for (size_t i = 0; i < lp->nrows; i++) {
        struct mb_row_info r = m->rows[i];
        int site = new_of_old[r.site];
        row_map[i] = site < 0 ? -1 : (int)p;
        if (site < 0)
            continue;
        r.site = site;
        m->rows[p] = r;
        lp->rowlb[p] = lp->rowlb[i];
        lp->rowub[p] = lp->rowub[i];
        lp->block[p] = lp->block[i];
        size_t k = (size_t)site * (size_t)b.T + (size_t)r.t;
        switch (r.kind) {
        case MB_ROW_SOURCE:
        case MB_ROW_NEED:
            b.srow[k] = (int)p;
            break;
        case MB_ROW_LANDFILL:
        case MB_ROW_QUARRY:
            b.yrow[(size_t)site * (size_t)b.Y + (size_t)r.t] = (int)p;
            break;
        case MB_ROW_STORAGE_CAP:
        case MB_ROW_PLANT_CAP:
            b.caprow[k] = (int)p;
            break;
        default:
            *crow_at(&b, site, r.commodity, r.t) = (int)p;
            break;
        }
        p++;
    }
    lp->nrows = p;
    /* The columns among the sites that stayed, moved down the same way
     * (each column's start is read before anything is written over it). */
    size_t nc = 0, out = 0;
    int e0 = lp->start[0];
    for (size_t j = 0; j < lp->ncols; j++) {
        int e1 = lp->start[j + 1];
        struct mb_col_info info = m->cols[j];
        int a = new_of_old[info.from], r = new_of_old[info.to];
        bool keep = a >= 0 && r >= 0;
        for (int e = e0; keep && e < e1; e++)
            keep = row_map[lp->index[e]] >= 0;
        if (keep) {
            for (int e = e0; e < e1; e++) {
                lp->index[out] = row_map[lp->index[e]];
                lp->value[out++] = lp->value[e];
            }
            info.from = a;
            info.to = r;
            m->cols[nc] = info;
            lp->obj[nc] = lp->obj[j];
            lp->collb[nc] = lp->collb[j];
            lp->colub[nc] = lp->colub[j];
            lp->pinned[nc] = lp->pinned[j];
            lp->start[nc + 1] = (int)out;
            nc++;
        }
        e0 = e1;
    }
    lp->ncols = nc;
    lp->nnz = out;
    /* The changed sites' rows, built. */
    b.only = changed;
    make_rows(&b);
    fallback_begin(&b);
    /* Arcs from each changed sender, and into each changed receiver from
     * the senders that stayed. */
    struct mb_grid grid;
    mb_grid_build(&grid, s, s->transport.max_km);
    struct cell_recv cr = { 0 };
    struct senders sd = { s, changed, 0, NULL, 0, 0 };
    size_t *recv = mb_xmalloc((s->nsites + 1) * sizeof *recv);
    for (size_t a = 0; a < s->nsites; a++) {
        if (!changed[a])
            continue;
        enum mb_site_kind k = s->sites[a].kind;
        if (k == MB_SITE_SOURCE || k == MB_SITE_STORAGE || k == MB_SITE_PLANT ||
            k == MB_SITE_QUARRY) {
            struct gather g = { s, &cr, 0, 0 };
            cr.nfac = cr.nneed = 0;
            mb_grid_near(&grid, s, a, gather_recv, &g);
            size_t nr = 0;
            for (size_t q = 0; q < cr.nfac; q++)
                if (in_reach(s, a, cr.fac[q]))
                    recv[nr++] = cr.fac[q];
            for (size_t q = 0; q < cr.nneed; q++)
                if (in_reach(s, a, cr.need[q]))
                    recv[nr++] = cr.need[q];
            if (nr > 1)
                qsort(recv, nr, sizeof *recv, by_index);
            add_arcs(&b, a, recv, nr);
            free(cr.fac);
            free(cr.need);
            cr = (struct cell_recv){ 0 };
        }
        if (k == MB_SITE_NEED || k == MB_SITE_STORAGE || k == MB_SITE_PLANT ||
            k == MB_SITE_LANDFILL) {
            sd.r = a;
            sd.n = 0;
            mb_grid_near(&grid, s, a, gather_sender, &sd);
            if (sd.n > 1)
                qsort(sd.list, sd.n, sizeof *sd.list, by_index);
            for (size_t q = 0; q < sd.n; q++)
                add_arcs(&b, sd.list[q], &a, 1);
        }
    }
    free(sd.list);
    free(recv);
    mb_grid_release(&grid);
    fallback_end(&b);
    make_slack_and_stock(&b);
    build_end(&b);
    free(row_map);
    free(changed);
    free(new_of_old);
    return 0;
}

void mb_model_release(struct mb_model *m)
{
    if (!m)
        return;
    mb_lp_release(&m->lp);
    free(m->cols);
    free(m->rows);
    free(m->comm);
    memset(m, 0, sizeof *m);
}

/* Names are ASCII, at most 63 bytes, unique: site ids are sanitised and
 * the index keeps names unique even when ids collide after that. */
static void clean_id(const char *id, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = id; *p && k + 1 < n; p++) {
        char ch = *p;
        out[k++] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9')) ? ch : '_';
    }
    out[k] = '\0';
}

void mb_model_col_name(const void *model, size_t j, char *buf)
{
    const struct mb_model *m = model;
    const struct mb_col_info *c = &m->cols[j];
    char a[16], b[16];
    clean_id(m->s->sites[c->from].id, a, sizeof a);
    clean_id(m->s->sites[c->to].id, b, sizeof b);
    static const char kinds[] = { 'f', 'u', 'v', 'z' };
    snprintf(buf, 64, "%c%zu_%s_%s_t%d", kinds[c->kind], j, a, b, (int)c->t);
}

void mb_model_row_name(const void *model, size_t i, char *buf)
{
    const struct mb_model *m = model;
    const struct mb_row_info *r = &m->rows[i];
    static const char *const kinds[] = { "src", "need", "lf", "qy", "stb", "stc",
                                         "plc", "plo" };
    char a[16];
    clean_id(m->s->sites[r->site].id, a, sizeof a);
    snprintf(buf, 64, "%s%zu_%s_%d", kinds[r->kind], i, a, (int)r->t);
}

int mb_model_write_dimacs(const struct mb_model *m, FILE *f, struct mb_error *err)
{
    const struct mb_lp *lp = &m->lp;
    for (size_t i = 0; i < lp->nrows; i++) {
        enum mb_row_kind k = m->rows[i].kind;
        if (k != MB_ROW_SOURCE && k != MB_ROW_NEED && k != MB_ROW_LANDFILL &&
            k != MB_ROW_QUARRY)
            return mb_error_set(err, MB_EINVAL, "--write-dimacs", "the model has "
                                "storage or plants: not a pure transport network");
    }
    for (size_t j = 0; j < lp->ncols; j++)
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++)
            if (lp->value[e] != 1.0)
                return mb_error_set(err, MB_EINVAL, "--write-dimacs", "capacities are "
                                    "not in tonnes: not a pure transport network");
    /* Integers, as network codes want them: flows in kg, costs in øre per
     * tonne (so the optimum is the LP's to about 0.01 NOK/t). Rounded
     * supplies are balanced by the super source and sink. */
    size_t src = lp->nrows + 1, sink = lp->nrows + 2;
    long long supply = 0, demand = 0;
    for (size_t i = 0; i < lp->nrows; i++) {
        if (m->rows[i].kind == MB_ROW_SOURCE)
            supply += llround(lp->rowub[i] * 1000);
        if (m->rows[i].kind == MB_ROW_NEED)
            demand += llround(lp->rowub[i] * 1000);
    }
    long long inf = 2 * (supply + demand) + 1;
    size_t narcs = lp->ncols + 1;
    for (size_t i = 0; i < lp->nrows; i++)
        narcs += m->rows[i].kind == MB_ROW_LANDFILL || m->rows[i].kind == MB_ROW_QUARRY;
    fprintf(f, "c massebank transport model: flow in kg, cost in ore per tonne\n"
               "p min %zu %zu\n", lp->nrows + 2, narcs);
    for (size_t i = 0; i < lp->nrows; i++) {
        if (m->rows[i].kind == MB_ROW_SOURCE)
            fprintf(f, "n %zu %lld\n", i + 1, llround(lp->rowub[i] * 1000));
        else if (m->rows[i].kind == MB_ROW_NEED)
            fprintf(f, "n %zu %lld\n", i + 1, -llround(lp->rowub[i] * 1000));
    }
    fprintf(f, "n %zu %lld\nn %zu %lld\n", src, demand, sink, -supply);
    for (size_t j = 0; j < lp->ncols; j++) {
        /* Each column has a row at its tail, its head, or both. */
        size_t tail = src, head = sink;
        for (int e = lp->start[j]; e < lp->start[j + 1]; e++) {
            size_t r = (size_t)lp->index[e];
            enum mb_row_kind k = m->rows[r].kind;
            if (k == MB_ROW_SOURCE || k == MB_ROW_QUARRY)
                tail = r + 1;
            else
                head = r + 1;
        }
        fprintf(f, "a %zu %zu 0 %lld %lld\n", tail, head, inf, llround(lp->obj[j] * 100));
    }
    for (size_t i = 0; i < lp->nrows; i++) {
        if (m->rows[i].kind == MB_ROW_LANDFILL)
            fprintf(f, "a %zu %zu 0 %lld 0\n", i + 1, sink, llround(lp->rowub[i] * 1000));
        else if (m->rows[i].kind == MB_ROW_QUARRY)
            fprintf(f, "a %zu %zu 0 %lld 0\n", src, i + 1, llround(lp->rowub[i] * 1000));
    }
    fprintf(f, "a %zu %zu 0 %lld 0\n", src, sink, inf);
    return ferror(f) ? mb_error_set(err, MB_EIO, "--write-dimacs", "write failed") : 0;
}
