/*
 * seed_quality.c - condition classes in the demo market (see seed.h and
 * docs/demo-region.md, "The market demo: condition classes").
 *
 * The demo scenario (plan/demo.c) has only clean masses, as the MEF
 * figures it is built from count only clean masses, and only landfills for
 * clean masses. A market with nothing else hides what the product does
 * with lab results: the class badge, the lab table, the receivers that
 * take a class and the ones excluded. This file dresses the scenario
 * document before the seed turns it into listings: about one surplus in
 * eight becomes class 2, 3 or 4, with lab results drawn inside that class
 * from the class table itself (data/condition-classes.csv, TA-2553/2009),
 * and three landfills for contaminated masses join the region.
 *
 * The planning demo is not touched: its figures (docs/demo-region.md and
 * the tests that check them) stay those of the clean MEF masses.
 *
 * Invariants: the draws come from a private generator with a fixed seed,
 * so every new demo database is the same; each drawn sample is classified
 * here by the product's own classifier (mb_classify) and must give the
 * class it was drawn for, and the seed then gives both "class" and "lab",
 * which the listing rules refuse when they disagree.
 */
#include "market/seed.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/splitmix.h"
#include "core/text.h"

/* The generator's seed: fixed, so the demo is the same on every machine
 * (2553 after TA-2553). */
#define QUALITY_SEED 2553u

/* Share of a material's demo surpluses that are contaminated [E]. Fill
 * masses from built-up ground carry most contamination; natural clay and
 * moraine some (old fills, spills); blasted rock little (oil and diesel
 * spills on the site). With the scenario's mix (45 % rock, 25 % moraine,
 * 20 % clay, 10 % fill) about 12 % of the surpluses. */
static const struct {
    const char *material;
    double share;
} contaminated_share[] = {
    { "soil.fill", 0.50 },
    { "soil.clay", 0.10 },
    { "soil.moraine", 0.10 },
    { "rock.blasted", 0.05 },
};

/* The class of a contaminated surplus [E]: most contamination is slight. */
static const double class_weight[] = { 0.50, 0.30, 0.20 }; /* classes 2, 3, 4 */

/* A lab result's role in a profile: a possible decider lies in the drawn
 * class (one of them always, the others one class lower half the time), a
 * companion one class lower or clean, a clean one below its normverdi. A
 * clean result with a detection limit is reported as "<limit" (a limit at
 * or below the normverdi, which proves class 1). */
enum role { DECIDER, COMPANION, CLEAN };

struct slot {
    const char *code;
    enum role role;
    const char *loq; /* reported as "<loq" when clean, or NULL */
};

/* Two kinds of contamination, with the substances a Norwegian lab's usual
 * soil package reports (metals, PCB7, PAH16 and benzo(a)pyrene,
 * aliphatics, benzene). Fill: heavy metals and PAH from old urban fill.
 * Oil: aliphatics from an oil or diesel spill. */
static const struct slot fill_profile[] = {
    { "As", COMPANION, NULL },    { "Pb", DECIDER, NULL },       { "Cd", CLEAN, NULL },
    { "Cu", COMPANION, NULL },    { "Cr", CLEAN, NULL },         { "Hg", COMPANION, NULL },
    { "Ni", CLEAN, NULL },        { "Zn", COMPANION, NULL },     { "PCB7", CLEAN, "0.004" },
    { "PAH16", DECIDER, NULL },   { "BaP", DECIDER, NULL },      { "C10-C12", CLEAN, "5" },
    { "C12-C35", COMPANION, NULL }, { "Benzen", CLEAN, "0.01" },
};
static const struct slot oil_profile[] = {
    { "As", CLEAN, NULL },         { "Pb", CLEAN, NULL },        { "Cd", CLEAN, NULL },
    { "Cu", CLEAN, NULL },         { "Cr", CLEAN, NULL },        { "Hg", CLEAN, NULL },
    { "Ni", CLEAN, NULL },         { "Zn", CLEAN, NULL },        { "PCB7", CLEAN, "0.004" },
    { "PAH16", COMPANION, NULL },  { "BaP", COMPANION, NULL },   { "C10-C12", DECIDER, NULL },
    { "C12-C35", DECIDER, NULL },  { "Benzen", CLEAN, "0.01" },
};
#define NSLOTS (sizeof fill_profile / sizeof *fill_profile)
_Static_assert(sizeof oil_profile / sizeof *oil_profile == NSLOTS, "profiles of one length");

