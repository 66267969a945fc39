/*
 * cli.h - shared pieces of the massebank command-line program.
 *
 * The CLI is a thin layer: it parses arguments, calls libmassebank and
 * prints. Exit codes: 0 success, 1 the input was refused or a named file
 * could not be read or written (the message names the field), 2 the command
 * line itself was wrong (usage), 3 an internal failure (a broken built-in
 * table, PROJ not starting). Every command validates all of its input before it prints
 * or writes anything, so a refused input leaves no partial output.
 */
#ifndef MB_CLI_CLI_H
#define MB_CLI_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3, EXIT_BUSY = 4 };

/* Print "massebank: FIELD: MESSAGE" to stderr and return the exit code
 * for err->code. */
int cli_fail(const struct mb_error *err);

/* Print a usage error and return EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print s left-aligned in `width` columns, counting UTF-8 characters (not
 * bytes), so Norwegian names line up; never truncates. */
void cli_pad(FILE *f, const char *s, int width);

/* Serialise a JSON value (one line) to f; steals nothing. */
void cli_print_json(FILE *f, const json_t *v);

/* Write `text` to `path` atomically (a mkstemp file beside the target,
 * synced, then renamed; an existing file keeps its mode; a link is written
 * through to its target) or to standard output when path is NULL or "-".
 * Returns 0, or fills err. */
/* An output file written whole or not at all: cli_out_open creates a
 * temporary file beside `path` (or opens a device such as /dev/null
 * directly) and o->f to write to; cli_out_commit flushes, syncs and
 * renames it over `path`; on any failure, or cli_out_abort, the temporary
 * file is removed and an existing `path` stays as it was. Errors name
 * `flag` ("-o", "--write-lp"). */
struct cli_out {
    FILE *f;
    const char *flag, *path;
    char target[4096], tmp[4096];
    int dirlen;
    bool direct;
};
int cli_out_open(struct cli_out *o, const char *path, const char *flag,
                 struct mb_error *err);
int cli_out_commit(struct cli_out *o, struct mb_error *err);
void cli_out_abort(struct cli_out *o);

int cli_write_output(const char *path, const char *text, size_t len,
                     struct mb_error *err);

/* Match a command-line option that takes a value: "--to X" or "--to=X".
 * On a match sets *val, advances *i past the value, returns 1; returns -1
 * (after printing usage) if the value is missing; 0 if no match. */
int cli_opt_value(int argc, char **argv, int *i, const char *name,
                  const char **val, const char *cmd);

int cmd_convert(int argc, char **argv);
int cmd_materials(int argc, char **argv);
int cmd_factors(int argc, char **argv);

/* Print one CSV field followed by `end` (',' or '\n'), quoted only when it
 * must be (a delimiter, a quote, a line break, '#' first, or space at
 * either end), doubling quotes inside. */
void cli_csv_field(FILE *f, const char *s, char end);
int cmd_classify(int argc, char **argv);
int cmd_coord(int argc, char **argv);
int cmd_distance(int argc, char **argv);
int cmd_roads(int argc, char **argv);
int cmd_refdata(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_site(int argc, char **argv);
int cmd_whatif(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_mhp(int argc, char **argv);
int cmd_custody(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* Open an existing market database (a mistyped path must not create an
 * empty one): MB_EIO naming --db when there is no such file. */
struct mb_store;
int cli_open_db(const char *path, struct mb_store **st, struct mb_error *err);

#endif
