/*
 * region.c - the live market of a region as a planning scenario
 * (mb_market_region_scenario, see market.h and docs/listings.md).
 *
 * Each stored doc is a scenario site plus the market's fields, so turning
 * it back is mostly taking fields away: the market-only fields go, "type"
 * becomes "kind", a listing's "title" becomes "name", and the id becomes
 * "L<id>" (listing) or "F<id>" (facility), unique in the scenario. The
 * scenario requires source and need windows inside the horizon, so a
 * window reaching outside is clipped and the amount scaled by the share
 * of its months inside (amounts arise evenly over the window,
 * docs/scenario-format.md). The market's transport and price factors go
 * into the scenario so that the plan ranks as the matches do.
 */
#include "market/market.h"

#include <stdio.h>
#include <string.h>

#include "domain/month.h"

static const char *const kind_of_type[MB_TYPE_COUNT] = {
    [MB_TYPE_SUPPLY] = "source", [MB_TYPE_NEED] = "need",
    [MB_TYPE_LANDFILL] = "landfill", [MB_TYPE_STORAGE] = "storage",
    [MB_TYPE_PLANT] = "plant", [MB_TYPE_QUARRY] = "quarry",
};

static json_t *window(int from, int to)
{
    char a[8], b[8];
    mb_month_format(from, a);
    mb_month_format(to, b);
    return json_pack("{s:s, s:s}", "from", a, "to", b);
}

/* One stored site as a scenario site, or NULL when it is left out. */
static json_t *scenario_site(const struct mb_site_rec *r, int from_m, int to_m)
{
    if ((unsigned)r->type >= MB_TYPE_COUNT || !r->doc)
        return NULL;
    json_t *o = json_loads(r->doc, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    bool listing = r->type == MB_TYPE_SUPPLY || r->type == MB_TYPE_NEED;
    static const char *const market_only[] = { "type", "title", "description", "keywords",
                                               "lab", "limits", "class_from_lab", NULL };
    json_t *title = json_incref(json_object_get(o, listing ? "title" : "name"));
    for (const char *const *k = market_only; *k; k++)
        json_object_del(o, *k);
    if (listing)
        json_object_del(o, "price_nok_per_t"); /* a quarry's price stays: it is its own */
    char id[32];
    snprintf(id, sizeof id, "%c%lld", listing ? 'L' : 'F', (long long)r->id);
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "kind", json_string(kind_of_type[r->type]));
    if (title)
        json_object_set_new(o, "name", title);

    bool has_window = listing || r->from_m != MB_NO_MONTH_FROM || r->to_m != MB_NO_MONTH_TO;
    if (has_window) {
        int a = r->from_m > from_m ? r->from_m : from_m;
        int b = r->to_m < to_m ? r->to_m : to_m;
        if (b < a) {
            json_decref(o);
            return NULL;
        }
        if (listing && (a != r->from_m || b != r->to_m)) {
            /* The amount arises (or is needed) evenly over the window. */
            double share = (double)(b - a + 1) / (double)(r->to_m - r->from_m + 1);
            json_t *amt = json_object_get(o, "amount");
            json_t *v = json_object_get(amt, "value");
            if (json_is_number(v)) {
                json_t *c = json_copy(amt);
                json_object_set_new(c, "value", json_real(json_number_value(v) * share));
                json_object_set_new(o, "amount", c);
            }
        }
        json_object_set_new(o, "window", window(a, b));
    }
    return o;
}

json_t *mb_market_region_scenario(const struct mb_market *m, const struct mb_site_rec *sites,
                                  size_t n, int from_m, int to_m, const char *name)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = scenario_site(&sites[i], from_m, to_m);
        if (s)
            json_array_append_new(list, s);
    }
    /* Transport costs and CO2 are left to the factor register, as in the
     * market's matches, so the plan's ranges vary them. */
    json_t *root = json_pack("{s:s, s:s, s:o, s:f, s:{s:f, s:f}, s:o}",
                             "format", MB_SCENARIO_FORMAT, "name", name ? name : "",
                             "horizon", window(from_m, to_m),
                             "co2_price_nok_per_t", m->co2_price_nok_per_t,
                             "transport", "detour_factor", m->detour_factor,
                             "max_km", m->max_km, "sites", list);
    return root;
}
