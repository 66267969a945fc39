/*
 * cmd_geo.c - `massebank coord` and `massebank distance`: positions in
 * WGS84 and EUREF89 UTM with the municipality they lie in, and the
 * great-circle distance between two.
 *
 * Both expect Norwegian sites: a position outside Norway's extent is
 * refused unless --anywhere is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "domain/boundary.h"
#include "domain/geo.h"

struct geo_opts {
    int epsg;
    bool anywhere, json;
    const char *pos[2];
    int npos;
};

static int parse_opts(int argc, char **argv, const char *cmd, struct geo_opts *o,
                      struct mb_error *err, int *usage)
{
    memset(o, 0, sizeof *o);
    o->epsg = 4326;
    *usage = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int m = cli_opt_value(argc, argv, &i, "--from", &v, cmd);
        if (m < 0) {
            *usage = 1;
            return EXIT_USAGE;
        }
        if (m) {
            if (mb_geo_parse_epsg(v, &o->epsg, "--from", err))
                return err->code;
        } else if (strcmp(argv[i], "--anywhere") == 0) {
            o->anywhere = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            o->json = true;
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            *usage = 1;
            return cli_usage(cmd, "unknown option %s", argv[i]);
        } else if (o->npos < 2) {
            o->pos[o->npos++] = argv[i];
        } else {
            *usage = 1;
            return cli_usage(cmd, "too many arguments: '%s'", argv[i]);
        }
    }
    return 0;
}

/* Two numbers to a WGS84 point, in the given system, checked. */
static int to_point(struct mb_geo *g, const struct geo_opts *o, const char *a,
                    const char *b, const char *field, struct mb_point *p,
                    struct mb_error *err)
{
    double x, y;
    int rc;
    if ((rc = mb_parse_number(a, &x, field, err)) ||
        (rc = mb_parse_number(b, &y, field, err)) ||
        (rc = mb_geo_to_wgs84(g, o->epsg, x, y, p, err)))
        goto out;
    rc = o->anywhere ? mb_geo_check_point(*p, field, err)
                     : mb_geo_check_norway(*p, field, err);
out:
    if (rc)
        snprintf(err->field, sizeof err->field, "%s", field);
    return rc;
}

int cmd_coord(int argc, char **argv)
{
    struct geo_opts o;
    struct mb_error err;
    mb_error_clear(&err);
    int usage, rc = parse_opts(argc, argv, "coord", &o, &err, &usage);
    if (rc)
        return usage ? rc : cli_fail(&err);
    if (o.npos != 2)
        return cli_usage("coord", "give two numbers: latitude longitude, or easting "
                         "northing with --from 25832/25833/25835");
    struct mb_geo *g;
    if (mb_geo_new(&g, &err))
        return cli_fail(&err);
    struct mb_point p;
    double e[3], n[3];
    static const int zones[3] = { 25832, 25833, 25835 };
    if (to_point(g, &o, o.pos[0], o.pos[1], "position", &p, &err)) {
        rc = cli_fail(&err);
        goto out;
    }
    for (int z = 0; z < 3; z++)
        if (mb_geo_to_utm(g, zones[z], p, &e[z], &n[z], &err)) {
            rc = cli_fail(&err);
            goto out;
        }
    int best = mb_geo_utm_epsg_for(p);
    const struct mb_boundaries *bd = mb_boundaries_shared(&err);
    if (!bd) {
        rc = cli_fail(&err);
        goto out;
    }
    char code[5];
    mb_place_municipality(bd, p, NULL, code, "position", &err);
    int at = mb_boundaries_find(bd, code);
    bool inside = at >= 0 && mb_boundaries_locate(bd, p) == at;
    if (o.json) {
        json_t *j = json_pack("{s:f,s:f,s:{s:f,s:f},s:{s:f,s:f},s:{s:f,s:f},s:i}",
            "lat", p.lat, "lon", p.lon,
            "EPSG:25832", "easting", e[0], "northing", n[0],
            "EPSG:25833", "easting", e[1], "northing", n[1],
            "EPSG:25835", "easting", e[2], "northing", n[2], "usual_utm_epsg", best);
        json_object_set_new(j, "municipality", at < 0 ? json_null()
            : json_pack("{s:s,s:s,s:b}", "code", bd->areas[at].code, "name",
                        bd->areas[at].name, "inside", inside));
        cli_print_json(stdout, j);
        json_decref(j);
    } else {
        printf("WGS84 (EPSG:4326)         %.6f N %.6f E\n", p.lat, p.lon);
        for (int z = 0; z < 3; z++)
            printf("EUREF89 UTM %d (EPSG:%d) %.1f E %.1f N%s\n", zones[z] - 25800,
                   zones[z], e[z], n[z], zones[z] == best ? "   <- usual zone here" : "");
        if (at < 0)
            printf("Municipality              none (abroad or at sea)\n");
        else
            printf("Municipality              %s %s%s\n", bd->areas[at].code, bd->areas[at].name,
                   inside ? "" : " (nearest; the position is outside its coastline)");
    }
out:
    mb_geo_free(g);
    return rc;
}

/* Split "A,B" at the comma; a decimal comma is not possible here, so
 * write "63.43,10.39" (or "63.43;10.39"). */
static int split_pair(const char *s, char *a, char *b, size_t n)
{
    const char *sep = strchr(s, ';');
    if (!sep)
        sep = strchr(s, ',');
    if (!sep || (size_t)(sep - s) >= n || strlen(sep + 1) >= n)
        return -1;
    memcpy(a, s, (size_t)(sep - s));
    a[sep - s] = '\0';
    memcpy(b, sep + 1, strlen(sep + 1) + 1);
    return 0;
}

int cmd_distance(int argc, char **argv)
{
    struct geo_opts o;
    struct mb_error err;
    mb_error_clear(&err);
    int usage, rc = parse_opts(argc, argv, "distance", &o, &err, &usage);
    if (rc)
        return usage ? rc : cli_fail(&err);
    if (o.npos != 2)
        return cli_usage("distance", "give two positions as A,B C,D, e.g. "
                         "'distance 63.43,10.39 63.36,10.37'");
    struct mb_geo *g;
    if (mb_geo_new(&g, &err))
        return cli_fail(&err);
    struct mb_point p[2];
    for (int i = 0; i < 2; i++) {
        char a[64], b[64];
        const char *field = i ? "to" : "from";
        if (split_pair(o.pos[i], a, b, sizeof a)) {
            char q[44];
            mb_error_set(&err, MB_EINVAL, field, "'%s' is not a position; write "
                         "A,B with a point for decimals, e.g. 63.43,10.39",
                         mb_text_clip(q, sizeof q, o.pos[i]));
            rc = cli_fail(&err);
            goto out;
        }
        if (to_point(g, &o, a, b, field, &p[i], &err)) {
            rc = cli_fail(&err);
            goto out;
        }
    }
    double km = mb_geo_distance_km(p[0], p[1]);
    if (o.json) {
        json_t *j = json_pack("{s:[f,f],s:[f,f],s:f,s:s}", "from", p[0].lat, p[0].lon,
                              "to", p[1].lat, p[1].lon, "great_circle_km", km,
                              "note", "straight line; roads are longer");
        cli_print_json(stdout, j);
        json_decref(j);
    } else {
        printf("%.3f km great circle (straight line; roads are longer)\n", km);
    }
out:
    mb_geo_free(g);
    return rc;
}
