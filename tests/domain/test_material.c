/*
 * test_material.c - the built-in taxonomy and user overlays.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/material.h"
#include "support/tmpdir.h"

static struct mb_catalog cat;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_catalog_init(&cat, &err), 0, "%s: %s", err.field, err.message);
}

static void teardown(void)
{
    mb_catalog_release(&cat);
}

TestSuite(material, .init = setup, .fini = teardown);

Test(material, issue_taxonomy_is_complete)
{
    /* Every kind the taxonomy must cover (issue 2, item 4). */
    static const char *const codes[] = {
        "rock.blasted", "rock.tunnel", "rock.tbm", "rock.acid",
        "soil.moraine", "soil.gravel", "soil.sand", "soil.silt", "soil.clay",
        "soil.quickclay", "soil.topsoil", "soil.peat", "soil.fill",
        "recycled.concrete", "recycled.brick", "recycled.asphalt",
        "recycled.ballast", "recycled.sediment",
        "product.crushed.0-32", "product.crushed.20-120",
    };
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
        cr_assert_not_null(mb_catalog_find(&cat, codes[i]), "%s missing", codes[i]);
}

Test(material, every_material_is_sane)
{
    for (size_t i = 0; i < cat.n; i++) {
        const struct mb_material *m = &cat.items[i];
        cr_assert(m->density >= 0.3 && m->density <= 4.0, "%s", m->code);
        cr_assert(m->bulking >= 1.0 && m->bulking <= 2.5, "%s", m->code);
        cr_assert(strchr("VSE", m->density_status) && m->density_status, "%s", m->code);
        cr_assert(strchr("VSE", m->bulking_status) && m->bulking_status, "%s", m->code);
        cr_assert(m->name_nb[0] && m->name_en[0] && m->source[0], "%s", m->code);
        /* The code starts with its group's name. */
        const char *g = mb_material_group_name(m->group);
        cr_assert_eq(strncmp(m->code, g, strlen(g)), 0, "%s not in %s", m->code, g);
        /* Waste (not products) has a waste code and its hazardous mirror. */
        if (m->group != MB_GROUP_PRODUCT)
            cr_assert(m->ewc[0] && m->ewc_hazardous[0], "%s", m->code);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(m->code, cat.items[j].code);
    }
}

Test(material, factors_of_blasted_rock)
{
    const struct mb_material *m = mb_catalog_find(&cat, "rock.blasted");
    cr_assert_float_eq(m->density, 2.70, 1e-12);
    cr_assert_float_eq(m->bulking, 1.50, 1e-12);
    cr_assert_float_eq(mb_material_loose_density(m), 1.80, 1e-12);
    cr_assert_str_eq(m->ewc, "17 05 04");
    cr_assert_str_eq(m->ewc_hazardous, "17 05 03*");
    cr_assert_eq(m->density_status, 'E');
}

Test(material, aliases_and_case)
{
    cr_assert_eq(mb_catalog_find(&cat, "R.SPR"), mb_catalog_find(&cat, "rock.blasted"));
    cr_assert_eq(mb_catalog_find(&cat, "ROCK.BLASTED"), mb_catalog_find(&cat, "rock.blasted"));
    cr_assert_eq(mb_catalog_find(&cat, "0/32"), mb_catalog_find(&cat, "product.crushed.0-32"));
    cr_assert_eq(mb_catalog_find(&cat, "pukk"), mb_catalog_find(&cat, "product.crushed.8-16"));
    cr_assert_null(mb_catalog_find(&cat, "rock"));
    cr_assert_null(mb_catalog_find(&cat, ""));
}

Test(material, lookup_suggests_nearest)
{
    struct mb_error err;
    cr_assert_null(mb_catalog_lookup(&cat, "rock.blastd", "material", &err));
    cr_assert_eq(err.code, MB_ENOTFOUND);
    cr_assert_str_eq(err.field, "material");
    cr_assert(strstr(err.message, "did you mean rock.blasted"), "%s", err.message);
    cr_assert_null(mb_catalog_lookup(&cat, "xyzzy-unknown-thing", "material", &err));
    cr_assert_null(strstr(err.message, "did you mean"));
}

Test(material, overlay_changes_and_adds)
{
    char *p = tmpfile_write("m.csv", "code,density,density_status,bulking\n"
                            "rock.blasted,2.65,V,\n");
    struct mb_error err;
    cr_assert_eq(mb_catalog_overlay_csv(&cat, p, &err), 0, "%s", err.message);
    const struct mb_material *m = mb_catalog_find(&cat, "rock.blasted");
    cr_assert_float_eq(m->density, 2.65, 1e-12);
    cr_assert_eq(m->density_status, 'V');
    cr_assert_float_eq(m->bulking, 1.50, 1e-12, "empty cell keeps the value");
    free(p);
    size_t before = cat.n;
    p = tmpfile_write("n.csv", "code;group;name_nb;name_en;density;bulking\n"
                      "soil.leca;recycled;Lettklinker;Expanded clay;0,5;1,1\n");
    cr_assert_eq(mb_catalog_overlay_csv(&cat, p, &err), 0, "%s", err.message);
    cr_assert_eq(cat.n, before + 1);
    m = mb_catalog_find(&cat, "soil.leca");
    cr_assert_float_eq(m->density, 0.5, 1e-12);
    cr_assert_eq(m->bulking_status, 'E', "a user's factor without status is an estimate");
    free(p);
}

