/*
 * test_scenario.c - reading scenarios: a valid one is normalised (units,
 * positions, months, defaults), and every kind of bad input is reported
 * with its JSON path, all problems at once, before anything is solved.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/factors.h"
#include "plan/scenario.h"

/* kg CO2e per litre of Norwegian road diesel, well to wheel, by hand. */
#define E_ROAD (0.87 * 3.24 + 0.13 * 0.49)

#define HEAD "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-01\", \"to\": \"2026-12\"}, "
#define SOURCE "{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, " \
    "\"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 1500, \"unit\": \"lm3\"}, " \
    "\"window\": {\"from\": \"2026-03\", \"to\": \"2026-05\"}}"
#define LANDFILL "{\"id\": \"d\", \"kind\": \"landfill\", \"lat\": 63.3, \"lon\": 10.3, " \
    "\"accepts\": [\"rock.*\"], \"capacity_per_year\": {\"value\": 1000, \"unit\": \"fm3\"}}"

Test(scenario, valid_one_is_normalised)
{
    const char *json = HEAD "\"sites\": [" SOURCE ", " LANDFILL ","
        "{\"id\": \"u\", \"kind\": \"need\", \"utm\": {\"epsg\": 25832, \"easting\": 569618.6, \"northing\": 7034313.8},"
        " \"material\": \"0/32\", \"accepts\": [\"product.*\"], \"amount\": {\"value\": 100, \"unit\": \"t\"},"
        " \"window\": {\"from\": \"2026-01\", \"to\": \"2026-12\"}},"
        "{\"id\": \"m\", \"kind\": \"landfill\", \"municipality\": \"Malvik\", \"accepts\": [\"*\"],"
        " \"capacity_per_year\": {\"value\": 5, \"unit\": \"t\"}}]}";
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "%s: %s",
                 p.n ? p.items[0].path : "", p.n ? p.items[0].message : "");
    cr_assert_eq(s.nsites, 4);
    cr_assert_float_eq(s.sites[0].amount_t, 1500 / 1.5 * 2.7, 1e-9, "lm3 -> t");
    cr_assert_eq(s.sites[0].to - s.sites[0].from, 2);
    cr_assert_float_eq(s.sites[2].pos.lat, 63.4305, 1e-5, "UTM -> WGS84");
    cr_assert(s.sites[3].approximate);
    cr_assert_str_eq(s.sites[3].municipality, "5031");
    cr_assert(s.sites[2].accepts[s.sites[2].material]);
    /* Defaults from the factor register (data/factors.csv): 29 t a load,
     * well to wheel, Norwegian road diesel (87 % fossil at 3.24 kg CO2e per
     * litre, 13 % HVO at 0.49), 0.50 l/km out and 0.35 back, 1 l and 600
     * NOK a load, 21 NOK per km driven. */
    const struct mb_factor_info *reg = mb_factor_register(NULL);
    cr_assert_not_null(reg);
    cr_assert_float_eq(s.transport.payload_t, reg[MB_F_PAYLOAD].central, 1e-12);
    cr_assert_float_eq(s.transport.payload_t, 29, 1e-12);
    cr_assert_eq(s.transport.boundary, MB_BOUNDARY_WTW);
    cr_assert_float_eq(s.transport.co2_per_tkm, (0.50 + 0.35) * E_ROAD / 29, 1e-12);
    cr_assert_float_eq(s.transport.co2_per_t, 1.0 * E_ROAD / 29, 1e-12);
    cr_assert_float_eq(s.transport.nok_per_t, 600.0 / 29, 1e-12);
    cr_assert_float_eq(s.transport.nok_per_tkm, 21.0 * 2 / 29, 1e-12);
    cr_assert_float_eq(s.sites[1].fee_nok_per_t, reg[MB_F_GATE_FEE].central, 1e-12);
    cr_assert_eq(s.sites[1].fee_factor, MB_F_GATE_FEE, "a register value varies in the ranges");
    /* Machine diesel at a landfill is stated tank to wheel: scaled to WTW. */
    cr_assert_float_eq(s.sites[1].co2_kg_per_t, 0.5 * 3.24 / 2.66, 1e-12);
    cr_assert_float_eq(s.co2_price_nok_per_t, reg[MB_F_CO2_PRICE].central, 1e-12);
    /* Distance: great circle x detour factor. */
    cr_assert_float_eq(mb_scenario_km(&s, 0, 1), 1.3 * mb_geo_distance_km(s.sites[0].pos,
                       s.sites[1].pos), 1e-9);
    mb_scenario_release(&s);
}

