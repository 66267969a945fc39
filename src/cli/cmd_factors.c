/*
 * cmd_factors.c - `massebank factors`: the factor register (plan/factors.h)
 * as a table, JSON or CSV, followed by the per-material factors (density,
 * bulking, placed volume) the accounting also uses, with their status. The CSV has the
 * register's own columns, so it reads back as a scenario's override file.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/material.h"
#include "plan/factors.h"

int cmd_factors(int argc, char **argv)
{
    bool json = false, csv = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--csv") == 0)
            csv = true;
        else
            return cli_usage("factors", "unknown argument '%s'", argv[i]);
    }
    if (json && csv)
        return cli_usage("factors", "give --json or --csv, not both");
    struct mb_error err;
    mb_error_clear(&err);
    const struct mb_factor_info *reg = mb_factor_register(&err);
    struct mb_catalog cat;
    if (!reg || mb_catalog_init(&cat, &err))
        return cli_fail(&err);
    if (json) {
        json_t *a = json_array(), *mats = json_array();
        for (int i = 0; i < MB_F_COUNT; i++) {
            const struct mb_factor_info *r = &reg[i];
            json_array_append_new(a, json_pack(
                "{s:s,s:s,s:s,s:s,s:f,s:f,s:f,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s}",
                "key", r->key, "group", r->group, "unit", r->unit, "unit_nb", r->unit_nb,
                "low", r->low,
                "central", r->central, "high", r->high, "boundary", r->boundary,
                "status", mb_status_word(r->status), "name_en", r->name_en, "name_nb",
                r->name_nb, "source", r->source, "publisher", r->publisher, "year",
                r->year, "url", r->url, "note", r->note));
        }
        for (size_t i = 0; i < cat.n; i++) {
            const struct mb_material *m = &cat.items[i];
            json_array_append_new(mats, json_pack("{s:s,s:f,s:s,s:f,s:s,s:f,s:s,s:s}", "code",
                m->code, "density_t_per_fm3", m->density, "density_status",
                mb_status_word(m->density_status), "bulking_lm3_per_fm3", m->bulking,
                "bulking_status", mb_status_word(m->bulking_status), "placed_pm3_per_fm3",
                m->placed, "placed_status", mb_status_word(m->placed_status), "source",
                m->source));
        }
        json_t *root = json_pack("{s:s,s:o,s:o}", "format", "massebank-factors/1",
                                 "factors", a, "materials", mats);
        cli_print_json(stdout, root);
        json_decref(root);
        mb_catalog_release(&cat);
        return 0;
    }
    if (csv) {
        static const char *const cols[] = { "key", "group", "unit", "low", "central",
            "high", "boundary", "status", "name_en", "name_nb", "source", "publisher",
            "year", "url", "note", "unit_nb" };
        for (size_t k = 0; k < 16; k++)
            cli_csv_field(stdout, cols[k], k + 1 < 16 ? ',' : '\n');
        for (int i = 0; i < MB_F_COUNT; i++) {
            const struct mb_factor_info *r = &reg[i];
            char lo[32], ce[32], hi[32], yr[8], st[2] = { r->status, 0 };
            snprintf(lo, sizeof lo, "%.10g", r->low);
            snprintf(ce, sizeof ce, "%.10g", r->central);
            snprintf(hi, sizeof hi, "%.10g", r->high);
            snprintf(yr, sizeof yr, "%d", r->year);
            const char *v[] = { r->key, r->group, r->unit, lo, ce, hi, r->boundary, st,
                                r->name_en, r->name_nb, r->source, r->publisher, yr,
                                r->url, r->note, r->unit_nb };
            for (size_t k = 0; k < 16; k++)
                cli_csv_field(stdout, v[k], k + 1 < 16 ? ',' : '\n');
        }
        mb_catalog_release(&cat);
        return 0;
    }
    printf("%-34s %10s %10s %10s  %-20s %-9s %s\n", "factor", "low", "central", "high",
           "unit", "status", "source");
    for (int i = 0; i < MB_F_COUNT; i++) {
        const struct mb_factor_info *r = &reg[i];
        printf("%-34s %10.4g %10.4g %10.4g  %-20s %-9s %s (%s %d)\n", r->key, r->low,
               r->central, r->high, r->unit, mb_status_word(r->status), r->source,
               r->publisher, r->year);
    }
    printf("\nPer material (data/materials.csv; 'massebank materials' for more):\n");
    printf("%-28s %8s %-9s %8s %-9s %8s %-9s\n", "material", "t/fm3", "status", "lm3/fm3",
           "status", "pm3/fm3", "status");
    for (size_t i = 0; i < cat.n; i++) {
        const struct mb_material *m = &cat.items[i];
        printf("%-28s %8.2f %-9s %8.2f %-9s %8.2f %-9s\n", m->code, m->density,
               mb_status_word(m->density_status), m->bulking, mb_status_word(m->bulking_status),
               m->placed, mb_status_word(m->placed_status));
    }
    mb_catalog_release(&cat);
    return 0;
}
