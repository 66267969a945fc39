/*
 * store/store_filter.h - private to src/store: the search filters of
 * mb_store_site_search, each defined once (store_filter.c), for both
 * searches that answer a query: the SQL search (store_site.c), which
 * turns them into a WHERE clause with bound values, and the read model
 * (store_model.c), which tests them in memory on its copy of the sites.
 *
 * A query is first normalised into a struct mb_sf (checked, its statuses,
 * types, area and window in the form both searches test); the filters it
 * sets are then emitted as SQL terms by mb_sf_where or tested by
 * mb_sf_keep, both by walking one table of filters. A new filter is one
 * row of that table: whether a query sets it, its SQL term(s) and its
 * test of a site's entry.
 *
 * The in-memory tests are those of an R*Tree-driven search, the only kind
 * the model answers (mb_st_model_covers): they read a site as its R*Tree
 * entry holds it (struct mb_sf_entry: positions as 32-bit floats rounded
 * outwards, months clamped), so both searches agree to the bit.
 */
#ifndef MB_STORE_STORE_FILTER_H
#define MB_STORE_STORE_FILTER_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* The filters, in the order of their terms in the WHERE clause. */
enum mb_sf_id {
    MB_SF_AREA,       /* box and/or radius: the R*Tree's box around both */
    MB_SF_STATUS,     /* visibility and the asked statuses (always set) */
    MB_SF_TYPE,       /* the asked types, when not all */
    MB_SF_ORG,        /* one organisation's sites */
    MB_SF_MATERIAL,   /* the site gives or takes a material */
    MB_SF_CLASS,      /* a supply's class ceiling */
    MB_SF_WINDOW,     /* the window overlaps the asked months */
    MB_SF_AMOUNT,     /* at least this many tonnes (unlimited passes) */
    MB_SF_TEXT,       /* keywords (FTS5; in memory when each word is one token) */
    MB_SF_EXCLUDE,    /* leave one site out */
    MB_SF_COUNT
};

struct mb_sf_site;

/* A site as its R*Tree entry holds it: the values every R*Tree-driven
 * search tests first (kept small: the read model files one copy per grid
 * cell, see store_model.c), and the site. */
struct mb_sf_entry {
    int64_t id;
    float lat_lo, lat_hi, lon_lo, lon_hi; /* the R*Tree's bounds */
    int32_t t_lo, t_hi;                   /* window, clamped as the R*Tree does */
    uint8_t type, status;
    uint64_t words;                       /* a bit per prefix of its tokens (text test) */
    struct mb_sf_site *s;
};

/* A site as the in-memory tests read it (the read model keeps one per
 * visible site). */
struct mb_sf_site {
    struct mb_site_rec rec;   /* as read from the database, doc and materials owned */
    struct mb_sf_entry e;     /* its entry (e.s == this), from mb_sf_entry_init */
    int64_t *mats;            /* material_code ids of its materials, each once */
    size_t nmats;
    char *tokens;             /* site_fts's tokens of title and keywords, each
                               * NUL-terminated, one after the other (mb_st_tokens) */
    size_t ntokens;
};

/* Fill s->e from s->rec, rounded and clamped as SQLite's R*Tree stores
 * the site (rtree.c's rtreeValueDown/Up; MB_RT_T_MAX), and from s->tokens
 * (set them first). */
void mb_sf_entry_init(struct mb_sf_site *s);

/* A query, checked and normalised. */
struct mb_sf {
    const struct mb_site_query *q; /* borrowed */
    unsigned set;             /* bit 1u << MB_SF_* for each filter the query sets */
    bool empty;               /* no site can match (and no SQL need run) */
    double box[4];            /* the area: min_lat, min_lon, max_lat, max_lon */
    unsigned pub;             /* asked statuses every viewer sees (published, reserved) */
    unsigned priv;            /* asked statuses only the owner (or an admin) sees */
    unsigned types;           /* asked types; every type when none */
    int32_t from, to;         /* the window in the R*Tree's clamped months */
    int64_t material_id;      /* material_code id (mb_sf_set_material_id), 0 unknown */
    char *fts;                /* FTS5 query of q->text (owned), or NULL */
    char *terms;              /* its words as site_fts tokenizes them, each
                               * NUL-terminated (owned; mb_sf_text_terms) */
    size_t nterms;
    uint64_t term_bits;       /* their bits in an entry's `words` */
    bool terms_ready;
    uint8_t tests[MB_SF_COUNT]; /* set filters with a test, those on the entry first */
    int ntests;
};

