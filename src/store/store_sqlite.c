/*
 * store/store_sqlite.c - the SQLite back-end of the store (see store.h):
 * the connection, numbered migrations, the statement cache, transactions,
 * the fingerprint, and the small tables (organisations, users, tokens,
 * documents, jobs). Sites live in store_site.c, deals and deliveries in
 * store_deal.c, the audit log in store_audit.c.
 *
 * Durability: the database runs in WAL mode with synchronous=NORMAL. A
 * commit is then written to the WAL file before sqlite3_step returns, and
 * only the fsync is deferred to checkpoints; killing the process (kill -9,
 * a crash) loses nothing that was committed, and the database is never
 * corrupt. Only a power failure or OS crash can lose the last commits
 * (never consistency). That is the trade SQLite documents for WAL+NORMAL.
 *
 * Schema versions: MIGRATIONS[i] takes the database from version i to
 * i + 1; PRAGMA user_version records the version reached. Each step runs
 * in its own BEGIN IMMEDIATE transaction and re-reads the version inside
 * it, so several connections opening one new file at once migrate it
 * exactly once (the others wait on the write lock, then see it is done).
 *
 * Types, statuses, roles and job states are stored as their API names
 * (store_names.c), checked by the schema, so the file never depends on
 * the numbering of the C enums.
 */
#include "store/store_sqlite.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "domain/geo.h"

/* ---- schema ---------------------------------------------------------------- */

/* Version 1. Notes on the design:
 * - Named CHECK constraints carry the field name SQLite reports
 *   ("CHECK constraint failed: class"), which becomes mb_error.field.
 * - org.orgnr is unique only when given (partial index).
 * - user.email is stored lower-case (ASCII; the C side folds) and unique.
 * - site keeps the searchable values as columns; its R*Tree (site_rtree)
 *   and external-content FTS5 index (site_fts, over title and keywords)
 *   are maintained by triggers, so they change in the same statement as
 *   the row and can never disagree with it.
 * - site_material lists every material a site gives or takes, in the
 *   caller's order (pos); material codes compare case-insensitively.
 * - site.cls is the class of a supply (1-5), or the highest class a need
 *   or facility takes (1-5, or 0 where no class applies, e.g. a quarry).
 * - site.amount_t is tonnes, or -1 for an unlimited facility. */
/* Type and status as numbers in enum order (store.h), for R*Tree
 * dimensions. */
#define MB_TYPE_NO(col) \
    "(CASE " col " WHEN 'supply' THEN 0 WHEN 'need' THEN 1 WHEN 'landfill' THEN 2" \
    " WHEN 'storage' THEN 3 WHEN 'plant' THEN 4 ELSE 5 END)"
#define MB_STATUS_NO(col) \
    "(CASE " col " WHEN 'draft' THEN 0 WHEN 'published' THEN 1 WHEN 'reserved' THEN 2" \
    " ELSE 3 END)"
/* The scaled R*Tree values (see site_rtree and MB_RT_* in store_sqlite.h). */
#define MB_RT_TY(col) "(" MB_TYPE_NO(col) " * " MB_STR(MB_RT_TY_SCALE) ")"
#define MB_RT_ST(col) "(" MB_STATUS_NO(col) " * " MB_STR(MB_RT_ST_SCALE) ")"
#define MB_RT_T(col) "(min(max(" col ", 0), " MB_STR(MB_RT_T_MAX) ") * " MB_STR(MB_RT_T_SCALE) ")"

