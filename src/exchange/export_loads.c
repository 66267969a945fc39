/*
 * export_loads.c - the exports built from loads: every delivery (load
 * ticket) with its deal, sites and positions, and the statistics of
 * confirmed loads (see export.h; docs/exchange.md lists the columns).
 *
 * Deliveries come from mb_store_loads in one read snapshot, in loading
 * order; the year filter is the statistics' own (the calendar year in
 * Norway), so a delivery export of a year lists exactly the loads whose
 * confirmed ones the statistics of that year count. The statistics tables
 * are a second view of an already built report (mb_stats_build), so their
 * figures are the report's, to the last digit.
 */
#include "exchange/export.h"

#include <stdio.h>
#include <string.h>

static const struct mb_xchg_column delivery_cols[] = {
    { "id", MB_XCHG_INTEGER, 8, "ID", "ID" },
    { "deal", MB_XCHG_INTEGER, 8, "Avtale", "Deal" },
    { "ticket", MB_XCHG_INTEGER, 8, "Lass nr.", "Load no." },
    { "time", MB_XCHG_DATE, 21, "Tidspunkt (UTC)", "Time (UTC)" },
    { "truck", MB_XCHG_TEXT, 10, "Bil", "Truck" },
    { "euro_class", MB_XCHG_TEXT, 10, "Euroklasse", "Euro class" },
    { "amount_t", MB_XCHG_NUMBER, 10, "Mengde (t)", "Amount (t)" },
    { "state", MB_XCHG_TEXT, 11, "Tilstand", "State" },
    { "state_name", MB_XCHG_TEXT, 24, "Tilstand (navn)", "State (name)" },
    { "material", MB_XCHG_TEXT, 22, "Materiale", "Material" },
    { "material_name", MB_XCHG_TEXT, 24, "Materiale (navn)", "Material (name)" },
    { "municipality", MB_XCHG_TEXT, 12, "Kommune", "Municipality" },
    { "municipality_name", MB_XCHG_TEXT, 24, "Kommune (navn)", "Municipality (name)" },
    { "listing", MB_XCHG_INTEGER, 8, "Annonse", "Listing" },
    { "use", MB_XCHG_TEXT, 16, "Bruk", "Use" },
    { "from_site", MB_XCHG_INTEGER, 9, "Fra sted (ID)", "From site (ID)" },
    { "from_title", MB_XCHG_TEXT, 36, "Fra", "From" },
    { "to_site", MB_XCHG_INTEGER, 8, "Til sted (ID)", "To site (ID)" },
    { "to_title", MB_XCHG_TEXT, 36, "Til", "To" },
    { "to_type", MB_XCHG_TEXT, 9, "Mottakertype", "Receiver type" },
    { "to_type_name", MB_XCHG_TEXT, 24, "Mottakertype (navn)", "Receiver type (name)" },
    { "lat", MB_XCHG_NUMBER, 10, "Breddegrad", "Latitude" },
    { "lon", MB_XCHG_NUMBER, 10, "Lengdegrad", "Longitude" },
    { "to_lat", MB_XCHG_NUMBER, 10, "Til breddegrad", "To latitude" },
    { "to_lon", MB_XCHG_NUMBER, 10, "Til lengdegrad", "To longitude" },
};

static const struct mb_xchg_column stats_cols[] = {
    { "municipality", MB_XCHG_TEXT, 12, "Kommune", "Municipality" },
    { "name", MB_XCHG_TEXT, 20, "Navn", "Name" },
    { "year", MB_XCHG_INTEGER, 6, "År", "Year" },
    { "material", MB_XCHG_TEXT, 22, "Materiale", "Material" },
    { "material_name", MB_XCHG_TEXT, 24, "Materiale (navn)", "Material (name)" },
    { "destination", MB_XCHG_TEXT, 16, "Bruk", "Destination" },
    { "destination_name", MB_XCHG_TEXT, 24, "Bruk (navn)", "Destination (name)" },
    { "t", MB_XCHG_NUMBER, 12, "Tonn", "Tonnes" },
    { "fm3", MB_XCHG_NUMBER, 12, "fm3 (beregnet)", "fm3 (derived)" },
    { "loads", MB_XCHG_INTEGER, 7, "Lass", "Loads" },
};

