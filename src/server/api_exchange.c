/*
 * api_exchange.c - files in and out of the market over HTTP: exports of
 * listings, facilities, deliveries and statistics as CSV, XLSX or GeoJSON
 * (GET /api/exports/...), imports of listings and facilities from a CSV or
 * XLSX body (POST /api/imports/...), and a project's mass handling plan as
 * HTML or PDF (GET /api/mhp). The tables, readers, writers and the plan are
 * the library's (src/exchange, src/report), the same the CLI's export,
 * import and mhp use; this file decides who may see what and replies.
 *
 * Who sees what: listings and facilities as anybody sees them (the public
 * view), or with scope=mine one's own organisation's, drafts included;
 * deliveries of one's own organisation's deals (administrators and
 * municipalities: every deal's); statistics for municipalities and
 * administrators, with the query of GET /api/stats. An import is all or
 * nothing: with any bad row the reply lists every problem, as
 * rows[ROW].COLUMN (the row as the user sees it, the column as the file
 * names it), and nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "exchange/export.h"
#include "exchange/names.h"
#include "exchange/format.h"
#include "exchange/import.h"
#include "exchange/labreport.h"
#include "exchange/sheet.h"
#include "report/rdoc.h"
#include "report/mhp.h"
#include "report/rdoc_html.h"
#include "report/rdoc_pdf.h"
#include "report/stats.h"
#include "market/listing.h"
#include "server/api_util.h"
#include "server/srv.h"

#define XLSX_MIME "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ---- exports ----------------------------------------------------------------- */

/* The required `format` query parameter; geojson only when the table has
 * positions. The format, or -1 with the 400 reply set. */
static int export_format(struct mb_req *r, bool geojson_ok)
{
    const char *v = mb_req_query(r, "format");
    int f = v ? mb_xchg_format_parse(v) : -1;
    if (f < 0 || (f == MB_XCHG_GEOJSON && !geojson_ok)) {
        char q[44];
        if (!v)
            mb_reply_error(r, 400, "invalid", "format", "give the format: %s",
                           geojson_ok ? "csv, xlsx or geojson" : "csv or xlsx");
        else if (f == MB_XCHG_GEOJSON)
            mb_reply_error(r, 400, "invalid", "format",
                           "statistics have no positions; use csv or xlsx");
        else
            mb_reply_error(r, 400, "invalid", "format", "'%s' is not %s",
                           mb_text_clip(q, sizeof q, v),
                           geojson_ok ? "csv, xlsx or geojson" : "csv or xlsx");
        return -1;
    }
    return f;
}

/* The `lang` query parameter: the header and names for people in bokmål
 * or English, or (absent) the column names for machines. The language, or
 * -1 with the 400 reply set. */
static int export_lang(struct mb_req *r)
{
    const char *v = mb_req_query(r, "lang");
    int lang = mb_xchg_lang_parse(v);
    if (lang < 0) {
        char q[44];
        mb_reply_error(r, 400, "invalid", "lang", "'%s' is not nb or en",
                       mb_text_clip(q, sizeof q, v));
    }
    return lang;
}

/* Reply with the file of the tables, named base.EXT, as an attachment. */
static void reply_file(struct mb_req *r, const struct mb_xchg_table *const *tables, size_t n,
                       enum mb_xchg_format f, const char *base)
{
    char *data;
    size_t len;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_xchg_write(tables, n, f, &data, &len, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s.%s\"", base,
             mb_xchg_format_name(f));
    mb_reply_owned(r, 200, mb_xchg_format_mime(f), data, len);
}

