/*
 * suggest.h - regional plans that act: each flow a finished plan moves
 * from one organisation's surplus listing to another organisation's need
 * listing becomes a suggestion to both (docs/deals.md, "Suggestions").
 *
 * A suggestion gives the tonnes, the months, the distance, the flow's
 * own CO2 in the plan and, as an estimate, the CO2 the same tonnes cause
 * in today's practice (the plan's baseline kg CO2e per tonne of that
 * surplus, to a landfill in or outside the region, plus that of the
 * need, from a quarry in or outside it, times the tonnes). Either
 * party turns it into a reservation with one step (the need's party
 * reserves the surplus for its need, the surplus's party reserves the
 * need for its surplus; the market's rules on deals apply) or dismisses
 * it for its own side. A later plan's suggestion for the same two
 * listings supersedes an open one.
 */
#ifndef MB_MARKET_SUGGEST_H
#define MB_MARKET_SUGGEST_H

#include <jansson.h>

#include "market/market.h"

/* Make the suggestions of finished plan job `job_id` from its stored
 * result (the job's text, {"scenario", "plan"}); flows within one
 * organisation and listings no longer there are left out. *made is the
 * number of pairs suggested (NULL allowed). 0 or an MB_E* code. */
int mb_suggest_from_plan(struct mb_store *st, int64_t job_id, const char *result,
                         size_t *made, struct mb_error *err);

/* The suggestions `who` sees: those naming a listing of its organisation
 * (administrators and municipalities: every one), newest first. With
 * open_only, those still open and not dismissed by who's side.
 * {"items": [...], "open": N}; new reference in *out. */
int mb_suggest_list_json(struct mb_store *st, const struct mb_user *who, bool open_only,
                         json_t **out, struct mb_error *err);

/* Reserve what suggestion `id` suggests, as `who` (of one of its two
 * organisations, with a role that writes listings), and mark it accepted
 * with the deal; one transaction. hauler_org is 0 or the hauler's
 * organisation. The amount is the suggestion's tonnes, or what the
 * listing still has available when that is less. *deal is the new deal.
 * MB_ENOTFOUND naming "id" when who is not a party; MB_ECONFLICT naming
 * "state" when it is no longer open; the deal's own errors otherwise. */
int mb_suggest_accept(struct mb_store *st, const struct mb_market *m, const struct mb_user *who,
                      int64_t id, int64_t hauler_org, struct mb_deal *deal,
                      struct mb_error *err);

/* Dismiss suggestion `id` for who's side (audited). Errors as accept. */
int mb_suggest_dismiss(struct mb_store *st, const struct mb_user *who, int64_t id,
                       struct mb_error *err);

/* One suggestion as who sees it; new reference. */
json_t *mb_suggest_json(const struct mb_suggestion *g, const struct mb_user *who);

#endif
