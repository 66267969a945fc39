/*
 * plan_report.c - a plan with its forecast as JSON text (see
 * plan_report.h).
 */
#include "report/plan_report.h"

#include <jansson.h>

#include "core/alloc.h"
#include "report/forecast.h"

char *mb_report_plan_json(const struct mb_scenario *s, const struct mb_plan *plan)
{
    json_t *root = mb_plan_json_value(s, plan);
    struct mb_forecast fc;
    mb_forecast_build(s, plan, &fc);
    json_object_set_new(root, "forecast", mb_forecast_json(s, &fc));
    mb_forecast_release(&fc);
    char *text = mb_xjson_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
    json_decref(root);
    return text;
}