static const char MIGRATION_1[] =
    "CREATE TABLE org ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " orgnr TEXT NOT NULL DEFAULT '' CONSTRAINT orgnr CHECK (orgnr = ''"
    "   OR (length(orgnr) = 9 AND orgnr NOT GLOB '*[^0-9]*')),"
    " created INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX org_orgnr ON org(orgnr) WHERE orgnr <> '';"
    "CREATE INDEX org_name ON org(name);"

    "CREATE TABLE user ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " email TEXT NOT NULL UNIQUE CONSTRAINT email CHECK (email <> '' AND email = lower(email)),"
    " name TEXT NOT NULL,"
    " role TEXT NOT NULL CONSTRAINT role CHECK (role IN ('developer', 'contractor',"
    "   'hauler', 'operator', 'municipality', 'admin')),"
    " password_hash TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE INDEX user_org ON user(org_id);"

    "CREATE TABLE token ("
    " hash TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,"
    " expires INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX token_user ON token(user_id);"

    "CREATE TABLE site ("
    " id INTEGER PRIMARY KEY,"
    " org_id INTEGER NOT NULL REFERENCES org(id),"
    " type TEXT NOT NULL CONSTRAINT type CHECK (type IN ('supply', 'need', 'landfill',"
    "   'storage', 'plant', 'quarry')),"
    " status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('draft', 'published',"
    "   'reserved', 'closed')),"
    " title TEXT NOT NULL CONSTRAINT title CHECK (title <> ''),"
    " municipality TEXT NOT NULL DEFAULT '' CONSTRAINT municipality CHECK ("
    "   municipality = '' OR (length(municipality) = 4 AND municipality NOT GLOB '*[^0-9]*')),"
    " lat REAL NOT NULL CONSTRAINT lat CHECK (lat BETWEEN -90 AND 90),"
    " lon REAL NOT NULL CONSTRAINT lon CHECK (lon BETWEEN -180 AND 180),"
    " material TEXT NOT NULL DEFAULT '',"
    " cls INTEGER NOT NULL CONSTRAINT class CHECK (cls BETWEEN 1 AND 5"
    "   OR (cls = 0 AND type <> 'supply')),"
    " amount_t REAL NOT NULL CONSTRAINT amount CHECK (amount_t >= 0 OR amount_t = -1),"
    " from_m INTEGER NOT NULL,"
    " to_m INTEGER NOT NULL,"
    " price REAL NOT NULL,"
    " co2 REAL NOT NULL,"
    " keywords TEXT,"
    " limits TEXT,"
    " doc TEXT CONSTRAINT doc CHECK (doc IS NULL OR json_valid(doc)),"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL,"
    " version INTEGER NOT NULL,"
    " CONSTRAINT \"window\" CHECK (from_m <= to_m));"
    /* site_search covers every plain filter of a search, so counting the
     * matches never reads the (wide) table rows. */
    "CREATE INDEX site_search ON site(status, type, org_id, cls, from_m, to_m, amount_t);"
    "CREATE INDEX site_org ON site(org_id, status);"

    "CREATE TABLE site_material ("
    " site_id INTEGER NOT NULL REFERENCES site(id) ON DELETE CASCADE,"
    " pos INTEGER NOT NULL,"
    " material TEXT NOT NULL COLLATE NOCASE CONSTRAINT materials CHECK (material <> ''),"
    " PRIMARY KEY (site_id, pos)) WITHOUT ROWID;"
    "CREATE INDEX site_material_code ON site_material(material, site_id);"

    /* Five dimensions: position, type, status and window. A map search
     * filters on all of them inside the R*Tree and so never reads a site
     * row to count or page (reading one per candidate cost ~3 us; a city
     * box holds thousands; auxiliary columns are a lookup per row too).
     * Type, status and months are scaled down (store_sqlite.h, MB_RT_*)
     * so that the tree's node splits follow position alone: a dimension
     * with a wide extent (an open window reaches year 2500) would group
     * the nodes by time and ruin the spatial pruning. */
    "CREATE VIRTUAL TABLE site_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon,"
    " min_ty, max_ty, min_st, max_st, min_t, max_t);"
    "CREATE VIRTUAL TABLE site_fts USING fts5(title, keywords, content='site',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3');"

    "CREATE TRIGGER site_ai AFTER INSERT ON site BEGIN"
    " INSERT INTO site_rtree(id, min_lat, max_lat, min_lon, max_lon, min_ty, max_ty, min_st,"
    "  max_st, min_t, max_t) VALUES (new.id, new.lat, new.lat, new.lon, new.lon,"
    "  " MB_RT_TY("new.type") ", " MB_RT_TY("new.type") ", " MB_RT_ST("new.status")
    ", " MB_RT_ST("new.status") ", " MB_RT_T("new.from_m") ", " MB_RT_T("new.to_m") ");"
    " INSERT INTO site_fts(rowid, title, keywords) VALUES (new.id, new.title, new.keywords);"
    "END;"
    "CREATE TRIGGER site_au_pos AFTER UPDATE OF lat, lon, type, status, from_m, to_m"
    " ON site BEGIN"
    " UPDATE site_rtree SET min_lat = new.lat, max_lat = new.lat,"
    "  min_lon = new.lon, max_lon = new.lon, min_ty = " MB_RT_TY("new.type") ","
    "  max_ty = " MB_RT_TY("new.type") ", min_st = " MB_RT_ST("new.status") ","
    "  max_st = " MB_RT_ST("new.status") ", min_t = " MB_RT_T("new.from_m") ","
    "  max_t = " MB_RT_T("new.to_m")
    "  WHERE id = new.id;"
    "END;"
    "CREATE TRIGGER site_au_text AFTER UPDATE OF title, keywords ON site BEGIN"
    " INSERT INTO site_fts(site_fts, rowid, title, keywords)"
    "  VALUES ('delete', old.id, old.title, old.keywords);"
    " INSERT INTO site_fts(rowid, title, keywords) VALUES (new.id, new.title, new.keywords);"
    "END;"
    "CREATE TRIGGER site_ad AFTER DELETE ON site BEGIN"
    " DELETE FROM site_rtree WHERE id = old.id;"
    " INSERT INTO site_fts(site_fts, rowid, title, keywords)"
    "  VALUES ('delete', old.id, old.title, old.keywords);"
    "END;"

    "CREATE TABLE document ("
    " id INTEGER PRIMARY KEY,"
    " site_id INTEGER NOT NULL REFERENCES site(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " mime TEXT NOT NULL,"
    " sha256 TEXT NOT NULL CONSTRAINT sha256 CHECK (length(sha256) = 64"
    "   AND sha256 NOT GLOB '*[^0-9a-f]*'),"
    " size INTEGER NOT NULL CONSTRAINT size CHECK (size >= 0),"
    " created INTEGER NOT NULL);"
    "CREATE INDEX document_site ON document(site_id);"

    "CREATE TABLE job ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,"
    " state TEXT NOT NULL CONSTRAINT state CHECK (state IN ('queued', 'running',"
    "   'done', 'failed')),"
    " request TEXT NOT NULL,"
    " result TEXT,"
    " message TEXT NOT NULL DEFAULT '',"
    " created INTEGER NOT NULL,"
    " finished INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX job_user ON job(user_id);"
    "CREATE INDEX job_open ON job(state) WHERE state IN ('queued', 'running');"

    /* "MaSB": marks the file as massebank's for file(1) and friends. */
    "PRAGMA application_id = 1298223938;";

/* Version 2: an index for "sites of one material, of these types, open in
 * these months, near here" - what every match request asks. The plain
 * R*Tree walks every site nearby (thousands in a city) and reads each row
 * to keep the few dozen that fit. site_mrtree has one entry per
 * site_material row with four dimensions: key = material number * 8 +
 * type number, the window in serial months, latitude, longitude; so the
 * same search touches only sites that fit. Triggers keep it in step with
 * site_material and with changed sites. Entry id = site_id * 64 + pos (a
 * site lists at most 64 materials; the catalog has 29), so the site id
 * needs no lookup. The key dimension is left unscaled on purpose: the
 * tree then groups entries by material first, which every query fixes;
 * window and status are scaled and clamped as in site_rtree. The update
 * trigger names its entries by id (IN): an R*Tree finds an id range only
 * by scanning every entry (30-40 ms with 100,000 sites). */
#define MIGRATION_2 \
    "CREATE TABLE material_code (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE" \
    " COLLATE NOCASE);" \
    "CREATE VIRTUAL TABLE site_mrtree USING rtree(id, min_k, max_k, min_t, max_t," \
    " min_lat, max_lat, min_lon, max_lon, min_st, max_st);" \
    "CREATE TRIGGER site_material_ai AFTER INSERT ON site_material BEGIN" \
    " INSERT OR IGNORE INTO material_code(code) VALUES (new.material);" \
    " INSERT INTO site_mrtree(id, min_k, max_k, min_t, max_t, min_lat, max_lat, min_lon," \
    "  max_lon, min_st, max_st)" \
    "  SELECT new.site_id * 64 + new.pos, c.id * 8 + " MB_TYPE_NO("s.type") "," \
    "  c.id * 8 + " MB_TYPE_NO("s.type") ", " MB_RT_T("s.from_m") ", " MB_RT_T("s.to_m") "," \
    "  s.lat, s.lat, s.lon, s.lon, " MB_RT_ST("s.status") ", " MB_RT_ST("s.status") \
    "  FROM site s, material_code c WHERE s.id = new.site_id AND c.code = new.material;" \
    "END;" \
    "CREATE TRIGGER site_material_ad AFTER DELETE ON site_material BEGIN" \
    " DELETE FROM site_mrtree WHERE id = old.site_id * 64 + old.pos;" \
    "END;" \
    "CREATE TRIGGER site_au_mrtree AFTER UPDATE OF lat, lon, from_m, to_m, status ON site" \
    " BEGIN" \
    " UPDATE site_mrtree SET min_t = " MB_RT_T("new.from_m") ", max_t = " MB_RT_T("new.to_m") \
    "  , min_lat = new.lat, max_lat = new.lat, min_lon = new.lon, max_lon = new.lon," \
    "  min_st = " MB_RT_ST("new.status") ", max_st = " MB_RT_ST("new.status") \
    "  WHERE id IN (SELECT site_id * 64 + pos FROM site_material WHERE site_id = new.id);" \
    "END;" \
    "INSERT OR IGNORE INTO material_code(code) SELECT DISTINCT material FROM site_material;" \
    "INSERT INTO site_mrtree(id, min_k, max_k, min_t, max_t, min_lat, max_lat, min_lon," \
    " max_lon, min_st, max_st)" \
    " SELECT m.site_id * 64 + m.pos, c.id * 8 + " MB_TYPE_NO("s.type") "," \
    " c.id * 8 + " MB_TYPE_NO("s.type") ", " MB_RT_T("s.from_m") ", " MB_RT_T("s.to_m") "," \
    " s.lat, s.lat, s.lon, s.lon, " MB_RT_ST("s.status") ", " MB_RT_ST("s.status") \
    " FROM site_material m JOIN site s ON s.id = m.site_id" \
    " JOIN material_code c ON c.code = m.material;"

/* Version 3: deals, deliveries (load tickets) and the audit log
 * (docs/deals.md). Notes:
 * - deal and delivery amounts are tonnes (> 0), with what the user entered
 *   kept beside them; states are the API's names, checked here.
 * - delivery.seq numbers the loads of a deal 1, 2, ... and is unique per
 *   deal, so a missing load shows as a gap; delivery.code is the ticket's
 *   random capability (unique).
 * - audit is append-only for the program: triggers refuse UPDATE and
 *   DELETE. Someone with the file can drop them; the hash chain
 *   (market/audit.c) is what finds such edits. Its user and org ids are
 *   plain numbers, not foreign keys: the log outlives what it names. */
#define MIGRATION_3 \
    "CREATE TABLE deal (" \
    " id INTEGER PRIMARY KEY," \
    " listing_id INTEGER NOT NULL REFERENCES site(id)," \
    " org_id INTEGER NOT NULL REFERENCES org(id)," \
    " user_id INTEGER NOT NULL REFERENCES user(id)," \
    " counterpart_site INTEGER REFERENCES site(id)," \
    " hauler_org INTEGER REFERENCES org(id)," \
    " amount_t REAL NOT NULL CONSTRAINT amount CHECK (amount_t > 0)," \
    " amount_value REAL NOT NULL," \
    " amount_unit TEXT NOT NULL CONSTRAINT \"amount.unit\" CHECK (amount_unit IN" \
    "   ('t', 'fm3', 'lm3'))," \
    " price REAL NOT NULL," \
    " from_m INTEGER NOT NULL," \
    " to_m INTEGER NOT NULL," \
    " use TEXT NOT NULL DEFAULT '' CONSTRAINT use CHECK (use IN ('', 'reuse'," \
    "   'soil_improvement'))," \
    " note TEXT NOT NULL DEFAULT ''," \
    " state TEXT NOT NULL CONSTRAINT state CHECK (state IN ('reserved', 'agreed'," \
    "   'completed', 'declined', 'cancelled'))," \
    " created INTEGER NOT NULL," \
    " updated INTEGER NOT NULL," \
    " version INTEGER NOT NULL," \
    " CONSTRAINT \"window\" CHECK (from_m <= to_m));" \
    "CREATE INDEX deal_listing ON deal(listing_id, state);" \
    "CREATE INDEX deal_org ON deal(org_id);" \
    "CREATE INDEX deal_hauler ON deal(hauler_org) WHERE hauler_org IS NOT NULL;" \
    "CREATE TABLE delivery (" \
    " id INTEGER PRIMARY KEY," \
    " deal_id INTEGER NOT NULL REFERENCES deal(id)," \
    " seq INTEGER NOT NULL CONSTRAINT seq CHECK (seq >= 1)," \
    " code TEXT NOT NULL UNIQUE CONSTRAINT code CHECK (length(code) >= 16)," \
    " truck TEXT NOT NULL CONSTRAINT truck CHECK (truck <> '')," \
    " euro_class TEXT NOT NULL," \
    " amount_t REAL NOT NULL CONSTRAINT amount CHECK (amount_t > 0)," \
    " amount_value REAL NOT NULL," \
    " amount_unit TEXT NOT NULL," \
    " at INTEGER NOT NULL," \
    " from_site INTEGER REFERENCES site(id)," \
    " to_site INTEGER REFERENCES site(id)," \
    " state TEXT NOT NULL CONSTRAINT state CHECK (state IN ('registered', 'confirmed'," \
    "   'disputed'))," \
    " reason TEXT NOT NULL DEFAULT ''," \
    " replaces INTEGER REFERENCES delivery(id)," \
    " user_id INTEGER NOT NULL REFERENCES user(id)," \
    " org_id INTEGER NOT NULL REFERENCES org(id)," \
    " decided_by INTEGER REFERENCES user(id)," \
    " decided_at INTEGER NOT NULL DEFAULT 0," \
    " created INTEGER NOT NULL," \
    " version INTEGER NOT NULL," \
    " UNIQUE (deal_id, seq));" \
    "CREATE INDEX delivery_to ON delivery(to_site);" \
    "CREATE TABLE audit (" \
    " seq INTEGER PRIMARY KEY," \
    " at INTEGER NOT NULL," \
    " user_id INTEGER NOT NULL," \
    " org_id INTEGER NOT NULL," \
    " entity TEXT NOT NULL," \
    " entity_id INTEGER NOT NULL," \
    " action TEXT NOT NULL," \
    " detail TEXT NOT NULL," \
    " prev_hash TEXT NOT NULL," \
    " hash TEXT NOT NULL);" \
    "CREATE INDEX audit_entity ON audit(entity, entity_id);" \
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN" \
    " SELECT RAISE(ABORT, 'the audit log is append-only');" \
    "END;" \
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN" \
    " SELECT RAISE(ABORT, 'the audit log is append-only');" \
    "END;"

/* Version 4: the change log of sites, which keeps the in-memory read
 * model of each process exact (store_model.c, docs/store.md). Every
 * committed change of a site row, or of its material rows, leaves a row
 * (seq, site_id) in the same transaction; seq only grows (AUTOINCREMENT
 * never reuses a committed number), so a reader that has applied every
 * row up to seq N and sees head M in its snapshot re-reads exactly the
 * sites of (N, M]. The material triggers are a second line: the store
 * writes site_material only together with its site row, but a hand edit
 * of the materials alone is logged too. The log keeps a bounded tail:
 * every 1024th row deletes the rows more than 65536 behind it and raises
 * site_change_floor.seq, the highest number deleted; a model older than
 * the floor cannot know what changed and loads everything again. */
#define MB_CHANGE_KEEP "65536"
#define MIGRATION_4 \
    "CREATE TABLE site_change (seq INTEGER PRIMARY KEY AUTOINCREMENT," \
    " site_id INTEGER NOT NULL);" \
    "CREATE TABLE site_change_floor (id INTEGER PRIMARY KEY CONSTRAINT id CHECK (id = 1)," \
    " seq INTEGER NOT NULL);" \
    "INSERT INTO site_change_floor(id, seq) VALUES (1, 0);" \
    "CREATE TRIGGER site_change_ai AFTER INSERT ON site BEGIN" \
    " INSERT INTO site_change(site_id) VALUES (new.id);" \
    "END;" \
    "CREATE TRIGGER site_change_au AFTER UPDATE ON site BEGIN" \
    " INSERT INTO site_change(site_id) SELECT old.id WHERE old.id <> new.id;" \
    " INSERT INTO site_change(site_id) VALUES (new.id);" \
    "END;" \
    "CREATE TRIGGER site_change_ad AFTER DELETE ON site BEGIN" \
    " INSERT INTO site_change(site_id) VALUES (old.id);" \
    "END;" \
    "CREATE TRIGGER site_material_change_ai AFTER INSERT ON site_material BEGIN" \
    " INSERT INTO site_change(site_id) VALUES (new.site_id);" \
    "END;" \
    "CREATE TRIGGER site_material_change_au AFTER UPDATE ON site_material BEGIN" \
    " INSERT INTO site_change(site_id) SELECT old.site_id WHERE old.site_id <> new.site_id;" \
    " INSERT INTO site_change(site_id) VALUES (new.site_id);" \
    "END;" \
    "CREATE TRIGGER site_material_change_ad AFTER DELETE ON site_material BEGIN" \
    " INSERT INTO site_change(site_id) VALUES (old.site_id);" \
    "END;" \
    "CREATE TRIGGER site_change_prune AFTER INSERT ON site_change" \
    " WHEN new.seq % 1024 = 0 AND new.seq > " MB_CHANGE_KEEP " BEGIN" \
    " DELETE FROM site_change WHERE seq <= new.seq - " MB_CHANGE_KEEP ";" \
    " UPDATE site_change_floor SET seq = max(seq, new.seq - " MB_CHANGE_KEEP ");" \
    "END;"

/* Version 5: each audit entry names the state it wrote (state: the hex
 * SHA-256 of the entity's row after the change, mb_store_audit_row_hash;
 * '' for entries written before, and for plans, whose job rows the
 * worker changes) and carries the Ed25519 signature of its hash by the
 * database's audit key (sig, hex; '' where no key was at hand).
 * site_staged holds the sites of a large import while it is written in
 * batches (market/listing.c, mb_listing_insert_many): each as a draft,
 * with the status it is to get; the rows go when the import is done, and
 * rows left by a crash name what to roll back. */
#define MIGRATION_5 \
    "ALTER TABLE audit ADD COLUMN state TEXT NOT NULL DEFAULT '';" \
    "ALTER TABLE audit ADD COLUMN sig TEXT NOT NULL DEFAULT '';" \
    "CREATE TABLE site_staged (" \
    " site_id INTEGER PRIMARY KEY REFERENCES site(id) ON DELETE CASCADE," \
    " batch TEXT NOT NULL CONSTRAINT batch CHECK (batch <> '')," \
    " status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('draft', 'published'))," \
    " total INTEGER NOT NULL CONSTRAINT total CHECK (total >= 1));" \
    "CREATE INDEX site_staged_batch ON site_staged(batch);"

/* Version 6: official addresses (Kartverket's "Matrikkelen - Adresse",
 * imported by `massebank import addresses`, store_address.c) with a
 * full-text index for the address search of the listing form and the map:
 * the address text, its postal place and its municipality number are
 * three columns of one FTS5 table (external content: the address rows
 * themselves; store_address.c keeps both in step), so a search within a municipality is
 * one index query ("kommune : 5001 AND storg*"). Letters fold as in
 * site_fts (remove_diacritics 2: "Hakon" finds "Håkon"; æ and ø stay
 * letters of their own); prefixes of 2, 3 and 4 characters are indexed
 * so that typing the first letters needs no scan of the term list
 * (bench/geo-bench: a 4-letter prefix over 2.6 million addresses took
 * 17 ms without its index). The
 * municipality of sites written before this version is filled in from
 * their positions by mb_listing_place_municipalities (market/listing.c),
 * with an audit entry each, not here: a change to a site row without its
 * entry would read as tampering. */
#define MIGRATION_6 \
    "CREATE TABLE address (" \
    " id INTEGER PRIMARY KEY," \
    " kommune TEXT NOT NULL CONSTRAINT kommune CHECK (length(kommune) = 4" \
    "   AND kommune NOT GLOB '*[^0-9]*')," \
    " text TEXT NOT NULL CONSTRAINT text CHECK (text <> '')," \
    " postnr TEXT NOT NULL DEFAULT ''," \
    " poststed TEXT NOT NULL DEFAULT ''," \
    " gnr INTEGER NOT NULL DEFAULT 0 CONSTRAINT gnr CHECK (gnr >= 0)," \
    " bnr INTEGER NOT NULL DEFAULT 0 CONSTRAINT bnr CHECK (bnr >= 0)," \
    " fnr INTEGER NOT NULL DEFAULT 0 CONSTRAINT fnr CHECK (fnr >= 0)," \
    " lat REAL NOT NULL CONSTRAINT lat CHECK (lat BETWEEN -90 AND 90)," \
    " lon REAL NOT NULL CONSTRAINT lon CHECK (lon BETWEEN -180 AND 180));" \
    "CREATE INDEX address_kommune ON address(kommune);" \
    "CREATE VIRTUAL TABLE address_fts USING fts5(text, poststed, kommune," \
    " content='address', content_rowid='id', tokenize='unicode61 remove_diacritics 2'," \
    " prefix='2 3 4', detail=column);"

/* Version 7: the contact an organisation publishes to its counterparts
 * (a person, a phone number, an e-mail address), set by its own members
 * and shown to the parties of its deals and to signed-in users on its
 * listings. A table of its own, audited as entity "org_contact", so that
 * the row hash of the organisations written before stays as it was. */
#define MIGRATION_7 \
    "CREATE TABLE org_contact (" \
    " org_id INTEGER PRIMARY KEY REFERENCES org(id)," \
    " name TEXT NOT NULL DEFAULT ''," \
    " phone TEXT NOT NULL DEFAULT ''," \
    " email TEXT NOT NULL DEFAULT '' CONSTRAINT email CHECK (email = lower(email))," \
    " updated INTEGER NOT NULL);"

/* Version 8: conversations (market/messages.c). A thread is about a
 * listing (between its organisation and one asking organisation:
 * asker_org) or about a deal (its parties; asker_org 0). Messages are
 * never changed or deleted; thread_read keeps, per user, the last message
 * read, from which the unread counts follow. */
#define MIGRATION_8 \
    "CREATE TABLE thread (" \
    " id INTEGER PRIMARY KEY," \
    " kind TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('listing', 'deal'))," \
    " subject_id INTEGER NOT NULL," \
    " asker_org INTEGER NOT NULL DEFAULT 0," \
    " created INTEGER NOT NULL," \
    " last_at INTEGER NOT NULL," \
    " CONSTRAINT asker CHECK ((kind = 'listing') = (asker_org > 0)));" \
    "CREATE UNIQUE INDEX thread_subject ON thread(kind, subject_id, asker_org);" \
    "CREATE INDEX thread_asker ON thread(asker_org) WHERE asker_org > 0;" \
    "CREATE TABLE message (" \
    " id INTEGER PRIMARY KEY," \
    " thread_id INTEGER NOT NULL REFERENCES thread(id)," \
    " user_id INTEGER NOT NULL REFERENCES user(id)," \
    " org_id INTEGER NOT NULL REFERENCES org(id)," \
    " body TEXT NOT NULL CONSTRAINT body CHECK (length(body) BETWEEN 1 AND 4000)," \
    " created INTEGER NOT NULL);" \
    "CREATE INDEX message_thread ON message(thread_id, id);" \
    "CREATE TABLE thread_read (" \
    " thread_id INTEGER NOT NULL REFERENCES thread(id)," \
    " user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE," \
    " last_message INTEGER NOT NULL," \
    " PRIMARY KEY (thread_id, user_id)) WITHOUT ROWID;"

/* Version 9: what a document is (a photo, a lab report, a permit, other),
 * so the listing page shows photos as pictures and a lab report next to
 * the lab values it gave. Documents written before are "other". */
#define MIGRATION_9 \
    "ALTER TABLE document ADD COLUMN kind TEXT NOT NULL DEFAULT 'other' CONSTRAINT kind" \
    " CHECK (kind IN ('photo', 'lab_report', 'permit', 'other'));"

/* Version 10: alerts (market/alerts.c). A user's saved searches (what
 * they look for, where, when; how they want to hear of it), the
 * notifications that listings fitting a saved search or one of the
 * organisation's listings raised (one per user, listing and reason; a
 * later change of the listing raises it again), each user's mail
 * preferences with the unsubscribe token, the durable outbox of mails
 * to send (a mail is written in the transaction that raised it and
 * marked sent after the relay took it), and the cursor into site_change
 * up to which the changes of sites have been looked at. The cursor
 * starts at the head, so an existing database raises nothing for what
 * happened before. */
#define MIGRATION_10 \
    "CREATE TABLE saved_search (" \
    " id INTEGER PRIMARY KEY," \
    " user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE," \
    " org_id INTEGER NOT NULL REFERENCES org(id)," \
    " name TEXT NOT NULL CONSTRAINT name CHECK (length(name) BETWEEN 1 AND 120)," \
    " types INTEGER NOT NULL CONSTRAINT types CHECK (types > 0)," \
    " material TEXT NOT NULL DEFAULT ''," \
    " class INTEGER NOT NULL DEFAULT 0 CONSTRAINT class CHECK (class BETWEEN 0 AND 5)," \
    " lat REAL, lon REAL," \
    " radius_km REAL NOT NULL DEFAULT 0 CONSTRAINT radius_km CHECK (radius_km >= 0)," \
    " from_m INTEGER NOT NULL, to_m INTEGER NOT NULL," \
    " email TEXT NOT NULL CONSTRAINT email CHECK (email IN ('none', 'instant', 'daily'))," \
    " doc TEXT NOT NULL," \
    " created INTEGER NOT NULL);" \
    "CREATE INDEX saved_search_user ON saved_search(user_id);" \
    "CREATE TABLE notification (" \
    " id INTEGER PRIMARY KEY," \
    " user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE," \
    " site_id INTEGER NOT NULL," \
    " search_id INTEGER NOT NULL DEFAULT 0," \
    " for_site INTEGER NOT NULL DEFAULT 0," \
    " site_version INTEGER NOT NULL, first_version INTEGER NOT NULL," \
    " created INTEGER NOT NULL, updated INTEGER NOT NULL," \
    " read INTEGER NOT NULL DEFAULT 0," \
    " mail TEXT NOT NULL CONSTRAINT mail CHECK (mail IN ('none', 'daily', 'done'))," \
    " CONSTRAINT reason CHECK ((search_id > 0) <> (for_site > 0)));" \
    "CREATE UNIQUE INDEX notification_key ON notification(user_id, site_id, search_id, for_site);" \
    "CREATE INDEX notification_user ON notification(user_id, updated);" \
    "CREATE INDEX notification_daily ON notification(user_id) WHERE mail = 'daily';" \
    "CREATE TABLE alert_pref (" \
    " user_id INTEGER PRIMARY KEY REFERENCES user(id) ON DELETE CASCADE," \
    " match_email TEXT NOT NULL DEFAULT 'daily' CONSTRAINT match_email" \
    "   CHECK (match_email IN ('none', 'instant', 'daily'))," \
    " token TEXT NOT NULL UNIQUE," \
    " last_digest INTEGER NOT NULL DEFAULT 0);" \
    "CREATE TABLE outbox (" \
    " id INTEGER PRIMARY KEY," \
    " user_id INTEGER NOT NULL," \
    " to_addr TEXT NOT NULL CONSTRAINT to_addr CHECK (to_addr LIKE '%_@_%')," \
    " subject TEXT NOT NULL," \
    " body TEXT NOT NULL," \
    " unsubscribe TEXT NOT NULL DEFAULT ''," \
    " created INTEGER NOT NULL," \
    " state TEXT NOT NULL DEFAULT 'pending' CONSTRAINT state" \
    "   CHECK (state IN ('pending', 'sending', 'sent', 'failed'))," \
    " attempts INTEGER NOT NULL DEFAULT 0," \
    " next_try INTEGER NOT NULL DEFAULT 0," \
    " sent INTEGER NOT NULL DEFAULT 0," \
    " error TEXT NOT NULL DEFAULT '');" \
    "CREATE INDEX outbox_due ON outbox(next_try) WHERE state IN ('pending', 'sending');" \
    "CREATE TABLE alert_cursor (id INTEGER PRIMARY KEY CONSTRAINT id CHECK (id = 1)," \
    " seq INTEGER NOT NULL);" \
    "INSERT INTO alert_cursor(id, seq) SELECT 1, coalesce(max(seq), 0) FROM site_change;"

/* Version 11: joining (market/joining.c). An organisation that signed
 * itself up waits for an administrator (org_status: pending, then
 * verified or rejected); one without a row was made by an administrator
 * and counts as verified. account_token holds the hashes of the
 * single-use links mailed for an invitation (to an e-mail address, into
 * an organisation, with a role) and for a password reset (of a user). */
#define MIGRATION_11 \
    "CREATE TABLE org_status (" \
    " org_id INTEGER PRIMARY KEY REFERENCES org(id)," \
    " state TEXT NOT NULL CONSTRAINT state CHECK (state IN ('pending', 'verified', 'rejected'))," \
    " applied INTEGER NOT NULL," \
    " decided INTEGER NOT NULL DEFAULT 0," \
    " decided_by INTEGER NOT NULL DEFAULT 0," \
    " note TEXT NOT NULL DEFAULT '');" \
    "CREATE TABLE account_token (" \
    " hash TEXT PRIMARY KEY," \
    " kind TEXT NOT NULL CONSTRAINT kind CHECK (kind IN ('invite', 'reset'))," \
    " user_id INTEGER NOT NULL DEFAULT 0," \
    " org_id INTEGER NOT NULL DEFAULT 0," \
    " email TEXT NOT NULL," \
    " role TEXT NOT NULL DEFAULT ''," \
    " by_user INTEGER NOT NULL DEFAULT 0," \
    " created INTEGER NOT NULL," \
    " expires INTEGER NOT NULL," \
    " used INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;" \
    "CREATE INDEX account_token_user ON account_token(kind, user_id, created);"

/* Version 12: suggestions (market/suggest.c). A finished regional plan
 * suggests each flow it plans from one organisation's surplus listing to
 * another's need listing to both: the tonnes, months, km, the flow's CO2
 * and the estimated saving against today's practice. Either party turns
 * it into a reservation (accepted, deal_id) or dismisses it for its own
 * side; a later plan's suggestion for the same pair supersedes an open
 * one. */
#define MIGRATION_12 \
    "CREATE TABLE suggestion (" \
    " id INTEGER PRIMARY KEY," \
    " job_id INTEGER NOT NULL REFERENCES job(id) ON DELETE CASCADE," \
    " supply_id INTEGER NOT NULL REFERENCES site(id) ON DELETE CASCADE," \
    " need_id INTEGER NOT NULL REFERENCES site(id) ON DELETE CASCADE," \
    " material TEXT NOT NULL," \
    " tonnes REAL NOT NULL CONSTRAINT tonnes CHECK (tonnes > 0)," \
    " from_m INTEGER NOT NULL, to_m INTEGER NOT NULL CONSTRAINT to_m CHECK (to_m >= from_m)," \
    " km REAL NOT NULL, co2_kg REAL NOT NULL, baseline_co2_kg REAL NOT NULL," \
    " state TEXT NOT NULL DEFAULT 'open' CONSTRAINT state CHECK (state IN ('open'," \
    "  'accepted', 'superseded'))," \
    " supply_dismissed INTEGER NOT NULL DEFAULT 0," \
    " need_dismissed INTEGER NOT NULL DEFAULT 0," \
    " deal_id INTEGER REFERENCES deal(id)," \
    " decided_by INTEGER NOT NULL DEFAULT 0," \
    " created INTEGER NOT NULL, updated INTEGER NOT NULL," \
    " UNIQUE (job_id, supply_id, need_id));" \
    "CREATE INDEX suggestion_supply ON suggestion(supply_id, state);" \
    "CREATE INDEX suggestion_need ON suggestion(need_id, state);"

/* Version 13: the words of a plan job's message (its progress line or why
 * it failed) for a reader in another language: {"key", "params"} as
 * core/words_json.h writes them; no row when the message has none. */
#define MIGRATION_13 \
    "CREATE TABLE job_words (" \
    " job_id INTEGER PRIMARY KEY REFERENCES job(id) ON DELETE CASCADE," \
    " words TEXT NOT NULL);"

/* Version 14: road distances between sites (docs/roads.md), one row per
 * directed pair (one-way streets, ferries): what the road database of
 * `db_version` gave for the two positions the sites had then. A row is
 * valid only while both hold: a rebuilt database or a moved site makes it
 * stale, and it is computed again. `status` says whether there is a road
 * distance; km, minutes and ferry_km are set only for 'road'. */
#define MIGRATION_14 \
    "CREATE TABLE road_distance (" \
    " from_site INTEGER NOT NULL REFERENCES site(id) ON DELETE CASCADE," \
    " to_site INTEGER NOT NULL REFERENCES site(id) ON DELETE CASCADE," \
    " db_version TEXT NOT NULL," \
    " from_lat REAL NOT NULL, from_lon REAL NOT NULL," \
    " to_lat REAL NOT NULL, to_lon REAL NOT NULL," \
    " status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('road', 'no_road_near'," \
    "  'no_route'))," \
    " km REAL, minutes REAL, ferry_km REAL NOT NULL DEFAULT 0," \
    " computed INTEGER NOT NULL," \
    " CONSTRAINT road CHECK (status <> 'road' OR (km >= 0 AND minutes >= 0))," \
    " PRIMARY KEY (from_site, to_site)) WITHOUT ROWID;" \
    "CREATE INDEX road_distance_to ON road_distance(to_site);"

/* Schema 15: the durable queue of sites whose road distances are to be
 * brought up to date (docs/roads.md). Triggers put a site in it whenever
 * it is written in a way that changes its pairs (new, moved, another
 * status, type, window or material), in the writing transaction itself,
 * so no write path can forget it; a new number (seq) each time, so a
 * worker that finished an older one does not take a newer one off. The
 * newest write comes first (the lowest seq): the user who just wrote a
 * listing waits for its distances, a backlog of old ones does not. A
 * moved site's cached pairs are deleted with the move. Sites that exist
 * when the schema arrives are queued. */
#define ROAD_ENQUEUE(id) \
    " DELETE FROM road_queue WHERE site_id = " id ";" \
    " INSERT INTO road_queue(site_id, seq) VALUES (" id "," \
    "  (SELECT coalesce(min(seq), 0) - 1 FROM road_queue));"
#define MIGRATION_15 \
    "CREATE TABLE road_queue (site_id INTEGER PRIMARY KEY REFERENCES site(id) ON DELETE CASCADE," \
    " seq INTEGER NOT NULL);" \
    "CREATE INDEX road_queue_seq ON road_queue(seq);" \
    "CREATE TRIGGER road_queue_ai AFTER INSERT ON site BEGIN" ROAD_ENQUEUE("new.id") "END;" \
    "CREATE TRIGGER road_queue_au AFTER UPDATE OF lat, lon, type, status, from_m, to_m ON site" \
    " WHEN old.lat IS NOT new.lat OR old.lon IS NOT new.lon OR old.type IS NOT new.type" \
    "  OR old.status IS NOT new.status OR old.from_m IS NOT new.from_m" \
    "  OR old.to_m IS NOT new.to_m BEGIN" ROAD_ENQUEUE("new.id") "END;" \
    "CREATE TRIGGER road_queue_moved AFTER UPDATE OF lat, lon ON site" \
    " WHEN old.lat IS NOT new.lat OR old.lon IS NOT new.lon BEGIN" \
    " DELETE FROM road_distance WHERE from_site = new.id OR to_site = new.id;" \
    "END;" \
    "CREATE TRIGGER road_queue_material AFTER INSERT ON site_material BEGIN" \
    ROAD_ENQUEUE("new.site_id") "END;" \
    "INSERT INTO road_queue(site_id, seq) SELECT id, id FROM site;"

/* Schema 16: how many ferries a road distance takes (each a ticket and a
 * wait at the quay, factors ferry.*). Rows cached before it with a ferry
 * part do not know their count: they are deleted and both sites queued,
 * so they are computed again. */
#define MIGRATION_16 \
    "ALTER TABLE road_distance ADD COLUMN ferry_crossings INTEGER NOT NULL DEFAULT 0" \
    " CONSTRAINT ferry_crossings CHECK (ferry_crossings >= 0);" \
    "INSERT INTO road_queue(site_id, seq) SELECT id, -id FROM site WHERE id IN" \
    " (SELECT from_site FROM road_distance WHERE ferry_km > 0 UNION" \
    "  SELECT to_site FROM road_distance WHERE ferry_km > 0)" \
    " AND id NOT IN (SELECT site_id FROM road_queue);" \
    "DELETE FROM road_distance WHERE ferry_km > 0;"

static const char *const MIGRATIONS[] = {MIGRATION_1, MIGRATION_2, MIGRATION_3, MIGRATION_4,
                                         MIGRATION_5, MIGRATION_6, MIGRATION_7, MIGRATION_8,
                                         MIGRATION_9, MIGRATION_10, MIGRATION_11,
                                         MIGRATION_12, MIGRATION_13, MIGRATION_14,
                                         MIGRATION_15, MIGRATION_16};

_Static_assert(sizeof MIGRATIONS / sizeof MIGRATIONS[0] == MB_STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* ---- statements -------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

#define FNV_START 0xcbf29ce484222325ULL

static _Thread_local int bind_failed; /* first failed bind of this statement */

int mb_st_prepare(struct mb_store *st, const char *sql, sqlite3_stmt **out,
                  struct mb_error *err)
{
    bind_failed = 0; /* a new statement: its binds start clean */
    uint64_t h = fnv1a(FNV_START, sql, strlen(sql));
    struct mb_st_slot *victim = &st->cache[0];
    for (size_t i = 0; i < MB_ST_CACHE_SIZE; i++) {
        struct mb_st_slot *s = &st->cache[i];
        if (s->sql && s->hash == h && strcmp(s->sql, sql) == 0) {
            s->used = ++st->tick;
            sqlite3_reset(s->stmt);
            sqlite3_clear_bindings(s->stmt);
            *out = s->stmt;
            return 0;
        }
        if (victim->sql && (!s->sql || s->used < victim->used))
            victim = s;
    }
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK)
        return mb_error_set(err, MB_EINTERNAL, "", "database: %s", sqlite3_errmsg(st->db));
    if (victim->sql) {
        sqlite3_finalize(victim->stmt);
        free(victim->sql);
    }
    victim->hash = h;
    victim->sql = mb_xstrdup(sql);
    victim->stmt = stmt;
    victim->used = ++st->tick;
    *out = stmt;
    return 0;
}

void mb_st_finish(sqlite3_stmt *stmt)
{
    if (stmt) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
}

/* The text after the last '.' (or ": ") of a constraint message, e.g.
 * "UNIQUE constraint failed: user.email" -> "email". */
static void constraint_field(const char *msg, char *buf, size_t size)
{
    const char *p = strstr(msg, ": ");
    p = p ? p + 2 : msg;
    const char *dot = strchr(p, '.');
    if (dot)
        p = dot + 1;
    size_t n = strcspn(p, ", ");
    if (n >= size)
        n = size - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

int mb_st_error(struct mb_store *st, int rc, const char *fk_field, struct mb_error *err)
{
    const char *msg = sqlite3_errmsg(st->db);
    char field[64];
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        constraint_field(msg, field, sizeof field);
        return mb_error_set(err, MB_ECONFLICT, field, "is already taken");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return mb_error_set(err, MB_EINVAL, fk_field ? fk_field : "",
                            "refers to a row that does not exist");
    case SQLITE_CONSTRAINT_CHECK:
        constraint_field(msg, field, sizeof field);
        return mb_error_set(err, MB_EINVAL, field, "has a value the store refuses");
    case SQLITE_CONSTRAINT_NOTNULL:
        constraint_field(msg, field, sizeof field);
        return mb_error_set(err, MB_EINVAL, field, "must be given (not missing or NaN)");
    default:
        if ((rc & 0xff) == SQLITE_CONSTRAINT)
            return mb_error_set(err, MB_EINVAL, "", "database: %s", msg);
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
            return mb_error_set(err, MB_EBUSY, "", "the database is busy (locked by "
                                "another writer); try again: %s", msg);
        return mb_error_set(err, MB_EINTERNAL, "", "database: %s", msg);
    }
}

int mb_st_bound(int rc)
{
    if (rc != SQLITE_OK && !bind_failed)
        bind_failed = rc;
    return rc;
}

int mb_st_step(sqlite3_stmt *stmt)
{
    if (bind_failed) {
        bind_failed = 0;
        return SQLITE_MISUSE;
    }
    return sqlite3_step(stmt);
}

int mb_st_exec(struct mb_store *st, sqlite3_stmt *stmt, const char *fk_field,
               struct mb_error *err)
{
    if (bind_failed) {
        int b = bind_failed;
        bind_failed = 0;
        mb_st_finish(stmt);
        return mb_error_set(err, MB_EINTERNAL, "", "database: a statement parameter could "
                            "not be bound (%s)", sqlite3_errstr(b));
    }
    int rc = mb_st_step(stmt);
    int ret = 0;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        ret = mb_st_error(st, rc, fk_field, err);
    mb_st_finish(stmt);
    return ret;
}

int mb_st_run(struct mb_store *st, const char *sql, struct mb_error *err)
{
    sqlite3_stmt *stmt;
    int rc = mb_st_prepare(st, sql, &stmt, err);
    return rc ? rc : mb_st_exec(st, stmt, NULL, err);
}

int mb_st_bind_text(sqlite3_stmt *stmt, int idx, const char *s)
{
    if (!s)
        return mb_st_bound(sqlite3_bind_null(stmt, idx));
    return mb_st_bound(sqlite3_bind_text(stmt, idx, s, -1, SQLITE_STATIC));
}

void mb_st_col_copy(sqlite3_stmt *stmt, int col, char *buf, size_t size)
{
    const char *s = (const char *)sqlite3_column_text(stmt, col);
    mb_text_copy(buf, size, s ? s : "");
}

char *mb_st_col_dup(sqlite3_stmt *stmt, int col)
{
    const char *s = (const char *)sqlite3_column_text(stmt, col);
    return s ? mb_xstrndup(s, (size_t)sqlite3_column_bytes(stmt, col)) : NULL;
}

/* ---- transactions ---------------------------------------------------------- */

int mb_st_tx_begin(struct mb_store *st, struct mb_error *err)
{
    if (st->depth > 0 && sqlite3_get_autocommit(st->db))
        return mb_error_set(err, MB_EINTERNAL, "", "the transaction was rolled back after an "
                            "earlier error; roll it back and start again");
    int rc = mb_st_run(st, st->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT mb", err);
    if (rc == 0)
        st->depth++;
    return rc;
}

static void tx_rollback_level(struct mb_store *st)
{
    if (st->depth <= 0)
        return;
    if (sqlite3_get_autocommit(st->db)) {
        /* SQLite already rolled everything back (I/O error, disk full). */
        st->depth = 0;
        return;
    }
    if (st->depth == 1) {
        mb_st_run(st, "ROLLBACK", NULL);
    } else {
        mb_st_run(st, "ROLLBACK TO mb", NULL);
        mb_st_run(st, "RELEASE mb", NULL);
    }
    st->depth--;
}

int mb_st_tx_end(struct mb_store *st, int rc, struct mb_error *err)
{
    if (rc == 0) {
        if (st->depth > 0 && sqlite3_get_autocommit(st->db)) {
            st->depth = 0;
            return mb_error_set(err, MB_EINTERNAL, "", "the transaction was rolled back after an "
                                "earlier error");
        }
        rc = mb_st_run(st, st->depth == 1 ? "COMMIT" : "RELEASE mb", err);
        if (rc == 0) {
            st->depth--;
            return 0;
        }
    }
    tx_rollback_level(st);
    return rc;
}

int mb_st_read_begin(struct mb_store *st, bool *opened, struct mb_error *err)
{
    *opened = false;
    if (st->depth > 0)
        return 0;
    int rc = mb_st_run(st, "BEGIN", err);
    *opened = rc == 0;
    return rc;
}

void mb_st_read_end(struct mb_store *st, bool opened)
{
    if (opened && mb_st_run(st, "COMMIT", NULL) != 0)
        mb_st_run(st, "ROLLBACK", NULL);
}

int mb_store_begin(struct mb_store *st, struct mb_error *err)
{
    return mb_st_tx_begin(st, err);
}

int mb_store_commit(struct mb_store *st, struct mb_error *err)
{
    if (st->depth == 0)
        return mb_error_set(err, MB_EINVAL, "", "no transaction is open");
    return mb_st_tx_end(st, 0, err);
}

void mb_store_rollback(struct mb_store *st)
{
    tx_rollback_level(st);
}

int mb_store_end(struct mb_store *st, int rc, struct mb_error *err)
{
    if (rc) {
        mb_store_rollback(st);
        return rc;
    }
    return mb_store_commit(st, err);
}

int mb_st_collect(struct mb_store *st, sqlite3_stmt *stmt, size_t size, mb_st_row_fn read,
                  void **items, size_t *n, struct mb_error *err)
{
    unsigned char *arr = NULL;
    size_t len = 0, cap = 0;
    int rc;
    while ((rc = mb_st_step(stmt)) == SQLITE_ROW) {
        arr = mb_xgrow(arr, &cap, len + 1, size);
        memset(arr + len * size, 0, size);
        if ((rc = read(stmt, arr + len * size, err)) != 0)
            break;
        len++;
    }
    if (rc == SQLITE_DONE)
        rc = 0;
    else if (rc > 0)
        rc = mb_st_error(st, rc, NULL, err);
    mb_st_finish(stmt);
    if (rc) {
        free(arr);
        arr = NULL;
        len = 0;
    }
    *items = arr;
    *n = len;
    return rc;
}

/* ---- open, migrate, close --------------------------------------------------- */

/* Waiting for the write lock: up to BUSY_WAIT_S seconds, as
 * sqlite3_busy_timeout(5000) did, but trying again every 20 us at first
 * and at most every millisecond. SQLite's own handler sleeps 1, 2, 5,
 * 10... ms between tries; a write takes about 0.3 ms, so under a mixed
 * load a waiting writer mostly slept past the moment the lock came free,
 * and with it every other connection of its server thread (the mixed
 * load's p99: 40-120 ms with SQLite's handler, 19-27 ms with this one).
 * A busy wait is one call in one thread, so its start is kept per thread
 * (n is 0 at the first try of each wait). */
#define BUSY_WAIT_S 5.0

static int busy_wait(void *arg, int n)
{
    (void)arg;
    static _Thread_local double start;
    double now = mb_clock_seconds();
    if (n == 0)
        start = now;
    if (now - start >= BUSY_WAIT_S)
        return 0;
    long us = n < 20 ? 20 : n < 200 ? 100 : 1000;
    struct timespec ts = { 0, us * 1000 };
    nanosleep(&ts, NULL);
    return 1;
}

void mb_store_let_writers_in(struct mb_store *st)
{
    /* Longer than busy_wait's slowest poll (1 ms): a writer that has been
     * waiting sees the lock free and takes it. In-memory databases have
     * no other writers. */
    const char *f = sqlite3_db_filename(st->db, "main");
    if (!f || !f[0] || st->depth > 0)
        return;
    struct timespec ts = { 0, 2 * 1000 * 1000 };
    nanosleep(&ts, NULL);
}

/* dist_km(lat1, lon1, lat2, lon2): great-circle km, for radius searches. */
static void sql_dist_km(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    for (int i = 0; i < 4; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            sqlite3_result_null(ctx);
            return;
        }
    struct mb_point a = {sqlite3_value_double(argv[0]), sqlite3_value_double(argv[1])};
    struct mb_point b = {sqlite3_value_double(argv[2]), sqlite3_value_double(argv[3])};
    sqlite3_result_double(ctx, mb_geo_distance_km(a, b));
}

static int pragma_int(struct mb_store *st, const char *sql, int *out, struct mb_error *err)
{
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = mb_st_step(stmt);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(stmt, 0);
            rc = SQLITE_OK;
        }
    }
    int ret = rc == SQLITE_OK ? 0 : mb_st_error(st, rc, NULL, err);
    sqlite3_finalize(stmt);
    return ret;
}

