/*
 * store/store_model.c - the read model: an exact in-memory copy of the
 * sites every map search and match reads (published and reserved ones),
 * shared by all connections of a process to one database file, so that
 * those searches need no SQL beyond a look at the change log.
 *
 * Exactness. Schema version 4 logs every committed change of a site (or
 * of its materials) as a row (seq, site_id) of site_change, in the
 * writer's transaction. The model has applied every row up to `seq`. A
 * search opens its read snapshot and reads the log's head there: if the
 * model is behind, the changed sites (and only they) are read again in
 * that snapshot and applied, so the model then holds exactly the
 * committed state the snapshot sees, whoever wrote it (another thread,
 * the CLI). If the model is ahead of the snapshot (another thread caught
 * up to a later commit in between), the search takes a new snapshot; after
 * a few tries it lets SQL answer. A model older than the log's pruned floor loads
 * everything again. Inside a caller's transaction the model is not used
 * (its snapshot may hold uncommitted writes): SQL answers.
 *
 * Answers are those of the SQL search (store_site.c), compared byte for
 * byte by tests/store: both apply the same filters, each defined once in
 * store_filter.c (mb_sf_keep here, its SQL there). The R*Trees hold
 * positions as 32-bit floats rounded outwards and test box edges and
 * radius distances on those, so the model's entries keep the same
 * rounded bounds (mb_sf_entry_init); months, types and statuses are
 * exact in both. The candidates are found through grids of cells
 * (CELL_LAT x CELL_LON degrees), one per type over every site and one per
 * type and material (as site_mrtree's key), then ordered, paged and
 * counted by the same code as the SQL search.
 *
 * Concurrency: one rwlock per model. Searches hold it shared while they
 * collect and copy their page; catching up holds it exclusively. Models
 * are found by the file's device and inode and freed with the last
 * connection to the file.
 */
#include "store/store_filter.h"
#include "store/store_sqlite.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/strbuf.h"

/* Two grids of each kind: fine cells for a map box or a first match
 * radius, coarse cells (COARSE x COARSE fine ones) where a search would
 * probe more than FINE_MAX fine cells (the longest haul, 115 km). */
#define CELL_LAT 0.05
#define CELL_LON 0.1
#define CELL_ROWS 3600 /* 180 / CELL_LAT */
#define CELL_COLS 3600 /* 360 / CELL_LON */
#define COARSE 10
#define FINE_MAX 64
/* Degrees a site's float bounds may lie outside its exact position,
 * with a wide margin (see collect). */
#define EDGE_SLACK 1e-3
/* More changed sites than this in one catch-up: load everything. */
#define CATCHUP_MAX 20000

/* A site is a struct mb_sf_site and each of its cells holds a copy of
 * its struct mb_sf_entry (store_filter.h): what the filters test most,
 * beside the site, and its id (a hit needs it; reading it from the site
 * was a cache miss per hit). */

struct cell {
    uint64_t key;             /* 0: free slot */
    uint32_t n, cap;
    struct mb_sf_entry *e;
};

struct mb_site_model {
    struct mb_site_model *next;    /* in the process's list */
    uint64_t dev, ino;
    int refs;                 /* connections (models_lock) */
    pthread_rwlock_t lock;
    bool loaded;
    bool loading;             /* a loader thread runs (models_lock) */
    char *path;               /* the file, for the loader's connection */
    int64_t seq;              /* every change up to here is applied */
    /* id -> site, open addressing (linear probing, backward-shift delete) */
    struct mb_sf_site **sites;
    size_t site_cap, nsites;
    /* cell key -> entries; key = (material_code id + 1) << 45 | type << 42 |
     * row << 21 | col, material id -1 for the grids of every site */
    struct cell *cells;
    size_t cell_cap, ncells;
    /* material_code: id -> code, as the database holds it */
    char **codes;
    size_t ncodes;            /* codes[0..ncodes), NULL where no row */
    uint64_t full_loads, applied;
    bool no_tokens;           /* a site's tokens are missing: keywords go to SQL */
};

static pthread_mutex_t models_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mb_site_model *models;

/* SQLite's NOCASE: ASCII letters folded. */
static int nocase_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y || !x)
            return x - y;
    }
}

