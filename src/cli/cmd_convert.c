/*
 * cmd_convert.c - `massebank convert`: amounts between t, fm3 and lm3.
 *
 * Amounts print in plain decimal notation with up to 12 significant digits
 * (12345678 t stays 12345678 t, never 1.23457e+07), so the user's own
 * amount comes back as given.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "domain/material.h"
#include "domain/unit.h"

/* An amount with up to 12 significant digits, in fixed notation (no
 * exponent) for everything from 1e-6 to below 1e15, trailing zeros cut. */
static const char *amount_text(char *buf, size_t n, double v)
{
    double a = fabs(v);
    if (v == 0) {
        snprintf(buf, n, "0");
        return buf;
    }
    if (!(a >= 1e-6 && a < 1e15)) {
        snprintf(buf, n, "%.12g", v);
        return buf;
    }
    int before = (int)floor(log10(a)) + 1; /* digits before the point; <= 0 below 1 */
    int decimals = 12 - before;
    if (decimals < 0)
        decimals = 0;
    snprintf(buf, n, "%.*f", decimals, v);
    if (strchr(buf, '.')) {
        size_t k = strlen(buf);
        while (buf[k - 1] == '0')
            buf[--k] = '\0';
        if (buf[k - 1] == '.')
            buf[--k] = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, n, "0");
    return buf;
}

int cmd_convert(int argc, char **argv)
{
    const char *pos[3] = { 0 };
    int npos = 0;
    const char *to = NULL, *overlay = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--to", &to, "convert")) ||
            (m = cli_opt_value(argc, argv, &i, "--materials", &overlay, "convert"))) {
            if (m < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            return cli_usage("convert", "unknown option %s", argv[i]);
        } else if (npos < 3) {
            pos[npos++] = argv[i];
        } else {
            return cli_usage("convert", "too many arguments: '%s'", argv[i]);
        }
    }
    if (npos != 3)
        return cli_usage("convert", "give AMOUNT UNIT MATERIAL, e.g. "
                         "'convert 12000 lm3 rock.blasted --to t'");

    struct mb_error err;
    mb_error_clear(&err);
    struct mb_catalog cat;
    if (mb_catalog_init(&cat, &err))
        return cli_fail(&err);
    int rc = 0;
    double amount;
    enum mb_unit from, target = MB_UNIT_T;
    const struct mb_material *m;
    if ((overlay && mb_catalog_overlay_csv(&cat, overlay, &err)) ||
        mb_parse_number(pos[0], &amount, "amount", &err) ||
        mb_amount_check(amount, "amount", &err) ||
        mb_unit_parse(pos[1], &from, "unit", &err) ||
        (to && mb_unit_parse(to, &target, "--to", &err)) ||
        !(m = mb_catalog_lookup(&cat, pos[2], "material", &err))) {
        rc = cli_fail(&err);
        goto out;
    }
    double v[4];
    for (int u = 0; u < 4; u++)
        mb_unit_convert(m, amount, from, (enum mb_unit)u, &v[u], NULL);
    if (json) {
        json_t *o = json_pack("{s:f,s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:{s:s,s:s,s:s}}",
            "amount", amount, "unit", mb_unit_symbol(from), "material", m->code,
            "t", v[MB_UNIT_T], "fm3", v[MB_UNIT_FM3], "lm3", v[MB_UNIT_LM3],
            "pm3", v[MB_UNIT_PM3],
            "density_t_per_fm3", m->density, "bulking_lm3_per_fm3", m->bulking,
            "placed_pm3_per_fm3", m->placed,
            "status", "density", m->density_status == 'E' ? "estimate" : "sourced",
            "bulking", m->bulking_status == 'E' ? "estimate" : "sourced",
            "placed", m->placed_status == 'E' ? "estimate" : "sourced");
        if (to)
            json_object_set_new(o, "result", json_real(v[target]));
        cli_print_json(stdout, o);
        json_decref(o);
    } else if (to) {
        char a[64], b[64];
        printf("%s %s %s = %s %s\n", amount_text(a, sizeof a, amount),
               mb_unit_symbol(from), m->code, amount_text(b, sizeof b, v[target]),
               mb_unit_symbol(target));
        printf("  %s / %s: density %.2f t/fm3%s, bulking %.2f lm3/fm3%s, placed %.2f "
               "pm3/fm3%s\n", m->name_nb, m->name_en, m->density,
               m->density_status == 'E' ? " (estimate)" : "", m->bulking,
               m->bulking_status == 'E' ? " (estimate)" : "", m->placed,
               m->placed_status == 'E' ? " (estimate)" : "");
    } else {
        char a[64], t[64], f[64], l[64], pl[64];
        printf("%s %s %s = %s t = %s fm3 = %s lm3 = %s pm3 placed\n",
               amount_text(a, sizeof a, amount), mb_unit_symbol(from), m->code,
               amount_text(t, sizeof t, v[MB_UNIT_T]), amount_text(f, sizeof f, v[MB_UNIT_FM3]),
               amount_text(l, sizeof l, v[MB_UNIT_LM3]),
               amount_text(pl, sizeof pl, v[MB_UNIT_PM3]));
    }
out:
    mb_catalog_release(&cat);
    return rc;
}
