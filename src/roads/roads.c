/*
 * roads.c - road and ferry distances with Routino (see roads.h). The only
 * file that includes routino.h; every Routino call is made under `lock`,
 * since the library keeps its error number, options and temporary
 * waypoints in globals.
 */
#define _GNU_SOURCE
#include "roads/roads.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <pthread.h>
#include <routino.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/text.h"
#include "core/ferry.h"
#include "domain/geo.h"

extern char **environ;

#define ROUTINO_DATA "/usr/share/routino"
#define PREFIX "mb"
#define FORMAT "massebank-roads/1"

/* A ferry's speed in the profile (core/ferry.h): one no road has, so the
 * route's ferry sections can be told from its road sections by it. */
#define FERRY_KPH ((float)MB_FERRY_KPH)

/* Speeds for a heavy vehicle on Norwegian roads (80 km/h at most,
 * trafikkreglene § 13) where a way gives no lower maxspeed; 0: a way it
 * may not use. Hashed into a database's version (hash_files) with RULES,
 * so a change here makes cached distances stale. */
static const float truck_kph[14] = {
    [ROUTINO_HIGHWAY_MOTORWAY] = 80, [ROUTINO_HIGHWAY_TRUNK] = 80,
    [ROUTINO_HIGHWAY_PRIMARY] = 80, [ROUTINO_HIGHWAY_SECONDARY] = 70,
    [ROUTINO_HIGHWAY_TERTIARY] = 60, [ROUTINO_HIGHWAY_UNCLASSIFIED] = 50,
    [ROUTINO_HIGHWAY_RESIDENTIAL] = 40, [ROUTINO_HIGHWAY_SERVICE] = 25,
    [ROUTINO_HIGHWAY_TRACK] = 15, [ROUTINO_HIGHWAY_FERRY] = FERRY_KPH,
};

/* The rest of the rules vehicle_profile applies, for the version hash. */
#define RULES FORMAT " no road preferred; properties neutral; placement without ferries;" \
    " access in a straight line at 20 km/h; car ferries take trucks"

static const char *const mem_files[] = {
    PREFIX "-nodes.mem", PREFIX "-segments.mem", PREFIX "-ways.mem", PREFIX "-relations.mem",
};
#define N_MEM (sizeof mem_files / sizeof mem_files[0])

const struct mb_road_vehicle mb_road_truck = {
    .weight_t = 50.0, .height_m = 4.0, .width_m = 2.55, .length_m = 19.5,
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool profiles_parsed; /* Routino's profiles XML, parsed once (global in Routino) */

struct mb_roads {
    Routino_Database *db;
    Routino_Profile *route;  /* the vehicle on roads and ferries */
    Routino_Profile *snap;   /* the same without ferries: where a point meets the road */
    Routino_Translation *words;
    char version[33];
};

/* ---- building -------------------------------------------------------------- */

/* Whether the first n bytes of s end in suffix. */
static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n > k && memcmp(s + n - k, suffix, k) == 0;
}

static bool known_extract(const char *path)
{
    static const char *const ext[] = { ".osm", ".pbf", ".o5m", ".osc", ".o5c" };
    size_t n = strlen(path);
    if (ends_with(path, n, ".gz"))
        n -= 3;
    else if (ends_with(path, n, ".bz2"))
        n -= 4;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (ends_with(path, n, ext[i]))
            return true;
    return false;
}

/* massebank's tagging rules, written into `tmp` as TAGGING: Routino's own
 * (ROUTINO_DATA/tagging.xml) with one change. A ferry tagged only
 * motorcar=yes (a car ferry, as many Norwegian ferries are tagged) takes
 * goods vehicles and trucks too; Routino's rules take only cars and
 * motorcycles on it, so a truck would drive round the fjord or find no
 * route to an island. A maxweight, maxlength or hgv=no on the ferry still
 * applies. MB_EDATA if Routino's file no longer has the rule this
 * changes (another Routino version): the build stops rather than
 * silently route without it. */