/* The MEF table: t and fm3 per destination kind (in enum mb_dest order;
 * filled by name, so a kind renamed in stats.c fails the assert in
 * table.c rather than shifting a column). */
static const struct mb_xchg_column summary_cols[] = {
    { "municipality", MB_XCHG_TEXT, 12, "Kommune", "Municipality" },
    { "name", MB_XCHG_TEXT, 20, "Navn", "Name" },
    { "landfill_t", MB_XCHG_NUMBER, 12, "Deponi (t)", "Landfill (t)" },
    { "reuse_t", MB_XCHG_NUMBER, 12, "Gjenbruk (t)", "Reuse (t)" },
    { "soil_improvement_t", MB_XCHG_NUMBER, 12, "Jordforbedring (t)", "Soil improvement (t)" },
    { "plant_t", MB_XCHG_NUMBER, 12, "Verk (t)", "Plant (t)" },
    { "storage_t", MB_XCHG_NUMBER, 12, "Mellomlager (t)", "Storage (t)" },
    { "total_t", MB_XCHG_NUMBER, 12, "Sum (t)", "Total (t)" },
    { "landfill_fm3", MB_XCHG_NUMBER, 12, "Deponi (fm3)", "Landfill (fm3)" },
    { "reuse_fm3", MB_XCHG_NUMBER, 12, "Gjenbruk (fm3)", "Reuse (fm3)" },
    { "soil_improvement_fm3", MB_XCHG_NUMBER, 12, "Jordforbedring (fm3)", "Soil improvement (fm3)" },
    { "plant_fm3", MB_XCHG_NUMBER, 12, "Verk (fm3)", "Plant (fm3)" },
    { "storage_fm3", MB_XCHG_NUMBER, 12, "Mellomlager (fm3)", "Storage (fm3)" },
    { "total_fm3", MB_XCHG_NUMBER, 12, "Sum (fm3)", "Total (fm3)" },
    { "loads", MB_XCHG_INTEGER, 7, "Lass", "Loads" },
};

struct delivery_ctx {
    struct mb_xchg_table *t;
    int year;
};

static void put_site(struct mb_xchg_table *t, const char *id_col, const char *title_col,
                     int64_t id, const char *title)
{
    if (!id)
        return;
    mb_xchg_put_integer(t, id_col, id);
    if (title[0])
        mb_xchg_put_text(t, title_col, title);
}

static int delivery_row(const struct mb_load *l, void *arg)
{
    struct delivery_ctx *c = arg;
    if (c->year && mb_stats_year(l->at) != c->year)
        return 0;
    struct mb_xchg_table *t = c->t;
    mb_xchg_row_add(t);
    mb_xchg_put_integer(t, "id", l->delivery_id);
    mb_xchg_put_integer(t, "deal", l->deal_id);
    mb_xchg_put_integer(t, "ticket", l->seq);
    mb_xchg_put_date(t, "time", l->at);
    if (l->truck[0])
        mb_xchg_put_text(t, "truck", l->truck);
    if (l->euro_class[0])
        mb_xchg_put_text(t, "euro_class", l->euro_class);
    mb_xchg_put_number(t, "amount_t", l->amount_t);
    if (l->state >= 0 && l->state < MB_DELIVERY_STATE_COUNT)
        mb_xchg_put_text(t, "state", mb_delivery_state_name((enum mb_delivery_state)l->state));
    if (l->material[0])
        mb_xchg_put_text(t, "material", l->material);
    if (l->municipality[0])
        mb_xchg_put_text(t, "municipality", l->municipality);
    mb_xchg_put_integer(t, "listing", l->listing_id);
    if (l->use[0])
        mb_xchg_put_text(t, "use", l->use);
    put_site(t, "from_site", "from_title", l->from_site, l->from_title);
    put_site(t, "to_site", "to_title", l->to_site, l->to_title);
    if (l->to_type >= 0)
        mb_xchg_put_text(t, "to_type", mb_site_type_name((enum mb_site_type)l->to_type));
    mb_xchg_put_number(t, "lat", l->from_lat);
    mb_xchg_put_number(t, "lon", l->from_lon);
    if (l->has_to_pos) {
        mb_xchg_put_number(t, "to_lat", l->to_lat);
        mb_xchg_put_number(t, "to_lon", l->to_lon);
    }
    return 0;
}