static int exec_script(struct mb_store *st, const char *sql, struct mb_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = (sqlite3_errcode(st->db) & 0xff) == SQLITE_BUSY ? MB_EBUSY : MB_EINTERNAL;
        mb_error_set(err, code, "", "database: %s", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return code;
    }
    return 0;
}

static int migrate(struct mb_store *st, struct mb_error *err)
{
    for (;;) {
        int version = 0;
        int rc = pragma_int(st, "PRAGMA user_version", &version, err);
        if (rc)
            return rc;
        if (version > MB_STORE_SCHEMA_VERSION)
            return mb_error_set(err, MB_EINVAL, "", "the database has schema version %d; this "
                                "build knows up to %d (use a newer massebank)", version,
                                MB_STORE_SCHEMA_VERSION);
        if (version == MB_STORE_SCHEMA_VERSION)
            return 0;
        if ((rc = exec_script(st, "BEGIN IMMEDIATE", err)))
            return rc;
        /* Another connection may have migrated while we waited. */
        rc = pragma_int(st, "PRAGMA user_version", &version, err);
        if (!rc && version >= 0 && version < MB_STORE_SCHEMA_VERSION) {
            char set[64];
            snprintf(set, sizeof set, "PRAGMA user_version = %d", version + 1);
            rc = exec_script(st, MIGRATIONS[version], err);
            if (!rc)
                rc = exec_script(st, set, err);
        }
        if (!rc)
            rc = exec_script(st, "COMMIT", err);
        if (rc) {
            if (!sqlite3_get_autocommit(st->db))
                sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
}

/* Process-wide SQLite settings, before its first use: no memory
 * statistics (they take a global mutex on every allocation, which showed
 * as 6 % of a loaded server's time). */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int mb_store_open(struct mb_store **out, const char *path, struct mb_error *err)
{
    *out = NULL;
    pthread_once(&config_once, configure_sqlite);
    struct mb_store *st = mb_xcalloc(1, sizeof *st);
    /* NOMUTEX: one connection belongs to one thread at a time (store.h). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        mb_error_set(err, MB_EIO, "path", "cannot open the database: %s",
                     st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_handler(st->db, busy_wait, NULL);
    /* Setting WAL needs a moment's exclusive access to a new file, and
     * SQLite answers SQLITE_BUSY at once, without the busy handler, where
     * waiting could deadlock (seen with six threads opening one new file).
     * Within this process the setup is therefore taken one connection at a
     * time; other processes still meet the busy handler. */
    pthread_mutex_lock(&setup_lock);
    char *mode = NULL;
    int mode_rc = MB_EIO;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK
        && mb_st_step(stmt) == SQLITE_ROW) {
        mode = mb_st_col_dup(stmt, 0);
        mode_rc = 0;
    } else {
        mb_st_error(st, sqlite3_errcode(st->db), NULL, err);
    }
    sqlite3_finalize(stmt);
    /* ":memory:" databases answer "memory"; WAL is for files. */
    if (mode_rc == 0 && mode && strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0) {
        mb_error_set(err, MB_EIO, "path", "the database cannot use WAL mode (got %s)", mode);
        mode_rc = MB_EIO;
    }
    free(mode);
    if (mode_rc) {
        pthread_mutex_unlock(&setup_lock);
        goto fail;
    }
    /* A 128 MiB page cache per connection. The WAL is copied back into
     * the file (a checkpoint, run by the committing connection) every
     * 8192 pages (32 MiB) rather than SQLite's 1000: a write dirties the
     * same upper pages of the site table, its indexes, both R*Trees and
     * the FTS index as the writes before it, and a checkpoint copies each
     * page once however often it was written, so checkpointing took 7 %
     * of the server's CPU under the mixed load with 1000 and 2-4 % with
     * 8192 (docs/store.md). Commits are as durable either way: a
     * committed transaction is in the WAL. */
    if (exec_script(st, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                    " PRAGMA cache_size = -131072; PRAGMA mmap_size = 0;"
                    " PRAGMA wal_autocheckpoint = 8192;", err)) {
        pthread_mutex_unlock(&setup_lock);
        goto fail;
    }
    int mrc = migrate(st, err);
    pthread_mutex_unlock(&setup_lock);
    if (mrc)
        goto fail;
    if (sqlite3_create_function_v2(st->db, "mb_dist_km", 4,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                   NULL, sql_dist_km, NULL, NULL, NULL) != SQLITE_OK) {
        mb_error_set(err, MB_EINTERNAL, "", "database: %s", sqlite3_errmsg(st->db));
        goto fail;
    }
    st->model = mb_st_model_acquire(st);
    *out = st;
    return 0;
fail:
    mb_store_close(st);
    return err ? err->code : MB_EIO;
}

/* ---- site_fts's tokenizer, for the read model's keyword test ------------- */

/* As MIGRATION_1's tokenize='unicode61 remove_diacritics 2'. */
static const char *const FTS_TOKENIZER = "unicode61";
/* fts5Int.h: FTS5 cuts longer tokens, in documents and queries alike. */
#define FTS_MAX_TOKEN_SIZE 32768

static int tok_open(struct mb_store *st)
{
    if (st->tok)
        return 0;
    if (st->tok_failed)
        return MB_EIO;
    fts5_api *api = NULL;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT fts5(?1)", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL) == SQLITE_OK)
        sqlite3_step(s);
    sqlite3_finalize(s);
    void *ctx = NULL;
    const char *args[] = { "remove_diacritics", "2" };
    if (!api || api->iVersion < 2 ||
        api->xFindTokenizer(api, FTS_TOKENIZER, &ctx, &st->tok_api) != SQLITE_OK ||
        st->tok_api.xCreate(ctx, args, (int)(sizeof args / sizeof *args), &st->tok) !=
            SQLITE_OK) {
        st->tok = NULL;
        st->tok_failed = true;
        return MB_EIO;
    }
    return 0;
}

struct tok_sink {
    struct mb_strbuf *out;
    size_t n;
};

static int on_token(void *ctx, int flags, const char *token, int len, int start, int end)
{
    (void)flags;
    (void)start;
    (void)end;
    struct tok_sink *k = ctx;
    if (len > FTS_MAX_TOKEN_SIZE)
        len = FTS_MAX_TOKEN_SIZE;
    mb_strbuf_add(k->out, token, (size_t)len);
    mb_strbuf_add(k->out, "", 1);
    k->n++;
    return SQLITE_OK;
}

int mb_st_tokens(struct mb_store *st, const char *text, size_t len, bool query,
                 struct mb_strbuf *out, size_t *n)
{
    if (tok_open(st))
        return MB_EIO;
    if (!text || !len)
        return 0;
    size_t at = out->len;
    struct tok_sink k = { out, 0 };
    int flags = query ? FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX : FTS5_TOKENIZE_DOCUMENT;
    if (len > INT32_MAX ||
        st->tok_api.xTokenize(st->tok, &k, flags, text, (int)len, on_token) != SQLITE_OK) {
        out->len = at;
        if (out->s)
            out->s[at] = '\0';
        return MB_EIO;
    }
    *n += k.n;
    return 0;
}

void mb_store_close(struct mb_store *st)
{
    if (!st)
        return;
    if (st->tok)
        st->tok_api.xDelete(st->tok);
    for (size_t i = 0; i < MB_ST_CACHE_SIZE; i++) {
        sqlite3_finalize(st->cache[i].stmt);
        free(st->cache[i].sql);
    }
    /* An open transaction is rolled back by the close. */
    sqlite3_close_v2(st->db);
    mb_st_model_release(st->model);
    free(st);
}

int mb_store_schema_version(struct mb_store *st)
{
    int v = -1;
    pragma_int(st, "PRAGMA user_version", &v, NULL);
    return v;
}

/* ---- fingerprint ----------------------------------------------------------- */

static uint64_t hash_row(uint64_t h, sqlite3_stmt *stmt)
{
    int n = sqlite3_column_count(stmt);
    for (int i = 0; i < n; i++) {
        int type = sqlite3_column_type(stmt, i);
        unsigned char tag = (unsigned char)type;
        h = fnv1a(h, &tag, 1);
        switch (type) {
        case SQLITE_INTEGER: {
            int64_t v = sqlite3_column_int64(stmt, i);
            h = fnv1a(h, &v, sizeof v);
            break;
        }
        case SQLITE_FLOAT: {
            double v = sqlite3_column_double(stmt, i);
            h = fnv1a(h, &v, sizeof v);
            break;
        }
        case SQLITE_TEXT:
        case SQLITE_BLOB: {
            const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_column_text(stmt, i)
                                                : sqlite3_column_blob(stmt, i);
            uint64_t len = (uint64_t)sqlite3_column_bytes(stmt, i);
            h = fnv1a(h, &len, sizeof len);
            if (len)
                h = fnv1a(h, p, (size_t)len);
            break;
        }
        default:
            break;
        }
    }
    return h;
}

/* Hash every row of every table (including the R*Tree and FTS shadow
 * tables, which are ordinary tables) in a stable order: rowid order, or
 * primary-key order for WITHOUT ROWID tables. */
int mb_store_fingerprint(struct mb_store *st, char *buf, size_t size, struct mb_error *err)
{
    sqlite3_stmt *tables = NULL, *rows = NULL;
    uint64_t h = FNV_START;
    long long ntables = 0, nrows = 0;
    int ret = 0, rc;
    bool opened = false;
    if ((ret = mb_st_read_begin(st, &opened, err)))
        return ret;
    rc = sqlite3_prepare_v2(st->db,
                            "SELECT name FROM sqlite_schema WHERE type = 'table'"
                            " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                            " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
                            -1, &tables, NULL);
    if (rc != SQLITE_OK) {
        ret = mb_st_error(st, rc, NULL, err);
        goto out;
    }
    while ((rc = mb_st_step(tables)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(tables, 0);
        char sql[300];
        /* Names come from the schema; quote them anyway. */
        if (strchr(name, '"'))
            continue;
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY rowid", name);
        if (sqlite3_prepare_v2(st->db, sql, -1, &rows, NULL) != SQLITE_OK) {
            snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", name);
            if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &rows, NULL)) != SQLITE_OK) {
                ret = mb_st_error(st, rc, NULL, err);
                goto out;
            }
        }
        h = fnv1a(h, name, strlen(name) + 1);
        ntables++;
        while ((rc = mb_st_step(rows)) == SQLITE_ROW) {
            h = hash_row(h, rows);
            nrows++;
        }
        if (rc != SQLITE_DONE) {
            ret = mb_st_error(st, rc, NULL, err);
            goto out;
        }
        sqlite3_finalize(rows);
        rows = NULL;
    }
    if (rc != SQLITE_DONE) {
        ret = mb_st_error(st, rc, NULL, err);
        goto out;
    }
    snprintf(buf, size, "%lld:%lld:%016llx", ntables, nrows, (unsigned long long)h);
