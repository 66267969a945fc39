/*
 * csvtable.c - read a CSV buffer into a table with libcsv (see csvtable.h).
 *
 * libcsv is a streaming parser with field and row callbacks. We feed it one
 * line at a time so the row callback knows the line number, and we drop
 * comment lines before they reach it (only at the start of a line that is
 * not inside a quoted field, which we track by counting quotes).
 */
#include "core/csvtable.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"

struct parse_state {
    struct mb_csv_table *t;
    const char *name;
    size_t line;
    char **fields; /* fields of the row being read */
    size_t nfields, cap_fields;
    int failed;
    struct mb_error *err;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct parse_state *st = ctx;
    if (st->failed)
        return;
    st->fields = mb_xgrow(st->fields, &st->cap_fields, st->nfields + 1,
                          sizeof *st->fields);
    char *f = mb_xstrndup(data ? data : "", data ? len : 0);
    st->fields[st->nfields++] = mb_text_trim(f);
}

static void free_fields(char **f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i]);
    free(f);
}

static void on_row(int term, void *ctx)
{
    (void)term;
    struct parse_state *st = ctx;
    struct mb_csv_table *t = st->t;
    if (st->failed)
        goto reset;
    /* A row of one empty field is a blank line: skip it. */
    if (st->nfields == 1 && st->fields[0][0] == '\0')
        goto reset;
    if (!t->header) {
        t->header = st->fields;
        t->ncols = st->nfields;
        st->fields = NULL;
        st->cap_fields = 0;
        st->nfields = 0;
        for (size_t i = 0; i < t->ncols; i++) {
            if (!t->header[i][0]) {
                st->failed = mb_error_set(st->err, MB_EINVAL, "", "%s line %zu: "
                    "column %zu of the header has no name", st->name, st->line, i + 1);
                return;
            }
        }
        return;
    }
    if (st->nfields != t->ncols) {
        st->failed = mb_error_set(st->err, MB_EINVAL, "", "%s line %zu: %zu fields, "
            "but the header has %zu", st->name, st->line, st->nfields, t->ncols);
        goto reset;
    }
    t->rows = mb_xgrow(t->rows, &t->cap_rows, t->nrows + 1, sizeof *t->rows);
    t->rows[t->nrows].line = st->line;
    t->rows[t->nrows].fields = st->fields;
    t->nrows++;
    st->fields = NULL;
    st->cap_fields = 0;
    st->nfields = 0;
    return;
reset:
    free_fields(st->fields, st->nfields);
    st->fields = NULL;
    st->cap_fields = 0;
    st->nfields = 0;
}

static void add_note(struct mb_csv_table *t, const char *s, size_t n)
{
    t->notes = mb_xgrow(t->notes, &t->cap_notes, t->nnotes + 1, sizeof *t->notes);
    char *note = mb_xstrndup(s, n);
    t->notes[t->nnotes++] = mb_text_trim(note);
}

/* Pick ';' if the header line has more of them than commas (outside quotes). */
static char detect_delimiter(const char *line, size_t n)
{
    size_t commas = 0, semis = 0;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (!quoted && line[i] == ',')
            commas++;
        else if (!quoted && line[i] == ';')
            semis++;
    }
    return semis > commas ? ';' : ',';
}

int mb_csv_parse(struct mb_csv_table *t, const char *buf, size_t len,
                 const char *name, struct mb_error *err)
{
    memset(t, 0, sizeof *t);
    size_t bad = 0;
    if (!mb_utf8_valid(buf, len, &bad)) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += buf[i] == '\n';
        return mb_error_set(err, MB_EINVAL, "", "%s line %zu: not valid UTF-8 "
            "(save the file as UTF-8)", name, line);
    }
    if (memchr(buf, '\0', len))
        return mb_error_set(err, MB_EINVAL, "", "%s: contains a NUL byte; "
            "not a text file", name);
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        buf += 3;
        len -= 3;
    }

    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return mb_error_set(err, MB_EIO, "", "cannot start the CSV parser");
    struct parse_state st = { .t = t, .name = name, .err = err };
    int quoted = 0;
    int have_delim = 0;
    size_t pos = 0;
    while (pos < len && !st.failed) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) + 1 : len;
        const char *line = buf + pos;
        size_t n = end - pos;
        st.line++;
        if (!quoted && n > 0 && line[0] == '#') {
            size_t k = n;
            while (k && (line[k - 1] == '\n' || line[k - 1] == '\r'))
                k--;
            add_note(t, line + 1, k - 1);
            pos = end;
            continue;
        }
        if (!have_delim && !quoted) {
            size_t k = n;
            while (k && (line[k - 1] == '\n' || line[k - 1] == '\r' ||
                         line[k - 1] == ' '))
                k--;
            if (k > 0) {
                csv_set_delim(&p, (unsigned char)detect_delimiter(line, k));
                t->delimiter = detect_delimiter(line, k);
                have_delim = 1;
            }
        }
        for (size_t i = 0; i < n; i++)
            if (line[i] == '"')
                quoted = !quoted;
        if (csv_parse(&p, line, n, on_field, on_row, &st) != n) {
            if (!st.failed)
                st.failed = mb_error_set(err, MB_EINVAL, "", "%s line %zu: %s",
                    name, st.line, csv_strerror(csv_error(&p)));
            break;
        }
        pos = end;
    }
    if (!st.failed && quoted)
        st.failed = mb_error_set(err, MB_EINVAL, "", "%s line %zu: a quote is not "
                                 "closed", name, st.line);
    if (!st.failed && csv_fini(&p, on_field, on_row, &st) != 0 && !st.failed)
        st.failed = mb_error_set(err, MB_EINVAL, "", "%s line %zu: %s "
            "(a quote is not closed?)", name, st.line, csv_strerror(csv_error(&p)));
    csv_free(&p);
    free_fields(st.fields, st.nfields);
    if (!st.failed && !t->header)
        st.failed = mb_error_set(err, MB_EINVAL, "", "%s: no header row", name);
    if (st.failed) {
        mb_csv_release(t);
        return st.failed;
    }
    return 0;
}

int mb_csv_read_file(struct mb_csv_table *t, const char *path,
                     size_t max_bytes, struct mb_error *err)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return mb_error_set(err, MB_EIO, "file", "cannot open %s: %s", path,
                            strerror(errno));
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int rc = 0;
    for (;;) {
        buf = mb_xgrow(buf, &cap, n + 65536, 1);
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max_bytes) {
            rc = mb_error_set(err, MB_EINVAL, "file", "%s is larger than %zu bytes",
                              path, max_bytes);
            goto out;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = mb_error_set(err, MB_EIO, "file", "cannot read %s", path);
        goto out;
    }
    const char *base = strrchr(path, '/');
    rc = mb_csv_parse(t, buf, n, base ? base + 1 : path, err);
out:
    free(buf);
    fclose(f);
    return rc;
}

int mb_csv_column(const struct mb_csv_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (mb_text_casecmp(t->header[i], name) == 0)
            return (int)i;
    return -1;
}

const char *mb_csv_get(const struct mb_csv_row *r, int col)
{
    return col < 0 ? "" : r->fields[col];
}

void mb_csv_release(struct mb_csv_table *t)
{
    if (!t)
        return;
    if (t->header)
        free_fields(t->header, t->ncols);
    for (size_t i = 0; i < t->nrows; i++)
        free_fields(t->rows[i].fields, t->ncols);
    free(t->rows);
    if (t->notes)
        free_fields(t->notes, t->nnotes);
    memset(t, 0, sizeof *t);
}
