/*
 * cmd_site.c - `massebank site SCENARIO.json --candidates C.json [--max K]`:
 * where the region should open storage sites or plants (plan/siting.h):
 * every subset of at most K candidates planned exactly, the best one
 * named with what it saves against opening none, and what each opened
 * candidate brings with the others open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "plan/siting.h"

/* A whole file into memory (at most 64 MiB); NULL with err. */
static char *slurp(const char *path, const char *flag, size_t *len, struct mb_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        mb_error_set(err, MB_EIO, flag, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *more = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        mb_error_set(err, MB_EIO, flag, "%s: could not be read (or larger than 64 MiB)",
                     path);
        return NULL;
    }
    *len = n;
    return buf;
}

static void print_text(const struct mb_candidates *c, const struct mb_siting *r, bool mip,
                       double gap)
{
    if (mip)
        printf("Candidates: %zu; at most %d opened, chosen by a mixed-integer program (Cbc), "
               "gap proven %.2g %%; valued by %zu plans (%.1f years).\n\n", r->n, r->max_open,
               gap * 100, r->subsets, r->years);
    else
        printf("Candidates: %zu; every subset of at most %d planned exactly (%zu plans, "
               "%.1f years).\n\n", r->n, r->max_open, r->subsets, r->years);
    printf("%-24s %-8s %-6s %18s\n", "candidate", "kind", "open", "saves (MNOK)");
    for (size_t i = 0; i < c->n; i++) {
        cli_pad(stdout, c->items[i].id, 24);
        printf(" %-8s %-6s", c->items[i].kind, r->open[i] ? "yes" : "no");
        if (r->open[i])
            printf(" %18.3f\n", r->saving[i] / 1e6);
        else
            printf(" %18s\n", "-");
    }
    printf("\n%-48s %14s %14s\n", "", "none open", "best");
    printf("%-48s %14.3f %14.3f\n", "total, CO2 at its price (MNOK)", r->value_none / 1e6,
           r->value / 1e6);
    printf("%-48s %14.3f %14.3f\n", "  of it the candidates' own cost and CO2 (MNOK)", 0.0,
           (r->value - (r->best.objective)) / 1e6);
    printf("%-48s %14.1f %14.1f\n", "CO2 of the plan (t)", r->none.co2_kg / 1e3,
           r->best.co2_kg / 1e3);
    printf("%-48s %14.1f %14.1f\n", "  plus the candidates' own CO2 (t)", 0.0,
           r->own_co2_kg / 1e3);
    printf("%-48s %14.0f %14.0f\n", "to landfill (t)", r->none.landfill_all_t,
           r->best.landfill_all_t);
    printf("%-48s %14.0f %14.0f\n", "virgin material (t)", r->none.virgin_t, r->best.virgin_t);
    printf("\nThe best choice saves %.3f MNOK (CO2 at its price) against opening none. "
           "A candidate's saving is the total without it, the others open, minus the "
           "best total. Central factors.\n", (r->value_none - r->value) / 1e6);
}

static json_t *result_json(const struct mb_candidates *c, const struct mb_siting *r, bool mip,
                           double gap)
{
    json_t *cands = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(cands, json_pack("{s:s,s:s,s:b,s:o}", "id", c->items[i].id,
                                               "kind", c->items[i].kind, "open", r->open[i],
                                               "saving_nok", r->open[i]
                                                   ? json_real(r->saving[i]) : json_null()));
    json_t *o = json_pack("{s:s,s:i,s:I,s:f,s:f,s:f,s:f,s:f,s:o,s:{s:f,s:f,s:f,s:f},"
                     "s:{s:f,s:f,s:f,s:f},s:s}",
                     "format", "massebank-siting/1", "max_open", r->max_open,
                     "subsets_planned", (json_int_t)r->subsets, "years", r->years,
                     "value_nok", r->value, "value_none_nok", r->value_none,
                     "own_nok", r->own_nok, "own_co2_kg", r->own_co2_kg, "candidates", cands,
                     "best", "cost_nok", r->best.cost_nok, "co2_kg", r->best.co2_kg,
                     "landfill_t", r->best.landfill_all_t, "virgin_t", r->best.virgin_t,
                     "none", "cost_nok", r->none.cost_nok, "co2_kg", r->none.co2_kg,
                     "landfill_t", r->none.landfill_all_t, "virgin_t", r->none.virgin_t,
                     "method", mip ? "mip" : "enumerate");
    json_object_set_new(o, "gap", json_real(mip ? gap : 0));
    return o;
}