out:
    sqlite3_finalize(rows);
    sqlite3_finalize(tables);
    mb_st_read_end(st, opened);
    return ret;
}

/* ---- organisations ----------------------------------------------------------- */

int mb_store_org_create(struct mb_store *st, struct mb_org *org, struct mb_error *err)
{
    sqlite3_stmt *s;
    int64_t now = (int64_t)time(NULL);
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO org(name, orgnr, created) VALUES (?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, org->name);
        mb_st_bind_text(s, 2, org->orgnr);
        mb_st_bound(sqlite3_bind_int64(s, 3, now));
        rc = mb_st_exec(st, s, NULL, err);
    }
    int64_t id = sqlite3_last_insert_rowid(st->db);
    rc = mb_st_tx_end(st, rc, err);
    if (!rc) {
        org->id = id;
        org->created = now;
    }
    return rc;
}

static void read_org(sqlite3_stmt *s, struct mb_org *o)
{
    o->id = sqlite3_column_int64(s, 0);
    mb_st_col_copy(s, 1, o->name, sizeof o->name);
    mb_st_col_copy(s, 2, o->orgnr, sizeof o->orgnr);
    o->created = sqlite3_column_int64(s, 3);
}

static int org_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    read_org(s, item);
    return 0;
}

int mb_store_org_get(struct mb_store *st, int64_t id, struct mb_org *out,
                     struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT id, name, orgnr, created FROM org WHERE id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        read_org(s, out);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = mb_error_set(err, MB_ENOTFOUND, "org_id", "no organisation %lld", (long long)id);
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_org_list(struct mb_store *st, struct mb_org **items, size_t *n,
                      struct mb_error *err)
{
    return mb_store_org_list_role(st, "", items, n, err);
}

/* SQL: organisation `org` (a column or a parameter) is approved (no status row means
 * it predates sign-up: verified) and has a user of role `role`. */
#define ORG_ACTS_AS(org, role) \
    "(EXISTS (SELECT 1 FROM user u WHERE u.org_id = " org " AND u.role = " role ")" \
    " AND NOT EXISTS (SELECT 1 FROM org_status os WHERE os.org_id = " org \
    " AND os.state <> 'verified'))"

int mb_store_org_list_role(struct mb_store *st, const char *role, struct mb_org **items,
                           size_t *n, struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT id, name, orgnr, created FROM org WHERE ?1 = ''"
                           " OR " ORG_ACTS_AS("org.id", "?1") " ORDER BY name, id", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, role);
    void *arr;
    rc = mb_st_collect(st, s, sizeof **items, org_row, &arr, n, err);
    *items = arr;
    return rc;
}