/* ---- the id table ---------------------------------------------------------- */

static size_t id_slot(int64_t id, size_t cap)
{
    return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
}

static struct mb_sf_site *site_find(const struct mb_site_model *m, int64_t id)
{
    if (!m->site_cap)
        return NULL;
    for (size_t i = id_slot(id, m->site_cap);; i = (i + 1) & (m->site_cap - 1)) {
        struct mb_sf_site *s = m->sites[i];
        if (!s || s->rec.id == id)
            return s;
    }
}

static void site_table_put(struct mb_site_model *m, struct mb_sf_site *s);

static void site_table_grow(struct mb_site_model *m)
{
    struct mb_sf_site **old = m->sites;
    size_t oldcap = m->site_cap;
    m->site_cap = oldcap ? oldcap * 2 : 1024;
    m->sites = mb_xcalloc(m->site_cap, sizeof *m->sites);
    m->nsites = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i])
            site_table_put(m, old[i]);
    free(old);
}

static void site_table_put(struct mb_site_model *m, struct mb_sf_site *s)
{
    if ((m->nsites + 1) * 2 > m->site_cap)
        site_table_grow(m);
    size_t i = id_slot(s->rec.id, m->site_cap);
    while (m->sites[i])
        i = (i + 1) & (m->site_cap - 1);
    m->sites[i] = s;
    m->nsites++;
}

static void site_table_del(struct mb_site_model *m, int64_t id)
{
    size_t mask = m->site_cap - 1, i = id_slot(id, m->site_cap);
    while (m->sites[i] && m->sites[i]->rec.id != id)
        i = (i + 1) & mask;
    if (!m->sites[i])
        return;
    m->sites[i] = NULL;
    m->nsites--;
    /* Backward shift: move up every entry whose probe passed the hole. */
    for (size_t j = (i + 1) & mask; m->sites[j]; j = (j + 1) & mask) {
        size_t home = id_slot(m->sites[j]->rec.id, m->site_cap);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->sites[i] = m->sites[j];
            m->sites[j] = NULL;
            i = j;
        }
    }
}

/* ---- the grids ------------------------------------------------------------- */

static int cell_row(double lat)
{
    double r = floor((lat + 90.0) / CELL_LAT);
    return r < 0 ? 0 : r >= CELL_ROWS ? CELL_ROWS - 1 : (int)r;
}

static int cell_col(double lon)
{
    double c = floor((lon + 180.0) / CELL_LON);
    return c < 0 ? 0 : c >= CELL_COLS ? CELL_COLS - 1 : (int)c;
}

static uint64_t cell_key(int64_t mat, int type, int row, int col)
{
    return (uint64_t)(mat + 1) << 45 | (uint64_t)type << 42 | (uint64_t)row << 21 |
           (uint64_t)col;
}

/* The same cell's coarse cell (level bit 62). */
static uint64_t coarse_key(int64_t mat, int type, int row, int col)
{
    return 1ull << 62 | cell_key(mat, type, row / COARSE, col / COARSE);
}

static size_t cell_slot(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static struct cell *cell_find(const struct mb_site_model *m, uint64_t key)
{
    if (!m->cell_cap)
        return NULL;
    for (size_t i = cell_slot(key, m->cell_cap);; i = (i + 1) & (m->cell_cap - 1)) {
        struct cell *c = &m->cells[i];
        if (c->key == key)
            return c;
        if (!c->key)
            return NULL;
    }
}

/* The cell of `key`, made when missing (cells are never removed; an
 * emptied one stays for the next site there). */
static struct cell *cell_get(struct mb_site_model *m, uint64_t key)
{
    if ((m->ncells + 1) * 2 > m->cell_cap) {
        struct cell *old = m->cells;
        size_t oldcap = m->cell_cap;
        m->cell_cap = oldcap ? oldcap * 2 : 4096;
        m->cells = mb_xcalloc(m->cell_cap, sizeof *m->cells);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].key) {
                size_t k = cell_slot(old[i].key, m->cell_cap);
                while (m->cells[k].key)
                    k = (k + 1) & (m->cell_cap - 1);
                m->cells[k] = old[i];
            }
        free(old);
    }
    size_t i = cell_slot(key, m->cell_cap);
    while (m->cells[i].key && m->cells[i].key != key)
        i = (i + 1) & (m->cell_cap - 1);
    struct cell *c = &m->cells[i];
    if (!c->key) {
        c->key = key;
        m->ncells++;
    }
    return c;
}

