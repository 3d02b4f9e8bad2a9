"""Ordered, named schema migrations, recorded in ``PRAGMA user_version``.

Each migration is frozen once released: never edit one, add the next. A
migration and its version bump run in one transaction (``db.migrate``).
``tests/test_schema.py`` proves that migrating an empty file gives exactly the
tables ``models.py`` declares.
"""

import sqlite3
from collections.abc import Callable, Iterator

M001_INITIAL = """
CREATE TABLE event (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    "on" DATE,
    place VARCHAR,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (name_key)
);
CREATE TABLE interaction (
    id INTEGER NOT NULL,
    at DATETIME NOT NULL,
    kind VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_interaction_at ON interaction (at);
CREATE TABLE interaction_topic (
    interaction_id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    topic VARCHAR NOT NULL,
    PRIMARY KEY (interaction_id, "key"),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE
);
CREATE TABLE person (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    org VARCHAR,
    role VARCHAR,
    location VARCHAR,
    circle VARCHAR NOT NULL,
    cadence VARCHAR,
    met_on DATE,
    met_at_id INTEGER,
    introduced_by_id INTEGER,
    notes VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    archived_at DATETIME,
    last_contact_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(met_at_id) REFERENCES event (id) ON DELETE SET NULL,
    FOREIGN KEY(introduced_by_id) REFERENCES person (id) ON DELETE SET NULL
);
CREATE INDEX ix_person_name_key ON person (name_key);
CREATE TABLE followup (
    id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    due DATE NOT NULL,
    note VARCHAR NOT NULL,
    every VARCHAR,
    state VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    closed_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_followup_state_due ON followup (state, due);
CREATE INDEX ix_followup_person_id ON followup (person_id);
CREATE TABLE interaction_person (
    interaction_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, person_id),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_interaction_person_person ON interaction_person (person_id);
CREATE TABLE person_attr (
    id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    "key" VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (person_id, kind, "key"),
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_person_attr_kind_key ON person_attr (kind, "key");
-- Full-text index over what `pln find` searches; one row per person,
-- rewritten by the commands that change what it holds.
CREATE VIRTUAL TABLE person_fts USING fts5(
    name, org, tags, notes, interactions,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

M002_NETWORK = (
    """
