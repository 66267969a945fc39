/*
 * joining.c - sign-up, approval, invitations and password resets (see
 * joining.h). Mails are plain text, bokmål first and English below, and
 * go to the outbox in the transaction that made their link.
 */
#include "market/joining.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "domain/orgnr.h"
#include "market/audit.h"
#include "market/auth.h"
#include "market/permit.h"

int mb_join_email(const char *s, const char *field, char out[128], struct mb_error *err)
{
    size_t n = s ? strlen(s) : 0;
    const char *at = s ? strchr(s, '@') : NULL;
    if (n == 0)
        return mb_error_set(err, MB_EINVAL, field, "is required");
    if (n > 127 || !at || at == s || !strchr(at, '.') || strchr(at + 1, '@') ||
        at[strlen(at) - 1] == '.')
        return mb_error_set(err, MB_EINVAL, field, "is not an e-mail address");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || strchr("<>\"(),;:\\[]", s[i]))
            return mb_error_set(err, MB_EINVAL, field, "is not an e-mail address");
    if (!mb_utf8_valid(s, n, NULL))
        return mb_error_set(err, MB_EINVAL, field, "is not valid UTF-8");
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    return 0;
}

int mb_join_state(struct mb_store *st, int64_t org_id, char state[12], struct mb_error *err)
{
    struct mb_org_status s;
    int rc = mb_store_org_status(st, org_id, &s, err);
    if (!rc)
        mb_text_copy(state, 12, s.state);
    return rc;
}

static int audit(struct mb_store *st, const struct mb_user *who, const char *entity,
                 int64_t id, const char *action, json_t *detail, struct mb_error *err)
{
    int rc = mb_audit_append(st, who, entity, id, action, detail, err);
    json_decref(detail);
    return rc;
}

static int mail(struct mb_store *st, const struct mb_user *to, const char *subject,
                struct mb_strbuf *body, struct mb_error *err)
{
    int rc = mb_store_outbox_add(st, to->id, to->email, subject, body->s ? body->s : "", "",
                                 err);
    mb_strbuf_release(body);
    return rc;
}

/* A text field of a body: 1..max characters, no control characters,
 * trimmed into out. */
static const char *text_field(json_t *obj, const char *key, const char *path, size_t max,
                              char *out, size_t size, struct mb_problems *p)
{
    json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);
    if (!json_is_string(v) || !mb_text_copy(out, size, s)) {
        mb_problems_add(p, path, json_is_string(v) ? "is too long" : "is required");
        return NULL;
    }
    mb_text_trim(out);
    if (out[0] == '\0')
        mb_problems_add(p, path, "is required");
    else if (strlen(s) != json_string_length(v) || mb_text_has_control(out, strlen(out), false))
        mb_problems_add(p, path, "holds a control character");
    else if (mb_utf8_chars(out) > max)
        mb_problems_add(p, path, "has more than %zu characters", max);
    else
        return out;
    return NULL;
}

static bool market_role(int r)
{
    return r == MB_ROLE_DEVELOPER || r == MB_ROLE_CONTRACTOR || r == MB_ROLE_HAULER ||
           r == MB_ROLE_OPERATOR;
}

static int tell_admins(struct mb_store *st, const struct mb_org *org, const char *base,
                       struct mb_error *err)
{
    int64_t *ids;
    size_t n;
    int rc = mb_store_admin_ids(st, &ids, &n, err);
    for (size_t i = 0; i < n && !rc; i++) {
        struct mb_user a;
        if ((rc = mb_store_user_get(st, ids[i], &a, err)))
            break;
        struct mb_strbuf b = { 0 };
        mb_strbuf_addf(&b, "Hei %s,\n\n%s (organisasjonsnummer %s) har registrert seg og venter "
                       "på godkjenning:\n%s/#/godkjenning\n\n-- English --\n\n%s (organisation "
                       "number %s) signed up and waits for approval:\n%s/#/godkjenning\n",
                       a.name, org->name, org->orgnr, base, org->name, org->orgnr, base);
        rc = mail(st, &a, "massebank: ny virksomhet venter på godkjenning / a new "
                  "organisation waits for approval", &b, err);
    }
    free(ids);
    return rc;
}