static void cell_add(struct mb_site_model *m, uint64_t key, const struct mb_sf_entry *e)
{
    struct cell *c = cell_get(m, key);
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4;
        c->e = mb_xrealloc(c->e, c->cap * sizeof *c->e);
    }
    c->e[c->n++] = *e;
}

static void cell_remove(struct mb_site_model *m, uint64_t key, const struct mb_sf_site *s)
{
    struct cell *c = cell_find(m, key);
    for (uint32_t i = 0; c && i < c->n; i++)
        if (c->e[i].s == s) {
            c->e[i] = c->e[--c->n];
            return;
        }
}

/* ---- sites in and out -------------------------------------------------------- */

static bool visible(enum mb_status s)
{
    return s == MB_STATUS_PUBLISHED || s == MB_STATUS_RESERVED;
}

/* The material_code id of `code` (NOCASE, as the column), or 0. */
static int64_t code_id(const struct mb_site_model *m, const char *code)
{
    for (size_t i = 1; i < m->ncodes; i++)
        if (m->codes[i] && nocase_cmp(m->codes[i], code) == 0)
            return (int64_t)i;
    return 0;
}

static void site_unlink(struct mb_site_model *m, struct mb_sf_site *s)
{
    int row = cell_row(s->rec.lat), col = cell_col(s->rec.lon);
    cell_remove(m, cell_key(-1, s->e.type, row, col), s);
    cell_remove(m, coarse_key(-1, s->e.type, row, col), s);
    for (size_t i = 0; i < s->nmats; i++) {
        cell_remove(m, cell_key(s->mats[i], s->e.type, row, col), s);
        cell_remove(m, coarse_key(s->mats[i], s->e.type, row, col), s);
    }
    site_table_del(m, s->rec.id);
}

static void site_free(struct mb_sf_site *s)
{
    if (s) {
        mb_site_rec_release(&s->rec);
        free(s->mats);
        free(s->tokens);
        free(s);
    }
}

/* The tokens site_fts holds of s (title, then keywords), for keyword
 * searches (store_filter.c's text test). */
static void site_tokens(struct mb_store *st, struct mb_site_model *m, struct mb_sf_site *s)
{
    struct mb_strbuf b = { 0 };
    size_t n = 0;
    if (mb_st_tokens(st, s->rec.title, strlen(s->rec.title), false, &b, &n) ||
        (s->rec.keywords &&
         mb_st_tokens(st, s->rec.keywords, strlen(s->rec.keywords), false, &b, &n))) {
        m->no_tokens = true;
        mb_strbuf_release(&b);
        return;
    }
    s->tokens = b.s; /* NULL when there is none */
    s->ntokens = n;
}

/* Take over *rec (a visible site) into the model; st tokenizes its text. */
static void site_insert(struct mb_store *st, struct mb_site_model *m, struct mb_site_rec *rec)
{
    struct mb_sf_site *s = mb_xcalloc(1, sizeof *s);
    s->rec = *rec;
    memset(rec, 0, sizeof *rec);
    site_tokens(st, m, s);
    mb_sf_entry_init(s);
    if (s->rec.nmaterials)
        s->mats = mb_xcalloc(s->rec.nmaterials, sizeof *s->mats);
    for (size_t i = 0; i < s->rec.nmaterials; i++) {
        int64_t id = code_id(m, s->rec.materials[i]);
        bool seen = id <= 0;
        for (size_t k = 0; k < s->nmats && !seen; k++)
            seen = s->mats[k] == id;
        if (!seen)
            s->mats[s->nmats++] = id;
    }
    int row = cell_row(s->rec.lat), col = cell_col(s->rec.lon);
    cell_add(m, cell_key(-1, s->e.type, row, col), &s->e);
    cell_add(m, coarse_key(-1, s->e.type, row, col), &s->e);
    for (size_t i = 0; i < s->nmats; i++) {
        cell_add(m, cell_key(s->mats[i], s->e.type, row, col), &s->e);
        cell_add(m, coarse_key(s->mats[i], s->e.type, row, col), &s->e);
    }
    site_table_put(m, s);
}

