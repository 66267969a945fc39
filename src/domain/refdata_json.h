/*
 * refdata_json.h - the reference tables (IKAP landfills, capacity per
 * year, 2020 surplus per municipality) and every finding about them as one
 * JSON document: {"landfills", "capacity_per_year", "surplus_2020",
 * "findings"}.
 */
#ifndef MB_DOMAIN_REFDATA_JSON_H
#define MB_DOMAIN_REFDATA_JSON_H

#include <jansson.h>

#include "domain/refdata.h"

/* New reference. */
json_t *mb_refdata_json(const struct mb_refdata *r);

#endif
