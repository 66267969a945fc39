/*
 * factors.c - the factor register (see factors.h): data/factors.csv,
 * embedded by tools/embed.c as mb_data_factors, read once per process.
 * Reading checks every row: the key is the one the enum expects at that
 * position, low <= central <= high, a known status, a year; a broken
 * table is a build error reported as MB_EDATA, never half-used.
 */
#include "plan/factors.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/csvtable.h"
#include "core/text.h"

extern const char mb_data_factors[];
extern const size_t mb_data_factors_len;

static const char *const keys[MB_F_COUNT] = {
    [MB_F_PAYLOAD] = "truck.payload_t",
    [MB_F_EMPTY_RETURN] = "truck.empty_return_share",
    [MB_F_FUEL_LOADED] = "truck.fuel_l_per_km_loaded",
    [MB_F_FUEL_EMPTY] = "truck.fuel_l_per_km_empty",
    [MB_F_FUEL_PER_LOAD] = "truck.fuel_l_per_load",
    [MB_F_KWH_LOADED] = "truck.kwh_per_km_loaded",
    [MB_F_KWH_EMPTY] = "truck.kwh_per_km_empty",
    [MB_F_COST_PER_LOAD] = "truck.cost_nok_per_load",
    [MB_F_COST_PER_KM] = "truck.cost_nok_per_km",
    [MB_F_COST_PER_HOUR] = "truck.cost_nok_per_hour",
    [MB_F_FERRY_TICKET] = "ferry.ticket_nok",
    [MB_F_FERRY_WAIT] = "ferry.wait_min",
    [MB_F_FERRY_CO2] = "ferry.co2_kg_per_km",
    [MB_F_DIESEL_TTW] = "fuel.diesel_ttw_kg_per_l",
    [MB_F_DIESEL_WTW] = "fuel.diesel_wtw_kg_per_l",
    [MB_F_HVO_TTW] = "fuel.hvo_ttw_kg_per_l",
    [MB_F_HVO_WTW] = "fuel.hvo_wtw_kg_per_l",
    [MB_F_FAME_WTW] = "fuel.fame_wtw_kg_per_l",
    [MB_F_GRID] = "grid.no_kg_per_kwh",
    [MB_F_ROAD_BIO_SHARE] = "fuel.road_bio_share",
    [MB_F_GATE_FEE] = "landfill.gate_fee_nok_per_t",
    [MB_F_LANDFILL_CO2] = "landfill.handling_kg_per_t",
    [MB_F_STORAGE_NOK] = "storage.handling_nok_per_t",
    [MB_F_STORAGE_HOLDING] = "storage.holding_nok_per_t_month",
    [MB_F_STORAGE_CO2] = "storage.handling_kg_per_t",
    [MB_F_PLANT_NOK] = "plant.processing_nok_per_t",
    [MB_F_PLANT_CO2] = "plant.crushing_kg_per_t",
    [MB_F_QUARRY_PRICE] = "quarry.price_nok_per_t",
    [MB_F_PROD_CRUSHED] = "production.crushed_kg_per_t",
    [MB_F_PROD_SAND_GRAVEL] = "production.sand_gravel_kg_per_t",
    [MB_F_PROD_ROCK] = "production.rock_kg_per_t",
    [MB_F_PROD_RECYCLED] = "production.recycled_kg_per_t",
    [MB_F_OVERFLOW_KM] = "overflow.landfill_km",
    [MB_F_OVERFLOW_FEE] = "overflow.gate_fee_nok_per_t",
    [MB_F_OVERFLOW_QUARRY_KM] = "overflow.quarry_km",
    [MB_F_CO2_PRICE] = "policy.co2_price_nok_per_t",
};

const char *mb_factor_key(enum mb_factor_id id)
{
    return id < MB_F_COUNT ? keys[id] : "";
}

