/*
 * permit.c - the role table (see permit.h).
 */
#include "market/permit.h"

bool mb_permit_may(enum mb_role role, enum mb_action a)
{
    static const unsigned who[MB_ACT_COUNT] = {
        [MB_ACT_LISTING_WRITE] = 1u << MB_ROLE_DEVELOPER | 1u << MB_ROLE_CONTRACTOR |
                                 1u << MB_ROLE_OPERATOR | 1u << MB_ROLE_MUNICIPALITY |
                                 1u << MB_ROLE_ADMIN,
        [MB_ACT_FACILITY_WRITE] = 1u << MB_ROLE_OPERATOR | 1u << MB_ROLE_MUNICIPALITY |
                                  1u << MB_ROLE_ADMIN,
        [MB_ACT_PLAN] = 1u << MB_ROLE_MUNICIPALITY | 1u << MB_ROLE_ADMIN,
        [MB_ACT_ADMIN] = 1u << MB_ROLE_ADMIN,
        [MB_ACT_OVERSEE] = 1u << MB_ROLE_MUNICIPALITY | 1u << MB_ROLE_ADMIN,
    };
    if ((unsigned)a >= MB_ACT_COUNT || (unsigned)role >= MB_ROLE_COUNT)
        return false;
    return (who[a] >> role) & 1u;
}

bool mb_permit_owns(const struct mb_user *who, int64_t org_id)
{
    return who && (who->role == MB_ROLE_ADMIN || who->org_id == org_id);
}

int mb_permit_check(enum mb_role role, enum mb_action a, struct mb_error *err)
{
    if (mb_permit_may(role, a))
        return 0;
    return mb_error_set(err, MB_EFORBIDDEN, "role", "a user with the role %s may not do this",
                        (unsigned)role < MB_ROLE_COUNT ? mb_role_name(role) : "unknown");
}

json_t *mb_permit_json(enum mb_role role)
{
    return json_pack("{s:b, s:b, s:b, s:b}", "write_listings",
                     mb_permit_may(role, MB_ACT_LISTING_WRITE), "write_facilities",
                     mb_permit_may(role, MB_ACT_FACILITY_WRITE), "run_plans",
                     mb_permit_may(role, MB_ACT_PLAN), "administer",
                     mb_permit_may(role, MB_ACT_ADMIN));
}
