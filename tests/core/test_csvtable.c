/*
 * test_csvtable.c - the CSV reader every table goes through: comments,
 * delimiters, quotes, line numbers in errors, broken input.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/csvtable.h"
#include "support/tmpdir.h"

static int parse(struct mb_csv_table *t, const char *text, struct mb_error *err)
{
    mb_error_clear(err);
    return mb_csv_parse(t, text, strlen(text), "t.csv", err);
}

Test(csv, comments_header_rows_and_lines)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "# note one\n#note two\ncode,value\na,1\n\nb, 2 \n", &err), 0,
                 "%s", err.message);
    cr_assert_eq(t.ncols, 2);
    cr_assert_eq(t.nrows, 2);
    cr_assert_eq(t.nnotes, 2);
    cr_assert_str_eq(t.notes[1], "note two");
    cr_assert_str_eq(t.rows[1].fields[1], "2");
    cr_assert_eq(t.rows[0].line, 4);
    cr_assert_eq(t.rows[1].line, 6);
    cr_assert_eq(mb_csv_column(&t, "VALUE"), 1);
    cr_assert_eq(mb_csv_column(&t, "missing"), -1);
    cr_assert_str_eq(mb_csv_get(&t.rows[0], -1), "");
    mb_csv_release(&t);
}

Test(csv, semicolon_and_decimal_commas)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "sample;Pb;As\nP1;0,5;12\n", &err), 0, "%s", err.message);
    cr_assert_eq(t.delimiter, ';');
    cr_assert_str_eq(t.rows[0].fields[1], "0,5");
    mb_csv_release(&t);
}

Test(csv, quoted_fields_with_commas_newlines_and_hash)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "a,b\n\"x, y\",\"line1\n# not a comment\"\n", &err), 0,
                 "%s", err.message);
    cr_assert_eq(t.nrows, 1);
    cr_assert_str_eq(t.rows[0].fields[0], "x, y");
    cr_assert_str_eq(t.rows[0].fields[1], "line1\n# not a comment");
    cr_assert_eq(t.nnotes, 0);
    mb_csv_release(&t);
}

Test(csv, bom_and_crlf)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "\xEF\xBB\xBF" "code,v\r\nx,1\r\n", &err), 0, "%s",
                 err.message);
    cr_assert_str_eq(t.header[0], "code");
    cr_assert_str_eq(t.rows[0].fields[1], "1");
    mb_csv_release(&t);
}

Test(csv, wrong_field_count_names_line)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "a,b\n1,2\n1,2,3\n", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "line 3") != NULL, "%s", err.message);
    cr_assert_eq(t.nrows, 0, "nothing is kept on error");
    cr_assert_null(t.header);
}

Test(csv, broken_utf8_names_line)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "a,b\n1,2\nB\xE6rum,3\n", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "line 3") && strstr(err.message, "UTF-8"), "%s",
              err.message);
}

Test(csv, unclosed_quote_and_nul_and_empty)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "a,b\n\"1,2\n", &err), MB_EINVAL);
    cr_assert_eq(mb_csv_parse(&t, "a\0b\n", 4, "t.csv", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "NUL"), "%s", err.message);
    cr_assert_eq(parse(&t, "# only a note\n", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "header"), "%s", err.message);
    cr_assert_eq(parse(&t, "a,,c\n", &err), MB_EINVAL);
}

Test(csv, files_missing_too_large_and_directory)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(mb_csv_read_file(&t, "/nonexistent/x.csv", 1000, &err), MB_EIO);
    cr_assert(strstr(err.message, "/nonexistent/x.csv"), "%s", err.message);
    char *p = tmpfile_write("big.csv", "a,b\n1,2\n3,4\n");
    cr_assert_eq(mb_csv_read_file(&t, p, 5, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "larger"), "%s", err.message);
    cr_assert_eq(mb_csv_read_file(&t, p, 1000, &err), 0);
    cr_assert_eq(t.nrows, 2);
    mb_csv_release(&t);
    cr_assert_neq(mb_csv_read_file(&t, tmpdir(), 1000, &err), 0);
    free(p);
}