int mb_factor_find(const char *key)
{
    return mb_text_index(keys, MB_F_COUNT, key);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct mb_factor_info reg[MB_F_COUNT];
static struct mb_error reg_err;
static int reg_rc;

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

static int bad(size_t line, const char *col, const char *what)
{
    return mb_error_set(&reg_err, MB_EDATA, col, "factors.csv line %zu: %s", line, what);
}

static int read_row(struct mb_factor_info *f, const struct mb_csv_table *t,
                    const struct mb_csv_row *r, size_t i)
{
    static const char *const cols[] = { "key", "group", "unit", "low", "central", "high",
        "boundary", "status", "name_en", "name_nb", "source", "publisher", "year", "url",
        "note", "unit_nb" };
    int c[16];
    for (size_t k = 0; k < 16; k++)
        if ((c[k] = mb_csv_column(t, cols[k])) < 0)
            return bad(0, cols[k], "a column is missing");
    copy(f->key, sizeof f->key, mb_csv_get(r, c[0]));
    if (strcmp(f->key, keys[i]) != 0)
        return bad(r->line, "key", "a key is not where the code expects it (see "
                   "enum mb_factor_id)");
    copy(f->group, sizeof f->group, mb_csv_get(r, c[1]));
    copy(f->unit, sizeof f->unit, mb_csv_get(r, c[2]));
    copy(f->unit_nb, sizeof f->unit_nb, mb_csv_get(r, c[15]));
    double *v[3] = { &f->low, &f->central, &f->high };
    for (int k = 0; k < 3; k++) {
        struct mb_error e;
        if (mb_parse_number(mb_csv_get(r, c[3 + k]), v[k], cols[3 + k], &e))
            return bad(r->line, cols[3 + k], "not a number");
    }
    if (!(f->low <= f->central && f->central <= f->high))
        return bad(r->line, "low", "low <= central <= high does not hold");
    copy(f->boundary, sizeof f->boundary, mb_csv_get(r, c[6]));
    const char *st = mb_csv_get(r, c[7]);
    if (strlen(st) != 1 || !strchr("VSE", st[0]))
        return bad(r->line, "status", "status must be V, S or E");
    f->status = st[0];
    copy(f->name_en, sizeof f->name_en, mb_csv_get(r, c[8]));
    copy(f->name_nb, sizeof f->name_nb, mb_csv_get(r, c[9]));
    copy(f->source, sizeof f->source, mb_csv_get(r, c[10]));
    copy(f->publisher, sizeof f->publisher, mb_csv_get(r, c[11]));
    double year;
    struct mb_error e;
    if (mb_parse_number(mb_csv_get(r, c[12]), &year, "year", &e) || year < 1900 ||
        year > 2100 || year != floor(year))
        return bad(r->line, "year", "year must be a year");
    f->year = (int)year;
    copy(f->url, sizeof f->url, mb_csv_get(r, c[13]));
    copy(f->note, sizeof f->note, mb_csv_get(r, c[14]));
    if (!f->name_en[0] || !f->name_nb[0] || !f->source[0] || !f->unit[0] || !f->unit_nb[0])
        return bad(r->line, "source", "names, unit and source are required");
    return 0;
}

static void load(void)
{
    struct mb_csv_table t;
    mb_error_clear(&reg_err);
    reg_rc = mb_csv_parse(&t, mb_data_factors, mb_data_factors_len, "factors.csv",
                          &reg_err);
    if (reg_rc) {
        reg_rc = MB_EDATA;
        reg_err.code = MB_EDATA;
        return;
    }
    if (t.nrows != MB_F_COUNT)
        reg_rc = mb_error_set(&reg_err, MB_EDATA, "key", "factors.csv has %zu factors, "
                              "the code knows %d", t.nrows, (int)MB_F_COUNT);
    for (size_t i = 0; reg_rc == 0 && i < t.nrows; i++)
        reg_rc = read_row(&reg[i], &t, &t.rows[i], i);
    mb_csv_release(&t);
}

const struct mb_factor_info *mb_factor_register(struct mb_error *err)
{
    pthread_once(&once, load);
    if (reg_rc) {
        if (err)
            *err = reg_err;
        return NULL;
    }
    return reg;
}

int mb_factors_init(struct mb_factors *f, struct mb_error *err)
{
    const struct mb_factor_info *r = mb_factor_register(err);
    memset(f, 0, sizeof *f);
    if (!r)
        return MB_EDATA;
    for (int i = 0; i < MB_F_COUNT; i++) {
        f->v[i] = (struct mb_factor_range){ r[i].low, r[i].central, r[i].high };
        f->origin[i] = MB_FACTOR_REGISTER;
    }
    return 0;
}

void mb_factors_central(const struct mb_factors *f, double x[MB_F_COUNT])
{
    for (int i = 0; i < MB_F_COUNT; i++)
        x[i] = f->v[i].central;
}

static const char *const boundary_names[MB_BOUNDARY_COUNT] = { "ttw", "wtw" };
static const char *const fuel_names[MB_FUEL_COUNT] = { "diesel_no", "diesel", "b7",
                                                        "hvo100", "electric" };

const char *mb_boundary_name(enum mb_boundary b)
{
    return b < MB_BOUNDARY_COUNT ? boundary_names[b] : "";
}

const char *mb_fuel_name(enum mb_fuel f)
{
    return f < MB_FUEL_COUNT ? fuel_names[f] : "";
}

int mb_boundary_parse(const char *s)
{
    return mb_text_index(boundary_names, MB_BOUNDARY_COUNT, s);
}

int mb_fuel_parse(const char *s)
{
    return mb_text_index(fuel_names, MB_FUEL_COUNT, s);
}

/* B7: 93 % fossil diesel and 7 % FAME by volume; tank to wheel the FAME's
 * CO2 is biogenic and counts as zero (national inventory rules). */
#define B7_FAME_SHARE 0.07

double mb_factors_kg_per_litre(const double *x, enum mb_boundary b,
                               const double mix[MB_FUEL_COUNT])
{
    bool wtw = b == MB_BOUNDARY_WTW;
    double diesel = wtw ? x[MB_F_DIESEL_WTW] : x[MB_F_DIESEL_TTW];
    double fame = wtw ? x[MB_F_FAME_WTW] : 0;
    double hvo = wtw ? x[MB_F_HVO_WTW] : x[MB_F_HVO_TTW];
    double bio = x[MB_F_ROAD_BIO_SHARE];
    return mix[MB_FUEL_DIESEL_NO] * ((1 - bio) * diesel + bio * hvo) +
           mix[MB_FUEL_DIESEL] * diesel +
           mix[MB_FUEL_B7] * ((1 - B7_FAME_SHARE) * diesel + B7_FAME_SHARE * fame) +
           mix[MB_FUEL_HVO100] * hvo;
}

double mb_factors_kg_per_kwh(const double *x, enum mb_boundary b)
{
    return b == MB_BOUNDARY_WTW ? x[MB_F_GRID] : 0;
}
