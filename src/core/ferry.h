/*
 * ferry.h - the speed a car ferry's crossing is timed at, shared by the
 * road database (which tells a route's ferry sections by it) and the
 * plan's accounting (which prices the truck's time on board by it).
 */
#ifndef MB_CORE_FERRY_H
#define MB_CORE_FERRY_H

/* A Norwegian car ferry's block speed from quay to quay on a crossing of
 * 5-8 km (MF Ampere 5.7 km in 20 minutes, Flakk-Rørvik 7.4 km in 25),
 * about ten knots; the wait at the quay is the factor ferry.wait_min, per
 * crossing (docs/roads.md). */
#define MB_FERRY_KPH 18.0

/* The km a drive's ferry emissions are counted over: its km on board,
 * and at least 2 km per crossing in all, since docking and leaving the
 * quay cost energy however short the crossing (factor
 * ferry.co2_kg_per_km). Only the total ferry km is known, not each
 * crossing's. */
#define MB_FERRY_MIN_KM 2.0
static inline double mb_ferry_co2_km(double ferry_km, int crossings)
{
    double least = MB_FERRY_MIN_KM * crossings;
    return ferry_km > least ? ferry_km : least;
}

#endif
