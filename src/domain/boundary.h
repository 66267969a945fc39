/*
 * boundary.h - which municipality a position lies in: Norway's 2024
 * municipality boundaries (Kartverket, CC BY 4.0, medium generalisation)
 * compiled into the library, with a point-in-polygon index.
 *
 * The boundaries come from data/municipality-boundaries.txt (made from
 * Kartverket's GeoJSON by tools/boundaries.py): 357 municipalities, about
 * 84 000 vertices in 3 000 rings, coordinates in 1e-5 degree. Every edge is
 * filed in each horizontal strip (0.005 degree, about 550 m, of latitude)
 * it spans; a lookup casts a ray east from the point through the edges of
 * its strip only, counting crossings per municipality (the even-odd rule
 * over all rings, so holes and islands need no special case). A strip
 * holds a few hundred edges at most: a lookup costs well under a
 * microsecond (bench/geo-bench).
 *
 * The medium generalisation can put a point tens of metres on the wrong
 * side of a boundary, and the coastline clip leaves quays and sea fills
 * outside every polygon; mb_place_municipality() applies the tolerances
 * that follow from that. A loaded table is read-only and may be shared by
 * threads.
 */
#ifndef MB_DOMAIN_BOUNDARY_H
#define MB_DOMAIN_BOUNDARY_H

#include <stddef.h>

#include "core/error.h"
#include "domain/geo.h"

/* A named municipality that lies within this distance of the position is
 * accepted even when the position falls in a neighbour: the medium
 * generalisation moves boundaries by tens of metres. */
#define MB_BOUNDARY_TOLERANCE_KM 0.3
/* A position in no municipality (a quay or a sea fill outside the
 * generalised coastline) belongs to the nearest municipality within this
 * distance. The boundaries cannot tell the sea from Sweden, Finland or
 * Russia (both are outside every polygon), so the distance is kept short:
 * a point less than 1 km across the land border is taken as Norwegian. */
#define MB_BOUNDARY_COAST_KM 1.0
/* A named municipality is accepted for a position outside every polygon
 * within this distance (a sea deposit in a fjord; a municipality's sea
 * area reaches beyond the coastline the boundaries are clipped to). As
 * above, the land border is as close: 3 km into Sweden would pass. */
#define MB_BOUNDARY_SEA_KM 3.0

struct mb_boundary_area {
    char code[5];          /* 2024 code */
    char name[96];         /* Kartverket's name, Sami forms included */
    struct mb_point point; /* a point inside the largest polygon */
};

struct mb_boundary_edge; /* private */

struct mb_boundaries {
    struct mb_boundary_area *areas;
    size_t nareas;
    struct mb_boundary_edge *edges;
    size_t nedges;
    int y0;             /* latitude of strip 0, 1e-5 degree */
    int strip;          /* strip height, 1e-5 degree */
    size_t nstrips;
    unsigned *start;    /* strip s holds ids[start[s] .. start[s + 1]) */
    unsigned *ids;
};

/* Parse the compiled-in boundaries and build the index (about 30 ms).
 * MB_EDATA if the data is malformed. Release with mb_boundaries_release. */
int mb_boundaries_init(struct mb_boundaries *b, struct mb_error *err);
void mb_boundaries_release(struct mb_boundaries *b);

/* The compiled-in boundaries, loaded once per process and shared read-only
 * (never released). NULL with err filled if they cannot be loaded. */
const struct mb_boundaries *mb_boundaries_shared(struct mb_error *err);

/* Index of the area with this 2024 code, or -1. */
int mb_boundaries_find(const struct mb_boundaries *b, const char *code);

/* The name of the municipality with this 2024 code in the shared
 * boundaries ("Trondheim - Tråante"), or NULL. Static storage. */
const char *mb_boundaries_name(const char *code);

/* Index of the municipality whose polygon holds p, or -1 (sea, abroad). */
int mb_boundaries_locate(const struct mb_boundaries *b, struct mb_point p);

/* Distance in km from p to area `idx` (0 when inside), looking no further
 * than max_km: a larger distance gives a value above max_km. */
double mb_boundaries_distance_km(const struct mb_boundaries *b, int idx,
                                 struct mb_point p, double max_km);

/* The area nearest to p within max_km (0 when inside one), or -1;
 * *dist_km (if not NULL) is its distance. */
int mb_boundaries_nearest(const struct mb_boundaries *b, struct mb_point p,
                          double max_km, double *dist_km);

/* The municipality of a site at p. With `named` (a 2024 code the caller
 * has already resolved; NULL or "" when none), it is kept when p lies in
 * it, within MB_BOUNDARY_TOLERANCE_KM of it, or at sea within
 * MB_BOUNDARY_SEA_KM of it; otherwise MB_EINVAL naming `field` and both
 * municipalities ("the position lies in 5001 Trondheim - Tråante, not in
 * 5028 Melhus"). Without one, the municipality holding p, else the nearest
 * within MB_BOUNDARY_COAST_KM, else "" (abroad or far out at sea).
 * out must hold 5 bytes. */
int mb_place_municipality(const struct mb_boundaries *b, struct mb_point p,
                          const char *named, char out[5], const char *field,
                          struct mb_error *err);

#endif
