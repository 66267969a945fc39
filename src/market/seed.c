/*
 * seed.c - loading the demo market into an empty database (see seed.h).
 * The sites come from the Trondheim demo scenario, dressed with condition
 * classes, lab results and landfills for contaminated masses
 * (seed_quality.c); each becomes a body in the API's own format and goes
 * through the same validation as a user's listing, so the demo cannot
 * hold what a user could not enter.
 */
#include "market/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/municipality.h"
#include "market/accounts.h"
#include "market/auth.h"
#include "market/listing.h"
#include "plan/demo.h"

struct demo_org {
    const char *name;
    const char *email;
    const char *user;
    enum mb_role role;
};

static const struct demo_org orgs[] = {
    { "Massebank drift", "admin@demo.massebank.no", "Ada Admin", MB_ROLE_ADMIN },
    { "Trondheim kommune (demo)", "kommune@demo.massebank.no", "Kari Kommune",
      MB_ROLE_MUNICIPALITY },
    { "Utbygger Nord AS (demo)", "utbygger@demo.massebank.no", "Ulf Utbygger",
      MB_ROLE_DEVELOPER },
    { "Entreprenør Midt AS (demo)", "entreprenor@demo.massebank.no", "Eli Entreprenør",
      MB_ROLE_CONTRACTOR },
    { "Transport Trøndelag AS (demo)", "transport@demo.massebank.no", "Tor Transport",
      MB_ROLE_HAULER },
    { "Deponi og Gjenvinning AS (demo)", "deponi@demo.massebank.no", "Dina Deponi",
      MB_ROLE_OPERATOR },
};
enum { ORG_ADMIN, ORG_KOMMUNE, ORG_UTBYGGER, ORG_ENTREPRENOR, ORG_TRANSPORT, ORG_DEPONI,
       NORGS };

static const char *kind_title(const char *kind)
{
    if (strcmp(kind, "landfill") == 0)
        return "Deponi";
    if (strcmp(kind, "quarry") == 0)
        return "Pukkverk";
    if (strcmp(kind, "storage") == 0)
        return "Mellomlager";
    return "Anlegg";
}

/* A demo scenario site -> API body (new reference) and its owner. */
static json_t *body_of(json_t *site, const struct mb_market *m,
                       const struct mb_municipalities *munis, size_t index, int *owner)
{
    json_t *b = json_deep_copy(site);
    const char *kind = json_string_value(json_object_get(site, "kind"));
    const char *code = json_string_value(json_object_get(site, "municipality"));
    const struct mb_municipality *mu = code ? mb_municipality_find(munis, code) : NULL;
    const char *place = mu ? mu->name : "Trøndelag";
    const char *name = json_string_value(json_object_get(site, "name"));
    char title[160];
    json_object_del(b, "id");
    json_object_del(b, "kind");
    json_object_del(b, "name");
    /* A market facility keeps one capacity per period and no position
     * note: the scenario's yearly capacities and the approximate flag
     * stay in the planning demo. */
    json_object_del(b, "capacity_by_year");
    json_object_del(b, "approximate");
    bool listing = strcmp(kind, "source") == 0 || strcmp(kind, "need") == 0;
    if (listing) {
        const char *mat = json_string_value(json_object_get(site, "material"));
        const struct mb_material *mm = mat ? mb_catalog_find(&m->catalog, mat) : NULL;
        bool supply = strcmp(kind, "source") == 0;
        snprintf(title, sizeof title, "%s: %s, %s", supply ? "Overskudd" : "Behov",
                 mm ? mm->name_nb : (mat ? mat : "masser"), place);
        json_object_set_new(b, "type", json_string(supply ? "supply" : "need"));
        json_object_set_new(b, "title", json_string(title));
        json_t *kw = json_pack("[s, s]", "demo", place);
        if (supply && json_integer_value(json_object_get(site, "class")) > 1)
            json_array_append_new(kw, json_string("forurenset"));
        json_object_set_new(b, "keywords", kw);
        /* Listings alternate between the developer, the contractor and
         * the municipality's own projects. */
        *owner = (int)(index % 3);
    } else {
        if (name)
            mb_text_copy(title, sizeof title, name);
        else
            snprintf(title, sizeof title, "%s %s", kind_title(kind), place);
        json_object_set_new(b, "type", json_string(kind));
        json_object_set_new(b, "name", json_string(title));
        json_object_set_new(b, "keywords", json_pack("[s, s]", "demo", place));
        *owner = strcmp(kind, "storage") == 0 ? 2 : 3;
    }
    return b;
}

/* Every site of a scenario document as a published listing or facility;
 * listings rotate over owners[0..2], storage belongs to owners[2] and the
 * other facilities to owners[3]. */
