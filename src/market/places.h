/*
 * places.h - naming places: the address search of the listing form and
 * the map, and the municipality of a position, as the API shows them.
 *
 * The store finds addresses holding every typed word as a prefix
 * (store_address.c); this module ranks them for a person typing: an
 * address whose text starts with what was typed first, then one with
 * every word matching a whole word, then the nearest to `near` (the map's
 * centre or the user's last position) when given, then the shortest and
 * alphabetical. Each answer carries its municipality's name and the
 * property number ("5001-414/3") a listing can take over.
 */
#ifndef MB_MARKET_PLACES_H
#define MB_MARKET_PLACES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "domain/geo.h"
#include "store/store.h"

/* At most this many answers per search; the store is asked for a larger
 * pool (MB_PLACES_POOL) that is ranked. */
#define MB_PLACES_MAX 50
#define MB_PLACES_POOL 400

struct mb_places_query {
    const char *q;          /* what was typed (2 to 200 bytes of UTF-8) */
    const char *kommune;    /* a 2024 municipality number, or NULL */
    bool has_near;
    struct mb_point near;
    size_t limit;           /* 1..MB_PLACES_MAX */
};

/* Check a query: q of 2-200 bytes of UTF-8 without control characters
 * and with a letter or digit, kommune a known 2024 number, near a
 * position in Norway, limit 1..MB_PLACES_MAX. MB_EINVAL naming the
 * field. */
int mb_places_check(const struct mb_places_query *q, struct mb_error *err);

/* The ranked answers as a JSON array (new reference in *out) of
 * {text, municipality, municipality_name, postnr, poststed, property
 * (or null), lat, lon, distance_km (with near)}. */
int mb_places_search(struct mb_store *st, const struct mb_places_query *q, json_t **out,
                     struct mb_error *err);

/* The municipality of a position, as a listing would get it:
 * {municipality, municipality_name, inside} or {municipality: null} when
 * abroad or far out at sea. MB_EINVAL naming `field` when p is not a
 * position in Norway. */
int mb_places_at(struct mb_point p, const char *field, json_t **out, struct mb_error *err);

/* Every municipality: [{code, name}], by code. */
json_t *mb_places_municipalities(void);

/* A property number "KKKK-G/B", "KKKK-G/B/F" or "KKKK-G/B/F/S"
 * (kommunenummer, gårds-, bruks-, feste-, seksjonsnummer; 1-99999 each
 * but feste and seksjon, which may be 0; leading zeros allowed). Written
 * into out (at most 32 bytes) without leading zeros in the numbers; MB_EINVAL naming `field`
 * otherwise; the municipality must be a 2024 number (*kommune gets it). */
int mb_property_parse(const char *s, char out[32], char kommune[5], const char *field,
                      struct mb_error *err);

#endif
