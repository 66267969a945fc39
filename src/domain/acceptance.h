/*
 * acceptance.h - landfill acceptance criteria (avfallsforskriften kap. 9
 * vedlegg II; Council Decision 2003/33/EC): templates for inert, ordinary
 * and hazardous waste landfills with leaching limits at L/S = 10 l/kg and
 * total-content limits, kept as data in data/landfill-acceptance.csv.
 *
 * A template judges a sample's measurements: a value above a limit
 * excludes the masses (equal is accepted); a result below a detection
 * limit that lies above the limit leaves the verdict open (not proven); a
 * limit the lab did not measure is counted as not judged. Rows in one
 * "either" group pass when one of them passes.
 */
#ifndef MB_DOMAIN_ACCEPTANCE_H
#define MB_DOMAIN_ACCEPTANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "domain/quality.h"

#define MB_ACCEPT_TEMPLATES 3

struct mb_accept_limit {
    const struct mb_substance *substance;
    bool leached;    /* leached at L/S = 10 (mg/kg), else total content */
    double limit;    /* in the substance's unit */
    char either[8];  /* group of alternatives, or "" */
    char status;     /* 'V', 'S' or 'U' (unconfirmed) */
    char source[16];
};

struct mb_accept_template {
    char name[16]; /* "inert", "ordinary", "hazardous" */
    struct mb_accept_limit *items;
    size_t n;
};

struct mb_accept_table {
    struct mb_accept_template t[MB_ACCEPT_TEMPLATES];
};

/* Load the compiled-in table against the substance table (which must
 * outlive it). 0, or MB_EDATA when it is broken. */
int mb_accept_table_init(struct mb_accept_table *a, const struct mb_class_table *classes,
                         struct mb_error *err);
void mb_accept_table_release(struct mb_accept_table *a);

/* Template by name ("inert", "ordinary", "hazardous", any case); NULL if
 * unknown or name is NULL. */
const struct mb_accept_template *mb_accept_find(const struct mb_accept_table *a,
                                                const char *name);

/* Norwegian and English names: "Deponi for inert avfall", ... */
const char *mb_accept_name_nb(const struct mb_accept_template *t);
const char *mb_accept_name_en(const struct mb_accept_template *t);

struct mb_accept_verdict {
    bool accepted;     /* every limit measured, none exceeded, none open */
    size_t nexceeded;  /* limits exceeded */
    size_t nopen;      /* detection limits above a limit */
    size_t nmissing;   /* limits the lab did not measure */
    /* the first limit exceeded (or, with none exceeded, the first open) */
    const struct mb_accept_limit *limit;
    double value;
    bool open;
};

/* The verdict in one word: "accepted", "not_accepted" (a value above a
 * limit), "not_proven" (a detection limit above one), "incomplete" (none
 * exceeded, but some limits not analysed), "not_judged" (none analysed). */
const char *mb_accept_verdict_code(const struct mb_accept_template *t,
                                   const struct mb_accept_verdict *v);

/* Judge n measurements against template t. */
void mb_accept_check(const struct mb_accept_template *t, const struct mb_measurement *m,
                     size_t n, struct mb_accept_verdict *v);

/* The reason in English, naming the exact value: "Ba leached at L/S = 10:
 * 25 mg/kg is above the inert waste landfill limit 20 mg/kg
 * (avfallsforskriften vedlegg II)"; "" when accepted. */
void mb_accept_reason(const struct mb_accept_template *t, const struct mb_accept_verdict *v,
                      char *buf, size_t n);

#endif