#define TAGGING "massebank-tagging.xml"
static int write_tagging(const char *tmp, struct mb_error *err)
{
    const char *from = ROUTINO_DATA "/tagging.xml";
    FILE *f = fopen(from, "rb");
    if (!f)
        return mb_error_set(err, MB_EIO, "", "%s: %s (install the Debian package routino)",
                            from, strerror(errno));
    char *text = NULL;
    size_t n = 0, cap = 0;
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        text = mb_xgrow(text, &cap, n + got + 1, 1);
        memcpy(text + n, buf, got);
        n += got;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad || !text) {
        free(text);
        return mb_error_set(err, MB_EIO, "", "%s: could not be read", from);
    }
    text[n] = '\0';
    /* The motorcar rule inside the ferry heuristics, and its end. */
    const char *ferry = strstr(text, "<if k=\"highway\" v=\"ferry\">");
    const char *car = ferry ? strstr(ferry, "<if k=\"motorcar\" v=\"yes\">") : NULL;
    const char *end = car ? strstr(car, "</if>") : NULL;
    if (!end) {
        free(text);
        return mb_error_set(err, MB_EDATA, "", "%s has no rule for car ferries where "
                            "massebank expects it (another Routino version?)", from);
    }
    char out_path[4200];
    snprintf(out_path, sizeof out_path, "%s/" TAGGING, tmp);
    FILE *o = fopen(out_path, "wb");
    if (!o) {
        free(text);
        return mb_error_set(err, MB_EIO, "", "%s: %s", out_path, strerror(errno));
    }
    size_t head = (size_t)(end - text);
    static const char add[] = "  <output k=\"goods\" v=\"yes\"/> <output k=\"hgv\" v=\"yes\"/>"
                              " <!-- massebank: a car ferry takes trucks -->\n        ";
    bool ok = fwrite(text, 1, head, o) == head && fputs(add, o) >= 0 &&
              fwrite(end, 1, n - head, o) == n - head;
    ok = fclose(o) == 0 && ok;
    free(text);
    if (!ok)
        return mb_error_set(err, MB_EIO, "", "%s: could not be written", out_path);
    return 0;
}

/* Run planetsplitter on `extract` into `tmp` with massebank's tagging
 * rules, its output into a log there. */
static int split(const char *extract, const char *tmp, struct mb_error *err)
{
    int trc = write_tagging(tmp, err);
    if (trc)
        return trc;
    char dir_arg[4200], log[4200], src[4200], tagging[4300];
    snprintf(tagging, sizeof tagging, "--tagging=%s/" TAGGING, tmp);
    snprintf(dir_arg, sizeof dir_arg, "--dir=%s", tmp);
    mb_text_copy(src, sizeof src, extract);
    snprintf(log, sizeof log, "%s/planetsplitter.log", tmp);
    char *argv[] = { "planetsplitter", dir_arg, "--prefix=" PREFIX, tagging, "--loggable",
                     src, NULL };
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int rc = posix_spawnp(&pid, "planetsplitter", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return mb_error_set(err, MB_EIO, "", "planetsplitter could not start: %s (install "
                            "the Debian package routino)", strerror(rc));
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return mb_error_set(err, MB_EIO, "", "waiting for planetsplitter: %s",
                                strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return mb_error_set(err, MB_EDATA, "extract", "%s: planetsplitter could not make a "
                            "road database of it (not an OpenStreetMap extract, or no roads in "
                            "it)", extract);
    return 0;
}

/* The version of a database: a hash of its files and of this file's
 * rules (the format and the ferry speed). */
static int hash_files(const char *dir, char hex[33], json_t *files, struct mb_error *err)
{
    crypto_generichash_state h;
    unsigned char out[16];
    crypto_generichash_init(&h, NULL, 0, sizeof out);
    crypto_generichash_update(&h, (const unsigned char *)RULES, sizeof RULES - 1);
    crypto_generichash_update(&h, (const unsigned char *)truck_kph, sizeof truck_kph);
    for (size_t i = 0; i < N_MEM; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, mem_files[i]);
        FILE *f = fopen(path, "rb");
        if (!f)
            return mb_error_set(err, MB_EDATA, "extract", "planetsplitter wrote no %s",
                                mem_files[i]);
        unsigned char buf[65536];
        size_t n, total = 0;
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
            crypto_generichash_update(&h, buf, n);
            total += n;
        }
        bool bad = ferror(f);
        int e = errno;
        fclose(f);
        if (bad)
            return mb_error_set(err, MB_EIO, "", "%s: %s", path, strerror(e));
        if (files)
            json_object_set_new(files, mem_files[i], json_integer((json_int_t)total));
    }
    crypto_generichash_final(&h, out, sizeof out);
    sodium_bin2hex(hex, 33, out, sizeof out);
    return 0;
}

