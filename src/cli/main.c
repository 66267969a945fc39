/*
 * main.c - the massebank command-line program: dispatch to a command.
 *
 * Arguments are checked to be UTF-8 before any command sees them, so no
 * command has to think about broken bytes from the shell.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/alloc.h"
#include "core/text.h"

#define MB_VERSION "0.1.0"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *usage;
    const char *help;
} commands[] = {
    { "demo", cmd_demo, "demo [--region trondheim|baerum] [--scenario]",
      "Show the Trondheim region's reference figures and what the tool can do;\n"
      "  --region baerum: the Bærum estimate and what its 300,000 t claim needs;\n"
      "  --scenario: print the demo scenario instead." },
    { "convert", cmd_convert, "convert AMOUNT UNIT MATERIAL [--to UNIT] [--json] "
      "[--materials FILE]",
      "Convert an amount between tonnes (t), solid m3 (fm3), loose m3 (lm3) and\n"
      "  placed m3 (pm3) for a material, e.g. 'convert 12000 lm3 rock.blasted --to t'." },
    { "factors", cmd_factors, "factors [--json|--csv]",
      "List the factor register: every factor the accounting uses, with its low,\n"
      "  central and high value, unit, boundary, status and source." },
    { "materials", cmd_materials, "materials [--json|--csv] [--materials FILE]",
      "List the material taxonomy: codes, names, density, bulking, waste codes." },
    { "classify", cmd_classify, "classify SUBST=VALUE... | --csv FILE  [--json] "
      "[-o FILE]",
      "Classify lab results (mg/kg dry matter) into condition classes 1-5\n"
      "  (TA-2553/2009), e.g. 'classify As=12 Pb=80 PAH16=<0,5'. With --csv, one\n"
      "  sample per row: a 'sample' column and one column per substance." },
    { "coord", cmd_coord, "coord A B [--from EPSG] [--anywhere] [--json]",
      "Convert a position: latitude longitude (EPSG 4326/4258, the default) or\n"
      "  easting northing (--from 25832, 25833 or 25835), printed in all of them." },
    { "distance", cmd_distance, "distance A,B C,D [--from EPSG] [--anywhere] [--json]",
      "Great-circle distance in km between two positions." },
    { "roads", cmd_roads, "roads build EXTRACT.osm.pbf -o DIR\n"
      "      roads route --roads DIR LAT,LON LAT,LON [--shortest] [--weight T] [--json]\n"
      "      roads fill --db FILE --roads DIR [--all] [--json]",
      "Build a region's road database from an OpenStreetMap extract (Routino's\n"
      "  planetsplitter), ask it for a truck's drive between two points (km,\n"
      "  minutes and the part on a ferry), or bring a market database's road\n"
      "  distances up to date, as the server's road worker does (docs/roads.md)." },
    { "plan", cmd_plan, "plan SCENARIO.json [-o PLAN.json] [--write-lp FILE.lp] [--quiet]\n"
      "      [--pricing auto|never|always] [--write-dimacs FILE]\n"
      "      [--objective cost|co2|landfill] [--draws N] [--sensitivity] [--tradeoff]\n"
      "   or: plan --db FILE --municipality N [--municipality N...] --from YYYY-MM\n"
      "      --to YYYY-MM [options as above]",
      "Plan the mass flows of a scenario exactly (LP, Clp) and compare with today's\n"
      "  practice. Prints a summary with every saving's range (--draws N Monte Carlo\n"
      "  draws of the factors, 0 for none), the factors that move it (--sensitivity)\n"
      "  and a cost/CO2 trade-off curve (--tradeoff); the plan (JSON) goes to -o or\n"
      "  standard output. With --db, plans a region of the market database: its\n"
      "  published and reserved sites, as the server's regional plans do." },
    { "site", cmd_site, "site SCENARIO.json --candidates C.json [--max K] [--without ID]...\n"
      "      [--method mip|enumerate] [--json] [--pdf F] [--html F] [--lang nb|en]",
      "Where should the region open storage sites or plants? Candidate sites with\n"
      "  their yearly and opening cost and CO2 (docs/siting.md); every subset of at\n"
      "  most K of them is planned exactly, and the best is named with what it\n"
      "  saves and what each opened candidate brings with the others open.\n"
      "  --without ID takes a site out of the scenario (to give it as a candidate).\n"
      "  The CO2 and money saved against opening none come with their 5-95 % range\n"
      "  (paired draws of the factor register). --pdf / --html write the answer as\n"
      "  a document too (--lang: bokmål, the default, or English)." },
    { "gen", cmd_gen, "gen [--preset small|trondheim|national] [--seed N] [--listings N]\n"
      "      [--months N] [--transport-only] [-o FILE]",
      "Write a reproducible generated scenario (the same seed gives the same file)." },
    { "whatif", cmd_whatif, "whatif SCENARIO.json [--changes N] [--seed S] [--check] [--json]",
      "What-if planning, measured: the scenario is planned once and its basis kept;\n"
      "  then N random changes (listings resized, moved, withdrawn, shifted, added;\n"
      "  a landfill closing), one after the other, are planned warm from the last\n"
      "  basis and, with --check, cold too, and the two optima compared." },
    { "audit", cmd_audit, "audit verify --db FILE [--head HEAD.json] [--key FILE]\n"
      "      [--public-key HEX] [--links-only]\n"
      "  massebank audit head --db FILE [--key FILE] [-o HEAD.json]",
      "Check a market database's audit log: every entry links to the one before\n"
      "  by its SHA-256 and is signed by the database's key, every row is as its\n"
      "  last entry wrote it, and the log still reaches a kept head. Names the\n"
      "  first problem. 'head' writes the log's head, signed, to keep elsewhere." },
    { "export", cmd_export, "export --db FILE listings|facilities|deliveries|statistics\n"
      "      --format csv|xlsx|geojson [--org ID] [--year YYYY] [--municipality M...]\n"
      "      [--lang nb|en] [-o FILE]",
      "Export the market's listings or facilities (the public view, or with --org\n"
      "  that organisation's own, drafts included), its deliveries (with --org those\n"
      "  of the organisation's deals) or the statistics of confirmed loads (csv, xlsx)\n"
      "  as CSV, Excel or GeoJSON. Names stand next to the codes (material_name, ...);\n"
      "  --lang gives the header for people in bokmål or English, quantities to 0.1." },
    { "import", cmd_import, "import --db FILE --org ID listings|facilities FILE.csv|FILE.xlsx\n"
      "      [--dry-run]\n"
      "  import --db FILE addresses MATRIKKELEN-ADRESSE.csv",
      "Import listings or facilities owned by organisation ID, all or nothing: any\n"
      "  bad row is reported (row, column, message) and nothing is written. Or\n"
      "  Kartverket's official addresses for the address search: they replace the\n"
      "  addresses of the municipalities in the file." },
    { "mhp", cmd_mhp, "mhp --db FILE --listing ID [--listing ID...] [--name TEXT]\n"
      "      --format html|pdf -o FILE [--lang nb|en]",
      "Write the mass handling plan (massehåndteringsplan) of a project: its\n"
      "  listings' amounts, reuse on site and elsewhere, transport, CO2, documents." },
    { "custody", cmd_custody, "custody --db FILE --listing ID [--balance] [-o FILE]",
      "Where a listing's masses went: every load, the totals per destination and,\n"
      "  through storage sites and plants, what went on (by mass balance); with\n"
      "  --balance the planned amount against what was delivered. JSON." },
    { "stats", cmd_stats, "stats --db FILE [--year YYYY] [--municipality CODE|NAME]... [--json]",
      "Amounts per municipality and destination (landfill, reuse, soil improvement,\n"
      "  plant, storage) from the confirmed loads of a market database: the MEF table." },
    { "refdata", cmd_refdata, "refdata [--dir DIR] [--json] [--strict]",
      "Load and check the Trondheim region's reference tables (built in, or CSV\n"
      "  files in DIR) and report every inconsistency found in them." },
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static void print_help(FILE *f)
{
    fprintf(f, "massebank %s - market and planning for surplus excavated masses\n\n"
               "Usage: massebank COMMAND [ARGS]\n\nCommands:\n", MB_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %s\n    %s\n", commands[i].usage, commands[i].help);
    fprintf(f, "\n  help [COMMAND]   this text, or one command's\n"
               "  version          print the version\n\n"
               "Exit status: 0 ok, 1 input refused or a file unreadable (the message\n"
               "names the field), 2 wrong command line, 3 internal failure, 4 the\n"
               "database is busy (try again).\n");
}

int main(int argc, char **argv)
{
    mb_alloc_keep_freed();
    for (int i = 1; i < argc; i++) {
        size_t bad;
        if (!mb_utf8_valid(argv[i], strlen(argv[i]), &bad)) {
            fprintf(stderr, "massebank: argument %d: not valid UTF-8 (byte %zu)\n",
                    i, bad + 1);
            return EXIT_REFUSED;
        }
    }
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "-h") == 0) {
        if (argc > 2) {
            for (size_t i = 0; i < NCOMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    printf("Usage: massebank %s\n  %s\n", commands[i].usage,
                           commands[i].help);
                    return 0;
                }
            fprintf(stderr, "massebank: no command '%s'\n", argv[2]);
            return EXIT_USAGE;
        }
        print_help(stdout);
        return 0;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("massebank %s\n", MB_VERSION);
        return 0;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        int rc = commands[i].run(argc - 1, argv + 1);
        /* Output that could not be written (a full disk, a closed pipe) is a
         * failure, not a success with nothing to show. */
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "massebank: cannot write to standard output\n");
            return rc ? rc : EXIT_REFUSED;
        }
        return rc;
    }
    fprintf(stderr, "massebank: unknown command '%s' (see 'massebank help')\n", cmd);
    return EXIT_USAGE;
}
