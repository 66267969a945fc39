/*
 * quality_json.c - JSON forms of a classified sample (see quality_json.h).
 */
#include "domain/quality_json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"

int mb_lab_item_parse(const struct mb_class_table *t, json_t *x, size_t index,
                      struct mb_measurement *out, char *field, size_t fieldn,
                      struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(field, fieldn, "lab[%zu]", index);
    if (!json_is_object(x))
        return mb_error_set(err, MB_EINVAL, field, "must be an object {\"substance\", "
                            "\"value\"} with optional \"unit\" and \"leached\"");
    const char *key;
    json_t *v;
    json_object_foreach(x, key, v) {
        if (strcmp(key, "substance") && strcmp(key, "value") && strcmp(key, "unit") &&
            strcmp(key, "leached")) {
            char k[44];
            snprintf(field, fieldn, "lab[%zu].%s", index, mb_text_clip(k, sizeof k, key));
            return mb_error_set(err, MB_EINVAL, field, "unknown field (a result has "
                                "substance, value, unit and leached)");
        }
    }
    json_t *sub = json_object_get(x, "substance"), *val = json_object_get(x, "value");
    json_t *unit = json_object_get(x, "unit"), *le = json_object_get(x, "leached");
    snprintf(field, fieldn, "lab[%zu].substance", index);
    if (!json_is_string(sub))
        return mb_error_set(err, MB_EINVAL, field, sub ? "must be a string" : "is required");
    const struct mb_substance *s = mb_class_table_find(t, json_string_value(sub));
    if (!s) {
        char q[44];
        return mb_error_set(err, MB_ENOTFOUND, field, "unknown substance '%s'; use a "
                            "code, name or lab name of the substance table",
                            mb_text_clip(q, sizeof q, json_string_value(sub)));
    }
    snprintf(field, fieldn, "lab[%zu].unit", index);
    if (unit && !json_is_string(unit))
        return mb_error_set(err, MB_EINVAL, field, "must be a string such as \"mg/kg\"");
    double scale;
    if (mb_unit_scale(s, json_string_value(unit), field, &scale, err))
        return MB_EINVAL;
    snprintf(field, fieldn, "lab[%zu].leached", index);
    if (le && !json_is_boolean(le))
        return mb_error_set(err, MB_EINVAL, field, "must be true or false");
    snprintf(field, fieldn, "lab[%zu].value", index);
    char text[64];
    if (json_is_string(val))
        mb_text_copy(text, sizeof text, json_string_value(val));
    else if (json_is_number(val))
        snprintf(text, sizeof text, "%.17g", json_number_value(val));
    else
        return mb_error_set(err, MB_EINVAL, field, val ? "must be a number or a lab text "
                            "such as \"0,5\" or \"<0,5\"" : "is required");
    int rc = mb_measurement_parse_as(t, json_string_value(sub), text,
                                     json_string_value(unit), json_is_true(le), out, err);
    if (rc)
        mb_text_copy(err->field, sizeof err->field, field);
    return rc;
}

json_t *mb_measurement_json(const struct mb_measurement *m)
{
    json_t *o = json_pack("{s:s}", "substance", m->substance->code);
    if (!m->below_loq) {
        json_object_set_new(o, "value", json_real(m->value));
    } else {
        /* kept as the lab's text, so that a doc reads back the same */
        char t[40];
        if (m->value > 0)
            snprintf(t, sizeof t, "<%g", m->value);
        else
            snprintf(t, sizeof t, "n.d.");
        json_object_set_new(o, "value", json_string(t));
    }
    if (strcmp(m->substance->unit, "mg/kg") != 0)
        json_object_set_new(o, "unit", json_string(m->substance->unit));
    if (m->leached)
        json_object_set_new(o, "leached", json_true());
    return o;
}

json_t *mb_substance_result_json(const struct mb_substance_result *r)
{
    json_t *o = json_pack("{s:s, s:s, s:f, s:s, s:b, s:b}", "substance", r->substance->code,
                          "name", r->substance->name, "value", r->value, "unit",
                          r->substance->unit, "below_loq", r->below_loq, "leached",
                          r->leached);
    bool classed = !r->unclassed && r->cls > 0;
    json_object_set_new(o, "class", classed ? json_integer(r->cls) : json_null());
    json_object_set_new(o, "class_max", classed ? json_integer(r->cls_max) : json_null());
    json_object_set_new(o, "normverdi", r->substance->nbounds ? json_real(r->substance->upper[0])
                                                              : json_null());
    json_object_set_new(o, "background", r->background > 0 ? json_real(r->background)
                                                           : json_null());
    json_object_set_new(o, "within_background", json_boolean(r->within_background));
    return o;
}

