/*
 * material.c - the material catalog: built-in table, user overlays, lookup.
 *
 * The built-in table is data/materials.csv, embedded by tools/embed.c as
 * mb_data_materials. Loading it and loading a user's overlay run the same
 * row parser, so the defaults obey the very rules a user's file must.
 */
#include "domain/material.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/csvtable.h"
#include "core/text.h"

extern const char mb_data_materials[];
extern const size_t mb_data_materials_len;

static const char *const group_names[] = { "rock", "soil", "recycled", "product" };

const char *mb_status_word(char status)
{
    return status == 'V' ? "verified" : status == 'S' ? "secondary" : "estimate";
}

const char *mb_material_group_name(enum mb_material_group g)
{
    return (unsigned)g < 4 ? group_names[g] : "?";
}

double mb_material_loose_density(const struct mb_material *m)
{
    return m->density / m->bulking;
}

static int valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof ((struct mb_material *)0)->code)
        return 0;
    for (const char *p = s; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
              *p == '.' || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

/* "17 05 04" or "17 05 03*" (hazardous iff star); "" allowed. */
static int valid_ewc(const char *s, int hazardous)
{
    if (!*s)
        return 1;
    static const char pat[] = "dd dd dd";
    size_t n = strlen(s);
    if (n != 8 + (size_t)hazardous)
        return 0;
    for (size_t i = 0; i < 8; i++)
        if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != ' ')
            return 0;
    return hazardous ? s[8] == '*' : 1;
}

struct cols {
    int code, group, name_nb, name_en, density, density_status, bulking,
        bulking_status, placed, placed_status, ewc, ewc_hazardous, aliases, source, note,
        approval;
};

static void find_cols(const struct mb_csv_table *t, struct cols *c)
{
    c->code = mb_csv_column(t, "code");
    c->group = mb_csv_column(t, "group");
    c->name_nb = mb_csv_column(t, "name_nb");
    c->name_en = mb_csv_column(t, "name_en");
    c->density = mb_csv_column(t, "density");
    c->density_status = mb_csv_column(t, "density_status");
    c->bulking = mb_csv_column(t, "bulking");
    c->bulking_status = mb_csv_column(t, "bulking_status");
    c->placed = mb_csv_column(t, "placed");
    c->placed_status = mb_csv_column(t, "placed_status");
    c->ewc = mb_csv_column(t, "ewc");
    c->ewc_hazardous = mb_csv_column(t, "ewc_hazardous");
    c->aliases = mb_csv_column(t, "aliases");
    c->source = mb_csv_column(t, "source");
    c->note = mb_csv_column(t, "note");
    c->approval = mb_csv_column(t, "approval"); /* optional */
}

static int set_text(char *dst, size_t n, const char *v, const char *col,
                    struct mb_error *err)
{
    if (!mb_text_copy(dst, n, v))
        return mb_error_set(err, MB_EINVAL, col, "longer than %zu bytes", n - 1);
    return 0;
}

static int set_status(char *dst, const char *v, const char *col, struct mb_error *err)
{
    char q[44];
    if (strlen(v) != 1 || !strchr("VSE", v[0]))
        return mb_error_set(err, MB_EINVAL, col, "'%s' is not a status; use V "
                            "(verified), S (secondary) or E (estimate)",
                            mb_text_clip(q, sizeof q, v));
    *dst = v[0];
    return 0;
}

/* Apply the non-empty fields of one row to m. When `whole` is set (a new
 * material, or the built-in table) the essential fields must be present.
 * A density or bulking given without its status is an estimate (E), also
 * when it replaces a sourced value: the source no longer backs it. */
