/*
 * test_docs.c - the documentation agrees with the code: every default
 * factor in src/plan/defaults.h appears in docs/planning-model.md's table
 * with the same value (and the table names no factor the header lacks),
 * and every field the scenario reader accepts (src/plan/scenario.c) is
 * described in docs/scenario-format.md, each kind's fields in that kind's
 * table.
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/factors.h"
#include "support/tmpdir.h"

/* A file of the source tree as a new string. */
static char *source_file(const char *rel)
{
    const char *root = getenv("MB_SOURCE_ROOT");
    cr_assert_not_null(root, "MB_SOURCE_ROOT is not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    char *text = file_read(path);
    cr_assert_not_null(text, "cannot read %s", path);
    return text;
}

#define MAX_ITEMS 128

struct macro {
    char name[64];
    char value[64];
};

struct macros {
    struct macro items[MAX_ITEMS];
    size_t n;
};

static int is_ident(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || ch == '_';
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Copy s[0..len) into a buffer of n bytes; the piece must fit. */
static void copy_piece(char *dst, size_t n, const char *s, size_t len)
{
    cr_assert_lt(len, n, "'%.*s' is too long", (int)len, s);
    memcpy(dst, s, len);
    dst[len] = '\0';
}

/* The factor macros of defaults.h: `#define MB_DEFAULT_... VALUE` and the
 * diesel factor, with the value exactly as written. */
static void default_macros(const char *text, struct macros *out)
{
    out->n = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        const char *p = line;
        while (p < end && is_space(*p))
            p++;
        if ((size_t)(end - p) > 8 && strncmp(p, "#define", 7) == 0 && is_space(p[7])) {
            p += 7;
            while (p < end && is_space(*p))
                p++;
            const char *name = p;
            while (p < end && is_ident(*p))
                p++;
            size_t nlen = (size_t)(p - name);
            while (p < end && is_space(*p))
                p++;
            const char *value = p;
            while (p < end && !is_space(*p))
                p++;
            size_t vlen = (size_t)(p - value);
            static const char prefix[] = "MB_DEFAULT_", diesel[] = "MB_DIESEL_KG_CO2_PER_L";
            bool factor = (nlen > sizeof prefix - 1 &&
                           strncmp(name, prefix, sizeof prefix - 1) == 0) ||
                          (nlen == sizeof diesel - 1 && strncmp(name, diesel, nlen) == 0);
            if (factor && vlen > 0) {
                cr_assert_lt(out->n, MAX_ITEMS);
                struct macro *m = &out->items[out->n++];
                copy_piece(m->name, sizeof m->name, name, nlen);
                copy_piece(m->value, sizeof m->value, value, vlen);
            }
        }
        line = *end ? end + 1 : end;
    }
}

/* The second cell of the table row whose first cell is `name` (in
 * backticks), trimmed, into buf; false if the doc has no such row. */
static bool table_value(const char *doc, const char *name, char *buf, size_t n)
{
    char key[96];
    snprintf(key, sizeof key, "| `%s` |", name);
    size_t klen = strlen(key);
    for (const char *p = strstr(doc, key); p; p = strstr(p + 1, key)) {
        if (p != doc && p[-1] != '\n')
            continue; /* not the first cell of a row */
        const char *cell = p + klen;
        while (is_space(*cell))
            cell++;
        const char *end = cell;
        while (*end && *end != '|' && *end != '\n')
            end++;
        cr_assert_eq(*end, '|', "the row of %s has no second cell", name);
        while (end > cell && is_space(end[-1]))
            end--;
        copy_piece(buf, n, cell, (size_t)(end - cell));
        return true;
    }
    return false;
}

Test(docs, every_default_factor_is_in_the_planning_model_table)
{
    char *header = source_file("src/plan/defaults.h");
    char *doc = source_file("docs/planning-model.md");
    struct macros *ms = calloc(1, sizeof *ms);
    cr_assert_not_null(ms);
    default_macros(header, ms);
    /* The parser must see the header's factors at all. */
    cr_assert_geq(ms->n, 2, "only %zu factor macros found in defaults.h", ms->n);
    bool detour = false, max_km = false;
    for (size_t i = 0; i < ms->n; i++) {
        detour |= strcmp(ms->items[i].name, "MB_DEFAULT_DETOUR_FACTOR") == 0;
        max_km |= strcmp(ms->items[i].name, "MB_DEFAULT_MAX_KM") == 0;
    }
    cr_assert(detour && max_km, "defaults.h parsed wrongly");
    for (size_t i = 0; i < ms->n; i++) {
        const struct macro *m = &ms->items[i];
        char got[64];
        cr_assert(table_value(doc, m->name, got, sizeof got),
                  "docs/planning-model.md has no table row | `%s` | %s |", m->name,
                  m->value);
        cr_assert_str_eq(got, m->value, "docs/planning-model.md gives %s = %s, "
                         "src/plan/defaults.h says %s", m->name, got, m->value);
    }
    /* And no row names a factor the header does not define. */
    for (const char *p = strstr(doc, "\n| `MB_"); p; p = strstr(p + 1, "\n| `MB_")) {
        const char *name = p + 4, *end = name;
        while (is_ident(*end))
            end++;
        char buf[64];
        copy_piece(buf, sizeof buf, name, (size_t)(end - name));
        bool known = false;
        for (size_t i = 0; i < ms->n; i++)
            known |= strcmp(ms->items[i].name, buf) == 0;
        cr_assert(known, "docs/planning-model.md lists %s, which src/plan/defaults.h "
                  "does not define", buf);
    }
    free(ms);
    free(doc);
    free(header);
}

/* Every factor of the register appears in docs/climate-method.md's table
 * as | `key` | low / central / high | unit | status | with the register's
 * values, and the table names no factor the register lacks. */
Test(docs, every_register_factor_is_in_the_climate_method_table)
{
    char *doc = source_file("docs/climate-method.md");
    const struct mb_factor_info *reg = mb_factor_register(NULL);
    cr_assert_not_null(reg);
    for (int i = 0; i < MB_F_COUNT; i++) {
        char want[96], got[96];
        snprintf(want, sizeof want, "%g / %g / %g", reg[i].low, reg[i].central,
                 reg[i].high);
        cr_assert(table_value(doc, reg[i].key, got, sizeof got),
                  "docs/climate-method.md has no table row | `%s` | %s |", reg[i].key, want);
        cr_assert_str_eq(got, want, "docs/climate-method.md gives %s = %s, the register "
                         "(data/factors.csv) says %s", reg[i].key, got, want);
    }
    size_t rows = 0;
    for (const char *p = strstr(doc, "\n| `"); p; p = strstr(p + 1, "\n| `")) {
        const char *name = p + 4, *end = name;
        while (*end && *end != '`')
            end++;
        char buf[64];
        copy_piece(buf, sizeof buf, name, (size_t)(end - name));
        if (!strchr(buf, '.'))
            continue; /* not a factor key (a field name in another table) */
        cr_assert_geq(mb_factor_find(buf), 0, "docs/climate-method.md lists %s, which the "
                      "register does not have", buf);
        rows++;
    }
    cr_assert_eq(rows, (size_t)MB_F_COUNT);
    free(doc);
}

struct names {
    char items[MAX_ITEMS][64];
    size_t n;
};

static void names_add(struct names *ns, const char *s, size_t len)
{
    char buf[64];
    copy_piece(buf, sizeof buf, s, len);
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->items[i], buf) == 0)
            return;
    cr_assert_lt(ns->n, MAX_ITEMS);
    memcpy(ns->items[ns->n++], buf, sizeof buf);
}

