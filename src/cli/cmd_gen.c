/*
 * cmd_gen.c - `massebank gen`: write a reproducible generated scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "plan/gen.h"

static int int_opt(const char *v, const char *name, int lo, int hi, int *out)
{
    struct mb_error err;
    double x;
    if (mb_parse_number(v, &x, name, &err) || x != (int)x || x < lo || x > hi) {
        fprintf(stderr, "massebank: %s: must be a whole number %d-%d (got '%s')\n", name,
                lo, hi, v);
        return EXIT_REFUSED;
    }
    *out = (int)x;
    return 0;
}

int cmd_gen(int argc, char **argv)
{
    const char *preset = "trondheim", *out = NULL;
    const char *seed = "1";
    const char *listings = NULL, *months = NULL;
    bool transport_only = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--preset", &preset, "gen")) ||
            (m = cli_opt_value(argc, argv, &i, "--seed", &seed, "gen")) ||
            (m = cli_opt_value(argc, argv, &i, "--listings", &listings, "gen")) ||
            (m = cli_opt_value(argc, argv, &i, "--months", &months, "gen")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &out, "gen"))) {
            if (m < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--transport-only") == 0) {
            transport_only = true;
        } else {
            return cli_usage("gen", "unknown argument '%s'", argv[i]);
        }
    }
    struct mb_gen_options o = { 0 };
    struct mb_error err;
    int s = 0;
    if (int_opt(seed, "--seed", 0, 2000000000, &s))
        return EXIT_REFUSED;
    o.seed = (uint64_t)s;
    if (mb_gen_preset(preset, &o, &err))
        return cli_fail(&err);
    if (listings && int_opt(listings, "--listings", 2, 1000000, &o.listings))
        return EXIT_REFUSED;
    if (months && int_opt(months, "--months", 1, 600, &o.months))
        return EXIT_REFUSED;
    o.transport_only = transport_only;
    char *text = mb_gen_scenario(&o);
    size_t len = strlen(text);
    text[len] = '\0';
    int rc = 0;
    if (cli_write_output(out, text, len, &err))
        rc = cli_fail(&err);
    else if (!out)
        putchar('\n');
    free(text);
    return rc;
}