static void model_clear(struct mb_site_model *m)
{
    for (size_t i = 0; i < m->site_cap; i++)
        site_free(m->sites[i]);
    free(m->sites);
    for (size_t i = 0; i < m->cell_cap; i++)
        free(m->cells[i].e);
    free(m->cells);
    for (size_t i = 0; i < m->ncodes; i++)
        free(m->codes[i]);
    free(m->codes);
    m->sites = NULL;
    m->cells = NULL;
    m->codes = NULL;
    m->site_cap = m->nsites = m->cell_cap = m->ncells = m->ncodes = 0;
    m->loaded = false;
    m->no_tokens = false;
    m->seq = 0;
}

/* ---- reading the database (inside the caller's read snapshot) -------------- */

static int read_int64(struct mb_store *st, const char *sql, int64_t *out, struct mb_error *err)
{
    sqlite3_stmt *s;
    *out = 0;
    int rc = mb_st_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    return rc;
}

/* material_code rows the model does not know yet (the table only grows). */
static int load_codes(struct mb_store *st, struct mb_site_model *m, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT id, code FROM material_code WHERE id >= ? ORDER BY id",
                           &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, (int64_t)(m->ncodes ? m->ncodes : 1)));
    size_t cap = m->ncodes;
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (id <= 0 || id > (1 << 20))
            continue; /* never made by the store; such a code stays unknown */
        size_t need = (size_t)id + 1;
        if (need > m->ncodes) {
            m->codes = mb_xgrow(m->codes, &cap, need, sizeof *m->codes);
            memset(m->codes + m->ncodes, 0, (need - m->ncodes) * sizeof *m->codes);
            m->ncodes = need;
        }
        free(m->codes[id]);
        m->codes[id] = mb_st_col_dup(s, 1);
    }
    rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    return rc;
}

/* Every visible site with its materials: two scans in id order, merged. */
static int full_load(struct mb_store *st, struct mb_site_model *m, int64_t head,
                     struct mb_error *err)
{
    model_clear(m);
    int rc = load_codes(st, m, err);
    if (rc)
        return rc;
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT %s, s.doc FROM site s WHERE s.status IN ('published',"
             " 'reserved') ORDER BY s.id", mb_st_site_cols);
    sqlite3_stmt *s = NULL, *ms = NULL;
    if ((rc = mb_st_prepare(st, sql, &s, err)))
        return rc;
    if ((rc = mb_st_prepare(st, "SELECT m.site_id, m.material FROM site_material m"
                            " JOIN site s ON s.id = m.site_id WHERE s.status IN"
                            " ('published', 'reserved') ORDER BY m.site_id, m.pos",
                            &ms, err))) {
        mb_st_finish(s);
        return rc;
    }
    int mrc = mb_st_step(ms);
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        struct mb_site_rec r;
        if ((rc = mb_st_read_site(st, s, &r, err)))
            break;
        size_t cap = 0;
        while (mrc == SQLITE_ROW && sqlite3_column_int64(ms, 0) < r.id)
            mrc = mb_st_step(ms);
        while (mrc == SQLITE_ROW && sqlite3_column_int64(ms, 0) == r.id) {
            r.materials = mb_xgrow(r.materials, &cap, r.nmaterials + 1, sizeof *r.materials);
            r.materials[r.nmaterials++] = mb_st_col_dup(ms, 1);
            mrc = mb_st_step(ms);
        }
        site_insert(st, m, &r);
    }
    if (rc == SQLITE_DONE)
        rc = mrc == SQLITE_ROW || mrc == SQLITE_DONE ? 0 : mb_st_error(st, mrc, NULL, err);
    else if (rc > 0)
        rc = mb_st_error(st, rc, NULL, err);
    mb_st_finish(ms);
    mb_st_finish(s);
    if (rc) {
        model_clear(m);
        return rc;
    }
    m->loaded = true;
    m->seq = head;
    m->full_loads++;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Bring the model to `head`, the log's head in the caller's snapshot
 * (called with the lock held exclusively, model behind or not loaded). */
