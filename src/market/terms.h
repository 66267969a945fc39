/*
 * terms.h - the quality terms of a listing or facility as the store keeps
 * them in a record's limits column, and the one rule that decides whether
 * a receiver's terms exclude a supply (used by matching, market/match.c).
 *
 * The column is "item;item;...", each item one of
 *   CODE=VALUE      a total content (supply: measured; receiver: limit)
 *   CODE=<VALUE     supply: not detected below VALUE
 *   L.CODE=VALUE    the same leached at L/S = 10 l/kg (mg/kg)
 *   @min=N          supply: the lower end of its class range (the record's
 *                   class is the upper end)
 *   @tpl=NAME       receiver: a landfill acceptance template
 *                   (inert, ordinary, hazardous)
 *   @range          receiver: accepts class ranges (judges a supply by
 *                   what its values prove, not by its detection limits)
 * written by market/site_parse.c. Values are in each substance's unit.
 */
#ifndef MB_MARKET_TERMS_H
#define MB_MARKET_TERMS_H

#include <stdbool.h>
#include <stddef.h>

#include "market/market.h"

#define MB_TERMS_MAX 192

struct mb_term {
    const struct mb_substance *substance;
    bool leached;
    bool below; /* "<": not detected below value */
    double value;
};

struct mb_terms {
    struct mb_term items[MB_TERMS_MAX];
    size_t n;
    int min_class;   /* supply: the lower end of its range; 0 = none */
    const struct mb_accept_template *tpl; /* receiver: or NULL */
    bool range;      /* receiver: accepts class ranges */
};

/* Read a limits column (NULL or "" is empty). Items it cannot read are
 * skipped: the column is written by the market itself. */
void mb_terms_parse(const struct mb_market *m, const char *col, struct mb_terms *out);

/* Whether a receiver (terms rt, up to class rcls) takes a supply (terms
 * st, class scls - the upper end of its range): false, or true with the
 * reason naming the exact value that excludes it. Substances the lab did
 * not analyse are not judged. */
bool mb_terms_exclude(const struct mb_terms *st, int scls, const struct mb_terms *rt, int rcls,
                      char *reason, size_t n);

#endif
