/*
 * test_csvtable.c - the CSV reader every table goes through: comments
 * (only before the header), delimiters, quotes as libcsv reads them, line
 * ends (LF, CRLF, lone CR) and line numbers in errors, duplicate columns,
 * empty rows, broken input.
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

/* Blank lines before the header are not notes: the header's line is
 * still where it is (an import's header problems name that row). */
Test(csv, blank_lines_before_the_header)
{
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "\n# note\n\n,,\ncode,value\na,1\n", &err), 0, "%s", err.message);
    cr_assert_eq(t.nnotes, 1);
    cr_assert_eq(t.header_line, 5);
    cr_assert_eq(t.rows[0].line, 6);
    mb_csv_release(&t);
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
    cr_assert_eq(t.header_line, 3);
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

Test(csv, hash_after_header_is_data)
{
    /* F2: sample "#2" (Pb 5000) must not vanish as a comment. */
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "# note\nsample,Pb,As\nP1,5,3\n#2,5000,3\nP3,1,1\n", &err), 0,
                 "%s", err.message);
    cr_assert_eq(t.nnotes, 1);
    cr_assert_eq(t.nrows, 3);
    cr_assert_str_eq(t.rows[1].fields[0], "#2");
    cr_assert_str_eq(t.rows[1].fields[1], "5000");
    cr_assert_eq(t.rows[1].line, 4);
    mb_csv_release(&t);
    /* A '#' line after the header is a row, so a short one is refused. */
    cr_assert_eq(parse(&t, "a,b\n1,2\n# c\n", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "line 3") && strstr(err.message, "before the header"),
              "%s", err.message);
}

Test(csv, lone_cr_line_ends)
{
    /* F3: "CSV (Macintosh)" ends lines with CR alone. */
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "# note\rsample,Pb\rP1,5\rP2,6\r", &err), 0, "%s", err.message);
    cr_assert_eq(t.nnotes, 1);
    cr_assert_str_eq(t.notes[0], "note");
    cr_assert_eq(t.ncols, 2);
    cr_assert_eq(t.nrows, 2);
    cr_assert_eq(t.rows[0].line, 3);
    cr_assert_eq(t.rows[1].line, 4);
    cr_assert_str_eq(t.rows[1].fields[1], "6");
    mb_csv_release(&t);
    cr_assert_eq(parse(&t, "sample,Pb\rP1,5\rP2,6,7\r", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "line 3"), "%s", err.message);
    /* Mixed endings: CRLF counts once, CR and LF once each. */
    cr_assert_eq(parse(&t, "a,b\r\n1,2\r3,4\n5,6", &err), 0, "%s", err.message);
    cr_assert_eq(t.nrows, 3);
    cr_assert_eq(t.rows[0].line, 2);
    cr_assert_eq(t.rows[1].line, 3);
    cr_assert_eq(t.rows[2].line, 4);
    mb_csv_release(&t);
    cr_assert_eq(parse(&t, "a,b\r1,2\rB\xE6rum,3\r", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "line 3") && strstr(err.message, "UTF-8"), "%s",
              err.message);
}

Test(csv, quotes_follow_libcsv)
{
    /* F4: a quote inside an unquoted field is a literal character. */
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "sample,Pb,note\nP1,5,12\" pipe\nP2,6,x\n", &err), 0,
                 "%s", err.message);
    cr_assert_eq(t.nrows, 2);
    cr_assert_str_eq(t.rows[0].fields[2], "12\" pipe");
    cr_assert_eq(t.rows[1].line, 3);
    mb_csv_release(&t);
    /* "" inside a quoted field is a quote; a quoted field may follow spaces;
     * a stray quote does not hide the line break of a later row. */
    cr_assert_eq(parse(&t, "# n\na,b\n1,x\"y\n2, \"p \"\"q\"\"\nr\"\n3,\"s\"\n", &err), 0,
                 "%s", err.message);
    cr_assert_eq(t.nrows, 3);
    cr_assert_str_eq(t.rows[0].fields[1], "x\"y");
    cr_assert_str_eq(t.rows[1].fields[1], "p \"q\"\nr");
    cr_assert_eq(t.rows[1].line, 5);
    cr_assert_eq(t.rows[2].line, 6);
    cr_assert_str_eq(t.rows[2].fields[1], "s");
    mb_csv_release(&t);
    /* An unclosed quote is named where it opens. */
    cr_assert_eq(parse(&t, "a,b\n1,2\n\"3,4\n5,6\n", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "line 3") && strstr(err.message, "quote"), "%s",
              err.message);
}

Test(csv, duplicate_columns_refused)
{
    /* F6: a second 'density' would be ignored without a word. */
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "code,density,Density\nrock.blasted,2.5,3.0\n", &err),
                 MB_EINVAL);
    cr_assert(strstr(err.message, "'Density' appears twice") &&
              strstr(err.message, "columns 2 and 3"), "%s", err.message);
    cr_assert_str_eq(err.field, "Density");
    cr_assert_null(t.header);
}

Test(csv, single_column_with_decimal_commas_suggests_semicolon)
{
    /* M4: "Pb" then "0,5" reads as two fields; say why and what to do. */
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "Pb\n0,5\n", &err), MB_EINVAL);
    cr_assert(strstr(err.message, "line 2") && strstr(err.message, "';'"), "%s",
              err.message);
    /* With a delimiter in the header the plain message stays. */
    cr_assert_eq(parse(&t, "a,b\n1,2,3\n", &err), MB_EINVAL);
    cr_assert_null(strstr(err.message, "';'"), "%s", err.message);
    cr_assert_eq(parse(&t, "Pb\n0.5\n", &err), 0, "%s", err.message);
    mb_csv_release(&t);
}

Test(csv, rows_of_empty_cells_are_skipped)
{
    /* N3: the ",," a spreadsheet leaves below the data is not a row. */
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(parse(&t, "a,b\n1,2\n,\n , \n\"\",\n3,4\n,,,\n", &err), 0, "%s",
                 err.message);
    cr_assert_eq(t.nrows, 2);
    cr_assert_eq(t.rows[1].line, 6);
    mb_csv_release(&t);
}

Test(csv, directory_names_the_reason)
{
    /* M8 */
    struct mb_csv_table t;
    struct mb_error err;
    cr_assert_eq(mb_csv_read_file(&t, tmpdir(), 1000, &err), MB_EIO);
    cr_assert(strstr(err.message, "directory"), "%s", err.message);
}
