/*
 * main.c - massebank-server: the market's HTTP JSON API on one SQLite
 * database, with the web front end as static files. Prints its URL (and
 * the demo logins when it loaded the demo into a new database), then
 * serves until SIGINT or SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "server/server.h"

static const char usage[] =
    "usage: massebank-server [options]\n"
    "  --db FILE        SQLite database (default massebank.db; created if missing)\n"
    "  --host ADDR      IPv4 address to listen on (default 127.0.0.1)\n"
    "  --port N         port (default 8080; 0 = any free port)\n"
    "  --static DIR     serve the web front end from DIR (default: none)\n"
    "  --files DIR      where attached documents are kept (default DB.files)\n"
    "  --cors ORIGIN    allow cross-origin requests from ORIGIN (default: off)\n"
    "  --threads N      worker threads (default 4)\n"
    "  --lock-window S  seconds a failed sign-in counts; 5 per account or 20 per\n"
    "                   client address in it lock (default 900)\n"
    "  --lock-table N   limiter entries kept for unknown e-mails and client\n"
    "                   addresses, oldest idle evicted first (default 4096)\n"
    "  --trusted-proxy ADDR  the address of a reverse proxy in front: its requests\n"
    "                   count against the last X-Forwarded-For address (default: none)\n"
    "  --public-url URL where users reach the web front end, for links in mail\n"
    "                   (default http://HOST:PORT)\n"
    "  --smtp HOST:PORT send alert mail through this relay (default: mail waits in\n"
    "                   the outbox of the database)\n"
    "  --smtp-from ADDR the sender address (default massebank@localhost)\n"
    "  --smtp-credentials FILE  the relay's user and password (two lines)\n"
    "  --smtp-tls MODE  starttls (default: refused without it), tls, or none (a\n"
    "                   relay on this host only; never with credentials)\n"
    "  --smtp-ca FILE   certificates to trust for the relay (default: the system's)\n"
    "  --alert-interval S  seconds between two alert rounds (default 5)\n"
    "  --digest-period S   seconds between two digests of one user (default 86400)\n"
    "  --roads DIR      road distances from this road database (massebank roads\n"
    "                   build; default: none, distances are estimates)\n"
    "  --no-demo        do not load the demo region into a new database\n"
    "  --log FILE       request log (default: standard error; 'off' for none)\n";

static bool int_arg(const char *s, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

int main(int argc, char **argv)
{
    mb_alloc_keep_freed();
    struct mb_server_config cfg = { 0 };
    cfg.db_path = "massebank.db";
    cfg.port = 8080;
    cfg.demo = true;
    cfg.log = stderr;
    FILE *logfile = NULL;
    const char *smtp = NULL, *smtp_from = "massebank@localhost", *smtp_cred = NULL,
               *smtp_tls = NULL, *smtp_ca = NULL;
    struct mb_smtp relay;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(a, "--no-demo") == 0) {
            cfg.demo = false;
            continue;
        }
        if (!v) {
            fprintf(stderr, "massebank-server: %s needs a value\n%s", a, usage);
            return 2;
        }
        i++;
        if (strcmp(a, "--db") == 0)
            cfg.db_path = v;
        else if (strcmp(a, "--host") == 0)
            cfg.host = v;
        else if (strcmp(a, "--port") == 0) {
            if (!int_arg(v, 0, 65535, &cfg.port)) {
                fprintf(stderr, "massebank-server: --port: '%s' is not a port 0-65535\n", v);
                return 2;
            }
        } else if (strcmp(a, "--static") == 0)
            cfg.static_dir = v;
        else if (strcmp(a, "--roads") == 0)
            cfg.roads_dir = v;
        else if (strcmp(a, "--files") == 0)
            cfg.files_dir = v;
        else if (strcmp(a, "--lock-window") == 0) {
            if (!int_arg(v, 1, 86400, &cfg.lock_window)) {
                fprintf(stderr, "massebank-server: --lock-window: '%s' is not 1-86400 seconds\n",
                        v);
                return 2;
            }
        } else if (strcmp(a, "--lock-table") == 0) {
            if (!int_arg(v, 16, 1000000, &cfg.lock_table)) {
                fprintf(stderr, "massebank-server: --lock-table: '%s' is not 16-1000000\n", v);
                return 2;
            }
        } else if (strcmp(a, "--trusted-proxy") == 0) {
            unsigned char buf[16];
            if (inet_pton(AF_INET, v, buf) != 1 && inet_pton(AF_INET6, v, buf) != 1) {
                fprintf(stderr, "massebank-server: --trusted-proxy: '%s' is not an IP address\n",
                        v);
                return 2;
            }
            cfg.trusted_proxy = v;
        } else if (strcmp(a, "--public-url") == 0) {
            size_t n = strlen(v);
            if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) || n > 250 ||
                v[n - 1] == '/' || strpbrk(v, " <>\"\r\n\t#?")) {
                fprintf(stderr, "massebank-server: --public-url: '%s' is not an http(s) URL "
                        "without a trailing slash\n", v);
                return 2;
            }
            cfg.public_url = v;
        } else if (strcmp(a, "--smtp") == 0)
            smtp = v;
        else if (strcmp(a, "--smtp-from") == 0)
            smtp_from = v;
        else if (strcmp(a, "--smtp-credentials") == 0)
            smtp_cred = v;
        else if (strcmp(a, "--smtp-tls") == 0)
            smtp_tls = v;
        else if (strcmp(a, "--smtp-ca") == 0)
            smtp_ca = v;
        else if (strcmp(a, "--alert-interval") == 0) {
            if (!int_arg(v, 1, 3600, &cfg.alert_interval)) {
                fprintf(stderr, "massebank-server: --alert-interval: '%s' is not 1-3600 "
                        "seconds\n", v);
                return 2;
            }
        } else if (strcmp(a, "--digest-period") == 0) {
            if (!int_arg(v, 1, 30 * 86400, &cfg.digest_period)) {
                fprintf(stderr, "massebank-server: --digest-period: '%s' is not 1-2592000 "
                        "seconds\n", v);
                return 2;
            }
        } else if (strcmp(a, "--cors") == 0)
            cfg.cors_origin = v;
        else if (strcmp(a, "--threads") == 0) {
            if (!int_arg(v, 1, 64, &cfg.threads)) {
                fprintf(stderr, "massebank-server: --threads: '%s' is not 1-64\n", v);
                return 2;
            }
        } else if (strcmp(a, "--log") == 0) {
            if (strcmp(v, "off") == 0)
                cfg.log = NULL;
            else if (strcmp(v, "-") != 0) {
                logfile = fopen(v, "a");
                if (!logfile) {
                    fprintf(stderr, "massebank-server: --log: cannot open %s: %s\n", v,
                            MB_ERRNO_TEXT(errno));
                    return 1;
                }
                cfg.log = logfile;
            }
        } else {
            fprintf(stderr, "massebank-server: unknown option %s\n%s", a, usage);
            return 2;
        }
    }
    if (!smtp && (smtp_cred || smtp_tls || smtp_ca)) {
        fprintf(stderr, "massebank-server: --smtp-credentials, --smtp-tls and --smtp-ca "
                "need --smtp HOST:PORT\n");
        return 2;
    }
    if (smtp) {
        struct mb_error serr;
        if (mb_smtp_config(&relay, smtp, smtp_from, smtp_cred, smtp_tls, smtp_ca, &serr) != 0) {
            fprintf(stderr, "massebank-server: %s: %s\n", serr.field, serr.message);
            return 2;
        }
        cfg.smtp = &relay;
    }
    /* Block the stop signals before any thread starts, so every thread
     * inherits the mask and sigwait below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct mb_server *srv;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_server_start(&srv, &cfg, &err) != 0) {
        fprintf(stderr, "massebank-server: %s%s%s\n", err.field, err.field[0] ? ": " : "",
                err.message);
        if (logfile)
            fclose(logfile);
        return 1;
    }
    printf("massebank-server: listening on http://%s:%d/ (database %s)\n",
           cfg.host ? cfg.host : "127.0.0.1", mb_server_port(srv), cfg.db_path);
    const char *const *logins = mb_server_demo_logins(srv);
    if (logins[0]) {
        printf("massebank-server: loaded the Trondheim demo region; demo logins "
               "(e-mail password role):\n");
        for (size_t i = 0; logins[i]; i++)
            printf("  %s\n", logins[i]);
    }
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    printf("massebank-server: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    mb_server_stop(srv);
    if (logfile)
        fclose(logfile);
    return 0;
}
