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
#include <time.h>

#include "cli/cli.h"
#include "plan/siting.h"
#include "report/rdoc.h"
#include "report/siting_doc.h"

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

/* The scenario as given, before --without took sites out: the yardstick
 * a planner compares a choice with (its own proposal). */
struct given {
    bool has;
    double value;          /* its plan's value plus the own cost of the sites taken out */
    double own_nok, own_co2_kg; /* of the sites taken out that are candidates too */
    struct mb_totals t;
    const char *const *ids;
    size_t n;
};

static void row(const char *label, int digits, double none, double best,
                const struct given *g, double given)
{
    cli_pad(stdout, label, 48);
    printf(" %14.*f %14.*f", digits, none, digits, best);
    if (g->has)
        printf(" %14.*f", digits, given);
    printf("\n");
}

static void print_text(const struct mb_candidates *c, const struct mb_siting *r,
                       const char *note, const struct given *g)
{
    bool mip = r->mip;
    double gap = r->gap;
    if (mip)
        printf("Candidates: %zu; at most %d opened, chosen by a mixed-integer program (Cbc), "
               "gap proven %.2g %%; valued by %zu plans (%.1f years).\n", r->n, r->max_open,
               gap * 100, r->subsets, r->years);
    else
        printf("Candidates: %zu; every subset of at most %d planned exactly (%zu plans, "
               "%.1f years).\n", r->n, r->max_open, r->subsets, r->years);
    if (note)
        printf("Candidates file: %s\n", note);
    if (g->has) {
        printf("Taken out of the scenario, to be candidates:");
        for (size_t i = 0; i < g->n; i++)
            printf(" %s", g->ids[i]);
        printf("\n");
    }
    printf("\n%-24s %-8s %-6s %14s %22s%s\n", "candidate", "kind", "open", "saves (MNOK)",
           "break-even (MNOK/yr)", r->co2_saving_each_kg ? "   CO2 saved (t, 5-95 %)" : "");
    for (size_t i = 0; i < c->n; i++) {
        cli_pad(stdout, c->items[i].id, 24);
        printf(" %-8s %-6s", c->items[i].kind, r->open[i] ? "yes" : "no");
        /* The yearly cost at which it would no longer pay, the others open. */
        if (r->open[i]) {
            printf(" %14.3f %22.3f", r->saving[i] / 1e6,
                   (c->items[i].nok_per_year + r->saving[i] / r->years) / 1e6);
            /* Its own CO2 saving, the others open, with its range. */
            if (r->co2_saving_each_kg)
                printf("   %.1f (%.1f to %.1f)", r->co2_saving_each_kg[i].central / 1e3,
                       r->co2_saving_each_kg[i].low / 1e3, r->co2_saving_each_kg[i].high / 1e3);
            printf("\n");
        }
        else
            printf(" %14s %22s\n", "-", "-");
    }
    printf("\n%-48s %14s %14s", "", "none open", "best");
    if (g->has)
        printf(" %14s", "as given");
    printf("\n");
    row("total, CO2 at its price (MNOK)", 3, r->value_none / 1e6, r->value / 1e6, g,
        g->value / 1e6);
    row("  money: the plan (MNOK)", 3, r->none.cost_nok / 1e6, r->best.cost_nok / 1e6, g,
        g->t.cost_nok / 1e6);
    row("  money: the candidates' own (MNOK)", 3, 0, r->own_nok / 1e6, g, g->own_nok / 1e6);
    row("  CO2: the plan (t)", 1, r->none.co2_kg / 1e3, r->best.co2_kg / 1e3, g,
        g->t.co2_kg / 1e3);
    row("  CO2: the candidates' own (t)", 1, 0, r->own_co2_kg / 1e3, g, g->own_co2_kg / 1e3);
    row("to landfill (t)", 0, r->none.landfill_all_t, r->best.landfill_all_t, g,
        g->t.landfill_all_t);
    row("virgin material (t)", 0, r->none.virgin_t, r->best.virgin_t, g, g->t.virgin_t);
    double money = r->best.cost_nok + r->own_nok - r->none.cost_nok;
    printf("\nThe best choice saves %.3f MNOK (CO2 at its price) against opening none",
           (r->value_none - r->value) / 1e6);
    if (g->has)
        printf(", %.3f MNOK against the scenario as given", (g->value - r->value) / 1e6);
    printf(".");
    if (money > 0)
        printf(" Its money cost is %.3f MNOK higher than with none open: the saving is CO2 "
               "at its price.", money / 1e6);
    printf(" A candidate's saving is the total without it, the others open, minus the best "
           "total; its break-even is the yearly cost at which it would no longer pay. "
           "Central factors; the candidates' costs are those of the candidates file.\n");
    if (r->draws > 0)
        printf("\nCO2 saved against opening none, the candidates' own CO2 counted: %.1f t "
               "(5-95 %%: %.1f to %.1f t); money saved: %.3f MNOK (5-95 %%: %.3f to %.3f). "
               "Ranges from %d draws of the factor register, each valuing both plans' flows "
               "(seed %llu); the candidates' own figures are the file's, not drawn.\n",
               r->co2_saving_kg.central / 1e3, r->co2_saving_kg.low / 1e3,
               r->co2_saving_kg.high / 1e3, r->cost_saving_nok.central / 1e6,
               r->cost_saving_nok.low / 1e6, r->cost_saving_nok.high / 1e6, r->draws, r->seed);
}

