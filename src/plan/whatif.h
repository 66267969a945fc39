/*
 * whatif.h - what-if planning: a region's last solved model kept with its
 * optimal basis, so that the next plan of the region after a small change
 * (a listing added, moved, resized or withdrawn; a landfill closed; a
 * plant opened) starts from where the last one ended instead of from
 * nothing (docs/planning-model.md, "What-if").
 *
 * The basis is kept by name, not by position: each row and column is
 * known by what it is (its kind, the ids of its sites, its month and its
 * commodity), so the statuses carry over to the new model whatever was
 * added or taken out; a row or column the last model did not have starts
 * as a cold start would (a row's slack basic, a column at its bound).
 * The start is only a start: the solver repairs it and the answer is the
 * new model's own optimum, the same as a cold solve's (tests compare the
 * two to 1e-7).
 */
#ifndef MB_PLAN_WHATIF_H
#define MB_PLAN_WHATIF_H

#include <stddef.h>
#include <stdint.h>

struct mb_model;

struct mb_whatif {
    uint64_t *keys;         /* open addressing, 0 = empty */
    unsigned char *status;  /* Clp's status of each key's row or column */
    double *dual;           /* a row's dual (0 for a column) */
    size_t cap;             /* slots, a power of two */
    size_t n;               /* keys held */
    int solves;             /* plans solved with this state */
    size_t rows, cols, nnz; /* the last model's size, to build the next at once */
};

/* An empty state: the first plan with it starts cold. */
void mb_whatif_init(struct mb_whatif *w);
void mb_whatif_release(struct mb_whatif *w);

/* The start for model m from the kept basis (ncols then nrows statuses,
 * malloc'ed, the caller frees), or NULL while nothing is kept; *duals the
 * kept duals of m's rows (0 for a new row; malloc'ed, NULL with the
 * basis). *matched (may be NULL) counts the rows and columns found by
 * name. */
unsigned char *mb_whatif_start(const struct mb_whatif *w, const struct mb_model *m,
                               double **duals, size_t *matched);

/* Keep m's final basis (ncols then nrows statuses) and duals (nrows) in
 * place of the last. */
void mb_whatif_keep(struct mb_whatif *w, const struct mb_model *m, const unsigned char *basis,
                    const double *duals);

#endif
