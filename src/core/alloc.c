/*
 * alloc.c - allocation wrappers that abort on failure (see alloc.h).
 */
#include "core/alloc.h"

#include <jansson.h>
#include <limits.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mb_alloc_keep_freed(void)
{
#if defined(__GLIBC__)
    if (getenv("GLIBC_TUNABLES") || getenv("MALLOC_TRIM_THRESHOLD_") ||
        getenv("MALLOC_MMAP_THRESHOLD_"))
        return;
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

void mb_alloc_release_freed(void)
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

static void oom(size_t size)
{
    fprintf(stderr, "massebank: out of memory allocating %zu bytes\n", size);
    abort();
}

int mb_xint(size_t count)
{
    if (count > (size_t)INT_MAX) {
        fprintf(stderr, "massebank: %zu is more than the solver can index\n", count);
        abort();
    }
    return (int)count;
}

void *mb_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *mb_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        oom(count * size);
    return p;
}

void *mb_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *mb_xgrow(void *ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return ptr;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            oom(SIZE_MAX);
        n *= 2;
    }
    if (size && n > SIZE_MAX / size)
        oom(SIZE_MAX);
    ptr = mb_xrealloc(ptr, n * size);
    *cap = n;
    return ptr;
}

char *mb_xstrdup(const char *s)
{
    return mb_xstrndup(s, strlen(s));
}

char *mb_xstrndup(const char *s, size_t n)
{
    char *p = mb_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *mb_xjson_dumps(const json_t *json, size_t flags)
{
    char *text = json_dumps(json, flags);
    if (!text) {
        fprintf(stderr, "massebank: out of memory writing JSON\n");
        abort();
    }
    return text;
}