Test(scenario, transport_per_truck_km_and_distance_matrix)
{
    const char *json = HEAD "\"transport\": {\"payload_t\": 20, \"cost_nok_per_truck_km\": 30,"
        " \"fuel_l_per_km_loaded\": 0.4, \"fuel_l_per_km_empty\": 0.3, \"empty_return\": true,"
        " \"distances\": [{\"from\": \"a\", \"to\": \"d\", \"km\": 40}]}, \"sites\": [" SOURCE ", " LANDFILL "]}";
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "%s", p.n ? p.items[0].message : "");
    cr_assert_float_eq(s.transport.nok_per_tkm, 30.0 * 2 / 20, 1e-12);
    cr_assert_float_eq(s.transport.co2_per_tkm, 0.7 * E_ROAD / 20, 1e-12);
    cr_assert_float_eq(mb_scenario_km(&s, 0, 1), 40, 1e-12);
    cr_assert_float_eq(mb_scenario_km(&s, 1, 0), 40, 1e-12, "both directions");
    cr_assert_eq(mb_scenario_km_kind(&s, 0, 1, NULL), MB_KM_KIND_TABLE);
    mb_scenario_release(&s);
    /* By road, and no road at all: no haul (beyond any longest haul). */
    json = HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"d\", \"km\": 40,"
        " \"source\": \"road\", \"minutes\": 35, \"ferry_km\": 6}]}, \"sites\": [" SOURCE ", " LANDFILL "]}";
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "%s", p.n ? p.items[0].message : "");
    const struct mb_distance *d;
    cr_assert_eq(mb_scenario_km_kind(&s, 1, 0, &d), MB_KM_KIND_ROAD);
    cr_assert_float_eq(d->ferry_km, 6, 1e-12);
    cr_assert_float_eq(d->minutes, 35, 1e-12);
    mb_scenario_release(&s);
    json = HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"d\","
        " \"source\": \"none\"}]}, \"sites\": [" SOURCE ", " LANDFILL "]}";
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "%s", p.n ? p.items[0].message : "");
    cr_assert_eq(mb_scenario_km_kind(&s, 0, 1, NULL), MB_KM_KIND_NONE);
    cr_assert(isinf(mb_scenario_km(&s, 0, 1)) && mb_scenario_km(&s, 0, 1) > s.transport.max_km);
    mb_scenario_release(&s);
}

Test(scenario, vehicle_types_set_payload_and_fuel)
{
    const char *json = HEAD "\"transport\": {\"vehicle\": \"tipper_4axle\"}, \"sites\": [" SOURCE "]}";
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "%s", p.n ? p.items[0].message : "");
    cr_assert_float_eq(s.transport.payload_t, 17.5, 1e-12);
    cr_assert_float_eq(s.transport.co2_per_tkm, (0.42 + 0.30) * E_ROAD / 17.5, 1e-12);
    /* The vehicle's value keeps the register's relative range. */
    cr_assert_float_eq(s.factors.v[MB_F_PAYLOAD].low, 28.0 / 29 * 17.5, 1e-12);
    cr_assert_eq(s.factors.origin[MB_F_PAYLOAD], MB_FACTOR_VEHICLE);
    mb_scenario_release(&s);
    /* An explicit payload still wins over the vehicle's. */
    json = HEAD "\"transport\": {\"vehicle\": \"tipper_3axle\", \"payload_t\": 12}, \"sites\": [" SOURCE "]}";
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0);
    cr_assert_float_eq(s.transport.payload_t, 12, 1e-12);
    cr_assert_float_eq(s.transport.co2_per_tkm, (0.38 + 0.28) * E_ROAD / 12, 1e-12);
    mb_scenario_release(&s);
}

struct bad {
    const char *json;
    const char *path;
    const char *message;
};

