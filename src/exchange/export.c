/*
 * export.c - listings and facilities as exchange tables (see export.h).
 *
 * The store is read in pages of 1000 ordered by id; each record's doc is
 * parsed once to take the fields the owner gave. Lists inside a cell
 * (keywords, materials, lab results, limits, yields) are joined with "; ",
 * the separator the import splits on.
 */
#include "exchange/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/text.h"

static const struct mb_xchg_column listing_cols[] = {
    { "id", MB_XCHG_INTEGER, 8, "ID", "ID" },
    { "type", MB_XCHG_TEXT, 8, "Type", "Type" },
    { "type_name", MB_XCHG_TEXT, 24, "Type (navn)", "Type (name)" },
    { "status", MB_XCHG_TEXT, 10, "Status", "Status" },
    { "status_name", MB_XCHG_TEXT, 24, "Status (navn)", "Status (name)" },
    { "title", MB_XCHG_TEXT, 40, "Tittel", "Title" },
    { "organisation", MB_XCHG_TEXT, 28, "Organisasjon", "Organisation" },
    { "municipality", MB_XCHG_TEXT, 12, "Kommune", "Municipality" },
    { "municipality_name", MB_XCHG_TEXT, 24, "Kommune (navn)", "Municipality (name)" },
    { "lat", MB_XCHG_NUMBER, 10, "Breddegrad", "Latitude" },
    { "lon", MB_XCHG_NUMBER, 10, "Lengdegrad", "Longitude" },
    { "material", MB_XCHG_TEXT, 22, "Materiale", "Material" },
    { "material_name", MB_XCHG_TEXT, 24, "Materiale (navn)", "Material (name)" },
    { "accepts", MB_XCHG_TEXT, 22, "Tar imot", "Accepts" },
    { "accepts_names", MB_XCHG_TEXT, 24, "Tar imot (navn)", "Accepts (names)" },
    { "class", MB_XCHG_INTEGER, 6, "Tilstandsklasse", "Condition class" },
    { "max_class", MB_XCHG_INTEGER, 9, "Maks tilstandsklasse", "Max condition class" },
    { "amount", MB_XCHG_NUMBER, 10, "Mengde", "Amount" },
    { "unit", MB_XCHG_TEXT, 6, "Enhet", "Unit" },
    { "amount_t", MB_XCHG_NUMBER, 10, "Mengde (t)", "Amount (t)" },
    { "from", MB_XCHG_MONTH, 9, "Fra", "From" },
    { "to", MB_XCHG_MONTH, 9, "Til", "To" },
    { "price_nok_per_t", MB_XCHG_NUMBER, 10, "Pris (kr/t)", "Price (NOK/t)" },
    { "lab", MB_XCHG_TEXT, 24, "Analyseresultater (mg/kg)", "Lab results (mg/kg)" },
    { "limits", MB_XCHG_TEXT, 18, "Grenseverdier (mg/kg)", "Limit values (mg/kg)" },
    { "keywords", MB_XCHG_TEXT, 24, "Nøkkelord", "Keywords" },
    { "description", MB_XCHG_TEXT, 40, "Beskrivelse", "Description" },
    { "created", MB_XCHG_DATE, 21, "Opprettet", "Created" },
    { "updated", MB_XCHG_DATE, 21, "Endret", "Updated" },
};