/* The landfills for contaminated masses the demo adds [E]. Norwegian
 * receivers take "lettere forurensede masser" (class 2 and 3) and
 * "forurensede gravemasser" (class 4 and 5, below the limit for hazardous
 * waste) under a permit after forurensningsloven (Norsk Gjenvinning,
 * Sirkula Heggvin; docs/demo-region.md names the sources); the class-2
 * receiver is an assumption. Invented sites at invented positions, named
 * "(demo)"; the fees and capacities are estimates. */
static const struct {
    const char *id, *name, *municipality, *description;
    double lat, lon;
    int max_class;
    double capacity_t, fee;
} receivers[] = {
    { "mottak-lett-forurenset-5035", "Mottak for lett forurensede masser, Stjørdal (demo)",
      "5035", "Demo: tar imot jord og stein i tilstandsklasse 1-2 etter tillatelse etter "
      "forurensningsloven (antatt). Sted, kapasitet og pris er oppdiktet.",
      63.445, 11.08, 2, 100000, 150 },
    { "deponi-forurenset-5028", "Deponi for lettere forurensede masser, Melhus (demo)", "5028",
      "Demo: tar imot jord og stein i tilstandsklasse 1-3 (lettere forurensede masser) etter "
      "tillatelse etter forurensningsloven. Sted, kapasitet og pris er oppdiktet.",
      63.21, 10.29, 3, 150000, 250 },
    { "deponi-forurenset-5001", "Deponi for forurensede masser, Trondheim (demo)", "5001",
      "Demo: deponi for ordinært avfall som tar imot forurensede masser opp til "
      "tilstandsklasse 5, under grensen for farlig avfall, etter tillatelse etter "
      "forurensningsloven. Sted, kapasitet og pris er oppdiktet.",
      63.325, 10.50, 5, 200000, 450 },
};

/* Write v as a lab reports it: `digits` significant digits, but whole
 * numbers keep every digit ("451", not "450"). */
static void format_value(double v, int digits, char *buf, size_t n)
{
    int decimals = digits - 1 - (int)floor(log10(v));
    snprintf(buf, n, "%.*f", decimals > 0 ? decimals : 0, v);
}

/* A value of substance s in class c, as lab text: in class 1 between 15 %
 * and 70 % of the normverdi, above it evenly in log scale between 20 % and
 * 80 % of the way from the class's lower to its upper bound (see
 * format_value: two significant digits, three when two would leave the
 * class). MB_EDATA when no value fits. */
static int draw_value(const struct mb_class_table *t, const struct mb_substance *s, int c,
                      uint64_t *seed, char *buf, size_t n, struct mb_error *err)
{
    if (c < 1 || c > s->nbounds)
        return mb_error_set(err, MB_EDATA, "demo", "%s has no class %d", s->code, c);
    double lo = c > 1 ? s->upper[c - 2] : 0, hi = s->upper[c - 1];
    double u = mb_splitmix_unit(seed);
    double v = c == 1 ? hi * (0.15 + 0.55 * u) : lo * pow(hi / lo, 0.2 + 0.6 * u);
    for (int digits = 2; digits <= 3; digits++) {
        format_value(v, digits, buf, n);
        struct mb_measurement m;
        if (mb_measurement_parse(t, s->code, buf, &m, err))
            return err ? err->code : MB_EDATA;
        if (m.value > lo && m.value <= hi)
            return 0;
    }
    return mb_error_set(err, MB_EDATA, "demo", "%s: no lab value in class %d", s->code, c);
}

/* Lab results of class c from a profile, as the API's "lab" array (new
 * reference). The whole sample is classified before it is returned and
 * must give exactly class c; NULL with err set otherwise. */