int mb_join_signup(struct mb_store *st, const char *body, size_t len, const char *base_url,
                   json_t **out, struct mb_problems *p, struct mb_error *err)
{
    static const char *const top[] = { "organisation", "user", NULL };
    static const char *const okeys[] = { "name", "orgnr", NULL };
    static const char *const ukeys[] = { "name", "email", "password", "role", NULL };
    json_error_t jerr;
    json_t *b = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(b)) {
        mb_problems_add(p, "", b ? "must be a JSON object" : "is not JSON: %s", jerr.text);
        json_decref(b);
        return mb_error_set(err, MB_EINVAL, "", "the body is not a sign-up");
    }
    const char *k;
    json_t *v;
    json_object_foreach(b, k, v)
        if (mb_text_index(top, 2, k) < 0)
            mb_problems_add(p, k, "is not a field of a sign-up");
    json_t *o = json_object_get(b, "organisation"), *u = json_object_get(b, "user");
    if (!json_is_object(o))
        mb_problems_add(p, "organisation", "is required: {name, orgnr}");
    if (!json_is_object(u))
        mb_problems_add(p, "user", "is required: {name, email, password, role}");
    struct mb_org org = { 0 };
    struct mb_user user = { 0 };
    char hash[MB_AUTH_HASH_SIZE] = "";
    if (json_is_object(o)) {
        json_object_foreach(o, k, v)
            if (mb_text_index(okeys, 2, k) < 0)
                mb_problems_add(p, "organisation", "unknown field '%s'", k);
        text_field(o, "name", "organisation.name", 127, org.name, sizeof org.name, p);
        const char *nr = json_string_value(json_object_get(o, "orgnr"));
        char compact[10];
        if (!nr)
            mb_problems_add(p, "organisation.orgnr", "is required: the organisation's 9-digit "
                            "number in Enhetsregisteret");
        else if (!mb_orgnr_compact(nr, compact) || !mb_orgnr_valid(compact))
            mb_problems_add(p, "organisation.orgnr", "is not a Norwegian organisation number "
                            "(9 digits with a valid check digit)");
        else
            mb_text_copy(org.orgnr, sizeof org.orgnr, compact);
    }
    if (json_is_object(u)) {
        json_object_foreach(u, k, v)
            if (mb_text_index(ukeys, 4, k) < 0)
                mb_problems_add(p, "user", "unknown field '%s'", k);
        text_field(u, "name", "user.name", 127, user.name, sizeof user.name, p);
        struct mb_error e;
        if (mb_join_email(json_string_value(json_object_get(u, "email")), "user.email",
                          user.email, &e) != 0)
            mb_problems_add(p, e.field, "%s", e.message);
        const char *role = json_string_value(json_object_get(u, "role"));
        int r = role ? mb_role_parse(role) : -1;
        if (!market_role(r))
            mb_problems_add(p, "user.role", "must be developer, contractor, hauler or operator "
                            "(administrators and municipalities are set up by an "
                            "administrator)");
        else
            user.role = (enum mb_role)r;
        const char *pw = json_string_value(json_object_get(u, "password"));
        if (!pw || mb_auth_hash_password(pw, hash, &e) != 0)
            mb_problems_add(p, "user.password", "%s", pw ? e.message : "is required");
    }
    json_decref(b);
    if (p->n > 0)
        return mb_error_set(err, MB_EINVAL, p->items[0].path, "%s", p->items[0].message);
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    struct mb_user probe;
    char ph[MB_AUTH_HASH_SIZE];
    if (mb_store_user_by_email(st, user.email, &probe, ph, sizeof ph, err) == 0)
        rc = mb_error_set(err, MB_ECONFLICT, "user.email", "already has an account; sign in, "
                          "or ask for a new password");
    else
        rc = 0;
    if (!rc && (rc = mb_store_org_create(st, &org, err)) == MB_ECONFLICT)
        rc = mb_error_set(err, MB_ECONFLICT, "organisation.orgnr", "%s is registered already; "
                          "ask its users to invite you", org.orgnr);
    int64_t now = (int64_t)time(NULL);
    struct mb_org_status s = { .org_id = org.id, .applied = now };
    mb_text_copy(s.state, sizeof s.state, "pending");
    if (!rc)
        rc = mb_store_org_status_put(st, &s, err);
    if (!rc)
        rc = audit(st, NULL, "organisation", org.id, "signup",
                   json_pack("{s:s, s:s}", "name", org.name, "orgnr", org.orgnr), err);
    user.org_id = org.id;
    if (!rc)
        rc = mb_store_user_create(st, &user, hash, err);
    if (!rc)
        rc = audit(st, NULL, "user", user.id, "create",
                   json_pack("{s:s, s:s, s:s, s:I, s:s}", "email", user.email, "name", user.name,
                             "role", mb_role_name(user.role), "org_id", (json_int_t)org.id,
                             "by", "signup"), err);
    if (!rc)
        rc = tell_admins(st, &org, base_url, err);
    if ((rc = mb_store_end(st, rc, err)))
        return rc;
    *out = json_pack("{s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s, s:s}, s:s}",
                     "organisation", "id", (json_int_t)org.id, "name", org.name, "orgnr",
                     org.orgnr, "user", "id", (json_int_t)user.id, "name", user.name, "email",
                     user.email, "role", mb_role_name(user.role), "state", "pending");
    return 0;
}