int mb_store_org_acts_as(struct mb_store *st, int64_t org_id, const char *role, bool *out,
                         struct mb_error *err)
{
    *out = false;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " ORG_ACTS_AS("?1", "?2"), &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, org_id));
    mb_st_bind_text(s, 2, role);
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0) != 0;
        rc = 0;
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_org_contact_get(struct mb_store *st, int64_t org_id, struct mb_org_contact *out,
                             struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    out->org_id = org_id;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT name, phone, email, updated FROM org_contact"
                           " WHERE org_id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, org_id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        mb_st_col_copy(s, 0, out->name, sizeof out->name);
        mb_st_col_copy(s, 1, out->phone, sizeof out->phone);
        mb_st_col_copy(s, 2, out->email, sizeof out->email);
        out->updated = sqlite3_column_int64(s, 3);
        rc = 0;
    } else {
        rc = rc == SQLITE_DONE ? 0 : mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_org_contact_put(struct mb_store *st, struct mb_org_contact *c,
                             struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    c->updated = (int64_t)time(NULL);
    rc = mb_st_prepare(st, "INSERT INTO org_contact(org_id, name, phone, email, updated)"
                       " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(org_id) DO UPDATE SET"
                       " name = ?2, phone = ?3, email = ?4, updated = ?5", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, c->org_id));
        mb_st_bind_text(s, 2, c->name);
        mb_st_bind_text(s, 3, c->phone);
        mb_st_bind_text(s, 4, c->email);
        mb_st_bound(sqlite3_bind_int64(s, 5, c->updated));
        rc = mb_st_exec(st, s, "org_id", err);
    }
    return mb_st_tx_end(st, rc, err);
}