static void export_sites(struct mb_req *r, bool listings)
{
    static const char *const allowed[] = { "format", "scope", "lang", NULL };
    if (mb_req_check_query(r, allowed))
        return;
    const char *scope_s = mb_req_query(r, "scope");
    bool mine = false;
    if (scope_s && strcmp(scope_s, "mine") == 0) {
        mine = true;
    } else if (scope_s && strcmp(scope_s, "public") != 0) {
        mb_reply_error(r, 400, "invalid", "scope", "use public (every organisation's "
                       "published and reserved sites) or mine (your organisation's own)");
        return;
    }
    if (mine && !mb_req_signed_in(r))
        return;
    int f = export_format(r, true);
    int lang = f < 0 ? -1 : export_lang(r);
    if (lang < 0)
        return;
    struct mb_xchg_scope scope = { mine ? r->user.org_id : 0 };
    struct mb_xchg_table t;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = listings ? mb_xchg_export_listings(r->st, &scope, &t, &err)
                      : mb_xchg_export_facilities(r->st, &scope, &t, &err);
    if (rc) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_xchg_name_cells(&t, (enum mb_xchg_lang)lang, &r->srv->market.catalog);
    const struct mb_xchg_table *tabs[] = { &t };
    char base[32];
    snprintf(base, sizeof base, "%s%s", listings ? "listings" : "facilities",
             mine ? "-mine" : "");
    reply_file(r, tabs, 1, (enum mb_xchg_format)f, base);
    mb_xchg_table_release(&t);
}

void mb_api_export_listings(struct mb_req *r, int64_t id)
{
    (void)id;
    export_sites(r, true);
}

void mb_api_export_facilities(struct mb_req *r, int64_t id)
{
    (void)id;
    export_sites(r, false);
}

