/*
 * mhp_doc.c - a mass handling plan as a report document (see mhp.h), in
 * Norwegian bokmål (the default: the plan goes to Norwegian authorities
 * and contractors) or English. Every label is in the one table below;
 * numbers are formatted for the language (mb_rdoc_number).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "domain/boundary.h"
#include "domain/month.h"
#include "report/mhp.h"

enum label {
    L_TITLE, L_PROJECT, L_OWNER, L_PERIOD, L_PREPARED, L_LISTINGS,
    L_H_AMOUNTS, L_H_ONSITE, L_H_ELSEWHERE, L_H_TRANSPORT, L_H_DOCS,
    L_MATERIAL, L_CLASS, L_KIND, L_SURPLUS, L_NEED, L_TONNES, L_FM3, L_SUM,
    L_FROM, L_TO, L_RECEIVER, L_TYPE, L_KM, L_COST, L_CO2, L_SAVING, L_SAVING_CO2,
    L_LOADS, L_TKM, L_NO_ONSITE, L_NO_ELSEWHERE, L_UNPLACED, L_ONSITE, L_ELSEWHERE,
    L_FACTORS, L_FERRY, L_LISTING, L_DOCUMENTS, L_LAB, L_NO_DOCS, L_NO_LAB, L_LAB_TEXT,
    L_CLASS_GIVEN, L_FOOTER, L_WHERE, L_AMOUNTS_NOTE, L_H_DEALS, L_DEAL, L_STATE,
    L_AGREED_T, L_CONFIRMED, L_PENDING, L_DISPUTED, L_NO_DEALS, L_DEALS_NOTE, L_PLACE,
    L_PROPERTY, L_COUNT
};

static const char *const labels[L_COUNT][2] = {
    [L_TITLE] = { "Massehåndteringsplan", "Mass handling plan" },
    [L_PROJECT] = { "Prosjekt", "Project" },
    [L_OWNER] = { "Tiltakshaver", "Owner" },
    [L_PERIOD] = { "Periode", "Period" },
    [L_PREPARED] = { "Utarbeidet", "Prepared" },
    [L_LISTINGS] = { "Annonser", "Listings" },
    [L_H_AMOUNTS] = { "1. Forventede mengder", "1. Expected amounts" },
    [L_H_ONSITE] = { "2. Planlagt gjenbruk på stedet", "2. Planned reuse on site" },
    [L_H_ELSEWHERE] = { "3. Gjenbruk andre steder og mottak",
                        "3. Reuse elsewhere and receivers" },
    [L_H_DEALS] = { "4. Avtaler og leveranser", "4. Deals and deliveries" },
    [L_H_TRANSPORT] = { "5. Transport og klimagassutslipp", "5. Transport and CO2" },
    [L_H_DOCS] = { "6. Dokumentasjon", "6. Documentation" },
    [L_DEAL] = { "Avtale", "Deal" },
    [L_STATE] = { "Status", "State" },
    [L_AGREED_T] = { "Avtalt (t)", "Agreed (t)" },
    [L_CONFIRMED] = { "Levert, bekreftet (t)", "Delivered, confirmed (t)" },
    [L_PENDING] = { "Venter (t)", "Waiting (t)" },
    [L_DISPUTED] = { "Bestridt (t)", "Disputed (t)" },
    [L_NO_DEALS] = { "Ingen avtaler er inngått på prosjektets annonser ennå.",
                     "No deals have been made on the project's listings yet." },
    [L_DEALS_NOTE] = { "Inngåtte avtaler og hva de bekreftede lassene (digitale veisedler) "
                       "har levert.",
                       "Deals made and what their confirmed loads (digital load tickets) "
                       "delivered." },
    [L_MATERIAL] = { "Materiale", "Material" },
    [L_CLASS] = { "Tilstandsklasse", "Condition class" },
    [L_KIND] = { "Art", "Kind" },
    [L_SURPLUS] = { "Overskudd", "Surplus" },
    [L_NEED] = { "Behov", "Need" },
    [L_TONNES] = { "Tonn", "Tonnes" },
    [L_FM3] = { "fm³", "fm³" },
    [L_SUM] = { "Sum", "Total" },
    [L_FROM] = { "Fra annonse", "From listing" },
    [L_TO] = { "Til", "To" },
    [L_RECEIVER] = { "Mottaker", "Receiver" },
    [L_TYPE] = { "Type", "Type" },
    [L_KM] = { "Km", "Km" },
    [L_COST] = { "Kostnad (kr)", "Cost (NOK)" },
    [L_CO2] = { "CO₂ (kg)", "CO₂ (kg)" },
    [L_SAVING] = { "Besparelse mot deponi (kr)", "Saving against landfill (NOK)" },
    [L_SAVING_CO2] = { "Spart CO₂ (kg)", "CO₂ saved (kg)" },
    [L_LOADS] = { "Lass", "Truckloads" },
    [L_TKM] = { "Tonnkm", "Tonne-km" },
    [L_NO_ONSITE] = { "Ingen av prosjektets behov kan dekkes av eget overskudd.",
                      "None of the project's needs can be covered by its own surplus." },
    [L_NO_ELSEWHERE] = { "Ingen mottakere utenfor prosjektet er funnet.",
                         "No receivers outside the project were found." },
    [L_UNPLACED] = { "Uten mottaker: {} tonn. Disse massene må få en mottaker før "
                     "oppstart.",
                     "Without a receiver: {} tonnes. These masses need a receiver before "
                     "work starts." },
    [L_ONSITE] = { "På stedet", "On site" },
    [L_ELSEWHERE] = { "Andre steder", "Elsewhere" },
    [L_FACTORS] = { "Metode: lass regnes av tonn og nyttelast {} t. Transport koster {} kr "
                    "per tonn fast (lasting, tipping, venting) og {} kr per tonnkm, og gir "
                    "{} kg CO₂e per tonn fast og {} kg per tonnkm, tom retur medregnet; "
                    "CO₂e fra brønn til hjul (ISO 14083), norsk veidiesel med innblandet "
                    "biodiesel. Veilengde: {} av {} strømmer er målt langs vei for vogntog "
                    "på 50 tonn (OpenStreetMap); de andre er anslått som luftlinje × {} "
                    "(merket ≈). Transport-CO₂ i alt {} t; {} til {} t når alle "
                    "transportfaktorene står på sin laveste eller høyeste verdi. Faktorene "
                    "og kildene står i faktorregisteret (massebank factors, "
                    "docs/climate-method.md); de fleste er anslag. Mottakere er rangert "
                    "som i markedets treffliste (kostnad pluss CO₂-pris).",
                    "Method: truckloads from tonnes and a payload of {} t. Transport costs "
                    "{} NOK per tonne fixed (loading, tipping, waiting) and {} NOK per "
                    "tonne-km, and emits {} kg CO₂e per tonne fixed and {} kg per "
                    "tonne-km, empty return included; CO₂e well to wheel (ISO 14083), "
                    "Norwegian road diesel with blended biodiesel. Road km: {} of {} flows "
                    "are measured along the road for a 50 t truck and trailer "
                    "(OpenStreetMap); the others are estimated as the great circle × {} "
                    "(marked ≈). Transport CO₂ in all {} t; "
                    "{} to {} t with every transport factor at its low or high value. The "
                    "factors and their sources are in the factor register (massebank "
                    "factors, docs/climate-method.md); most are estimates. Receivers are "
                    "ranked as in the market's matches (cost plus CO₂ price)." },
    [L_FERRY] = { "Ferje: {} av strømmene krysser med ferje. Hver overfart koster billett "
                  "og venting på kaia, {} kr per tonn; hver km om bord lastebilens tid, {} kr "
                  "per tonnkm, og vogntogets andel av ferjas utslipp, {} kg CO₂e per tonnkm, i "
                  "stedet for lastebilens eget drivstoff (faktorene ferry.*).",
                  "Ferry: {} of the flows cross by ferry. Each crossing costs a ticket and "
                  "the wait at the quay, {} NOK per tonne; each km on board the truck's "
                  "time, {} NOK per tonne-km, and the truck's share of the ferry's "
                  "emissions, {} kg CO₂e per tonne-km, instead of its own fuel (the "
                  "ferry.* factors)." },
    [L_LISTING] = { "Annonse", "Listing" },
    [L_DOCUMENTS] = { "Vedlegg", "Documents" },
    [L_LAB] = { "Analyser og klasse", "Lab results and class" },
    [L_NO_DOCS] = { "ingen", "none" },
    [L_PLACE] = { "kommune", "municipality" },
    [L_PROPERTY] = { "gnr/bnr", "property" },
    [L_NO_LAB] = { "ingen analyser", "no lab results" },
    [L_LAB_TEXT] = { "klasse {} ({} stoffer analysert; avgjørende: {} {} mg/kg over "
                     "grensen {} mg/kg)",
                     "class {} ({} substances analysed; deciding: {} {} mg/kg above "
                     "the limit {} mg/kg)" },
    [L_CLASS_GIVEN] = { "klasse {} oppgitt uten analyser", "class {} given without lab "
                        "results" },
    [L_FOOTER] = { "Laget med massebank. Tall fra markedets annonser; se docs/exchange.md.",
                   "Made with massebank. Figures from the market's listings; see "
                   "docs/exchange.md." },
    [L_WHERE] = { "Alle mengder i tonn; fm³ etter materialets densitet.",
                  "All amounts in tonnes; fm³ from the material's density." },
    [L_AMOUNTS_NOTE] = { "Overskudd og behov per materiale og tilstandsklasse.",
                         "Surplus and need by material and condition class." },
};

struct ctx {
    const char *lang;
    int li; /* 0 nb, 1 en */
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

