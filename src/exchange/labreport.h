/*
 * labreport.h - lab reports as Norwegian labs export them (CSV or XLSX):
 * a set of samples, each with its id, depth interval, position and
 * analyses, read into measurements of the substance table.
 *
 * Two layouts are read, found from the header:
 *   - long: one row per analysis - sample id, parameter, result, unit
 *     (Eurofins and ALS exports: "Prøvenr", "Parameter", "Resultat",
 *     "Enhet"), optionally depth and position columns;
 *   - wide: one row per sample, one column per parameter; the unit is in
 *     the header's last parenthesis ("Pb (mg/kg TS)") or in a units row
 *     right under the header (its id cell empty or "Enhet"/"Unit").
 * Depth: "Dybde fra"/"Dybde til" (m) or one "Dybde" column ("0-1", "0,5–1,0
 * m"). Position: "lat"/"lon" (WGS84) or "Nord"/"Øst" with an "EPSG" column
 * (25832, 25833, 25835). Values keep "<" and decimal commas; units are
 * converted or refused (an eluate's mg/l is refused with the conversion).
 * Known non-results (dry matter, water content) are skipped; parameters
 * outside the substance table (single PAH compounds, PCB congeners,
 * sub-fractions) and leaching results at L/S = 2 are kept aside as not
 * judged (skipped). With both a lab number and the client's marking
 * ("Kundens prøvemerking"), the client's marking is the sample id. Errors
 * name the file, the row and the column; nothing is returned unless the
 * whole report reads.
 */
#ifndef MB_EXCHANGE_LABREPORT_H
#define MB_EXCHANGE_LABREPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "domain/quality.h"
#include "exchange/sheet.h"

#define MB_LABREP_MAX_SAMPLES 200 /* as a listing's "samples" */
#define MB_LABREP_MAX_RESULTS 100 /* per sample */

struct mb_lab_sample {
    char id[64];
    double depth_from, depth_to; /* m below terrain; NAN when not given */
    bool has_pos;
    double lat, lon;             /* WGS84 */
    struct mb_measurement *m;    /* owned */
    size_t n;
};

struct mb_lab_report {
    struct mb_lab_sample *samples; /* owned */
    size_t n;
    bool long_layout;
    /* Results the report holds that are not judged, each name once (owned):
     * parameters outside the substance table (single PAH compounds, PCB
     * congeners, sub-fractions) and leaching results at another L/S than
     * 10 ("Ba (L/S=2)"). Said, never silently dropped. */
    char **skipped;
    size_t nskipped;
};

/* Read a sheet (mb_xchg_sheet_*). `name` names the file in errors. */
int mb_labrep_read(const struct mb_class_table *t, const struct mb_xchg_sheet *s,
                   const char *name, struct mb_lab_report *out, struct mb_error *err);
void mb_labrep_release(struct mb_lab_report *r);

/* The number of sampling points (distinct positions) when every sample has
 * a position, else 0 (depth samples from one borehole are one point). */
int mb_labrep_points(const struct mb_lab_report *r);

/* New reference: the samples as a listing's "samples" array, [{"id",
 * "depth_from_m", "depth_to_m", "lat", "lon", "lab": [{"substance",
 * "value", "unit"?, "leached"?}]}], values in the substance's unit. */
json_t *mb_labrep_json(const struct mb_lab_report *r);

#endif
