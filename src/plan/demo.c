/*
 * demo.c - the Trondheim demo region (see demo.h and docs/demo-region.md).
 *
 * Landfills: the IKAP rows, each distinct name once (a name listed twice is
 * taken at its first row; the inconsistency is reported by `massebank
 * refdata`), capacities read as solid m3 per year. A landfill without a
 * municipality is placed at Trondheim's interior point and marked
 * approximate, like every position the tables do not give.
 * Sources: each municipality's 2020 surplus (MEF), every year of the
 * horizon, split into projects of at most 40,000 m3 with windows of two to
 * six months, placed around the municipality's point; all class 1 (MEF
 * counts clean masses), the material mix is an assumption. Needs: half the
 * surplus volume each year, as crushed rock 0/32, kult 20/120, blasted
 * rock (any rock accepted) and moraine (or sand, gravel). Proposed: two intermediate storage sites
 * and one crushing plant, the facilities the region lacks. Indre Fosen lies
 * across the Trondheimsfjord: its sites carry a detour factor of 2.5.
 */
#include "plan/demo.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/splitmix.h"
#include "core/text.h"
#include "domain/month.h"
#include "domain/municipality.h"
#include "domain/refdata.h"

#define DEMO_FROM_YEAR 2026
#define DEMO_YEARS 6
#define PROJECT_MAX_M3 40000.0
#define FJORD_DETOUR 2.5

static json_t *window(int from, int to)
{
    char a[8], b[8];
    mb_month_format(from, a);
    mb_month_format(to, b);
    return json_pack("{s:s,s:s}", "from", a, "to", b);
}

static json_t *qty(double v, const char *unit)
{
    return json_pack("{s:f,s:s}", "value", round(v), "unit", unit);
}

/* A point near a municipality's interior point (within about 4 km). */
static void near_point(uint64_t *s, const struct mb_municipality *m, double *lat,
                       double *lon)
{
    double r = 4.0 * sqrt(mb_splitmix_unit(s)), a = 2 * 3.14159265358979 * mb_splitmix_unit(s);
    *lat = m->point.lat + r * cos(a) / 111.0;
    *lon = m->point.lon + r * sin(a) / (111.0 * cos(m->point.lat * 3.14159265 / 180));
}

static void add_site_common(json_t *o, const struct mb_municipality *m)
{
    json_object_set_new(o, "municipality", json_string(m->code));
    if (strcmp(m->name, "Indre Fosen") == 0)
        json_object_set_new(o, "detour_factor", json_real(FJORD_DETOUR));
}

/* Landfills of the IKAP table matched to a site found in public sources,
 * with a position near it. Every one stays approximate: no source gave a
 * surveyed point (docs/demo-region.md names each source). */
static const struct {
    const char *ikap_name, *name;
    double lat, lon;
} known_landfills[] = {
    { "Sulberg og Maran", "Solberg og Røran (Sulberg og Maran i IKAP)", 63.33, 10.32 },
    { "Tassens Myr", "Tanem massedeponi (Tassens Myr i IKAP)", 63.3081, 10.4375 },
    { "Blåne Forst", "Øvre Forset deponi (Blåne Forst i IKAP)", 63.30, 10.44 },
    { "Furufjellgrønt", "Furuhaugen deponi (Furufjellgrønt i IKAP)", 63.27, 10.40 },
};

/* Quarries of the region (operator, approximate position; sources in
 * docs/demo-region.md). Where none was found, the municipality's point. */
static const struct {
    const char *id, *name, *muni;
    double lat, lon; /* 0: the municipality's point */
} demo_quarries[] = {
    { "pukkverk-lia", "Lia pukkverk (Franzefoss)", "5001", 63.38, 10.46 },
    { "pukkverk-vassfjell", "Vassfjell pukkverk (Franzefoss)", "5001", 63.26, 10.37 },
    { "grustak-forset", "Forset grustak (Forset Grus)", "5001", 63.305, 10.44 },
    { "grustak-hembre", "Hembre Grus (Hegra)", "5035", 63.46, 11.12 },
    { "pukkverk-5031", NULL, "5031", 0, 0 },
    { "pukkverk-5059", NULL, "5059", 0, 0 },
};

