/*
 * names.c - the words of an export for people (see names.h): name columns
 * filled from code columns, headers and sheet names in bokmål or English,
 * quantities rounded for reading.
 */
#include "exchange/names.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "domain/municipality.h"

/* A code the exports write and its words (type, status, delivery state,
 * destination). */
static const struct {
    const char *code, *nb, *en;
} words[] = {
    { "supply", "Overskudd", "Surplus" },
    { "need", "Behov", "Need" },
    { "landfill", "Deponi", "Landfill" },
    { "storage", "Mellomlager", "Intermediate storage" },
    { "plant", "Sorterings-/knuseverk", "Sorting/crushing plant" },
    { "quarry", "Massetak/pukkverk", "Quarry" },
    { "draft", "Utkast", "Draft" },
    { "published", "Publisert", "Published" },
    { "reserved", "Reservert", "Reserved" },
    { "closed", "Lukket", "Closed" },
    { "registered", "Registrert", "Registered" },
    { "confirmed", "Bekreftet", "Confirmed" },
    { "disputed", "Bestridt", "Disputed" },
    { "reuse", "Gjenbruk", "Reuse" },
    { "soil_improvement", "Jordforbedring", "Soil improvement" },
};

/* A material group's words, for the pattern "group.*". */
static const struct {
    const char *group, *nb, *en;
} groups[] = {
    { "rock", "Stein og fjell (hele gruppen)", "Rock (whole group)" },
    { "soil", "Jord og løsmasser (hele gruppen)", "Soil (whole group)" },
    { "recycled", "Gjenvunnet (hele gruppen)", "Recycled (whole group)" },
    { "product", "Produkter (hele gruppen)", "Products (whole group)" },
};

static const struct {
    const char *table, *nb, *en;
} sheets[] = {
    { "listings", "Annonser", "Listings" },
    { "facilities", "Anlegg", "Facilities" },
    { "deliveries", "Lass", "Loads" },
    { "statistics", "Statistikk", "Statistics" },
    { "municipalities", "Kommuner", "Municipalities" },
};

int mb_xchg_lang_parse(const char *s)
{
    if (!s)
        return MB_XCHG_CODES;
    if (strcmp(s, "nb") == 0)
        return MB_XCHG_NB;
    if (strcmp(s, "en") == 0)
        return MB_XCHG_EN;
    return -1;
}

static const char *pick(bool en, const char *nb_text, const char *en_text)
{
    return en ? en_text : nb_text;
}

/* The words of one code: a material, a material pattern or a code of the
 * table above; NULL when unknown (the cell stays empty). */
static const char *code_words(const char *code, bool en, const struct mb_catalog *cat)
{
    if (strcmp(code, "*") == 0)
        return pick(en, "Alle materialer", "All materials");
    size_t n = strlen(code);
    if (n > 2 && strcmp(code + n - 2, ".*") == 0) {
        for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
            if (strlen(groups[i].group) == n - 2 && strncmp(code, groups[i].group, n - 2) == 0)
                return pick(en, groups[i].nb, groups[i].en);
        return NULL;
    }
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcmp(code, words[i].code) == 0)
            return pick(en, words[i].nb, words[i].en);
    const struct mb_material *m = cat ? mb_catalog_find(cat, code) : NULL;
    return m ? pick(en, m->name_nb, m->name_en) : NULL;
}

/* The words of a code cell: a list "a; b" word by word; a municipality
 * number by its name. NULL when a part is unknown. */
static char *cell_words(const char *code_col, const char *text, bool en,
                        const struct mb_catalog *cat, const struct mb_municipalities *munis)
{
    if (strcmp(code_col, "municipality") == 0) {
        const struct mb_municipality *m = munis ? mb_municipality_find(munis, text) : NULL;
        return m ? mb_xstrdup(m->name) : NULL;
    }
    struct mb_strbuf b = { 0 };
    const char *p = text;
    while (*p) {
        const char *end = strstr(p, "; ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char code[96];
        if (len >= sizeof code) {
            mb_strbuf_release(&b);
            return NULL;
        }
        memcpy(code, p, len);
        code[len] = '\0';
        const char *w = code_words(code, en, cat);
        if (!w) {
            mb_strbuf_release(&b);
            return NULL;
        }
        mb_strbuf_addf(&b, "%s%s", b.len ? "; " : "", w);
        p = end ? end + 2 : p + len;
    }
    return b.s;
}

/* Is column name a quantity in tonnes or m3 ("t", "fm3", "..._t", "..._fm3")? */
static bool quantity(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name, "t") == 0 || strcmp(name, "fm3") == 0 ||
           (n > 2 && strcmp(name + n - 2, "_t") == 0) ||
           (n > 4 && strcmp(name + n - 4, "_fm3") == 0);
}

void mb_xchg_name_cells(struct mb_xchg_table *t, enum mb_xchg_lang lang,
                        const struct mb_catalog *cat)
{
    bool en = lang == MB_XCHG_EN;
    struct mb_municipalities munis;
    struct mb_error err;
    bool have_munis = mb_municipalities_init(&munis, &err) == 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const char *name = t->cols[c].name;
        size_t n = strlen(name);
        size_t cut = n > 6 && strcmp(name + n - 6, "_names") == 0 ? 6
                     : n > 5 && strcmp(name + n - 5, "_name") == 0 ? 5 : 0;
        if (lang != MB_XCHG_CODES && t->cols[c].type == MB_XCHG_NUMBER && quantity(name))
            for (size_t r = 0; r < t->nrows; r++) {
                struct mb_xchg_cell *cell = &t->cells[r * t->ncols + c];
                if (cell->set)
                    cell->num = round(cell->num * 10) / 10;
            }
        if (!cut || t->cols[c].type != MB_XCHG_TEXT)
            continue;
        char code_col[64];
        if (n - cut >= sizeof code_col)
            continue;
        memcpy(code_col, name, n - cut);
        code_col[n - cut] = '\0';
        size_t from = t->ncols;
        for (size_t k = 0; k < t->ncols; k++)
            if (strcmp(t->cols[k].name, code_col) == 0)
                from = k;
        if (from == t->ncols || t->cols[from].type != MB_XCHG_TEXT)
            continue;
        for (size_t r = 0; r < t->nrows; r++) {
            const struct mb_xchg_cell *src = &t->cells[r * t->ncols + from];
            struct mb_xchg_cell *dst = &t->cells[r * t->ncols + c];
            if (!src->set || !src->text || dst->set)
                continue;
            char *w = cell_words(code_col, src->text, en, cat, have_munis ? &munis : NULL);
            if (w) {
                dst->set = true;
                dst->text = w;
            }
        }
    }
    /* The summary's last row is named "total". */
    if (lang != MB_XCHG_CODES && strcmp(t->name, "municipalities") == 0)
        for (size_t c = 0; c < t->ncols; c++)
            if (strcmp(t->cols[c].name, "name") == 0 && t->nrows) {
                struct mb_xchg_cell *cell = &t->cells[(t->nrows - 1) * t->ncols + c];
                if (cell->set && cell->text && strcmp(cell->text, "total") == 0) {
                    free(cell->text);
                    cell->text = mb_xstrdup(pick(en, "Sum", "Total"));
                }
            }
    if (lang != MB_XCHG_CODES)
        for (size_t i = 0; i < sizeof sheets / sizeof *sheets; i++)
            if (strcmp(t->name, sheets[i].table) == 0) {
                mb_text_copy(t->name, sizeof t->name, pick(en, sheets[i].nb, sheets[i].en));
                break;
            }
    t->lang = lang;
    if (have_munis)
        mb_municipalities_release(&munis);
}