static void refused(const struct bad *b)
{
    struct mb_scenario s;
    struct mb_problems p;
    int rc = mb_scenario_parse(&s, b->json, strlen(b->json), &p);
    cr_assert_eq(rc, MB_EINVAL, "accepted: %s", b->json);
    cr_assert_eq(s.nsites, 0, "nothing is returned on error");
    int found = 0;
    for (size_t i = 0; i < p.n; i++)
        if (strcmp(p.items[i].path, b->path) == 0 && strstr(p.items[i].message, b->message))
            found = 1;
    if (!found)
        for (size_t i = 0; i < p.n; i++)
            fprintf(stderr, "  got %s: %s\n", p.items[i].path, p.items[i].message);
    cr_assert(found, "no problem '%s: ...%s...' for %s", b->path, b->message, b->json);
    mb_problems_release(&p);
}

#define WITH(site) HEAD "\"sites\": [" site "]}"

Test(scenario, every_kind_of_bad_input_is_named)
{
    static const struct bad cases[] = {
        { "{", "", "not valid JSON" },
        { "[]", "", "JSON object" },
        { "{\"format\": \"other/2\"}", "format", "not supported" },
        { HEAD "\"sites\": [], \"x\": 1}", "x", "unknown field" },
        { HEAD "\"sites\": []}", "sites", "non-empty" },
        { "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-05\", \"to\": \"2026-01\"}, \"sites\": [1]}", "horizon", "ends before" },
        { "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-13\", \"to\": \"2027-01\"}}", "horizon.from", "month 13" },
        { "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-1\", \"to\": \"2027-01\"}}", "horizon.from", "YYYY-MM" },
        { "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-01\", \"to\": \"2027-01\"}, \"sites\": [], \"format\": \"x\"}", "", "duplicate" },
        { WITH("{\"id\": \"a\", \"kind\": \"mine\", \"lat\": 63, \"lon\": 10}"), "sites[0].kind", "not a kind" },
        { WITH("{\"kind\": \"source\"}"), "sites[0].id", "is required" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, \"material\": \"rock.blast\", \"class\": 1, \"amount\": {\"value\": 1, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].material", "did you mean rock.blasted" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": -5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].amount.value", "negative" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 5, \"unit\": \"m3\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].amount.unit", "fm3" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-05\", \"to\": \"2026-02\"}}"), "sites[0].window", "ends before it starts" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2025-05\", \"to\": \"2026-02\"}}"), "sites[0].window", "outside the horizon" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4, \"material\": \"rock.blasted\", \"class\": 7, \"amount\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].class", "between 1 and 5" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": 55.7, \"lon\": 12.6, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].lat", "outside Norway" },
        { WITH("{\"id\": \"a\", \"kind\": \"source\", \"lat\": \"63\", \"lon\": 10.4, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].lat", "must be a number" },
        { WITH("{\"id\": \"a\", \"kind\": \"landfill\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [\"rock.*\"], \"capacity_per_year\": {\"value\": 5, \"unit\": \"t\"}, \"gate_fee\": 5}"), "sites[0].gate_fee", "unknown field" },
        { WITH("{\"id\": \"a\", \"kind\": \"landfill\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [\"stone.*\"], \"capacity_per_year\": {\"value\": 5, \"unit\": \"t\"}}"), "sites[0].accepts[0]", "names no group" },
        { WITH("{\"id\": \"a\", \"kind\": \"landfill\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [], \"capacity_per_year\": {\"value\": 5, \"unit\": \"t\"}}"), "sites[0].accepts", "non-empty" },
        { WITH("{\"id\": \"a\", \"kind\": \"landfill\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [\"rock.*\"]}"), "sites[0].capacity_per_year", "is required" },
        { WITH("{\"id\": \"p\", \"kind\": \"plant\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [\"rock.*\"], \"capacity_per_month\": {\"value\": 5, \"unit\": \"t\"}, \"yields\": [{\"material\": \"0/32\", \"share\": 0.5}]}"), "sites[0].yields", "add up to 0.5" },
        { WITH("{\"id\": \"p\", \"kind\": \"plant\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [\"rock.*\"], \"capacity_per_month\": {\"value\": 5, \"unit\": \"t\"}, \"yields\": [{\"material\": \"0/32\", \"share\": 0.5}, {\"material\": \"0/32\", \"share\": 0.5}]}"), "sites[0].yields[1].material", "twice" },
        { WITH("{\"id\": \"x\", \"kind\": \"storage\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [\"rock.*\"], \"capacity\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-09\", \"to\": \"2026-02\"}}"), "sites[0].window", "ends before" },
        { WITH("{\"id\": \"x\", \"kind\": \"need\", \"municipality\": \"Narnia\", \"material\": \"0/32\", \"amount\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].municipality", "unknown municipality" },
        { WITH("{\"id\": \"x\", \"kind\": \"need\", \"utm\": {\"epsg\": 3857, \"easting\": 1, \"northing\": 1}, \"material\": \"0/32\", \"amount\": {\"value\": 5, \"unit\": \"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-02\"}}"), "sites[0].utm.epsg", "25832" },
        { WITH("{\"id\": \"x\", \"kind\": \"quarry\", \"offers\": [\"0/32\"]}"), "sites[0]", "needs a position" },
        { WITH(SOURCE ", " SOURCE), "sites[1].id", "also the id of sites[0]" },
        { HEAD "\"transport\": {\"payload_t\": 0}, \"sites\": [" SOURCE "]}", "transport.payload_t", "between 1 and 100" },
        { HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"zz\", \"km\": 5}]}, \"sites\": [" SOURCE "]}", "transport.distances[0]", "no site with id 'zz'" },
        { HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"d\", \"km\": 1}]}, \"sites\": [" SOURCE ", " LANDFILL "]}", "transport.distances[0].km", "shorter than the straight line" },
        { HEAD "\"transport\": {\"vehicle\": \"bicycle\"}, \"sites\": [" SOURCE "]}", "transport.vehicle", "unknown vehicle type" },
        { HEAD "\"transport\": {\"empty_return\": \"yes\"}, \"sites\": [" SOURCE "]}", "transport.empty_return", "true or false" },
        { HEAD "\"factors\": {\"truck.fuel_l_per_load\": {\"low\": 2, \"central\": 1, \"high\": 3}}, \"sites\": [" SOURCE "]}", "factors.truck.fuel_l_per_load", "low <= central <= high" },
        { HEAD "\"factors\": {\"truck.fuel\": 1}, \"sites\": [" SOURCE "]}", "factors.truck.fuel", "is not a factor" },
        { HEAD "\"factors\": {\"production.crushed_kg_per_t\": -3}, \"sites\": [" SOURCE "]}", "factors.production.crushed_kg_per_t", "between 0 and" },
        { HEAD "\"factors\": {\"truck.empty_return_share\": 1.5}, \"sites\": [" SOURCE "]}", "factors.truck.empty_return_share", "between 0 and 1" },
        { HEAD "\"factors\": {\"truck.payload_t\": {\"low\": 20, \"central\": 25}}, \"sites\": [" SOURCE "]}", "factors.truck.payload_t.high", "is required" },
        { HEAD "\"transport\": {\"boundary\": \"cradle\"}, \"sites\": [" SOURCE "]}", "transport.boundary", "not a boundary" },
        { HEAD "\"transport\": {\"fuel_mix\": {\"coal\": 1}}, \"sites\": [" SOURCE "]}", "transport.fuel_mix.coal", "not a fuel" },
        { HEAD "\"transport\": {\"fuel_mix\": {\"diesel\": 0.5, \"hvo100\": 0.2}}, \"sites\": [" SOURCE "]}", "transport.fuel_mix", "add up to 0.7" },
        { HEAD "\"objective\": \"speed\", \"sites\": [" SOURCE "]}", "objective", "not an objective" },
        { HEAD "\"out_of_region\": {\"landfill_km\": -5}, \"sites\": [" SOURCE "]}", "out_of_region.landfill_km", "between 0 and" },
        { HEAD "\"out_of_region\": {\"far\": 5}, \"sites\": [" SOURCE "]}", "out_of_region.far", "unknown field" },
        { HEAD "\"factors\": {\"policy.co2_price_nok_per_t\": 500}, \"co2_price_nok_per_t\": 100, \"sites\": [" SOURCE "]}", "co2_price_nok_per_t", "also given as factors.policy.co2_price_nok_per_t" },
        { HEAD "\"factors\": {\"truck.payload_t\": 25}, \"transport\": {\"payload_t\": 20}, \"sites\": [" SOURCE "]}", "transport.payload_t", "give it once" },
        { HEAD "\"factors\": {\"overflow.landfill_km\": 25}, \"out_of_region\": {\"landfill_km\": 20}, \"sites\": [" SOURCE "]}", "out_of_region.landfill_km", "give it once" },
        { HEAD "\"factors\": {\"policy.co2_price_nok_per_t\": 1e6}, \"sites\": [" SOURCE "]}", "factors.policy.co2_price_nok_per_t", "between 0 and 100000" },
        { HEAD "\"factors\": {\"overflow.landfill_km\": 1e6}, \"sites\": [" SOURCE "]}", "factors.overflow.landfill_km", "between 0 and 5000" },
        { HEAD "\"factors\": {\"truck.fuel_l_per_km_loaded\": 0.4}, \"transport\": {\"co2_kg_per_tkm\": 0.1}, \"sites\": [" SOURCE "]}", "factors.truck.fuel_l_per_km_loaded", "has no effect" },
        { HEAD "\"factors\": {\"truck.cost_nok_per_km\": 20}, \"transport\": {\"cost_nok_per_tkm\": 2}, \"sites\": [" SOURCE "]}", "factors.truck.cost_nok_per_km", "has no effect" },
        { WITH("{\"id\": \"d\", \"kind\": \"landfill\", \"lat\": 63.4, \"lon\": 10.4, \"accepts\": [\"*\"], \"capacity_by_year\": {\"unit\": \"t\", \"2062\": 5}}"), "sites[0].capacity_by_year", "lists no year of the horizon" },
        { HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"a\", \"km\": 5}]}, \"sites\": [" SOURCE "]}", "transport.distances[0]", "the same site" },
        { HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"d\", \"km\": 50, \"source\": \"ferry\"}]}, \"sites\": [" SOURCE ", " LANDFILL "]}", "transport.distances[0].source", "unknown source 'ferry'" },
        { HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"d\", \"km\": 50, \"source\": \"none\"}]}, \"sites\": [" SOURCE ", " LANDFILL "]}", "transport.distances[0].km", "no road between has no km" },
        { HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"d\", \"km\": 50, \"source\": \"road\", \"ferry_km\": 60}]}, \"sites\": [" SOURCE ", " LANDFILL "]}", "transport.distances[0].ferry_km", "more than the whole" },
        { HEAD "\"transport\": {\"distances\": [{\"from\": \"a\", \"to\": \"d\"}]}, \"sites\": [" SOURCE ", " LANDFILL "]}", "transport.distances[0].km", "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        refused(&cases[i]);
}

Test(scenario, all_problems_at_once)
{
    const char *json = HEAD "\"sites\": [{\"id\": \"a\", \"kind\": \"source\", \"lat\": 63.4, \"lon\": 10.4,"
        " \"material\": \"rock.blast\", \"class\": 9, \"amount\": {\"value\": -1, \"unit\": \"kg\"},"
        " \"window\": {\"from\": \"2026-05\", \"to\": \"2026-02\"}, \"colour\": \"red\"}]}";
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), MB_EINVAL);
    cr_assert_geq(p.n, 5, "material, class, amount value, unit, window, colour: got %zu", p.n);
    mb_problems_release(&p);
}

