/*
 * siting_doc.c - a siting answer as a report document (see siting_doc.h),
 * in Norwegian bokmål (the default) or English. Every label is in the one
 * table below; numbers are formatted for the language (mb_rdoc_number).
 * Money is in millions of NOK, CO2 in tonnes, as the CLI prints them.
 */
#include "report/siting_doc.h"

#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "report/rdoc_html.h"
#include "report/rdoc_pdf.h"

enum label {
    L_TITLE, L_ABOUT, L_PREPARED, L_HORIZON, L_METHOD_MIP, L_METHOD_ENUM, L_H_CHOICE,
    L_CAND, L_KIND, L_OPEN, L_SAVES, L_BREAK_EVEN, L_CO2_EACH, L_H_OWN, L_PER_YEAR,
    L_CO2_YEAR, L_OPEN_OPENING,
    L_YES, L_NO, L_STORAGE, L_PLANT, L_CHOICE_NOTE, L_H_TOTALS, L_FIGURE, L_NONE, L_BEST,
    L_SAVED, L_TOTAL, L_PLAN_NOK, L_OWN_NOK, L_PLAN_CO2, L_OWN_CO2, L_LANDFILL, L_VIRGIN,
    L_LOADS, L_H_CLIMATE, L_CO2_RANGE, L_CO2_NORANGE, L_MONEY_RANGE, L_HOW, L_FOOTER,
    L_COUNT
};

