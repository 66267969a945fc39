/*
 * cmd_materials.c - `massebank materials`: list the taxonomy as a table,
 * JSON or CSV. The CSV quotes a field only when it must (a delimiter, a
 * quote, a line break, or space at either end), doubling quotes inside, so
 * any CSV reader, ours included, reads back exactly the names printed.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/material.h"

int cmd_materials(int argc, char **argv)
{
    const char *overlay = NULL;
    bool json = false, csv = false;
    for (int i = 1; i < argc; i++) {
        int m = cli_opt_value(argc, argv, &i, "--materials", &overlay, "materials");
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--csv") == 0)
            csv = true;
        else
            return cli_usage("materials", "unknown argument '%s'", argv[i]);
    }
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_catalog cat;
    if (mb_catalog_init(&cat, &err))
        return cli_fail(&err);
    if (overlay && mb_catalog_overlay_csv(&cat, overlay, &err)) {
        mb_catalog_release(&cat);
        return cli_fail(&err);
    }
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < cat.n; i++) {
            const struct mb_material *m = &cat.items[i];
            json_array_append_new(arr, json_pack(
                "{s:s,s:s,s:s,s:s,s:f,s:s,s:f,s:s,s:f,s:s?,s:s?,s:s,s:s}",
                "code", m->code, "group", mb_material_group_name(m->group),
                "name_nb", m->name_nb, "name_en", m->name_en,
                "density_t_per_fm3", m->density, "density_status",
                mb_status_word(m->density_status), "bulking_lm3_per_fm3", m->bulking,
                "bulking_status", mb_status_word(m->bulking_status),
                "loose_density_t_per_lm3", mb_material_loose_density(m),
                "ewc", m->ewc[0] ? m->ewc : NULL,
                "ewc_hazardous", m->ewc_hazardous[0] ? m->ewc_hazardous : NULL,
                "source", m->source, "note", m->note));
        }
        cli_print_json(stdout, arr);
        json_decref(arr);
    } else if (csv) {
        printf("code,group,name_nb,name_en,density,bulking,loose_density,ewc,"
               "ewc_hazardous\n");
        for (size_t i = 0; i < cat.n; i++) {
            const struct mb_material *m = &cat.items[i];
            cli_csv_field(stdout, m->code, ',');
            cli_csv_field(stdout, mb_material_group_name(m->group), ',');
            cli_csv_field(stdout, m->name_nb, ',');
            cli_csv_field(stdout, m->name_en, ',');
            printf("%.3f,%.3f,%.3f,", m->density, m->bulking,
                   mb_material_loose_density(m));
            cli_csv_field(stdout, m->ewc, ',');
            cli_csv_field(stdout, m->ewc_hazardous, '\n');
        }
    } else {
        printf("%-26s %-7s %-7s %-7s %-10s %s\n", "code", "t/fm3", "lm3/fm3",
               "t/lm3", "EWC", "name (nb / en)");
        for (size_t i = 0; i < cat.n; i++) {
            const struct mb_material *m = &cat.items[i];
            printf("%-26s %4.2f%-3s %4.2f%-3s %4.2f    %-10s %s / %s\n", m->code,
                   m->density, m->density_status == 'E' ? " E" : "", m->bulking,
                   m->bulking_status == 'E' ? " E" : "", mb_material_loose_density(m),
                   m->ewc[0] ? m->ewc : "-", m->name_nb, m->name_en);
        }
        printf("\nE = estimate (editable default; override with --materials FILE). "
               "Sources: docs/materials.md\n");
    }
    mb_catalog_release(&cat);
    return 0;
}