int mb_join_pending_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                         struct mb_error *err)
{
    int rc = mb_permit_check(who->role, MB_ACT_ADMIN, err);
    if (rc)
        return rc;
    struct mb_org_status *items;
    size_t n;
    if ((rc = mb_store_org_status_list(st, "pending", &items, &n, err)))
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; i < n && !rc; i++) {
        struct mb_org org;
        struct mb_user *users;
        size_t nu;
        if ((rc = mb_store_org_get(st, items[i].org_id, &org, err)) ||
            (rc = mb_store_user_list(st, org.id, &users, &nu, err)))
            break;
        json_t *ua = json_array();
        for (size_t j = 0; j < nu; j++)
            json_array_append_new(ua, json_pack("{s:I, s:s, s:s, s:s}", "id",
                                                (json_int_t)users[j].id, "name", users[j].name,
                                                "email", users[j].email, "role",
                                                mb_role_name(users[j].role)));
        free(users);
        json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)org.id,
                                           "name", org.name, "orgnr", org.orgnr, "applied",
                                           (json_int_t)items[i].applied, "users", ua));
    }
    free(items);
    if (rc) {
        json_decref(a);
        return rc;
    }
    *out = json_pack("{s:o}", "items", a);
    return 0;
}

int mb_join_decide(struct mb_store *st, const struct mb_user *who, int64_t org_id,
                   const char *state, const char *note, const char *base_url, json_t **out,
                   struct mb_error *err)
{
    int rc = mb_permit_check(who->role, MB_ACT_ADMIN, err);
    if (rc)
        return rc;
    bool ok = state && strcmp(state, "verified") == 0;
    if (!ok && !(state && strcmp(state, "rejected") == 0))
        return mb_error_set(err, MB_EINVAL, "state", "must be verified or rejected");
    if (note && (mb_utf8_chars(note) > 250 || mb_text_has_control(note, strlen(note), false)))
        return mb_error_set(err, MB_EINVAL, "note", "must be up to 250 characters of text");
    struct mb_org org;
    if ((rc = mb_store_org_get(st, org_id, &org, err)))
        return rc;
    if ((rc = mb_store_begin(st, err)))
        return rc;
    struct mb_org_status s;
    rc = mb_store_org_status(st, org_id, &s, err);
    if (!rc && strcmp(s.state, "pending") != 0)
        rc = mb_error_set(err, MB_ECONFLICT, "state", "the organisation is %s, not waiting "
                          "for approval", s.state);
    if (!rc) {
        mb_text_copy(s.state, sizeof s.state, state);
        s.decided = (int64_t)time(NULL);
        s.decided_by = who->id;
        mb_text_copy(s.note, sizeof s.note, note ? note : "");
        rc = mb_store_org_status_put(st, &s, err);
    }
    if (!rc)
        rc = audit(st, who, "organisation", org_id, ok ? "verify" : "reject",
                   json_pack("{s:s, s:s}", "state", state, "note", s.note), err);
    struct mb_user *users = NULL;
    size_t nu = 0;
    if (!rc)
        rc = mb_store_user_list(st, org_id, &users, &nu, err);
    for (size_t i = 0; i < nu && !rc; i++) {
        struct mb_strbuf b = { 0 };
        if (ok)
            mb_strbuf_addf(&b, "Hei %s,\n\n%s er godkjent i massebank. Annonsene dere "
                           "publiserer, blir nå synlige for andre:\n%s/#/mine\n\n-- English "
                           "--\n\n%s is approved in massebank. The listings you publish are now "
                           "seen by others:\n%s/#/mine\n", users[i].name, org.name, base_url,
                           org.name, base_url);
        else
            mb_strbuf_addf(&b, "Hei %s,\n\n%s ble ikke godkjent i massebank.%s%s\n\n-- English "
                           "--\n\n%s was not approved in massebank.%s%s\n", users[i].name,
                           org.name, s.note[0] ? " Begrunnelse: " : "", s.note, org.name,
                           s.note[0] ? " Reason: " : "", s.note);
        rc = mail(st, &users[i], ok ? "massebank: virksomheten er godkjent / your organisation "
                  "is approved" : "massebank: virksomheten ble ikke godkjent / your "
                  "organisation was not approved", &b, err);
    }
    free(users);
    if ((rc = mb_store_end(st, rc, err)))
        return rc;
    *out = json_pack("{s:{s:I, s:s, s:s}, s:s}", "organisation", "id", (json_int_t)org.id,
                     "name", org.name, "orgnr", org.orgnr, "state", state);
    return 0;
}

