/*
 * cmd_audit.c - `massebank audit verify --db FILE`: walk a market
 * database's audit log and check its hash chain (market/audit.h). Prints
 * "N entries, chain intact" and the head hash (keep it elsewhere: it
 * anchors the log) and exits 0; otherwise names the first bad entry and
 * what is wrong with it on standard error and exits 1.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "market/audit.h"
#include "store/store.h"

int cmd_audit(int argc, char **argv)
{
    const char *db = NULL;
    const char *sub = NULL;
    for (int i = 1; i < argc; i++) {
        int m = cli_opt_value(argc, argv, &i, "--db", &db, "audit");
        if (m < 0)
            return EXIT_USAGE;
        if (m > 0)
            continue;
        if (argv[i][0] == '-' || sub)
            return cli_usage("audit", "unexpected argument '%s'", argv[i]);
        sub = argv[i];
    }
    if (!sub || strcmp(sub, "verify") != 0)
        return cli_usage("audit", "the command is 'audit verify --db FILE'");
    if (!db)
        return cli_usage("audit", "--db FILE is required");
    struct mb_error err;
    mb_error_clear(&err);
    /* Opening would create a missing file: refuse it instead. */
    if (access(db, R_OK | W_OK) != 0) {
        mb_error_set(&err, MB_EIO, "--db", "cannot open %s (it must exist and be writable)",
                     db);
        return cli_fail(&err);
    }
    struct mb_store *st;
    if (mb_store_open(&st, db, &err) != 0)
        return cli_fail(&err);
    struct mb_audit_report rep;
    int rc = mb_audit_verify(st, &rep, &err);
    mb_store_close(st);
    if (rc)
        return cli_fail(&err);
    if (rep.problem != MB_AUDIT_OK) {
        fprintf(stderr, "massebank: audit: entry %lld: %s: %s\n", (long long)rep.bad_seq,
                mb_audit_problem_name(rep.problem), rep.message);
        printf("%lld entries read, chain broken at entry %lld (%s)\n", (long long)rep.entries,
               (long long)rep.bad_seq, mb_audit_problem_name(rep.problem));
        return EXIT_REFUSED;
    }
    printf("%lld entries, chain intact\n", (long long)rep.entries);
    if (rep.head[0])
        printf("head %s\n", rep.head);
    return 0;
}