/* The section (mb_siting_json) with what only the CLI knows: the sites
 * --without took out and the scenario as given. */
static json_t *result_json(const struct mb_candidates *c, const struct mb_siting *r,
                           const struct given *g)
{
    json_t *o = mb_siting_json(c, r);
    if (g->has) {
        json_t *w = json_array();
        for (size_t i = 0; i < g->n; i++)
            json_array_append_new(w, json_string(g->ids[i]));
        json_object_set_new(o, "without", w);
        json_object_set_new(o, "as_given", json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:f}",
                            "value_nok", g->value, "cost_nok", g->t.cost_nok, "co2_kg",
                            g->t.co2_kg, "landfill_t", g->t.landfill_all_t, "virgin_t",
                            g->t.virgin_t, "own_nok", g->own_nok, "own_co2_kg",
                            g->own_co2_kg));
    }
    return o;
}

int cmd_site(int argc, char **argv)
{
    const char *in = NULL, *cand = NULL, *max_s = NULL, *w = NULL, *method = "mip";
    const char *pdf = NULL, *html = NULL, *lang = "nb";
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
        } else if ((m = cli_opt_value(argc, argv, &i, "--pdf", &pdf, "site")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
        } else if ((m = cli_opt_value(argc, argv, &i, "--html", &html, "site")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
        } else if ((m = cli_opt_value(argc, argv, &i, "--lang", &lang, "site")) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            if (strcmp(lang, "nb") != 0 && strcmp(lang, "en") != 0)
                return cli_usage("site", "--lang takes nb or en");
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
    struct given g = { .ids = without, .n = nwithout };
    if (scn && nwithout) {
        char *less;
        size_t less_len;
        if (mb_siting_without(scn, slen, without, nwithout, &less, &less_len, &err) != 0 ||
            mb_siting_plan_value(scn, slen, &g.value, &g.t, &err) != 0) {
            free(scn);
            return cli_fail(&err);
        }
        g.has = true;
        free(scn);
        scn = less;
        slen = less_len;
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
    if (!rc && (rc = mb_siting_ranges(scn, slen, &c, MB_UNCERTAINTY_DRAWS, 0, &r, &err)) != 0)
        mb_siting_release(&r);
    free(scn);
    if (rc) {
        mb_candidates_release(&c);
        return cli_fail(&err);
    }
    /* The scenario as given has the sites taken out open: where they are
     * candidates too, their own cost and CO2 count there as they count
     * for the best choice, so the two totals are on the same basis. */
    if (g.has) {
        for (size_t i = 0; i < g.n; i++)
            for (size_t j = 0; j < c.n; j++)
                if (strcmp(g.ids[i], c.items[j].id) == 0) {
                    g.own_nok += c.items[j].nok_per_year * r.years + c.items[j].opening_nok;
                    g.own_co2_kg += c.items[j].co2_kg_per_year * r.years;
                }
        double price = r.best.co2_kg > 0
                           ? (r.best.objective - r.best.cost_nok) / (r.best.co2_kg / 1000.0) : 0;
        g.value += g.own_nok + price * g.own_co2_kg / 1000.0;
    }
    json_t *o = result_json(&c, &r, &g);
    /* The documents first: a file that cannot be written fails the
     * command before anything is printed. */
    const char *docs[2] = { pdf, html };
    char today[16];
    mb_rdoc_today(today, sizeof today);
    for (int doc = 0; doc < 2 && !rc; doc++) {
        if (!docs[doc])
            continue;
        char *data;
        size_t len;
        if ((rc = mb_siting_render(o, lang, in, today, doc == 0, &data, &len, &err)) != 0)
            break;
        FILE *f = fopen(docs[doc], "wb");
        bool ok = f && fwrite(data, 1, len, f) == len;
        if (f && fclose(f) != 0)
            ok = false;
        free(data);
        if (!ok)
            rc = mb_error_set(&err, MB_EIO, doc == 0 ? "--pdf" : "--html", "%s: could not be "
                              "written: %s", docs[doc], strerror(errno));
    }
    if (!rc && json) {
        cli_print_json(stdout, o);
        printf("\n");
    } else if (!rc) {
        print_text(&c, &r, c.note[0] ? c.note : NULL, &g);
    }
    json_decref(o);
    mb_siting_release(&r);
    mb_candidates_release(&c);
    return rc ? cli_fail(&err) : 0;
}
