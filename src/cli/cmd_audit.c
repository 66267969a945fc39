/*
 * cmd_audit.c - the audit log of a market database (market/audit.h):
 *
 *   massebank audit verify --db FILE [--head HEAD.json] [--key KEYFILE]
 *                                    [--public-key HEX] [--links-only]
 *   massebank audit head --db FILE [--key KEYFILE] [-o HEAD.json]
 *
 * verify walks the log and checks every link, every signature (with the
 * public key of --public-key, --key, the kept head, or else "<db>.key"
 * when it exists), that every row is as its last entry wrote it and has
 * an entry (--links-only skips the rows), and with --head that the log
 * still reaches the kept head. It prints what it checked and the head and
 * exits 0; otherwise names the first problem on standard error and exits
 * 1.
 *
 * head checks the log as verify does, then writes its head signed with
 * the database's key (market/audit_key.h) as JSON: keep it elsewhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "market/audit.h"
#include "market/audit_key.h"
#include "store/store.h"

struct audit_args {
    const char *sub, *db, *head, *key, *public_key, *out;
    bool links_only;
};

static int parse(int argc, char **argv, struct audit_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--db", &a->db, "audit")) ||
            (m = cli_opt_value(argc, argv, &i, "--head", &a->head, "audit")) ||
            (m = cli_opt_value(argc, argv, &i, "--key", &a->key, "audit")) ||
            (m = cli_opt_value(argc, argv, &i, "--public-key", &a->public_key, "audit")) ||
            (m = cli_opt_value(argc, argv, &i, "-o", &a->out, "audit"))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (strcmp(argv[i], "--links-only") == 0) {
            a->links_only = true;
            continue;
        }
        if (argv[i][0] == '-' || a->sub)
            return cli_usage("audit", "unexpected argument '%s'", argv[i]);
        a->sub = argv[i];
    }
    if (!a->sub || (strcmp(a->sub, "verify") != 0 && strcmp(a->sub, "head") != 0))
        return cli_usage("audit", "the commands are 'audit verify --db FILE [--head HEAD.json]"
                         "' and 'audit head --db FILE [-o HEAD.json]'");
    if (!a->db)
        return cli_usage("audit", "--db FILE is required");
    if (strcmp(a->sub, "head") == 0 && (a->head || a->public_key || a->links_only))
        return cli_usage("audit", "audit head takes --db, --key and -o");
    if (strcmp(a->sub, "verify") == 0 && a->out)
        return cli_usage("audit", "audit verify prints to standard output; -o is for audit head");
    return 0;
}

/* The public key to check signatures with, and the kept head. */
static int load_checks(const struct audit_args *a, struct mb_audit_key *key, bool *have_key,
                       const char **key_from, struct mb_audit_head *head, bool *have_head,
                       struct mb_error *err)
{
    *have_key = *have_head = false;
    if (a->head) {
        json_error_t je;
        json_t *j = json_load_file(a->head, JSON_REJECT_DUPLICATES, &je);
        if (!j)
            return mb_error_set(err, MB_EINVAL, "--head", "%s: %s (line %d)", a->head, je.text,
                                je.line);
        int rc = mb_audit_head_parse(j, head, err);
        json_decref(j);
        if (rc) {
            mb_error_prefix_field(err, "--head");
            return rc;
        }
        *have_head = true;
    }
    if (a->public_key) {
        if (!mb_audit_key_parse_public(a->public_key, key->pk))
            return mb_error_set(err, MB_EINVAL, "--public-key", "must be 64 hex digits");
        *have_key = true;
        *key_from = "--public-key";
    } else {
        char path[4200];
        const char *kp = a->key;
        if (!kp && mb_audit_key_path(a->db, path, sizeof path) && access(path, F_OK) == 0)
            kp = path;
        if (kp) {
            bool found;
            int rc = mb_audit_key_load(kp, false, 0, key, &found, err);
            if (rc)
                return rc;
            if (!found)
                return mb_error_set(err, MB_EIO, "--key", "no key file %s", kp);
            *have_key = true;
            *key_from = a->key ? "--key" : "the database's key file";
        } else if (*have_head) {
            memcpy(key->pk, head->pk, sizeof key->pk);
            *have_key = true;
            *key_from = "the kept head";
        }
    }
    if (*have_key && *have_head && memcmp(key->pk, head->pk, sizeof key->pk) != 0)
        return mb_error_set(err, MB_EINVAL, "--head", "the kept head was signed with another "
                            "key than %s", *key_from);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    struct audit_args a;
    int u = parse(argc, argv, &a);
    if (u)
        return u;
    bool head_cmd = strcmp(a.sub, "head") == 0;
    struct mb_error err;
    mb_error_clear(&err);
    /* Opening would create a missing file: refuse it instead. */
    if (access(a.db, R_OK | W_OK) != 0) {
        mb_error_set(&err, MB_EIO, "--db", "cannot open %s (it must exist and be writable)",
                     a.db);
        return cli_fail(&err);
    }
    struct mb_audit_key key;
    struct mb_audit_head head;
    bool have_key, have_head;
    const char *key_from = "";
    memset(&key, 0, sizeof key);
    if (load_checks(&a, &key, &have_key, &key_from, &head, &have_head, &err))
        return cli_fail(&err);
    if (head_cmd && !key.has_secret) {
        mb_error_set(&err, MB_EINVAL, "--key", "signing a head needs the database's key file "
                     "with its secret key (<db>.key, or --key)");
        return cli_fail(&err);
    }
    struct mb_store *st;
    if (mb_store_open(&st, a.db, &err) != 0)
        return cli_fail(&err);
    struct mb_audit_check chk = { .key = have_key ? key.pk : NULL,
                                  .since = have_key ? key.since : 0,
                                  .head = have_head ? &head : NULL,
                                  .rows = !a.links_only };
    struct mb_audit_report rep;
    int rc = mb_audit_verify(st, &chk, &rep, &err);
    mb_store_close(st);
    if (rc)
        return cli_fail(&err);
    if (rep.problem != MB_AUDIT_OK) {
        if (rep.bad_seq)
            fprintf(stderr, "massebank: audit: entry %lld: %s: %s\n", (long long)rep.bad_seq,
                    mb_audit_problem_name(rep.problem), rep.message);
        else
            fprintf(stderr, "massebank: audit: %s: %s\n", mb_audit_problem_name(rep.problem),
                    rep.message);
        printf("%lld entries read, log not intact: %s%s%lld\n", (long long)rep.entries,
               mb_audit_problem_name(rep.problem), rep.bad_seq ? " at entry " : "",
               (long long)rep.bad_seq);
        return EXIT_REFUSED;
    }
    if (head_cmd) {
        json_t *h = mb_audit_head_json(&key, rep.head_seq, rep.head[0] ? rep.head
                                                                       : MB_AUDIT_GENESIS,
                                       (int64_t)time(NULL));
        char *text = json_dumps(h, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(h);
        size_t n = strlen(text);
        char *line = malloc(n + 2);
        if (line) {
            memcpy(line, text, n);
            memcpy(line + n, "\n", 2);
        }
        free(text);
        rc = line ? cli_write_output(a.out, line, n + 1, &err)
                  : mb_error_set(&err, MB_EINTERNAL, "", "out of memory");
        free(line);
        if (rc)
            return cli_fail(&err);
        if (a.out && strcmp(a.out, "-") != 0)
            fprintf(stderr, "massebank: signed head of entry %lld written to %s: keep it "
                    "elsewhere\n", (long long)rep.head_seq, a.out);
        return 0;
    }
    printf("%lld entries, chain intact\n", (long long)rep.entries);
    if (have_key) {
        char pub[65];
        mb_audit_key_public_hex(key.pk, pub);
        printf("signatures: %lld of %lld entries signed, all by key %.16s... (from %s)\n",
               (long long)rep.signed_entries, (long long)rep.entries, pub, key_from);
    } else {
        printf("signatures: not checked (no key: give --key, --public-key or --head)\n");
    }
    if (!a.links_only)
        printf("rows: %lld as their last entry wrote them%s", (long long)rep.rows_checked,
               rep.rows_unchecked ? "" : "\n");
    if (!a.links_only && rep.rows_unchecked)
        printf(", %lld last written before entries named their rows\n",
               (long long)rep.rows_unchecked);
    if (have_head)
        printf("kept head: entry %lld of %s is in the log\n", (long long)head.seq, head.at);
    if (rep.head[0])
        printf("head %s (entry %lld)\n", rep.head, (long long)rep.head_seq);
    return 0;
}