/* Population on 1 January 2023 (SSB, as published by Trondheimsregionen,
 * "Folketall: Alle i vekst!"), for the municipalities of the surplus
 * table. */
static const struct {
    const char *code;
    double people;
} population[] = {
    { "5001", 212660 }, { "5028", 17340 }, { "5029", 8441 }, { "5035", 24541 },
    { "5031", 14662 }, { "5059", 18690 }, { "5054", 9977 }, { "5027", 6133 },
};

/* Aggregate consumption in Sør-Trøndelag: 10.2 t per person and year
 * (NGU, "Press på grus- og pukkressursene", 2002/2003 figures; Norway
 * 2018: 13 t, DMF). Share of it that surplus rock and soil can serve
 * (fill, sub-base and base courses; not concrete and asphalt aggregate):
 * 0.5, an estimate [E]. */
#define DEMO_CONSUMPTION_T_PER_PERSON 10.2
#define DEMO_SERVABLE_SHARE 0.5
#define NEED_PROJECT_MAX_T 60000.0

/* The region's expected landfill capacity per year (IKAP, "sum per år
 * forventet i drift"), m3; after its last year, the last value. */
static double region_capacity(const struct mb_refdata *r, int year)
{
    double v = -1;
    int best = 0;
    for (size_t i = 0; i < r->nyears; i++)
        if (r->years[i].year <= year && r->years[i].year >= best) {
            best = r->years[i].year;
            v = r->years[i].capacity_m3;
        }
    return v;
}