static int catch_up(struct mb_store *st, struct mb_site_model *m, int64_t head,
                    struct mb_error *err)
{
    if (!m->loaded)
        return full_load(st, m, head, err);
    int64_t floor_seq = 0;
    int rc = read_int64(st, "SELECT seq FROM site_change_floor", &floor_seq, err);
    if (rc)
        return rc;
    if (floor_seq > m->seq || head - m->seq > CATCHUP_MAX)
        return full_load(st, m, head, err);
    sqlite3_stmt *s;
    if ((rc = mb_st_prepare(st, "SELECT site_id FROM site_change WHERE seq > ? AND seq <= ?",
                            &s, err)))
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, m->seq));
    mb_st_bound(sqlite3_bind_int64(s, 2, head));
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    while ((rc = mb_st_step(s)) == SQLITE_ROW) {
        ids = mb_xgrow(ids, &cap, n + 1, sizeof *ids);
        ids[n++] = sqlite3_column_int64(s, 0);
    }
    rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    mb_st_finish(s);
    if (!rc)
        rc = load_codes(st, m, err);
    if (!rc && n)
        qsort(ids, n, sizeof *ids, cmp_i64);
    for (size_t i = 0; !rc && i < n; i++) {
        if (i && ids[i] == ids[i - 1])
            continue;
        struct mb_site_rec r;
        bool found;
        if ((rc = mb_st_site_read(st, ids[i], &r, &found, err)))
            break;
        struct mb_sf_site *old = site_find(m, ids[i]);
        if (old) {
            site_unlink(m, old);
            site_free(old);
        }
        if (found && visible(r.status))
            site_insert(st, m, &r);
        mb_site_rec_release(&r);
        m->applied++;
    }
    free(ids);
    if (rc) {
        /* Half applied: the next search loads everything. */
        model_clear(m);
        return rc;
    }
    m->seq = head;
    return 0;
}

/* ---- acquire and release ------------------------------------------------------ */

struct mb_site_model *mb_st_model_acquire(struct mb_store *st)
{
    const char *off = getenv("MB_STORE_MODEL");
    if (off && strcmp(off, "0") == 0)
        return NULL;
    const char *path = sqlite3_db_filename(st->db, "main");
    struct stat sb;
    if (!path || !*path || stat(path, &sb) != 0)
        return NULL;
    pthread_mutex_lock(&models_lock);
    struct mb_site_model *m = models;
    while (m && !(m->dev == (uint64_t)sb.st_dev && m->ino == (uint64_t)sb.st_ino))
        m = m->next;
    if (!m) {
        m = mb_xcalloc(1, sizeof *m);
        m->dev = (uint64_t)sb.st_dev;
        m->ino = (uint64_t)sb.st_ino;
        m->path = mb_xstrdup(path);
        pthread_rwlock_init(&m->lock, NULL);
        m->next = models;
        models = m;
    }
    m->refs++;
    pthread_mutex_unlock(&models_lock);
    return m;
}

void mb_st_model_release(struct mb_site_model *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&models_lock);
    bool last = --m->refs == 0;
    if (last) {
        struct mb_site_model **p = &models;
        while (*p != m)
            p = &(*p)->next;
        *p = m->next;
    }
    pthread_mutex_unlock(&models_lock);
    if (last) {
        model_clear(m);
        pthread_rwlock_destroy(&m->lock);
        free(m->path);
        free(m);
    }
}

/* ---- search -------------------------------------------------------------------- */

bool mb_st_model_covers(struct mb_store *st, struct mb_sf *f)
{
    if (!st->model || st->model_off || st->depth != 0 || !(f->set & 1u << MB_SF_AREA))
        return false;
    /* Drafts and closed sites are not in the model: a query that may see
     * some (its organisation's, or an administrator's) goes to SQL, as
     * does one with keywords the model cannot test exactly (a word FTS5
     * reads as a phrase). */
    if (f->priv || mb_sf_text_terms(f, st) != 0)
        return false;
    return mb_sf_in_memory(f);
}

struct hits {
    struct mb_st_hit *h;
    size_t n, cap;
};

/* Candidates are tested in batches of at most BATCH (store_filter.c's
 * tests take batches: a call per filter and batch, not per entry). */