static const char *type_label(const struct ctx *c, enum mb_site_type t)
{
    static const char *const nb[MB_TYPE_COUNT] = { "overskudd", "behov", "deponi",
                                                   "mellomlager", "anlegg", "pukkverk" };
    return c->li ? mb_site_type_name(t) : nb[t];
}

static const char *material_name(const struct ctx *c, const struct mb_mhp_amount *a)
{
    if (!a->mat)
        return a->material;
    return c->li ? a->mat->name_en : a->mat->name_nb;
}

static void amounts(struct ctx *c, const struct mb_mhp *p, struct mb_rdoc *d)
{
    mb_rdoc_heading(d, tr(c, L_H_AMOUNTS));
    mb_rdoc_paragraph(d, "%s %s", tr(c, L_AMOUNTS_NOTE), tr(c, L_WHERE));
    const char *head[] = { tr(c, L_KIND), tr(c, L_MATERIAL), tr(c, L_CLASS),
                           tr(c, L_TONNES), tr(c, L_FM3) };
    mb_rdoc_table(d, head, "llrrr");
    double st = 0, sf = 0, nt = 0, nf = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->namounts; i++) {
            const struct mb_mhp_amount *a = &p->amounts[i];
            if ((pass == 0) != (a->type == MB_TYPE_SUPPLY))
                continue;
            char cls[8];
            snprintf(cls, sizeof cls, "%d", a->cls);
            const char *row[] = { tr(c, pass ? L_NEED : L_SURPLUS), material_name(c, a), cls,
                                  num(c, a->t, 0), num(c, a->fm3, 0) };
            mb_rdoc_row(d, row);
            *(pass ? &nt : &st) += a->t;
            *(pass ? &nf : &sf) += a->fm3;
        }
    char sum[64];
    snprintf(sum, sizeof sum, "%s %s", tr(c, L_SUM), tr(c, L_SURPLUS));
    const char *row[] = { sum, "", "", num(c, st, 0), num(c, sf, 0) };
    mb_rdoc_row(d, row);
    snprintf(sum, sizeof sum, "%s %s", tr(c, L_SUM), tr(c, L_NEED));
    const char *row2[] = { sum, "", "", num(c, nt, 0), num(c, nf, 0) };
    mb_rdoc_row(d, row2);
    mb_rdoc_sum_row(d);
}