json_t *mb_background_json(const struct mb_background *bg)
{
    if (!bg)
        return json_null();
    json_t *v = json_object();
    for (size_t i = 0; i < bg->n; i++)
        json_object_set_new(v, bg->items[i].substance->code, json_real(bg->items[i].value));
    char st[2] = { bg->status, '\0' };
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "municipality", bg->municipality, "area",
                     bg->area, "source", bg->source, "status", st, "values", v);
}

json_t *mb_open_json(const struct mb_classification *c)
{
    json_t *open = json_array();
    for (size_t i = 0; i < c->n; i++)
        if (mb_substance_result_open(c, i))
            json_array_append_new(open, json_pack("{s:s, s:f, s:i}", "substance",
                                                  c->results[i].substance->code,
                                                  "detection_limit", c->results[i].value,
                                                  "class_max", c->results[i].cls_max));
    return open;
}

json_t *mb_acceptance_json(const struct mb_accept_table *a, const struct mb_measurement *m,
                           size_t n)
{
    json_t *out = json_array();
    for (int i = 0; i < MB_ACCEPT_TEMPLATES; i++) {
        const struct mb_accept_template *t = &a->t[i];
        struct mb_accept_verdict v;
        mb_accept_check(t, m, n, &v);
        char why[256];
        mb_accept_reason(t, &v, why, sizeof why);
        json_t *d = json_null();
        if (v.limit) {
            char st[2] = { v.limit->status, '\0' };
            d = json_pack("{s:s, s:b, s:f, s:f, s:s, s:s, s:s}", "substance",
                          v.limit->substance->code, "leached", v.limit->leached, "value",
                          v.value, "limit", v.limit->limit, "unit", v.limit->substance->unit,
                          "status", st, "source", v.limit->source);
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:o, s:o}",
            "template", t->name, "verdict", mb_accept_verdict_code(t, &v), "name_nb", mb_accept_name_nb(t), "name_en",
            mb_accept_name_en(t), "accepted", v.accepted, "not_proven",
            !v.nexceeded && v.nopen, "exceeded", (json_int_t)v.nexceeded, "not_measured",
            (json_int_t)v.nmissing, "reason", why[0] ? json_string(why) : json_null(),
            "deciding", d));
    }
    return out;
}

json_t *mb_quality_reference_json(const struct mb_class_table *t,
                                  const struct mb_accept_table *a)
{
    json_t *subs = json_array();
    for (size_t i = 0; i < t->n; i++) {
        const struct mb_substance *x = &t->items[i];
        json_t *b = json_array();
        for (int k = 0; k < x->nbounds; k++)
            json_array_append_new(b, json_real(x->upper[k]));
        json_t *al = json_array();
        for (const char *p = x->aliases; *p;) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            json_array_append_new(al, json_stringn(p, len));
            p += len + (bar ? 1 : 0);
        }
        char st[2] = { x->status, '\0' };
        json_array_append_new(subs, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:o}", "code",
                                              x->code, "name", x->name, "unit", x->unit,
                                              "bounds", b, "status", st, "source", x->source,
                                              "aliases", al));
    }
    json_t *tpls = json_array();
    for (int i = 0; i < MB_ACCEPT_TEMPLATES; i++) {
        const struct mb_accept_template *tp = &a->t[i];
        json_t *lims = json_array();
        for (size_t k = 0; k < tp->n; k++) {
            const struct mb_accept_limit *l = &tp->items[k];
            char st[2] = { l->status, '\0' };
            json_array_append_new(lims, json_pack("{s:s, s:b, s:f, s:s, s:s, s:s, s:s}",
                                                  "substance", l->substance->code, "leached",
                                                  l->leached, "limit", l->limit, "unit",
                                                  l->substance->unit, "either", l->either,
                                                  "status", st, "source", l->source));
        }
        json_array_append_new(tpls, json_pack("{s:s, s:s, s:s, s:o}", "template", tp->name,
                                              "name_nb", mb_accept_name_nb(tp), "name_en",
                                              mb_accept_name_en(tp), "limits", lims));
    }
    return json_pack("{s:s, s:o, s:o}", "table", t->version, "substances", subs,
                     "acceptance", tpls);
}
