"""The shared book's DDL: the models' tables as SQLAlchemy writes them for PostgreSQL, and
what the models cannot say (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...migrations import (
    COUNTED_CHANGED,
    KEY_COUNT_FILL,
    KEYED,
    LATEST,
    OPEN,
    OWN_CHANGED,
    UNDONE_TABLES,
    UPSERT,
    alone,
    attr_keys,
    count_keys,
    counted_by,
    of_attr,
    own_keys,
)
from . import ID_TABLES

if TYPE_CHECKING:
    import psycopg

EXTRA_TABLES = ("pln_version", "person_search", "key_count_delta", "key_count_pending")
DEFER_FOREIGN_KEYS = "SET CONSTRAINTS ALL DEFERRED"


def model_ddl() -> list[str]:
    """CREATE TABLE and CREATE INDEX for every model, as SQLAlchemy writes them for
    PostgreSQL (imports SQLModel: only `pln db init` and migrations pay for it)."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    from ... import models  # noqa: F401  (registers the tables)

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    out: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            out.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return out


ROWID_FUNCTION = """
CREATE FUNCTION pln_rowid_is_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.rowid := NEW.id;
    RETURN NEW;
END
$fn$
"""

AUTHOR_FUNCTION = """
CREATE FUNCTION pln_author() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.author := CASE WHEN TG_OP = 'INSERT' THEN current_user::text ELSE OLD.author END;
    RETURN NEW;
END
$fn$
"""

# `pln list`'s topics column (``person_topics``, SQLite's ``migrations.TOPICS_OF``): a
# person's row made again from their topics whenever one is added, changed or removed.
TOPICS_OF_FUNCTION = """
CREATE OR REPLACE FUNCTION pln_person_topics_of(who integer) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
    DELETE FROM person_topics WHERE person_id = who;
    INSERT INTO person_topics (person_id, topics)
    SELECT who, string_agg(value, ', ' ORDER BY id) FROM person_attr
     WHERE person_id = who AND kind = 'topic' HAVING count(*) > 0;
$fn$
"""

TOPICS_FUNCTION = """
CREATE OR REPLACE FUNCTION pln_person_topics() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    -- as on SQLite (migrations.person_topics_triggers): a topic added after the person's
    -- others is appended, their newest removed is cut from the end; else made again
    IF TG_OP = 'INSERT' THEN
        IF NEW.kind = 'topic' THEN
            IF EXISTS (SELECT 1 FROM person_attr WHERE person_id = NEW.person_id
                       AND kind = 'topic' AND id > NEW.id) THEN
                PERFORM pln_person_topics_of(NEW.person_id);
            ELSE
                INSERT INTO person_topics (person_id, topics) VALUES (NEW.person_id, NEW.value)
                ON CONFLICT (person_id)
                DO UPDATE SET topics = person_topics.topics || ', ' || EXCLUDED.topics;
            END IF;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.kind = 'topic' THEN
            IF EXISTS (SELECT 1 FROM person_attr WHERE person_id = OLD.person_id
                       AND kind = 'topic' AND id > OLD.id) THEN
                PERFORM pln_person_topics_of(OLD.person_id);
            ELSIF EXISTS (SELECT 1 FROM person_attr WHERE person_id = OLD.person_id
                          AND kind = 'topic') THEN
                UPDATE person_topics
                   SET topics = left(topics, length(topics) - length(OLD.value) - 2)
                 WHERE person_id = OLD.person_id;
            ELSE
                DELETE FROM person_topics WHERE person_id = OLD.person_id;
            END IF;
        END IF;
        RETURN NULL;
    END IF;
    IF OLD.kind = 'topic' THEN
        PERFORM pln_person_topics_of(OLD.person_id);
    END IF;
    IF NEW.kind = 'topic' THEN
        PERFORM pln_person_topics_of(NEW.person_id);
    END IF;
    RETURN NULL;
END
$fn$
"""


def topics_ddl() -> list[str]:
    """``person_topics``' trigger on ``person_attr``, and its rows made from the topics
    held (at `pln db init`, `pln db upgrade` to schema 11, and after a bulk load that ran
    without triggers)."""
    return [
        TOPICS_OF_FUNCTION,
        TOPICS_FUNCTION,
        "DROP TRIGGER IF EXISTS pln_person_topics ON person_attr",
        "CREATE TRIGGER pln_person_topics AFTER INSERT OR UPDATE OR DELETE ON person_attr"
        " FOR EACH ROW EXECUTE FUNCTION pln_person_topics()",
        *TOPICS_FILL,
    ]