int cmd_site(int argc, char **argv)
{
    const char *in = NULL, *cand = NULL, *max_s = NULL, *w = NULL, *method = "mip";
    const char *without[64];
    size_t nwithout = 0;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--without", &w, "site")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            if (nwithout == sizeof without / sizeof *without)
                return cli_usage("site", "at most 64 --without");
            without[nwithout++] = w;
            continue;
        }
        if ((m = cli_opt_value(argc, argv, &i, "--candidates", &cand, "site")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
        } else if ((m = cli_opt_value(argc, argv, &i, "--max", &max_s, "site")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
        } else if ((m = cli_opt_value(argc, argv, &i, "--method", &method, "site")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            if (strcmp(method, "mip") != 0 && strcmp(method, "enumerate") != 0)
                return cli_usage("site", "--method takes mip or enumerate");
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage("site", "unknown option '%s'", argv[i]);
        } else if (!in) {
            in = argv[i];
        } else {
            return cli_usage("site", "give one scenario, not '%s' too", argv[i]);
        }
    }
    if (!in || !cand)
        return cli_usage("site", "give a scenario and --candidates FILE");
    struct mb_error err;
    mb_error_clear(&err);
    size_t slen = 0, clen = 0;
    char *scn = slurp(in, "scenario", &slen, &err);
    if (scn && nwithout) {
        char *less;
        if (mb_siting_without(scn, slen, without, nwithout, &less, &slen, &err) != 0) {
            free(scn);
            return cli_fail(&err);
        }
        free(scn);
        scn = less;
    }
    char *ctext = scn ? slurp(cand, "--candidates", &clen, &err) : NULL;
    if (!scn || !ctext) {
        free(scn);
        return cli_fail(&err);
    }
    struct mb_candidates c;
    struct mb_problems probs;
    int rc = mb_candidates_parse(&c, scn, slen, ctext, clen, &probs);
    free(ctext);
    if (rc) {
        for (size_t i = 0; i < probs.n; i++)
            fprintf(stderr, "massebank: %s%s%s\n", probs.items[i].path,
                    probs.items[i].path[0] ? ": " : "", probs.items[i].message);
        mb_problems_release(&probs);
        free(scn);
        return EXIT_REFUSED;
    }
    mb_problems_release(&probs);
    long k = (long)c.n;
    if (max_s) {
        char *end;
        errno = 0;
        k = strtol(max_s, &end, 10);
        if (*end || end == max_s || errno) {
            mb_candidates_release(&c);
            free(scn);
            return cli_usage("site", "--max takes a whole number of candidates");
        }
    }
    struct mb_siting r;
    bool mip = strcmp(method, "mip") == 0;
    double gap = 0;
    if (k < 1 || k > (long)c.n)
        rc = mb_error_set(&err, MB_EINVAL, "--max", "must be 1 to %zu, the number of "
                          "candidates", c.n);
    else if (mip)
        rc = mb_siting_mip(scn, slen, &c, (int)k, 600, &r, &gap, &err);
    else
        rc = mb_siting_run(scn, slen, &c, (int)k, &r, &err);
    free(scn);
    if (rc) {
        mb_candidates_release(&c);
        return cli_fail(&err);
    }
    if (json) {
        json_t *o = result_json(&c, &r, mip, gap);
        cli_print_json(stdout, o);
        printf("\n");
        json_decref(o);
    } else {
        print_text(&c, &r, mip, gap);
    }
    mb_siting_release(&r);
    mb_candidates_release(&c);
    return 0;
}
