/*
 * srv.h - the server state shared by the route handlers: configuration,
 * reference data, one store connection per thread, the login limiter and
 * the plan job runner.
 */
#ifndef MB_SERVER_SRV_H
#define MB_SERVER_SRV_H

#include <pthread.h>

#include "market/market.h"
#include "server/http.h"
#include "server/server.h"

struct mb_limiter;
struct mb_jobs;
struct mb_roads;
struct mb_road_worker;
struct mb_whatifs;

struct mb_srv {
    struct mb_server_config cfg;
    char db_path[512];
    char files_dir[512];
    struct mb_market market;
    pthread_mutex_t lock;          /* guards stores and the log */
    struct mb_store **stores;      /* every thread's connection, closed at stop */
    size_t nstores, cap_stores;
    struct mb_limiter *limiter;
    struct mb_jobs *jobs;
    struct mb_roads *roads;        /* --roads: the road database, NULL without */
    struct mb_road_worker *road_worker;
    struct mb_mailer *mailer;
    struct mb_whatifs *whatifs;    /* kept bases of plans asked what-ifs (api_whatif.c) */
    char base_url[300];            /* links in mail: --public-url or http://host:port */
};

/* This thread's store connection, opened on first use. NULL with err. */
struct mb_store *mb_srv_store(struct mb_srv *s, struct mb_error *err);

/* Route a request: sets the reply. */
void mb_route(struct mb_req *r);

