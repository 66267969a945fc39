/*
 * routes.c - the API's routes: method + path pattern -> handler. A "#" in
 * a pattern is one positive decimal id (the handler's `id`); "{code}" is
 * one capability code: 16-64 characters of base64url (A-Z a-z 0-9 - _),
 * which the handler reads with mb_route_code. Unknown paths get 404, a
 * known path with another method 405 with the allowed methods named.
 */
#include <string.h>

#include "server/srv.h"

typedef void (*handler_fn)(struct mb_req *r, int64_t id);

struct route {
    const char *method;
    const char *pattern;
    handler_fn fn;
};

static const struct route routes[] = {
    { "GET", "/api/health", mb_api_health },
    { "GET", "/api/openapi.json", mb_api_openapi },
    { "GET", "/api/materials", mb_api_materials },
    { "GET", "/api/substances", mb_api_substances },
    { "GET", "/api/refdata", mb_api_refdata },
    { "POST", "/api/classify", mb_api_classify },
    { "POST", "/api/lab-reports", mb_api_lab_report },
    { "POST", "/api/auth/login", mb_api_login },
    { "POST", "/api/auth/logout", mb_api_logout },
    { "POST", "/api/auth/logout-everywhere", mb_api_logout_everywhere },
    { "GET", "/api/me", mb_api_me },
    { "GET", "/api/organisations", mb_api_orgs_list },
    { "POST", "/api/organisations", mb_api_orgs_create },
    { "GET", "/api/organisations/#", mb_api_org_get },
    { "GET", "/api/organisations/#/users", mb_api_org_users },
    { "PUT", "/api/organisations/#/contact", mb_api_org_contact },
    { "POST", "/api/users", mb_api_users_create },
    { "POST", "/api/users/#/role", mb_api_user_role },
    { "POST", "/api/me/password", mb_api_me_password },
    { "GET", "/api/listings", mb_api_listings_list },
    { "POST", "/api/listings", mb_api_listings_create },
    { "GET", "/api/listings/#", mb_api_listing_get },
    { "PUT", "/api/listings/#", mb_api_listing_put },
    { "POST", "/api/listings/#/status", mb_api_listing_status },
    { "GET", "/api/listings/#/matches", mb_api_listing_matches },
    { "GET", "/api/listings/#/route", mb_api_listing_route },
    { "GET", "/api/listings/#/messages", mb_api_listing_messages },
    { "POST", "/api/listings/#/messages", mb_api_listing_message_post },
    { "POST", "/api/listings/#/documents", mb_api_documents_add },
    { "GET", "/api/listings/#/documents", mb_api_documents_list },
    { "GET", "/api/documents/#", mb_api_document_get },
    { "GET", "/api/facilities", mb_api_facilities_list },
    { "POST", "/api/facilities", mb_api_facilities_create },
    { "GET", "/api/facilities/#", mb_api_facility_get },
    { "PUT", "/api/facilities/#", mb_api_facility_put },
    { "POST", "/api/facilities/#/status", mb_api_facility_status },
    { "GET", "/api/facilities/#/route", mb_api_listing_route },
    { "POST", "/api/facilities/#/documents", mb_api_documents_add },
    { "GET", "/api/facilities/#/documents", mb_api_documents_list },
    { "GET", "/api/search", mb_api_search },
    { "GET", "/api/addresses", mb_api_addresses },
    { "GET", "/api/municipalities", mb_api_municipalities },
    { "GET", "/api/municipalities/at", mb_api_municipality_at },
    { "POST", "/api/plans", mb_api_plans_create },
    { "GET", "/api/plans", mb_api_plans_list },
    { "GET", "/api/plans/#", mb_api_job_get },
    { "POST", "/api/plans/#/whatif", mb_api_plan_whatif },
    { "GET", "/api/plans/#/siting", mb_api_plan_siting },
    { "GET", "/api/jobs/#", mb_api_job_get },
    { "POST", "/api/listings/#/deals", mb_api_deals_create },
    { "GET", "/api/listings/#/custody", mb_api_listing_custody },
    { "GET", "/api/listings/#/balance", mb_api_listing_balance },
    { "GET", "/api/listings/#/history", mb_api_listing_history },
    { "GET", "/api/deals", mb_api_deals_list },
    { "GET", "/api/deals/#", mb_api_deal_get },
    { "POST", "/api/deals/#/state", mb_api_deal_state },
    { "POST", "/api/deals/#/deliveries", mb_api_deliveries_create },
    { "GET", "/api/deals/#/deliveries", mb_api_deliveries_list },
    { "GET", "/api/deals/#/history", mb_api_deal_history },
    { "GET", "/api/deals/#/messages", mb_api_deal_messages },
    { "POST", "/api/deals/#/messages", mb_api_deal_message_post },
    { "GET", "/api/messages", mb_api_inbox },
    { "POST", "/api/signup", mb_api_signup },
    { "GET", "/api/signups", mb_api_signups },
    { "POST", "/api/organisations/#/verification", mb_api_org_verification },
    { "POST", "/api/invitations", mb_api_invitation_create },
    { "POST", "/api/invitations/accept", mb_api_invitation_accept },
    { "POST", "/api/password-reset", mb_api_password_reset },
    { "POST", "/api/password-reset/confirm", mb_api_password_reset_confirm },
    { "GET", "/api/saved-searches", mb_api_saved_searches },
    { "POST", "/api/saved-searches", mb_api_saved_search_create },
    { "DELETE", "/api/saved-searches/#", mb_api_saved_search_delete },
    { "PUT", "/api/alert-settings", mb_api_alert_settings },
    { "GET", "/api/suggestions", mb_api_suggestions },
    { "POST", "/api/suggestions/#/accept", mb_api_suggestion_accept },
    { "POST", "/api/suggestions/#/dismiss", mb_api_suggestion_dismiss },
    { "GET", "/api/notifications", mb_api_notifications },
    { "POST", "/api/notifications/read", mb_api_notifications_read },
    { "GET", "/api/unsubscribe", mb_api_unsubscribe },
    { "POST", "/api/unsubscribe", mb_api_unsubscribe },
    { "GET", "/api/deliveries/#", mb_api_delivery_get },
    { "POST", "/api/deliveries/#/state", mb_api_delivery_state },
    { "GET", "/api/deliveries/#/qr.svg", mb_api_delivery_qr },
    { "GET", "/api/tickets/{code}", mb_api_ticket_get },
    { "GET", "/api/tickets/{code}/qr.svg", mb_api_ticket_qr },
    { "GET", "/api/audit", mb_api_audit_list },
    { "GET", "/api/audit/head", mb_api_audit_head },
    { "GET", "/api/stats", mb_api_stats },
    { "GET", "/api/exports/listings", mb_api_export_listings },
    { "GET", "/api/exports/facilities", mb_api_export_facilities },
    { "GET", "/api/exports/deliveries", mb_api_export_deliveries },
    { "GET", "/api/exports/statistics", mb_api_export_statistics },
    { "POST", "/api/imports/listings", mb_api_import_listings },
    { "POST", "/api/imports/facilities", mb_api_import_facilities },
    { "GET", "/api/mhp", mb_api_mhp },
};

