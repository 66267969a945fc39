/*
 * quality_json.h - one JSON form of a classified sample's parts, shared by
 * `massebank classify --json`, POST /api/classify and a listing's
 * class_from_lab: each result, the natural background applied and the
 * verdict of every landfill acceptance template.
 */
#ifndef MB_DOMAIN_QUALITY_JSON_H
#define MB_DOMAIN_QUALITY_JSON_H

#include <jansson.h>

#include "domain/acceptance.h"
#include "domain/quality.h"

/* Parse one lab result {"substance": name or code, "value": 12 or "<0,5",
 * "unit": "mg/kg" (optional, the substance's unit), "leached": true
 * (optional: a leaching result at L/S = 10)} - the one form listings,
 * /api/classify and lab imports share. On error writes the field path
 * ("lab[3].value") into field and returns MB_EINVAL or MB_ENOTFOUND. */
int mb_lab_item_parse(const struct mb_class_table *t, json_t *x, size_t index,
                      struct mb_measurement *out, char *field, size_t fieldn,
                      struct mb_error *err);

/* New reference: one lab result as listings keep it, in the substance's
 * own unit: {"substance": "Pb", "value": 80 or "<0.5" or "n.d.", "unit"
 * (only when not mg/kg), "leached": true (only when leached)}. */
json_t *mb_measurement_json(const struct mb_measurement *m);

/* New reference: {"substance", "name", "value", "unit", "below_loq",
 * "leached", "class" (null without one), "class_max", "background",
 * "within_background"}. */
json_t *mb_substance_result_json(const struct mb_substance_result *r);

/* New reference: {"area", "source", "status", "values": {"Cr": 100, ...}}
 * or JSON null when bg is NULL. */
json_t *mb_background_json(const struct mb_background *bg);

/* New reference: the substances that leave the class open, as
 * [{"substance", "detection_limit", "class_max"}]. */
json_t *mb_open_json(const struct mb_classification *c);

/* New reference: one verdict per template, [{"template", "name_nb",
 * "name_en", "accepted", "not_proven", "exceeded", "not_measured",
 * "reason", "deciding": {"substance", "leached", "value", "limit", "unit",
 * "status", "source"} or null}]. */
json_t *mb_acceptance_json(const struct mb_accept_table *a, const struct mb_measurement *m,
                           size_t n);

/* New reference: the whole reference of quality judgements, for a reader
 * who must defend a figure: {"table", "substances": [{"code", "name",
 * "unit", "bounds": [...] (class 1-5 upper bounds; one = normverdi only;
 * none = a parameter), "status", "source", "aliases": [...]}],
 * "acceptance": [{"template", "name_nb", "name_en", "limits": [{"substance",
 * "leached", "limit", "either", "status", "source"}]}]}. */
json_t *mb_quality_reference_json(const struct mb_class_table *t,
                                  const struct mb_accept_table *a);

#endif
