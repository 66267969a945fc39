/*
 * alloc.h - the one allocation wrapper of libmassebank.
 *
 * Allocation failure is not an input error the caller can fix, so these
 * wrappers abort with a message instead of returning NULL (the policy of
 * Redis and h2o). Every other module allocates through them; ownership of
 * the returned memory passes to the caller, who frees it with free().
 */
#ifndef MB_CORE_ALLOC_H
#define MB_CORE_ALLOC_H

#include <stddef.h>

/* Keep freed memory in the process instead of handing it back to the
 * kernel at once (glibc's malloc; elsewhere a no-op). A plan allocates
 * and frees arrays of the model's size (a region's: a few MB each,
 * hundreds of MB in all) on every solve; given back, each new solve
 * faults every page in again, which on this project's virtual machines
 * cost more than the simplex: a what-if re-plan of the Trondheim-like
 * region took a median 160 ms, 55 ms with the memory kept (massebank
 * whatif, 20 changes, in the CLI). It raises glibc's trim threshold to
 * 2 GB and caps its mmap threshold at 32 MB: blocks above that are still
 * mapped apart and returned. The main thread's heap then keeps up to
 * 2 GB of free memory until exit; other threads' arenas follow the same
 * threshold when glibc trims them, less strictly (measured in the CLI
 * only; the server's what-ifs run on its pool threads and were not
 * timed). If the operator has set glibc's malloc tunables in the
 * environment (GLIBC_TUNABLES, MALLOC_TRIM_THRESHOLD_,
 * MALLOC_MMAP_THRESHOLD_), they are left to rule. Programs call this once
 * at start, before starting threads. */
void mb_alloc_keep_freed(void);

/* Hand free memory back to the kernel now, from every arena (glibc's
 * malloc_trim; elsewhere a no-op): the server calls it after each plan
 * job, so a national-size job (peak about 2.4 GB) does not leave the
 * server that large. */
void mb_alloc_release_freed(void);

void *mb_xmalloc(size_t size);
void *mb_xcalloc(size_t count, size_t size);
void *mb_xrealloc(void *ptr, size_t size);
/* Grow an array of `size`-byte items to hold at least `need` items;
 * *cap is updated. Overflow aborts like an allocation failure. */
void *mb_xgrow(void *ptr, size_t *cap, size_t need, size_t size);
/* A count as an int index (Clp and the LP file use int): aborts like an
 * allocation failure when it does not fit, since a model that large could
 * not be held in memory either. */
int mb_xint(size_t count);
char *mb_xstrdup(const char *s);
char *mb_xstrndup(const char *s, size_t n);
/* json_dumps of an object or array (jansson's flags); jansson fails there
 * only when memory runs out, so this aborts like mb_xmalloc instead of
 * returning NULL. */
typedef struct json_t json_t;
char *mb_xjson_dumps(const json_t *json, size_t flags);

#endif