char *mb_demo_trondheim(struct mb_error *err)
{
    struct mb_municipalities mu;
    struct mb_refdata r;
    if (mb_municipalities_init(&mu, err))
        return NULL;
    if (mb_refdata_load(&r, NULL, &mu, err)) {
        mb_municipalities_release(&mu);
        return NULL;
    }
    uint64_t seed = 2020;
    json_t *sites = json_array();
    const struct mb_municipality *trd = mb_municipality_find(&mu, "5001");
    char id[48];
    /* Landfills: each distinct IKAP name once. The table's m3 are the
     * volume a landfill fills, so placed m3 (pm3). Each year the sites
     * together get the region's expected capacity of that year (the IKAP
     * sum row), shared in proportion to their own rows, which add up to
     * more than the sum row says. */
    double rows_total = 0;
    bool *dup = mb_xcalloc(r.nlandfills + 1, sizeof *dup);
    for (size_t i = 0; i < r.nlandfills; i++) {
        for (size_t j = 0; j < i; j++)
            dup[i] |= mb_text_casecmp(r.landfills[i].name, r.landfills[j].name) == 0;
        if (!dup[i])
            rows_total += r.landfills[i].yearly_m3;
    }
    for (size_t i = 0; i < r.nlandfills; i++) {
        const struct mb_ref_landfill *l = &r.landfills[i];
        if (dup[i])
            continue;
        const struct mb_municipality *m = l->muni ? l->muni : trd;
        snprintf(id, sizeof id, "deponi-%zu", i + 1);
        json_t *by = json_pack("{s:s}", "unit", "pm3");
        for (int y = 0; y < DEMO_YEARS; y++) {
            char year[8];
            snprintf(year, sizeof year, "%d", DEMO_FROM_YEAR + y);
            double region = region_capacity(&r, DEMO_FROM_YEAR + y);
            double v = region >= 0 && rows_total > 0 ? region * l->yearly_m3 / rows_total
                                                     : l->yearly_m3;
            json_object_set_new(by, year, json_real(round(v)));
        }
        const char *name = l->name;
        double lat = 0, lon = 0;
        for (size_t k = 0; k < sizeof known_landfills / sizeof *known_landfills; k++)
            if (mb_text_casecmp(l->name, known_landfills[k].ikap_name) == 0) {
                name = known_landfills[k].name;
                lat = known_landfills[k].lat;
                lon = known_landfills[k].lon;
            }
        json_t *o = json_pack("{s:s,s:s,s:s,s:[s,s],s:i,s:o,s:o,s:f}", "id", id,
            "name", name, "kind", "landfill", "accepts", "rock.*", "soil.*",
            "max_class", 1, "capacity_per_year", qty(l->yearly_m3, "pm3"),
            "capacity_by_year", by,
            "gate_fee_nok_per_t", 80.0 / 2.0); /* 80 NOK/fm3 at about 2 t/fm3 [E] */
        if (lat != 0) {
            json_object_set_new(o, "lat", json_real(lat));
            json_object_set_new(o, "lon", json_real(lon));
            json_object_set_new(o, "approximate", json_true());
        }
        add_site_common(o, m);
        json_array_append_new(sites, o);
    }
    free(dup);
    /* Sources and needs per municipality and year. */
    static const char *const mats[] = { "rock.blasted", "soil.moraine", "soil.clay",
                                        "soil.fill" };
    static const double mat_w[] = { 0.45, 0.25, 0.20, 0.10 };
    static const char *const need_mats[] = { "product.crushed.0-32", "rock.blasted",
                                             "soil.moraine", "product.crushed.20-120" };
    for (size_t k = 0; k < r.nsurplus; k++) {
        const struct mb_municipality *m = r.surplus[k].muni;
        double yearly = r.surplus[k].landfill_m3;
        int projects = (int)ceil(yearly / PROJECT_MAX_M3);
        for (int y = 0; y < DEMO_YEARS; y++) {
            for (int p = 0; p < projects; p++) {
                double lat, lon, u = mb_splitmix_unit(&seed), acc = 0;
                int mat = 0;
                for (mat = 0; mat < 3; mat++) {
                    acc += mat_w[mat];
                    if (u < acc)
                        break;
                }
                int len = 2 + (int)(mb_splitmix_unit(&seed) * 5);
                int start = (DEMO_FROM_YEAR + y) * 12 + (int)(mb_splitmix_unit(&seed) * (12 - len + 1));
                near_point(&seed, m, &lat, &lon);
                snprintf(id, sizeof id, "overskudd-%s-%d-%d", m->code, DEMO_FROM_YEAR + y, p + 1);
                json_t *o = json_pack("{s:s,s:s,s:f,s:f,s:s,s:i,s:o,s:o}", "id", id,
                    "kind", "source", "lat", lat, "lon", lon, "material", mats[mat],
                    "class", 1, /* MEF counts clean masses */
                    "amount", qty(yearly / projects, "fm3"),
                    "window", window(start, start + len - 1));
                add_site_common(o, m);
                json_array_append_new(sites, o);
            }
        }
    }
    /* Needs: each municipality's people x aggregate consumption x the
     * share surplus masses can serve, every year, split into projects of
     * at most NEED_PROJECT_MAX_T with windows of two to six months, from
     * their own random stream (so the sources above do not move). */
    uint64_t nseed = 2023;
    for (size_t k = 0; k < sizeof population / sizeof *population; k++) {
        const struct mb_municipality *m = mb_municipality_find(&mu, population[k].code);
        if (!m)
            continue;
        double yearly = population[k].people * DEMO_CONSUMPTION_T_PER_PERSON *
                        DEMO_SERVABLE_SHARE;
        int projects = (int)ceil(yearly / NEED_PROJECT_MAX_T);
        for (int y = 0; y < DEMO_YEARS; y++) {
            for (int p = 0; p < projects; p++) {
                double lat, lon;
                int nm = (int)(mb_splitmix_unit(&nseed) * 4);
                int nlen = 2 + (int)(mb_splitmix_unit(&nseed) * 5);
                int nstart = (DEMO_FROM_YEAR + y) * 12 + (int)(mb_splitmix_unit(&nseed) * (12 - nlen + 1));
                near_point(&nseed, m, &lat, &lon);
                snprintf(id, sizeof id, "behov-%s-%d-%d", m->code, DEMO_FROM_YEAR + y, p + 1);
                json_t *o = json_pack("{s:s,s:s,s:f,s:f,s:s,s:o,s:o}", "id", id, "kind",
                    "need", "lat", lat, "lon", lon, "material", need_mats[nm],
                    "amount", qty(yearly / projects, "t"),
                    "window", window(nstart, nstart + nlen - 1));
                if (nm == 1)
                    json_object_set_new(o, "accepts", json_pack("[s]", "rock.*"));
                if (nm == 2)
                    json_object_set_new(o, "accepts", json_pack("[s,s,s]", "soil.moraine",
                                                                "soil.sand", "soil.gravel"));
                add_site_common(o, m);
                json_array_append_new(sites, o);
            }
        }
    }
    /* Proposed facilities and the quarries that sell virgin material. */
    const struct mb_municipality *mel = mb_municipality_find(&mu, "5028");
    const struct mb_municipality *stj = mb_municipality_find(&mu, "5035");
    const struct mb_municipality *mal = mb_municipality_find(&mu, "5031");
    const struct mb_municipality *ork = mb_municipality_find(&mu, "5059");
    json_t *o = json_pack("{s:s,s:s,s:s,s:[s,s,s],s:o}", "id", "mellomlager-trondheim",
        "name", "Mellomlager Trondheim (foreslått)", "kind", "storage",
        "accepts", "rock.*", "soil.moraine", "product.*", "capacity", qty(150000, "t"));
    add_site_common(o, trd);
    json_array_append_new(sites, o);
    o = json_pack("{s:s,s:s,s:s,s:[s,s],s:o}", "id", "mellomlager-stjordal",
        "name", "Mellomlager Stjørdal (foreslått)", "kind", "storage",
        "accepts", "rock.*", "soil.moraine", "capacity", qty(80000, "t"));
    add_site_common(o, stj);
    json_array_append_new(sites, o);
    o = json_pack("{s:s,s:s,s:s,s:[s,s],s:o,s:[{s:s,s:f},{s:s,s:f}]}", "id",
        "knuseverk-melhus", "name", "Knuse- og sorteringsanlegg Melhus (foreslått)",
        "kind", "plant", "accepts", "rock.blasted", "rock.tunnel",
        "capacity_per_month", qty(25000, "t"), "yields",
        "material", "product.crushed.0-32", "share", 0.7,
        "material", "product.crushed.20-120", "share", 0.3);
    add_site_common(o, mel);
    json_array_append_new(sites, o);
    (void)mal;
    (void)ork;
    for (size_t q = 0; q < sizeof demo_quarries / sizeof *demo_quarries; q++) {
        const struct mb_municipality *qm = mb_municipality_find(&mu, demo_quarries[q].muni);
        o = json_pack("{s:s,s:s,s:[s,s,s,s]}", "id", demo_quarries[q].id, "kind", "quarry",
                      "offers", "product.*", "rock.blasted", "soil.sand", "soil.gravel");
        if (demo_quarries[q].name)
            json_object_set_new(o, "name", json_string(demo_quarries[q].name));
        if (demo_quarries[q].lat != 0) {
            json_object_set_new(o, "lat", json_real(demo_quarries[q].lat));
            json_object_set_new(o, "lon", json_real(demo_quarries[q].lon));
            json_object_set_new(o, "approximate", json_true());
        }
        if (qm)
            add_site_common(o, qm);
        json_array_append_new(sites, o);
    }
    char from[8], to[8];
    mb_month_format(DEMO_FROM_YEAR * 12, from);
    mb_month_format((DEMO_FROM_YEAR + DEMO_YEARS) * 12 - 1, to);
    json_t *root = json_pack("{s:s,s:s,s:{s:s,s:s},s:o}", "format", "massebank-scenario/1",
        "name", "Trondheimsregionen (demo): 2020-mengder fra MEF, deponier og kapasitet fra "
        "IKAP, behov fra forbruk per innbygger",
        "horizon", "from", from, "to", to, "sites", sites);
    char *text = mb_xjson_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(9));
    json_decref(root);
    mb_refdata_release(&r);
    mb_municipalities_release(&mu);
    return text;
}
