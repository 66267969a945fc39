/*
 * store/store_names.c - the stable names of roles, site types, statuses
 * and job states, and the release/copy helpers of the store's records
 * (see store.h).
 *
 * The names are the API's and also what the SQLite schema stores (its
 * CHECK constraints list the same words), so a database never depends on
 * the numbering of the C enums. Parsing is exact (lower case); the API
 * layer decides whether to fold case before calling.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static const char *const role_names[MB_ROLE_COUNT] = {
    [MB_ROLE_DEVELOPER] = "developer",
    [MB_ROLE_CONTRACTOR] = "contractor",
    [MB_ROLE_HAULER] = "hauler",
    [MB_ROLE_OPERATOR] = "operator",
    [MB_ROLE_MUNICIPALITY] = "municipality",
    [MB_ROLE_ADMIN] = "admin",
};

static const char *const type_names[MB_TYPE_COUNT] = {
    [MB_TYPE_SUPPLY] = "supply",
    [MB_TYPE_NEED] = "need",
    [MB_TYPE_LANDFILL] = "landfill",
    [MB_TYPE_STORAGE] = "storage",
    [MB_TYPE_PLANT] = "plant",
    [MB_TYPE_QUARRY] = "quarry",
};

static const char *const status_names[MB_STATUS_COUNT] = {
    [MB_STATUS_DRAFT] = "draft",
    [MB_STATUS_PUBLISHED] = "published",
    [MB_STATUS_RESERVED] = "reserved",
    [MB_STATUS_CLOSED] = "closed",
};

static const char *const job_state_names[] = {
    [MB_JOB_QUEUED] = "queued",
    [MB_JOB_RUNNING] = "running",
    [MB_JOB_DONE] = "done",
    [MB_JOB_FAILED] = "failed",
};

/* Index of s in names[0..n), or -1 (also for NULL). */
static int parse_name(const char *const *names, int n, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *mb_role_name(enum mb_role r)
{
    return (unsigned)r < MB_ROLE_COUNT ? role_names[r] : "unknown";
}

int mb_role_parse(const char *s)
{
    return parse_name(role_names, MB_ROLE_COUNT, s);
}

const char *mb_site_type_name(enum mb_site_type t)
{
    return (unsigned)t < MB_TYPE_COUNT ? type_names[t] : "unknown";
}

int mb_site_type_parse(const char *s)
{
    return parse_name(type_names, MB_TYPE_COUNT, s);
}

const char *mb_status_name(enum mb_status s)
{
    return (unsigned)s < MB_STATUS_COUNT ? status_names[s] : "unknown";
}

int mb_status_parse(const char *s)
{
    return parse_name(status_names, MB_STATUS_COUNT, s);
}

const char *mb_job_state_name(enum mb_job_state s)
{
    return (unsigned)s <= MB_JOB_FAILED ? job_state_names[s] : "unknown";
}

void mb_site_rec_release(struct mb_site_rec *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nmaterials; i++)
        free(r->materials[i]);
    free(r->materials);
    free(r->keywords);
    free(r->limits);
    free(r->doc);
    r->materials = NULL;
    r->nmaterials = 0;
    r->keywords = r->limits = r->doc = NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? mb_xstrdup(s) : NULL;
}

void mb_site_rec_copy(struct mb_site_rec *dst, const struct mb_site_rec *src)
{
    *dst = *src;
    dst->materials = NULL;
    if (src->nmaterials) {
        dst->materials = mb_xcalloc(src->nmaterials, sizeof *dst->materials);
        for (size_t i = 0; i < src->nmaterials; i++)
            dst->materials[i] = dup_or_null(src->materials[i]);
    }
    dst->keywords = dup_or_null(src->keywords);
    dst->limits = dup_or_null(src->limits);
    dst->doc = dup_or_null(src->doc);
}

void mb_site_page_release(struct mb_site_page *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        mb_site_rec_release(&p->items[i]);
    free(p->items);
    p->items = NULL;
    p->n = 0;
    p->total = 0;
}

void mb_job_release(struct mb_job *j)
{
    if (!j)
        return;
    free(j->request);
    free(j->result);
    free(j->words);
    j->request = j->result = j->words = NULL;
}