/* A new link token and its stored hash. */
static void link_token(char token[MB_AUTH_TOKEN_SIZE], char hash[MB_AUTH_TOKEN_HASH_SIZE])
{
    mb_auth_new_token(token);
    mb_auth_token_hash(token, hash);
}

int mb_join_invite(struct mb_store *st, const struct mb_user *who, const char *email,
                   const char *role, const char *base_url, json_t **out, struct mb_error *err)
{
    struct mb_account_token t = { .org_id = who->org_id, .by_user = who->id };
    int rc = mb_join_email(email, "email", t.email, err);
    if (rc)
        return rc;
    int r = role ? mb_role_parse(role) : -1;
    bool admin = who->role == MB_ROLE_ADMIN;
    if (r < 0 || (!admin && !market_role(r)))
        return mb_error_set(err, MB_EINVAL, "role", "must be developer, contractor, hauler or "
                            "operator");
    mb_text_copy(t.role, sizeof t.role, mb_role_name((enum mb_role)r));
    char state[12];
    if ((rc = mb_join_state(st, who->org_id, state, err)))
        return rc;
    if (strcmp(state, "verified") != 0)
        return mb_error_set(err, MB_EFORBIDDEN, "organisation", "your organisation is %s: "
                            "it invites colleagues once an administrator has approved it",
                            state);
    struct mb_org org;
    if ((rc = mb_store_org_get(st, who->org_id, &org, err)) || (rc = mb_store_begin(st, err)))
        return rc;
    struct mb_user probe;
    char ph[MB_AUTH_HASH_SIZE];
    if (mb_store_user_by_email(st, t.email, &probe, ph, sizeof ph, err) == 0)
        rc = mb_error_set(err, MB_ECONFLICT, "email", "already has an account");
    int64_t by = 0, to_addr = 0;
    if (!rc)
        rc = mb_store_invitations_since(st, who->id, t.email, (int64_t)time(NULL) - 86400, &by,
                                        &to_addr, err);
    if (!rc && by >= MB_JOIN_INVITES_PER_DAY)
        rc = mb_error_set(err, MB_ECONFLICT, "email", "you have sent %d invitations in a day, "
                          "the most one user may; try again tomorrow", MB_JOIN_INVITES_PER_DAY);
    else if (!rc && to_addr >= MB_JOIN_INVITES_PER_ADDRESS)
        rc = mb_error_set(err, MB_ECONFLICT, "email", "%s has had %d invitations in a day; the "
                          "links already sent work for a week", t.email,
                          MB_JOIN_INVITES_PER_ADDRESS);
    char token[MB_AUTH_TOKEN_SIZE];
    link_token(token, t.hash);
    mb_text_copy(t.kind, sizeof t.kind, "invite");
    t.created = (int64_t)time(NULL);
    t.expires = t.created + MB_JOIN_INVITE_SECONDS;
    if (!rc)
        rc = mb_store_account_token_add(st, &t, err);
    if (!rc)
        rc = audit(st, who, "organisation", who->org_id, "invite",
                   json_pack("{s:s, s:s}", "email", t.email, "role", t.role), err);
    if (!rc) {
        struct mb_user to = { .id = 0 };
        mb_text_copy(to.email, sizeof to.email, t.email);
        struct mb_strbuf b = { 0 };
        mb_strbuf_addf(&b, "Hei,\n\n%s inviterer deg til %s i massebank, markedet for "
                       "overskuddsmasser. Lag brukeren din her (lenken virker i 7 dager, "
                       "én gang):\n%s/#/invitasjon/%s\n\n-- English --\n\n%s invites you to %s "
                       "in massebank, the market for surplus masses. Make your user here (the "
                       "link works for 7 days, once):\n%s/#/invitasjon/%s\n", who->name,
                       org.name, base_url, token, who->name, org.name, base_url, token);
        rc = mail(st, &to, "massebank: invitasjon / invitation", &b, err);
    }
    if ((rc = mb_store_end(st, rc, err)))
        return rc;
    *out = json_pack("{s:s, s:s, s:I}", "email", t.email, "role", t.role, "expires",
                     (json_int_t)t.expires);
    return 0;
}