static const char *const labels[L_COUNT][2] = {
    [L_TITLE] = { "Hvor regionen bør åpne mellomlager og knuseverk",
                  "Where the region should open storage sites and plants" },
    [L_ABOUT] = { "Gjelder", "About" },
    [L_PREPARED] = { "Utarbeidet", "Prepared" },
    [L_HORIZON] = { "Periode: {} år; høyst {} av {} kandidatsteder åpnes, {} er valgt",
                    "Period: {} years; at most {} of {} candidate sites open, {} chosen" },
    [L_METHOD_MIP] = { "Valgt med heltallsprogrammering (Cbc), bevist gap {} %; "
                       "verdsatt med {} planer",
                       "Chosen by a mixed-integer program (Cbc), gap proven {} %; "
                       "valued by {} plans" },
    [L_METHOD_ENUM] = { "Valgt ved å beregne alle {} kombinasjoner",
                        "Chosen by planning all {} combinations" },
    [L_H_CHOICE] = { "1. Kandidatsteder", "1. Candidate sites" },
    [L_CAND] = { "Kandidat", "Candidate" },
    [L_KIND] = { "Type", "Kind" },
    [L_OPEN] = { "Åpnes", "Opens" },
    [L_SAVES] = { "Sparer (mill. kr)", "Saves (MNOK)" },
    [L_H_OWN] = { "2. Kandidatenes egne tall (anslag)",
                  "2. The candidates' own figures (estimates)" },
    [L_PER_YEAR] = { "Per år (mill. kr)", "Per year (MNOK)" },
    [L_CO2_YEAR] = { "CO2 per år (tonn)", "CO2 per year (tonnes)" },
    [L_BREAK_EVEN] = { "Lønner seg opp til (mill. kr/år)", "Pays up to (MNOK/yr)" },
    [L_CO2_EACH] = { "CO2 spart (t; 5–95 %)", "CO2 saved (t; 5–95 %)" },
    [L_OPEN_OPENING] = { "Åpning (mill. kr)", "Opening (MNOK)" },
    [L_YES] = { "ja", "yes" },
    [L_NO] = { "nei", "no" },
    [L_STORAGE] = { "Mellomlager", "Storage site" },
    [L_PLANT] = { "Knuseverk", "Crushing plant" },
    [L_CHOICE_NOTE] = { "Et steds besparelse er totalen (planens kostnad med CO2 til sin pris, "
                        "pluss kandidatenes egne kostnader) uten stedet, de andre valgte åpne, "
                        "minus totalen med det, over hele perioden. «Lønner seg opp til» er "
                        "årskostnaden der stedet ikke lenger lønner seg. Kandidatenes egne "
                        "kostnader og CO2 er anslag fra den som spør, ikke kildebelagte tall.",
                        "A site's saving is the total (the plan's cost with CO2 at its price, "
                        "plus the candidates' own costs) without it, the other chosen open, "
                        "minus the total with it, over the whole period. \"Pays up to\" is the "
                        "yearly cost at which it would no longer pay. The candidates' own costs "
                        "and CO2 are estimates given by whoever asks, not sourced figures." },
    [L_H_TOTALS] = { "3. Valget mot å åpne ingen", "3. The choice against opening none" },
    [L_FIGURE] = { "Over perioden", "Over the period" },
    [L_NONE] = { "Ingen åpne", "None open" },
    [L_BEST] = { "Valget", "The choice" },
    [L_SAVED] = { "Spart", "Saved" },
    [L_TOTAL] = { "Totalt, CO2 til sin pris (mill. kr)", "Total, CO2 at its price (MNOK)" },
    [L_PLAN_NOK] = { "Penger: planen (mill. kr)", "Money: the plan (MNOK)" },
    [L_OWN_NOK] = { "Penger: kandidatenes egne (mill. kr, anslag)",
                    "Money: the candidates' own (MNOK, estimate)" },
    [L_PLAN_CO2] = { "CO2: planen (tonn)", "CO2: the plan (tonnes)" },
    [L_OWN_CO2] = { "CO2: kandidatenes egne (tonn, anslag)",
                    "CO2: the candidates' own (tonnes, estimate)" },
    [L_LANDFILL] = { "Til deponi, i og utenfor regionen (tonn)",
                     "To landfill, in the region and outside it (tonnes)" },
    [L_VIRGIN] = { "Nye masser fra massetak (tonn)", "Virgin material from quarries (tonnes)" },
    [L_LOADS] = { "Lastebillass", "Truckloads" },
    [L_H_CLIMATE] = { "4. Klimaeffekten med usikkerhet", "4. The climate effect with its range" },
    [L_CO2_RANGE] = { "CO2 spart mot å åpne ingen, kandidatenes egen CO2 trukket fra: {} tonn "
                      "(5–95 %: {} til {} tonn). Intervallet kommer fra {} trekninger fra "
                      "faktorregisteret; hver trekning verdsetter begge planenes transporter "
                      "og håndtering med de samme faktorene, så bare forskjellen mellom dem "
                      "teller. Kandidatenes egne tall er ikke trukket.",
                      "CO2 saved against opening none, the candidates' own CO2 taken off: {} "
                      "tonnes (5–95 %: {} to {} tonnes). The range comes from {} draws of the "
                      "factor register; each draw values both plans' hauls and handling with "
                      "the same factors, so only their difference counts. The candidates' own "
                      "figures are not drawn." },
    [L_CO2_NORANGE] = { "CO2 spart mot å åpne ingen, kandidatenes egen CO2 trukket fra: {} "
                        "tonn (sentrale faktorer; intervallet er ikke beregnet).",
                        "CO2 saved against opening none, the candidates' own CO2 taken off: {} "
                        "tonnes (central factors; the range was not computed)." },
    [L_MONEY_RANGE] = { "Penger spart: {} mill. kr (5–95 %: {} til {} mill. kr).",
                        "Money saved: {} MNOK (5–95 %: {} to {} MNOK)." },
    [L_HOW] = { "Tallene er planlagte, ikke leverte: hva regionens plan ville spare med de "
                "valgte stedene, regnet med en eksakt modell av regionens masser "
                "(docs/siting.md).",
                "The figures are planned, not delivered: what the region's plan would save "
                "with the chosen sites, computed with an exact model of the region's masses "
                "(docs/siting.md)." },
    [L_FOOTER] = { "Massebanken – valg av steder. Anslag: kandidatenes kostnader er den som "
                   "spør sine egne.",
                   "Massebank – siting. Estimates: the candidates' costs are those of "
                   "whoever asks." },
};

struct ctx {
    const char *lang;
    int li;
    struct mb_rdoc_numbers nums;
};

static const char *tr(const struct ctx *c, enum label l)
{
    return labels[l][c->li];
}

/* A number for the reader, several to a row (rdoc.h). */
static const char *num(struct ctx *c, double v, int decimals)
{
    return mb_rdoc_num(&c->nums, v, decimals);
}