static void flows(struct ctx *c, const struct mb_mhp *p, struct mb_rdoc *d, bool on_site)
{
    mb_rdoc_heading(d, tr(c, on_site ? L_H_ONSITE : L_H_ELSEWHERE));
    size_t count = 0;
    for (size_t i = 0; i < p->nflows; i++)
        count += p->flows[i].on_site == on_site;
    if (count == 0)
        mb_rdoc_paragraph(d, "%s", tr(c, on_site ? L_NO_ONSITE : L_NO_ELSEWHERE));
    if (count) {
        const char *head[] = { tr(c, L_FROM), on_site ? tr(c, L_NEED) : tr(c, L_RECEIVER),
                               tr(c, L_TYPE), tr(c, L_KM), tr(c, L_TONNES), tr(c, L_COST),
                               tr(c, L_CO2), tr(c, L_SAVING) };
        mb_rdoc_table(d, head, "lllrrrrr");
        double t = 0, cost = 0, co2 = 0, sav = 0;
        for (size_t i = 0; i < p->nflows; i++) {
            const struct mb_mhp_flow *f = &p->flows[i];
            if (f->on_site != on_site)
                continue;
            char from[24], to[200];
            snprintf(from, sizeof from, "#%lld", (long long)f->from_id);
            snprintf(to, sizeof to, "#%lld %s", (long long)f->to_id, f->to_title);
            /* An estimated distance is marked (the method paragraph
             * says how many are along the road). */
            char km[40];
            snprintf(km, sizeof km, "%s%s", f->by_road ? "" : "≈", num(c, f->km, 1));
            const char *row[] = { from, to, type_label(c, f->to_type), km,
                                  num(c, f->t, 0), num(c, f->cost_nok, 0),
                                  num(c, f->co2_kg, 0), num(c, f->saving_nok, 0) };
            mb_rdoc_row(d, row);
            t += f->t;
            cost += f->cost_nok;
            co2 += f->co2_kg;
            sav += f->saving_nok;
        }
        const char *row[] = { tr(c, L_SUM), "", "", "", num(c, t, 0), num(c, cost, 0),
                              num(c, co2, 0), num(c, sav, 0) };
        mb_rdoc_row(d, row);
        mb_rdoc_sum_row(d);
    }
    if (!on_site && p->unplaced_t > 0) {
        char buf[320];
        const char *args[] = { num(c, p->unplaced_t, 0) };
        mb_rdoc_paragraph(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(c, L_UNPLACED), args, 1));
    }
}