static const struct mb_xchg_column facility_cols[] = {
    { "id", MB_XCHG_INTEGER, 8, "ID", "ID" },
    { "type", MB_XCHG_TEXT, 9, "Type", "Type" },
    { "type_name", MB_XCHG_TEXT, 24, "Type (navn)", "Type (name)" },
    { "status", MB_XCHG_TEXT, 10, "Status", "Status" },
    { "status_name", MB_XCHG_TEXT, 24, "Status (navn)", "Status (name)" },
    { "name", MB_XCHG_TEXT, 36, "Navn", "Name" },
    { "organisation", MB_XCHG_TEXT, 28, "Organisasjon", "Organisation" },
    { "municipality", MB_XCHG_TEXT, 12, "Kommune", "Municipality" },
    { "municipality_name", MB_XCHG_TEXT, 24, "Kommune (navn)", "Municipality (name)" },
    { "lat", MB_XCHG_NUMBER, 10, "Breddegrad", "Latitude" },
    { "lon", MB_XCHG_NUMBER, 10, "Lengdegrad", "Longitude" },
    { "accepts", MB_XCHG_TEXT, 24, "Tar imot", "Accepts" },
    { "accepts_names", MB_XCHG_TEXT, 24, "Tar imot (navn)", "Accepts (names)" },
    { "offers", MB_XCHG_TEXT, 24, "Tilbyr", "Offers" },
    { "offers_names", MB_XCHG_TEXT, 24, "Tilbyr (navn)", "Offers (names)" },
    { "max_class", MB_XCHG_INTEGER, 9, "Maks tilstandsklasse", "Max condition class" },
    { "capacity", MB_XCHG_NUMBER, 10, "Kapasitet", "Capacity" },
    { "capacity_unit", MB_XCHG_TEXT, 8, "Kapasitetsenhet", "Capacity unit" },
    { "capacity_t", MB_XCHG_NUMBER, 11, "Kapasitet (t)", "Capacity (t)" },
    { "fee_nok_per_t", MB_XCHG_NUMBER, 10, "Gebyr (kr/t)", "Fee (NOK/t)" },
    { "holding_nok_per_t_month", MB_XCHG_NUMBER, 10, "Lagerleie (kr/t/mnd)", "Holding (NOK/t/month)" },
    { "co2_kg_per_t", MB_XCHG_NUMBER, 10, "CO2 (kg/t)", "CO2 (kg/t)" },
    { "yields", MB_XCHG_TEXT, 30, "Utbytte (andeler)", "Yields (shares)" },
    { "from", MB_XCHG_MONTH, 9, "Fra", "From" },
    { "to", MB_XCHG_MONTH, 9, "Til", "To" },
    { "limits", MB_XCHG_TEXT, 18, "Grenseverdier (mg/kg)", "Limit values (mg/kg)" },
    { "keywords", MB_XCHG_TEXT, 24, "Nøkkelord", "Keywords" },
    { "description", MB_XCHG_TEXT, 40, "Beskrivelse", "Description" },
    { "created", MB_XCHG_DATE, 21, "Opprettet", "Created" },
    { "updated", MB_XCHG_DATE, 21, "Endret", "Updated" },
};

/* Organisation names by id, for the "organisation" column. */
struct orgs {
    struct mb_org *items;
    size_t n;
};

static const char *org_name(const struct orgs *o, int64_t id)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->items[i].id == id)
            return o->items[i].name;
    return NULL;
}

/* A JSON scalar as cell text: strings as they are, numbers shortest. */
static void scalar_text(struct mb_strbuf *b, json_t *v)
{
    if (json_is_string(v)) {
        mb_strbuf_adds(b, json_string_value(v));
    } else if (json_is_integer(v)) {
        mb_strbuf_addf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_number(v)) {
        char buf[40];
        double d = json_number_value(v);
        snprintf(buf, sizeof buf, "%.15g", d);
        if (strtod(buf, NULL) != d)
            snprintf(buf, sizeof buf, "%.17g", d);
        mb_strbuf_adds(b, buf);
    }
}

/* A list of strings joined with "; ", or NULL for a missing list. */
static void put_list(struct mb_xchg_table *t, const char *col, json_t *a)
{
    if (!json_is_array(a) || json_array_size(a) == 0)
        return;
    struct mb_strbuf b = { 0 };
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if (i)
            mb_strbuf_adds(&b, "; ");
        scalar_text(&b, v);
    }
    mb_xchg_put_text(t, col, b.s);
    mb_strbuf_release(&b);
}

/* "Pb=80; As=5" from [{"substance", "value"}] (lab) or {"Pb": 60} (limits),
 * "code=share; ..." from yields [{"material", "share"}]. */
static void put_pairs(struct mb_xchg_table *t, const char *col, json_t *v,
                      const char *kkey, const char *vkey)
{
    struct mb_strbuf b = { 0 };
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            mb_strbuf_addf(&b, "%s%s=", b.len ? "; " : "", k);
            scalar_text(&b, x);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            mb_strbuf_addf(&b, "%s", b.len ? "; " : "");
            scalar_text(&b, json_object_get(e, kkey));
            mb_strbuf_adds(&b, "=");
            scalar_text(&b, json_object_get(e, vkey));
        }
    }
    if (b.len)
        mb_xchg_put_text(t, col, b.s);
    mb_strbuf_release(&b);
}