static double get(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static const char *text_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static void candidates(struct ctx *c, json_t *si, struct mb_rdoc *d)
{
    mb_rdoc_heading(d, tr(c, L_H_CHOICE));
    const char *head[] = { tr(c, L_CAND), tr(c, L_KIND), tr(c, L_OPEN), tr(c, L_SAVES),
                           tr(c, L_BREAK_EVEN), tr(c, L_CO2_EACH) };
    mb_rdoc_table(d, head, "lllrrr");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(si, "candidates"), i, x) {
        const char *kind = json_string_value(json_object_get(x, "kind"));
        bool open = json_is_true(json_object_get(x, "open"));
        json_t *co2 = json_object_get(x, "co2_saving_kg");
        char each[160] = "–";
        if (json_is_object(co2))
            snprintf(each, sizeof each, "%s (%s – %s)", num(c, get(co2, "central") / 1e3, 1),
                     num(c, get(co2, "low") / 1e3, 1), num(c, get(co2, "high") / 1e3, 1));
        const char *row[] = {
            text_of(x, json_is_string(json_object_get(x, "name")) ? "name" : "id"),
            tr(c, kind && strcmp(kind, "plant") == 0 ? L_PLANT : L_STORAGE),
            tr(c, open ? L_YES : L_NO),
            open ? num(c, get(x, "saving_nok") / 1e6, 3) : "–",
            open ? num(c, get(x, "break_even_nok_per_year") / 1e6, 3) : "–",
            each,
        };
        mb_rdoc_row(d, row);
    }
    mb_rdoc_paragraph(d, "%s", tr(c, L_CHOICE_NOTE));
    /* What the planner gave: estimates, apart from what was computed. */
    mb_rdoc_heading(d, tr(c, L_H_OWN));
    const char *own[] = { tr(c, L_CAND), tr(c, L_PER_YEAR), tr(c, L_OPEN_OPENING),
                          tr(c, L_CO2_YEAR) };
    mb_rdoc_table(d, own, "lrrr");
    json_array_foreach(json_object_get(si, "candidates"), i, x) {
        const char *row[] = {
            text_of(x, json_is_string(json_object_get(x, "name")) ? "name" : "id"),
            num(c, get(x, "nok_per_year") / 1e6, 3), num(c, get(x, "opening_nok") / 1e6, 3),
            num(c, get(x, "co2_kg_per_year") / 1e3, 1),
        };
        mb_rdoc_row(d, row);
    }
}

static void totals(struct ctx *c, json_t *si, struct mb_rdoc *d)
{
    mb_rdoc_heading(d, tr(c, L_H_TOTALS));
    const char *head[] = { tr(c, L_FIGURE), tr(c, L_NONE), tr(c, L_BEST), tr(c, L_SAVED) };
    mb_rdoc_table(d, head, "lrrr");
    json_t *none = json_object_get(si, "none"), *best = json_object_get(si, "best");
    double own_nok = get(si, "own_nok"), own_co2 = get(si, "own_co2_kg");
    struct { enum label l; double a, b, scale; int dec; } rows[] = {
        { L_TOTAL, get(si, "value_none_nok"), get(si, "value_nok"), 1e6, 3 },
        { L_PLAN_NOK, get(none, "cost_nok"), get(best, "cost_nok"), 1e6, 3 },
        { L_OWN_NOK, 0, own_nok, 1e6, 3 },
        { L_PLAN_CO2, get(none, "co2_kg"), get(best, "co2_kg"), 1e3, 1 },
        { L_OWN_CO2, 0, own_co2, 1e3, 1 },
        { L_LANDFILL, get(none, "landfill_t"), get(best, "landfill_t"), 1, 0 },
        { L_VIRGIN, get(none, "virgin_t"), get(best, "virgin_t"), 1, 0 },
        { L_LOADS, get(none, "truckloads"), get(best, "truckloads"), 1, 0 },
    };
    for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
        const char *row[] = { tr(c, rows[k].l), num(c, rows[k].a / rows[k].scale, rows[k].dec),
                              num(c, rows[k].b / rows[k].scale, rows[k].dec),
                              num(c, (rows[k].a - rows[k].b) / rows[k].scale, rows[k].dec) };
        mb_rdoc_row(d, row);
    }
}

