/*
 * grid.c - a sorted array of (cell, site) pairs and 3x3 cell lookups
 * (see grid.h).
 */
#include "plan/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static int64_t cell(const struct mb_grid *g, double lat, double lon, int di, int dj)
{
    int64_t i = (int64_t)floor(lat / g->dlat) + di;
    int64_t j = (int64_t)floor((lon + 180.0) / g->dlon) + dj;
    return i * 1000003 + j;
}

struct pair {
    int64_t key;
    size_t site;
};

static int by_key(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->site > y->site) - (x->site < y->site);
}

void mb_grid_build(struct mb_grid *g, const struct mb_scenario *s, double max_km)
{
    memset(g, 0, sizeof *g);
    /* 1 degree of latitude >= 110.5 km; of longitude >= 111.3 cos(72) km in
     * Norway (sites are checked to lie below 71.4 N). */
    /* An explicit distance may be up to MB_DISTANCE_SLACK_KM shorter than
     * the straight line (scenario.h): cells leave room for it. */
    max_km += MB_DISTANCE_SLACK_KM;
    g->dlat = max_km / 110.5;
    g->dlon = max_km / (111.3 * cos(72.0 * 3.14159265358979323846 / 180.0));
    struct pair *p = mb_xmalloc((s->nsites + 1) * sizeof *p);
    for (size_t i = 0; i < s->nsites; i++)
        p[i] = (struct pair){ cell(g, s->sites[i].pos.lat, s->sites[i].pos.lon, 0, 0), i };
    qsort(p, s->nsites, sizeof *p, by_key);
    g->n = s->nsites;
    g->key = mb_xmalloc((g->n + 1) * sizeof *g->key);
    g->site = mb_xmalloc((g->n + 1) * sizeof *g->site);
    for (size_t i = 0; i < g->n; i++) {
        g->key[i] = p[i].key;
        g->site[i] = p[i].site;
    }
    free(p);
}

void mb_grid_release(struct mb_grid *g)
{
    if (!g)
        return;
    free(g->key);
    free(g->site);
    memset(g, 0, sizeof *g);
}

void mb_grid_near(const struct mb_grid *g, const struct mb_scenario *s, size_t a,
                  void (*fn)(void *ctx, size_t site), void *ctx)
{
    for (int di = -1; di <= 1; di++)
        for (int dj = -1; dj <= 1; dj++) {
            int64_t k = cell(g, s->sites[a].pos.lat, s->sites[a].pos.lon, di, dj);
            size_t lo = 0, hi = g->n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (g->key[mid] < k)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t i = lo; i < g->n && g->key[i] == k; i++)
                fn(ctx, g->site[i]);
        }
}