static json_t *draw_lab(const struct mb_class_table *t, const struct slot *profile, int c,
                        uint64_t *seed, struct mb_error *err)
{
    size_t ndeciders = 0;
    for (size_t i = 0; i < NSLOTS; i++)
        ndeciders += profile[i].role == DECIDER;
    size_t primary = (size_t)(mb_splitmix_unit(seed) * (double)ndeciders), k = 0;
    json_t *lab = json_array();
    struct mb_measurement ms[NSLOTS];
    for (size_t i = 0; i < NSLOTS; i++) {
        const struct slot *sl = &profile[i];
        const struct mb_substance *s = mb_class_table_find(t, sl->code);
        if (!s) {
            mb_error_set(err, MB_EDATA, "demo", "%s is not in the class table", sl->code);
            goto fail;
        }
        int cls = 1;
        if (sl->role == DECIDER)
            cls = k++ == primary || mb_splitmix_unit(seed) < 0.5 ? c : c - 1;
        else if (sl->role == COMPANION)
            cls = mb_splitmix_unit(seed) < 0.5 ? c - 1 : 1;
        char text[32];
        if (cls == 1 && sl->loq)
            snprintf(text, sizeof text, "<%s", sl->loq);
        else if (draw_value(t, s, cls, seed, text, sizeof text, err))
            goto fail;
        if (mb_measurement_parse(t, s->code, text, &ms[i], err))
            goto fail;
        json_array_append_new(lab, json_pack("{s:s, s:s}", "substance", s->code, "value", text));
    }
    struct mb_classification cl;
    if (mb_classify(ms, NSLOTS, &cl, err))
        goto fail;
    int got = cl.cls, lo = cl.cls_min;
    mb_classification_release(&cl);
    if (got != c || lo != c) {
        mb_error_set(err, MB_EDATA, "demo", "a demo sample drawn for class %d classifies "
                     "as %d-%d", c, lo, got);
        goto fail;
    }
    return lab;
fail:
    json_decref(lab);
    return NULL;
}

static double share_of(const char *material)
{
    for (size_t i = 0; i < sizeof contaminated_share / sizeof *contaminated_share; i++)
        if (material && strcmp(material, contaminated_share[i].material) == 0)
            return contaminated_share[i].share;
    return 0;
}

/* Give one source a class above 1 and its lab results, or leave it clean.
 * One draw decides; a contaminated source draws its class, its profile and
 * its values after it. */
static int dress_source(json_t *site, const struct mb_class_table *t, uint64_t *seed,
                        struct mb_error *err)
{
    const char *mat = json_string_value(json_object_get(site, "material"));
    if (mb_splitmix_unit(seed) >= share_of(mat))
        return 0;
    double u = mb_splitmix_unit(seed), acc = 0;
    int c = 2;
    for (size_t i = 0; i < sizeof class_weight / sizeof *class_weight; i++) {
        acc += class_weight[i];
        c = 2 + (int)i;
        if (u < acc)
            break;
    }
    bool oil = strcmp(mat, "rock.blasted") == 0 ||
               (strcmp(mat, "soil.fill") != 0 && mb_splitmix_unit(seed) < 0.5);
    json_t *lab = draw_lab(t, oil ? oil_profile : fill_profile, c, seed, err);
    if (!lab)
        return err ? err->code : MB_EDATA;
    char desc[400];
    snprintf(desc, sizeof desc, "Demo: %s, tilstandsklasse %d (%s) etter TA-2553/2009 ut fra "
             "analyseresultatene. Analyseverdiene er laget for demoen.",
             oil ? "masser med oljeforurensning (alifater)"
                 : "fyllmasser med tungmetaller og PAH",
             c, mb_class_name_nb(c));
    json_object_set_new(site, "class", json_integer(c));
    json_object_set_new(site, "lab", lab);
    json_object_set_new(site, "description", json_string(desc));
    return 0;
}

int mb_seed_demo_quality(json_t *scenario, const struct mb_class_table *t,
                         struct mb_error *err)
{
    json_t *sites = json_object_get(scenario, "sites");
    if (!json_is_array(sites))
        return mb_error_set(err, MB_EDATA, "sites", "the demo scenario has no sites");
    uint64_t seed = QUALITY_SEED;
    size_t i;
    json_t *site;
    json_array_foreach(sites, i, site) {
        const char *kind = json_string_value(json_object_get(site, "kind"));
        if (kind && strcmp(kind, "source") == 0) {
            int rc = dress_source(site, t, &seed, err);
            if (rc)
                return rc;
        }
    }
    for (size_t k = 0; k < sizeof receivers / sizeof *receivers; k++)
        json_array_append_new(sites, json_pack(
            "{s:s, s:s, s:s, s:f, s:f, s:s, s:[s,s], s:i, s:{s:f, s:s}, s:f, s:s}",
            "id", receivers[k].id, "kind", "landfill", "name", receivers[k].name,
            "lat", receivers[k].lat, "lon", receivers[k].lon,
            "municipality", receivers[k].municipality, "accepts", "rock.*", "soil.*",
            "max_class", receivers[k].max_class, "capacity_per_year", "value",
            receivers[k].capacity_t, "unit", "t", "gate_fee_nok_per_t", receivers[k].fee,
            "description", receivers[k].description));
    return 0;
}