TOPICS_FILL = [
    "DELETE FROM person_topics",
    "INSERT INTO person_topics (person_id, topics) SELECT person_id,"
    " string_agg(value, ', ' ORDER BY id) FROM person_attr WHERE kind = 'topic'"
    " GROUP BY person_id",
]


# ``key_count`` (SQLite's ``migrations.key_count_triggers``; what each row counts is said
# there), with the same statements. A person's row: ``BEFORE DELETE``, while their
# attributes are still there to take (the cascade that deletes them runs after the person's
# row is gone, and finds no person to take them from). An attribute: ``BEFORE`` its change,
# because PostgreSQL runs ``AFTER`` row triggers once the whole statement is done, when one
# row's part can no longer be told from the others' (a merge inserts a person's topic and
# offer of one key in one statement), while a ``BEFORE`` trigger sees the rows the statement
# changed before it, as SQLite's row triggers do. A row an ``INSERT ... ON CONFLICT DO
# NOTHING`` will skip still has its ``BEFORE`` trigger run: one already there of the same
# person, kind and key (the unique key) is not counted again.
#
# Unlike SQLite, the triggers add what they count to ``key_count_delta``, and the
# transaction's deltas are added to ``key_count`` at its commit, once (a deferred trigger on
# ``key_count_pending``, which the transaction's first delta arms, ``pln.key_count``):
# every update of a row makes a new version of it, which the rest of the transaction steps
# over to find it, so the whole book's row updated 10,000 times by one import cost 0.65 s
# (20,000 topics of two common keys: 2 s more), where 10,000 rows appended cost 0.07 s.
# So the counts are exact for every other transaction, and for a writer from its commit.
# armed after the deltas: with the constraints made immediate, the fold runs as it is armed
_ARM = """
    IF current_setting('pln.key_count', true) IS DISTINCT FROM 'pending' THEN
        PERFORM set_config('pln.key_count', 'pending', true);
        INSERT INTO key_count_pending VALUES (1);
    END IF;"""


def _delta(statement: str) -> str:
    """A statement of ``migrations`` that adds to ``key_count``, adding to the delta."""
    into = 'INSERT INTO key_count (tag, "key", everyone, listed)'
    assert statement.startswith(into), statement
    assert statement.endswith(UPSERT), statement
    delta = 'INSERT INTO key_count_delta (tag, "key", everyone, listed)'
    return delta + statement[len(into) : -len(UPSERT)]


# Whether an update changes what a person's row or an attribute counts for. Tested in the
# functions, not in the triggers' WHEN: a column a trigger's WHEN names cannot change type,
# which is how a forget drops an emptied table's statistics (``store.forget``).
_CHANGED = " OR ".join(
    f"({test.format(differ='IS DISTINCT FROM')})" for test in (OWN_CHANGED, COUNTED_CHANGED)
)
_MOVED = (
    f"(OLD.kind IN {KEYED} OR NEW.kind IN {KEYED}) AND (OLD.id, OLD.person_id, OLD.kind,"
    ' OLD."key") IS DISTINCT FROM (NEW.id, NEW.person_id, NEW.kind, NEW."key")'
)
KEY_COUNT_PERSON_FUNCTION = f"""
CREATE OR REPLACE FUNCTION pln_key_count_person() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF TG_OP = 'UPDATE' AND NOT ({_CHANGED}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        {_delta(count_keys(own_keys("NEW"), "NEW", 1))};
        {_delta(count_keys(attr_keys("NEW.id"), "NEW", 1))};
    ELSIF TG_OP = 'DELETE' THEN
        {_delta(count_keys(own_keys("OLD"), "OLD", -1))};
        {_delta(count_keys(attr_keys("OLD.id"), "OLD", -1))};
    ELSE
        IF {OWN_CHANGED.format(differ="IS DISTINCT FROM")} THEN
            {_delta(count_keys(own_keys("OLD"), "OLD", -1))};
            {_delta(count_keys(own_keys("NEW"), "NEW", 1))};
        END IF;
        IF {COUNTED_CHANGED.format(differ="IS DISTINCT FROM")} THEN
            {_delta(count_keys(attr_keys("OLD.id"), "OLD", -1))};
            {_delta(count_keys(attr_keys("NEW.id"), "NEW", 1))};
        END IF;
    END IF;{_ARM}
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END
$fn$
"""

