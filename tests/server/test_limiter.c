/*
 * test_limiter.c - the sign-in guess limiter (src/server/limiter.c): one
 * key per account whatever the case of its e-mail, bounded memory under a
 * flood of unknown e-mails and client addresses that never frees a known
 * account's count, and the end of a lock reported once.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "server/srv.h"

#define WINDOW 900

Test(limiter, case_of_the_email_is_one_account)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 0);
    for (int i = 0; i < 5; i++)
        mb_limiter_fail(l, "utbygger@demo.massebank.no", "10.0.0.1", 7, 100.0 + i);
    cr_expect_gt(mb_limiter_wait(l, "UTBYGGER@Demo.Massebank.NO", "10.0.0.2", 106.0), 0);
    cr_expect_eq(mb_limiter_wait(l, "entreprenor@demo.massebank.no", "10.0.0.2", 106.0), 0);
    mb_limiter_free(l);
}

Test(limiter, the_fifth_failure_locks_and_says_for_how_long)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 0);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(mb_limiter_fail(l, "a@b.no", "10.0.0.1", 3, 10.0 + i), 0);
    int locked = mb_limiter_fail(l, "a@b.no", "10.0.0.9", 3, 20.0);
    /* The oldest failure (t = 10) leaves the window at 910. */
    cr_expect_eq(locked, 891, "locked %d", locked);
    cr_expect_eq(mb_limiter_wait(l, "a@b.no", "10.0.0.5", 909.0), 2);
    cr_expect_eq(mb_limiter_wait(l, "a@b.no", "10.0.0.5", 910.5), 0);
    mb_limiter_free(l);
}

Test(limiter, a_flood_of_unknown_emails_never_frees_a_known_account)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 64);
    for (int i = 0; i < 4; i++)
        mb_limiter_fail(l, "kommune@demo.massebank.no", "10.0.0.1", 2, 1.0 + i);
    /* 100,000 failures for unknown e-mails from 5,000 addresses, 20 each. */
    char email[64], client[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(email, sizeof email, "x%d@example.com", i);
        snprintf(client, sizeof client, "10.%d.%d.1", i / 20 / 256, i / 20 % 256);
        mb_limiter_fail(l, email, client, 0, 10.0 + i * 1e-3);
    }
    /* Bounded: the evictable entries stay within 64, plus the account. */
    cr_expect_leq(mb_limiter_size(l), 65, "size %zu", mb_limiter_size(l));
    /* The account still holds its four failures: the fifth locks it. */
    cr_expect_gt(mb_limiter_fail(l, "kommune@demo.massebank.no", "10.9.9.9", 2, 200.0), 0);
    cr_expect_gt(mb_limiter_wait(l, "kommune@demo.massebank.no", "10.9.9.8", 201.0), 0);
    mb_limiter_free(l);
}

Test(limiter, eviction_takes_the_longest_idle_first)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 16);
    /* A client that has used up its 20 attempts on 20 e-mails. */
    char email[32], client[32];
    for (int i = 0; i < 20; i++) {
        snprintf(email, sizeof email, "a%d@x.no", i);
        mb_limiter_fail(l, email, "10.0.0.1", 0, 100.0 + i);
    }
    cr_expect_gt(mb_limiter_wait(l, "v@x.no", "10.0.0.1", 130.0), 0);
    /* Five new clients, each with a new e-mail: the table is full, so
     * entries go - the e-mails idle longest, not the client still
     * counting. */
    for (int i = 0; i < 5; i++) {
        snprintf(email, sizeof email, "b%d@x.no", i);
        snprintf(client, sizeof client, "10.2.0.%d", i);
        mb_limiter_fail(l, email, client, 0, 131.0 + i);
    }
    cr_expect_leq(mb_limiter_size(l), 16);
    cr_expect_gt(mb_limiter_wait(l, "v@x.no", "10.0.0.1", 140.0), 0);
    mb_limiter_free(l);
}

Test(limiter, unknown_emails_are_limited_like_known_ones)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 0);
    for (int i = 0; i < 5; i++)
        mb_limiter_fail(l, "nobody@example.com", "10.0.0.1", 0, 1.0 + i);
    cr_expect_gt(mb_limiter_wait(l, "nobody@example.com", "10.0.0.2", 7.0), 0);
    mb_limiter_free(l);
}

Test(limiter, a_lock_end_is_reported_once)
{
    struct mb_limiter *l = mb_limiter_new(60, 0);
    for (int i = 0; i < 5; i++)
        mb_limiter_fail(l, "a@b.no", "10.0.0.1", 42, 1.0 + i);
    for (int i = 0; i < 5; i++)
        mb_limiter_fail(l, "nobody@b.no", "10.0.0.2", 0, 1.0 + i);
    struct mb_limiter_end ends[4];
    cr_expect_eq(mb_limiter_ended(l, 30.0, ends, 4), 0);
    size_t n = mb_limiter_ended(l, 70.0, ends, 4);
    /* Only the account: an unknown e-mail has no lock to report. */
    cr_assert_eq(n, 1);
    cr_expect_eq(ends[0].user_id, 42);
    cr_expect_float_eq(ends[0].ago, 70.0 - 62.0, 1e-9);
    cr_expect_eq(mb_limiter_ended(l, 80.0, ends, 4), 0);
    mb_limiter_free(l);
}

Test(limiter, success_clears_the_count)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 0);
    for (int i = 0; i < 4; i++)
        mb_limiter_fail(l, "a@b.no", "10.0.0.1", 1, 1.0 + i);
    cr_assert_eq(mb_limiter_acquire(l, "a@b.no", "10.0.0.1", 9.0), 0);
    mb_limiter_success(l, "A@B.no", "10.0.0.1", 9.0);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(mb_limiter_fail(l, "a@b.no", "10.0.0.1", 1, 10.0 + i), 0);
    mb_limiter_free(l);
}

/* Attempts checked at the same time each take a slot before the password
 * is checked: ten at once, five get to check. */
Test(limiter, attempts_at_once_take_a_slot_each)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 0);
    int allowed = 0;
    for (int i = 0; i < 10; i++)
        allowed += mb_limiter_acquire(l, "a@b.no", i < 5 ? "10.0.0.1" : "10.0.0.2", 50.0) == 0;
    cr_expect_eq(allowed, 5);
    /* The failures are reported: the lock once. */
    int locks = 0;
    for (int i = 0; i < 5; i++)
        locks += mb_limiter_failed(l, "a@b.no", 3, 51.0) > 0;
    cr_expect_eq(locks, 1);
    mb_limiter_free(l);
}

/* A right password gives the client's slot back: an office behind one
 * address signing in all day is never limited. */
Test(limiter, right_passwords_do_not_use_up_the_client)
{
    struct mb_limiter *l = mb_limiter_new(WINDOW, 0);
    char email[32];
    for (int i = 0; i < 100; i++) {
        snprintf(email, sizeof email, "u%d@x.no", i);
        cr_assert_eq(mb_limiter_acquire(l, email, "10.0.0.1", 1.0 + i), 0, "attempt %d", i);
        mb_limiter_success(l, email, "10.0.0.1", 1.0 + i);
    }
    mb_limiter_free(l);
}