static int apply_row(struct mb_material *m, const struct mb_csv_row *r,
                     const struct cols *c, int whole, struct mb_error *err)
{
    const char *v;
    char q[44];
    int rc;
#define REQUIRE(col, name)                                                     \
    do {                                                                       \
        if (whole && !*mb_csv_get(r, c->col))                                  \
            return mb_error_set(err, MB_EINVAL, name, "is required for a new material"); \
    } while (0)
    REQUIRE(group, "group");
    REQUIRE(name_nb, "name_nb");
    REQUIRE(name_en, "name_en");
    REQUIRE(density, "density");
    REQUIRE(bulking, "bulking");
#undef REQUIRE
    if (*(v = mb_csv_get(r, c->group))) {
        size_t g;
        for (g = 0; g < 4; g++)
            if (strcmp(v, group_names[g]) == 0)
                break;
        if (g == 4)
            return mb_error_set(err, MB_EINVAL, "group", "'%s' is not a group; use "
                                "rock, soil, recycled or product",
                                mb_text_clip(q, sizeof q, v));
        m->group = (enum mb_material_group)g;
    }
    if (*(v = mb_csv_get(r, c->name_nb)) &&
        (rc = set_text(m->name_nb, sizeof m->name_nb, v, "name_nb", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->name_en)) &&
        (rc = set_text(m->name_en, sizeof m->name_en, v, "name_en", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->density))) {
        if ((rc = mb_parse_number(v, &m->density, "density", err)))
            return rc;
        if (!(m->density >= 0.3 && m->density <= 4.0))
            return mb_error_set(err, MB_EINVAL, "density", "%g t/fm3 is outside "
                                "0.3-4.0, the range of real masses", m->density);
        if (!*mb_csv_get(r, c->density_status))
            m->density_status = 'E';
    }
    if (*(v = mb_csv_get(r, c->bulking))) {
        if ((rc = mb_parse_number(v, &m->bulking, "bulking", err)))
            return rc;
        if (!(m->bulking >= 1.0 && m->bulking <= 2.5))
            return mb_error_set(err, MB_EINVAL, "bulking", "%g lm3/fm3 is outside "
                                "1.0-2.5; loosening never shrinks a mass", m->bulking);
        if (!*mb_csv_get(r, c->bulking_status))
            m->bulking_status = 'E';
    }
    if (whole && !*mb_csv_get(r, c->placed)) {
        m->placed = 1.0; /* a new material without it: placed as solid [E] */
        m->placed_status = 'E';
    }
    if (*(v = mb_csv_get(r, c->placed))) {
        if ((rc = mb_parse_number(v, &m->placed, "placed", err)))
            return rc;
        if (!(m->placed >= 0.5 && m->placed <= 2.0))
            return mb_error_set(err, MB_EINVAL, "placed", "%g pm3/fm3 is outside "
                                "0.5-2.0, the range of real fills", m->placed);
        if (!*mb_csv_get(r, c->placed_status))
            m->placed_status = 'E';
    }
    if (*(v = mb_csv_get(r, c->placed_status)) &&
        (rc = set_status(&m->placed_status, v, "placed_status", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->density_status)) &&
        (rc = set_status(&m->density_status, v, "density_status", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->bulking_status)) &&
        (rc = set_status(&m->bulking_status, v, "bulking_status", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->ewc))) {
        if (!valid_ewc(v, 0))
            return mb_error_set(err, MB_EINVAL, "ewc", "'%s' is not a non-hazardous "
                                "waste code like 17 05 04", mb_text_clip(q, sizeof q, v));
        set_text(m->ewc, sizeof m->ewc, v, "ewc", err);
    }
    if (*(v = mb_csv_get(r, c->ewc_hazardous))) {
        if (!valid_ewc(v, 1))
            return mb_error_set(err, MB_EINVAL, "ewc_hazardous", "'%s' is not a "
                                "hazardous waste code like 17 05 03*",
                                mb_text_clip(q, sizeof q, v));
        set_text(m->ewc_hazardous, sizeof m->ewc_hazardous, v, "ewc_hazardous", err);
    }
    if (*(v = mb_csv_get(r, c->aliases)) &&
        (rc = set_text(m->aliases, sizeof m->aliases, v, "aliases", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->source)) &&
        (rc = set_text(m->source, sizeof m->source, v, "source", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->note)) &&
        (rc = set_text(m->note, sizeof m->note, v, "note", err)))
        return rc;
    if (*(v = mb_csv_get(r, c->approval))) {
        if (strcmp(v, "acid_rock") != 0)
            return mb_error_set(err, MB_EINVAL, "approval", "'%s' is not an approval; "
                                "the one known is acid_rock", mb_text_clip(q, sizeof q, v));
        set_text(m->approval, sizeof m->approval, v, "approval", err);
    }
    return 0;
}

