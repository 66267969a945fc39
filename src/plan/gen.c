/*
 * gen.c - generated regions (see gen.h). The numbers are plausible rather
 * than measured: material shares follow the research note (rock and till
 * dominate surplus, crushed rock dominates need), amounts are spread over
 * two orders of magnitude, windows last one to six months.
 */
#include "plan/gen.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/splitmix.h"
#include "domain/month.h"
#include "plan/whatif.h"

static double uniform(uint64_t *s)
{
    return mb_splitmix_unit(s);
}

static double normal(uint64_t *s)
{
    double u = uniform(s), v = uniform(s);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2 * log(u)) * cos(2 * 3.14159265358979323846 * v);
}

static int pick(uint64_t *s, const double *w, int n)
{
    double total = 0, x;
    for (int i = 0; i < n; i++)
        total += w[i];
    x = uniform(s) * total;
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

struct city {
    const char *name;
    double lat, lon, weight;
};

static const struct city cities[] = {
    { "Oslo", 59.91, 10.75, 30 },      { "Bergen", 60.39, 5.33, 12 },
    { "Trondheim", 63.43, 10.40, 10 }, { "Stavanger", 58.97, 5.73, 10 },
    { "Kristiansand", 58.15, 8.00, 5 }, { "Drammen", 59.74, 10.20, 5 },
    { "Fredrikstad", 59.22, 10.93, 4 }, { "Tromsø", 69.65, 18.96, 4 },
    { "Bodø", 67.28, 14.40, 2 },       { "Ålesund", 62.47, 6.15, 3 },
    { "Hamar", 60.79, 11.07, 3 },      { "Tønsberg", 59.27, 10.41, 3 },
    { "Skien", 59.21, 9.61, 3 },       { "Haugesund", 59.41, 5.27, 2 },
    { "Molde", 62.74, 7.16, 1 },       { "Alta", 69.97, 23.27, 1 },
};
#define NCITIES (int)(sizeof cities / sizeof *cities)

static void place(uint64_t *s, const struct mb_gen_options *o, double *lat, double *lon)
{
    const struct city *c = &cities[2];
    double sigma_km = 18;
    if (o->national) {
        double w[NCITIES];
        for (int i = 0; i < NCITIES; i++)
            w[i] = cities[i].weight;
        c = &cities[pick(s, w, NCITIES)];
        sigma_km = 15;
    }
    for (;;) {
        *lat = c->lat + normal(s) * sigma_km / 111.0;
        *lon = c->lon + normal(s) * sigma_km / (111.0 * cos(c->lat * 3.14159265 / 180));
        if (*lat > 57.95 && *lat < 71.3 && *lon > 4.5 && *lon < 31.2)
            return;
    }
}

static json_t *window(int from, int to)
{
    char a[8], b[8];
    mb_month_format(from, a);
    mb_month_format(to, b);
    return json_pack("{s:s,s:s}", "from", a, "to", b);
}

static json_t *strings(const char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *qty(double v, const char *unit)
{
    return json_pack("{s:f,s:s}", "value", round(v), "unit", unit);
}

int mb_gen_preset(const char *name, struct mb_gen_options *o, struct mb_error *err)
{
    uint64_t seed = o->seed;
    memset(o, 0, sizeof *o);
    o->seed = seed;
    o->start_year = 2026;
    if (strcmp(name, "trondheim") == 0) {
        *o = (struct mb_gen_options){ seed, 6000, 15, 3, 2, 4, 72, 2026, false, false };
    } else if (strcmp(name, "national") == 0) {
        *o = (struct mb_gen_options){ seed, 50000, 300, 80, 60, 60, 60, 2026, true, false };
    } else if (strcmp(name, "small") == 0) {
        *o = (struct mb_gen_options){ seed, 40, 3, 1, 1, 2, 12, 2026, false, false };
    } else {
        return mb_error_set(err, MB_EINVAL, "--preset", "unknown preset '%.30s'; use "
                            "small, trondheim or national", name);
    }
    return 0;
}

char *mb_gen_scenario(const struct mb_gen_options *o)
{
    uint64_t st = o->seed * 0x2545F4914F6CDD1Dull + 1;
    uint64_t *s = &st;
    int from = o->start_year * 12, to = from + o->months - 1;
    json_t *sites = json_array();
    static const char *const src_mat[] = { "rock.blasted", "rock.tunnel", "soil.moraine",
        "soil.clay", "soil.sand", "soil.gravel", "soil.fill", "recycled.concrete" };
    static const double src_w[] = { 30, 10, 20, 15, 4, 4, 12, 5 };
    static const char *const need_mat[] = { "product.crushed.0-32", "product.crushed.0-150",
        "rock.blasted", "soil.moraine", "soil.fill", "soil.sand" };
    static const double need_w[] = { 30, 20, 20, 10, 15, 5 };
    static const double class_w[] = { 80, 14, 5, 1 };
    char id[32];
    for (int i = 0; i < o->listings; i++) {
        double lat, lon;
        place(s, o, &lat, &lon);
        int len = 1 + (int)(uniform(s) * 6);
        int start = from + (int)(uniform(s) * (o->months - len + 1));
        double amount = 200 * exp(uniform(s) * log(100.0)); /* 200-20,000 t */
        json_t *x;
        if (i % 2 == 0) {
            snprintf(id, sizeof id, "S%d", i);
            x = json_pack("{s:s,s:s,s:f,s:f,s:s,s:i,s:o,s:o}", "id", id, "kind", "source",
                "lat", lat, "lon", lon, "material", src_mat[pick(s, src_w, 8)],
                "class", 1 + pick(s, class_w, 4), "amount", qty(amount, "t"),
                "window", window(start, start + len - 1));
        } else {
            snprintf(id, sizeof id, "N%d", i);
            int m = pick(s, need_w, 6);
            x = json_pack("{s:s,s:s,s:f,s:f,s:s,s:o,s:o}", "id", id, "kind", "need",
                "lat", lat, "lon", lon, "material", need_mat[m],
                "amount", qty(amount, "t"), "window", window(start, start + len - 1));
            if (m == 2)
                json_object_set_new(x, "accepts", strings((const char *[]){ "rock.*" }, 1));
            if (m >= 3)
                json_object_set_new(x, "accepts", strings((const char *[]){
                    "soil.moraine", "soil.fill", "soil.sand", "soil.gravel" }, 4));
            if (m == 4)
                json_object_set_new(x, "max_class", json_integer(2));
        }
        json_array_append_new(sites, x);
    }
    for (int i = 0; i < o->landfills; i++) {
        double lat, lon;
        place(s, o, &lat, &lon);
        snprintf(id, sizeof id, "L%d", i);
        json_array_append_new(sites, json_pack("{s:s,s:s,s:f,s:f,s:o,s:i,s:o,s:f}",
            "id", id, "kind", "landfill", "lat", lat, "lon", lon,
            "accepts", strings((const char *[]){ "rock.*", "soil.*", "recycled.*" }, 3),
            "max_class", i % 4 == 0 ? 4 : 1,
            "capacity_per_year", o->transport_only
                ? qty(2.0 * (40000 + uniform(s) * 260000), "t")
                : qty(40000 + uniform(s) * 260000, "fm3"),
            "gate_fee_nok_per_t", round(80 + uniform(s) * 120)));
    }
    for (int i = 0; i < o->storages && !o->transport_only; i++) {
        double lat, lon;
        place(s, o, &lat, &lon);
        snprintf(id, sizeof id, "M%d", i);
        json_array_append_new(sites, json_pack("{s:s,s:s,s:f,s:f,s:o,s:o}",
            "id", id, "kind", "storage", "lat", lat, "lon", lon,
            "accepts", strings((const char *[]){ "rock.*", "soil.moraine", "soil.sand",
                                                 "soil.gravel" }, 4),
            "capacity", qty(50000 + uniform(s) * 150000, "t")));
    }
    for (int i = 0; i < o->plants && !o->transport_only; i++) {
        double lat, lon;
        place(s, o, &lat, &lon);
        snprintf(id, sizeof id, "P%d", i);
        json_array_append_new(sites, json_pack("{s:s,s:s,s:f,s:f,s:o,s:o,s:[{s:s,s:f},{s:s,s:f}]}",
            "id", id, "kind", "plant", "lat", lat, "lon", lon,
            "accepts", strings((const char *[]){ "rock.blasted", "rock.tunnel",
                                                 "recycled.concrete" }, 3),
            "capacity_per_month", qty(10000 + uniform(s) * 30000, "t"),
            "yields", "material", "product.crushed.0-32", "share", 0.6,
            "material", "product.crushed.0-150", "share", 0.4));
    }
    for (int i = 0; i < o->quarries; i++) {
        double lat, lon;
        place(s, o, &lat, &lon);
        snprintf(id, sizeof id, "Q%d", i);
        json_array_append_new(sites, json_pack("{s:s,s:s,s:f,s:f,s:o,s:f}",
            "id", id, "kind", "quarry", "lat", lat, "lon", lon,
            "offers", strings((const char *[]){ "product.*", "rock.blasted", "soil.sand",
                                                "soil.gravel" }, 4),
            "price_nok_per_t", round(160 + uniform(s) * 120)));
    }
    char hf[8], ht[8], name[96];
    mb_month_format(from, hf);
    mb_month_format(to, ht);
    snprintf(name, sizeof name, "generated %s region, seed %llu",
             o->national ? "national" : "Trondheim-like", (unsigned long long)o->seed);
    json_t *root = json_pack("{s:s,s:s,s:{s:s,s:s},s:o}", "format", "massebank-scenario/1",
                             "name", name, "horizon", "from", hf, "to", ht, "sites", sites);
    if (o->national)
        json_object_set_new(root, "transport", json_pack("{s:f}", "max_km", 60.0));
    char *text = mb_xjson_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(9));
    json_decref(root);
    return text;
}

/* A listing's window, as serial months; 0 if it has none. */
static int listing_window(json_t *site, int *from, int *to)
{
    json_t *w = json_object_get(site, "window");
    const char *a = json_string_value(json_object_get(w, "from"));
    const char *b = json_string_value(json_object_get(w, "to"));
    return a && b && mb_month_parse(a, from, "from", NULL) == 0 &&
           mb_month_parse(b, to, "to", NULL) == 0;
}

int mb_gen_change(json_t *scenario, uint64_t *rng, char *what, size_t n)
{
    json_t *sites = json_object_get(scenario, "sites");
    size_t ns = json_array_size(sites), nl = 0, nf = 0;
    for (size_t i = 0; i < ns; i++) {
        const char *k = json_string_value(json_object_get(json_array_get(sites, i), "kind"));
        nl += k && (strcmp(k, "source") == 0 || strcmp(k, "need") == 0);
        nf += k && strcmp(k, "landfill") == 0;
    }
    int h0, h1;
    json_t *hz = json_object_get(scenario, "horizon");
    const char *a = json_string_value(json_object_get(hz, "from"));
    const char *b = json_string_value(json_object_get(hz, "to"));
    if (nl == 0 || !a || !b || mb_month_parse(a, &h0, "from", NULL) ||
        mb_month_parse(b, &h1, "to", NULL))
        return MB_EINVAL;
    /* The n-th listing (or landfill) in the file. */
    int kind = (int)(uniform(rng) * (nf ? 6 : 5));
    if (kind == 2 && nl <= 2) /* keep a few listings to change */
        kind = 4;
    bool landfill = kind == 5;
    size_t want = (size_t)(uniform(rng) * (double)(landfill ? nf : nl)), seen = 0, at = 0;
    json_t *site = NULL;
    for (size_t i = 0; i < ns && !site; i++) {
        json_t *x = json_array_get(sites, i);
        const char *k = json_string_value(json_object_get(x, "kind"));
        bool match = k && (landfill ? strcmp(k, "landfill") == 0
                                    : strcmp(k, "source") == 0 || strcmp(k, "need") == 0);
        if (match && seen++ == want) {
            site = x;
            at = i;
        }
    }
    /* A site placed by its municipality has no coordinates to move: it
     * is resized instead. */
    if (kind == 1 && !json_is_number(json_object_get(site, "lat")))
        kind = 0;
    const char *id = json_string_value(json_object_get(site, "id"));
    char idc[64];
    snprintf(idc, sizeof idc, "%s", id ? id : "?");
    json_t *amount = json_object_get(site, "amount");
    switch (kind) {
    case 0: { /* resized */
        double v = json_number_value(json_object_get(amount, "value"));
        double nv = round(v * (0.5 + uniform(rng)));
        json_object_set_new(amount, "value", json_real(nv > 1 ? nv : 1));
        snprintf(what, n, "%s resized from %.0f to %.0f", idc, v, nv > 1 ? nv : 1);
        break;
    }
    case 1: { /* moved */
        double lat = json_number_value(json_object_get(site, "lat"));
        double lon = json_number_value(json_object_get(site, "lon"));
        json_object_set_new(site, "lat", json_real(lat + (uniform(rng) - 0.5) * 0.02));
        json_object_set_new(site, "lon", json_real(lon + (uniform(rng) - 0.5) * 0.04));
        snprintf(what, n, "%s moved about a kilometre", idc);
        break;
    }
    case 2: /* withdrawn, with the distances given to it */
        mb_whatif_remove_site(scenario, at);
        snprintf(what, n, "%s withdrawn", idc);
        break;
    case 3: { /* window shifted a month, within the horizon */
        int f, t;
        if (!listing_window(site, &f, &t))
            return MB_EINVAL;
        int d = uniform(rng) < 0.5 ? -1 : 1;
        if (f + d < h0 || t + d > h1)
            d = -d;
        if (f + d >= h0 && t + d <= h1)
            json_object_set_new(site, "window", window(f + d, t + d));
        snprintf(what, n, "%s window shifted by %d month", idc, d);
        break;
    }
    case 4: { /* a new listing beside it */
        json_t *copy = json_deep_copy(site);
        char nid[80];
        snprintf(nid, sizeof nid, "%s-new%u", idc, (unsigned)(mb_splitmix_next(rng) % 100000));
        json_object_set_new(copy, "id", json_string(nid));
        if (json_is_number(json_object_get(copy, "lat")))
            json_object_set_new(copy, "lat",
                                json_real(json_number_value(json_object_get(copy, "lat")) + 0.01));
        json_array_append_new(sites, copy);
        snprintf(what, n, "%s listed beside %s", nid, idc);
        break;
    }
    default: { /* a landfill closes from a month of the horizon */
        int close = h0 + (int)(uniform(rng) * (h1 - h0 + 1));
        json_object_set_new(site, "window", window(h0, close > h0 ? close - 1 : h0));
        char m[8];
        mb_month_format(close, m);
        snprintf(what, n, "landfill %s closes from %s", idc, m);
        break;
    }
    }
    return 0;
}