/* ---- users and tokens --------------------------------------------------------- */

/* ASCII lower-case copy of an e-mail address; false if it does not fit. */
static bool fold_email(char *dst, size_t size, const char *src)
{
    return mb_text_ascii_lower(dst, size, src);
}

#define USER_COLS "u.id, u.org_id, u.email, u.name, u.role, u.created"

static int read_user(sqlite3_stmt *s, struct mb_user *u, struct mb_error *err)
{
    const char *role = (const char *)sqlite3_column_text(s, 4);
    int r = mb_role_parse(role);
    if (r < 0)
        return mb_error_set(err, MB_EDATA, "role", "the database holds an unknown role");
    u->id = sqlite3_column_int64(s, 0);
    u->org_id = sqlite3_column_int64(s, 1);
    mb_st_col_copy(s, 2, u->email, sizeof u->email);
    mb_st_col_copy(s, 3, u->name, sizeof u->name);
    u->role = (enum mb_role)r;
    u->created = sqlite3_column_int64(s, 5);
    return 0;
}

static int user_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    return read_user(s, item, err);
}

int mb_store_user_create(struct mb_store *st, struct mb_user *user,
                         const char *password_hash, struct mb_error *err)
{
    char email[sizeof user->email];
    if (!fold_email(email, sizeof email, user->email))
        return mb_error_set(err, MB_EINVAL, "email", "is too long");
    if ((unsigned)user->role >= MB_ROLE_COUNT)
        return mb_error_set(err, MB_EINVAL, "role", "is not a known role");
    sqlite3_stmt *s;
    int64_t now = (int64_t)time(NULL);
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO user(org_id, email, name, role, password_hash,"
                       " created) VALUES (?, ?, ?, ?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, user->org_id));
        mb_st_bind_text(s, 2, email);
        mb_st_bind_text(s, 3, user->name);
        mb_st_bind_text(s, 4, mb_role_name(user->role));
        mb_st_bind_text(s, 5, password_hash);
        mb_st_bound(sqlite3_bind_int64(s, 6, now));
        rc = mb_st_exec(st, s, "org_id", err);
    }
    int64_t id = sqlite3_last_insert_rowid(st->db);
    rc = mb_st_tx_end(st, rc, err);
    if (!rc) {
        user->id = id;
        user->created = now;
        memcpy(user->email, email, sizeof email);
    }
    return rc;
}

