/*
 * parties.c - organisations as counterparts see them (see parties.h).
 */
#include "market/parties.h"

#include <string.h>

#include "core/text.h"

int mb_contact_check(struct mb_org_contact *c, struct mb_error *err)
{
    struct { const char *field, *value; } f[3] = {
        { "name", c->name }, { "phone", c->phone }, { "email", c->email } };
    for (int i = 0; i < 3; i++)
        if (!mb_utf8_valid(f[i].value, strlen(f[i].value), NULL) ||
            mb_text_has_control(f[i].value, strlen(f[i].value), false))
            return mb_error_set(err, MB_EINVAL, f[i].field, "is not plain text");
    mb_text_trim(c->name);
    mb_text_trim(c->phone);
    mb_text_trim(c->email);
    if (mb_utf8_chars(c->name) > 100)
        return mb_error_set(err, MB_EINVAL, "name", "at most 100 characters");
    if (c->phone[0]) {
        size_t n = strlen(c->phone), digits = 0;
        bool ok = n >= 8 && n <= 20;
        for (size_t i = 0; ok && i < n; i++) {
            char ch = c->phone[i];
            if (ch >= '0' && ch <= '9')
                digits++;
            else if (!(ch == ' ' || (ch == '+' && i == 0)))
                ok = false;
        }
        if (!ok || digits < 8)
            return mb_error_set(err, MB_EINVAL, "phone", "must be a phone number: 8 digits or "
                                "more, spaces and a leading + allowed (\"+47 73 00 00 00\")");
    }
    if (c->email[0]) {
        const char *at = strchr(c->email, '@');
        size_t n = strlen(c->email);
        if (n > 254 || !at || at == c->email || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
            at[1] == '.' || c->email[n - 1] == '.' || strpbrk(c->email, " ,;<>\"()[]\\"))
            return mb_error_set(err, MB_EINVAL, "email", "must be an e-mail address "
                                "(\"post@firma.no\")");
        char low[128];
        if (!mb_text_ascii_lower(low, sizeof low, c->email))
            return mb_error_set(err, MB_EINVAL, "email", "at most 127 characters");
        memcpy(c->email, low, strlen(low) + 1);
    }
    return 0;
}

json_t *mb_party_json(struct mb_store *st, int64_t org_id, bool with_contact)
{
    struct mb_org o;
    struct mb_error err;
    if (org_id <= 0 || mb_store_org_get(st, org_id, &o, &err) != 0)
        return json_null();
    struct mb_org_status state;
    bool verified = mb_store_org_status(st, org_id, &state, &err) == 0 &&
                    strcmp(state.state, "verified") == 0;
    json_t *j = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)o.id, "name", o.name,
                          "orgnr", o.orgnr, "verified", verified);
    struct mb_org_contact c;
    if (with_contact && mb_store_org_contact_get(st, org_id, &c, &err) == 0 &&
        (c.name[0] || c.phone[0] || c.email[0]))
        json_object_set_new(j, "contact", json_pack("{s:s, s:s, s:s}", "name", c.name,
                                                    "phone", c.phone, "email", c.email));
    else
        json_object_set_new(j, "contact", json_null());
    return j;
}

json_t *mb_deal_parties_json(struct mb_store *st, const struct mb_deal *d,
                             const struct mb_site_rec *listing)
{
    int64_t site_org = 0;
    struct mb_error err;
    if (mb_deal_site_org(st, d, &site_org, &err) != 0)
        site_org = 0;
    return json_pack("{s:o, s:o, s:o, s:o}", "owner", mb_party_json(st, listing->org_id, true),
                     "reserver", mb_party_json(st, d->org_id, true), "hauler",
                     mb_party_json(st, d->hauler_org, true), "site_owner",
                     mb_party_json(st, site_org, true));
}