_I, _O_OR_S = "'i'", "CASE {}.kind WHEN 'offers' THEN 'o' ELSE 's' END"
_BOTH = "(OLD.id, NEW.id)"
KEY_COUNT_ATTR_FUNCTION = f"""
CREATE OR REPLACE FUNCTION pln_key_count_attr() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.kind NOT IN {KEYED} OR TG_OP = 'DELETE'
       AND OLD.kind NOT IN {KEYED} OR TG_OP = 'UPDATE' AND NOT ({_MOVED}) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM person_attr WHERE person_id = NEW.person_id
                       AND kind = NEW.kind AND "key" = NEW."key") THEN
            IF NEW.kind IN ('topic', 'offers') THEN
                {_delta(of_attr(_I, "NEW", 1, alone("NEW")))};
            END IF;
            IF NEW.kind IN ('offers', 'seeks') THEN
                {_delta(of_attr(_O_OR_S.format("NEW"), "NEW", 1))};
            END IF;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.kind IN ('topic', 'offers') THEN
            {_delta(of_attr(_I, "OLD", -1, alone("OLD")))};
        END IF;
        IF OLD.kind IN ('offers', 'seeks') THEN
            {_delta(of_attr(_O_OR_S.format("OLD"), "OLD", -1))};
        END IF;
    ELSE
        {_delta(counted_by("OLD", -1, _BOTH))};
        {_delta(counted_by("NEW", 1, _BOTH))};
    END IF;{_ARM}
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$fn$
"""

KEY_COUNT_FOLD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION pln_key_count_fold() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF current_setting('pln.key_count', true) IS DISTINCT FROM 'pending' THEN
        RETURN NULL;
    END IF;
    INSERT INTO key_count (tag, "key", everyone, listed)
    SELECT tag, "key", sum(everyone), sum(listed) FROM key_count_delta
     GROUP BY tag, "key" HAVING sum(everyone) <> 0 OR sum(listed) <> 0{UPSERT};
    DELETE FROM key_count k USING key_count_delta d
     WHERE k.everyone = 0 AND k.tag = d.tag AND k."key" = d."key";
    DELETE FROM key_count_delta;
    DELETE FROM key_count_pending;
    PERFORM set_config('pln.key_count', '', true);
    RETURN NULL;
END
$fn$
"""


# The triggers that keep ``key_count`` exact, by table (``pln db check`` looks for them).
KEY_COUNT_TRIGGERS = {
    "person": ("pln_key_count_insert", "pln_key_count_update", "pln_key_count_delete"),
    "person_attr": ("pln_key_count_insert", "pln_key_count_update", "pln_key_count_delete"),
    "key_count_pending": ("pln_key_count_fold",),
}
KEY_COUNT_TABLES = ("key_count_delta", "key_count_pending")


def key_count_ddl() -> list[str]:
    """``key_count``'s triggers on ``person`` and ``person_attr``, the tables its deltas
    wait in until the commit, and its rows counted from the book (at `pln db init`, `pln db
    upgrade` to schema 13, and after a bulk load that ran without triggers)."""
    out = [
        'CREATE TABLE IF NOT EXISTS key_count_delta (tag text COLLATE "C" NOT NULL,'
        ' "key" text COLLATE "C" NOT NULL, everyone integer NOT NULL, listed integer NOT NULL)',
        "CREATE TABLE IF NOT EXISTS key_count_pending (armed integer NOT NULL)",
        KEY_COUNT_PERSON_FUNCTION,
        KEY_COUNT_ATTR_FUNCTION,
        KEY_COUNT_FOLD_FUNCTION,
    ]
    for table, names in KEY_COUNT_TRIGGERS.items():
        out += [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name in names]
    person = "FOR EACH ROW EXECUTE FUNCTION pln_key_count_person()"
    attr = "FOR EACH ROW EXECUTE FUNCTION pln_key_count_attr()"
    out += [
        f"CREATE TRIGGER pln_key_count_insert AFTER INSERT ON person {person}",
        f"CREATE TRIGGER pln_key_count_update AFTER UPDATE ON person {person}",
        f"CREATE TRIGGER pln_key_count_delete BEFORE DELETE ON person {person}",
        f"CREATE TRIGGER pln_key_count_insert BEFORE INSERT ON person_attr {attr}",
        f"CREATE TRIGGER pln_key_count_update BEFORE UPDATE ON person_attr {attr}",
        f"CREATE TRIGGER pln_key_count_delete BEFORE DELETE ON person_attr {attr}",
        "CREATE CONSTRAINT TRIGGER pln_key_count_fold AFTER INSERT ON key_count_pending"
        " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pln_key_count_fold()",
    ]
    return out + KEY_COUNT_REFILL


KEY_COUNT_REFILL = [
    "DELETE FROM key_count",
    "DELETE FROM key_count_delta",
    "DELETE FROM key_count_pending",
    KEY_COUNT_FILL.strip(),
]


def _quoted(column: str, kind: str) -> str:
    """SQL giving, from the old row, the value as SQLite's ``quote()`` writes it."""
    value = f'OLD."{column}"'
    if kind in {"integer", "bigint", "smallint"}:
        return f"coalesce({value}::text, 'NULL')"
    if kind == "boolean":
        return f"coalesce(CASE WHEN {value} THEN '1' ELSE '0' END, 'NULL')"
    if kind.startswith("timestamp"):
        value = f"to_char({value}, 'YYYY-MM-DD HH24:MI:SS.US')"
    # As quote(): only ' is doubled (quote_literal writes a backslash as E'\\').
    quote = "''''"  # SQL for the text '
    return f"coalesce({quote} || replace({value}::text, {quote}, '''''') || {quote}, 'NULL')"