static bool names_have(const struct names *ns, const char *s)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->items[i], s) == 0)
            return true;
    return false;
}

/* Every string literal in the initialisers of `static const char *const`
 * arrays of a C file: in scenario.c, the allowed-key lists and the kind
 * names. */
static void array_literals(const char *src, struct names *out)
{
    static const char decl[] = "static const char *const ";
    for (const char *p = strstr(src, decl); p; p = strstr(p + 1, decl)) {
        const char *eq = strchr(p, '='), *semi = strchr(p, ';');
        if (!eq || (semi && semi < eq))
            continue; /* no initialiser */
        const char *q = strchr(eq, '{');
        if (!q || (semi && semi < q))
            continue;
        int depth = 0;
        for (; *q; q++) {
            if (*q == '{') {
                depth++;
            } else if (*q == '}') {
                if (--depth == 0)
                    break;
            } else if (*q == '"') {
                const char *end = strchr(q + 1, '"');
                cr_assert_not_null(end, "unterminated string in scenario.c");
                names_add(out, q + 1, (size_t)(end - q - 1));
                q = end;
            }
        }
    }
}

/* The fields of each site kind beyond the common ones, as in scenario.c's
 * `extra` list. */
static const struct {
    const char *kind;
    const char *fields[10];
} kind_fields[] = {
    { "source", { "material", "class", "amount", "window", NULL } },
    { "need", { "material", "accepts", "max_class", "amount", "window", NULL } },
    { "landfill", { "accepts", "max_class", "capacity_per_year", "gate_fee_nok_per_t",
                    "co2_kg_per_t", "window", NULL } },
    { "storage", { "accepts", "max_class", "capacity", "handling_nok_per_t",
                   "holding_nok_per_t_month", "co2_kg_per_t", "window", NULL } },
    { "plant", { "accepts", "max_class", "capacity_per_month", "yields",
                 "processing_nok_per_t", "co2_kg_per_t", "window", NULL } },
    { "quarry", { "offers", "capacity_per_year", "price_nok_per_t", "co2_kg_per_t",
                  "window", NULL } },
};