/* Remove a failed build's directory: every file in it (planetsplitter
 * leaves its *.tmp files behind when it fails), then the directory. */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4600];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(dir);
}

int mb_roads_build(const char *extract, const char *dir, struct mb_error *err)
{
    struct stat sb;
    if (!extract || stat(extract, &sb) != 0)
        return mb_error_set(err, MB_ENOTFOUND, "extract", "%s: no such file",
                            extract ? extract : "");
    if (!S_ISREG(sb.st_mode))
        return mb_error_set(err, MB_EINVAL, "extract", "%s is not a file", extract);
    if (strlen(extract) > 4000)
        return mb_error_set(err, MB_EINVAL, "extract", "is longer than 4000 bytes");
    if (!known_extract(extract))
        return mb_error_set(err, MB_EINVAL, "extract", "%s: an OpenStreetMap extract ends in "
                            ".osm, .osm.pbf, .o5m (or .osc), optionally .gz or .bz2", extract);
    if (strlen(dir) > 4000)
        return mb_error_set(err, MB_EINVAL, "dir", "is longer than 4000 bytes");
    char target[4001];
    mb_text_copy(target, sizeof target, dir);
    for (size_t n = strlen(target); n > 1 && target[n - 1] == '/'; n--)
        target[n - 1] = '\0'; /* "roads/": the temporary directory goes beside it */
    dir = target;
    if (!dir[0])
        return mb_error_set(err, MB_EINVAL, "dir", "is empty");
    if (stat(dir, &sb) == 0)
        return mb_error_set(err, MB_ECONFLICT, "dir", "%s exists already: build into a new "
                            "directory (and replace the old one when it is done)", dir);
    if (sodium_init() < 0)
        return mb_error_set(err, MB_EINTERNAL, "", "libsodium could not start");
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.build-XXXXXX", dir);
    if (!mkdtemp(tmp))
        return mb_error_set(err, MB_EIO, "dir", "%s: %s", tmp, strerror(errno));
    chmod(tmp, 0755); /* readable by the server's user, as a directory made by mkdir */
    json_t *files = json_object();
    char version[33];
    int rc = split(extract, tmp, err);
    if (!rc)
        rc = hash_files(tmp, version, files, err);
    if (!rc) {
        char src[4200];
        mb_text_copy(src, sizeof src, extract);
        json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:O}", "format", FORMAT,
                              "version", version, "routino", Routino_Version, "source",
                              basename(src), "source_bytes", (json_int_t)sb.st_size,
                              "built", (json_int_t)time(NULL), "ferry_kph", (double)FERRY_KPH,
                              "files", files);
        char path[4200];
        snprintf(path, sizeof path, "%s/manifest.json", tmp);
        if (!m || json_dump_file(m, path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
            rc = mb_error_set(err, MB_EIO, "dir", "%s: could not be written", path);
        json_decref(m);
    }
    json_decref(files);
    if (!rc && rename(tmp, dir) != 0)
        rc = mb_error_set(err, MB_EIO, "dir", "%s: %s", dir, strerror(errno));
    if (rc)
        remove_tree(tmp);
    return rc;
}

/* ---- opening ---------------------------------------------------------------- */

/* The manifest, checked against the files beside it: a truncated database
 * makes Routino hang, so sizes are compared before it is loaded. */
