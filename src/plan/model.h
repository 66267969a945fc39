/*
 * model.h - the planning model: a time-expanded network written as an LP
 * (docs/planning-model.md has the formulation).
 *
 * One layer per month. A commodity is a (material, condition class) pair:
 * a mass keeps its material and class from where it arises, so which flows
 * may exist is a question of which arcs are built. Rows: each source-month
 * must send its share (or leave it unplaced), each need-month must receive
 * its share (or go unmet), landfills and quarries have yearly capacity,
 * storage carries stock per commodity from month to month within its
 * capacity, plants turn inputs into outputs by their yields within monthly
 * capacity. Columns: flows (tonnes on one arc in one month), unplaced and
 * unmet slack at a penalty, and storage stock.
 */
#ifndef MB_PLAN_MODEL_H
#define MB_PLAN_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "plan/lp.h"
#include "plan/scenario.h"

struct mb_commodity {
    int material;
    int cls;
};

enum mb_col_kind { MB_COL_FLOW, MB_COL_UNPLACED, MB_COL_UNMET, MB_COL_STOCK };

struct mb_col_info {
    uint8_t kind;
    int32_t from, to;  /* sites (to = from for slack and stock) */
    int32_t t;         /* month index within the horizon */
    int32_t commodity;
    double km, cost_nok, co2_kg; /* per tonne, for flows; holding cost for stock */
};

enum mb_row_kind { MB_ROW_SOURCE, MB_ROW_NEED, MB_ROW_LANDFILL, MB_ROW_QUARRY,
                   MB_ROW_STORAGE_BALANCE, MB_ROW_STORAGE_CAP, MB_ROW_PLANT_CAP,
                   MB_ROW_PLANT_OUT };

struct mb_row_info {
    uint8_t kind;
    int32_t site, t, commodity; /* t is a year index for landfill/quarry rows */
};

struct mb_model {
    const struct mb_scenario *s;
    int T;                 /* months in the horizon */
    int Y;                 /* calendar years touched by the horizon */
    struct mb_commodity *comm;
    size_t ncomm;
    struct mb_lp lp;
    struct mb_col_info *cols;
    size_t cap_cols;
    struct mb_row_info *rows;
    size_t cap_rows;
};

/* Build the model of a validated scenario. The caller releases it. */
int mb_model_build(struct mb_model *m, const struct mb_scenario *s,
                   struct mb_error *err);

/* The same, with room made first for a model of about `hint`'s size (its
 * rows, columns and nonzeros; may be NULL): a region built again after a
 * small change (whatif.h) then grows without copying. */
int mb_model_build_sized(struct mb_model *m, const struct mb_scenario *s,
                         const struct mb_lp *hint, struct mb_error *err);
void mb_model_release(struct mb_model *m);

/* What a model was built from, so that the next model of a changed
 * scenario can be built from it (what-if planning, whatif.h): each site's
 * id and a fingerprint of everything of it the model depends on (its
 * distances included), and one of the scenario's own settings. */
struct mb_model_origin {
    char (*id)[64];
    uint64_t *fp;
    size_t n;
    uint64_t global;
};
void mb_model_origin_take(struct mb_model_origin *o, const struct mb_scenario *s);
void mb_model_origin_release(struct mb_model_origin *o);

/* Turn *m, the model of the scenario `from` describes, into the model of
 * s, in place: the rows and columns among sites that are as they were
 * stay (moved down over those that go, their indexes renumbered), the
 * rows, slack and stock of new or changed sites are built, and every arc
 * from or to them; the same LP as mb_model_build's, its rows and columns
 * in another order. Returns 0, or 1 with *m untouched when a delta does
 * not pay or cannot be exact: other settings (factors, transport,
 * horizon, objective, catalog), another set of commodities, or more than
 * max_changed sites added, removed or changed. *nchanged: that count. */
int mb_model_build_delta(struct mb_model *m, const struct mb_scenario *s,
                         const struct mb_model_origin *from, size_t max_changed,
                         size_t *nchanged);

/* Cost of moving one tonne of `material` from site a to site b: road km,
 * NOK (transport, the receiver's fee, a quarry's price) and kg CO2
 * (transport, the receiver's handling, a quarry's production). */
void mb_arc_cost(const struct mb_scenario *s, size_t a, size_t b, int material,
                 double *km, double *nok, double *co2);

/* Production CO2 per tonne of `material` bought from quarry q: its own
 * EPD value, or the register's factor for the product (central). */
double mb_quarry_co2(const struct mb_scenario *s, const struct mb_site *q, int material);

/* Capacity units used by one tonne of a material (1 for tonnes, 1/density
 * for fm3, bulking/density for lm3). */
double mb_capacity_weight(const struct mb_scenario *s, const struct mb_capacity *c,
                          int material);

/* Whether a receiving site takes a material of a class. */
bool mb_site_takes(const struct mb_site *site, int material, int cls);

/* Write a pure transport model (sources, needs, landfills and quarries
 * with capacities in tonnes; no storage, no plants) as a DIMACS minimum-cost
 * flow problem, so a network-flow code (LEMON's NetworkSimplex in bench/)
 * can solve the same instance: every row becomes a node, a super source
 * feeds quarries and unmet needs, a super sink takes landfills and
 * unplaced masses. Its optimum equals the LP's. MB_EINVAL if the model is
 * not a pure network. */
int mb_model_write_dimacs(const struct mb_model *m, FILE *f, struct mb_error *err);

/* Names for the LP file (64-byte buffers). */
void mb_model_col_name(const void *model, size_t j, char *buf);
void mb_model_row_name(const void *model, size_t i, char *buf);

#endif