/* Run a statement expected to give one user row. */
static int one_user(struct mb_store *st, sqlite3_stmt *s, struct mb_user *out,
                    char *hash, size_t hash_size, const char *what, struct mb_error *err)
{
    int rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        rc = read_user(s, out, err);
        if (!rc && hash)
            mb_st_col_copy(s, 6, hash, hash_size);
    } else if (rc == SQLITE_DONE) {
        rc = mb_error_set(err, MB_ENOTFOUND, what, "no such user");
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_user_get(struct mb_store *st, int64_t id, struct mb_user *out,
                      struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " USER_COLS " FROM user u WHERE u.id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    return one_user(st, s, out, NULL, 0, "user_id", err);
}

int mb_store_user_by_email(struct mb_store *st, const char *email, struct mb_user *out,
                           char *hash, size_t hash_size, struct mb_error *err)
{
    char folded[sizeof out->email];
    if (!fold_email(folded, sizeof folded, email))
        return mb_error_set(err, MB_ENOTFOUND, "email", "no such user");
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " USER_COLS ", u.password_hash FROM user u"
                           " WHERE u.email = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, folded);
    return one_user(st, s, out, hash_size ? hash : NULL, hash_size, "email", err);
}

int mb_store_user_list(struct mb_store *st, int64_t org_id, struct mb_user **items,
                       size_t *n, struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " USER_COLS " FROM user u WHERE u.org_id = ?"
                           " ORDER BY u.email", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, org_id));
    void *arr;
    rc = mb_st_collect(st, s, sizeof **items, user_row, &arr, n, err);
    *items = arr;
    return rc;
}

