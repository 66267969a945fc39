/*
 * limiter.c - the guess limiter of sign-in and password change: at most
 * MAX_PER_EMAIL failed attempts per account (keyed on the e-mail folded
 * as the store folds it, so "UTBYGGER@" and "utbygger@" are one key) and
 * MAX_PER_CLIENT per client address within a window (15 minutes unless
 * the server is told otherwise: --lock-window); then further
 * attempts are refused (429) until the oldest failure leaves the window.
 *
 * The table is bounded without giving an attacker a way to empty it:
 * entries of e-mails that name an account are kept while they hold a
 * failure in the window (there are at most as many as there are
 * accounts), so no amount of other traffic resets an account's count.
 * Entries of unknown e-mails and of client addresses share a bounded
 * number of slots (4,096 unless told otherwise: --lock-table); when they are full the entries with no failure in the window go
 * first, then the one idle the longest. Unknown e-mails are limited like
 * known ones so that a 429 does not tell which addresses have accounts.
 *
 * A lock of a known account is reported once when it ends
 * (mb_limiter_ended), so the audit log holds both the lock and its end.
 * Kept in memory: a restart forgets it, which only helps an attacker who
 * can restart the server.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "server/srv.h"

#define MAX_PER_EMAIL 5
#define MAX_PER_CLIENT 20

struct entry {
    char key[136];        /* "e:<folded e-mail>" or "c:<address>" */
    double times[MAX_PER_CLIENT];
    int n;
    double last;          /* the latest failure */
    int64_t user_id;      /* > 0: the e-mail names this account */
    double locked_until;  /* > 0: a known account's lock not yet reported ended */
    bool lock_noted;      /* the current lock was reported (mb_limiter_failed) */
};

struct mb_limiter {
    pthread_mutex_t lock;
    struct entry *items;
    size_t n, cap;
    size_t evictable;     /* entries without a user_id */
    double window;        /* seconds a failure counts */
    size_t max_keys;      /* bound of the evictable entries */
};

struct mb_limiter *mb_limiter_new(int window, int keys)
{
    struct mb_limiter *l = mb_xcalloc(1, sizeof *l);
    l->window = window > 0 ? window : 900;
    l->max_keys = keys > 0 ? (size_t)keys : 4096;
    pthread_mutex_init(&l->lock, NULL);
    return l;
}

void mb_limiter_free(struct mb_limiter *l)
{
    if (!l)
        return;
    pthread_mutex_destroy(&l->lock);
    free(l->items);
    free(l);
}

static void expire(struct entry *e, double window, double now)
{
    int k = 0;
    for (int i = 0; i < e->n; i++)
        if (now - e->times[i] < window)
            e->times[k++] = e->times[i];
    e->n = k;
}

static void make_key(char key[136], char kind, const char *what)
{
    key[0] = kind;
    key[1] = ':';
    if (kind == 'e')
        mb_text_ascii_lower(key + 2, 134, what);
    else
        mb_text_copy(key + 2, 134, what);
}

static struct entry *lookup(struct mb_limiter *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].key, key) == 0)
            return &l->items[i];
    return NULL;
}

static void remove_at(struct mb_limiter *l, size_t i)
{
    if (!l->items[i].user_id)
        l->evictable--;
    l->items[i] = l->items[--l->n];
}

/* Room for one more evictable entry: idle ones first, then the entry idle
 * the longest. Known accounts' entries are never taken. */
static void make_room(struct mb_limiter *l, double now)
{
    for (size_t i = 0; i < l->n && l->evictable >= l->max_keys;) {
        struct entry *e = &l->items[i];
        expire(e, l->window, now);
        if (!e->user_id && e->n == 0)
            remove_at(l, i);
        else
            i++;
    }
    if (l->evictable < l->max_keys)
        return;
    size_t oldest = l->n;
    for (size_t i = 0; i < l->n; i++)
        if (!l->items[i].user_id && (oldest == l->n || l->items[i].last < l->items[oldest].last))
            oldest = i;
    remove_at(l, oldest);
}

static struct entry *find_or_add(struct mb_limiter *l, const char *key, int64_t user_id,
                                 double now)
{
    struct entry *e = lookup(l, key);
    if (e) {
        if (user_id && !e->user_id) {
            e->user_id = user_id; /* an account now known: no longer evictable */
            l->evictable--;
        }
        return e;
    }
    if (!user_id)
        make_room(l, now);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->items = mb_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    e = &l->items[l->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, sizeof e->key);
    e->user_id = user_id;
    if (!user_id)
        l->evictable++;
    return e;
}