-- Who knows whom, groups, introductions, dismissed suggestions, private marks.
"""
    + """CREATE TABLE pgroup (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (name_key)
);
CREATE TABLE private_mark (
    kind VARCHAR NOT NULL,
    "key" VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (kind, "key")
);
CREATE TABLE dismissal (
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    until DATE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (a_id, b_id),
    CHECK (a_id < b_id),
    FOREIGN KEY(a_id) REFERENCES person (id) ON DELETE CASCADE,
    FOREIGN KEY(b_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE TABLE introduction (
    id INTEGER NOT NULL,
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    state VARCHAR NOT NULL,
    reasons VARCHAR NOT NULL,
    kinds VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    asked_a_at DATETIME,
    asked_b_at DATETIME,
    made_at DATETIME,
    declined_at DATETIME,
    outcome VARCHAR,
    outcome_note VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    CHECK (a_id < b_id),
    UNIQUE (a_id, b_id),
    FOREIGN KEY(a_id) REFERENCES person (id) ON DELETE CASCADE,
    FOREIGN KEY(b_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE TABLE pgroup_member (
    group_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, person_id),
    FOREIGN KEY(group_id) REFERENCES pgroup (id) ON DELETE CASCADE,
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_pgroup_member_person ON pgroup_member (person_id);
CREATE TABLE tie (
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    since DATE,
    note VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (a_id, b_id),
    CHECK (a_id < b_id),
    FOREIGN KEY(a_id) REFERENCES person (id) ON DELETE CASCADE,
    FOREIGN KEY(b_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_tie_b ON tie (b_id);
CREATE TABLE intro_followup (
    introduction_id INTEGER NOT NULL,
    followup_id INTEGER NOT NULL,
    purpose VARCHAR NOT NULL,
    PRIMARY KEY (introduction_id, followup_id),
    FOREIGN KEY(introduction_id) REFERENCES introduction (id) ON DELETE CASCADE,
    FOREIGN KEY(followup_id) REFERENCES followup (id) ON DELETE CASCADE
);
-- People logged together in one interaction know each other.
INSERT OR IGNORE INTO tie (a_id, b_id, since, note, source, created_at)
SELECT x.person_id, y.person_id, min(date(i.at)), '', 'interaction', min(i.created_at)
FROM interaction_person x
JOIN interaction_person y ON y.interaction_id = x.interaction_id AND y.person_id > x.person_id
JOIN interaction i ON i.id = x.interaction_id
GROUP BY x.person_id, y.person_id;
"""
)

M003_HISTORY = """
-- Birthdays (kept from imported cards), and the change history behind `pln undo`.
ALTER TABLE person ADD COLUMN birthday DATE;
CREATE TABLE change_log (
    id INTEGER NOT NULL,
    at DATETIME NOT NULL,
    command VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    undone_at DATETIME,
    PRIMARY KEY (id)
);
CREATE TABLE undo_step (
    id INTEGER NOT NULL,
    change_id INTEGER NOT NULL,
    tbl VARCHAR NOT NULL,
    op VARCHAR NOT NULL,
    sql VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(change_id) REFERENCES change_log (id) ON DELETE CASCADE
);
CREATE INDEX ix_undo_step_change ON undo_step (change_id);
"""

M004_FK_INDEXES = """
-- An index on every foreign key that had none: deleting a person (undoing an
-- import of thousands, `pln forget`) looked each of these up with a full scan.
CREATE INDEX ix_person_met_at ON person (met_at_id);
CREATE INDEX ix_person_introduced_by ON person (introduced_by_id);
CREATE INDEX ix_dismissal_b ON dismissal (b_id);
CREATE INDEX ix_introduction_b ON introduction (b_id);
CREATE INDEX ix_intro_followup_followup ON intro_followup (followup_id);
"""

OPEN = "(open)"  # the summary of the change a pln transaction is making

# The tables whose rows `pln undo` restores (the search index is rebuilt instead).
UNDONE_TABLES = (
    "event",
    "person",
    "person_attr",
    "interaction",
    "interaction_person",
    "interaction_topic",
    "followup",
    "tie",
    "pgroup",
    "pgroup_member",
    "introduction",
    "intro_followup",
    "dismissal",
    "private_mark",
    "resource",
    "resource_topic",
    "interaction_resource",
    "group_reading",
)
# The tables m003 made triggers for (frozen: a later table gets its triggers in its own migration).
M003_UNDONE_TABLES = UNDONE_TABLES[:14]


def m005_date_precision(conn: sqlite3.Connection) -> Iterator[str]:
    """A day met and a tie's start may be known only to the year or month ("2019",
    "sept 2019"): the date holds the first day, the precision says how much of it is known
    (NULL: the day). The undo triggers of both tables are made again to see the column."""
    yield "ALTER TABLE person ADD COLUMN met_on_precision VARCHAR"
    yield "ALTER TABLE tie ADD COLUMN since_precision VARCHAR"
    for table in ("person", "tie"):
        for op in ("insert", "update", "delete"):
            yield f"DROP TRIGGER undo_{table}_{op}"
    yield from undo_triggers(conn, tables=("person", "tie"))


def new_uid() -> str:
    """A person's UID: a random (version 4) UUID as the URN RFC 6350 recommends
    (``urn:uuid:…``), so that a phone or server that keeps UIDs as URIs keeps it as is."""
    import uuid

    return f"urn:uuid:{uuid.uuid4()}"


def m006_person_uid(conn: sqlite3.Connection) -> Iterator[str]:
    """Every person gets a stable UID (RFC 6350), given once and never changed: a contact
    exported to a phone and imported back is matched by it. Existing people get a new one
    each; the person's undo triggers are made again to see the column."""
    yield "ALTER TABLE person ADD COLUMN uid VARCHAR"
    for op in ("insert", "update", "delete"):
        yield f"DROP TRIGGER undo_person_{op}"
    ids = [r[0] for r in conn.execute("SELECT id FROM person WHERE uid IS NULL")]
    for pid in ids:
        yield f"UPDATE person SET uid = '{new_uid()}' WHERE id = {int(pid)}"
    yield "CREATE UNIQUE INDEX ix_person_uid ON person (uid)"
    yield from undo_triggers(conn, tables=("person",))


def undo_triggers(
    conn: sqlite3.Connection, tables: tuple[str, ...] = UNDONE_TABLES
) -> Iterator[str]:
    """Triggers that log, for every row change, the SQL that reverts it.

    Generated from the tables' columns as they are when the migration runs; a
    later migration that changes a table's columns must drop and recreate them.
    The rows go to the newest change_log entry, which ``db.transaction`` opens.
    """
    change = "(SELECT max(id) FROM change_log)"
    # Only while pln has a change open: writes by other tools are not pln's to undo.
    when = f"WHEN (SELECT summary FROM change_log WHERE id = {change}) = '{OPEN}'"
    for table in tables:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')")]
        old = " || ',' || ".join(f'quote(OLD."{c}")' for c in cols)
        sets = " || ',' || ".join(f'\'"{c}"=\' || quote(OLD."{c}")' for c in cols)
        names = ",".join(f'"{c}"' for c in cols)
        log = f"INSERT INTO undo_step (change_id, tbl, op, sql) VALUES ({change}, '{table}', "
        yield (
            f"CREATE TRIGGER undo_{table}_insert AFTER INSERT ON {table} {when} BEGIN {log}"
            f"'insert', 'DELETE FROM {table} WHERE rowid = ' || NEW.rowid); END"
        )
        yield (
            f"CREATE TRIGGER undo_{table}_update AFTER UPDATE ON {table} {when} BEGIN {log}"
            f"'update', 'UPDATE {table} SET ' || {sets} || ' WHERE rowid = ' || OLD.rowid);"
            " END"
        )
        yield (
            f"CREATE TRIGGER undo_{table}_delete BEFORE DELETE ON {table} {when} BEGIN {log}"
            f"'delete', 'INSERT INTO {table} (rowid,{names}) VALUES (' || OLD.rowid || ','"
            f" || {old} || ')'); END"
        )


def m003_history(conn: sqlite3.Connection) -> Iterator[str]:
    yield from statements(M003_HISTORY)
    yield from undo_triggers(conn, tables=M003_UNDONE_TABLES)


M007_RESOURCES = """
-- Resources (issue 16): what passes between people, shared as interactions, read by groups.
CREATE TABLE resource (
    id INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    title_key VARCHAR NOT NULL,
    url VARCHAR,
    kind VARCHAR NOT NULL,
    author VARCHAR,
    note VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (title_key),
    UNIQUE (url)
);
CREATE TABLE resource_topic (
    resource_id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    topic VARCHAR NOT NULL,
    PRIMARY KEY (resource_id, "key"),
    FOREIGN KEY(resource_id) REFERENCES resource (id) ON DELETE CASCADE
);
CREATE INDEX ix_resource_topic_key ON resource_topic ("key");
CREATE TABLE interaction_resource (
    interaction_id INTEGER NOT NULL,
    resource_id INTEGER NOT NULL,
    direction VARCHAR NOT NULL,
    PRIMARY KEY (interaction_id),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
    FOREIGN KEY(resource_id) REFERENCES resource (id) ON DELETE CASCADE
);
CREATE INDEX ix_interaction_resource_resource ON interaction_resource (resource_id);
CREATE TABLE group_reading (
    id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    resource_id INTEGER NOT NULL,
    due DATE,
    done_at DATETIME,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (group_id, resource_id),
    FOREIGN KEY(group_id) REFERENCES pgroup (id) ON DELETE CASCADE,
    FOREIGN KEY(resource_id) REFERENCES resource (id) ON DELETE CASCADE
);
CREATE INDEX ix_group_reading_due ON group_reading (due);
CREATE INDEX ix_group_reading_resource ON group_reading (resource_id);
"""
M007_TABLES = ("resource", "resource_topic", "interaction_resource", "group_reading")


def m007_resources(conn: sqlite3.Connection) -> Iterator[str]:
    """The resource tables and their undo triggers (self-contained: nothing else changes)."""
    yield from statements(M007_RESOURCES)
    yield from undo_triggers(conn, tables=M007_TABLES)  # read the columns once made


M008_TOPIC_INDEXES = """
-- Who holds a topic, read from an index alone: `pln share RESOURCE` ranks everyone holding
-- one of its topics (thousands at 10,000 people), and its "talked about" part, `pln who`
-- and `pln introduce` look interactions' topics up by key, which had no index.
CREATE INDEX ix_person_attr_kind_key_person ON person_attr (kind, "key", person_id);
DROP INDEX ix_person_attr_kind_key;
CREATE INDEX ix_interaction_topic_key ON interaction_topic ("key", interaction_id);
"""


def m009_followup_anchor(conn: sqlite3.Connection) -> Iterator[str]:
    """A recurring follow-up counts its occurrences from its first day, the anchor (31
    January, monthly: 28 February, then 31 March), not from the last one, which a short
    month may have moved to an earlier day. NULL: the follow-up's own due day (a one-off, or
    a series' first occurrence). The follow-up's undo triggers are made again to see it."""
    yield "ALTER TABLE followup ADD COLUMN anchor DATE"
    for op in ("insert", "update", "delete"):
        yield f"DROP TRIGGER undo_followup_{op}"
    yield from undo_triggers(conn, tables=("followup",))


M010_FOR_INDEXES = """
-- What `pln introduce --for P` counts, read from an index alone: who shares P's organisation
-- or place (compared case-blind, as SQLite's NOCASE does; with whether each is archived and
-- their circle, so the counts of the eligible need no table row), and the first spelling of a
-- topic (the oldest row of a kind and key), which else sorted every holder of a common topic;
-- and whether a person counts (not archived; not only followed), looked up by id for each
-- holder of a common topic without reading their row. Self-contained: indexes only (IF NOT
-- EXISTS: a book whose version was set back over them, as tests do, keeps them).
CREATE INDEX IF NOT EXISTS ix_person_eligible ON person (id, archived_at, circle);
CREATE INDEX IF NOT EXISTS ix_person_org_fold ON person (org COLLATE NOCASE, archived_at, circle);
CREATE INDEX IF NOT EXISTS ix_person_location_fold
    ON person (location COLLATE NOCASE, archived_at, circle);
CREATE INDEX IF NOT EXISTS ix_person_attr_kind_key_id ON person_attr (kind, "key", id);
"""
# `pln list`'s topics column: each person's topics joined by ", " in the order they were
# added, kept exact by triggers on the attributes (so every write, the undo's replays, an
# import and a cascade of a deleted person keep it so), read with the person in one scan
# instead of a scan of every attribute joined in Python (a third of `pln list` at 10,000
# people). Derived: not a table `pln undo` restores, exports or imports. The order is the
# window's (``OVER (ORDER BY id)``): an aggregate's order is not promised before SQLite 3.44.
# Each topic is joined as ", " and itself, the first ", " cut off after: SQLite's window
# ``group_concat`` gives NULL, not '', while all it has joined is empty text.
JOINED = "substr(group_concat(', ' || value, '') OVER ({}ORDER BY id), 3)"
TOPICS_OF = (
    "INSERT INTO person_topics (person_id, topics) SELECT person_id, topics FROM"
    f" (SELECT person_id, id, {JOINED.format('')} AS topics"
    " FROM person_attr WHERE person_id = {who} AND kind = 'topic'{also}) ORDER BY id DESC LIMIT 1"
)


# Whether the person has a topic added after this one (the ids of their topics in order)
LATER = (
    "EXISTS (SELECT 1 FROM person_attr WHERE person_id = {row}.person_id AND kind = 'topic'"
    " AND id > {row}.id)"
)
# The triggers on ``person_attr`` that keep ``person_topics`` exact, by name.
TOPICS_TRIGGERS = ("append", "insert", "cut", "delete", "update")


def person_topics_triggers() -> Iterator[str]:
    """The triggers that keep ``person_topics`` exact. A topic added after the person's
    others (every new one) is appended to their text, and their newest topic removed
    (an undo of the adds, newest first) is cut from its end: each a statement or two, as
    cheap as the row's own write (a 10,000-person import adds 20,000 topics). Any other
    change (an undo's row put back among the others, a topic moved, renamed or renumbered)
    makes the person's row again from their topics."""

    def again(who: str, also: str = "") -> str:
        return (
            f"DELETE FROM person_topics WHERE person_id = {who}{also};"
            f" {TOPICS_OF.format(who=who, also=also)};"
        )

    yield (
        "CREATE TRIGGER person_topics_append AFTER INSERT ON person_attr"
        f" WHEN NEW.kind = 'topic' AND NOT {LATER.format(row='NEW')} BEGIN"
        " INSERT INTO person_topics (person_id, topics) VALUES (NEW.person_id, NEW.value)"
        " ON CONFLICT (person_id) DO UPDATE SET topics = topics || ', ' || excluded.topics; END"
    )
    yield (
        "CREATE TRIGGER person_topics_insert AFTER INSERT ON person_attr"
        f" WHEN NEW.kind = 'topic' AND {LATER.format(row='NEW')}"
        f" BEGIN {again('NEW.person_id')} END"
    )
    yield (
        "CREATE TRIGGER person_topics_cut AFTER DELETE ON person_attr"
        f" WHEN OLD.kind = 'topic' AND NOT {LATER.format(row='OLD')} BEGIN"
        " DELETE FROM person_topics WHERE person_id = OLD.person_id AND NOT EXISTS"
        " (SELECT 1 FROM person_attr WHERE person_id = OLD.person_id AND kind = 'topic');"
        " UPDATE person_topics SET topics ="
        " substr(topics, 1, length(topics) - length(OLD.value) - 2)"
        " WHERE person_id = OLD.person_id; END"
    )
    yield (
        "CREATE TRIGGER person_topics_delete AFTER DELETE ON person_attr"
        f" WHEN OLD.kind = 'topic' AND {LATER.format(row='OLD')}"
        f" BEGIN {again('OLD.person_id')} END"
    )
    yield (
        "CREATE TRIGGER person_topics_update AFTER UPDATE ON person_attr"
        " WHEN OLD.kind = 'topic' OR NEW.kind = 'topic' BEGIN"
        f" {again('OLD.person_id')}"
        f" {again('NEW.person_id', ' AND NEW.person_id <> OLD.person_id')} END"
    )


def m011_person_topics(conn: sqlite3.Connection) -> Iterator[str]:
    """``person_topics`` (``TOPICS_OF``), filled from the topics held, and its triggers."""
    yield (
        "CREATE TABLE person_topics (\n    person_id INTEGER NOT NULL,\n"
        "    topics VARCHAR NOT NULL,\n    PRIMARY KEY (person_id)\n)"
    )
    yield (
        "INSERT INTO person_topics (person_id, topics) SELECT person_id, topics FROM"
        f" (SELECT person_id, id, {JOINED.format('PARTITION BY person_id ')} AS topics,"
        " row_number() OVER (PARTITION BY person_id ORDER BY id DESC) AS last FROM person_attr"
        " WHERE kind = 'topic') WHERE last = 1"
    )
    yield from person_topics_triggers()


# `pln list` in its own order (by name, then id: ``store.views.people_table``), read from
# this index alone (``INDEXED BY``): every cell the table shows but the topics
# (``person_topics``, looked up by id), and archived_at, which the statement's condition
# reads. The statement no longer reads the whole table and sorts it (a sixth of the
# instructions of a 10,000-person `pln list`). Not partial (WHERE archived_at IS NULL):
# SQLite then chose the index for other statements on the people not archived that need
# columns it lacks, and read the table through it row by row (`pln due`: 52 -> 57 ms at
# 10,000 people); whole, it is chosen only where it covers the statement.
M012_LIST_INDEX = """
CREATE INDEX ix_person_list
    ON person (name_key, id, name, org, circle, last_contact_at, archived_at);
"""


# `pln introduce --for P` weighs each key P shares by how many people hold it: counts of the
# whole book, which read tens of thousands of rows each at 100,000 people (two fifths of the
# command). ``key_count`` keeps them, exact, by triggers on ``person`` and ``person_attr``
# (every write, an undo's replays, an import, a merge, a forgotten person's cascade), so each
# is read by its key (``store.index``). Derived: not a table `pln undo` restores, exports or
# imports. A row is (tag, key): how many people not archived (``everyone``) and how many of
# them not only followed (``listed``: ``circle != 'following'``) hold it; a key no one counted
# holds has no row (a forgotten person's organisation leaves none behind).
#
# ===  ======================================================  ==============================
# tag  who holds the key                                       key
# ===  ======================================================  ==============================
# i    a topic or an offer (holding it as both counts once)    ``person_attr.key``
# o    an offer                                                ``person_attr.key``
# s    a need (``seeks``)                                      ``person_attr.key``
# e    met at this event                                       ``met_at_id`` as text
# g    this organisation                                       ``org`` as stored
# l    this place                                              ``location`` as stored
# n    anyone (the whole book's count)                         ''
# ===  ======================================================  ==============================
#
# An organisation or place is counted as stored, and read case-blind (A-Z only, as the
# statements it replaces compared): the rows of its spellings in ``ix_key_count_fold``
# (``COLLATE NOCASE``; PostgreSQL: ``translate``), summed. No case folding is written in
# SQLite's SQL here: ``lower()`` folds beyond ASCII in a SQLite built with ICU.
KEY_COUNT_TABLE = """
CREATE TABLE key_count (
    tag VARCHAR NOT NULL,
    "key" VARCHAR NOT NULL,
    everyone INTEGER NOT NULL,
    listed INTEGER NOT NULL,
    PRIMARY KEY (tag, "key")
) WITHOUT ROWID;
CREATE INDEX ix_key_count_fold ON key_count (tag, "key" COLLATE NOCASE);
"""
KEYED = "('topic', 'offers', 'seeks')"  # the kinds of attribute key_count counts


def own_keys(row: str) -> str:
    """The (tag, key) rows a person's own row holds: the whole book's, and their event,
    organisation and place (``row``: NEW or OLD)."""
    return (
        "SELECT 'n' AS tag, '' AS \"key\""
        f" UNION ALL SELECT 'e', CAST({row}.met_at_id AS TEXT) WHERE {row}.met_at_id IS NOT NULL"
        f" UNION ALL SELECT 'g', {row}.org WHERE {row}.org IS NOT NULL"
        f" UNION ALL SELECT 'l', {row}.location WHERE {row}.location IS NOT NULL"
    )


def attr_keys(who: str) -> str:
    """The (tag, key) rows the attributes of the person ``who`` hold, each once."""
    return (
        "SELECT DISTINCT 'i' AS tag, \"key\" FROM person_attr"
        f" WHERE person_id = {who} AND kind IN ('topic', 'offers')"
        " UNION ALL SELECT 'o', \"key\" FROM person_attr"
        f" WHERE person_id = {who} AND kind = 'offers'"
        " UNION ALL SELECT 's', \"key\" FROM person_attr"
        f" WHERE person_id = {who} AND kind = 'seeks'"
    )


def one_attr_keys(row: str, others: str) -> str:
    """The (tag, key) rows one attribute (``row``) adds to its person's: as an offer it is
    'o', a need 's'; a topic or an offer is 'i' unless another of the person's attributes
    (``id NOT IN others``) is that key as a topic or an offer."""
    return (
        f"SELECT 's' AS tag, {row}.\"key\" AS \"key\" WHERE {row}.kind = 'seeks'"
        f" UNION ALL SELECT 'o', {row}.\"key\" WHERE {row}.kind = 'offers'"
        f" UNION ALL SELECT 'i', {row}.\"key\" WHERE {row}.kind IN ('topic', 'offers')"
        " AND NOT EXISTS (SELECT 1 FROM person_attr a WHERE a.person_id ="
        f" {row}.person_id AND a.\"key\" = {row}.\"key\" AND a.kind IN ('topic', 'offers')"
        f" AND a.id NOT IN {others})"
    )


UPSERT = (
    ' ON CONFLICT (tag, "key") DO UPDATE SET everyone = key_count.everyone'
    " + excluded.everyone, listed = key_count.listed + excluded.listed"
)


def count_keys(keys: str, person: str, sign: int, *, source: str = "") -> str:
    """Add ``sign`` to the count of each (tag, key) of ``keys`` held by ``person`` (NEW or
    OLD of ``person``; or ``p``, the person an attribute names: ``source``), unless they
    are archived."""
    listed = f"CASE WHEN {person}.circle != 'following' THEN {sign} ELSE 0 END"
    return (
        'INSERT INTO key_count (tag, "key", everyone, listed)'
        f' SELECT k.tag, k."key", {sign}, {listed} FROM {source}({keys}) AS k'
        f" WHERE {person}.archived_at IS NULL{UPSERT}"
    )


def counted_by(row: str, sign: int, others: str) -> str:
    """``count_keys`` of one attribute (``row``), held by its person if they are there."""
    keys = one_attr_keys(row, others)
    found = count_keys(keys, "p", sign, source="person p, ")
    return found.replace(" WHERE p.archived_at", f" WHERE p.id = {row}.person_id AND p.archived_at")


def drop_zeros(tags: str, keys: str) -> str:
    """Remove the rows of these tags and keys that no one counted holds any more."""
    return f'DELETE FROM key_count WHERE everyone = 0 AND tag IN {tags} AND "key" IN ({keys})'


KEYED_TAGS, OWN_TAGS, OS_TAGS = "('i', 'o', 's')", "('n', 'e', 'g', 'l')", "('o', 's')"
OLD_KEY, BOTH_KEYS = 'OLD."key"', 'OLD."key", NEW."key"'


KEY_COUNT_FILL = """
INSERT INTO key_count (tag, "key", everyone, listed)
SELECT tag, "key", count(*), sum(CASE WHEN circle != 'following' THEN 1 ELSE 0 END) FROM (
    SELECT h.tag, h."key", p.circle FROM (
        SELECT DISTINCT 'i' AS tag, "key", person_id FROM person_attr
         WHERE kind IN ('topic', 'offers')
        UNION ALL SELECT 'o', "key", person_id FROM person_attr WHERE kind = 'offers'
        UNION ALL SELECT 's', "key", person_id FROM person_attr WHERE kind = 'seeks'
    ) AS h JOIN person p ON p.id = h.person_id WHERE p.archived_at IS NULL
    UNION ALL SELECT 'n', '', circle FROM person WHERE archived_at IS NULL
    UNION ALL SELECT 'e', CAST(met_at_id AS TEXT), circle FROM person
     WHERE archived_at IS NULL AND met_at_id IS NOT NULL
    UNION ALL SELECT 'g', org, circle FROM person WHERE archived_at IS NULL AND org IS NOT NULL
    UNION ALL SELECT 'l', location, circle FROM person
     WHERE archived_at IS NULL AND location IS NOT NULL
) AS held GROUP BY tag, "key"
"""


# Whether a change of the person's row changes what they count for (``OWN_CHANGED``), or
# what their attributes do (``COUNTED_CHANGED``); ``{differ}``: SQLite's ``IS NOT``.
OWN_CHANGED = " OR ".join(
    f"OLD.{c} {{differ}} NEW.{c}"
    for c in ("id", "archived_at", "circle", "org", "location", "met_at_id")
)
COUNTED_CHANGED = (
    "OLD.id {differ} NEW.id OR (OLD.archived_at IS NULL) {differ} (NEW.archived_at IS NULL)"
    " OR (OLD.archived_at IS NULL AND OLD.circle {differ} NEW.circle)"
)
# The triggers that keep ``key_count`` exact on SQLite, by name (``key_count_<name>``).
KEY_COUNT_TRIGGERS = (
    "topic_insert",
    "offer_insert",
    "topic_delete",
    "offer_delete",
    "attr_update",
    "person_insert",
    "person_attrs",
    "person_delete",
    "person_update",
    "person_counted",
)


def _one(tag: str, key: str, row: str, sign: int, when: str) -> str:
    """Add ``sign`` to one (tag, key), for the person ``row`` (of ``person``), if ``when``."""
    listed = f"CASE WHEN {row}.circle != 'following' THEN {sign} ELSE 0 END"
    return (
        f'INSERT INTO key_count (tag, "key", everyone, listed) SELECT {tag}, {key}, {sign},'
        f" {listed} WHERE {when}{UPSERT}"
    )


def of_attr(tag: str, row: str, sign: int, also: str = "") -> str:
    """Add ``sign`` to (tag, the attribute's key) for the attribute's person, if they are
    there and not archived (and ``also``)."""
    listed = f"CASE WHEN p.circle != 'following' THEN {sign} ELSE 0 END"
    return (
        f'INSERT INTO key_count (tag, "key", everyone, listed) SELECT {tag}, {row}."key",'
        f" {sign}, {listed} FROM person p WHERE p.id = {row}.person_id"
        f" AND p.archived_at IS NULL{also}{UPSERT}"
    )


def alone(row: str) -> str:
    """The attribute (a topic or an offer) is the person's only one of its key as either:
    the other kind is looked up (a person holds one row of a kind and key)."""
    other = f"CASE {row}.kind WHEN 'topic' THEN 'offers' ELSE 'topic' END"
    return (
        " AND NOT EXISTS (SELECT 1 FROM person_attr a WHERE a.person_id ="
        f' {row}.person_id AND a.kind = {other} AND a."key" = {row}."key")'
    )


def key_count_triggers() -> Iterator[str]:
    """The triggers that keep ``key_count`` exact on SQLite. Each row change adds or takes
    its own part, as it is seen then (SQLite runs a row's triggers before the statement's
    next row): an attribute counts while its person is there and not archived, so a
    person's attributes are added with them (an undo puts them back before the person) and
    taken before the person is deleted (``BEFORE``: the cascade that deletes them then finds
    no person, and takes nothing again). What each insert and delete does is a statement
    or two on one row of the table, with no subquery of several rows: an import writes
    thousands (10,000 people and 20,000 topics: 0.30 s more in the general shape that
    ``attr_update`` and the rest keep, 0.17 s in these, against 0.6 s without triggers)."""
    i, o_or_s = "'i'", "CASE {}.kind WHEN 'offers' THEN 'o' ELSE 's' END"
    yield (
        "CREATE TRIGGER key_count_topic_insert AFTER INSERT ON person_attr"
        " WHEN NEW.kind IN ('topic', 'offers')"
        f" BEGIN {of_attr(i, 'NEW', 1, alone('NEW'))}; END"
    )
    yield (
        "CREATE TRIGGER key_count_offer_insert AFTER INSERT ON person_attr"
        f" WHEN NEW.kind IN ('offers', 'seeks') BEGIN {of_attr(o_or_s.format('NEW'), 'NEW', 1)};"
        " END"
    )
    yield (
        "CREATE TRIGGER key_count_topic_delete AFTER DELETE ON person_attr"
        " WHEN OLD.kind IN ('topic', 'offers')"
        f" BEGIN {of_attr(i, 'OLD', -1, alone('OLD'))}; {drop_zeros('(' + i + ')', OLD_KEY)}; END"
    )
    yield (
        "CREATE TRIGGER key_count_offer_delete AFTER DELETE ON person_attr"
        " WHEN OLD.kind IN ('offers', 'seeks')"
        f" BEGIN {of_attr(o_or_s.format('OLD'), 'OLD', -1)}; {drop_zeros(OS_TAGS, OLD_KEY)}; END"
    )
    both = "(OLD.id, NEW.id)"
    yield (
        "CREATE TRIGGER key_count_attr_update AFTER UPDATE ON person_attr"
        f" WHEN (OLD.kind IN {KEYED} OR NEW.kind IN {KEYED}) AND (OLD.id IS NOT NEW.id"
        " OR OLD.person_id IS NOT NEW.person_id OR OLD.kind IS NOT NEW.kind"
        ' OR OLD."key" IS NOT NEW."key")'
        f" BEGIN {counted_by('OLD', -1, both)}; {counted_by('NEW', 1, both)};"
        f" {drop_zeros(KEYED_TAGS, BOTH_KEYS)}; END"
    )
    own = [
        _one("'n'", "''", "NEW", 1, "true"),
        _one("'e'", "CAST(NEW.met_at_id AS TEXT)", "NEW", 1, "NEW.met_at_id IS NOT NULL"),
        _one("'g'", "NEW.org", "NEW", 1, "NEW.org IS NOT NULL"),
        _one("'l'", "NEW.location", "NEW", 1, "NEW.location IS NOT NULL"),
    ]
    yield (
        "CREATE TRIGGER key_count_person_insert AFTER INSERT ON person"
        f" WHEN NEW.archived_at IS NULL BEGIN {'; '.join(own)}; END"
    )
    yield (  # attributes before their person: an undo's replay, a restore
        "CREATE TRIGGER key_count_person_attrs AFTER INSERT ON person WHEN NEW.archived_at IS NULL"
        " AND EXISTS (SELECT 1 FROM person_attr WHERE person_id = NEW.id)"
        f" BEGIN {count_keys(attr_keys('NEW.id'), 'NEW', 1)}; END"
    )
    yield (
        "CREATE TRIGGER key_count_person_delete BEFORE DELETE ON person"
        f" WHEN OLD.archived_at IS NULL BEGIN {count_keys(own_keys('OLD'), 'OLD', -1)};"
        f" {count_keys(attr_keys('OLD.id'), 'OLD', -1)};"
        f" {drop_zeros(OWN_TAGS, own_keys_only('OLD'))};"
        f" {drop_zeros(KEYED_TAGS, attr_keys_only('OLD.id'))}; END"
    )
    yield (
        "CREATE TRIGGER key_count_person_update AFTER UPDATE ON person"
        f" WHEN {OWN_CHANGED.format(differ='IS NOT')}"
        f" BEGIN {count_keys(own_keys('OLD'), 'OLD', -1)};"
        f" {count_keys(own_keys('NEW'), 'NEW', 1)};"
        f" {drop_zeros(OWN_TAGS, own_keys_only('OLD'))}; END"
    )
    yield (
        "CREATE TRIGGER key_count_person_counted AFTER UPDATE ON person"
        f" WHEN {COUNTED_CHANGED.format(differ='IS NOT')}"
        f" BEGIN {count_keys(attr_keys('OLD.id'), 'OLD', -1)};"
        f" {count_keys(attr_keys('NEW.id'), 'NEW', 1)};"
        f" {drop_zeros(KEYED_TAGS, attr_keys_only('OLD.id'))}; END"
    )


def own_keys_only(row: str) -> str:
    """The keys alone of ``own_keys`` (for ``drop_zeros``)."""
    return f'SELECT "key" FROM ({own_keys(row)}) AS own'


def attr_keys_only(who: str) -> str:
    """The keys alone of a person's attributes (for ``drop_zeros``)."""
    return f'SELECT "key" FROM person_attr WHERE person_id = {who} AND kind IN {KEYED}'


def m013_key_count(conn: sqlite3.Connection) -> Iterator[str]:
    """``key_count``, filled from the people and their attributes, and its triggers."""
    yield from statements(KEY_COUNT_TABLE)
    yield KEY_COUNT_FILL.strip()
    yield from key_count_triggers()


def statements(script: str) -> Iterator[str]:
    """Split SQL into statements, so they can run inside the migration's transaction.

    ``executescript`` would COMMIT first; ``sqlite3.complete_statement`` finds the ends.
    """
    buf = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def _script(sql: str) -> Callable[[sqlite3.Connection], Iterator[str]]:
    return lambda _conn: statements(sql)


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], Iterator[str]]]] = [
    ("m001_initial", _script(M001_INITIAL)),
    ("m002_network", _script(M002_NETWORK)),
    ("m003_history", m003_history),
    ("m004_fk_indexes", _script(M004_FK_INDEXES)),
    ("m005_date_precision", m005_date_precision),
    ("m006_person_uid", m006_person_uid),
    ("m007_resources", m007_resources),
    ("m008_topic_indexes", _script(M008_TOPIC_INDEXES)),
    ("m009_followup_anchor", m009_followup_anchor),
    ("m010_for_indexes", _script(M010_FOR_INDEXES)),
    ("m011_person_topics", m011_person_topics),
    ("m012_list_index", _script(M012_LIST_INDEX)),
    ("m013_key_count", m013_key_count),
]

LATEST = len(MIGRATIONS)
