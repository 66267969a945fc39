/*
 * test_mhp.c - the mass handling plan shows the deals made on the
 * project's listings and what their loads delivered, by state, from the
 * seeded market of loads_fixture.c (totals worked out there by hand).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "report/loads_fixture.h"
#include "report/mhp.h"
#include "report/rdoc_html.h"

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-6, "%s = %.9g, expected %.9g", #a, (double)(a), (double)(b))

TestSuite(mhp, .init = loads_seed, .fini = loads_teardown);

Test(mhp, deals_and_their_deliveries)
{
    struct mb_market m;
    struct mb_error err;
    cr_assert_eq(mb_market_init(&m, &err), 0, "%s", err.message);
    struct mb_mhp p;
    cr_assert_eq(mb_mhp_build(st, &m, &ids.rock, 1, "Tomt Lade", &p, &err), 0, "%s",
                 err.message);
    /* The rock went under two deals: to the landfill (20 + 20 + 20
     * confirmed, 20 disputed, 25 registered) and to the need (30 + 30 +
     * 30 confirmed, one of them in the New Year night). */
    cr_assert_eq(p.ndeals, 2);
    const struct mb_mhp_deal *fill = &p.deals[0], *reuse = &p.deals[1];
    cr_assert_eq(fill->id, ids.d1);
    cr_assert_str_eq(fill->counterpart, "landfill 5001");
    cr_assert_eq(fill->state, MB_DEAL_AGREED);
    NEAR(fill->amount_t, 1000);
    NEAR(fill->confirmed_t, 60);
    NEAR(fill->disputed_t, 20);
    NEAR(fill->pending_t, 25);
    cr_assert_eq(fill->loads, 5);
    cr_assert_eq(reuse->id, ids.d2);
    cr_assert_str_eq(reuse->counterpart, "need 5029");
    NEAR(reuse->confirmed_t, 90);
    cr_assert_eq(reuse->loads, 3);

    struct mb_rdoc d;
    mb_mhp_document(&p, &m, "nb", "2026-11-23", &d);
    struct mb_strbuf b = { 0 };
    mb_rdoc_html(&d, &b);
    char *html = mb_strbuf_take(&b);
    cr_assert(strstr(html, "4. Avtaler og leveranser"), "the deals section");
    cr_assert(strstr(html, "landfill 5001"), "the landfill deal");
    cr_assert(strstr(html, "6. Dokumentasjon"), "sections renumbered");
    /* The transport CO2 names its method and its bounds. */
    cr_assert(strstr(html, "fra brønn til hjul"), "the boundary is named");
    cr_assert(strstr(html, "faktorregisteret"), "the factors' register is named");
    /* Without a road database every distance is an estimate, marked, and
     * the method says how many are along the road. */
    char told[160];
    snprintf(told, sizeof told, "Veilengde: 0 av %zu strømmer er målt langs vei", p.nflows);
    cr_assert(strstr(html, told), "the kind of the distances: %s", told);
    for (size_t i = 0; i < p.nflows; i++)
        cr_assert(!p.flows[i].by_road);
    cr_assert(p.nflows == 0 || strstr(html, "≈"), "estimates are marked");
    cr_assert_null(strstr(html, "Ferje:"), "no ferry paragraph without a ferry");
    cr_assert_gt(p.co2_transport_kg, 0);
    cr_assert(p.co2_transport_low_kg < p.co2_transport_kg &&
              p.co2_transport_kg < p.co2_transport_high_kg, "%f %f %f",
              p.co2_transport_low_kg, p.co2_transport_kg, p.co2_transport_high_kg);
    double flows_co2 = 0;
    for (size_t i = 0; i < p.nflows; i++)
        flows_co2 += p.flows[i].co2_kg;
    NEAR(p.co2_transport_kg, flows_co2);
    free(html);
    mb_rdoc_release(&d);
    mb_mhp_release(&p);
    mb_market_release(&m);
}

/* A project with no deals says so instead of showing an empty table. */
Test(mhp, no_deals_yet)
{
    struct mb_market m;
    struct mb_error err;
    cr_assert_eq(mb_market_init(&m, &err), 0, "%s", err.message);
    struct mb_mhp p;
    /* The clay's deals: soil improvement (40 confirmed) and the plant (50). */
    cr_assert_eq(mb_mhp_build(st, &m, &ids.clay, 1, NULL, &p, &err), 0, "%s", err.message);
    cr_assert_eq(p.ndeals, 2);
    NEAR(p.deals[0].confirmed_t + p.deals[1].confirmed_t, 90);
    mb_mhp_release(&p);
    mb_market_release(&m);
}
