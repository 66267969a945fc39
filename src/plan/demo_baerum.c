/*
 * demo_baerum.c - the Bærum estimate (see demo.h and docs/baerum-estimate.md):
 * a small scenario built from the figures Bærum Ressursbank and the
 * projects themselves published, with every gap filled by a stated
 * assumption, and the arithmetic behind "what would have to be true" for
 * the partnership's 300,000 t CO2e claim.
 *
 * The six projects' surplus (14 million m3, 2020-2030) leaves through one
 * reception point in Bærum; today it is hauled to landfills further out,
 * and the region's needs are bought from quarries. With the resource
 * bank a share of it is crushed at a plant (Franzefoss Steinskogen takes
 * tunnel rock) and reused in the region's projects. Distances are
 * explicit, and estimates: the register's factors value every tonne.
 */
#include "plan/demo.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "core/alloc.h"
#include "plan/plan.h"

/* The projects: the figures each one published, the rest by difference
 * (docs/baerum-estimate.md). Volumes in solid m3 unless in tonnes. */
static const struct {
    const char *id, *name, *material;
    double value;
    const char *unit;
    int from, to; /* years, inclusive [E] */
} projects[] = {
    { "fre16", "Ringeriksbanen og E16 (Fellesprosjektet)", "rock.tunnel", 9800000, "fm3",
      2022, 2030 },
    { "vannforsyning-oslo", "Ny vannforsyning til Oslo", "rock.tbm", 6000000, "t", 2021,
      2028 },
    { "fornebubanen-fjell", "Fornebubanen (Fornebu stasjon), fjell", "rock.blasted", 600000,
      "fm3", 2020, 2026 },
    { "fornebubanen-losmasser", "Fornebubanen (Fornebu stasjon), løsmasser", "soil.moraine",
      400000, "fm3", 2020, 2026 },
    { "e18-vannverk", "E18 Vestkorridoren og nytt vannverk Asker og Bærum (resten)",
      "rock.blasted", 977778, "fm3", 2022, 2030 },
};

/* Assumptions [E], stated in docs/baerum-estimate.md. */
#define BAERUM_REUSE_SHARE 0.5    /* of the surplus, reused in the region */
#define BAERUM_LANDFILL_KM 40.0   /* reception point -> today's landfills */
#define BAERUM_PLANT_KM 8.0       /* reception point -> crushing plant */
#define BAERUM_REUSE_KM 20.0      /* plant -> the region's projects */
#define BAERUM_QUARRY_KM 20.0     /* quarry -> the region's projects */

char *mb_demo_baerum(struct mb_error *err)
{
    (void)err;
    json_t *sites = json_array();
    double total_t = 0;
    for (size_t i = 0; i < sizeof projects / sizeof *projects; i++) {
        char from[8], to[8];
        snprintf(from, sizeof from, "%d-01", projects[i].from);
        snprintf(to, sizeof to, "%d-12", projects[i].to);
        /* tonnes for the need below: rock 2.70 t/fm3, moraine 2.20 t/fm3
         * (data/materials.csv) */
        double t = projects[i].value;
        if (projects[i].unit[0] == 'f')
            t *= projects[i].material[0] == 's' ? 2.20 : 2.70;
        total_t += t;
        json_array_append_new(sites, json_pack(
            "{s:s,s:s,s:s,s:s,s:s,s:i,s:{s:f,s:s},s:{s:s,s:s}}", "id", projects[i].id,
            "name", projects[i].name, "kind", "source", "municipality", "3201", "material",
            projects[i].material, "class", 1, "amount", "value", projects[i].value, "unit",
            projects[i].unit, "window", "from", from, "to", to));
    }
    json_array_append_new(sites, json_pack(
        "{s:s,s:s,s:s,s:f,s:f,s:b,s:[s,s],s:{s:f,s:s},s:f}", "id", "deponi",
        "name", "Deponier lenger ut (dagens praksis)", "kind", "landfill", "lat", 60.05,
        "lon", 10.25, "approximate", 1, "accepts", "rock.*", "soil.*", "capacity_per_year",
        "value", 1e9, "unit", "t", "gate_fee_nok_per_t", 100.0));
    /* The plant: 150,000 t of input a month (1.8 million t a year, a large
     * Norwegian quarry's output) [E]; 60 % 0/32, 25 % kult and 15 % fines
     * and rejects that go to the landfill [E]. */
    json_array_append_new(sites, json_pack(
        "{s:s,s:s,s:s,s:f,s:f,s:b,s:s,s:[s,s],s:{s:f,s:s},"
        "s:[{s:s,s:f},{s:s,s:f},{s:s,s:f}]}",
        "id", "steinskogen", "name", "Steinskogen (Franzefoss), knusing og mellomlager",
        "kind", "plant", "lat", 59.955, "lon", 10.48, "approximate", 1, "municipality",
        "3201", "accepts", "rock.*", "soil.moraine", "capacity_per_month",
        "value", 150000.0, "unit", "t", "yields", "material", "product.crushed.0-32", "share",
        0.6, "material", "product.crushed.20-120", "share", 0.25, "material", "soil.fill",
        "share", 0.15));
    json_array_append_new(sites, json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:[s],s:{s:f,s:s},s:{s:s,s:s}}", "id", "behov",
        "name", "Regionens prosjekter (bærelag, forsterkningslag, fyll)", "kind", "need",
        "municipality", "0301", "material", "product.crushed.0-32", "accepts", "product.*",
        "amount", "value", round(total_t * BAERUM_REUSE_SHARE), "unit", "t", "window",
        "from", "2020-01", "to", "2030-12"));
    json_array_append_new(sites, json_pack(
        "{s:s,s:s,s:s,s:s,s:b,s:[s,s]}", "id", "pukkverk", "name",
        "Pukkverk i regionen (jomfruelig tilslag)", "kind", "quarry", "municipality", "0301",
        "approximate", 1, "offers", "product.crushed.0-32", "product.crushed.20-120"));
    /* Road distances [E]: the reception point in Bærum to today's
     * landfills and to the plant; the plant and the quarry to the region's
     * projects. The projects and the need sit at their municipality's
     * point, so each distance is given, not derived. */
    json_t *dist = json_array();
    for (size_t i = 0; i < sizeof projects / sizeof *projects; i++) {
        json_array_append_new(dist, json_pack("{s:s,s:s,s:f}", "from", projects[i].id, "to",
                                              "deponi", "km", BAERUM_LANDFILL_KM));
        json_array_append_new(dist, json_pack("{s:s,s:s,s:f}", "from", projects[i].id, "to",
                                              "steinskogen", "km", BAERUM_PLANT_KM));
    }
    json_array_append_new(dist, json_pack("{s:s,s:s,s:f}", "from", "steinskogen", "to",
                                          "behov", "km", BAERUM_REUSE_KM));
    json_array_append_new(dist, json_pack("{s:s,s:s,s:f}", "from", "steinskogen", "to",
                                          "deponi", "km", BAERUM_LANDFILL_KM));
    json_array_append_new(dist, json_pack("{s:s,s:s,s:f}", "from", "pukkverk", "to",
                                          "behov", "km", BAERUM_QUARRY_KM));
    /* Today's landfills further out take everything (their capacity is
     * not the question here), so the way out of the region is set beyond
     * them and never chosen. */
    json_t *root = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:f,s:f},s:{s:o,s:f},s:o}", "format",
        "massebank-scenario/1", "name",
        "Bærum Ressursbank (anslag): seks prosjekter, 14 millioner m3, 2020-2030",
        "horizon", "from", "2020-01", "to", "2030-12", "out_of_region", "landfill_km", 400.0,
        "quarry_km", 400.0, "transport", "distances", dist, "max_km", 500.0, "sites", sites);
    char *text = mb_xjson_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(9));
    json_decref(root);
    return text;
}