/* Top-level, transport, common site and nested fields. */
static const char *const other_fields[] = {
    "format", "name", "horizon", "co2_price_nok_per_t", "transport", "sites",
    "payload_t", "cost_nok_per_tkm", "cost_nok_per_truck_km", "co2_kg_per_tkm",
    "fuel_l_per_km_loaded", "fuel_l_per_km_empty", "empty_return", "detour_factor",
    "max_km", "distances", "from", "to", "km",
    "id", "kind", "lat", "lon", "utm", "municipality",
    "epsg", "easting", "northing", "value", "unit", "material", "share",
};

static bool doc_mentions(const char *doc, const char *name)
{
    char key[80];
    snprintf(key, sizeof key, "`%s`", name);
    return strstr(doc, key) != NULL;
}

Test(docs, every_scenario_field_is_in_the_scenario_format)
{
    char *src = source_file("src/plan/scenario.c");
    char *doc = source_file("docs/scenario-format.md");
    struct names *accepted = calloc(1, sizeof *accepted);
    cr_assert_not_null(accepted);
    array_literals(src, accepted);
    /* The reader's lists hold at least the fields this test knows of. */
    size_t nkinds = sizeof kind_fields / sizeof *kind_fields;
    for (size_t k = 0; k < nkinds; k++) {
        cr_assert(names_have(accepted, kind_fields[k].kind),
                  "scenario.c does not name the kind %s", kind_fields[k].kind);
        for (const char *const *f = kind_fields[k].fields; *f; f++)
            cr_assert(names_have(accepted, *f), "scenario.c no longer accepts %s", *f);
    }
    for (size_t i = 0; i < sizeof other_fields / sizeof *other_fields; i++)
        cr_assert(names_have(accepted, other_fields[i]), "scenario.c no longer accepts %s",
                  other_fields[i]);
    /* Every name the reader accepts is in the doc, in backticks. */
    for (size_t i = 0; i < accepted->n; i++)
        cr_assert(doc_mentions(doc, accepted->items[i]),
                  "docs/scenario-format.md does not describe `%s`", accepted->items[i]);
    /* Each kind has a section whose table lists each of its fields. */
    for (size_t k = 0; k < nkinds; k++) {
        char head[64];
        snprintf(head, sizeof head, "\n### `%s`", kind_fields[k].kind);
        const char *sec = strstr(doc, head);
        cr_assert_not_null(sec, "docs/scenario-format.md has no section ### `%s`",
                           kind_fields[k].kind);
        sec += strlen(head);
        const char *end = strstr(sec, "\n#");
        size_t len = end ? (size_t)(end - sec) : strlen(sec);
        for (const char *const *f = kind_fields[k].fields; *f; f++) {
            char row[80];
            snprintf(row, sizeof row, "\n| `%s` |", *f);
            const char *p = strstr(sec, row);
            cr_assert(p && p < sec + len, "the section on %s in docs/scenario-format.md has no row "
                      "for `%s`", kind_fields[k].kind, *f);
        }
    }
    free(accepted);
    free(doc);
    free(src);
}