def _columns(conn: psycopg.Connection[Any], table: str) -> list[tuple[str, str]]:
    """The table's columns as they are now (``rowid`` aside), in their order."""
    return [
        (str(c), str(k))
        for c, k in conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attname <> 'rowid' ORDER BY attnum",
            (table,),
        ).fetchall()
    ]


def capture_function(table: str, cols: Sequence[tuple[str, str]]) -> str:
    """``pln_capture_<table>()``: the undo step of one row written by static SQL for this
    table's columns, planned once per session (a generic function building its SQL per
    row from trigger arguments with EXECUTE cost 0.25-1.3 ms an updated or deleted row,
    against 0.06-0.17 ms: ``benchmarks/pg_capture.py``)."""
    sets = " || ',' || ".join(f"'\"{c}\"=' || {_quoted(c, k)}" for c, k in cols)
    values = " || ',' || ".join(_quoted(c, k) for c, k in cols)
    names = ",".join(f'"{c}"' for c, _ in cols)
    insert = _literal(f"INSERT INTO {table} (rowid,{names}) VALUES (")
    return f"""
CREATE OR REPLACE FUNCTION pln_capture_{table}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    change bigint;
BEGIN
    -- Only while pln has a change open, in this transaction: writes by other tools,
    -- and other members' concurrent changes, are not this change's to undo.
    SELECT c.id INTO change FROM change_log c
     WHERE c.xmin = pg_current_xact_id()::xid AND c.summary = '{OPEN}'
     ORDER BY c.id DESC LIMIT 1;
    IF change IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO undo_step (change_id, tbl, op, sql) VALUES (change, '{table}', 'insert',
            'DELETE FROM {table} WHERE rowid = ' || NEW.rowid);
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO undo_step (change_id, tbl, op, sql) VALUES (change, '{table}', 'update',
            'UPDATE {table} SET ' || {sets} || ' WHERE rowid = ' || OLD.rowid);
        RETURN NEW;
    END IF;
    INSERT INTO undo_step (change_id, tbl, op, sql) VALUES (change, '{table}', 'delete',
        {insert} || OLD.rowid || ',' || {values} || ')');
    RETURN OLD;
END
$fn$
"""


def capture_ddl(conn: psycopg.Connection[Any], tables: Sequence[str] = UNDONE_TABLES) -> list[str]:
    """The capture triggers, each table with its own function generated from its columns
    as they are now (a later migration that changes a table's columns makes them again, as
    on SQLite). Run on a book made by an older pln, it replaces the generic ``pln_capture()``
    its triggers called, then drops that function."""
    out: list[str] = []
    for table in tables:
        out.append(capture_function(table, _columns(conn, table)))
        out.append(f"DROP TRIGGER IF EXISTS pln_capture_write ON {table}")
        out.append(f"DROP TRIGGER IF EXISTS pln_capture_delete ON {table}")
        out.append(
            f"CREATE TRIGGER pln_capture_write AFTER INSERT OR UPDATE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION pln_capture_{table}()"
        )
        # Before the row goes, as on SQLite: a parent's step comes before its cascade's.
        out.append(
            f"CREATE TRIGGER pln_capture_delete BEFORE DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION pln_capture_{table}()"
        )
    still_used = conn.execute(  # by a table not given here (an older book's)
        "SELECT count(*) FROM pg_trigger WHERE tgfoid = to_regprocedure('pln_capture()')"
        " AND NOT tgrelid::regclass::text = ANY(%s)",
        (list(tables),),
    ).fetchone()
    if not (still_used and still_used[0]):
        out.append("DROP FUNCTION IF EXISTS pln_capture()")
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rowid_ddl(table: str) -> list[str]:
    if table in ID_TABLES:
        return [
            f"ALTER TABLE {table} ADD COLUMN rowid bigint",
            f"CREATE UNIQUE INDEX ix_{table}_rowid ON {table} (rowid)",
            f"CREATE TRIGGER pln_rowid BEFORE INSERT OR UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION pln_rowid_is_id()",
        ]
    return [
        f"ALTER TABLE {table} ADD COLUMN rowid bigserial NOT NULL",
        f"CREATE UNIQUE INDEX ix_{table}_rowid ON {table} (rowid)",
    ]