static void climate(struct ctx *c, json_t *si, struct mb_rdoc *d)
{
    mb_rdoc_heading(d, tr(c, L_H_CLIMATE));
    json_t *s = json_object_get(si, "saving");
    json_t *co2 = json_object_get(s, "co2_kg_range"), *nok = json_object_get(s, "cost_nok_range");
    char buf[1024];
    if (json_is_object(co2)) {
        const char *a[] = { num(c, get(s, "co2_kg") / 1e3, 1), num(c, get(co2, "low") / 1e3, 1),
                            num(c, get(co2, "high") / 1e3, 1), num(c, get(s, "draws"), 0) };
        mb_rdoc_paragraph(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(c, L_CO2_RANGE), a, 4));
    } else {
        const char *a[] = { num(c, get(s, "co2_kg") / 1e3, 1) };
        mb_rdoc_paragraph(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(c, L_CO2_NORANGE), a, 1));
    }
    if (json_is_object(nok)) {
        const char *a[] = { num(c, get(s, "cost_nok") / 1e6, 3), num(c, get(nok, "low") / 1e6, 3),
                            num(c, get(nok, "high") / 1e6, 3) };
        mb_rdoc_paragraph(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(c, L_MONEY_RANGE), a, 3));
    }
    mb_rdoc_paragraph(d, "%s", tr(c, L_HOW));
}

int mb_siting_document(json_t *siting, const char *lang, const char *name, const char *today,
                       struct mb_rdoc *d, struct mb_error *err)
{
    struct ctx c = { .lang = lang && strcmp(lang, "en") == 0 ? "en" : "nb" };
    c.nums.lang = c.lang;
    c.li = strcmp(c.lang, "en") == 0;
    mb_rdoc_init(d, c.lang, tr(&c, L_TITLE));
    const char *format = json_string_value(json_object_get(siting, "format"));
    if (!format || strcmp(format, "massebank-siting/1") != 0 ||
        !json_is_array(json_object_get(siting, "candidates")))
        return mb_error_set(err, MB_EINVAL, "siting", "is not a massebank-siting/1 section");
    if (name && name[0])
        mb_rdoc_meta(d, "%s: %s", tr(&c, L_ABOUT), name);
    char buf[512], years[48], k[24], n[24], opened[24], gap[48], plans[24];
    mb_text_copy(years, sizeof years, num(&c, get(siting, "years"), 1));
    snprintf(k, sizeof k, "%lld",
             (long long)json_integer_value(json_object_get(siting, "max_open")));
    snprintf(n, sizeof n, "%zu", json_array_size(json_object_get(siting, "candidates")));
    snprintf(opened, sizeof opened, "%lld",
             (long long)json_integer_value(json_object_get(siting, "opened")));
    const char *h[] = { years, k, n, opened };
    mb_rdoc_meta(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(&c, L_HORIZON), h, 4));
    snprintf(plans, sizeof plans, "%lld",
             (long long)json_integer_value(json_object_get(siting, "subsets_planned")));
    const char *method = json_string_value(json_object_get(siting, "method"));
    if (method && strcmp(method, "mip") == 0) {
        mb_text_copy(gap, sizeof gap, num(&c, get(siting, "gap") * 100, 2));
        const char *m[] = { gap, plans };
        mb_rdoc_meta(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(&c, L_METHOD_MIP), m, 2));
    } else {
        const char *m[] = { plans };
        mb_rdoc_meta(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(&c, L_METHOD_ENUM), m, 1));
    }
    mb_rdoc_meta(d, "%s: %s", tr(&c, L_PREPARED), today);
    candidates(&c, siting, d);
    totals(&c, siting, d);
    climate(&c, siting, d);
    d->footer = mb_xstrdup(tr(&c, L_FOOTER));
    return 0;
}

int mb_siting_render(json_t *siting, const char *lang, const char *name, const char *today,
                     bool pdf, char **data, size_t *len, struct mb_error *err)
{
    *data = NULL;
    *len = 0;
    struct mb_rdoc doc;
    int rc = mb_siting_document(siting, lang, name, today, &doc, err);
    if (!rc && pdf) {
        rc = mb_rdoc_pdf(&doc, data, len, err);
    } else if (!rc) {
        struct mb_strbuf b = { 0 };
        mb_rdoc_html(&doc, &b);
        *len = b.len;
        *data = mb_strbuf_take(&b);
    }
    mb_rdoc_release(&doc);
    return rc;
}