static int wait_of(const struct mb_limiter *l, struct entry *e, int max, double now)
{
    if (!e)
        return 0;
    expire(e, l->window, now);
    if (e->n < max)
        return 0;
    double oldest = e->times[0];
    for (int i = 1; i < e->n; i++)
        if (e->times[i] < oldest)
            oldest = e->times[i];
    int w = (int)(l->window - (now - oldest)) + 1;
    return w > 0 ? w : 1;
}

int mb_limiter_wait(struct mb_limiter *l, const char *email, const char *client, double now)
{
    char ke[136], kc[136];
    make_key(ke, 'e', email);
    make_key(kc, 'c', client);
    pthread_mutex_lock(&l->lock);
    int a = wait_of(l, lookup(l, ke), MAX_PER_EMAIL, now);
    int b = wait_of(l, lookup(l, kc), MAX_PER_CLIENT, now);
    pthread_mutex_unlock(&l->lock);
    return a > b ? a : b;
}

static void add(const struct mb_limiter *l, struct entry *e, int max, double now)
{
    expire(e, l->window, now);
    if (e->n < max)
        e->times[e->n++] = now;
    e->last = now;
}

int mb_limiter_acquire(struct mb_limiter *l, const char *email, const char *client,
                       double now)
{
    char ke[136], kc[136];
    make_key(ke, 'e', email);
    make_key(kc, 'c', client);
    pthread_mutex_lock(&l->lock);
    struct entry *e = lookup(l, ke);
    int a = wait_of(l, e, MAX_PER_EMAIL, now);
    int b = wait_of(l, lookup(l, kc), MAX_PER_CLIENT, now);
    if (e && a == 0)
        e->lock_noted = false; /* any lock it had is over */
    if (a == 0 && b == 0) {
        /* Counted now, before the password is checked: attempts running
         * at once each take a slot, so no more than the limit are ever
         * checked. A right password gives the slot back. */
        add(l, find_or_add(l, ke, 0, now), MAX_PER_EMAIL, now);
        add(l, find_or_add(l, kc, 0, now), MAX_PER_CLIENT, now);
    }
    pthread_mutex_unlock(&l->lock);
    return a > b ? a : b;
}

int mb_limiter_failed(struct mb_limiter *l, const char *email, int64_t user_id, double now)
{
    char ke[136];
    make_key(ke, 'e', email);
    pthread_mutex_lock(&l->lock);
    struct entry *e = lookup(l, ke);
    int locked = 0;
    if (e) {
        if (user_id && !e->user_id) {
            e->user_id = user_id; /* an account: no longer evictable */
            l->evictable--;
        }
        int w = wait_of(l, e, MAX_PER_EMAIL, now);
        if (w > 0 && !e->lock_noted) {
            locked = w;
            e->lock_noted = true;
            if (e->user_id)
                e->locked_until = now + w;
        }
    }
    pthread_mutex_unlock(&l->lock);
    return locked;
}

int mb_limiter_fail(struct mb_limiter *l, const char *email, const char *client,
                    int64_t user_id, double now)
{
    if (mb_limiter_acquire(l, email, client, now))
        return 0;
    return mb_limiter_failed(l, email, user_id, now);
}

int mb_limiter_max_per_email(void)
{
    return MAX_PER_EMAIL;
}

void mb_limiter_success(struct mb_limiter *l, const char *email, const char *client, double slot)
{
    char ke[136], kc[136];
    make_key(ke, 'e', email);
    make_key(kc, 'c', client);
    pthread_mutex_lock(&l->lock);
    struct entry *e = lookup(l, ke);
    if (e && !e->locked_until)
        remove_at(l, (size_t)(e - l->items));
    struct entry *c = lookup(l, kc);
    for (int i = 0; c && i < c->n; i++)
        if (c->times[i] == slot) {
            c->times[i] = c->times[--c->n];
            break;
        }
    pthread_mutex_unlock(&l->lock);
}

size_t mb_limiter_ended(struct mb_limiter *l, double now, struct mb_limiter_end *out,
                        size_t max)
{
    size_t k = 0;
    pthread_mutex_lock(&l->lock);
    for (size_t i = 0; i < l->n && k < max;) {
        struct entry *e = &l->items[i];
        if (e->locked_until > 0 && now >= e->locked_until) {
            out[k].user_id = e->user_id;
            out[k].ago = now - e->locked_until;
            k++;
            e->locked_until = 0;
        }
        expire(e, l->window, now);
        /* A known account's entry with nothing left to count or report. */
        if (e->user_id && e->n == 0 && e->locked_until == 0)
            remove_at(l, i);
        else
            i++;
    }
    pthread_mutex_unlock(&l->lock);
    return k;
}

size_t mb_limiter_size(struct mb_limiter *l)
{
    pthread_mutex_lock(&l->lock);
    size_t n = l->n;
    pthread_mutex_unlock(&l->lock);
    return n;
}
