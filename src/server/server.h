/*
 * server.h - the market's HTTP JSON API server (libmicrohttpd): start it
 * on a database, find its port, stop it. The routes are in api_*.c, the
 * OpenAPI document in docs/openapi.json, the user guide in docs/api.md.
 */
#ifndef MB_SERVER_SERVER_H
#define MB_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"
#include "exchange/smtp.h"

struct mb_server_config {
    const char *db_path;      /* SQLite file (created and migrated if new) */
    const char *host;         /* address to bind, "127.0.0.1" by default */
    int port;                 /* 0: any free port */
    const char *static_dir;   /* files served under / (NULL: none) */
    const char *files_dir;    /* attached documents (NULL: <db>.files) */
    const char *cors_origin;  /* Access-Control-Allow-Origin (NULL: CORS off) */
    size_t max_body;          /* JSON bodies, bytes (0: 1 MiB) */
    size_t max_upload;        /* documents, bytes (0: 20 MiB) */
    int threads;              /* worker threads (0: 4) */
    FILE *log;                /* request log, one line per request (NULL: none) */
    int token_hours;          /* token lifetime (0: 12) */
    bool demo;                /* load the demo region into an empty database */
    int lock_window;          /* seconds a failed sign-in counts (0: 900) */
    int lock_table;           /* limiter entries of unknown e-mails and client
                                 addresses (0: 4096) */
    const char *trusted_proxy; /* a reverse proxy's address: requests from it are
                                  counted by the last X-Forwarded-For address
                                  (NULL: the peer address is the client) */
    const char *public_url;   /* where users reach the web front end, for links in
                                 mail (NULL: http://host:port) */
    const struct mb_smtp *smtp; /* the relay for alert mail (NULL: mail waits in
                                   the outbox) */
    int alert_interval;       /* seconds between two alert rounds (0: 5) */
    int digest_period;        /* seconds between two digests of one user (0: 86400) */
    const char *roads_dir;    /* road database (massebank roads build), NULL: none,
                                 distances are estimates (docs/roads.md) */
};

struct mb_server;

int mb_server_start(struct mb_server **out, const struct mb_server_config *cfg,
                    struct mb_error *err);
/* The port it listens on. */
int mb_server_port(const struct mb_server *s);
/* Demo logins ("email password role") seeded on this start, NULL-terminated
 * (empty when the database was not new). Owned by the server. */
const char *const *mb_server_demo_logins(const struct mb_server *s);
void mb_server_stop(struct mb_server *s);

#endif
