/*
 * addresses.h - Kartverket's official addresses ("Matrikkelen - Adresse",
 * the CSV of Geonorge's download, e.g. Basisdata_0000_Norge_25833_
 * MatrikkelenAdresse_CSV) into the store, for the address search.
 *
 * The file is read as a stream (the whole country is about 2.6 million
 * rows and 600 MB), ';'-separated, UTF-8, with the published header. The
 * columns read, by their published names (case ignored): kommunenummer,
 * adresseTekst, EPSG-kode, Nord, Øst (required); postnummer, poststed,
 * gardsnummer, bruksnummer, festenummer (optional); others are ignored.
 * Nord/Øst are latitude/longitude for EPSG 4258 (and 4326) and northing/
 * easting for 25832, 25833 and 25835.
 *
 * All or nothing: every row is checked; with any bad row the report lists
 * the first MB_ADDR_MAX_PROBLEMS (line, column, message) and nothing is
 * written. Otherwise, in one transaction, the addresses of each
 * municipality the file holds replace those stored before.
 */
#ifndef MB_EXCHANGE_ADDRESSES_H
#define MB_EXCHANGE_ADDRESSES_H

#include <stddef.h>

#include "core/error.h"
#include "store/store.h"

#define MB_ADDR_MAX_PROBLEMS 20

struct mb_addr_problem {
    size_t line;
    char column[48];
    char message[200];
};

struct mb_addr_report {
    size_t rows;          /* data rows read */
    size_t imported;      /* rows stored (0 when refused) */
    size_t municipalities;/* municipalities whose addresses were replaced */
    size_t nproblems;     /* problems found (only the first MB_ADDR_MAX_PROBLEMS kept) */
    struct mb_addr_problem problems[MB_ADDR_MAX_PROBLEMS];
};

/* Import the file at path. 0 when stored; MB_EINVAL when the header or a
 * row is bad (rep lists them, err says how many; nothing written); MB_EIO
 * when the file cannot be read or the store fails (rolled back). */
int mb_xchg_addresses_import(struct mb_store *st, const char *path,
                             struct mb_addr_report *rep, struct mb_error *err);
/* The same from bytes in memory (name is used in messages). */
int mb_xchg_addresses_import_buffer(struct mb_store *st, const char *buf, size_t len,
                                    const char *name, struct mb_addr_report *rep,
                                    struct mb_error *err);
/* The compiled-in sample (data/demo/addresses-sample.csv: 145 constructed
 * addresses in the demo regions, in the published format), for the demo
 * and the tests. */
int mb_xchg_addresses_import_sample(struct mb_store *st, struct mb_addr_report *rep,
                                    struct mb_error *err);

#endif
