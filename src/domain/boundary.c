/*
 * boundary.c - the municipality boundaries and their strip index (see
 * boundary.h for the format and the method).
 */
#include "domain/boundary.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"

extern const char mb_data_municipality_boundaries[];
extern const size_t mb_data_municipality_boundaries_len;

/* 1e-5 degree per unit; km per unit of latitude. */
#define UNITS_PER_DEG 100000.0
#define PI 3.14159265358979323846
#define KM_PER_UNIT (MB_EARTH_RADIUS_KM * PI / 180.0 / UNITS_PER_DEG)
#define STRIP_UNITS 500

struct mb_boundary_edge {
    int32_t x1, y1, x2, y2; /* lon, lat in 1e-5 degree */
    uint16_t area;
};

/* ---- parsing ------------------------------------------------------------------ */

struct parser {
    const char *p, *end;
    size_t line;
    struct mb_error *err;
};

static int fail(struct parser *ps, const char *what)
{
    return mb_error_set(ps->err, MB_EDATA, "municipality-boundaries.txt",
                        "line %zu: %s", ps->line, what);
}

/* A signed whole number followed by a space or the end of the line. */
static int read_int(struct parser *ps, const char *eol, long *out)
{
    const char *s = ps->p;
    int neg = 0;
    if (s < eol && *s == '-') {
        neg = 1;
        s++;
    }
    if (s >= eol || *s < '0' || *s > '9')
        return fail(ps, "expected a whole number");
    long v = 0;
    while (s < eol && *s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > 100000000L)
            return fail(ps, "number out of range");
        s++;
    }
    if (s < eol && *s != ' ')
        return fail(ps, "expected a space between numbers");
    if (s < eol)
        s++;
    ps->p = s;
    *out = neg ? -v : v;
    return 0;
}

static int add_area(struct mb_boundaries *b, size_t *cap, struct parser *ps,
                    const char *eol)
{
    char line[256];
    size_t n = (size_t)(eol - ps->p);
    if (n >= sizeof line)
        return fail(ps, "municipality line too long");
    memcpy(line, ps->p, n);
    line[n] = '\0';
    char *f[5];
    size_t nf = 0;
    char *s = line;
    while (nf < 5) {
        f[nf++] = s;
        char *semi = strchr(s, ';');
        if (!semi)
            break;
        *semi = '\0';
        s = semi + 1;
    }
    if (nf != 5 || strcmp(f[0], "M") != 0)
        return fail(ps, "expected M;code;name;lat;lon");
    if (strlen(f[1]) != 4 || strspn(f[1], "0123456789") != 4)
        return fail(ps, "municipality code is not 4 digits");
    if (b->nareas == *cap) {
        *cap = *cap ? *cap * 2 : 512;
        b->areas = mb_xrealloc(b->areas, *cap * sizeof *b->areas);
    }
    struct mb_boundary_area *a = &b->areas[b->nareas];
    memset(a, 0, sizeof *a);
    memcpy(a->code, f[1], 5);
    if (!f[2][0] || !mb_text_copy(a->name, sizeof a->name, f[2]))
        return fail(ps, "municipality name missing or too long");
    /* Names go into JSON as they are: no quote, backslash or control. */
    if (!mb_utf8_valid(a->name, strlen(a->name), NULL) || strpbrk(a->name, "\"\\") ||
        mb_text_has_control(a->name, strlen(a->name), false))
        return fail(ps, "municipality name is not plain UTF-8 text");
    struct mb_error e;
    if (mb_parse_number(f[3], &a->point.lat, "lat", &e) ||
        mb_parse_number(f[4], &a->point.lon, "lon", &e) ||
        mb_geo_check_norway(a->point, "point", &e))
        return fail(ps, "interior point is not a position in Norway");
    if (b->nareas >= UINT16_MAX)
        return fail(ps, "too many municipalities");
    if (b->nareas && strcmp(b->areas[b->nareas - 1].code, a->code) >= 0)
        return fail(ps, "municipalities must come in ascending order of code");
    b->nareas++;
    return 0;
}

