/*
 * limiter.c - login attempt limiter: at most MAX_PER_EMAIL failed attempts
 * per e-mail and MAX_PER_CLIENT per client address within WINDOW seconds;
 * then further attempts are refused (429) until the oldest failure leaves
 * the window. Kept in memory: a restart forgets it, which only helps an
 * attacker who can restart the server.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "server/srv.h"

#define WINDOW 900.0
#define MAX_PER_EMAIL 5
#define MAX_PER_CLIENT 20
#define MAX_KEYS 4096

struct entry {
    char key[136];      /* "e:<email>" or "c:<address>" */
    double times[MAX_PER_CLIENT];
    int n;
};

struct mb_limiter {
    pthread_mutex_t lock;
    struct entry *items;
    size_t n;
};

struct mb_limiter *mb_limiter_new(void)
{
    struct mb_limiter *l = mb_xcalloc(1, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
    l->items = mb_xcalloc(MAX_KEYS, sizeof *l->items);
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

static void expire(struct entry *e, double now)
{
    int k = 0;
    for (int i = 0; i < e->n; i++)
        if (now - e->times[i] < WINDOW)
            e->times[k++] = e->times[i];
    e->n = k;
}

static struct entry *find(struct mb_limiter *l, char kind, const char *what, bool create,
                          double now)
{
    char key[136];
    snprintf(key, sizeof key, "%c:%s", kind, what);
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].key, key) == 0)
            return &l->items[i];
    if (!create)
        return NULL;
    if (l->n == MAX_KEYS) {
        /* Drop entries with no recent failure. */
        size_t k = 0;
        for (size_t i = 0; i < l->n; i++) {
            expire(&l->items[i], now);
            if (l->items[i].n)
                l->items[k++] = l->items[i];
        }
        l->n = k;
        if (l->n == MAX_KEYS)
            l->n--; /* overwrite the newest key: still bounded */
    }
    struct entry *e = &l->items[l->n++];
    memset(e, 0, sizeof *e);
    mb_text_copy(e->key, sizeof e->key, key);
    return e;
}

static int wait_of(struct entry *e, int max, double now)
{
    if (!e)
        return 0;
    expire(e, now);
    if (e->n < max)
        return 0;
    double oldest = e->times[0];
    for (int i = 1; i < e->n; i++)
        if (e->times[i] < oldest)
            oldest = e->times[i];
    int w = (int)(WINDOW - (now - oldest)) + 1;
    return w > 0 ? w : 1;
}

int mb_limiter_wait(struct mb_limiter *l, const char *email, const char *client, double now)
{
    pthread_mutex_lock(&l->lock);
    int a = wait_of(find(l, 'e', email, false, now), MAX_PER_EMAIL, now);
    int b = wait_of(find(l, 'c', client, false, now), MAX_PER_CLIENT, now);
    pthread_mutex_unlock(&l->lock);
    return a > b ? a : b;
}

static void add(struct entry *e, int max, double now)
{
    expire(e, now);
    if (e->n < max)
        e->times[e->n++] = now;
}

int mb_limiter_fail(struct mb_limiter *l, const char *email, const char *client, double now)
{
    pthread_mutex_lock(&l->lock);
    struct entry *e = find(l, 'e', email, true, now);
    int before = wait_of(e, MAX_PER_EMAIL, now);
    add(e, MAX_PER_EMAIL, now);
    int after = wait_of(e, MAX_PER_EMAIL, now);
    add(find(l, 'c', client, true, now), MAX_PER_CLIENT, now);
    pthread_mutex_unlock(&l->lock);
    return before == 0 && after > 0 ? after : 0;
}

int mb_limiter_max_per_email(void)
{
    return MAX_PER_EMAIL;
}

void mb_limiter_success(struct mb_limiter *l, const char *email)
{
    pthread_mutex_lock(&l->lock);
    struct entry *e = find(l, 'e', email, false, 0);
    if (e)
        e->n = 0;
    pthread_mutex_unlock(&l->lock);
}
