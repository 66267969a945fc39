/*
 * defaults.h - the planning model's geometry defaults and vehicle types,
 * each with its source. Every factor that values a plan (fuel, emissions,
 * prices, fees, payload) lives in the factor register (factors.h,
 * data/factors.csv); what stays here shapes which hauls exist.
 * docs/planning-model.md carries the same table for users; a test checks
 * that the two agree. [V] = read in the cited source, [S] = secondary
 * copy, [E] = estimate (an editable default: every one can be set in the
 * scenario).
 */
#ifndef MB_PLAN_DEFAULTS_H
#define MB_PLAN_DEFAULTS_H

/* Vehicle types a scenario may name ("vehicle"): payload (t) and diesel use
 * loaded/empty (l/km). Payloads from the weight limits of forskrift om
 * tillatte vekter og dimensjoner minus typical tare [E] (research note
 * 3.3); fuel use [E]. Without a vehicle the register's truck with trailer
 * applies (truck.payload_t, truck.fuel_l_per_km_*). */
struct mb_vehicle_type {
    const char *name;
    double payload_t, fuel_loaded, fuel_empty;
};
#define MB_VEHICLE_TYPES                                                      \
    { "tipper_3axle", 13.5, 0.38, 0.28 },  /* 26 t gross, 12 t tare */       \
    { "tipper_4axle", 17.5, 0.42, 0.30 },  /* 32 t gross, 14 t tare */       \
    { "truck_trailer", 29.0, 0.50, 0.35 }, /* 50 t gross, 20-22 t tare */    \
    { "semi_trailer", 30.0, 0.48, 0.34 },  /* tippsemi, 40-50 t gross */     \
    { "truck_trailer_60t", 37.0, 0.58, 0.40 } /* 60 t modulvogntog network */

/* Road km per great-circle km [E]: circuity of road networks is typically
 * 1.2-1.4; fjords need more (per-site detour_factor or distances). */
#define MB_DEFAULT_DETOUR_FACTOR 1.3

/* Longest haul considered, road km [E]: beyond it no flow is modelled, in
 * the plan and the baseline alike. */
#define MB_DEFAULT_MAX_KM 150.0

#endif