static int add_ring(struct mb_boundaries *b, size_t *cap, struct parser *ps,
                    const char *eol)
{
    if (!b->nareas)
        return fail(ps, "a ring before the first municipality");
    ps->p += 2; /* "R;" */
    long x = 0, y = 0, x0 = 0, y0 = 0;
    size_t nv = 0;
    while (ps->p < eol) {
        long dx, dy;
        int rc = read_int(ps, eol, &dx);
        if (!rc)
            rc = read_int(ps, eol, &dy);
        if (rc)
            return rc;
        long nx = nv ? x + dx : dx, ny = nv ? y + dy : dy;
        if (nx < -18000000L || nx > 18000000L || ny < -9000000L || ny > 9000000L)
            return fail(ps, "vertex outside the globe");
        if (nv == 0) {
            x0 = nx;
            y0 = ny;
        } else {
            if (b->nedges == *cap) {
                *cap = *cap ? *cap * 2 : 65536;
                b->edges = mb_xrealloc(b->edges, *cap * sizeof *b->edges);
            }
            b->edges[b->nedges++] = (struct mb_boundary_edge){
                (int32_t)x, (int32_t)y, (int32_t)nx, (int32_t)ny, (uint16_t)(b->nareas - 1) };
        }
        x = nx;
        y = ny;
        nv++;
    }
    if (nv < 3)
        return fail(ps, "a ring needs at least 3 vertices");
    /* Close the ring. */
    if (b->nedges == *cap) {
        *cap *= 2;
        b->edges = mb_xrealloc(b->edges, *cap * sizeof *b->edges);
    }
    b->edges[b->nedges++] = (struct mb_boundary_edge){
        (int32_t)x, (int32_t)y, (int32_t)x0, (int32_t)y0, (uint16_t)(b->nareas - 1) };
    return 0;
}

static int parse(struct mb_boundaries *b, struct mb_error *err)
{
    struct parser ps = { mb_data_municipality_boundaries,
                         mb_data_municipality_boundaries + mb_data_municipality_boundaries_len,
                         0, err };
    size_t acap = 0, ecap = 0;
    while (ps.p < ps.end) {
        ps.line++;
        const char *eol = memchr(ps.p, '\n', (size_t)(ps.end - ps.p));
        if (!eol)
            eol = ps.end;
        int rc = 0;
        if (eol - ps.p >= 2 && ps.p[0] == 'M' && ps.p[1] == ';')
            rc = add_area(b, &acap, &ps, eol);
        else if (eol - ps.p >= 2 && ps.p[0] == 'R' && ps.p[1] == ';')
            rc = add_ring(b, &ecap, &ps, eol);
        else if (eol > ps.p && ps.p[0] != '#')
            rc = fail(&ps, "expected a line starting with M; or R;");
        if (rc)
            return rc;
        ps.p = eol < ps.end ? eol + 1 : eol;
    }
    if (!b->nareas || !b->nedges)
        return mb_error_set(err, MB_EDATA, "municipality-boundaries.txt", "no boundaries");
    return 0;
}

/* ---- the strip index ------------------------------------------------------------ */

static size_t strip_of(const struct mb_boundaries *b, long y)
{
    if (y < b->y0)
        return 0;
    size_t s = (size_t)((y - b->y0) / b->strip);
    return s < b->nstrips ? s : b->nstrips - 1;
}

static void build_index(struct mb_boundaries *b)
{
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (size_t i = 0; i < b->nedges; i++) {
        const struct mb_boundary_edge *e = &b->edges[i];
        lo = e->y1 < lo ? e->y1 : lo;
        lo = e->y2 < lo ? e->y2 : lo;
        hi = e->y1 > hi ? e->y1 : hi;
        hi = e->y2 > hi ? e->y2 : hi;
    }
    b->y0 = lo;
    b->strip = STRIP_UNITS;
    b->nstrips = (size_t)((hi - lo) / STRIP_UNITS) + 1;
    b->start = mb_xcalloc(b->nstrips + 1, sizeof *b->start);
    /* Count, then fill (a counting sort by strip). */
    for (int pass = 0; pass < 2; pass++) {
        unsigned *fill = NULL;
        if (pass == 1) {
            for (size_t s = 0; s < b->nstrips; s++)
                b->start[s + 1] += b->start[s];
            b->ids = mb_xmalloc((b->start[b->nstrips] ? b->start[b->nstrips] : 1) *
                                sizeof *b->ids);
            fill = mb_xmalloc(b->nstrips * sizeof *fill);
            memcpy(fill, b->start, b->nstrips * sizeof *fill);
        }
        for (size_t i = 0; i < b->nedges; i++) {
            const struct mb_boundary_edge *e = &b->edges[i];
            size_t s0 = strip_of(b, e->y1 < e->y2 ? e->y1 : e->y2);
            size_t s1 = strip_of(b, e->y1 < e->y2 ? e->y2 : e->y1);
            for (size_t s = s0; s <= s1; s++) {
                if (pass == 0)
                    b->start[s + 1]++;
                else
                    b->ids[fill[s]++] = (unsigned)i;
            }
        }
        free(fill);
    }
}

