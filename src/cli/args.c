/*
 * args.c - error printing, option matching and output writing shared by
 * the CLI commands (see cli.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_fail(const struct mb_error *err)
{
    if (err->field[0])
        fprintf(stderr, "massebank: %s: %s\n", err->field, err->message);
    else
        fprintf(stderr, "massebank: %s\n", err->message);
    switch (err->code) {
    case MB_EINVAL:
    case MB_ENOTFOUND:
    case MB_EIO: /* a file the user named cannot be read or written */
        return EXIT_REFUSED;
    default:
        return EXIT_INTERNAL;
    }
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "massebank %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n(see 'massebank help %s')\n", cmd);
    return EXIT_USAGE;
}

void cli_pad(FILE *f, const char *s, int width)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    fputs(s, f);
    for (; chars < width; chars++)
        fputc(' ', f);
}

void cli_print_json(FILE *f, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (s) {
        fprintf(f, "%s\n", s);
        free(s);
    }
}

int cli_write_output(const char *path, const char *text, size_t len,
                     struct mb_error *err)
{
    if (!path) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
            return mb_error_set(err, MB_EIO, "output", "cannot write to standard "
                                "output");
        return 0;
    }
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >=
        sizeof tmp)
        return mb_error_set(err, MB_EINVAL, "-o", "file name too long");
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return mb_error_set(err, MB_EIO, "-o", "cannot create %s: %s", path,
                            strerror(errno));
    int bad = fwrite(text, 1, len, f) != len;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return mb_error_set(err, MB_EIO, "-o", "cannot write %s: %s", path,
                            strerror(e));
    }
    return 0;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name,
                  const char **val, const char *cmd)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        cli_usage(cmd, "option %s needs a value", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}