/* A bad overlay names line and column and changes nothing. */
static void overlay_refused(const char *text, const char *want_field)
{
    char *p = tmpfile_write("bad.csv", text);
    size_t before = cat.n;
    double d = mb_catalog_find(&cat, "rock.blasted")->density;
    struct mb_error err;
    mb_error_clear(&err);
    cr_assert_neq(mb_catalog_overlay_csv(&cat, p, &err), 0, "accepted: %s", text);
    cr_assert(strstr(err.field, want_field), "field '%s' lacks '%s' (%s)", err.field,
              want_field, err.message);
    cr_assert_eq(cat.n, before);
    cr_assert_float_eq(mb_catalog_find(&cat, "rock.blasted")->density, d, 1e-12);
    free(p);
}

Test(material, overlay_bad_input_changes_nothing)
{
    overlay_refused("code,density\nrock.blasted,2.5\nrock.tunnel,-1\n", "line 3, density");
    overlay_refused("code,density\nrock.blasted,9\n", "density");
    overlay_refused("code,bulking\nrock.blasted,0.8\n", "bulking");
    overlay_refused("code,density\nrock.blasted,abc\n", "density");
    overlay_refused("code,density_status\nrock.blasted,X\n", "density_status");
    overlay_refused("code,ewc\nrock.blasted,17 05 03*\n", "ewc");
    overlay_refused("code,ewc_hazardous\nrock.blasted,17 05 04\n", "ewc_hazardous");
    overlay_refused("code,density\nRock Blasted,2.5\n", "code");
    overlay_refused("code,density\nsoil.new,2.0\n", "group");
    overlay_refused("code,group,name_nb,name_en,density,bulking\n"
                    "soil.new,mineral,a,b,2,1.2\n", "group");
    overlay_refused("code,densty\nrock.blasted,2.5\n", "densty");
    overlay_refused("density\n2.5\n", "code");
}

Test(material, docs_list_every_code)
{
    /* docs/materials.md must describe every built-in material. */
    const char *root = getenv("MB_SOURCE_ROOT");
    cr_assert_not_null(root, "MB_SOURCE_ROOT not set");
    char path[1024];
    snprintf(path, sizeof path, "%s/docs/materials.md", root);
    char *doc = file_read(path);
    cr_assert_not_null(doc, "%s missing", path);
    for (size_t i = 0; i < cat.n; i++) {
        char code[64];
        snprintf(code, sizeof code, "`%s`", cat.items[i].code);
        cr_assert(strstr(doc, code), "docs/materials.md lacks %s", code);
    }
    free(doc);
}

Test(material, overlay_value_without_status_is_an_estimate)
{
    /* W3: the user's 2.0 is not the price list's verified 1.80. */
    const struct mb_material *m = mb_catalog_find(&cat, "product.crushed.0-4");
    cr_assert_eq(m->bulking_status, 'V');
    char *p = tmpfile_write("st.csv", "code,bulking\nproduct.crushed.0-4,2.0\n");
    struct mb_error err;
    cr_assert_eq(mb_catalog_overlay_csv(&cat, p, &err), 0, "%s", err.message);
    m = mb_catalog_find(&cat, "product.crushed.0-4");
    cr_assert_float_eq(m->bulking, 2.0, 1e-12);
    cr_assert_eq(m->bulking_status, 'E');
    free(p);
    /* A status given with the value is kept; a status alone changes only it. */
    p = tmpfile_write("st2.csv", "code,density,density_status,bulking_status\n"
                      "product.crushed.0-4,2.65,S,\nproduct.crushed.0-8,,,S\n");
    cr_assert_eq(mb_catalog_overlay_csv(&cat, p, &err), 0, "%s", err.message);
    cr_assert_eq(mb_catalog_find(&cat, "product.crushed.0-4")->density_status, 'S');
    m = mb_catalog_find(&cat, "product.crushed.0-8");
    cr_assert_eq(m->bulking_status, 'S');
    cr_assert_float_eq(m->bulking, 1.80, 1e-12);
    free(p);
}

Test(material, overlay_with_a_column_twice_is_refused)
{
    /* F6 */
    overlay_refused("code,density,density\nrock.blasted,2.5,3.0\n", "density");
}

Test(material, messages_cut_user_text_between_characters)
{
    /* M6: a long code "xææææ...", quoted in the message: "%.60s" would cut
     * an 'æ' in two. */
    char code[200] = "x";
    for (int i = 0; i < 60; i++)
        memcpy(code + 1 + 2 * i, "\xC3\xA6", 3);
    struct mb_error err;
    cr_assert_null(mb_catalog_lookup(&cat, code, "material", &err));
    cr_assert(mb_utf8_valid(err.message, strlen(err.message), NULL), "%s", err.message);
    cr_assert(strstr(err.message, "...'"), "%s", err.message);
    char text[512];
    snprintf(text, sizeof text, "code,density\n%s,2.5\n", code);
    char *p = tmpfile_write("utf.csv", text);
    cr_assert_neq(mb_catalog_overlay_csv(&cat, p, &err), 0);
    cr_assert(mb_utf8_valid(err.message, strlen(err.message), NULL), "%s", err.message);
    cr_assert(strstr(err.message, "...'"), "%s", err.message);
    free(p);
}