void mb_api_export_deliveries(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const allowed[] = { "format", "year", "lang", NULL };
    if (mb_req_check_query(r, allowed) || !mb_req_signed_in(r))
        return;
    int f = export_format(r, true);
    int lang = f < 0 ? -1 : export_lang(r);
    if (lang < 0)
        return;
    struct mb_xchg_load_scope scope = { 0, 0 };
    const char *v = mb_req_query(r, "year");
    if (v) {
        int64_t y;
        if (strlen(v) != 4 || !mb_parse_i64(v, &y) || y < 1900 || y > 2200) {
            char q[44];
            mb_reply_error(r, 400, "invalid", "year", "'%s' is not a year (YYYY, 1900-2200)",
                           mb_text_clip(q, sizeof q, v));
            return;
        }
        scope.year = (int)y;
    }
    scope.party_org = mb_permit_may(r->user.role, MB_ACT_OVERSEE) ? 0 : r->user.org_id;
    struct mb_xchg_table t;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_xchg_export_deliveries(r->st, &scope, &t, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_xchg_name_cells(&t, (enum mb_xchg_lang)lang, &r->srv->market.catalog);
    const struct mb_xchg_table *tabs[] = { &t };
    char base[32];
    if (scope.year)
        snprintf(base, sizeof base, "deliveries-%d", scope.year);
    else
        snprintf(base, sizeof base, "deliveries");
    reply_file(r, tabs, 1, (enum mb_xchg_format)f, base);
    mb_xchg_table_release(&t);
}

void mb_api_export_statistics(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const allowed[] = { "format", "year", "municipalities", "lang", NULL };
    if (mb_req_check_query(r, allowed))
        return;
    if (!mb_req_signed_in(r) ||
        !mb_api_require(r, MB_ACT_OVERSEE))
        return;
    int f = export_format(r, false);
    int lang = f < 0 ? -1 : export_lang(r);
    if (lang < 0)
        return;
    struct mb_stats s;
    int year;
    if (mb_api_stats_load(r, &s, &year))
        return;
    /* CSV holds one table, the rows; a workbook also the MEF-shaped
     * summary per municipality. */
    bool summary = f == MB_XCHG_XLSX;
    struct mb_xchg_table rows, sum;
    mb_xchg_export_statistics(&s, &rows, summary ? &sum : NULL);
    mb_stats_release(&s);
    mb_xchg_name_cells(&rows, (enum mb_xchg_lang)lang, &r->srv->market.catalog);
    if (summary)
        mb_xchg_name_cells(&sum, (enum mb_xchg_lang)lang, &r->srv->market.catalog);
    const struct mb_xchg_table *tabs[] = { &rows, &sum };
    char base[32];
    if (year)
        snprintf(base, sizeof base, "statistics-%d", year);
    else
        snprintf(base, sizeof base, "statistics");
    reply_file(r, tabs, summary ? 2 : 1, (enum mb_xchg_format)f, base);
    mb_xchg_table_release(&rows);
    if (summary)
        mb_xchg_table_release(&sum);
}

/* ---- imports ----------------------------------------------------------------- */

/* "rows[7].Materiale", "rows[7]" (the row as a whole), or "header.Foo" /
 * "header" for a problem of the header row. */
static void problem_field(const struct mb_xchg_sheet *sheet, const struct mb_xchg_row_error *e,
                          char *buf, size_t n)
{
    if (e->row == sheet->header_row)
        snprintf(buf, n, "header%s%s", e->column[0] ? "." : "", e->column);
    else
        snprintf(buf, n, "rows[%zu]%s%s", e->row, e->column[0] ? "." : "", e->column);
}

/* What an imported row became (or would become, on a dry run). */
static json_t *import_item(const struct mb_site_rec *rec, size_t row)
{
    json_t *o = json_object();
    json_object_set_new(o, "row", json_integer((json_int_t)row));
    json_object_set_new(o, "id", rec->id ? json_integer(rec->id) : json_null());
    json_object_set_new(o, "type", json_string(mb_site_type_name(rec->type)));
    json_object_set_new(o, "status", json_string(mb_status_name(rec->status)));
    json_object_set_new(o, "title", json_string(rec->title));
    json_object_set_new(o, "material", rec->material[0] ? json_string(rec->material)
                                                        : json_null());
    json_object_set_new(o, "amount_t", rec->amount_t >= 0 ? json_real(rec->amount_t)
                                                          : json_null());
    json_object_set_new(o, "municipality", rec->municipality[0]
                                               ? json_string(rec->municipality)
                                               : json_null());
    json_object_set_new(o, "lat", json_real(rec->lat));
    json_object_set_new(o, "lon", json_real(rec->lon));
    return o;
}

/* The uploaded file of a request (text/csv or XLSX) as a sheet; false
 * after replying 415 or 400. `what` names the file in the 415 reply. */
static bool upload_sheet(struct mb_req *r, const char *what, struct mb_xchg_sheet *sheet)
{
    char mime[96];
    mb_req_mime(r, mime, sizeof mime);
    bool csv = strcasecmp(mime, "text/csv") == 0;
    if (!csv && strcasecmp(mime, XLSX_MIME) != 0) {
        mb_reply_error(r, 415, "unsupported_media_type", "Content-Type",
                       "send %s as text/csv or as " XLSX_MIME, what);
        return false;
    }
    if (!r->body || r->len == 0) {
        mb_reply_error(r, 400, "invalid", "body", "the file is empty");
        return false;
    }
    struct mb_error err;
    mb_error_clear(&err);
    int rc = csv ? mb_xchg_sheet_from_csv(sheet, r->body, r->len, "body", &err)
                 : mb_xchg_sheet_from_xlsx(sheet, r->body, r->len, "body", &err);
    if (rc) {
        mb_reply_error(r, 400, "invalid", "body", "%s", err.message);
        return false;
    }
    return true;
}

/* A lab report (CSV or XLSX as the lab exports it) read into a sample set
 * {"layout", "samples": [...]} ready for a listing's "samples"; each
 * sample with its class. Nothing is stored. */
void mb_api_lab_report(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    struct mb_xchg_sheet sheet;
    if (!upload_sheet(r, "the lab report", &sheet))
        return;
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_lab_report rep;
    int rc = mb_labrep_read(&r->srv->market.classes, &sheet, "body", &rep, &err);
    mb_xchg_sheet_release(&sheet);
    if (rc) {
        mb_reply_error(r, 400, "invalid", err.field, "%s", err.message);
        return;
    }
    json_t *samples = mb_labrep_json(&rep);
    for (size_t i = 0; i < rep.n; i++) {
        struct mb_classification c;
        if (mb_classify(rep.samples[i].m, rep.samples[i].n, &c, &err) == 0) {
            json_t *o = json_array_get(samples, i);
            json_object_set_new(o, "class", c.cls > 0 && !c.no_class ? json_integer(c.cls)
                                                                     : json_null());
            json_object_set_new(o, "class_min", c.cls > 0 && !c.no_class
                                                    ? json_integer(c.cls_min)
                                                    : json_null());
            mb_classification_release(&c);
        }
    }
    json_t *skipped = json_array();
    for (size_t i = 0; i < rep.nskipped; i++)
        json_array_append_new(skipped, json_string(rep.skipped[i]));
    mb_reply_json(r, 200, json_pack("{s:s, s:o, s:o}", "layout",
                                    rep.long_layout ? "long" : "wide", "samples", samples,
                                    "not_judged", skipped));
    mb_labrep_release(&rep);
}

static void import_sites(struct mb_req *r, enum mb_site_family family)
{
    static const char *const allowed[] = { "dry_run", NULL };
    if (mb_req_check_query(r, allowed) || !mb_req_signed_in(r) ||
        !mb_api_require(r, family == MB_FAMILY_LISTING ? MB_ACT_LISTING_WRITE
                                                       : MB_ACT_FACILITY_WRITE))
        return;
    bool dry = false;
    const char *v = mb_req_query(r, "dry_run");
    if (v && strcmp(v, "true") == 0) {
        dry = true;
    } else if (v && strcmp(v, "false") != 0) {
        mb_reply_error(r, 400, "invalid", "dry_run", "use true or false");
        return;
    }
    struct mb_xchg_sheet sheet;
    if (!upload_sheet(r, "the file", &sheet))
        return;
    struct mb_error err;
    mb_error_clear(&err);
    int rc;
    struct mb_xchg_report rep = { 0 };
    struct mb_xchg_import_opts opts = { .org_id = r->user.org_id, .dry_run = dry,
                                        .who = &r->user };
    rc = mb_xchg_import(r->st, &r->srv->market, family, &sheet, &opts, &rep, &err);
    if (rc == MB_EINVAL && rep.n) {
        struct mb_problems probs = { 0 };
        for (size_t i = 0; i < rep.n; i++) {
            char field[160];
            problem_field(&sheet, &rep.items[i], field, sizeof field);
            mb_problems_add(&probs, field, "%s", rep.items[i].message);
        }
        mb_reply_problems(r, &probs);
        mb_problems_release(&probs);
    } else if (rc) {
        mb_reply_mb_error(r, &err);
    } else {
        json_t *ids = json_array(), *items = json_array();
        for (size_t i = 0; i < rep.nsites; i++) {
            if (rep.sites[i].id)
                json_array_append_new(ids, json_integer(rep.sites[i].id));
            json_array_append_new(items, import_item(&rep.sites[i], sheet.rows[i].row));
        }
        mb_reply_json(r, dry ? 200 : 201,
                      json_pack("{s:b, s:I, s:I, s:o, s:o}", "dry_run", dry, "rows",
                                (json_int_t)rep.rows, "imported", (json_int_t)rep.imported,
                                "ids", ids, "items", items));
    }
    mb_xchg_report_release(&rep);
    mb_xchg_sheet_release(&sheet);
}

void mb_api_import_listings(struct mb_req *r, int64_t id)
{
    (void)id;
    import_sites(r, MB_FAMILY_LISTING);
}

void mb_api_import_facilities(struct mb_req *r, int64_t id)
{
    (void)id;
    import_sites(r, MB_FAMILY_FACILITY);
}

/* ---- mass handling plan ------------------------------------------------------ */

/* "14,17,26" into ids: positive ids, none twice, at most max. The count,
 * or -1 with the 400 reply set. */
static int parse_ids(struct mb_req *r, const char *v, int64_t *ids, size_t max)
{
    size_t n = 0;
    const char *p = v;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char num[24];
        int64_t id;
        if (len == 0 || len >= sizeof num) {
            mb_reply_error(r, 400, "invalid", "listings",
                           "give the project's listing ids separated by commas");
            return -1;
        }
        memcpy(num, p, len);
        num[len] = '\0';
        if (!mb_parse_i64(num, &id) || id < 1) {
            mb_reply_error(r, 400, "invalid", "listings", "'%s' is not a listing id", num);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if (ids[i] == id) {
                mb_reply_error(r, 400, "invalid", "listings", "listing %lld is given twice",
                               (long long)id);
                return -1;
            }
        if (n == max) {
            mb_reply_error(r, 400, "invalid", "listings", "at most %zu listings in one plan",
                           max);
            return -1;
        }
        ids[n++] = id;
        if (!end)
            return (int)n;
        p = end + 1;
    }
}

/* Every listing must be one the user may plan: of the user's organisation
 * (administrators: any). A site the user may not see is missing, in the
 * same words (404); a visible one of another organisation 403. */
static int check_listings(struct mb_req *r, const int64_t *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct mb_site_rec rec;
        struct mb_error err;
        int rc = mb_store_site_get(r->st, ids[i], &rec, &err);
        if (rc && rc != MB_ENOTFOUND) {
            mb_reply_mb_error(r, &err);
            return -1;
        }
        bool own = rc == 0 && mb_permit_owns(&r->user, rec.org_id);
        bool visible = rc == 0 && mb_listing_visible(&r->user, &rec);
        bool listing = rc == 0 && mb_listing_family(rec.type) == MB_FAMILY_LISTING;
        if (rc == 0)
            mb_site_rec_release(&rec);
        if (!visible || !listing) {
            mb_reply_error(r, 404, "not_found", "listings", "no listing with id %lld",
                           (long long)ids[i]);
            return -1;
        }
        if (!own) {
            mb_reply_error(r, 403, "forbidden", "listings",
                           "listing %lld belongs to another organisation", (long long)ids[i]);
            return -1;
        }
    }
    return 0;
}