Test(scenario, broken_utf8_and_missing_file)
{
    const char bad[] = "{\"format\": \"massebank-scenario/1\", \"name\": \"B\xE6rum\"}";
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, bad, sizeof bad - 1, &p), MB_EINVAL);
    cr_assert(strstr(p.items[0].message, "UTF-8"));
    mb_problems_release(&p);
    cr_assert_eq(mb_scenario_read(&s, "/nonexistent.json", &p), MB_EIO);
    cr_assert(strstr(p.items[0].message, "/nonexistent.json"));
    mb_problems_release(&p);
}

/* Issue 14: a receiver naming acid-forming rock needs the permit; a need
 * never takes it; "*" leaves it out. */
Test(scenario, acid_rock_needs_an_approved_receiver)
{
    static const char *const head =
        "{\"format\": \"massebank-scenario/1\", \"horizon\": {\"from\": \"2026-01\", "
        "\"to\": \"2026-02\"}, \"sites\": [";
    static const struct {
        const char *site, *path, *msg;
    } cases[] = {
        { "{\"id\": \"l\", \"kind\": \"landfill\", \"lat\": 59.9, \"lon\": 10.7, "
          "\"accepts\": [\"rock.acid\"], \"capacity_per_year\": {\"value\": 1, \"unit\": \"t\"}}",
          "sites[0].acid_rock_permit", "is required to accept rock.acid" },
        { "{\"id\": \"n\", \"kind\": \"need\", \"lat\": 59.9, \"lon\": 10.7, \"material\": "
          "\"rock.blasted\", \"accepts\": [\"rock.acid\"], \"amount\": {\"value\": 1, \"unit\": "
          "\"t\"}, \"window\": {\"from\": \"2026-01\", \"to\": \"2026-01\"}}",
          "sites[0].accepts", "cannot be reused at a construction site" },
        { "{\"id\": \"l\", \"kind\": \"landfill\", \"lat\": 59.9, \"lon\": 10.7, "
          "\"accepts\": [\"rock.*\"], \"acid_rock_permit\": \"Tillatelse 1\", "
          "\"capacity_per_year\": {\"value\": 1, \"unit\": \"t\"}}",
          "sites[0].acid_rock_permit", "only read from a site whose accepts names rock.acid" },
        { "{\"id\": \"l\", \"kind\": \"landfill\", \"lat\": 59.9, \"lon\": 10.7, "
          "\"accepts\": [\"rock.acid\"], \"acid_rock_permit\": \"x\", "
          "\"capacity_per_year\": {\"value\": 1, \"unit\": \"t\"}}",
          "sites[0].acid_rock_permit", "3 to 200 characters" },
        { "{\"id\": \"l\", \"kind\": \"landfill\", \"lat\": 59.9, \"lon\": 10.7, "
          "\"accepts\": [\"rock.acid\"], \"acid_rock_permit\": \"     \", "
          "\"capacity_per_year\": {\"value\": 1, \"unit\": \"t\"}}",
          "sites[0].acid_rock_permit", "not only spaces" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char json[2048];
        snprintf(json, sizeof json, "%s%s]}", head, cases[i].site);
        struct mb_scenario s;
        struct mb_problems p;
        cr_assert_neq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "case %zu", i);
        bool found = false;
        for (size_t k = 0; k < p.n; k++)
            found |= strcmp(p.items[k].path, cases[i].path) == 0 &&
                     strstr(p.items[k].message, cases[i].msg) != NULL;
        cr_assert(found, "case %zu: %s: %s", i, p.n ? p.items[0].path : "",
                  p.n ? p.items[0].message : "");
        mb_problems_release(&p);
    }
    /* "*" and "rock.*" leave acid rock out; naming it with a permit takes it */
    char json[2048];
    snprintf(json, sizeof json, "%s%s]}", head,
             "{\"id\": \"l\", \"kind\": \"landfill\", \"lat\": 59.9, \"lon\": 10.7, "
             "\"accepts\": [\"*\", \"rock.acid\"], \"acid_rock_permit\": \"Tillatelse 1\", "
             "\"capacity_per_year\": {\"value\": 1, \"unit\": \"t\"}}");
    struct mb_scenario s;
    struct mb_problems p;
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0, "%s",
                 p.n ? p.items[0].message : "");
    long acid = mb_catalog_find(&s.catalog, "rock.acid") - s.catalog.items;
    cr_assert(s.sites[0].accepts[acid]);
    mb_scenario_release(&s);
    snprintf(json, sizeof json, "%s%s]}", head,
             "{\"id\": \"l\", \"kind\": \"landfill\", \"lat\": 59.9, \"lon\": 10.7, "
             "\"accepts\": [\"*\"], \"capacity_per_year\": {\"value\": 1, \"unit\": \"t\"}}");
    cr_assert_eq(mb_scenario_parse(&s, json, strlen(json), &p), 0);
    acid = mb_catalog_find(&s.catalog, "rock.acid") - s.catalog.items;
    cr_assert_not(s.sites[0].accepts[acid]);
    long blasted = mb_catalog_find(&s.catalog, "rock.blasted") - s.catalog.items;
    cr_assert(s.sites[0].accepts[blasted]);
    mb_scenario_release(&s);
}
