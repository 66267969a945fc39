/*
 * demo.h - the demo region: a scenario of the Trondheim region built from
 * its own reference tables (IKAP landfills, MEF 2020 surplus per
 * municipality), shipped as data/demo/trondheim.json. The assumptions that
 * fill the gaps in the tables are listed in docs/demo-region.md.
 */
#ifndef MB_PLAN_DEMO_H
#define MB_PLAN_DEMO_H

#include "core/error.h"

/* Build the demo scenario as JSON text (caller frees); NULL with err set
 * if the reference tables cannot be loaded. */
char *mb_demo_trondheim(struct mb_error *err);

#endif