static void put_opt_number(struct mb_xchg_table *t, const char *col, json_t *v)
{
    if (json_is_number(v))
        mb_xchg_put_number(t, col, json_number_value(v));
}

static void put_opt_integer(struct mb_xchg_table *t, const char *col, json_t *v)
{
    if (json_is_integer(v))
        mb_xchg_put_integer(t, col, (int64_t)json_integer_value(v));
}

/* The columns every site has. */
static void put_common(struct mb_xchg_table *t, const struct mb_site_rec *r, json_t *doc,
                       const struct orgs *o, const char *title_col)
{
    mb_xchg_row_add(t);
    mb_xchg_put_integer(t, "id", r->id);
    mb_xchg_put_text(t, "type", mb_site_type_name(r->type));
    mb_xchg_put_text(t, "status", mb_status_name(r->status));
    json_t *title = json_object_get(doc, title_col);
    mb_xchg_put_text(t, title_col, json_is_string(title) ? json_string_value(title)
                                                         : r->title);
    mb_xchg_put_text(t, "organisation", org_name(o, r->org_id));
    if (r->municipality[0])
        mb_xchg_put_text(t, "municipality", r->municipality);
    mb_xchg_put_number(t, "lat", r->lat);
    mb_xchg_put_number(t, "lon", r->lon);
    if (r->from_m != MB_NO_MONTH_FROM && r->to_m != MB_NO_MONTH_TO) {
        mb_xchg_put_month(t, "from", r->from_m);
        mb_xchg_put_month(t, "to", r->to_m);
    }
    put_pairs(t, "limits", json_object_get(doc, "limits"), NULL, NULL);
    put_list(t, "keywords", json_object_get(doc, "keywords"));
    json_t *d = json_object_get(doc, "description");
    if (json_is_string(d))
        mb_xchg_put_text(t, "description", json_string_value(d));
    mb_xchg_put_date(t, "created", r->created);
    mb_xchg_put_date(t, "updated", r->updated);
}

static void listing_row(struct mb_xchg_table *t, const struct mb_site_rec *r, json_t *doc,
                        const struct orgs *o)
{
    put_common(t, r, doc, o, "title");
    json_t *mat = json_object_get(doc, "material");
    mb_xchg_put_text(t, "material", json_is_string(mat) ? json_string_value(mat)
                                                        : r->material);
    put_list(t, "accepts", json_object_get(doc, "accepts"));
    put_opt_integer(t, "class", json_object_get(doc, "class"));
    put_opt_integer(t, "max_class", json_object_get(doc, "max_class"));
    json_t *amount = json_object_get(doc, "amount");
    put_opt_number(t, "amount", json_object_get(amount, "value"));
    json_t *unit = json_object_get(amount, "unit");
    if (json_is_string(unit))
        mb_xchg_put_text(t, "unit", json_string_value(unit));
    mb_xchg_put_number(t, "amount_t", r->amount_t);
    put_opt_number(t, "price_nok_per_t", json_object_get(doc, "price_nok_per_t"));
    put_pairs(t, "lab", json_object_get(doc, "lab"), "substance", "value");
}

/* The fee field of each facility type in the scenario format. */
static const char *fee_key(enum mb_site_type type)
{
    switch (type) {
    case MB_TYPE_LANDFILL: return "gate_fee_nok_per_t";
    case MB_TYPE_STORAGE: return "handling_nok_per_t";
    case MB_TYPE_PLANT: return "processing_nok_per_t";
    case MB_TYPE_QUARRY: return "price_nok_per_t";
    default: return NULL;
    }
}

static const char *capacity_key(enum mb_site_type type)
{
    switch (type) {
    case MB_TYPE_LANDFILL:
    case MB_TYPE_QUARRY: return "capacity_per_year";
    case MB_TYPE_STORAGE: return "capacity";
    case MB_TYPE_PLANT: return "capacity_per_month";
    default: return NULL;
    }
}

