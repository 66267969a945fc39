/*
 * import_csv.c - fuzz target: a CSV file to import (docs/exchange.md)
 * through mb_xchg_sheet_from_csv, and the sheet through mb_xchg_import as a
 * dry run, as listings and as facilities, against an in-memory store: the
 * header's column names, every cell's conversion into a body and the
 * market's validation of that body (common.c).
 *
 * A sheet that is read must keep the sheet's contract (fuzz_check_sheet).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mb_xchg_sheet s;
    struct mb_error err;
    int rc = mb_xchg_sheet_from_csv(&s, (const char *)data, size, "import.csv", &err);
    if (rc == 0) {
        fuzz_check_sheet(&s);
        fuzz_import_dry_run(&s);
        mb_xchg_sheet_release(&s);
    } else if (rc != MB_EINVAL) {
        fuzz_fail("csv sheet: refused with another code than MB_EINVAL", &err);
    }
    return 0;
}