/* Route handlers (api_*.c). `id` is the number in the path, 0 if none. */
void mb_api_health(struct mb_req *r, int64_t id);
void mb_api_openapi(struct mb_req *r, int64_t id);
void mb_api_plan_whatif(struct mb_req *r, int64_t id);
struct mb_whatifs *mb_whatifs_new(void);
void mb_whatifs_free(struct mb_whatifs *c);
void mb_api_materials(struct mb_req *r, int64_t id);
void mb_api_substances(struct mb_req *r, int64_t id);
void mb_api_lab_report(struct mb_req *r, int64_t id);
void mb_api_refdata(struct mb_req *r, int64_t id);
void mb_api_classify(struct mb_req *r, int64_t id);
void mb_api_login(struct mb_req *r, int64_t id);
void mb_api_logout(struct mb_req *r, int64_t id);
void mb_api_logout_everywhere(struct mb_req *r, int64_t id);
void mb_api_me(struct mb_req *r, int64_t id);
void mb_api_orgs_list(struct mb_req *r, int64_t id);
void mb_api_orgs_create(struct mb_req *r, int64_t id);
void mb_api_org_get(struct mb_req *r, int64_t id);
void mb_api_org_users(struct mb_req *r, int64_t id);
void mb_api_users_create(struct mb_req *r, int64_t id);
void mb_api_user_role(struct mb_req *r, int64_t id);
void mb_api_me_password(struct mb_req *r, int64_t id);
void mb_api_listings_list(struct mb_req *r, int64_t id);
void mb_api_listings_create(struct mb_req *r, int64_t id);
void mb_api_listing_get(struct mb_req *r, int64_t id);
void mb_api_listing_put(struct mb_req *r, int64_t id);
void mb_api_listing_status(struct mb_req *r, int64_t id);
void mb_api_listing_matches(struct mb_req *r, int64_t id);
void mb_api_listing_route(struct mb_req *r, int64_t id);
void mb_api_documents_add(struct mb_req *r, int64_t id);
void mb_api_documents_list(struct mb_req *r, int64_t id);
void mb_api_document_get(struct mb_req *r, int64_t id);
void mb_api_facilities_list(struct mb_req *r, int64_t id);
void mb_api_facilities_create(struct mb_req *r, int64_t id);
void mb_api_facility_get(struct mb_req *r, int64_t id);
void mb_api_facility_put(struct mb_req *r, int64_t id);
void mb_api_facility_status(struct mb_req *r, int64_t id);
void mb_api_search(struct mb_req *r, int64_t id);
void mb_api_addresses(struct mb_req *r, int64_t id);
void mb_api_org_contact(struct mb_req *r, int64_t id);
void mb_api_listing_messages(struct mb_req *r, int64_t id);
void mb_api_listing_message_post(struct mb_req *r, int64_t id);
void mb_api_deal_messages(struct mb_req *r, int64_t id);
void mb_api_deal_message_post(struct mb_req *r, int64_t id);
void mb_api_inbox(struct mb_req *r, int64_t id);
void mb_api_signup(struct mb_req *r, int64_t id);
void mb_api_signups(struct mb_req *r, int64_t id);
void mb_api_suggestions(struct mb_req *r, int64_t id);
void mb_api_suggestion_accept(struct mb_req *r, int64_t id);
void mb_api_suggestion_dismiss(struct mb_req *r, int64_t id);
void mb_api_org_verification(struct mb_req *r, int64_t id);
void mb_api_invitation_create(struct mb_req *r, int64_t id);
void mb_api_invitation_accept(struct mb_req *r, int64_t id);
void mb_api_password_reset(struct mb_req *r, int64_t id);
void mb_api_password_reset_confirm(struct mb_req *r, int64_t id);
void mb_api_plans_list(struct mb_req *r, int64_t id);
void mb_api_saved_searches(struct mb_req *r, int64_t id);
void mb_api_saved_search_create(struct mb_req *r, int64_t id);
void mb_api_saved_search_delete(struct mb_req *r, int64_t id);
void mb_api_alert_settings(struct mb_req *r, int64_t id);
void mb_api_notifications(struct mb_req *r, int64_t id);
void mb_api_notifications_read(struct mb_req *r, int64_t id);
void mb_api_unsubscribe(struct mb_req *r, int64_t id);
void mb_api_municipalities(struct mb_req *r, int64_t id);
void mb_api_municipality_at(struct mb_req *r, int64_t id);
void mb_api_plans_create(struct mb_req *r, int64_t id);
void mb_api_job_get(struct mb_req *r, int64_t id);
void mb_api_plan_siting(struct mb_req *r, int64_t id);
/* Deals, load tickets, custody, planned vs actual, audit (api_deals.c). */
void mb_api_deals_create(struct mb_req *r, int64_t id);
void mb_api_deals_list(struct mb_req *r, int64_t id);
void mb_api_deal_get(struct mb_req *r, int64_t id);
void mb_api_deal_state(struct mb_req *r, int64_t id);
void mb_api_deal_history(struct mb_req *r, int64_t id);
void mb_api_deliveries_create(struct mb_req *r, int64_t id);
void mb_api_deliveries_list(struct mb_req *r, int64_t id);
void mb_api_delivery_get(struct mb_req *r, int64_t id);
void mb_api_delivery_state(struct mb_req *r, int64_t id);
void mb_api_delivery_qr(struct mb_req *r, int64_t id);
void mb_api_ticket_get(struct mb_req *r, int64_t id);
/* The ticket's QR code (SVG) by its code, for anybody: the code is the capability. */
void mb_api_ticket_qr(struct mb_req *r, int64_t id);
void mb_api_listing_custody(struct mb_req *r, int64_t id);
void mb_api_listing_balance(struct mb_req *r, int64_t id);
void mb_api_listing_history(struct mb_req *r, int64_t id);
void mb_api_audit_list(struct mb_req *r, int64_t id);
void mb_api_audit_head(struct mb_req *r, int64_t id);
void mb_api_stats(struct mb_req *r, int64_t id);
/* Exports, imports and the mass handling plan (api_exchange.c). */
void mb_api_export_listings(struct mb_req *r, int64_t id);
void mb_api_export_facilities(struct mb_req *r, int64_t id);
void mb_api_export_deliveries(struct mb_req *r, int64_t id);
void mb_api_export_statistics(struct mb_req *r, int64_t id);
void mb_api_import_listings(struct mb_req *r, int64_t id);
void mb_api_import_facilities(struct mb_req *r, int64_t id);
void mb_api_mhp(struct mb_req *r, int64_t id);

