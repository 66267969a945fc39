/*
 * refdata.h - the Trondheim region's reference tables, loaded and checked.
 *
 * Three tables from the region's own documents (IKAP landfill status and
 * MEF's 2020 statistics; data/trondheim/, copied from shared/domain/):
 * landfills with yearly capacity, the region's expected capacity per year,
 * and clean surplus delivered to landfill per municipality in 2020.
 *
 * Loading has two outcomes that must not be confused: a table that cannot
 * be read (a missing column, a non-number, a reversed year) is an error and
 * nothing is loaded; a table that reads but disagrees with itself or with
 * the other tables (the sources do) loads, and every disagreement becomes a
 * finding with the table, the line and the numbers. Findings are reported,
 * never smoothed over.
 */
#ifndef MB_DOMAIN_REFDATA_H
#define MB_DOMAIN_REFDATA_H

#include <stddef.h>

#include "core/error.h"
#include "domain/municipality.h"

enum mb_finding_level { MB_FINDING_INFO, MB_FINDING_WARNING };

struct mb_finding {
    enum mb_finding_level level;
    char table[48];
    size_t line;        /* 0 when the finding is about a whole table */
    char message[400];
    struct mb_words words; /* the message's template and values (core/error.h) */
};

struct mb_ref_landfill {
    char name[96];
    char municipality[64];                 /* as given; may be "" */
    const struct mb_municipality *muni;    /* NULL when unknown or not given */
    double yearly_m3, sum_to_2030_m3, capacity_m3;
    int operating_years;
    char start[32];
    char status[96];
    size_t line;
};

struct mb_ref_year {
    int year;
    double capacity_m3;
};

struct mb_ref_surplus {
    char municipality[64];
    const struct mb_municipality *muni;
    double landfill_m3;
    size_t line;
};

struct mb_refdata {
    struct mb_ref_landfill *landfills;
    size_t nlandfills;
    struct mb_ref_year *years;
    size_t nyears;
    struct mb_ref_surplus *surplus;
    size_t nsurplus;
    double stated_total_capacity_m3; /* from the sums table's note; 0 if none */
    double stated_total_surplus_m3;  /* from the surplus table's note; 0 if none */
    struct mb_finding *findings;
    size_t nfindings, cap_findings;
};

/* Load the three tables from `dir` (files landfills.csv,
 * landfill-capacity-sums.csv, surplus-2020.csv) or, when dir is NULL, from
 * the copies compiled into the library; then check them. Returns 0 with
 * findings in r->findings, or an error with nothing loaded. The caller
 * releases r. */
int mb_refdata_load(struct mb_refdata *r, const char *dir,
                    const struct mb_municipalities *munis, struct mb_error *err);

size_t mb_refdata_count(const struct mb_refdata *r, enum mb_finding_level level);

void mb_refdata_release(struct mb_refdata *r);

#endif
