/*
 * test_refdata.c - the Trondheim reference tables: the inconsistencies the
 * sources contain are all reported, consistent tables report none, and
 * broken tables load nothing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "domain/refdata.h"
#include "support/tmpdir.h"

static struct mb_municipalities mu;

static void setup(void)
{
    struct mb_error err;
    cr_assert_eq(mb_municipalities_init(&mu, &err), 0, "%s", err.message);
}

static void teardown(void)
{
    mb_municipalities_release(&mu);
}

TestSuite(refdata, .init = setup, .fini = teardown);

static const struct mb_finding *find(const struct mb_refdata *r, const char *a,
                                     const char *b)
{
    for (size_t i = 0; i < r->nfindings; i++)
        if (strstr(r->findings[i].message, a) && (!b || strstr(r->findings[i].message, b)))
            return &r->findings[i];
    return NULL;
}

Test(refdata, municipalities_known)
{
    /* every municipality of the 2024 boundaries; the 23 of the table
     * first, with their earlier codes */
    cr_assert_eq(mu.n, 357);
    cr_assert_str_eq(mu.items[0].code, "0301");
    const struct mb_municipality *r = mb_municipality_find(&mu, "røros");
    cr_assert_not_null(r, "one form of a Sami/Norwegian name");
    cr_assert_str_eq(r->code, "5025");
    cr_assert_eq(mb_municipality_find(&mu, "Rosse - Røros"), r);
    cr_assert_eq(mb_municipality_find(&mu, "5025"), r);
    cr_assert_str_eq(mb_municipality_find(&mu, "Trondheim - Tråante")->code, "5001");
    cr_assert_null(mb_municipality_find(&mu, ""));
    const struct mb_municipality *m = mb_municipality_find(&mu, "bærum");
    cr_assert_not_null(m);
    cr_assert_str_eq(m->code, "3201");
    cr_assert_eq(mb_municipality_find(&mu, "3024"), m, "2020-23 code");
    cr_assert_str_eq(mb_municipality_find(&mu, "5001")->name, "Trondheim");
    cr_assert_null(mb_municipality_find(&mu, "Narnia"));
}

Test(refdata, builtin_tables_and_their_inconsistencies)
{
    struct mb_refdata r;
    struct mb_error err;
    cr_assert_eq(mb_refdata_load(&r, NULL, &mu, &err), 0, "%s", err.message);
    cr_assert_eq(r.nlandfills, 15);
    cr_assert_eq(r.nyears, 11);
    cr_assert_eq(r.nsurplus, 8);
    double total = 0;
    for (size_t i = 0; i < r.nsurplus; i++)
        total += r.surplus[i].landfill_m3;
    cr_assert_eq(total, 1508219, "MISSION.md: 1,508,219 m3 went to landfill in 2020");
    cr_assert_eq(r.stated_total_surplus_m3, 1886703);
    cr_assert_eq(r.stated_total_capacity_m3, 12600000);

    const struct mb_finding *f;
    cr_assert_not_null(f = find(&r, "Furufjellgrønt appears again", NULL));
    cr_assert_eq(f->level, MB_FINDING_WARNING);
    cr_assert_eq(f->line, 19);
    cr_assert_not_null(f = find(&r, "Blåne Forst appears again", NULL));
    cr_assert_eq(f->line, 20);
    cr_assert_not_null(f = find(&r, "Blåne Forst (Malvik)", "same site"));
    cr_assert_eq(f->line, 21);
    cr_assert_not_null(find(&r, "1750000 m3 a year", "500000-1425000"));
    cr_assert_not_null(find(&r, "17500000", "11375000"));
    cr_assert_not_null(find(&r, "12600000", "11375000"));
    cr_assert_not_null(find(&r, "593219 m3 more", NULL));
    cr_assert_not_null(find(&r, "10 of 15 landfills have no municipality", NULL));
    cr_assert_not_null(find(&r, "79.9 %", NULL));
    cr_assert_eq(mb_refdata_count(&r, MB_FINDING_WARNING), 7);
    /* Named municipalities are resolved. */
    cr_assert_str_eq(r.landfills[2].muni->code, "5029"); /* Skaun */
    mb_refdata_release(&r);
}

static char *write_set(const char *name, const char *landfills, const char *sums,
                       const char *surplus)
{
    char *dir = tmpfile_path(name);
    mkdir(dir, 0700);
    char path[512];
    snprintf(path, sizeof path, "%s/%s", name, "landfills.csv");
    free(tmpfile_write(path, landfills));
    snprintf(path, sizeof path, "%s/%s", name, "landfill-capacity-sums.csv");
    free(tmpfile_write(path, sums));
    snprintf(path, sizeof path, "%s/%s", name, "surplus-2020.csv");
    free(tmpfile_write(path, surplus));
    return dir;
}

static const char *const LF_HEAD = "name,municipality,yearly_capacity_m3,sum_to_2030_m3,"
                                   "capacity_m3,operating_years,start,plan_status\n";

