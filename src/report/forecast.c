/*
 * forecast.c - surplus, need and landfill capacity per year, with and
 * without reuse (see forecast.h).
 *
 * Everything is read off the plan's flows and shortfalls, so the forecast
 * can never disagree with the plan it summarises: a landfill's use in a
 * year is the sum of the flows into it in that year's months, weighed in
 * its capacity's unit exactly as the model's capacity rows weigh them
 * (mb_capacity_weight).
 */
#include "report/forecast.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/month.h"
#include "domain/unit.h"
#include "plan/model.h"

const char *mb_practice_name(enum mb_practice p)
{
    return p == MB_PRACTICE_PLAN ? "plan" : "today";
}

static bool open_in(const struct mb_site *x, int serial)
{
    return serial >= x->from && serial <= x->to;
}

/* Whether some landfill that takes the source's material and class is
 * open in `month` and within the scenario's reach of source `src`. */
static bool landfill_in_reach(const struct mb_scenario *s, const struct mb_forecast *f,
                              size_t src, int month)
{
    const struct mb_site *x = &s->sites[src];
    for (size_t k = 0; k < f->nlandfills; k++) {
        size_t j = f->landfills[k].site;
        const struct mb_site *l = &s->sites[j];
        if (open_in(l, month) && mb_site_takes(l, x->material, x->cls) &&
            mb_scenario_km(s, src, j) <= s->transport.max_km)
            return true;
    }
    return false;
}

static void add_flows(const struct mb_scenario *s, struct mb_forecast *f,
                      const size_t *lf_of, const struct mb_flow *flows, size_t n,
                      enum mb_practice pr)
{
    for (size_t i = 0; i < n; i++) {
        const struct mb_flow *fl = &flows[i];
        int y = mb_month_year(fl->month) - f->y0;
        if (y < 0 || y >= f->nyears)
            continue;
        const struct mb_site *to = &s->sites[fl->to];
        if (pr == MB_PRACTICE_PLAN) {
            if (s->sites[fl->from].kind == MB_SITE_SOURCE)
                f->years[y].surplus_t += fl->t;
            if (to->kind == MB_SITE_NEED)
                f->years[y].need_t += fl->t;
        }
        if (to->kind == MB_SITE_LANDFILL && lf_of[fl->to] != (size_t)-1) {
            struct mb_forecast_landfill *l = &f->landfills[lf_of[fl->to]];
            l->used[pr][y] += fl->t * mb_capacity_weight(s, &to->capacity, fl->material);
        }
    }
}

static void add_short(const struct mb_scenario *s, struct mb_forecast *f,
                      const struct mb_shortfall *x, size_t n, enum mb_practice pr)
{
    for (size_t i = 0; i < n; i++) {
        int y = mb_month_year(x[i].month) - f->y0;
        if (y < 0 || y >= f->nyears)
            continue;
        if (landfill_in_reach(s, f, x[i].site, x[i].month))
            f->years[y].capacity_short_t[pr] += x[i].t;
    }
}

void mb_forecast_build(const struct mb_scenario *s, const struct mb_plan *p,
                       struct mb_forecast *f)
{
    memset(f, 0, sizeof *f);
    f->y0 = mb_month_year(s->from);
    f->nyears = mb_month_year(s->to) - f->y0 + 1;
    f->years = mb_xcalloc((size_t)f->nyears, sizeof *f->years);
    for (int y = 0; y < f->nyears; y++)
        f->years[y].year = f->y0 + y;

    /* Per-month totals of the plan and the baseline, added up by year. */
    for (int t = 0; t < p->nmonths; t++) {
        struct mb_forecast_year *fy = &f->years[mb_month_year(s->from + t) - f->y0];
        const struct mb_totals *m[MB_PRACTICE_COUNT] = { &p->baseline_months[t], &p->months[t] };
        fy->months++;
        fy->reused_t += m[MB_PRACTICE_PLAN]->reused_t;
        for (int pr = 0; pr < MB_PRACTICE_COUNT; pr++) {
            fy->landfill_t[pr] += m[pr]->landfill_t;
            fy->landfill_fm3[pr] += m[pr]->landfill_fm3;
            fy->unplaced_t[pr] += m[pr]->unplaced_t;
        }
    }
    for (size_t i = 0; i < p->nunplaced; i++) {
        int y = mb_month_year(p->unplaced[i].month) - f->y0;
        if (y >= 0 && y < f->nyears)
            f->years[y].surplus_t += p->unplaced[i].t;
    }
    for (size_t i = 0; i < p->nunmet; i++) {
        int y = mb_month_year(p->unmet[i].month) - f->y0;
        if (y >= 0 && y < f->nyears)
            f->years[y].need_t += p->unmet[i].t;
    }

