/*
 * loads_fixture.c - the seeded market of the report tests (see
 * loads_fixture.h).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "report/loads_fixture.h"
#include "support/tmpdir.h"

static int64_t org(struct mb_store *db, const char *name)
{
    struct mb_org o = {0};
    snprintf(o.name, sizeof o.name, "%s", name);
    struct mb_error err;
    cr_assert_eq(mb_store_org_create(db, &o, &err), 0, "%s", err.message);
    return o.id;
}

static int64_t user(struct mb_store *db, int64_t org_id, const char *email)
{
    struct mb_user u = {.org_id = org_id, .role = MB_ROLE_CONTRACTOR};
    snprintf(u.email, sizeof u.email, "%s", email);
    snprintf(u.name, sizeof u.name, "Ola");
    struct mb_error err;
    cr_assert_eq(mb_store_user_create(db, &u, "$argon2id$x", &err), 0, "%s", err.message);
    return u.id;
}

static int64_t site(struct mb_store *db, int64_t org_id, enum mb_site_type type,
                    const char *muni, const char *material)
{
    struct mb_site_rec r = {0};
    r.org_id = org_id;
    r.type = type;
    r.status = MB_STATUS_PUBLISHED;
    snprintf(r.title, sizeof r.title, "%s %s", mb_site_type_name(type), muni);
    snprintf(r.municipality, sizeof r.municipality, "%s", muni);
    r.lat = 63.4;
    r.lon = 10.4;
    snprintf(r.material, sizeof r.material, "%s", material);
    char *mats[1] = { r.material };
    if (*material) {
        r.materials = mats;
        r.nmaterials = 1;
    }
    r.cls = type == MB_TYPE_SUPPLY ? 1 : 5;
    r.amount_t = 10000;
    r.from_m = MB_NO_MONTH_FROM;
    r.to_m = MB_NO_MONTH_TO;
    struct mb_error err;
    cr_assert_eq(mb_store_site_put(db, &r, &err), 0, "%s", err.message);
    return r.id;
}

static int64_t deal(struct mb_store *db, int64_t listing, int64_t org_id, int64_t user_id,
                    int64_t counterpart, const char *use)
{
    struct mb_deal d = {0};
    d.listing_id = listing;
    d.org_id = org_id;
    d.user_id = user_id;
    d.counterpart_site = counterpart;
    d.amount_t = d.amount_value = 1000;
    snprintf(d.amount_unit, sizeof d.amount_unit, "t");
    d.from_m = 2026 * 12;
    d.to_m = 2027 * 12 + 11;
    snprintf(d.use, sizeof d.use, "%s", use);
    d.state = MB_DEAL_AGREED;
    struct mb_error err;
    cr_assert_eq(mb_store_deal_insert(db, &d, &err), 0, "%s", err.message);
    return d.id;
}

/* A load of `t` tonnes at Unix time `at`, then confirmed or disputed (or
 * left registered when `state` is MB_DELIVERY_REGISTERED). */
static void load(struct mb_store *db, int64_t deal_id, int64_t from, int64_t to, double t,
                 int64_t at, enum mb_delivery_state state, int64_t user_id, int64_t org_id)
{
    static int n;
    struct mb_delivery d = {0};
    d.deal_id = deal_id;
    snprintf(d.code, sizeof d.code, "test-ticket-code-%04d", ++n);
    snprintf(d.truck, sizeof d.truck, "EL12345");
    snprintf(d.euro_class, sizeof d.euro_class, "VI");
    d.amount_t = d.amount_value = t;
    snprintf(d.amount_unit, sizeof d.amount_unit, "t");
    d.at = at;
    d.from_site = from;
    d.to_site = to;
    d.state = MB_DELIVERY_REGISTERED;
    d.user_id = user_id;
    d.org_id = org_id;
    struct mb_error err;
    cr_assert_eq(mb_store_delivery_insert(db, &d, &err), 0, "%s", err.message);
    if (state != MB_DELIVERY_REGISTERED)
        cr_assert_eq(mb_store_delivery_decide(db, d.id, state,
                                              state == MB_DELIVERY_DISPUTED ? "wrong load" : NULL,
                                              user_id, &err), 0, "%s", err.message);
}