/* Check q (MB_EINVAL naming the field, as the search refuses it) and
 * normalise it into *f, which keeps a pointer to q. On success release f
 * with mb_sf_release; on failure it holds nothing. */
int mb_sf_prepare(struct mb_sf *f, const struct mb_site_query *q, struct mb_error *err);
void mb_sf_release(struct mb_sf *f);

/* The id of q->material in material_code, as the caller's search knows
 * it (the database's table or the model's copy); an unknown material
 * (id <= 0) makes the query empty. No-op when no material is asked. */
void mb_sf_set_material_id(struct mb_sf *f, int64_t id);

/* Make the terms of f's keywords for the in-memory test: each word of
 * the FTS5 query as st's site_fts tokenizer makes it (mb_st_tokens). 0
 * (also when no keywords are asked); non-zero when a word is not exactly
 * one token (FTS5 reads it as a phrase, or drops it) or the tokenizer is
 * missing: then only SQL answers f. */
int mb_sf_text_terms(struct mb_sf *f, struct mb_store *st);

/* Whether every filter f sets has an in-memory test (keywords only after
 * mb_sf_text_terms succeeded). */
bool mb_sf_in_memory(const struct mb_sf *f);

/* Keep, of the entries e[0..n), those that pass every filter f sets
 * except those in `given` (bits 1u << MB_SF_*: what the caller's choice
 * of candidates already ensures), moved to the front in their order;
 * returns how many. The radius is not among the filters: see
 * mb_sf_within. f must be mb_sf_in_memory. */
size_t mb_sf_keep(const struct mb_sf *f, const struct mb_sf_entry **e, size_t n,
                  unsigned given);

/* The radius test of both searches, applied in C to a candidate's R*Tree
 * position (its lower bounds), since the distance is also what they order
 * by: true when there is no radius (*km = 0) or (lat, lon) lies within
 * it (*km = great-circle km from the centre). */
bool mb_sf_within(const struct mb_sf *f, double lat, double lon, double *km);

/* ---- SQL --------------------------------------------------------------- */

/* Which table a search is driven from (its outer loop). */
enum mb_sf_driver {
    MB_SF_DRIVE_MRTREE,   /* area and a material: the per-material R*Tree */
    MB_SF_DRIVE_RTREE,    /* area: the R*Tree yields the candidates */
    MB_SF_DRIVE_FTS,      /* keywords: the FTS index yields them */
    MB_SF_DRIVE_MATERIAL, /* a material: site_material's index yields them */
    MB_SF_DRIVE_ORG,      /* one organisation's sites */
    MB_SF_DRIVE_SCAN,     /* no selective filter: site_search index or rowid scan */
};

enum mb_sf_bind_kind { MB_SF_BIND_INT, MB_SF_BIND_DOUBLE, MB_SF_BIND_TEXT };

struct mb_sf_bind {
    enum mb_sf_bind_kind kind;
    int64_t i;
    double d;
    const char *s;   /* borrowed from the query or the mb_sf */
};

#define MB_SF_MAX_BINDS 24

/* A WHERE clause and its parameters. The buffer is large enough for
 * every combination of terms; an overflow would be a programming error
 * and is reported as MB_EINTERNAL. */
struct mb_sf_sql {
    enum mb_sf_driver driver;
    /* Alias of the table that holds status, type, org_id, lat, lon,
     * from_m, to_m and id: "r" when site_rtree drives (they are its
     * dimensions, so most searches never read a site row), "m" when
     * site_mrtree does, else "s". needs_site: a term reads a site column
     * (join site s). */
    const char *a;
    bool needs_site;
    char where[1536];
    size_t len;
    bool overflow;
    struct mb_sf_bind binds[MB_SF_MAX_BINDS];
    int nbinds;
};

/* Choose the driver of a non-empty f and build its WHERE into *b
 * (" WHERE ..." with ?1.. placeholders; zeroed first). The values bound
 * are borrowed from f and its query. */
int mb_sf_where(const struct mb_sf *f, struct mb_sf_sql *b, struct mb_error *err);

/* The FROM clause for b's driver; scan_rows (DRIVE_SCAN only) reads the
 * table in rowid order instead of the covering index. */
const char *mb_sf_from(const struct mb_sf_sql *b, bool scan_rows);

/* A site column ("lat", "lon", "id", ...) as the driving table holds it. */
const char *mb_sf_col(const struct mb_sf_sql *b, const char *name);

/* Bind b's parameters to s (?1..?nbinds), each bind checked (mb_st_bound). */
void mb_sf_bind_all(sqlite3_stmt *s, const struct mb_sf_sql *b);

#endif