static const char *deal_state(const struct ctx *c, enum mb_deal_state s)
{
    static const char *const nb[MB_DEAL_STATE_COUNT] = { "reservert", "avtalt", "fullført",
                                                         "avslått", "avbrutt" };
    return c->li ? mb_deal_state_name(s) : nb[s];
}

static void deals(struct ctx *c, const struct mb_mhp *p, struct mb_rdoc *d)
{
    mb_rdoc_heading(d, tr(c, L_H_DEALS));
    if (p->ndeals == 0) {
        mb_rdoc_paragraph(d, "%s", tr(c, L_NO_DEALS));
        return;
    }
    mb_rdoc_paragraph(d, "%s", tr(c, L_DEALS_NOTE));
    const char *head[] = { tr(c, L_DEAL), tr(c, L_FROM), tr(c, L_RECEIVER), tr(c, L_STATE),
                           tr(c, L_AGREED_T), tr(c, L_LOADS), tr(c, L_CONFIRMED),
                           tr(c, L_PENDING), tr(c, L_DISPUTED) };
    mb_rdoc_table(d, head, "lllrrrrrr");
    double tot[4] = { 0 };
    size_t loads = 0;
    for (size_t i = 0; i < p->ndeals; i++) {
        const struct mb_mhp_deal *x = &p->deals[i];
        char id[24], from[24], n[24];
        snprintf(id, sizeof id, "#%lld", (long long)x->id);
        snprintf(from, sizeof from, "#%lld", (long long)x->listing_id);
        snprintf(n, sizeof n, "%zu", x->loads);
        const char *row[] = { id, from, x->counterpart, deal_state(c, x->state),
                              num(c, x->amount_t, 0), n, num(c, x->confirmed_t, 1),
                              num(c, x->pending_t, 1), num(c, x->disputed_t, 1) };
        mb_rdoc_row(d, row);
        tot[0] += x->amount_t;
        tot[1] += x->confirmed_t;
        tot[2] += x->pending_t;
        tot[3] += x->disputed_t;
        loads += x->loads;
    }
    char n[24];
    snprintf(n, sizeof n, "%zu", loads);
    const char *row[] = { tr(c, L_SUM), "", "", "", num(c, tot[0], 0), n, num(c, tot[1], 1),
                          num(c, tot[2], 1), num(c, tot[3], 1) };
    mb_rdoc_row(d, row);
    mb_rdoc_sum_row(d);
}