void mb_demo_baerum_claim(const struct mb_scenario *s, const struct mb_plan *p,
                          struct mb_claim *c)
{
    /* Each tonne reused saves the same in this scenario (one route each
     * way), so the saving is reused tonnes x a saving per tonne, and each
     * lever below moves that saving per tonne linearly. */
    c->claim_kg = 300e6;
    c->surplus_t = 0;
    for (size_t i = 0; i < s->nsites; i++)
        if (s->sites[i].kind == MB_SITE_SOURCE)
            c->surplus_t += s->sites[i].amount_t;
    c->reused_t = p->totals.reused_t;
    c->saving_kg = p->savings.co2_kg;
    c->per_t = c->reused_t > 0 ? c->saving_kg / c->reused_t : 0;
    c->per_t_needed = c->reused_t > 0 ? c->claim_kg / c->reused_t : INFINITY;
    c->share_needed = c->per_t > 0 ? c->claim_kg / (c->per_t * c->surplus_t) : INFINITY;
    /* A km more from the projects to today's landfill adds a loaded
     * tonne-km (empty return included) for every tonne the plan no longer
     * hauls there (more than the tonnes reused: the plant's rejects go to
     * the landfill from the plant). */
    double direct_today = 0, direct_plan = 0;
    for (size_t i = 0; i < p->nbaseline_flows; i++)
        if (s->sites[p->baseline_flows[i].from].kind == MB_SITE_SOURCE &&
            s->sites[p->baseline_flows[i].to].kind == MB_SITE_LANDFILL)
            direct_today += p->baseline_flows[i].t;
    for (size_t i = 0; i < p->nflows; i++)
        if (s->sites[p->flows[i].from].kind == MB_SITE_SOURCE &&
            s->sites[p->flows[i].to].kind == MB_SITE_LANDFILL)
            direct_plan += p->flows[i].t;
    double gap = c->claim_kg - c->saving_kg;
    c->landfill_km = BAERUM_LANDFILL_KM;
    c->landfill_km_needed = direct_today > direct_plan
        ? BAERUM_LANDFILL_KM + gap / ((direct_today - direct_plan) * s->transport.co2_per_tkm)
        : INFINITY;
    /* A kg more per tonne of virgin aggregate adds 1 kg per tonne of virgin
     * aggregate the plan does not buy. */
    c->production = s->factors.v[MB_F_PROD_CRUSHED].central;
    c->production_needed = p->savings.virgin_t > 0
        ? c->production + gap / p->savings.virgin_t : INFINITY;
    c->loads_claimed = 943000;
    c->t_per_load_claimed = c->surplus_t / c->loads_claimed;
}