SEARCH_TABLE = """
CREATE TABLE person_search (
    person_id integer PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE
        DEFERRABLE INITIALLY IMMEDIATE,
    name text NOT NULL DEFAULT '',
    org text NOT NULL DEFAULT '',
    tags text NOT NULL DEFAULT '',
    notes text NOT NULL DEFAULT '',
    interactions text NOT NULL DEFAULT '',
    doc tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('pln', name), 'A')
        || setweight(to_tsvector('pln', org || ' ' || tags), 'B')
        || setweight(to_tsvector('pln', notes), 'C')
        || setweight(to_tsvector('pln', interactions), 'D')
    ) STORED
)
"""


def search_config_ddl(unaccent: bool) -> list[str]:
    """The ``pln`` text search configuration: words lower-cased, accents folded (unaccent)."""
    out = ["CREATE TEXT SEARCH CONFIGURATION pln (COPY = simple)"]
    if unaccent:
        out.append(
            "ALTER TEXT SEARCH CONFIGURATION pln ALTER MAPPING FOR"
            " asciiword, word, numword, asciihword, hword, numhword,"
            " hword_asciipart, hword_part, hword_numpart WITH unaccent, simple"
        )
    return out


def byte_order_ddl(conn: psycopg.Connection[Any]) -> list[str]:
    """Every text column of the book's tables compares byte by byte (the ``"C"``
    collation), as SQLite's ``BINARY`` does, whatever the database's default collation:
    names sort the same on both engines (``ORDER BY name_key`` puts ``zoe`` before
    ``ørjan`` as SQLite does, where ``en-US`` would not), and so do ``min``/``max``,
    comparisons and ``ILIKE``'s case folding (ASCII only, as SQLite's ``LIKE``), in every
    statement, without a ``COLLATE`` in each. Generated from the columns as they are now,
    so a later table or column gets it the same way (``person_search``, made after this,
    is only searched, never ordered)."""
    found = conn.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)"
        " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
        " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
        " AND a.attnum > 0 AND NOT a.attisdropped"
        " AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype)"
        " AND a.attcollation <> 'pg_catalog.\"C\"'::regcollation"
        " ORDER BY c.relname, a.attnum"
    ).fetchall()
    return [
        f'ALTER TABLE {table} ALTER COLUMN "{column}" TYPE {kind} COLLATE "C"'
        for table, column, kind in found
    ]


def deferrable_ddl(conn: psycopg.Connection[Any]) -> list[str]:
    """Every foreign key of the book ``DEFERRABLE`` (undo checks them at the end)."""
    return [
        f'ALTER TABLE {table} ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE'
        for table, name in conn.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint"
            " WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2"
        ).fetchall()
    ]


def extra_ddl(conn: psycopg.Connection[Any], *, unaccent: bool) -> list[str]:
    """What the models cannot say (module docstring), after their tables exist."""
    out = [
        "CREATE TABLE pln_version (version integer NOT NULL)",
        f"INSERT INTO pln_version (version) VALUES ({LATEST})",
        'ALTER TABLE change_log ADD COLUMN author text COLLATE "C" NOT NULL DEFAULT current_user',
        AUTHOR_FUNCTION,
        "CREATE TRIGGER pln_author BEFORE INSERT OR UPDATE ON change_log"
        " FOR EACH ROW EXECUTE FUNCTION pln_author()",
        ROWID_FUNCTION,
    ]
    for table in UNDONE_TABLES:
        out.extend(_rowid_ddl(table))
    out.extend(deferrable_ddl(conn))
    out.extend(search_config_ddl(unaccent))
    out.extend(byte_order_ddl(conn))
    out.append(SEARCH_TABLE)
    out.append("CREATE INDEX ix_person_search_doc ON person_search USING gin (doc)")
    out.extend(topics_ddl())
    out.extend(key_count_ddl())
    return out
