/*
 * args.c - error printing, option matching and output writing shared by
 * the CLI commands (see cli.h).
 *
 * Output files (-o) are written atomically: a temporary file made with
 * mkstemp in the target's own directory (so rename cannot cross file
 * systems), synced, then renamed over the target. An existing target keeps
 * its permissions; a symbolic link is written through to the file it
 * names; devices and pipes are written directly; "-" means standard
 * output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/text.h"

int cli_fail(const struct mb_error *err)
{
    if (err->field[0])
        fprintf(stderr, "massebank: %s: %s\n", err->field, err->message);
    else
        fprintf(stderr, "massebank: %s\n", err->message);
    /* One taxonomy (core/error.h): the input's fault (refused, not found,
     * conflict, forbidden, stale, a file the user named) exits 1; a busy store 4 (try
     * again); everything else is an internal failure, 3. */
    switch (err->code) {
    case MB_EINVAL:
    case MB_ENOTFOUND:
    case MB_ECONFLICT:
    case MB_EFORBIDDEN:
    case MB_ESTALE:
    case MB_EIO:
        return EXIT_REFUSED;
    case MB_EBUSY:
        return EXIT_BUSY;
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

/* Follow symbolic links from `path` to the file they name (which may not
 * exist yet), so the output replaces that file and the link stays a link.
 * Returns 0 with the path in out (size n), or fills err. */
static int resolve_links(const char *path, char *out, size_t n, struct mb_error *err)
{
    if (!mb_text_copy(out, n, path))
        return mb_error_set(err, MB_EINVAL, "-o", "file name too long");
    for (int hops = 0; hops < 40; hops++) {
        struct stat st;
        if (lstat(out, &st) != 0 || !S_ISLNK(st.st_mode))
            return 0;
        char link[4096], next[4096];
        ssize_t k = readlink(out, link, sizeof link - 1);
        if (k < 0)
            return mb_error_set(err, MB_EIO, "-o", "cannot follow the link %s: %s",
                                path, MB_ERRNO_TEXT(errno));
        link[k] = '\0';
        const char *slash = strrchr(out, '/');
        int dirlen = slash && link[0] != '/' ? (int)(slash - out) + 1 : 0;
        if ((size_t)k >= sizeof link - 1 ||
            (size_t)snprintf(next, sizeof next, "%.*s%s", dirlen, out, link) >=
                sizeof next || !mb_text_copy(out, n, next))
            return mb_error_set(err, MB_EINVAL, "-o", "file name too long");
    }
    return mb_error_set(err, MB_EINVAL, "-o", "%s: too many levels of symbolic "
                        "links", path);
}

int cli_out_open(struct cli_out *o, const char *path, const char *flag,
                 struct mb_error *err)
{
    memset(o, 0, sizeof *o);
    o->flag = flag;
    o->path = path;
    if (!path || !*path)
        return mb_error_set(err, MB_EINVAL, flag, "the file name is empty");
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return mb_error_set(err, MB_EIO, flag, "cannot write %s: it is a directory",
                            path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or a pipe (/dev/null, /dev/stdout): nothing to replace, so
         * write to it as it is. */
        o->f = fopen(path, "w");
        if (!o->f)
            return mb_error_set(err, MB_EIO, flag, "cannot write %s: %s", path,
                                MB_ERRNO_TEXT(errno));
        o->direct = true;
        return 0;
    }
    /* A new file beside the target, renamed over it only when complete: a
     * failed write leaves the old file as it was. mkstemp creates the name
     * with O_EXCL, so a planted file or link there is never followed. */
    int rc = resolve_links(path, o->target, sizeof o->target, err);
    if (rc)
        return rc;
    const char *slash = strrchr(o->target, '/');
    o->dirlen = slash ? (int)(slash - o->target) + 1 : 0;
    /* A short name of its own, so a target name near NAME_MAX still works. */
    if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%.*s.massebank-XXXXXX", o->dirlen,
                         o->target) >= sizeof o->tmp)
        return mb_error_set(err, MB_EINVAL, flag, "file name too long");
    mode_t mode;
    if (stat(o->target, &st) == 0) {
        mode = st.st_mode & 0777; /* keep the old file's permissions */
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask; /* what creating the file directly would give */
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0)
        return mb_error_set(err, MB_EIO, flag, "cannot create %s: %s", path,
                            MB_ERRNO_TEXT(errno));
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        return mb_error_set(err, MB_EIO, flag, "cannot create %s: %s", path,
                            MB_ERRNO_TEXT(e));
    }
    return 0;
}

void cli_out_abort(struct cli_out *o)
{
    if (o->f)
        fclose(o->f);
    if (o->f && !o->direct)
        unlink(o->tmp);
    o->f = NULL;
}

int cli_out_commit(struct cli_out *o, struct mb_error *err)
{
    if (!o->f)
        return mb_error_set(err, MB_EIO, o->flag, "cannot write %s", o->path);
    int bad = fflush(o->f) != 0 || ferror(o->f) || (!o->direct && fsync(fileno(o->f)) != 0);
    int e = errno;
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (!bad && !o->direct && rename(o->tmp, o->target) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        if (!o->direct)
            unlink(o->tmp);
        return mb_error_set(err, MB_EIO, o->flag, "cannot write %s: %s", o->path,
                            MB_ERRNO_TEXT(e ? e : EIO));
    }
    if (o->direct)
        return 0;
    /* Make the rename itself durable (best effort: not every file system
     * lets a directory be synced). */
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", o->dirlen ? o->dirlen : 1,
             o->dirlen ? o->target : ".");
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        if (fsync(dfd) != 0) {
            /* the file is written and renamed; only durability is weaker */
        }
        close(dfd);
    }
    return 0;
}

int cli_write_output(const char *path, const char *text, size_t len,
                     struct mb_error *err)
{
    if (!path || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
            return mb_error_set(err, MB_EIO, "output", "cannot write to standard "
                                "output");
        return 0;
    }
    struct cli_out o;
    int rc = cli_out_open(&o, path, "-o", err);
    if (rc)
        return rc;
    if (fwrite(text, 1, len, o.f) != len) {
        int e = errno;
        cli_out_abort(&o);
        return mb_error_set(err, MB_EIO, "-o", "cannot write %s: %s", path, MB_ERRNO_TEXT(e));
    }
    return cli_out_commit(&o, err);
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

/* Print one CSV field, followed by `end` (',' or '\n'). */
void cli_csv_field(FILE *f, const char *s, char end)
{
    size_t n = strlen(s);
    bool quote = strpbrk(s, ",;\"\r\n") != NULL || s[0] == '#' ||
                 (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                        s[n - 1] == '\t'));
    if (!quote) {
        fputs(s, f);
    } else {
        fputc('"', f);
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    }
    fputc(end, f);
}