static int read_manifest(const char *dir, char version[33], struct mb_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_error_t je;
    json_t *m = json_load_file(path, 0, &je);
    if (!m)
        return mb_error_set(err, MB_ENOTFOUND, "roads", "%s: no road database here (build "
                            "one with 'massebank roads build')", dir);
    int rc = 0;
    const char *format = json_string_value(json_object_get(m, "format"));
    const char *v = json_string_value(json_object_get(m, "version"));
    json_t *files = json_object_get(m, "files");
    if (!format || strcmp(format, FORMAT) != 0 || !v || strlen(v) != 32 ||
        !json_is_object(files))
        rc = mb_error_set(err, MB_EDATA, "roads", "%s is not a road database of this "
                          "version of massebank (format %s): build it again", dir,
                          format ? format : "unknown");
    for (size_t i = 0; !rc && i < N_MEM; i++) {
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, mem_files[i]);
        json_t *want = json_object_get(files, mem_files[i]);
        if (stat(path, &sb) != 0 || !json_is_integer(want) ||
            (json_int_t)sb.st_size != json_integer_value(want))
            rc = mb_error_set(err, MB_EDATA, "roads", "%s: %s is missing or not the size the "
                              "manifest gives: build the database again", dir, mem_files[i]);
    }
    /* The files are those the version was made of: a damaged file of the
     * right size crashes Routino, and a swapped one gives other roads'
     * distances under this version. Hashing reads them once (about a
     * second per gigabyte), when the database is opened. */
    char have[33];
    if (!rc && (rc = hash_files(dir, have, NULL, err)) == 0 && strcmp(have, v) != 0)
        rc = mb_error_set(err, MB_EDATA, "roads", "%s: the files are not those of the "
                          "manifest's version (damaged, swapped or built with other rules): "
                          "build the database again", dir);
    if (!rc)
        mb_text_copy(version, 33, v);
    json_decref(m);
    return rc;
}

static Routino_Profile *vehicle_profile(const Routino_UserProfile *base,
                                        const struct mb_road_vehicle *v, bool ferries)
{
    Routino_UserProfile u = *base;
    const float *kph = truck_kph;
    for (int i = 1; i < 14; i++) {
        /* No preference between the roads a truck may use: "shortest"
         * then means shortest, "quickest" quickest. A way it may not use
         * (cycleway, path, steps) has preference 0; Routino still wants a
         * speed above 0 for it. */
        u.highway[i] = kph[i] > 0 ? 1.0f : 0.0f;
        u.speed[i] = kph[i] > 0 ? kph[i] : 1.0f;
    }
    if (!ferries)
        u.highway[ROUTINO_HIGHWAY_FERRY] = 0.0f;
    for (int i = 1; i < 7; i++)
        u.props[i] = 0.5f; /* neutral: unpaved, bridge, tunnel alike */
    u.oneway = 1;
    u.turns = 1;
    /* Routino keeps weight in steps of 0.2 t and sizes in 0.1 m, cutting
     * off what is below a step: round the truck up to the next step (and
     * a little over it, so the float's cut lands on that step), so a
     * 2.55 m truck is not let through a 2.5 m limit, nor 10.1 t over a
     * 10 t bridge. */
    u.weight = (float)(ceil(v->weight_t * 5 - 1e-9) / 5 + 0.01);
    u.height = (float)(ceil(v->height_m * 10 - 1e-9) / 10 + 0.001);
    u.width = (float)(ceil(v->width_m * 10 - 1e-9) / 10 + 0.001);
    u.length = (float)(ceil(v->length_m * 10 - 1e-9) / 10 + 0.001);
    return Routino_CreateProfileFromUserProfile(&u);
}