#define BATCH 256

/* Of the candidates e[0..n): those that pass the filters but those their
 * cells ensure (`given`), then the radius, on the R*Tree's values as the
 * SQL search. */
static void consider(const struct mb_sf *f, const struct mb_sf_entry **e, size_t n,
                     unsigned given, struct hits *out)
{
    n = mb_sf_keep(f, e, n, given);
    /* Room for every one: no growth check per hit. */
    out->h = mb_xgrow(out->h, &out->cap, out->n + n, sizeof *out->h);
    for (size_t i = 0; i < n; i++) {
        struct mb_st_hit x = { e[i]->id, 0 };
        if (mb_sf_within(f, e[i]->lat_lo, e[i]->lon_lo, &x.km))
            out->h[out->n++] = x;
    }
}

static void collect(const struct mb_site_model *m, const struct mb_sf *f, struct hits *out)
{
    const struct mb_sf_entry *batch[BATCH];
    /* A site is filed under the cell of its exact position, but passes
     * on its float bounds, which lie at most a rounding step (2^-22 of
     * the value: 4.3e-5 degrees at 180) outside it; widening the box by
     * EDGE_SLACK therefore reaches every cell that can hold a hit, and
     * only the cells along an edge that falls that close to a cell line
     * are added (cell_row and cell_col are monotonic). */
    int r0 = cell_row(f->box[0] - EDGE_SLACK), r1 = cell_row(f->box[2] + EDGE_SLACK);
    int c0 = cell_col(f->box[1] - EDGE_SLACK), c1 = cell_col(f->box[3] + EDGE_SLACK);
    int ntypes = 0;
    for (int t = 0; t < MB_TYPE_COUNT; t++)
        ntypes += f->types >> t & 1u;
    double ncell = (double)(r1 - r0 + 1) * (double)(c1 - c0 + 1) * ntypes;
    if (ncell > (double)m->nsites / 4 + 64) {
        /* A box as large as the country: every site once. */
        size_t n = 0;
        for (size_t i = 0; i < m->site_cap; i++) {
            if (!m->sites[i])
                continue;
            batch[n++] = &m->sites[i]->e;
            if (n == BATCH) {
                consider(f, batch, n, 0, out);
                n = 0;
            }
        }
        consider(f, batch, n, 0, out);
        return;
    }
    bool coarse = (r1 - r0 + 1) * (c1 - c0 + 1) > FINE_MAX;
    if (coarse) {
        r0 /= COARSE;
        r1 /= COARSE;
        c0 /= COARSE;
        c1 /= COARSE;
    }
    /* A material's grids hold only its sites. */
    int64_t mat = f->set & 1u << MB_SF_MATERIAL ? f->material_id : -1;
    unsigned given = mat < 0 ? 0 : 1u << MB_SF_MATERIAL;
    for (int t = 0; t < MB_TYPE_COUNT; t++) {
        if (!(f->types >> t & 1u))
            continue;
        for (int r = r0; r <= r1; r++)
            for (int c = c0; c <= c1; c++) {
                uint64_t key = coarse ? 1ull << 62 | cell_key(mat, t, r, c)
                                      : cell_key(mat, t, r, c);
                const struct cell *cl = cell_find(m, key);
                for (uint32_t i = 0; cl && i < cl->n; i += BATCH) {
                    size_t n = cl->n - i < BATCH ? cl->n - i : BATCH;
                    for (size_t k = 0; k < n; k++)
                        batch[k] = &cl->e[i + k];
                    consider(f, batch, n, given, out);
                }
            }
    }
}

static char *dup_or_null(const char *s)
{
    return s ? mb_xstrdup(s) : NULL;
}

/* A copy as the SQL search returns it: doc only when asked for,
 * materials unless left out. */
static void copy_out(struct mb_site_rec *dst, const struct mb_site_rec *src,
                     const struct mb_site_query *q)
{
    *dst = *src;
    dst->materials = NULL;
    dst->nmaterials = 0;
    if (!q->no_materials && src->nmaterials) {
        dst->materials = mb_xcalloc(src->nmaterials, sizeof *dst->materials);
        for (size_t i = 0; i < src->nmaterials; i++)
            dst->materials[i] = dup_or_null(src->materials[i]);
        dst->nmaterials = src->nmaterials;
    }
    dst->keywords = dup_or_null(src->keywords);
    dst->limits = dup_or_null(src->limits);
    dst->doc = q->want_doc ? dup_or_null(src->doc) : NULL;
}