/* 2026-06-15 12:00 UTC, and 2026-12-31 23:30 UTC (00:30 on New Year's Day
 * in Norway, so a load of 2027). */

struct mb_store *st;
struct mb_catalog catalog;
struct mb_municipalities munis;
struct loads_ids ids;

/* Seeded loads (t):
 *   rock.blasted from a supply in 5001 (Trondheim):
 *     to a landfill: 20 + 20 + 20 confirmed, 20 disputed, 25 registered
 *     to a need (reuse): 30 + 30 confirmed in 2026, 30 confirmed in 2027
 *   soil.clay from a supply in 5028 (Melhus):
 *     to a need, deal use "soil_improvement": 40 confirmed
 *     to a plant: 50 confirmed
 * So 2026: 5001 landfill 60, reuse 60 (5 loads, 120 t); 5028 soil
 * improvement 40, plant 50 (2 loads, 90 t); in all 210 t. 2027: 5001
 * reuse 30. */
void loads_seed(void)
{
    struct mb_error err;
    cr_assert_eq(mb_store_open(&st, tmpfile_path("stats.db"), &err), 0, "%s", err.message);
    cr_assert_eq(mb_catalog_init(&catalog, &err), 0);
    cr_assert_eq(mb_municipalities_init(&munis, &err), 0);
    int64_t dev = org(st, "Utbygger"), fill = org(st, "Deponi"), road = org(st, "Veg"),
            works = org(st, "Knuseverk");
    int64_t u_dev = user(st, dev, "u@x.no"), u_fill = user(st, fill, "d@x.no"),
            u_road = user(st, road, "v@x.no"), u_works = user(st, works, "k@x.no");
    int64_t rock = ids.rock = site(st, dev, MB_TYPE_SUPPLY, "5001", "rock.blasted");
    int64_t clay = ids.clay = site(st, dev, MB_TYPE_SUPPLY, "5028", "soil.clay");
    int64_t landfill = site(st, fill, MB_TYPE_LANDFILL, "5001", "");
    int64_t need = site(st, road, MB_TYPE_NEED, "5029", "rock.blasted");
    int64_t plant = site(st, works, MB_TYPE_PLANT, "5001", "");
    int64_t d1 = ids.d1 = deal(st, rock, fill, u_fill, landfill, "");
    int64_t d2 = ids.d2 = deal(st, rock, road, u_road, need, "reuse");
    int64_t d3 = deal(st, clay, road, u_road, need, "soil_improvement");
    int64_t d4 = deal(st, clay, works, u_works, plant, "");
    for (int i = 0; i < 3; i++)
        load(st, d1, rock, landfill, 20, JUNE_2026 + i * 3600, MB_DELIVERY_CONFIRMED, u_dev, dev);
    load(st, d1, rock, landfill, 20, JUNE_2026 + 4 * 3600, MB_DELIVERY_DISPUTED, u_dev, dev);
    load(st, d1, rock, landfill, 25, JUNE_2026 + 5 * 3600, MB_DELIVERY_REGISTERED, u_dev, dev);
    load(st, d2, rock, need, 30, JUNE_2026, MB_DELIVERY_CONFIRMED, u_dev, dev);
    load(st, d2, rock, need, 30, JUNE_2026 + 86400, MB_DELIVERY_CONFIRMED, u_dev, dev);
    load(st, d2, rock, need, 30, NEW_YEAR_NIGHT, MB_DELIVERY_CONFIRMED, u_dev, dev);
    load(st, d3, clay, need, 40, JUNE_2026, MB_DELIVERY_CONFIRMED, u_dev, dev);
    load(st, d4, clay, plant, 50, JUNE_2026, MB_DELIVERY_CONFIRMED, u_dev, dev);
}

void loads_teardown(void)
{
    mb_store_close(st);
    mb_catalog_release(&catalog);
    mb_municipalities_release(&munis);
}