int mb_store_token_add(struct mb_store *st, const char *token_hash, int64_t user_id,
                       int64_t expires, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    /* A sign-in clears the user's expired tokens, so the table holds the
     * live tokens and at most the last expired ones of users who never
     * come back. */
    rc = mb_st_prepare(st, "DELETE FROM token WHERE user_id = ? AND expires <= ?", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
        mb_st_bound(sqlite3_bind_int64(s, 2, (int64_t)time(NULL)));
        rc = mb_st_exec(st, s, NULL, err);
    }
    if (!rc)
        rc = mb_st_prepare(st, "INSERT INTO token(hash, user_id, expires) VALUES (?, ?, ?)",
                           &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, token_hash);
        mb_st_bound(sqlite3_bind_int64(s, 2, user_id));
        mb_st_bound(sqlite3_bind_int64(s, 3, expires));
        rc = mb_st_exec(st, s, "user_id", err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_token_user(struct mb_store *st, const char *token_hash, int64_t now,
                        struct mb_user *out, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " USER_COLS " FROM token t JOIN user u"
                           " ON u.id = t.user_id WHERE t.hash = ? AND t.expires > ?", &s, err);
    if (rc)
        return rc;
    mb_st_bind_text(s, 1, token_hash);
    mb_st_bound(sqlite3_bind_int64(s, 2, now));
    return one_user(st, s, out, NULL, 0, "token", err);
}

int mb_store_user_set_role(struct mb_store *st, int64_t id, enum mb_role role,
                           struct mb_error *err)
{
    if ((unsigned)role >= MB_ROLE_COUNT)
        return mb_error_set(err, MB_EINVAL, "role", "is not a known role");
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE user SET role = ? WHERE id = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, mb_role_name(role));
        mb_st_bound(sqlite3_bind_int64(s, 2, id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "id", "no user %lld", (long long)id);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_user_set_password(struct mb_store *st, int64_t id, const char *password_hash,
                               const char *keep_token_hash, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE user SET password_hash = ? WHERE id = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, password_hash);
        mb_st_bound(sqlite3_bind_int64(s, 2, id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "id", "no user %lld", (long long)id);
    }
    /* A new password makes every reset link of the user dead. */
    if (!rc)
        rc = mb_st_prepare(st, "UPDATE account_token SET used = 1 WHERE kind = 'reset'"
                           " AND user_id = ?", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, id));
        rc = mb_st_exec(st, s, NULL, err);
    }
    if (!rc)
        rc = mb_st_prepare(st, "DELETE FROM token WHERE user_id = ? AND hash IS NOT ?", &s,
                           err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, id));
        if (keep_token_hash)
            mb_st_bind_text(s, 2, keep_token_hash);
        else
            mb_st_bound(sqlite3_bind_null(s, 2));
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_token_delete(struct mb_store *st, const char *token_hash,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "DELETE FROM token WHERE hash = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, token_hash);
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "token", "no such token");
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_token_delete_user(struct mb_store *st, int64_t user_id, int *deleted,
                               struct mb_error *err)
{
    sqlite3_stmt *s;
    *deleted = 0;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "DELETE FROM token WHERE user_id = ?", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, user_id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc)
            *deleted = sqlite3_changes(st->db);
    }
    return mb_st_tx_end(st, rc, err);
}

/* ---- documents ------------------------------------------------------------- */

#define DOC_COLS "id, site_id, name, mime, sha256, size, created, kind"

static void read_document(sqlite3_stmt *s, struct mb_document *d)
{
    d->id = sqlite3_column_int64(s, 0);
    d->site_id = sqlite3_column_int64(s, 1);
    mb_st_col_copy(s, 2, d->name, sizeof d->name);
    mb_st_col_copy(s, 3, d->mime, sizeof d->mime);
    mb_st_col_copy(s, 4, d->sha256, sizeof d->sha256);
    d->size = sqlite3_column_int64(s, 5);
    d->created = sqlite3_column_int64(s, 6);
    mb_st_col_copy(s, 7, d->kind, sizeof d->kind);
}

static int document_row(sqlite3_stmt *s, void *item, struct mb_error *err)
{
    (void)err;
    read_document(s, item);
    return 0;
}

int mb_store_document_add(struct mb_store *st, struct mb_document *d, struct mb_error *err)
{
    sqlite3_stmt *s;
    int64_t now = (int64_t)time(NULL);
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO document(site_id, name, mime, sha256, size, created,"
                       " kind) VALUES (?, ?, ?, ?, ?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, d->site_id));
        mb_st_bind_text(s, 2, d->name);
        mb_st_bind_text(s, 3, d->mime);
        mb_st_bind_text(s, 4, d->sha256);
        mb_st_bound(sqlite3_bind_int64(s, 5, d->size));
        mb_st_bound(sqlite3_bind_int64(s, 6, now));
        mb_st_bind_text(s, 7, d->kind[0] ? d->kind : "other");
        rc = mb_st_exec(st, s, "site_id", err);
    }
    int64_t id = sqlite3_last_insert_rowid(st->db);
    rc = mb_st_tx_end(st, rc, err);
    if (!rc) {
        d->id = id;
        d->created = now;
    }
    return rc;
}

int mb_store_document_get(struct mb_store *st, int64_t id, struct mb_document *out,
                          struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " DOC_COLS " FROM document WHERE id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        read_document(s, out);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = mb_error_set(err, MB_ENOTFOUND, "document_id", "no document %lld", (long long)id);
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_document_list(struct mb_store *st, int64_t site_id, struct mb_document **items,
                           size_t *n, struct mb_error *err)
{
    *items = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT " DOC_COLS " FROM document WHERE site_id = ?"
                           " ORDER BY id", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, site_id));
    void *arr;
    rc = mb_st_collect(st, s, sizeof **items, document_row, &arr, n, err);
    *items = arr;
    return rc;
}

/* ---- jobs ---------------------------------------------------------------------- */

static bool job_state_valid(enum mb_job_state s)
{
    return (unsigned)s <= MB_JOB_FAILED;
}

static bool job_state_final(enum mb_job_state s)
{
    return s == MB_JOB_DONE || s == MB_JOB_FAILED;
}

int mb_store_job_create(struct mb_store *st, struct mb_job *j, struct mb_error *err)
{
    if (!job_state_valid(j->state))
        return mb_error_set(err, MB_EINVAL, "state", "is not a job state");
    sqlite3_stmt *s;
    int64_t now = (int64_t)time(NULL);
    int64_t finished = job_state_final(j->state) ? now : 0;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "INSERT INTO job(user_id, state, request, result, message,"
                       " created, finished) VALUES (?, ?, ?, ?, ?, ?, ?)", &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, j->user_id));
        mb_st_bind_text(s, 2, mb_job_state_name(j->state));
        mb_st_bind_text(s, 3, j->request);
        mb_st_bind_text(s, 4, j->result);
        mb_st_bind_text(s, 5, j->message);
        mb_st_bound(sqlite3_bind_int64(s, 6, now));
        mb_st_bound(sqlite3_bind_int64(s, 7, finished));
        rc = mb_st_exec(st, s, "user_id", err);
    }
    int64_t id = sqlite3_last_insert_rowid(st->db);
    rc = mb_st_tx_end(st, rc, err);
    if (!rc) {
        j->id = id;
        j->created = now;
        j->finished = finished;
    }
    return rc;
}

int mb_store_job_get(struct mb_store *st, int64_t id, struct mb_job *out,
                     struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_prepare(st, "SELECT j.id, j.user_id, j.state, j.request, j.result, j.message,"
                           " j.created, j.finished, w.words FROM job j"
                           " LEFT JOIN job_words w ON w.job_id = j.id WHERE j.id = ?", &s, err);
    if (rc)
        return rc;
    mb_st_bound(sqlite3_bind_int64(s, 1, id));
    rc = mb_st_step(s);
    if (rc == SQLITE_ROW) {
        int state = -1;
        const char *name = (const char *)sqlite3_column_text(s, 2);
        for (int i = MB_JOB_QUEUED; i <= MB_JOB_FAILED; i++)
            if (name && strcmp(name, mb_job_state_name((enum mb_job_state)i)) == 0)
                state = i;
        if (state < 0) {
            rc = mb_error_set(err, MB_EDATA, "state", "the database holds an unknown job state");
        } else {
            memset(out, 0, sizeof *out);
            out->id = sqlite3_column_int64(s, 0);
            out->user_id = sqlite3_column_int64(s, 1);
            out->state = (enum mb_job_state)state;
            out->request = mb_st_col_dup(s, 3);
            out->result = mb_st_col_dup(s, 4);
            mb_st_col_copy(s, 5, out->message, sizeof out->message);
            out->created = sqlite3_column_int64(s, 6);
            out->finished = sqlite3_column_int64(s, 7);
            out->words = sqlite3_column_type(s, 8) == SQLITE_NULL ? NULL : mb_st_col_dup(s, 8);
            rc = 0;
        }
    } else if (rc == SQLITE_DONE) {
        rc = mb_error_set(err, MB_ENOTFOUND, "job_id", "no job %lld", (long long)id);
    } else {
        rc = mb_st_error(st, rc, NULL, err);
    }
    mb_st_finish(s);
    return rc;
}

int mb_store_job_update(struct mb_store *st, int64_t id, enum mb_job_state state,
                        const char *message, const char *result, struct mb_error *err)
{
    return mb_store_job_say(st, id, state, message, NULL, result, err);
}

int mb_store_job_say(struct mb_store *st, int64_t id, enum mb_job_state state,
                     const char *message, const char *words, const char *result,
                     struct mb_error *err)
{
    if (!job_state_valid(state))
        return mb_error_set(err, MB_EINVAL, "state", "is not a job state");
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE job SET state = ?, message = ?, result = coalesce(?, result),"
                       " finished = ? WHERE id = ?", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, mb_job_state_name(state));
        mb_st_bind_text(s, 2, message ? message : "");
        mb_st_bind_text(s, 3, result);
        mb_st_bound(sqlite3_bind_int64(s, 4, job_state_final(state) ? (int64_t)time(NULL) : 0));
        mb_st_bound(sqlite3_bind_int64(s, 5, id));
        rc = mb_st_exec(st, s, NULL, err);
        if (!rc && sqlite3_changes(st->db) == 0)
            rc = mb_error_set(err, MB_ENOTFOUND, "job_id", "no job %lld", (long long)id);
    }
    if (!rc)
        rc = mb_st_prepare(st, words ? "INSERT INTO job_words(job_id, words) VALUES (?1, ?2)"
                                       " ON CONFLICT(job_id) DO UPDATE SET words = ?2"
                                     : "DELETE FROM job_words WHERE job_id = ?1 AND ?2 IS NULL",
                           &s, err);
    if (!rc) {
        mb_st_bound(sqlite3_bind_int64(s, 1, id));
        mb_st_bind_text(s, 2, words);
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}

int mb_store_job_fail_stale(struct mb_store *st, struct mb_error *err)
{
    sqlite3_stmt *s;
    int rc = mb_st_tx_begin(st, err);
    if (rc)
        return rc;
    rc = mb_st_prepare(st, "UPDATE job SET state = 'failed', message = ?, finished = ?"
                       " WHERE state IN ('queued', 'running')", &s, err);
    if (!rc) {
        mb_st_bind_text(s, 1, "the server stopped before the plan finished");
        mb_st_bound(sqlite3_bind_int64(s, 2, (int64_t)time(NULL)));
        rc = mb_st_exec(st, s, NULL, err);
    }
    return mb_st_tx_end(st, rc, err);
}