/* Answer f's query from m (lock held shared). As run_rt_page and the
 * totals of mb_store_site_search's R*Tree branch. */
static void answer(const struct mb_site_model *m, const struct mb_sf *qf, size_t limit,
                   struct mb_site_page *out)
{
    const struct mb_site_query *q = qf->q;
    /* A shallow copy (qf owns what it points to) that takes the model's
     * id of the material. */
    struct mb_sf f = *qf;
    if (f.set & 1u << MB_SF_MATERIAL)
        mb_sf_set_material_id(&f, code_id(m, q->material));
    if (f.empty)
        return; /* SQL: no site has ever listed the material */
    struct hits h = { 0 };
    collect(m, &f, &h);
    size_t n = h.n;
    size_t first = q->offset < n ? q->offset : n;
    size_t end = n - first > limit ? first + limit : n;
    mb_st_hits_smallest(h.h, n, end, q->has_radius);
    out->items = mb_xcalloc(end - first + 1, sizeof *out->items);
    for (size_t i = first; i < end; i++) {
        const struct mb_sf_site *s = site_find(m, h.h[i].id);
        copy_out(&out->items[out->n++], &s->rec, q);
    }
    free(h.h);
    if (q->has_radius)
        mb_st_sort_by_distance(q->lat, q->lon, out);
    if (out->n < limit && (out->n > 0 || q->offset == 0))
        out->total = q->offset + out->n;
    else if (q->no_total)
        out->total = q->offset + out->n + (out->n == limit);
    else
        out->total = n;
}

/* Load a model that is not loaded yet, in the caller's new snapshot. */
static int warm(struct mb_store *st, struct mb_error *err)
{
    struct mb_site_model *m = st->model;
    bool opened = false;
    int rc = mb_st_read_begin(st, &opened, err);
    int64_t head = 0;
    if (!rc)
        rc = read_int64(st, "SELECT coalesce(max(seq), 0) FROM site_change", &head, err);
    /* Built aside, without the lock, so that searches (answered by SQL
     * meanwhile) do not wait a second for it; then swapped in. */
    struct mb_site_model *tmp = NULL;
    if (!rc) {
        tmp = mb_xcalloc(1, sizeof *tmp);
        rc = full_load(st, tmp, head, err);
    }
    if (!rc) {
        pthread_rwlock_wrlock(&m->lock);
        if (!m->loaded) {
            struct mb_site_model t = *m;
            m->sites = tmp->sites;
            m->site_cap = tmp->site_cap;
            m->nsites = tmp->nsites;
            m->cells = tmp->cells;
            m->cell_cap = tmp->cell_cap;
            m->ncells = tmp->ncells;
            m->codes = tmp->codes;
            m->ncodes = tmp->ncodes;
            m->loaded = true;
            m->seq = tmp->seq;
            m->no_tokens = tmp->no_tokens;
            m->full_loads++;
            tmp->sites = t.sites;
            tmp->site_cap = t.site_cap;
            tmp->nsites = t.nsites;
            tmp->cells = t.cells;
            tmp->cell_cap = t.cell_cap;
            tmp->ncells = t.ncells;
            tmp->codes = t.codes;
            tmp->ncodes = t.ncodes;
        }
        pthread_rwlock_unlock(&m->lock);
    }
    if (tmp) {
        model_clear(tmp);
        free(tmp);
    }
    mb_st_read_end(st, opened);
    return rc;
}

/* The cold load of a server's model runs beside the requests (about a
 * second for 100,000 sites), which SQL answers meanwhile; the loader has
 * its own connection, which holds the model until it is done. */
static void *loader(void *arg)
{
    struct mb_site_model *m = arg;
    struct mb_store *st;
    struct mb_error err;
    if (mb_store_open(&st, m->path, &err) == 0) {
        if (st->model == m)
            warm(st, &err);
        mb_store_close(st);
    }
    pthread_mutex_lock(&models_lock);
    m->loading = false;
    pthread_mutex_unlock(&models_lock);
    mb_st_model_release(m);
    return NULL;
}