#define CODE_SEGMENT "{code}"

static bool code_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
}

/* Length of a code segment at the start of path, 0 if there is none. */
static size_t code_length(const char *path)
{
    size_t n = 0;
    while (code_char(path[n]))
        n++;
    return (path[n] == '\0' || path[n] == '/') && n >= MB_ROUTE_CODE_MIN &&
                   n <= MB_ROUTE_CODE_MAX ? n : 0;
}

/* Match path against pattern; the "#" segment's number into *id. */
static bool match(const char *pattern, const char *path, int64_t *id)
{
    *id = 0;
    while (*pattern && *path) {
        if (strncmp(pattern, CODE_SEGMENT, sizeof CODE_SEGMENT - 1) == 0) {
            size_t n = code_length(path);
            if (!n)
                return false;
            pattern += sizeof CODE_SEGMENT - 1;
            path += n;
            continue;
        }
        if (*pattern == '#') {
            const char *end = strchr(path, '/');
            size_t n = end ? (size_t)(end - path) : strlen(path);
            char num[24];
            if (n == 0 || n >= sizeof num)
                return false;
            memcpy(num, path, n);
            num[n] = '\0';
            if (!mb_parse_i64(num, id) || *id <= 0)
                return false;
            pattern++;
            path += n;
            continue;
        }
        if (*pattern != *path)
            return false;
        pattern++;
        path++;
    }
    return *pattern == '\0' && *path == '\0';
}

void mb_route(struct mb_req *r)
{
    char allowed[64] = "";
    bool path_known = false;
    const char *method = strcmp(r->method, "HEAD") == 0 ? "GET" : r->method;
    /* One trailing slash is forgiven. */
    char path[512];
    size_t n = strlen(r->path);
    if (n >= sizeof path) {
        mb_reply_error(r, 414, "uri_too_long", "path", "the path is too long");
        return;
    }
    memcpy(path, r->path, n + 1);
    if (n > 5 && path[n - 1] == '/')
        path[n - 1] = '\0';
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        int64_t id;
        if (!match(routes[i].pattern, path, &id))
            continue;
        if (strcmp(routes[i].method, method) == 0) {
            routes[i].fn(r, id);
            /* A site written: the alert thread looks at it now. */
            if (strcmp(method, "GET") != 0 && r->status < 300 &&
                (strncmp(path, "/api/listings", 13) == 0 ||
                 strncmp(path, "/api/facilities", 15) == 0 ||
                 strncmp(path, "/api/imports/", 13) == 0))
                mb_mailer_notify(r->srv);
            return;
        }
        path_known = true;
        if (!strstr(allowed, routes[i].method)) {
            size_t len = strlen(allowed);
            snprintf(allowed + len, sizeof allowed - len, "%s%s", len ? ", " : "",
                     routes[i].method);
        }
    }
    if (path_known)
        mb_reply_error(r, 405, "method_not_allowed", "method", "use %s on this path", allowed);
    else
        mb_reply_error(r, 404, "not_found", "path", "no such API path");
}

bool mb_route_code(const struct mb_req *r, char *buf, size_t size)
{
    /* The code is the last segment (one trailing slash forgiven), or the
     * one before a last segment naming a file ("/api/tickets/CODE/qr.svg"). */
    const char *p = r->path;
    size_t n = strlen(p);
    if (n > 1 && p[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && p[start - 1] != '/')
        start--;
    if (memchr(p + start, '.', n - start) && start > 1) {
        n = start - 1;
        start = n;
        while (start > 0 && p[start - 1] != '/')
            start--;
    }
    size_t len = n - start;
    if (len < MB_ROUTE_CODE_MIN || len > MB_ROUTE_CODE_MAX || len >= size)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!code_char(p[start + i]))
            return false;
    memcpy(buf, p + start, len);
    buf[len] = '\0';
    return true;
}
