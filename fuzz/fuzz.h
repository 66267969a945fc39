/*
 * fuzz.h - what the fuzz targets share (fuzz/README.md).
 *
 * Each target is a libFuzzer program: LLVMFuzzerTestOneInput hands one
 * input to one of the library's parsers, releases whatever it returned and
 * checks the parser's documented contract (a refusal names a problem, a
 * success leaves none; a dry run writes nothing). A broken contract is a
 * finding like a crash, so the check aborts with a line that says which.
 *
 * Things every input would build again (the market's reference data, an
 * in-memory store with one organisation) are built once, on first use, and
 * kept for the life of the process; LeakSanitizer sees them as reachable.
 * Per input, everything is freed, so a leak is the parser's.
 */
#ifndef MB_FUZZ_FUZZ_H
#define MB_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "exchange/sheet.h"
#include "market/market.h"
#include "store/store.h"

/* libFuzzer's entry point (declared for -Wmissing-prototypes). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with "fuzz: <what>" and, when err is set, its field and message:
 * for a broken contract, or a fixture that cannot be built. */
_Noreturn void fuzz_fail(const char *what, const struct mb_error *err);

/* The market's reference data (catalog, condition classes, factors). */
const struct mb_market *fuzz_market(void);

/* An in-memory store (":memory:") holding one organisation, whose id is
 * *org. Targets only read it or run dry runs against it. */
struct mb_store *fuzz_store(int64_t *org);

/* Check a sheet's contract (exchange/sheet.h): a header of non-empty
 * names, every row as wide as it with no NULL cell, no row whose cells are
 * all empty, rows after the header in increasing order, at most
 * MB_XCHG_MAX_ROWS rows and MB_XCHG_MAX_COLS columns. */
void fuzz_check_sheet(const struct mb_xchg_sheet *s);

/* Import a sheet as listings and as facilities, each as a dry run against
 * fuzz_store(), so the header and every row go through the market's
 * validation; checks the import's contract and releases the reports. */
void fuzz_import_dry_run(const struct mb_xchg_sheet *sheet);

#endif
