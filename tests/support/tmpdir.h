/*
 * tmpdir.h - test helper: a fresh temporary directory per test and files
 * written into it. Paths returned are owned by the helper (static buffers
 * that live until the next call), which suits one-process-per-test.
 */
#ifndef MB_TESTS_TMPDIR_H
#define MB_TESTS_TMPDIR_H

#include <stddef.h>

/* Create (once per process) and return a temporary directory. */
const char *tmpdir(void);

/* Write `text` to tmpdir()/name and return the full path (a new string the
 * caller may leak in a test process). */
char *tmpfile_write(const char *name, const char *text);

/* Same with explicit length (for NUL bytes or broken UTF-8). */
char *tmpfile_write_n(const char *name, const char *data, size_t n);

/* Full path of tmpdir()/name without creating it. */
char *tmpfile_path(const char *name);

/* Whole content of a file as a new string, or NULL if it does not exist. */
char *file_read(const char *path);

#endif