/* The token of a link, checked: known, of `kind`, unused, unexpired. */
static int live_token(struct mb_store *st, const char *token, const char *kind,
                      struct mb_account_token *t, struct mb_error *err)
{
    memset(t, 0, sizeof *t);
    if (!token || strlen(token) < 16 || strlen(token) >= MB_AUTH_TOKEN_SIZE)
        return mb_error_set(err, MB_ENOTFOUND, "token", "this link is not known");
    char hash[MB_AUTH_TOKEN_HASH_SIZE];
    mb_auth_token_hash(token, hash);
    int rc = mb_store_account_token_get(st, hash, t, err);
    if (rc)
        return rc;
    if (strcmp(t->kind, kind) != 0)
        return mb_error_set(err, MB_ENOTFOUND, "token", "this link is not known");
    if (t->used)
        return mb_error_set(err, MB_ECONFLICT, "token", "this link has been used already");
    if (t->expires < (int64_t)time(NULL))
        return mb_error_set(err, MB_ECONFLICT, "token", "this link has expired; ask for a "
                            "new one");
    return 0;
}

int mb_join_accept(struct mb_store *st, const char *token, const char *name,
                   const char *password, struct mb_user *user, struct mb_error *err)
{
    char nm[256] = "";
    if (!name || !mb_text_copy(nm, sizeof nm, name))
        return mb_error_set(err, MB_EINVAL, "name", name ? "is too long" : "is required");
    mb_text_trim(nm);
    if (!nm[0] || mb_utf8_chars(nm) > 127 || mb_text_has_control(nm, strlen(nm), false))
        return mb_error_set(err, MB_EINVAL, "name", "must be 1 to 127 characters of text");
    char hash[MB_AUTH_HASH_SIZE];
    int rc = mb_auth_hash_password(password ? password : "", hash, err);
    if (rc || (rc = mb_store_begin(st, err)))
        return rc;
    struct mb_account_token t;
    rc = live_token(st, token, "invite", &t, err);
    if (!rc)
        rc = mb_store_account_token_use(st, t.hash, err);
    memset(user, 0, sizeof *user);
    user->org_id = t.org_id;
    user->role = (enum mb_role)mb_role_parse(t.role);
    mb_text_copy(user->email, sizeof user->email, t.email);
    mb_text_copy(user->name, sizeof user->name, nm);
    if (!rc && (rc = mb_store_user_create(st, user, hash, err)) == MB_ECONFLICT)
        rc = mb_error_set(err, MB_ECONFLICT, "token", "%s has an account already; sign in",
                          t.email);
    if (!rc)
        rc = audit(st, NULL, "user", user->id, "create",
                   json_pack("{s:s, s:s, s:s, s:I, s:s, s:I}", "email", user->email, "name",
                             user->name, "role", t.role, "org_id", (json_int_t)t.org_id, "by",
                             "invitation", "invited_by", (json_int_t)t.by_user), err);
    return mb_store_end(st, rc, err);
}