static void facility_row(struct mb_xchg_table *t, const struct mb_site_rec *r, json_t *doc,
                         const struct orgs *o)
{
    put_common(t, r, doc, o, "name");
    put_list(t, "accepts", json_object_get(doc, "accepts"));
    put_list(t, "offers", json_object_get(doc, "offers"));
    put_opt_integer(t, "max_class", json_object_get(doc, "max_class"));
    const char *ck = capacity_key(r->type);
    json_t *cap = ck ? json_object_get(doc, ck) : NULL;
    put_opt_number(t, "capacity", json_object_get(cap, "value"));
    json_t *unit = json_object_get(cap, "unit");
    if (json_is_string(unit))
        mb_xchg_put_text(t, "capacity_unit", json_string_value(unit));
    if (r->amount_t >= 0)
        mb_xchg_put_number(t, "capacity_t", r->amount_t);
    const char *fk = fee_key(r->type);
    if (fk)
        put_opt_number(t, "fee_nok_per_t", json_object_get(doc, fk));
    put_opt_number(t, "holding_nok_per_t_month",
                   json_object_get(doc, "holding_nok_per_t_month"));
    put_opt_number(t, "co2_kg_per_t", json_object_get(doc, "co2_kg_per_t"));
    put_pairs(t, "yields", json_object_get(doc, "yields"), "material", "share");
}

static int export_sites(struct mb_store *st, const struct mb_xchg_scope *scope,
                        unsigned types, struct mb_xchg_table *out,
                        void (*row)(struct mb_xchg_table *, const struct mb_site_rec *,
                                    json_t *, const struct orgs *),
                        struct mb_error *err)
{
    struct orgs o = { 0 };
    int rc = mb_store_org_list(st, &o.items, &o.n, err);
    if (rc)
        return rc;
    struct mb_site_query q;
    memset(&q, 0, sizeof q);
    q.types = types;
    if (scope && scope->org_id) {
        q.org_id = scope->org_id;
        q.viewer_org = scope->org_id;
        q.statuses = 1u << MB_STATUS_DRAFT | 1u << MB_STATUS_PUBLISHED |
                     1u << MB_STATUS_RESERVED;
    }
    q.limit = 1000;
    q.want_doc = true;
    q.no_materials = true;
    q.no_total = true;
    for (;;) {
        struct mb_site_page page = { 0 };
        rc = mb_store_site_search(st, &q, &page, err);
        if (rc)
            break;
        for (size_t i = 0; i < page.n; i++) {
            json_t *doc = page.items[i].doc ? json_loads(page.items[i].doc, 0, NULL) : NULL;
            row(out, &page.items[i], doc, &o);
            json_decref(doc);
        }
        size_t n = page.n;
        mb_site_page_release(&page);
        if (n < q.limit)
            break;
        q.offset += n;
    }
    free(o.items);
    if (rc)
        mb_xchg_table_release(out);
    return rc;
}

const char *mb_xchg_column_of_label(const char *label)
{
    static const struct {
        const struct mb_xchg_column *cols;
        size_t n;
    } sets[] = {
        { listing_cols, sizeof listing_cols / sizeof *listing_cols },
        { facility_cols, sizeof facility_cols / sizeof *facility_cols },
    };
    for (size_t k = 0; k < sizeof sets / sizeof *sets; k++)
        for (size_t i = 0; i < sets[k].n; i++)
            if (mb_text_casecmp(label, sets[k].cols[i].nb) == 0 ||
                mb_text_casecmp(label, sets[k].cols[i].en) == 0)
                return sets[k].cols[i].name;
    return NULL;
}

int mb_xchg_export_listings(struct mb_store *st, const struct mb_xchg_scope *scope,
                            struct mb_xchg_table *out, struct mb_error *err)
{
    mb_xchg_table_init(out, "listings", listing_cols,
                       sizeof listing_cols / sizeof *listing_cols);
    return export_sites(st, scope, 1u << MB_TYPE_SUPPLY | 1u << MB_TYPE_NEED, out,
                        listing_row, err);
}

int mb_xchg_export_facilities(struct mb_store *st, const struct mb_xchg_scope *scope,
                              struct mb_xchg_table *out, struct mb_error *err)
{
    mb_xchg_table_init(out, "facilities", facility_cols,
                       sizeof facility_cols / sizeof *facility_cols);
    return export_sites(st, scope,
                        1u << MB_TYPE_LANDFILL | 1u << MB_TYPE_STORAGE |
                            1u << MB_TYPE_PLANT | 1u << MB_TYPE_QUARRY,
                        out, facility_row, err);
}