Test(refdata, consistent_tables_give_no_warnings)
{
    char lf[512];
    snprintf(lf, sizeof lf, "%sA,Skaun,100,300,300,3,drift,i drift\n"
             "B,Malvik,50,150,200,3,drift,i drift\n", LF_HEAD);
    char *dir = write_set("ok", lf, "year,capacity_m3\n2020,150\n2021,150\n2022,150\n",
                          "# total surplus 500 m3\nmunicipality,delivered_to_landfill_m3\n"
                          "Trondheim,100\nMalvik,40\n");
    struct mb_refdata r;
    struct mb_error err;
    cr_assert_eq(mb_refdata_load(&r, dir, &mu, &err), 0, "%s", err.message);
    for (size_t i = 0; i < r.nfindings; i++)
        cr_assert_neq(r.findings[i].level, MB_FINDING_WARNING, "%s",
                      r.findings[i].message);
    cr_assert_eq(r.nlandfills, 2);
    mb_refdata_release(&r);
    free(dir);
}

static void broken(const char *name, const char *lf, const char *sums,
                   const char *surplus, const char *want)
{
    char *dir = write_set(name, lf, sums, surplus);
    struct mb_refdata r;
    struct mb_error err;
    mb_error_clear(&err);
    cr_assert_neq(mb_refdata_load(&r, dir, &mu, &err), 0, "%s loaded", name);
    char all[512];
    snprintf(all, sizeof all, "%s %s", err.field, err.message);
    cr_assert(strstr(all, want), "%s: '%s' lacks '%s'", name, all, want);
    cr_assert_null(r.landfills, "nothing is kept");
    cr_assert_eq(r.nfindings, 0);
    free(dir);
}

Test(refdata, broken_tables_load_nothing)
{
    char lf[512], lfneg[512], lfyears[512];
    snprintf(lf, sizeof lf, "%sA,Skaun,100,300,300,3,drift,i drift\n", LF_HEAD);
    snprintf(lfneg, sizeof lfneg, "%sA,Skaun,-100,300,300,3,drift,x\n", LF_HEAD);
    snprintf(lfyears, sizeof lfyears, "%sA,Skaun,100,300,300,2.5,drift,x\n", LF_HEAD);
    const char *sums = "year,capacity_m3\n2020,100\n";
    const char *sp = "municipality,delivered_to_landfill_m3\nSkaun,1\n";
    broken("neg", lfneg, sums, sp, "line 2, yearly_capacity_m3");
    broken("years", lfyears, sums, sp, "whole number");
    broken("nocol", "name,municipality\nA,Skaun\n", sums, sp, "yearly_capacity_m3");
    broken("gap", lf, "year,capacity_m3\n2020,1\n2022,1\n", sp, "follow");
    broken("notyear", lf, "year,capacity_m3\n20x0,1\n", sp, "year");
    broken("muni", lf, sums, "municipality,delivered_to_landfill_m3\nAtlantis,1\n",
           "Atlantis");
    broken("dupmuni", lf, sums, "municipality,delivered_to_landfill_m3\nSkaun,1\n"
           "5029,2\n", "twice");
    broken("utf8", lf, sums, "municipality,delivered_to_landfill_m3\nSk\xE5un,1\n",
           "UTF-8");
    char *missing = tmpfile_path("does-not-exist");
    struct mb_refdata r;
    struct mb_error err;
    cr_assert_eq(mb_refdata_load(&r, missing, &mu, &err), MB_EIO);
    free(missing);
}

static const char *const SUMS_OK = "year,capacity_m3\n2020,100\n";
static const char *const SURPLUS_OK = "municipality,delivered_to_landfill_m3\nSkaun,1\n";

static char *landfill_row(const char *row)
{
    static char lf[512];
    snprintf(lf, sizeof lf, "%s%s\n", LF_HEAD, row);
    return lf;
}

Test(refdata, too_many_operating_years_named)
{
    /* M7: 300 is a whole number, just not plausible. */
    broken("years300", landfill_row("A,Skaun,100,300,300,300,drift,x"), SUMS_OK,
           SURPLUS_OK, "300 years of operation is not plausible");
}

Test(refdata, implausible_volumes_refused)
{
    /* N6: 1e308 m3 a year summed to inf. */
    broken("huge", landfill_row("A,Skaun,1e308,300,300,3,drift,x"), SUMS_OK, SURPLUS_OK,
           "line 2, yearly_capacity_m3 1e+308 is not plausible");
    broken("hugesum", landfill_row("A,Skaun,100,300,300,3,drift,x"),
           "year,capacity_m3\n2020,2e9\n", SURPLUS_OK, "capacity_m3 2e+09 is not");
}

Test(refdata, comma_thousands_refused)
{
    /* W2: "520,000" loaded as 520. */
    broken("comma", landfill_row("A,Skaun,100,300,300,3,drift,x"),
           "year,capacity_m3\n2020,\"520,000\"\n", SURPLUS_OK, "ambiguous");
}

Test(refdata, column_twice_refused)
{
    /* F6: the second capacity_m3 was ignored. */
    broken("dupcol", landfill_row("A,Skaun,100,300,300,3,drift,x"),
           "year,capacity_m3,capacity_m3\n2020,1,2\n", SURPLUS_OK, "twice");
}

Test(refdata, empty_dir_refused)
{
    /* N7: "" read /landfills.csv. */
    struct mb_refdata r;
    struct mb_error err;
    cr_assert_eq(mb_refdata_load(&r, "", &mu, &err), MB_EINVAL);
    cr_assert(strstr(err.message, "empty"), "%s", err.message);
    cr_assert_null(r.landfills);
}