    /* Landfills, in scenario order. */
    size_t *lf_of = mb_xmalloc((s->nsites + 1) * sizeof *lf_of);
    for (size_t i = 0; i < s->nsites; i++) {
        lf_of[i] = (size_t)-1;
        if (s->sites[i].kind == MB_SITE_LANDFILL)
            lf_of[i] = f->nlandfills++;
    }
    f->landfills = mb_xcalloc(f->nlandfills + 1, sizeof *f->landfills);
    for (size_t i = 0; i < s->nsites; i++) {
        if (lf_of[i] == (size_t)-1)
            continue;
        const struct mb_site *x = &s->sites[i];
        struct mb_forecast_landfill *l = &f->landfills[lf_of[i]];
        l->site = i;
        l->unit = x->capacity.unit;
        l->capacity = mb_xmalloc((size_t)f->nyears * sizeof *l->capacity);
        l->open = mb_xcalloc((size_t)f->nyears, sizeof *l->open);
        for (int pr = 0; pr < MB_PRACTICE_COUNT; pr++)
            l->used[pr] = mb_xcalloc((size_t)f->nyears, sizeof *l->used[pr]);
        /* Its capacity of the year counts in every year with an open month
         * in the horizon, as in the model's capacity rows. A year with no
         * room (capacity 0) is open and full, not closed. */
        for (int y = 0; y < f->nyears; y++)
            l->capacity[y] = mb_site_year_capacity(s, x, f->y0 + y);
        for (int t = 0; t < p->nmonths; t++)
            if (open_in(x, s->from + t))
                l->open[mb_month_year(s->from + t) - f->y0] = true;
    }
    add_flows(s, f, lf_of, p->baseline_flows, p->nbaseline_flows, MB_PRACTICE_TODAY);
    add_flows(s, f, lf_of, p->flows, p->nflows, MB_PRACTICE_PLAN);
    add_short(s, f, p->baseline_unplaced, p->nbaseline_unplaced, MB_PRACTICE_TODAY);
    add_short(s, f, p->unplaced, p->nunplaced, MB_PRACTICE_PLAN);
    free(lf_of);

    for (size_t k = 0; k < f->nlandfills; k++) {
        struct mb_forecast_landfill *l = &f->landfills[k];
        for (int y = 0; y < f->nyears; y++) {
            if (!l->open[y])
                continue;
            f->years[y].landfills_open++;
            for (int pr = 0; pr < MB_PRACTICE_COUNT; pr++) {
                bool full = l->capacity[y] >= 0 &&
                            l->used[pr][y] >= MB_FORECAST_FULL_SHARE * l->capacity[y];
                if (full) {
                    f->years[y].landfills_full[pr]++;
                    if (!l->full_year[pr])
                        l->full_year[pr] = f->y0 + y;
                }
            }
        }
    }
    for (int pr = 0; pr < MB_PRACTICE_COUNT; pr++)
        for (int y = 0; y < f->nyears && !f->runs_out[pr]; y++)
            if (f->years[y].capacity_short_t[pr] > MB_FORECAST_SHORT_T)
                f->runs_out[pr] = f->y0 + y;
}

void mb_forecast_release(struct mb_forecast *f)
{
    if (!f)
        return;
    for (size_t k = 0; k < f->nlandfills; k++) {
        free(f->landfills[k].capacity);
        free(f->landfills[k].open);
        for (int pr = 0; pr < MB_PRACTICE_COUNT; pr++)
            free(f->landfills[k].used[pr]);
    }
    free(f->landfills);
    free(f->years);
    memset(f, 0, sizeof *f);
}

static json_t *year_or_null(int year)
{
    return year ? json_integer(year) : json_null();
}

json_t *mb_forecast_json(const struct mb_scenario *s, const struct mb_forecast *f)
{
    json_t *years = json_array(), *landfills = json_array();
    for (int y = 0; y < f->nyears; y++) {
        const struct mb_forecast_year *fy = &f->years[y];
        json_t *o = json_pack("{s:i,s:i,s:f,s:f,s:f,s:i}", "year", fy->year,
                              "months", fy->months, "surplus_t", fy->surplus_t,
                              "need_t", fy->need_t, "reused_t", fy->reused_t,
                              "landfills_open", fy->landfills_open);
        for (int pr = 0; pr < MB_PRACTICE_COUNT; pr++)
            json_object_set_new(o, mb_practice_name(pr),
                json_pack("{s:f,s:f,s:f,s:f,s:i}", "landfill_t", fy->landfill_t[pr],
                          "landfill_fm3", fy->landfill_fm3[pr],
                          "unplaced_t", fy->unplaced_t[pr],
                          "capacity_short_t", fy->capacity_short_t[pr],
                          "landfills_full", fy->landfills_full[pr]));
        json_array_append_new(years, o);
    }
    for (size_t k = 0; k < f->nlandfills; k++) {
        const struct mb_forecast_landfill *l = &f->landfills[k];
        json_t *ly = json_array();
        for (int y = 0; y < f->nyears; y++) {
            if (!l->open[y])
                continue;
            json_array_append_new(ly, json_pack("{s:i,s:o,s:f,s:f}", "year", f->y0 + y,
                "capacity", l->capacity[y] < 0 ? json_null() : json_real(l->capacity[y]),
                "today", l->used[MB_PRACTICE_TODAY][y], "plan", l->used[MB_PRACTICE_PLAN][y]));
        }
        json_array_append_new(landfills, json_pack("{s:s,s:s,s:s,s:{s:o,s:o},s:o}",
            "site", s->sites[l->site].id, "name", s->sites[l->site].name,
            "unit", mb_unit_symbol(l->unit), "full_year",
            "today", year_or_null(l->full_year[MB_PRACTICE_TODAY]),
            "plan", year_or_null(l->full_year[MB_PRACTICE_PLAN]), "years", ly));
    }
    return json_pack("{s:{s:o,s:o},s:o,s:o}", "runs_out",
                     "today", year_or_null(f->runs_out[MB_PRACTICE_TODAY]),
                     "plan", year_or_null(f->runs_out[MB_PRACTICE_PLAN]),
                     "years", years, "landfills", landfills);
}
