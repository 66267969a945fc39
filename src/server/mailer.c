/*
 * mailer.c - the alert thread: every few seconds (and when a listing was
 * written) it runs the alert pass over the sites changed since the last
 * one (market/alerts.h: notifications and mails in one transaction),
 * queues the daily digests that are due, and, when a relay is
 * configured, sends what the outbox holds (exchange/smtp.h), one mail at
 * a time: claimed (a lease of MAIL_LEASE seconds), sent, marked sent. A
 * relay that fails is tried again later, at doubling intervals, up to
 * MAIL_TRIES times; a mail it refuses for good (5xx) is marked failed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "exchange/smtp.h"
#include "market/alerts.h"
#include "server/srv.h"

#define MAIL_LEASE 60
#define MAIL_TRIES 8
#define MAIL_FIRST_RETRY 60
#define ALERT_BATCH 64
#define MAIL_BATCH 50 /* mails per round, so alerts never wait for a long queue */

struct mb_mailer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop, pending;
};

static bool stopping(struct mb_mailer *ml)
{
    pthread_mutex_lock(&ml->lock);
    bool stop = ml->stop;
    pthread_mutex_unlock(&ml->lock);
    return stop;
}

static void log_error(const char *what, const struct mb_error *err)
{
    fprintf(stderr, "massebank-server: %s: %s%s%s\n", what, err->field,
            err->field[0] ? ": " : "", err->message);
}

static void send_due(struct mb_srv *s, struct mb_store *st)
{
    for (int sent = 0; sent < MAIL_BATCH; sent++) {
        if (stopping(s->mailer))
            return;
        int64_t now = (int64_t)time(NULL);
        struct mb_mail m;
        bool found;
        struct mb_error err;
        if (mb_store_outbox_claim(st, now, MAIL_LEASE, &m, &found, &err) != 0) {
            log_error("outbox", &err);
            return;
        }
        if (!found)
            return;
        bool permanent;
        struct mb_error serr;
        mb_error_clear(&serr);
        int rc = mb_smtp_send(s->cfg.smtp, &m, &permanent, &serr);
        int64_t next = 0;
        if (rc && !permanent && m.attempts < MAIL_TRIES)
            next = now + ((int64_t)MAIL_FIRST_RETRY << (m.attempts - 1));
        if (rc)
            fprintf(stderr, "massebank-server: mail %lld to %s: %s%s\n", (long long)m.id, m.to,
                    serr.message, next ? " (will try again)" : " (given up)");
        if (mb_store_outbox_done(st, m.id, rc ? serr.message : NULL, (int64_t)time(NULL), next,
                                 &err) != 0)
            log_error("outbox", &err);
        mb_mail_release(&m);
        if (rc)
            return; /* the relay is failing: wait for the next round */
    }
    /* More are due: the next round comes at once. */
    mb_mailer_notify(s);
}

static void round_once(struct mb_srv *s, struct mb_store *st)
{
    struct mb_alerts_config cfg = { s->base_url, s->cfg.digest_period };
    struct mb_error err;
    bool more = true;
    while (more && !stopping(s->mailer)) {
        size_t raised;
        if (mb_alerts_run(st, &s->market, &cfg, ALERT_BATCH, &raised, &more, &err) != 0) {
            /* Another process took these changes (it moved the cursor
             * first); the next round goes on from there. */
            if (err.code != MB_ECONFLICT && err.code != MB_EBUSY)
                log_error("alerts", &err);
            break;
        }
    }
    size_t queued;
    if (mb_alerts_digest(st, &s->market, &cfg, (int64_t)time(NULL), &queued, &err) != 0 &&
        err.code != MB_EBUSY)
        log_error("digest", &err);
    if (s->cfg.smtp)
        send_due(s, st);
}

static void *worker(void *arg)
{
    struct mb_srv *s = arg;
    struct mb_mailer *ml = s->mailer;
    struct mb_store *st = NULL;
    struct mb_error err;
    for (;;) {
        pthread_mutex_lock(&ml->lock);
        if (!ml->stop && !ml->pending) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += s->cfg.alert_interval;
            pthread_cond_timedwait(&ml->wake, &ml->lock, &until);
        }
        bool stop = ml->stop;
        ml->pending = false;
        pthread_mutex_unlock(&ml->lock);
        if (stop)
            break;
        if (!st && mb_store_open(&st, s->db_path, &err) != 0) {
            log_error("alerts", &err);
            st = NULL;
            continue;
        }
        round_once(s, st);
    }
    mb_store_close(st);
    return NULL;
}

int mb_mailer_start(struct mb_srv *s, struct mb_error *err)
{
    struct mb_mailer *ml = mb_xcalloc(1, sizeof *ml);
    pthread_mutex_init(&ml->lock, NULL);
    pthread_cond_init(&ml->wake, NULL);
    ml->pending = true; /* a first round at once: mail left by a crash goes out */
    s->mailer = ml;
    if (pthread_create(&ml->thread, NULL, worker, s) != 0) {
        pthread_mutex_destroy(&ml->lock);
        pthread_cond_destroy(&ml->wake);
        free(ml);
        s->mailer = NULL;
        return mb_error_set(err, MB_EINTERNAL, "", "cannot start the alert thread");
    }
    return 0;
}

void mb_mailer_notify(struct mb_srv *s)
{
    if (!s->mailer)
        return;
    pthread_mutex_lock(&s->mailer->lock);
    s->mailer->pending = true;
    pthread_cond_signal(&s->mailer->wake);
    pthread_mutex_unlock(&s->mailer->lock);
}

void mb_mailer_stop(struct mb_srv *s)
{
    struct mb_mailer *ml = s->mailer;
    if (!ml)
        return;
    pthread_mutex_lock(&ml->lock);
    ml->stop = true;
    pthread_cond_signal(&ml->wake);
    pthread_mutex_unlock(&ml->lock);
    pthread_join(ml->thread, NULL);
    pthread_mutex_destroy(&ml->lock);
    pthread_cond_destroy(&ml->wake);
    free(ml);
    s->mailer = NULL;
}