int mb_boundaries_init(struct mb_boundaries *b, struct mb_error *err)
{
    memset(b, 0, sizeof *b);
    int rc = parse(b, err);
    if (rc) {
        mb_boundaries_release(b);
        return MB_EDATA;
    }
    build_index(b);
    return 0;
}

void mb_boundaries_release(struct mb_boundaries *b)
{
    if (!b)
        return;
    free(b->areas);
    free(b->edges);
    free(b->start);
    free(b->ids);
    memset(b, 0, sizeof *b);
}

static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static struct mb_boundaries shared;
static struct mb_error shared_err;
static int shared_rc;

static void load_shared(void)
{
    mb_error_clear(&shared_err);
    shared_rc = mb_boundaries_init(&shared, &shared_err);
}

const struct mb_boundaries *mb_boundaries_shared(struct mb_error *err)
{
    pthread_once(&shared_once, load_shared);
    if (shared_rc) {
        if (err)
            *err = shared_err;
        return NULL;
    }
    return &shared;
}

int mb_boundaries_find(const struct mb_boundaries *b, const char *code)
{
    if (!code)
        return -1;
    /* The areas are sorted by code (checked when parsed). */
    size_t lo = 0, hi = b->nareas;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(b->areas[mid].code, code);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const char *mb_boundaries_name(const char *code)
{
    const struct mb_boundaries *b = mb_boundaries_shared(NULL);
    int i = b && code ? mb_boundaries_find(b, code) : -1;
    return i < 0 ? NULL : b->areas[i].name;
}

/* ---- queries -------------------------------------------------------------------- */

static int outside_index(const struct mb_boundaries *b, double y)
{
    return !(y >= b->y0 && y < b->y0 + (double)b->strip * (double)b->nstrips);
}

int mb_boundaries_locate(const struct mb_boundaries *b, struct mb_point p)
{
    if (!isfinite(p.lat) || !isfinite(p.lon))
        return -1;
    double x = p.lon * UNITS_PER_DEG, y = p.lat * UNITS_PER_DEG;
    if (outside_index(b, y))
        return -1;
    size_t s = (size_t)((y - b->y0) / b->strip);
    if (s >= b->nstrips)
        return -1;
    /* Crossings east of the point, per area: a handful of areas share a
     * strip, so a short list beats a table of every area. */
    uint16_t area[64];
    unsigned char odd[64];
    size_t n = 0;
    for (unsigned k = b->start[s]; k < b->start[s + 1]; k++) {
        const struct mb_boundary_edge *e = &b->edges[b->ids[k]];
        if ((e->y1 > y) == (e->y2 > y))
            continue;
        if (e->x1 <= x && e->x2 <= x)
            continue;
        double xi = e->x1 + (y - e->y1) * (double)(e->x2 - e->x1) / (double)(e->y2 - e->y1);
        if (xi <= x)
            continue;
        size_t j = 0;
        while (j < n && area[j] != e->area)
            j++;
        if (j == n) {
            if (n == sizeof area / sizeof area[0])
                continue; /* never in Norway's data: a strip meets far fewer areas */
            area[n] = e->area;
            odd[n++] = 0;
        }
        odd[j] ^= 1;
    }
    for (size_t j = 0; j < n; j++)
        if (odd[j])
            return area[j];
    return -1;
}

/* Distance in km from (x, y) to the segment, in a local flat frame whose
 * east-west scale is cos(latitude). */
static double segment_km(const struct mb_boundary_edge *e, double x, double y, double kx)
{
    double ax = (e->x1 - x) * kx, ay = (e->y1 - y) * KM_PER_UNIT;
    double bx = (e->x2 - x) * kx, by = (e->y2 - y) * KM_PER_UNIT;
    double dx = bx - ax, dy = by - ay;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double px = ax + t * dx, py = ay + t * dy;
    return sqrt(px * px + py * py);
}

/* The nearest edge within max_km of area `only` (or of any area when
 * only < 0): its distance, and its area in *which. */
static double nearest_edge(const struct mb_boundaries *b, int only, struct mb_point p,
                           double max_km, int *which)
{
    double best = INFINITY;
    *which = -1;
    if (!isfinite(p.lat) || !isfinite(p.lon) || !(max_km >= 0))
        return best;
    double x = p.lon * UNITS_PER_DEG, y = p.lat * UNITS_PER_DEG;
    double reach = max_km / KM_PER_UNIT;
    double ylo = y - reach, yhi = y + reach;
    if (yhi < b->y0 || ylo >= b->y0 + (double)b->strip * (double)b->nstrips)
        return best;
    size_t s0 = strip_of(b, (long)floor(ylo < b->y0 ? b->y0 : ylo));
    size_t s1 = strip_of(b, (long)floor(yhi));
    double kx = KM_PER_UNIT * cos(p.lat * PI / 180.0);
    for (size_t s = s0; s <= s1; s++)
        for (unsigned k = b->start[s]; k < b->start[s + 1]; k++) {
            const struct mb_boundary_edge *e = &b->edges[b->ids[k]];
            if (only >= 0 && e->area != only)
                continue;
            double d = segment_km(e, x, y, kx);
            if (d < best) {
                best = d;
                *which = e->area;
            }
        }
    return best;
}

double mb_boundaries_distance_km(const struct mb_boundaries *b, int idx,
                                 struct mb_point p, double max_km)
{
    if (idx < 0 || (size_t)idx >= b->nareas)
        return INFINITY;
    if (mb_boundaries_locate(b, p) == idx)
        return 0;
    int which;
    return nearest_edge(b, idx, p, max_km, &which);
}

int mb_boundaries_nearest(const struct mb_boundaries *b, struct mb_point p,
                          double max_km, double *dist_km)
{
    int at = mb_boundaries_locate(b, p);
    if (at >= 0) {
        if (dist_km)
            *dist_km = 0;
        return at;
    }
    int which;
    double d = nearest_edge(b, -1, p, max_km, &which);
    if (which < 0 || d > max_km)
        return -1;
    if (dist_km)
        *dist_km = d;
    return which;
}

int mb_place_municipality(const struct mb_boundaries *b, struct mb_point p,
                          const char *named, char out[5], const char *field,
                          struct mb_error *err)
{
    int at = mb_boundaries_locate(b, p);
    if (!named || !named[0]) {
        if (at < 0)
            at = mb_boundaries_nearest(b, p, MB_BOUNDARY_COAST_KM, NULL);
        if (at < 0)
            out[0] = '\0';
        else
            memcpy(out, b->areas[at].code, 5);
        return 0;
    }
    int want = mb_boundaries_find(b, named);
    if (want < 0 || want == at) {
        /* A code the boundaries do not hold was resolved by the caller
         * (an older code); keep it. */
        mb_text_copy(out, 5, named);
        return 0;
    }
    double limit = at < 0 ? MB_BOUNDARY_SEA_KM : MB_BOUNDARY_TOLERANCE_KM;
    double d = mb_boundaries_distance_km(b, want, p, limit);
    if (d <= limit) {
        memcpy(out, named, 5);
        return 0;
    }
    const struct mb_boundary_area *w = &b->areas[want];
    if (at >= 0)
        return mb_error_set(err, MB_EINVAL, field, "the position %.5f N %.5f E lies in "
                            "%s %s, not in %s %s (leave the municipality out, and it "
                            "follows from the position)", p.lat, p.lon,
                            b->areas[at].code, b->areas[at].name, w->code, w->name);
    return mb_error_set(err, MB_EINVAL, field, "the position %.5f N %.5f E lies more than "
                        "%.0f km from %s %s, outside every Norwegian municipality",
                        p.lat, p.lon, MB_BOUNDARY_SEA_KM, w->code, w->name);
}