/* The statistics report of the request's query (`year`, `municipalities`)
 * into *s (release it) and the asked year (0: every year); -1 with the
 * 4xx/5xx reply set. Shared by GET /api/stats and the statistics export,
 * so both read the query the same way (api_stats.c). */
struct mb_stats;
int mb_api_stats_load(struct mb_req *r, struct mb_stats *s, int *year);

/* The "{code}" segment of the request's path (routes.c) into buf; false
 * when there is none. */
#define MB_ROUTE_CODE_MIN 16
#define MB_ROUTE_CODE_MAX 64
bool mb_route_code(const struct mb_req *r, char *buf, size_t size);

/* Guess limiter of sign-in and password change (limiter.c): failures per
 * account (the e-mail as the store folds it) and per client address
 * within a window. */
/* window: seconds a failure counts (0: 900); keys: bound of the entries
 * of unknown e-mails and client addresses (0: 4096). */
struct mb_limiter *mb_limiter_new(int window, int keys);
void mb_limiter_free(struct mb_limiter *l);
/* Seconds until another attempt is allowed (0: allowed now). */
int mb_limiter_wait(struct mb_limiter *l, const char *email, const char *client, double now);
/* Before checking a password: the seconds to wait when the e-mail or the
 * client has used up its attempts (nothing counted), else 0 with this
 * attempt counted as a failure of both (slot: `now`), so attempts made at
 * once cannot check more passwords than the limit. */
int mb_limiter_acquire(struct mb_limiter *l, const char *email, const char *client,
                       double now);
/* The attempt failed (user_id > 0 when the e-mail names an account): the
 * seconds the e-mail is now locked for when this failure is the one that
 * locked it (reported once per lock), else 0. */
int mb_limiter_failed(struct mb_limiter *l, const char *email, int64_t user_id, double now);
/* acquire + failed, for a failure known beforehand (tests). */
int mb_limiter_fail(struct mb_limiter *l, const char *email, const char *client,
                    int64_t user_id, double now);
int mb_limiter_max_per_email(void);
/* The attempt of `slot` had the right password: the e-mail's failures
 * are forgotten and the client's slot given back. */
void mb_limiter_success(struct mb_limiter *l, const char *email, const char *client, double slot);
/* Locks of accounts that have ended by now, each reported once: the
 * account and how many seconds ago its lock ended. */
struct mb_limiter_end {
    int64_t user_id;
    double ago;
};
size_t mb_limiter_ended(struct mb_limiter *l, double now, struct mb_limiter_end *out,
                        size_t max);
/* Entries held (for tests and the benchmark). */
size_t mb_limiter_size(struct mb_limiter *l);

/* Plan jobs (jobs.c): one worker thread solves queued jobs in order. */
int mb_jobs_start(struct mb_srv *s, struct mb_error *err);
void mb_jobs_stop(struct mb_srv *s);
/* Wake the worker: a job was queued in the store. */
void mb_jobs_notify(struct mb_srv *s);

/* Road distances (road_worker.c, with --roads): one thread brings the
 * cache up to date from the durable queue. */
int mb_road_worker_start(struct mb_srv *s, struct mb_error *err);
void mb_road_worker_stop(struct mb_srv *s);
void mb_road_worker_notify(struct mb_srv *s);

/* Alerts and mail (mailer.c): one thread raises alerts, queues digests
 * and sends the outbox. */
int mb_mailer_start(struct mb_srv *s, struct mb_error *err);
void mb_mailer_stop(struct mb_srv *s);
/* Wake it: a site was written. */
void mb_mailer_notify(struct mb_srv *s);

#endif