static void transport(struct ctx *c, const struct mb_mhp *p, struct mb_rdoc *d)
{
    mb_rdoc_heading(d, tr(c, L_H_TRANSPORT));
    const char *head[] = { "", tr(c, L_TONNES), tr(c, L_LOADS), tr(c, L_TKM), tr(c, L_CO2),
                           tr(c, L_SAVING_CO2) };
    mb_rdoc_table(d, head, "lrrrrr");
    double tot[5] = { 0 };
    for (int pass = 0; pass < 2; pass++) {
        double v[5] = { 0 };
        for (size_t i = 0; i < p->nflows; i++) {
            const struct mb_mhp_flow *f = &p->flows[i];
            if (f->on_site != (pass == 0))
                continue;
            v[0] += f->t;
            v[1] += f->truckloads;
            v[2] += f->tkm;
            v[3] += f->co2_kg;
            v[4] += f->saving_co2_kg;
        }
        const char *row[] = { tr(c, pass ? L_ELSEWHERE : L_ONSITE), num(c, v[0], 0),
                              num(c, v[1], 0), num(c, v[2], 0), num(c, v[3], 0),
                              num(c, v[4], 0) };
        mb_rdoc_row(d, row);
        for (int k = 0; k < 5; k++)
            tot[k] += v[k];
    }
    const char *row[] = { tr(c, L_SUM), num(c, tot[0], 0), num(c, tot[1], 0),
                          num(c, tot[2], 0), num(c, tot[3], 0), num(c, tot[4], 0) };
    mb_rdoc_row(d, row);
    mb_rdoc_sum_row(d);
    char buf[1600];
    size_t by_road = 0;
    for (size_t i = 0; i < p->nflows; i++)
        by_road += p->flows[i].by_road;
    const char *args[] = { num(c, p->payload_t, 0), num(c, p->cost_nok_per_t, 2),
                           num(c, p->cost_nok_per_tkm, 2), num(c, p->co2_kg_per_t, 3),
                           num(c, p->co2_kg_per_tkm, 4), num(c, (double)by_road, 0),
                           num(c, (double)p->nflows, 0), num(c, p->detour_factor, 2),
                           num(c, p->co2_transport_kg / 1e3, 1),
                           num(c, p->co2_transport_low_kg / 1e3, 1),
                           num(c, p->co2_transport_high_kg / 1e3, 1) };
    mb_rdoc_paragraph(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(c, L_FACTORS), args, 11));
    size_t ferries = 0;
    for (size_t i = 0; i < p->nflows; i++)
        ferries += p->flows[i].ferry_crossings > 0;
    if (ferries) {
        const char *fargs[] = { num(c, (double)ferries, 0),
                                num(c, p->ferry_nok_per_t_crossing, 2),
                                num(c, p->ferry_nok_per_tkm, 2),
                                num(c, p->ferry_co2_kg_per_tkm, 3) };
        mb_rdoc_paragraph(d, "%s", mb_rdoc_fill(buf, sizeof buf, tr(c, L_FERRY), fargs, 4));
    }
}

