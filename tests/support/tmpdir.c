/*
 * tmpdir.c - temporary directories and files for tests (see tmpdir.h).
 */
#include "support/tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *mkdtemp(char *template);

const char *tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/mbtest.XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            abort();
        }
    }
    return dir;
}

char *tmpfile_path(const char *name)
{
    size_t n = strlen(tmpdir()) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", tmpdir(), name);
    return p;
}

char *tmpfile_write_n(const char *name, const char *data, size_t n)
{
    char *p = tmpfile_path(name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
        perror(p);
        abort();
    }
    return p;
}

char *tmpfile_write(const char *name, const char *text)
{
    return tmpfile_write_n(name, text, strlen(text));
}

char *file_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}
