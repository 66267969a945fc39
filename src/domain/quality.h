/*
 * quality.h - condition classes for contaminated ground (tilstandsklasser).
 *
 * The table is Miljødirektoratet's TA-2553/2009 "Helsebaserte
 * tilstandsklasser for forurenset grunn", kept as data in
 * data/condition-classes.csv and compiled in. Each substance has the upper
 * bound of classes 1-5 in mg/kg dry matter, or only a normverdi (the
 * class-1 bound). Rules (TA-2553; Miljødirektoratet "Tolke og rapportere
 * resultater"; see docs/condition-classes.md):
 *   - a value belongs to the lowest class whose upper bound is >= the
 *     value (a value equal to the normverdi is not above it);
 *   - the sample's class is the worst class of its substances, and the
 *     substance that decided it is named with how far it is over;
 *   - above the class-5 bound: flagged as likely hazardous waste (decided
 *     under avfallsforskriften ch. 11, not by these classes);
 *   - a normverdi-only substance above its normverdi gets no class but
 *     flags a site-specific risk assessment;
 *   - a value below the detection limit ("<0,5") is somewhere below it:
 *     class 1 up to the class the limit itself falls in. A sample whose
 *     limits exceed a bound has a class range (cls_min..cls_max) with the
 *     substances that leave it open; its class (cls) is the upper end,
 *     which is what receivers and the planner use;
 *   - a substance's natural background (background.h) above its normverdi
 *     is not contamination (forurensningsforskriften § 2-3 a): a value at
 *     or below it is class 1 "within background";
 *   - parameters without any bound (barium, chloride, TOC, ...) and
 *     leaching results (L/S = 10) get no class: they are judged by the
 *     landfill acceptance limits (acceptance.h).
 */
#ifndef MB_DOMAIN_QUALITY_H
#define MB_DOMAIN_QUALITY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define MB_CLASS_COUNT 5

struct mb_substance {
    char name[64];  /* Norwegian name as in the table, e.g. "Bly" */
    char code[24];  /* e.g. "Pb" */
    double upper[MB_CLASS_COUNT]; /* inclusive upper bounds, in unit */
    int nbounds;    /* 5; 1 for a substance with only a normverdi; 0 for a
                     * parameter judged only by landfill acceptance limits */
    char status;    /* 'V' verified or 'S' secondary source */
    char unit[8];   /* "mg/kg" (dry matter), "%" or "pH" */
    char source[16]; /* key of the source, explained in the table's header */
    char aliases[240]; /* other names labs write, separated by '|' */
};

struct mb_class_table {
    char version[32]; /* "NO-TA2553-2009" */
    struct mb_substance *items;
    size_t n;
};

/* Load the compiled-in table. 0, or MB_EDATA if it is broken. */
int mb_class_table_init(struct mb_class_table *t, struct mb_error *err);
void mb_class_table_release(struct mb_class_table *t);

/* Substance by code, name or alias, ignoring case, spaces and punctuation
 * ("pb", "Bly", "PAH-16", "Sum PAH(16) EPA", "Benso(a)pyren"). NULL if
 * unknown. */
const struct mb_substance *mb_class_table_find(const struct mb_class_table *t,
                                               const char *name);

/* A result's name as a lab writes it in a column header or a parameter
 * column: a substance's code, name or alias, "L." before it for a leaching
 * result ("L.Ba"), and a last parenthesis holding the unit or a leaching
 * mark ("Pb (µg/kg)", "Ba (L/S=10)", "Ba (L/S=10, mg/kg)"). Fills *s,
 * *leached and unit ("" when none given). MB_ENOTFOUND when it names no
 * substance (err names `field`), MB_EINVAL for a unit that is refused. */
int mb_result_name_parse(const struct mb_class_table *t, const char *name, const char *field,
                         const struct mb_substance **s, bool *leached, char *unit,
                         size_t unitn, struct mb_error *err);

/* One lab result. */
struct mb_measurement {
    const struct mb_substance *substance;
    double value;   /* in the substance's unit (mg/kg dry matter); the
                     * detection limit when below_loq */
    bool below_loq; /* "<0,5", or "i.p."/"n.d." (then value is 0) */
    bool leached;   /* a leaching result: mg leached per kg dry matter at
                     * L/S = 10 l/kg (NS-EN 12457), not a total content */
};

/* The factor from a lab's unit to the substance's own: "mg/kg",
 * "mg/kg TS"/"mg/kg DM"/"mg/kg tørrstoff" 1, "µg/kg"/"ug/kg" 0.001,
 * "g/kg" 1000, "%" 10000 (and the reverse for a substance in %).
 * Empty or NULL means the substance's unit. "mg/l" and "µg/l" (an eluate's
 * concentration) are refused with how to convert them; so is any other
 * unit. The error names `field`. */
