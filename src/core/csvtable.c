/*
 * csvtable.c - read a CSV buffer into a table with libcsv (see csvtable.h).
 *
 * libcsv is a streaming parser with field and row callbacks. We feed it one
 * physical line at a time (ended by LF, CRLF or a lone CR) so the row
 * callback knows the line number, and we drop '#' note lines before the
 * header before they reach it. Whether a line starts a new record or
 * continues a quoted field is decided by a small copy of libcsv's own
 * quoting state machine (struct quote_track), so the two never disagree
 * about where a quoted field ends.
 */
#include "core/csvtable.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/text.h"

/* libcsv's parser states in its default (non-strict) mode, csv.c:
 * ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN (quoted or not) and
 * FIELD_MIGHT_HAVE_ENDED (a quote seen inside a quoted field). */
enum quote_state { Q_ROW_START, Q_FIELD_START, Q_UNQUOTED, Q_QUOTED, Q_QUOTE_SEEN };

struct quote_track {
    enum quote_state st;
    unsigned char delim;
    size_t spaces;    /* spaces since the quote, in Q_QUOTE_SEEN */
    size_t open_line; /* line where the current quoted field opened */
};

/* Advance the tracker over one byte, as libcsv's csv_parse does. */
static void track(struct quote_track *q, unsigned char c, size_t line)
{
    bool space = c == ' ' || c == '\t', term = c == '\r' || c == '\n';
    switch (q->st) {
    case Q_ROW_START:
    case Q_FIELD_START:
        if (space && c != q->delim)
            break;
        if (term)
            q->st = Q_ROW_START;
        else if (c == q->delim)
            q->st = Q_FIELD_START;
        else if (c == '"') {
            q->st = Q_QUOTED;
            q->open_line = line;
        } else
            q->st = Q_UNQUOTED;
        break;
    case Q_UNQUOTED: /* a quote here is an ordinary character */
        if (c == q->delim)
            q->st = Q_FIELD_START;
        else if (term)
            q->st = Q_ROW_START;
        break;
    case Q_QUOTED:
        if (c == '"') {
            q->st = Q_QUOTE_SEEN;
            q->spaces = 0;
        }
        break;
    case Q_QUOTE_SEEN:
        if (c == q->delim)
            q->st = Q_FIELD_START;
        else if (term)
            q->st = Q_ROW_START;
        else if (space)
            q->spaces++;
        else if (c == '"' && q->spaces)
            q->spaces = 0; /* a literal quote; the field may still end */
        else
            q->st = Q_QUOTED; /* "" is a quote; anything else is kept too */
        break;
    }
}