int mb_join_reset_request(struct mb_store *st, const char *email, const char *base_url,
                          struct mb_error *err)
{
    char addr[128];
    int rc = mb_join_email(email, "email", addr, err);
    if (rc)
        return rc;
    struct mb_user u;
    char ph[MB_AUTH_HASH_SIZE];
    struct mb_error e2;
    if (mb_store_user_by_email(st, addr, &u, ph, sizeof ph, &e2) != 0)
        return e2.code == MB_ENOTFOUND ? 0 : (*err = e2, e2.code);
    if ((rc = mb_store_begin(st, err)))
        return rc;
    int64_t now = (int64_t)time(NULL), recent = 0;
    rc = mb_store_account_tokens_since(st, "reset", u.id, now - 3600, &recent, err);
    if (!rc && recent < MB_JOIN_RESETS_PER_HOUR) {
        struct mb_account_token t = { .user_id = u.id, .org_id = u.org_id, .created = now,
                                      .expires = now + MB_JOIN_RESET_SECONDS };
        mb_text_copy(t.kind, sizeof t.kind, "reset");
        mb_text_copy(t.email, sizeof t.email, u.email);
        char token[MB_AUTH_TOKEN_SIZE];
        link_token(token, t.hash);
        rc = mb_store_account_token_add(st, &t, err);
        if (!rc) {
            struct mb_strbuf b = { 0 };
            mb_strbuf_addf(&b, "Hei %s,\n\nNoen ba om et nytt passord for %s i massebank. "
                           "Velg et nytt her (lenken virker i én time, én gang):\n"
                           "%s/#/nytt-passord/%s\n\nBa du ikke om dette, kan du se bort fra "
                           "e-posten; passordet er som før.\n\n-- English --\n\nSomeone asked "
                           "for a new password for %s in massebank. Choose one here (the link "
                           "works for one hour, once):\n%s/#/nytt-passord/%s\n\nIf you did not "
                           "ask, ignore this mail; the password stays as it was.\n", u.name,
                           u.email, base_url, token, u.email, base_url, token);
            rc = mail(st, &u, "massebank: nytt passord / new password", &b, err);
        }
    }
    return mb_store_end(st, rc, err);
}

int mb_join_reset_confirm(struct mb_store *st, const char *token, const char *password,
                          struct mb_error *err)
{
    char hash[MB_AUTH_HASH_SIZE];
    int rc = mb_auth_hash_password(password ? password : "", hash, err);
    if (rc || (rc = mb_store_begin(st, err)))
        return rc;
    struct mb_account_token t;
    rc = live_token(st, token, "reset", &t, err);
    if (!rc)
        rc = mb_store_account_token_use(st, t.hash, err);
    struct mb_user u;
    if (!rc)
        rc = mb_store_user_get(st, t.user_id, &u, err);
    if (!rc)
        rc = mb_store_user_set_password(st, u.id, hash, NULL, err);
    if (!rc)
        rc = audit(st, &u, "user", u.id, "password",
                   json_pack("{s:b, s:s, s:b}", "changed", 1, "by", "reset link",
                             "other_sessions_ended", 1), err);
    return mb_store_end(st, rc, err);
}
