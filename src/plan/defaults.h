/*
 * defaults.h - the default factors of the planning model, each with its
 * source. docs/planning-model.md carries the same table for users; a test
 * checks that the two agree. [V] = read in the cited source, [S] =
 * secondary copy, [E] = estimate (an editable default: every one can be
 * set in the scenario).
 */
#ifndef MB_PLAN_DEFAULTS_H
#define MB_PLAN_DEFAULTS_H

/* Diesel, combustion: 2.66 kg CO2 per litre [V] (Miljødirektoratet,
 * "Tabeller for omregning fra energivarer til kWh", from NIR 2021). */
#define MB_DIESEL_KG_CO2_PER_L 2.66

/* Truck with tipping trailer, 50 t gross: payload 28-30 t [E]
 * (forskrift om tillatte vekter og dimensjoner; research note 3.3). */
#define MB_DEFAULT_PAYLOAD_T 30.0

/* Vehicle types a scenario may name ("vehicle"): payload (t) and diesel use
 * loaded/empty (l/km). Payloads from the weight limits of forskrift om
 * tillatte vekter og dimensjoner minus typical tare [E] (research note
 * 3.3); fuel use [E]. The default vehicle is the truck with trailer. */
struct mb_vehicle_type {
    const char *name;
    double payload_t, fuel_loaded, fuel_empty;
};
#define MB_VEHICLE_TYPES                                                      \
    { "tipper_3axle", 13.5, 0.38, 0.28 },  /* 26 t gross, 12 t tare */       \
    { "tipper_4axle", 17.5, 0.42, 0.30 },  /* 32 t gross, 14 t tare */       \
    { "truck_trailer", 30.0, 0.50, 0.35 }, /* 50 t gross, 20-22 t tare */    \
    { "semi_trailer", 30.0, 0.48, 0.34 },  /* tippsemi, 40-50 t gross */     \
    { "truck_trailer_60t", 37.0, 0.58, 0.40 } /* 60 t modulvogntog network */

/* Heavy tipper + trailer: 0.50 l/km loaded, 0.35 l/km empty [E]. With
 * empty return and 30 t: (0.50 + 0.35) x 2.66 / 30 = 0.075 kg CO2 per
 * tonne-km; SSB's average for all Norwegian lorries in 2021 is 0.0896 [V]. */
#define MB_DEFAULT_FUEL_L_PER_KM_LOADED 0.50
#define MB_DEFAULT_FUEL_L_PER_KM_EMPTY 0.35

/* Transport price for short mass hauls: 2.5-5 NOK per tonne-km, empty
 * return included [E]; a West-Norway tariff gives about 2.1 at 30 km [V]. */
#define MB_DEFAULT_COST_NOK_PER_TKM 3.5

/* Road km per great-circle km [E]: circuity of road networks is typically
 * 1.2-1.4; fjords need more (per-site detour_factor or distances). */
#define MB_DEFAULT_DETOUR_FACTOR 1.3

/* Longest haul considered, road km [E]: beyond it no flow is modelled, in
 * the plan and the baseline alike. */
#define MB_DEFAULT_MAX_KM 150.0

/* CO2 price in NOK per tonne: the Norwegian climate plan's path of the CO2
 * tax towards about NOK 2000 per tonne in 2030 [S] (Meld. St. 13
 * (2020-2021)). */
#define MB_DEFAULT_CO2_PRICE_NOK_PER_T 2000.0

/* Landfill gate fee for clean masses, NOK per tonne: 100-250, default 150
 * [E] (Oslo/Akershus contractor deposits). Handling CO2 at a deposit or
 * storage site: 0.1-0.3 l diesel per tonne, default 0.5 kg CO2/t [E]. */
#define MB_DEFAULT_GATE_FEE_NOK_PER_T 150.0
#define MB_DEFAULT_HANDLING_CO2_KG_PER_T 0.5

/* Intermediate storage: handling in and out 40 NOK/t [E], holding 2 NOK
 * per tonne and month [E], CO2 of handling twice 1.0 kg/t [E]. */
#define MB_DEFAULT_STORAGE_HANDLING_NOK_PER_T 40.0
#define MB_DEFAULT_STORAGE_HOLDING_NOK_PER_T_MONTH 2.0
#define MB_DEFAULT_STORAGE_CO2_KG_PER_T 1.0

/* Mobile crushing and screening of surplus rock or concrete: 0.5-1.0 l
 * diesel per tonne, default 2.0 kg CO2/t [E]; cost 30-60 NOK/t, default 45
 * [E]. */
#define MB_DEFAULT_PLANT_NOK_PER_T 45.0
#define MB_DEFAULT_PLANT_CO2_KG_PER_T 2.0

/* Virgin crushed aggregate ex works, Oslo region: 150-300 NOK/t, default
 * 220 [E]; production (A1-A3) 2-6 kg CO2e/t, default 3 [E]. */
#define MB_DEFAULT_QUARRY_NOK_PER_T 220.0
#define MB_DEFAULT_QUARRY_CO2_KG_PER_T 3.0

#endif