int mb_unit_scale(const struct mb_substance *s, const char *unit, const char *field,
                  double *factor, struct mb_error *err);

/* Parse one result: substance name or code, and its value text ("12",
 * "0,5", "<0.5", "i.p."). Errors (MB_ENOTFOUND for an unknown substance,
 * MB_EINVAL for a bad value) name the substance as the field. */
int mb_measurement_parse(const struct mb_class_table *t, const char *substance,
                         const char *value, struct mb_measurement *out,
                         struct mb_error *err);

/* The same with the lab's unit (see mb_unit_scale; NULL = the substance's
 * unit) and whether it is a leaching result. A pH is 0-14. */
int mb_measurement_parse_as(const struct mb_class_table *t, const char *substance,
                            const char *value, const char *unit, bool leached,
                            struct mb_measurement *out, struct mb_error *err);

/* Natural background values of one area (background.h fills it): a metal
 * at or below its background is not contamination. */
struct mb_background_value {
    const struct mb_substance *substance;
    double value; /* mg/kg */
};
struct mb_background {
    char municipality[8]; /* "5001" */
    char area[64];     /* "Trondheim (5001)" */
    char source[160];  /* the publication the values come from */
    char status;       /* 'V' or 'S' */
    struct mb_background_value items[8];
    size_t n;
};

struct mb_substance_result {
    const struct mb_substance *substance;
    double value;
    bool below_loq;
    int cls;            /* 1-5; 0 = no class (normverdi-only, above it); below
                         * detection: 1, the lower end */
    int cls_max;        /* the highest class it may be in: its class, or below
                         * detection the class of the detection limit */
    bool above_class5_possible; /* below a detection limit above class 5 */
    bool above_class5;  /* above the class-5 bound */
    bool above_normverdi;
    bool loq_above_normverdi; /* "<x" with x above the normverdi: class 1 not proven */
    double lower;       /* exclusive lower bound of cls: the limit exceeded (0 in class 1) */
    double upper;       /* inclusive upper bound of cls; INFINITY when none */
    bool leached;       /* a leaching result (no class) */
    bool unclassed;     /* leaching result or parameter: no class, not judged
                         * here (cls is 0, which then means nothing) */
    double background;  /* the natural background applied, or 0 */
    bool within_background; /* above the normverdi but at or below the
                             * background: class 1 */
};

struct mb_classification {
    int cls;                 /* 1-5, worst over classed substances, the upper end
                              * of the range (= cls_max); 0 when every substance
                              * is normverdi-only and above it */
    int cls_min, cls_max;    /* the range: measured values give the lower end,
                              * detection limits above a bound the upper one */
    size_t open_decider;     /* with cls_max > cls_min: the substance whose
                              * detection limit sets the upper end */
    bool likely_hazardous_possible; /* a detection limit above class 5 */
    bool likely_hazardous;   /* some substance above its class-5 bound */
    bool risk_assessment;    /* a normverdi-only substance above its normverdi */
    bool contaminated;       /* some substance above its normverdi */
    bool loq_note;           /* some detection limit above a normverdi */
    bool no_class;           /* no result that a class can be given from (only
                              * parameters and leaching results); cls is 0 */
    size_t nbackground;      /* results within their natural background */
    size_t decider;          /* index in results of the deciding substance */
    struct mb_substance_result *results; /* n results, in input order */
    size_t n;
};

/* Classify a sample of n >= 1 measurements, each substance at most once
 * as a total and once as a leaching result. On success the caller
 * releases *out. */
int mb_classify(const struct mb_measurement *m, size_t n,
                struct mb_classification *out, struct mb_error *err);

/* The same for natural masses with the area's background values (NULL:
 * none). */
int mb_classify_bg(const struct mb_measurement *m, size_t n,
                   const struct mb_background *bg, struct mb_classification *out,
                   struct mb_error *err);
void mb_classification_release(struct mb_classification *c);

/* Result i leaves the range open: below a detection limit that lies above
 * the lower end's class. */
bool mb_substance_result_open(const struct mb_classification *c, size_t i);

/* Factor by which the decider is over the limit it exceeded (value/lower),
 * or 0 in class 1. */
double mb_classification_factor(const struct mb_classification *c);

/* Norwegian class name: "Meget god", "God", "Moderat", "Dårlig",
 * "Svært dårlig" (TA-2553 table 1). */
const char *mb_class_name_nb(int cls);
const char *mb_class_name_en(int cls);

#endif