int mb_xchg_export_deliveries(struct mb_store *st, const struct mb_xchg_load_scope *scope,
                              struct mb_xchg_table *out, struct mb_error *err)
{
    mb_xchg_table_init(out, "deliveries", delivery_cols,
                       sizeof delivery_cols / sizeof *delivery_cols);
    struct mb_load_query q;
    memset(&q, 0, sizeof q);
    q.party_org = scope ? scope->party_org : 0;
    struct delivery_ctx c = { out, scope ? scope->year : 0 };
    int rc = mb_store_loads(st, &q, delivery_row, &c, err);
    if (rc)
        mb_xchg_table_release(out);
    return rc;
}

static const char *muni_name(const struct mb_stats *s, const char *code)
{
    for (size_t i = 0; i < s->nmunis; i++)
        if (strcmp(s->munis[i].municipality, code) == 0)
            return s->munis[i].name[0] ? s->munis[i].name : NULL;
    return NULL;
}

static void summary_row(struct mb_xchg_table *t, const struct mb_stats_muni *m,
                        const char *name)
{
    mb_xchg_row_add(t);
    if (m->municipality[0])
        mb_xchg_put_text(t, "municipality", m->municipality);
    mb_xchg_put_text(t, "name", name);
    for (int d = 0; d < MB_DEST_COUNT; d++) {
        char col[40];
        snprintf(col, sizeof col, "%s_t", mb_dest_name((enum mb_dest)d));
        mb_xchg_put_number(t, col, m->t[d]);
        snprintf(col, sizeof col, "%s_fm3", mb_dest_name((enum mb_dest)d));
        mb_xchg_put_number(t, col, m->fm3[d]);
    }
    mb_xchg_put_number(t, "total_t", m->total_t);
    mb_xchg_put_number(t, "total_fm3", m->total_fm3);
    mb_xchg_put_integer(t, "loads", (int64_t)m->loads);
}

void mb_xchg_export_statistics(const struct mb_stats *s, struct mb_xchg_table *rows,
                               struct mb_xchg_table *summary)
{
    if (rows) {
        mb_xchg_table_init(rows, "statistics", stats_cols,
                           sizeof stats_cols / sizeof *stats_cols);
        for (size_t i = 0; i < s->nrows; i++) {
            const struct mb_stats_row *r = &s->rows[i];
            mb_xchg_row_add(rows);
            if (r->municipality[0])
                mb_xchg_put_text(rows, "municipality", r->municipality);
            mb_xchg_put_text(rows, "name", muni_name(s, r->municipality));
            mb_xchg_put_integer(rows, "year", r->year);
            if (r->material[0])
                mb_xchg_put_text(rows, "material", r->material);
            mb_xchg_put_text(rows, "destination", mb_dest_name(r->dest));
            mb_xchg_put_number(rows, "t", r->t);
            mb_xchg_put_number(rows, "fm3", r->fm3);
            mb_xchg_put_integer(rows, "loads", (int64_t)r->loads);
        }
    }
    if (summary) {
        mb_xchg_table_init(summary, "municipalities", summary_cols,
                           sizeof summary_cols / sizeof *summary_cols);
        for (size_t i = 0; i < s->nmunis; i++)
            summary_row(summary, &s->munis[i], s->munis[i].name[0] ? s->munis[i].name : NULL);
        summary_row(summary, &s->total, "total");
    }
}