int mb_roads_open(const char *dir, const struct mb_road_vehicle *v, struct mb_roads **out,
                  struct mb_error *err)
{
    *out = NULL;
    if (!(v->weight_t > 0 && v->weight_t <= 51 && v->height_m > 0 && v->height_m <= 25 &&
          v->width_m > 0 && v->width_m <= 25 && v->length_m > 0 && v->length_m <= 25))
        return mb_error_set(err, MB_EINVAL, "vehicle", "weight 0-51 t and height, width, "
                            "length 0-25 m");
    char version[33];
    int rc = read_manifest(dir, version, err);
    if (rc)
        return rc;
    struct mb_roads *r = calloc(1, sizeof *r);
    if (!r)
        return mb_error_set(err, MB_EINTERNAL, "", "out of memory");
    mb_text_copy(r->version, sizeof r->version, version);
    pthread_mutex_lock(&lock);
    if (Routino_CheckAPIVersion() != ROUTINO_ERROR_NONE) {
        rc = mb_error_set(err, MB_EINTERNAL, "roads", "libroutino %s is not the version "
                          "massebank was built with", Routino_Version);
        goto out;
    }
    if (!profiles_parsed) {
        if (Routino_ParseXMLProfiles(ROUTINO_DATA "/profiles.xml") != 0) {
            rc = mb_error_set(err, MB_EIO, "roads", "%s/profiles.xml could not be read "
                              "(Routino error %d)", ROUTINO_DATA, Routino_errno);
            goto out;
        }
        profiles_parsed = true;
    }
    Routino_Profile *hgv = Routino_GetProfile("hgv");
    Routino_UserProfile *base = hgv ? Routino_CreateUserProfileFromProfile(hgv) : NULL;
    if (!base) {
        rc = mb_error_set(err, MB_EDATA, "roads", "Routino has no 'hgv' profile");
        goto out;
    }
    r->route = vehicle_profile(base, v, true);
    r->snap = vehicle_profile(base, v, false);
    free(base);
    r->db = Routino_LoadDatabase(dir, PREFIX);
    if (!r->db) {
        rc = mb_error_set(err, MB_EDATA, "roads", "%s: Routino could not load the database "
                          "(error %d): build it again", dir, Routino_errno);
        goto out;
    }
    if (!r->route || !r->snap || Routino_ValidateProfile(r->db, r->route) != 0 ||
        Routino_ValidateProfile(r->db, r->snap) != 0) {
        rc = mb_error_set(err, MB_EDATA, "roads", "the truck profile does not fit the "
                          "database (Routino error %d)", Routino_errno);
        goto out;
    }
    r->words = Routino_GetTranslation(NULL); /* built-in English: names are not used */
out:
    pthread_mutex_unlock(&lock);
    if (rc) {
        mb_roads_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

const char *mb_roads_version(const struct mb_roads *r)
{
    return r->version;
}

void mb_roads_close(struct mb_roads *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&lock);
    if (r->db)
        Routino_UnloadDatabase(r->db);
    pthread_mutex_unlock(&lock);
    free(r->route); /* created from a user profile: plain malloc'ed memory */
    free(r->snap);
    free(r);
}

/* ---- routing ---------------------------------------------------------------- */

static bool valid_point(double lat, double lon)
{
    return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 &&
           lon <= 180;
}

/* Take the router's lock: at once if wait < 0 means no limit, else
 * within `wait` seconds or MB_EBUSY (a request must not hold a server
 * thread while others route). */
static int take_lock(double wait, struct mb_error *err)
{
    if (wait < 0) {
        pthread_mutex_lock(&lock);
        return 0;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    long ns = until.tv_nsec + (long)((wait - floor(wait)) * 1e9);
    until.tv_sec += (time_t)floor(wait) + ns / 1000000000L;
    until.tv_nsec = ns % 1000000000L;
    if (pthread_mutex_timedlock(&lock, &until) == 0)
        return 0;
    return mb_error_set(err, MB_EBUSY, "roads", "the router is busy: try again in a moment");
}

static int route(struct mb_roads *r, double lat1, double lon1, double lat2, double lon2,
                 enum mb_road_goal goal, struct mb_road_leg *out, double **path, size_t *npath,
                 double wait, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    if (path) {
        *path = NULL;
        *npath = 0;
    }
    if (!valid_point(lat1, lon1) || !valid_point(lat2, lon2))
        return mb_error_set(err, MB_EINVAL, "point", "latitude -90-90 and longitude "
                            "-180-180 degrees");
    Routino_Waypoint *w[2] = { NULL, NULL };
    int rc = take_lock(wait, err);
    if (rc)
        return rc;
    /* Where each point meets a road the truck may use, ferries left out:
     * a quay by the water would otherwise meet the ferry line at sea. */
    w[0] = Routino_FindWaypoint(r->db, r->snap, lat1, lon1);
    if (w[0])
        w[1] = Routino_FindWaypoint(r->db, r->snap, lat2, lon2);
    if (!w[0] || !w[1]) {
        if (Routino_errno == ROUTINO_ERROR_NO_NEARBY_HIGHWAY)
            out->status = MB_ROAD_NO_ROAD_NEAR;
        else
            rc = mb_error_set(err, MB_EINTERNAL, "roads", "Routino could not place a point "
                              "(error %d)", Routino_errno);
        goto out;
    }
    int options = (goal == MB_ROAD_SHORTEST ? ROUTINO_ROUTE_SHORTEST : ROUTINO_ROUTE_QUICKEST) |
                  ROUTINO_ROUTE_LIST_TEXT_ALL;
    /* Without ferries: the placing profile, which has none. */
    Routino_Profile *profile = goal == MB_ROAD_QUICKEST_NO_FERRY ? r->snap : r->route;
    Routino_Output *o = Routino_CalculateRoute(r->db, profile, r->words, w, 2, options, NULL);
    if (!o) {
        if (Routino_errno >= ROUTINO_ERROR_NO_ROUTE_1)
            out->status = MB_ROAD_NO_ROUTE;
        else
            rc = mb_error_set(err, MB_EINTERNAL, "roads", "Routino could not route (error %d)",
                              Routino_errno);
        goto out;
    }
    /* Each point holds the distance and time so far (km, minutes) and the
     * speed of the section that ends at it: a ferry's is FERRY_KPH. */
    const Routino_Output *last = o;
    bool on_ferry = false;
    for (const Routino_Output *q = o->next, *p = o; q; p = q, q = q->next) {
        bool ferry = fabsf(q->speed - FERRY_KPH) < 0.01f;
        if (ferry) {
            out->ferry_km += q->dist - p->dist;
            if (!on_ferry) /* a crossing begins: one ticket, one wait */
                out->ferry_crossings++;
        }
        on_ferry = ferry;
        last = q;
    }
    /* The way onto the road network and off it: each point to the road
     * point the route starts or ends at (radians in Routino's output). */
    const double deg = 180.0 / M_PI;
    struct mb_point a = { lat1, lon1 }, b = { lat2, lon2 };
    struct mb_point a_road = { o->lat * deg, o->lon * deg }, b_road = { last->lat * deg,
                                                                        last->lon * deg };
    out->access_km = mb_geo_distance_km(a, a_road) + mb_geo_distance_km(b_road, b);
    if (path) {
        /* The drive as drawn: the site, every point of the route, the
         * other site. */
        size_t n = 2;
        for (const Routino_Output *q = o; q; q = q->next)
            n++;
        double *v = mb_xmalloc(2 * n * sizeof *v);
        size_t k = 0;
        v[k++] = lat1, v[k++] = lon1;
        for (const Routino_Output *q = o; q; q = q->next)
            v[k++] = q->lat * deg, v[k++] = q->lon * deg;
        v[k++] = lat2, v[k++] = lon2;
        *path = v;
        *npath = n;
    }
    out->status = MB_ROAD_OK;
    out->km = last->dist + out->access_km;
    out->minutes = last->time + out->access_km / MB_ROAD_ACCESS_KPH * 60.0;
    Routino_DeleteRoute(o);
out:
    pthread_mutex_unlock(&lock);
    free(w[0]);
    free(w[1]);
    return rc;
}

const char *mb_road_status_name(enum mb_road_status s)
{
    return s == MB_ROAD_OK ? "road" : s == MB_ROAD_NO_ROAD_NEAR ? "no_road_near" : "no_route";
}

int mb_roads_route(struct mb_roads *r, double lat1, double lon1, double lat2, double lon2,
                   enum mb_road_goal goal, struct mb_road_leg *out, struct mb_error *err)
{
    return route(r, lat1, lon1, lat2, lon2, goal, out, NULL, NULL, -1, err);
}

int mb_roads_path(struct mb_roads *r, double lat1, double lon1, double lat2, double lon2,
                  enum mb_road_goal goal, struct mb_road_leg *out, double **latlon, size_t *n,
                  double wait, struct mb_error *err)
{
    return route(r, lat1, lon1, lat2, lon2, goal, out, latlon, n, wait, err);
}