static void documentation(struct ctx *c, const struct mb_mhp *p, struct mb_rdoc *d)
{
    mb_rdoc_heading(d, tr(c, L_H_DOCS));
    const char *head[] = { tr(c, L_LISTING), tr(c, L_LAB), tr(c, L_DOCUMENTS) };
    mb_rdoc_table(d, head, "lll");
    for (size_t i = 0; i < p->nlistings; i++) {
        const struct mb_mhp_listing *l = &p->listings[i];
        char name[420], lab[320], docs[1024];
        /* Where: the municipality and the property number (gnr/bnr). */
        char where[200] = "";
        const char *mname = mb_boundaries_name(l->rec.municipality);
        if (mname)
            snprintf(where, sizeof where, "; %s %s %s", tr(c, L_PLACE),
                     l->rec.municipality, mname);
        if (l->property[0]) {
            size_t o = strlen(where);
            snprintf(where + o, sizeof where - o, "; %s %s", tr(c, L_PROPERTY), l->property);
        }
        snprintf(name, sizeof name, "#%lld %s (%s)%s", (long long)l->rec.id, l->rec.title,
                 type_label(c, l->rec.type), where);
        char cls[12], nlab[24];
        snprintf(cls, sizeof cls, "%d", l->has_lab ? l->lab_class : l->rec.cls);
        snprintf(nlab, sizeof nlab, "%zu", l->nlab);
        const char *args[] = { cls, nlab, l->lab_substance, num(c, l->lab_value, 1),
                               num(c, l->lab_limit, 1) };
        if (l->has_lab)
            mb_rdoc_fill(lab, sizeof lab, tr(c, L_LAB_TEXT), args, 5);
        else if (l->rec.type == MB_TYPE_SUPPLY)
            mb_rdoc_fill(lab, sizeof lab, tr(c, L_CLASS_GIVEN), args, 1);
        else
            snprintf(lab, sizeof lab, "%s", tr(c, L_NO_LAB));
        size_t o = 0;
        docs[0] = '\0';
        for (size_t k = 0; k < l->ndocs && o + 1 < sizeof docs; k++) {
            int w = snprintf(docs + o, sizeof docs - o, "%s%s (%.12s)", k ? "; " : "",
                             l->docs[k].name, l->docs[k].sha256);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        const char *row[] = { name, lab, l->ndocs ? docs : tr(c, L_NO_DOCS) };
        mb_rdoc_row(d, row);
    }
}

void mb_mhp_document(const struct mb_mhp *p, const struct mb_market *m, const char *lang,
                     const char *today, struct mb_rdoc *d)
{
    (void)m;
    struct ctx c = { .lang = strcmp(lang, "en") == 0 ? "en" : "nb" };
    c.nums.lang = c.lang;
    c.li = strcmp(c.lang, "en") == 0;
    char title[256];
    snprintf(title, sizeof title, "%s: %s", tr(&c, L_TITLE), p->name);
    mb_rdoc_init(d, c.lang, title);
    char from[8] = "", to[8] = "";
    if (p->from_m != MB_NO_MONTH_FROM)
        mb_month_format(p->from_m, from);
    if (p->to_m != MB_NO_MONTH_TO)
        mb_month_format(p->to_m, to);
    mb_rdoc_meta(d, "%s: %s", tr(&c, L_PROJECT), p->name);
    mb_rdoc_meta(d, "%s: %s", tr(&c, L_OWNER), p->owner);
    mb_rdoc_meta(d, "%s: %s – %s", tr(&c, L_PERIOD), from, to);
    mb_rdoc_meta(d, "%s: %zu", tr(&c, L_LISTINGS), p->nlistings);
    mb_rdoc_meta(d, "%s: %s", tr(&c, L_PREPARED), today);
    amounts(&c, p, d);
    flows(&c, p, d, true);
    flows(&c, p, d, false);
    deals(&c, p, d);
    transport(&c, p, d);
    documentation(&c, p, d);
    d->footer = mb_xstrdup(tr(&c, L_FOOTER));
}
