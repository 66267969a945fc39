/*
 * run.h - run the built massebank CLI ($MB_CLI) as a user would and
 * capture its exit status, standard output and standard error.
 */
#ifndef MB_TESTS_RUN_H
#define MB_TESTS_RUN_H

struct run_result {
    int status; /* exit code, or 128 + signal */
    char *out;
    char *err;
};

/* Run massebank with a NULL-terminated argument list (without argv[0]). */
struct run_result run_cli(const char *const *args);

/* Convenience: run_cli with a variadic NULL-terminated list. */
struct run_result run(const char *first, ...);

void run_free(struct run_result *r);

#endif