/* Start the loader unless one runs; false if it cannot start. */
static void start_loader(struct mb_site_model *m)
{
    pthread_mutex_lock(&models_lock);
    bool start = !m->loading;
    if (start) {
        m->loading = true;
        m->refs++; /* the loader's, until it is done */
    }
    pthread_mutex_unlock(&models_lock);
    if (!start)
        return;
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, loader, m) != 0) {
        pthread_mutex_lock(&models_lock);
        m->loading = false;
        pthread_mutex_unlock(&models_lock);
        mb_st_model_release(m);
    }
    pthread_attr_destroy(&attr);
}

int mb_st_model_search(struct mb_store *st, const struct mb_sf *f, size_t limit,
                       struct mb_site_page *out, struct mb_error *err)
{
    struct mb_site_model *m = st->model;
    pthread_rwlock_rdlock(&m->lock);
    bool loaded = m->loaded;
    pthread_rwlock_unlock(&m->lock);
    if (!loaded) {
        start_loader(m);
        return MB_ST_MODEL_DECLINED;
    }
    bool opened = false;
    int rc = mb_st_read_begin(st, &opened, err);
    if (rc)
        return rc;
    if (!opened) {
        mb_st_read_end(st, opened);
        return MB_ST_MODEL_DECLINED;
    }
    rc = MB_ST_MODEL_DECLINED;
    for (int attempt = 0; attempt < 4; attempt++) {
        /* The log's head in this snapshot (the first read fixes it). */
        int64_t head = 0;
        int hrc = read_int64(st, "SELECT coalesce(max(seq), 0) FROM site_change", &head, err);
        if (hrc) {
            rc = hrc;
            break;
        }
        pthread_rwlock_rdlock(&m->lock);
        if (m->loaded && m->seq == head) {
            bool text = f->set & 1u << MB_SF_TEXT;
            if (!text || !m->no_tokens) {
                answer(m, f, limit, out);
                rc = 0;
            }
            pthread_rwlock_unlock(&m->lock);
            break;
        }
        bool behind = !m->loaded || m->seq < head;
        pthread_rwlock_unlock(&m->lock);
        if (behind) {
            /* Catch up in this snapshot (unless another thread did). */
            pthread_rwlock_wrlock(&m->lock);
            if (!m->loaded || m->seq < head)
                hrc = catch_up(st, m, head, err);
            pthread_rwlock_unlock(&m->lock);
            if (hrc) {
                rc = hrc;
                break;
            }
        } else {
            /* Another thread applied commits this snapshot does not see:
             * take a new one. (Were the file's history to go back - a
             * copy restored in place under a running server - every try
             * ends here and SQL answers.) */
            mb_st_read_end(st, opened);
            if ((hrc = mb_st_read_begin(st, &opened, err)) != 0) {
                opened = false;
                rc = hrc;
                break;
            }
        }
    }
    mb_st_read_end(st, opened);
    if (rc && rc != MB_ST_MODEL_DECLINED)
        mb_site_page_release(out);
    return rc;
}

/* ---- the public switch and figures (store.h) --------------------------------- */

void mb_store_model_enable(struct mb_store *st, bool on)
{
    st->model_off = !on;
}

int mb_store_model_warm(struct mb_store *st, struct mb_error *err)
{
    if (!st->model)
        return mb_error_set(err, MB_ENOTFOUND, "", "this database has no read model");
    if (st->depth)
        return mb_error_set(err, MB_EINVAL, "", "not inside a transaction");
    return warm(st, err);
}

int mb_store_model_info(struct mb_store *st, struct mb_store_model_info *out)
{
    memset(out, 0, sizeof *out);
    struct mb_site_model *m = st->model;
    if (!m)
        return MB_ENOTFOUND;
    pthread_rwlock_rdlock(&m->lock);
    out->loaded = m->loaded;
    out->seq = m->seq;
    out->sites = m->nsites;
    out->full_loads = m->full_loads;
    out->applied = m->applied;
    pthread_rwlock_unlock(&m->lock);
    out->enabled = !st->model_off;
    return 0;
}
