/*
 * roads.h - road and ferry distances for a truck from an OpenStreetMap
 * extract (issue 17, docs/roads.md).
 *
 * A region's road database is built once from an extract by Routino's
 * planetsplitter (mb_roads_build) into a directory with a manifest; it is
 * then opened (mb_roads_open) and asked for the drive between two points
 * (mb_roads_route) for one vehicle: a loaded tipper truck by default
 * (weight, height, width and length limits on the way apply; roads closed
 * to heavy goods vehicles are not used; a ferry that takes vehicles is).
 *
 * A route says what it is: a road distance and time, with the part of it
 * on a ferry, or why there is none (no road within reach of a point, no
 * route between them). Callers fall back to the estimate (great circle
 * times a detour factor) and say so; a zero is never a missing distance.
 *
 * roads.c is the only file that includes routino.h. Routino keeps global
 * state (its error number, the routing options, the temporary waypoint
 * nodes), so every call into it is made under one lock: an open database
 * may be shared by threads, and they take turns.
 */
#ifndef MB_ROADS_ROADS_H
#define MB_ROADS_ROADS_H

#include "core/error.h"

/* An open road database (opaque); mb_roads_close releases it. */
struct mb_roads;

/* The vehicle a route is for: its limits decide which ways it may use. */
struct mb_road_vehicle {
    double weight_t;  /* gross weight, tonnes (at most 51: Routino's limit) */
    double height_m;
    double width_m;
    double length_m;
};

/* A loaded truck with a tipping trailer, 50 t gross, 19.5 m: the vehicle
 * the factor register costs and weighs a haul with (truck.payload_t,
 * docs/roads.md), so a route and its cost are for the same truck. */
extern const struct mb_road_vehicle mb_road_truck;

/* What a route asks for: the quickest drive (what a driver takes), the
 * shortest, or the quickest that takes no ferry (the road round, to
 * weigh against a crossing's ticket and wait, market/road_km.h). */
enum mb_road_goal { MB_ROAD_QUICKEST, MB_ROAD_SHORTEST, MB_ROAD_QUICKEST_NO_FERRY };

enum mb_road_status {
    MB_ROAD_OK,           /* km and minutes are the drive */
    MB_ROAD_NO_ROAD_NEAR, /* a point has no road the vehicle may use within 1 km */
    MB_ROAD_NO_ROUTE,     /* no way between the points for this vehicle */
};

struct mb_road_leg {
    enum mb_road_status status;
    double km;        /* the whole drive: access_km + on the road */
    double minutes;   /* at the profile's speeds, ferry crossing and access included */
    double ferry_km;  /* the part of km on ferries */
    int ferry_crossings; /* how many ferries it takes (each a ticket and a wait) */
    double access_km; /* the part of km off the road network: each point to where
                         it meets a road, in a straight line (a site road or yard) */
};

/* Speed on a site's own road or yard, km/h (the access part of a drive). */
#define MB_ROAD_ACCESS_KPH 20.0

/* A status as text: "road", "no_road_near", "no_route" (the road cache's
 * status column and an estimate's reason use the same words). */
const char *mb_road_status_name(enum mb_road_status s);

/* Build a road database in `dir` (created; must not hold one already)
 * from an OpenStreetMap extract (.osm, .osm.pbf, .o5m, optionally .gz or
 * .bz2) with planetsplitter. The files are written into a temporary
 * directory and moved in place only when all went well, with
 * "manifest.json" (source, sizes, Routino version) last. */
int mb_roads_build(const char *extract, const char *dir, struct mb_error *err);

/* Open the road database in `dir` for this vehicle. */
int mb_roads_open(const char *dir, const struct mb_road_vehicle *v, struct mb_roads **out,
                  struct mb_error *err);

/* The drive from (lat1, lon1) to (lat2, lon2), WGS84 degrees. Returns 0
 * with out->status saying whether there is one; an error only when the
 * router itself fails. */
int mb_roads_route(struct mb_roads *r, double lat1, double lon1, double lat2, double lon2,
                   enum mb_road_goal goal, struct mb_road_leg *out, struct mb_error *err);

/* The same, with the drive's points to draw: *latlon holds *n (lat, lon)
 * pairs in WGS84 degrees, from the first point through the road's points
 * to the second (malloc'ed, the caller frees it; NULL when there is no
 * drive). The router routes one drive at a time: with `wait` >= 0 this
 * waits at most that many seconds for its turn, else MB_EBUSY (a request
 * on behalf of a user; < 0: as long as it takes). */
int mb_roads_path(struct mb_roads *r, double lat1, double lon1, double lat2, double lon2,
                  enum mb_road_goal goal, struct mb_road_leg *out, double **latlon, size_t *n,
                  double wait, struct mb_error *err);

/* The database's version: changes whenever the data or the rules change,
 * so a cached distance knows when it is stale. */
const char *mb_roads_version(const struct mb_roads *r);

void mb_roads_close(struct mb_roads *r);

#endif