void mb_api_mhp(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const allowed[] = { "listings", "name", "lang", "format", NULL };
    if (mb_req_check_query(r, allowed) || !mb_req_signed_in(r))
        return;
    bool pdf;
    const char *lang;
    if (mb_api_doc_query(r, &pdf, &lang))
        return;
    const char *name = mb_req_query(r, "name");
    if (name) {
        size_t len = strlen(name);
        bool ok = len >= 1 && len <= 150 && mb_utf8_valid(name, len, NULL);
        for (const char *p = name; ok && *p; p++)
            ok = (unsigned char)*p >= 0x20 && *p != 0x7f;
        if (!ok) {
            mb_reply_error(r, 400, "invalid", "name",
                           "1-150 bytes of UTF-8 without control characters");
            return;
        }
    }
    const char *list = mb_req_query(r, "listings");
    if (!list) {
        mb_reply_error(r, 400, "invalid", "listings",
                       "give the project's listing ids separated by commas");
        return;
    }
    int64_t ids[MB_MHP_MAX_LISTINGS];
    int n = parse_ids(r, list, ids, MB_MHP_MAX_LISTINGS);
    if (n < 0 || check_listings(r, ids, (size_t)n))
        return;
    struct mb_error err;
    mb_error_clear(&err);
    struct mb_mhp plan;
    if (mb_mhp_build(r->st, &r->srv->market, ids, (size_t)n, name, &plan, &err) != 0) {
        /* Listings of two organisations (an administrator's request), or
         * the store failing. */
        if (err.code == MB_EINVAL || err.code == MB_ENOTFOUND)
            mb_reply_error(r, err.code == MB_EINVAL ? 400 : 404,
                           err.code == MB_EINVAL ? "invalid" : "not_found", "listings", "%s",
                           err.message);
        else
            mb_reply_mb_error(r, &err);
        return;
    }
    char today[16];
    mb_rdoc_today(today, sizeof today);
    struct mb_rdoc doc;
    mb_mhp_document(&plan, &r->srv->market, lang, today, &doc);
    mb_mhp_release(&plan);
    char *data = NULL;
    size_t len = 0;
    int rc = 0;
    if (pdf) {
        rc = mb_rdoc_pdf(&doc, &data, &len, &err);
    } else {
        struct mb_strbuf b = { 0 };
        mb_rdoc_html(&doc, &b);
        len = b.len;
        data = mb_strbuf_take(&b);
    }
    mb_rdoc_release(&doc);
    if (rc) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_api_doc_reply(r, "massehandteringsplan", pdf, data, len);
}
