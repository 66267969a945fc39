/*
 * whatif.c - the kept basis of a region's last plan, by name (whatif.h).
 *
 * Only column statuses that differ from a cold start's are kept (basic
 * columns and those at their upper bound), and every row with its status
 * and dual; a name not found means the cold start's status. Names are 64-bit hashes of
 * what a row or column is; two names that collide give a worse start, not
 * a wrong answer.
 */
#include "plan/whatif.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/hash.h"
#include "plan/model.h"

/* Clp's status codes, as in lp.c. */
enum { ST_FREE = 0, ST_BASIC = 1, ST_UPPER = 2, ST_LOWER = 3 };

void mb_whatif_init(struct mb_whatif *w)
{
    memset(w, 0, sizeof *w);
}

void mb_whatif_release(struct mb_whatif *w)
{
    if (!w)
        return;
    free(w->keys);
    free(w->status);
    free(w->dual);
    json_decref(w->before);
    if (w->model)
        mb_model_release(w->model);
    free(w->model);
    mb_model_origin_release(w->origin);
    free(w->origin);
    memset(w, 0, sizeof *w);
}

static uint64_t nonzero(uint64_t h)
{
    return h ? h : 1;
}

static uint64_t comm_key(const struct mb_model *m, uint64_t h, int32_t c)
{
    if (c < 0 || (size_t)c >= m->ncomm)
        return mb_hash_mix(h, 0xffff);
    return mb_hash_mix(mb_hash_mix(h, (uint64_t)m->comm[c].material + 1), (uint64_t)m->comm[c].cls + 1);
}

/* A column by what it is; the horizon's first month is in every name, so
 * months are only matched within the same horizon. */
static uint64_t col_key(const struct mb_model *m, const uint64_t *site, size_t j)
{
    const struct mb_col_info *c = &m->cols[j];
    uint64_t h = mb_hash_mix(0x636f6cULL, (uint64_t)c->kind + 1);
    h = mb_hash_mix(h, site[c->from]);
    h = mb_hash_mix(h, site[c->to]);
    h = mb_hash_mix(h, (uint64_t)(uint32_t)c->t);
    h = mb_hash_mix(h, (uint64_t)(uint32_t)m->s->from);
    return nonzero(comm_key(m, h, c->commodity));
}

static uint64_t row_key(const struct mb_model *m, const uint64_t *site, size_t i)
{
    const struct mb_row_info *r = &m->rows[i];
    uint64_t h = mb_hash_mix(0x726f77ULL, (uint64_t)r->kind + 1);
    h = mb_hash_mix(h, site[r->site]);
    h = mb_hash_mix(h, (uint64_t)(uint32_t)r->t);
    h = mb_hash_mix(h, (uint64_t)(uint32_t)m->s->from);
    return nonzero(comm_key(m, h, r->commodity));
}

/* Each site's id, hashed once; caller frees. */
static uint64_t *site_keys(const struct mb_model *m)
{
    uint64_t *k = mb_xmalloc((m->s->nsites + 1) * sizeof *k);
    for (size_t i = 0; i < m->s->nsites; i++)
        k[i] = mb_hash_text(0, m->s->sites[i].id);
    return k;
}

static unsigned char col_default(const struct mb_lp *lp, size_t j)
{
    return isfinite(lp->collb[j]) ? ST_LOWER : isfinite(lp->colub[j]) ? ST_UPPER : ST_FREE;
}

static size_t slot(const struct mb_whatif *w, uint64_t key)
{
    size_t mask = w->cap - 1, k = (size_t)(key ^ (key >> 32)) & mask;
    while (w->keys[k] && w->keys[k] != key)
        k = (k + 1) & mask;
    return k;
}

unsigned char *mb_whatif_start(const struct mb_whatif *w, const struct mb_model *m,
                               double **duals, size_t *matched)
{
    *duals = NULL;
    if (matched)
        *matched = 0;
    if (!w || w->n == 0)
        return NULL;
    double *y = mb_xcalloc(m->lp.nrows + 1, sizeof *y);
    const struct mb_lp *lp = &m->lp;
    size_t nc = lp->ncols, nr = lp->nrows, found = 0;
    unsigned char *st = mb_xmalloc(nc + nr + 1);
    uint64_t *site = site_keys(m);
    for (size_t j = 0; j < nc; j++) {
        size_t k = slot(w, col_key(m, site, j));
        st[j] = w->keys[k] ? w->status[k] : col_default(lp, j);
        found += w->keys[k] != 0;
    }
    for (size_t i = 0; i < nr; i++) {
        size_t k = slot(w, row_key(m, site, i));
        st[nc + i] = w->keys[k] ? w->status[k] : ST_BASIC;
        y[i] = w->keys[k] ? w->dual[k] : 0;
        found += w->keys[k] != 0;
    }
    free(site);
    if (matched)
        *matched = found;
    *duals = y;
    return st;
}

static void put(struct mb_whatif *w, uint64_t key, unsigned char status, double dual)
{
    size_t k = slot(w, key);
    if (!w->keys[k])
        w->n++;
    w->keys[k] = key;
    w->status[k] = status;
    w->dual[k] = dual;
}

int mb_whatif_model(struct mb_whatif *w, struct mb_model *m, const struct mb_scenario *s,
                    bool *delta, struct mb_error *err)
{
    size_t n;
    *delta = w->model && mb_model_build_delta(w->model, s, w->origin, MB_WHATIF_MAX_DELTA,
                                              &n) == 0;
    if (*delta) { /* the kept model became the new one: the caller's now */
        *m = *w->model;
        free(w->model);
        w->model = NULL;
        return 0;
    }
    /* anew, at once at the kept model's size */
    return mb_model_build_sized(m, s, w->model ? &w->model->lp : NULL, err);
}

void mb_whatif_keep(struct mb_whatif *w, struct mb_model *m, const unsigned char *basis,
                    const double *duals)
{
    const struct mb_lp *lp = &m->lp;
    size_t nc = lp->ncols, nr = lp->nrows, n = nr;
    for (size_t j = 0; j < nc; j++)
        n += basis[j] != col_default(lp, j);
    size_t cap = 16;
    while (cap < 2 * n + 16)
        cap *= 2;
    free(w->keys);
    free(w->status);
    free(w->dual);
    w->keys = mb_xcalloc(cap, sizeof *w->keys);
    w->status = mb_xmalloc(cap);
    w->dual = mb_xmalloc(cap * sizeof *w->dual);
    w->cap = cap;
    w->n = 0;
    uint64_t *site = site_keys(m);
    for (size_t j = 0; j < nc; j++)
        if (basis[j] != col_default(lp, j))
            put(w, col_key(m, site, j), basis[j], 0);
    for (size_t i = 0; i < nr; i++)
        put(w, row_key(m, site, i), basis[nc + i], duals[i]);
    free(site);
    w->solves++;
    if (!w->origin)
        w->origin = mb_xcalloc(1, sizeof *w->origin);
    mb_model_origin_release(w->origin);
    mb_model_origin_take(w->origin, m->s);
    if (w->model)
        mb_model_release(w->model);
    else
        w->model = mb_xmalloc(sizeof *w->model);
    *w->model = *m;
    w->model->s = NULL; /* the scenario is the caller's */
    memset(m, 0, sizeof *m);
}