static int seed_sites(struct mb_store *st, const struct mb_market *m,
                      const struct mb_municipalities *munis, json_t *doc,
                      const int64_t owners[4], size_t *count, struct mb_error *err)
{
    json_t *sites = json_object_get(doc, "sites");
    size_t i;
    json_t *site;
    *count = 0;
    json_array_foreach(sites, i, site) {
        int owner;
        json_t *body = body_of(site, m, munis, i, &owner);
        const char *kind = json_string_value(json_object_get(site, "kind"));
        enum mb_site_family fam = strcmp(kind, "source") == 0 || strcmp(kind, "need") == 0
                                      ? MB_FAMILY_LISTING : MB_FAMILY_FACILITY;
        char *text = mb_xjson_dumps(body, JSON_COMPACT);
        json_decref(body);
        struct mb_site_rec rec;
        memset(&rec, 0, sizeof rec);
        struct mb_problems probs = { 0 };
        int rc = mb_market_parse_site(m, fam, text, strlen(text), &rec, &probs);
        free(text);
        if (rc) {
            rc = mb_error_set(err, MB_EDATA, "sites", "site %zu is refused: %s: %s", i,
                              probs.n ? probs.items[0].path : "",
                              probs.n ? probs.items[0].message : "");
            mb_problems_release(&probs);
            return rc;
        }
        rec.org_id = owners[owner];
        rec.status = MB_STATUS_PUBLISHED;
        /* Seeded sites are in the audit log like any other: made by the
         * system, marked as seed. */
        json_t *mark = json_pack("{s:b}", "seed", 1);
        rc = mb_listing_insert(st, NULL, &rec, mark, err);
        json_decref(mark);
        mb_site_rec_release(&rec);
        if (rc)
            return rc;
        ++*count;
    }
    return 0;
}

int mb_seed_scenario(struct mb_store *st, const struct mb_market *m, const char *scenario,
                     const int64_t owners[4], size_t *count, struct mb_error *err)
{
    json_error_t je;
    json_t *doc = json_loads(scenario, 0, &je);
    if (!doc)
        return mb_error_set(err, MB_EINVAL, "scenario", "not JSON: %s", je.text);
    struct mb_municipalities munis;
    int rc = mb_municipalities_init(&munis, err);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    if ((rc = mb_store_begin(st, err)) == 0) {
        rc = seed_sites(st, m, &munis, doc, owners, count, err);
        if (rc)
            mb_store_rollback(st);
        else
            rc = mb_store_commit(st, err);
    }
    mb_municipalities_release(&munis);
    json_decref(doc);
    return rc;
}

static void free_logins(char **l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

int mb_seed_demo(struct mb_store *st, const struct mb_market *m, char ***logins, size_t *n,
                 struct mb_error *err)
{
    *logins = NULL;
    *n = 0;
    struct mb_org *existing;
    size_t norgs;
    int rc = mb_store_org_list(st, &existing, &norgs, err);
    if (rc)
        return rc;
    free(existing);
    if (norgs > 0)
        return 0;
    char *scenario = mb_demo_trondheim(err);
    if (!scenario)
        return err ? err->code : MB_EDATA;
    json_t *doc = json_loads(scenario, 0, NULL);
    free(scenario);
    if (!doc)
        return mb_error_set(err, MB_EDATA, "demo", "the demo scenario is broken");
    /* The market demo shows condition classes; the planning demo keeps
     * the clean MEF masses (seed_quality.c). */
    struct mb_municipalities munis;
    if ((rc = mb_seed_demo_quality(doc, &m->classes, err)) != 0 ||
        (rc = mb_municipalities_init(&munis, err)) != 0) {
        json_decref(doc);
        return rc;
    }
    char **lines = mb_xcalloc(NORGS + 1, sizeof *lines);
    size_t nlines = 0;
    if ((rc = mb_store_begin(st, err)) != 0)
        goto out;
    int64_t org_id[NORGS];
    struct mb_user users[NORGS];
    for (int i = 0; i < NORGS; i++) {
        struct mb_org o = { 0 };
        mb_text_copy(o.name, sizeof o.name, orgs[i].name);
        if ((rc = mb_accounts_org_create(st, NULL, &o, err)) != 0)
            goto rollback;
        org_id[i] = o.id;
        char hash[MB_AUTH_HASH_SIZE];
        if ((rc = mb_auth_hash_password(MB_SEED_PASSWORD, hash, err)) != 0)
            goto rollback;
        struct mb_user u = { 0 };
        u.org_id = o.id;
        u.role = orgs[i].role;
        mb_text_copy(u.email, sizeof u.email, orgs[i].email);
        mb_text_copy(u.name, sizeof u.name, orgs[i].user);
        if ((rc = mb_accounts_user_create(st, NULL, &u, hash, err)) != 0)
            goto rollback;
        users[i] = u;
        size_t len = strlen(orgs[i].email) + sizeof MB_SEED_PASSWORD + 32;
        lines[nlines] = mb_xmalloc(len);
        snprintf(lines[nlines++], len, "%s %s %s", orgs[i].email, MB_SEED_PASSWORD,
                 mb_role_name(orgs[i].role));
    }
    static const int owner_idx[4] = { ORG_ENTREPRENOR, ORG_UTBYGGER, ORG_KOMMUNE, ORG_DEPONI };
    int64_t owners[4];
    for (int k = 0; k < 4; k++)
        owners[k] = org_id[owner_idx[k]];
    size_t count;
    if ((rc = seed_sites(st, m, &munis, doc, owners, &count, err)) != 0)
        goto rollback;
    struct mb_seed_users who = { &users[ORG_ENTREPRENOR], &users[ORG_DEPONI],
                                 &users[ORG_UTBYGGER], &users[ORG_TRANSPORT] };
    if ((rc = mb_seed_demo_deals(st, &who, err)) != 0)
        goto rollback;
    if ((rc = mb_store_commit(st, err)) != 0)
        goto out;
    *logins = lines;
    *n = nlines;
    lines = NULL;
    goto out;
rollback:
    mb_store_rollback(st);
out:
    if (lines)
        free_logins(lines, nlines);
    mb_municipalities_release(&munis);
    json_decref(doc);
    return rc;
}