/* Apply a parsed table to c, all or nothing. */
static int apply_table(struct mb_catalog *c, const struct mb_csv_table *t,
                       const char *name, int builtin, struct mb_error *err)
{
    struct cols cols;
    find_cols(t, &cols);
    if (cols.code < 0)
        return mb_error_set(err, MB_EINVAL, "code", "%s has no 'code' column", name);
    for (size_t i = 0; i < t->ncols; i++) {
        static const char *known[] = { "code", "group", "name_nb", "name_en",
            "density", "density_status", "bulking", "bulking_status", "placed",
            "placed_status", "ewc",
            "ewc_hazardous", "aliases", "source", "note", "approval" };
        size_t k;
        for (k = 0; k < sizeof known / sizeof *known; k++)
            if (mb_text_casecmp(t->header[i], known[k]) == 0)
                break;
        if (k == sizeof known / sizeof *known) {
            char q[44];
            mb_text_clip(q, sizeof q, t->header[i]);
            return mb_error_set(err, MB_EINVAL, q, "%s: unknown column '%s'", name, q);
        }
    }
    struct mb_catalog work = { 0 };
    work.items = mb_xmalloc((c->n + t->nrows) * sizeof *work.items);
    work.cap = c->n + t->nrows;
    if (c->n)
        memcpy(work.items, c->items, c->n * sizeof *c->items);
    work.n = c->n;
    int rc = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        const struct mb_csv_row *r = &t->rows[i];
        const char *code = mb_csv_get(r, cols.code);
        char where[64];
        snprintf(where, sizeof where, "%s line %zu", name, r->line);
        if (!valid_code(code)) {
            char q[64];
            rc = mb_error_set(err, MB_EINVAL, "code", "'%s' is not a material "
                "code (lower-case letters, digits, '.', '-', '_')",
                mb_text_clip(q, sizeof q, code));
            mb_error_prefix_field(err, where);
            goto out;
        }
        struct mb_material *m = NULL;
        for (size_t k = 0; k < work.n; k++)
            if (strcmp(work.items[k].code, code) == 0)
                m = &work.items[k];
        if (m && builtin) {
            rc = mb_error_set(err, MB_EDATA, "code", "'%s' appears twice", code);
            mb_error_prefix_field(err, where);
            goto out;
        }
        int whole = m == NULL;
        if (!m) {
            m = &work.items[work.n++];
            memset(m, 0, sizeof *m);
            memcpy(m->code, code, strlen(code) + 1);
        }
        if ((rc = apply_row(m, r, &cols, whole, err))) {
            mb_error_prefix_field(err, where);
            goto out;
        }
    }
    free(c->items);
    *c = work;
    return 0;
out:
    free(work.items);
    return rc;
}

int mb_catalog_init(struct mb_catalog *c, struct mb_error *err)
{
    memset(c, 0, sizeof *c);
    struct mb_csv_table t;
    int rc = mb_csv_parse(&t, mb_data_materials, mb_data_materials_len,
                          "materials.csv", err);
    if (rc == 0) {
        rc = apply_table(c, &t, "materials.csv", 1, err);
        mb_csv_release(&t);
    }
    if (rc) {
        err->code = rc = MB_EDATA;
        mb_catalog_release(c);
    }
    return rc;
}

int mb_catalog_overlay_csv(struct mb_catalog *c, const char *path,
                           struct mb_error *err)
{
    struct mb_csv_table t;
    int rc = mb_csv_read_file(&t, path, 4u << 20, err);
    if (rc)
        return rc;
    const char *base = strrchr(path, '/');
    char name[40]; /* leaves room for " line N" in a 64-byte field */
    rc = apply_table(c, &t, mb_text_clip(name, sizeof name, base ? base + 1 : path), 0,
                     err);
    mb_csv_release(&t);
    return rc;
}

static int has_alias(const char *aliases, const char *word)
{
    char buf[sizeof ((struct mb_material *)0)->aliases];
    mb_text_copy(buf, sizeof buf, aliases);
    char *save = NULL;
    for (char *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
        if (mb_text_casecmp(tok, word) == 0)
            return 1;
    return 0;
}

const struct mb_material *mb_catalog_find(const struct mb_catalog *c,
                                          const char *code)
{
    for (size_t i = 0; i < c->n; i++)
        if (mb_text_casecmp(c->items[i].code, code) == 0)
            return &c->items[i];
    for (size_t i = 0; i < c->n; i++)
        if (has_alias(c->items[i].aliases, code))
            return &c->items[i];
    return NULL;
}

/* Edit distance between two short ASCII strings, capped at 99. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] +
                (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

const struct mb_material *mb_catalog_lookup(const struct mb_catalog *c,
                                            const char *code, const char *field,
                                            struct mb_error *err)
{
    const struct mb_material *m = mb_catalog_find(c, code);
    if (m)
        return m;
    const char *best = NULL;
    size_t best_d = 4;
    char q[64];
    mb_text_clip(q, sizeof q, code);
    for (size_t i = 0; i < c->n; i++) {
        size_t d = edit_distance(c->items[i].code, code);
        if (d < best_d) {
            best_d = d;
            best = c->items[i].code;
        }
    }
    if (best)
        mb_error_set(err, MB_ENOTFOUND, field, "unknown material '%s'; did you "
                     "mean %s? ('massebank materials' lists all codes)", q, best);
    else
        mb_error_set(err, MB_ENOTFOUND, field, "unknown material '%s' "
                     "('massebank materials' lists all codes)", q);
    return NULL;
}

void mb_catalog_release(struct mb_catalog *c)
{
    if (!c)
        return;
    free(c->items);
    memset(c, 0, sizeof *c);
}