struct parse_state {
    struct mb_csv_table *t;
    const char *name;
    size_t line;
    char **fields; /* fields of the row being read */
    size_t nfields, cap_fields;
    bool header_guessed; /* the header had no delimiter; ',' was assumed */
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

static int check_header(struct parse_state *st)
{
    const struct mb_csv_table *t = st->t;
    char q[44];
    for (size_t i = 0; i < t->ncols; i++) {
        if (!t->header[i][0])
            return mb_error_set(st->err, MB_EINVAL, "", "%s line %zu: column %zu of "
                "the header has no name", st->name, st->line, i + 1);
        for (size_t j = 0; j < i; j++)
            if (mb_text_casecmp(t->header[j], t->header[i]) == 0)
                return mb_error_set(st->err, MB_EINVAL,
                    mb_text_clip(q, sizeof q, t->header[i]), "%s line %zu: column "
                    "'%s' appears twice in the header (columns %zu and %zu)",
                    st->name, st->line, q, j + 1, i + 1);
    }
    return 0;
}

static void on_row(int term, void *ctx)
{
    (void)term;
    struct parse_state *st = ctx;
    struct mb_csv_table *t = st->t;
    if (st->failed)
        goto reset;
    /* A row whose cells are all empty is a blank line (or the ",,," a
     * spreadsheet leaves below the data): skip it. */
    size_t filled = 0;
    for (size_t i = 0; i < st->nfields; i++)
        filled += st->fields[i][0] != '\0';
    if (filled == 0)
        goto reset;
    if (!t->header) {
        t->header = st->fields;
        t->ncols = st->nfields;
        t->header_line = st->line;
        st->fields = NULL;
        st->cap_fields = 0;
        st->nfields = 0;
        st->failed = check_header(st);
        return;
    }
    if (st->nfields != t->ncols) {
        char q[44];
        if (t->ncols == 1 && st->header_guessed)
            st->failed = mb_error_set(st->err, MB_EINVAL, "", "%s line %zu: %zu "
                "fields, but the header has 1 (it shows no delimiter, so ',' was "
                "assumed); if ',' is a decimal comma, separate the columns with ';', "
                "e.g. 'sample;%s', or quote the values", st->name, st->line,
                st->nfields, mb_text_clip(q, sizeof q, t->header[0]));
        else
            st->failed = mb_error_set(st->err, MB_EINVAL, "", "%s line %zu: %zu "
                "fields, but the header has %zu%s", st->name, st->line, st->nfields,
                t->ncols, st->fields[0][0] == '#' ? " ('#' notes are allowed only "
                "before the header; after it a line is a row)" : "");
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
static char detect_delimiter(const char *line, size_t n, bool *found)
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
    *found = commas + semis > 0;
    return semis > commas ? ';' : ',';
}

/* Length of the physical line at buf[0..len): up to and including its end
 * (LF, CRLF or a lone CR), or the rest of the buffer. */
static size_t line_length(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            return i + 1;
        if (buf[i] == '\r')
            return i + 1 < len && buf[i + 1] == '\n' ? i + 2 : i + 1;
    }
    return len;
}

/* Line number (1-based) of byte offset `at` (< the buffer's length):
 * LF, CRLF and a lone CR each end one line. */
static size_t line_of(const char *buf, size_t at)
{
    size_t line = 1;
    for (size_t i = 0; i < at; i++)
        line += buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n');
    return line;
}

int mb_csv_parse(struct mb_csv_table *t, const char *buf, size_t len,
                 const char *name, struct mb_error *err)
{
    memset(t, 0, sizeof *t);
    size_t bad = 0;
    if (!mb_utf8_valid(buf, len, &bad))
        return mb_error_set(err, MB_EINVAL, "", "%s line %zu: not valid UTF-8 "
            "(save the file as UTF-8)", name, line_of(buf, bad));
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
    struct quote_track q = { .st = Q_ROW_START, .delim = ',' };
    bool have_delim = false;
    size_t pos = 0;
    while (pos < len && !st.failed) {
        const char *line = buf + pos;
        size_t n = line_length(line, len - pos);
        pos += n;
        st.line++;
        bool record_start = q.st == Q_ROW_START;
        if (!t->header && record_start && line[0] == '#') {
            size_t k = n;
            while (k > 1 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
                k--;
            add_note(t, line + 1, k - 1);
            continue;
        }
        if (!have_delim && record_start) {
            size_t k = n;
            while (k && strchr("\r\n \t", line[k - 1]))
                k--;
            if (k > 0) {
                bool found;
                t->delimiter = detect_delimiter(line, k, &found);
                st.header_guessed = !found;
                csv_set_delim(&p, (unsigned char)t->delimiter);
                q.delim = (unsigned char)t->delimiter;
                have_delim = true;
            }
        }
        for (size_t i = 0; i < n; i++)
            track(&q, (unsigned char)line[i], st.line);
        if (csv_parse(&p, line, n, on_field, on_row, &st) != n) {
            if (!st.failed)
                st.failed = mb_error_set(err, MB_EINVAL, "", "%s line %zu: %s",
                    name, st.line, csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (!st.failed && q.st == Q_QUOTED)
        st.failed = mb_error_set(err, MB_EINVAL, "", "%s line %zu: the quote that "
            "opens a field here is never closed", name, q.open_line);
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
                            MB_ERRNO_TEXT(errno));
    size_t cap = 0, n = 0;
    char *buf = NULL;
    int rc = 0;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        rc = mb_error_set(err, MB_EIO, "file", "cannot read %s: it is a directory, "
                          "not a CSV file", path);
        goto out;
    }
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
        rc = mb_error_set(err, MB_EIO, "file", "cannot read %s: %s", path,
                          MB_ERRNO_TEXT(errno));
        goto out;
    }
    const char *base = strrchr(path, '/');
    char name[64];
    rc = mb_csv_parse(t, buf, n, mb_text_clip(name, sizeof name, base ? base + 1 : path),
                      err);
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
