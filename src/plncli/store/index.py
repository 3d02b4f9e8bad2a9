"""What suggestions load (``suggest.Book``): people and their keys, ties, what blocks a pair,
and, for one person or one pair, the scope worth loading and the counts of their keys.

Speed is the point here (`pln introduce` reads the whole book): the statements are the
tuned ones (the covering-index read with ``+kind``, the scope's temp tables, counts taken
only when asked for), and the loops that make one entry per person iterate the cursor
right here and build what ``suggest.py`` needs, with no named row per person in between
(the people's rows are plain tuples, unpacked by name where they are read).

SQLite-only SQL is in the functions named ``*_sqlite``: the scope's temp tables are filled
with ``INSERT OR IGNORE`` (their statements and plans as measured), shared organisations
and places compare ``COLLATE NOCASE``, a person's keys come in one ``group_concat`` string,
and "as first written" is ``ORDER BY rowid``. Each has a twin ``*_pg`` for a shared book (at
the end of the module), and ``suggest.py`` calls the engine-neutral name between them.

What `--for` and one pair count of the whole book (how many people are considered, how
many hold one key, how many share an organisation, place or event) is read from
``key_count`` (schema 13: ``migrations.KEY_COUNT_TABLE``), which triggers keep exact on
both engines: one row by its key, or an organisation's or place's spellings through its
case-blind index (``ix_key_count_fold``). Counting them from the people read tens of
thousands of rows a run at 100,000 people, two fifths of `--for`. A topic of several
stored spellings or synonyms is counted from its holders (``count_holders_sqlite``, whether
a holder counts read from ``ix_person_eligible``): a person may hold two of them, and a sum
of rows would count them twice.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence

from . import Conn, column, is_pg, marks, scalar

_TOPIC_KINDS = "kind IN ('topic', 'offers', 'seeks')"
TOPIC_KINDS = ("topic", "offers", "seeks")


def _kinds_in(kinds: Sequence[str]) -> str:
    """``kind IN (...)`` for these kinds, which are pln's own names (never the user's)."""
    if tuple(kinds) == TOPIC_KINDS:
        return _TOPIC_KINDS
    return "kind IN (" + ", ".join(f"'{k}'" for k in TOPIC_KINDS if k in kinds) + ")"


_IN_SCOPE = " AND person_id IN (SELECT id FROM _scope)"

# ---- the book -----------------------------------------------------------------------------


def private_keys(conn: Conn) -> set[str]:
    """Every private mark as ``kind:key``."""
    return {mark for (mark,) in conn.execute("SELECT kind || ':' || key FROM private_mark")}


def _first_written_sqlite() -> str:
    """The order of insertion, oldest first. SQLite only: ``rowid``."""
    return "ORDER BY rowid LIMIT 1"


def topic_as_first_written_sqlite(conn: Conn, keys: Sequence[str]) -> str | None:
    """The first stored value (as the user wrote it) of a topic, offer or need with one of
    these keys. SQLite only: insertion order (``_first_written_sqlite``)."""
    found = conn.execute(
        "SELECT value FROM person_attr WHERE kind IN ('topic', 'offers', 'seeks')"
        f" AND key IN ({','.join('?' * len(keys))}) {_first_written_sqlite()}",
        keys,
    ).fetchone()
    return None if found is None else str(found[0])


def topic_as_written_by_sqlite(conn: Conn, pid: int, kind: str, keys: Sequence[str]) -> str | None:
    """How this person first wrote their ``kind`` with one of these keys. SQLite only:
    insertion order (``_first_written_sqlite``)."""
    found = conn.execute(
        f"SELECT value FROM person_attr WHERE person_id = ? AND kind = ?"
        f" AND key IN ({','.join('?' * len(keys))}) {_first_written_sqlite()}",
        (pid, kind, *keys),
    ).fetchone()
    return None if found is None else str(found[0])


def people(
    conn: Conn, *, following: bool, scoped: bool
) -> list[tuple[int, str, str, str, str, int]]:
    """The people to index, not archived (``following``: those you only follow too;
    ``scoped``: only those in the scope table): plain tuples of ``id``, ``name``,
    ``circle``, ``org``, ``location``, ``met_at_id``."""
    circles = "" if following else " AND circle != 'following'"
    scope = " AND id IN (SELECT id FROM _scope)" if scoped else ""
    # in id order, as SQLite's scan gives them (PostgreSQL's follows its heap, where an
    # updated row moves): the whole book's walk breaks ties between lists in this order
    order = " ORDER BY id" if is_pg(conn) else ""
    return conn.execute(
        "SELECT id, name, circle, org, location, met_at_id FROM person"
        f" WHERE archived_at IS NULL{circles}{scope}{order}"
    ).fetchall()


def topic_keys_by_person_sqlite(
    conn: Conn, *, scoped: bool, effective: Mapping[str, str | None] | None
) -> dict[tuple[int, str], frozenset[str]]:
    """Each person's topic, offers and seeks keys, by (person id, kind): the stored keys,
    or (``effective``) what each counts as, without those that count as None.

    SQLite only: the keys come in one ``group_concat(key, char(31))`` string a person
    and kind (PostgreSQL: ``string_agg``).
    """
    where = _TOPIC_KINDS + (_IN_SCOPE if scoped else "")
    attrs: dict[tuple[int, str], frozenset[str]] = {}
    # +kind: read the covering (person_id, kind, key) index in its order, with no sort
    # (the (kind, key) index the planner picks otherwise costs a sort: 2.5x at 100k)
    for pid, kind, keys in conn.execute(
        "SELECT person_id, kind, group_concat(key, char(31)) FROM person_attr"
        f" WHERE +{where} GROUP BY person_id, kind"
    ):
        stored_keys = keys.split("\x1f")
        attrs[pid, kind] = frozenset(
            stored_keys if effective is None else [k for k in map(effective.get, stored_keys) if k]
        )
    return attrs


def topic_keys_of_people(conn: Conn, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """The topic, offers and seeks keys of these people only: (person id, kind, key)."""
    found: list[tuple[int, str, str]] = []
    for start in range(0, len(ids), 500):  # well under any engine's limit on parameters
        chunk = ids[start : start + 500]
        found += conn.execute(
            f"SELECT person_id, kind, key FROM person_attr WHERE person_id IN ({marks(len(chunk))})"
            f" AND {_TOPIC_KINDS}",
            chunk,
        ).fetchall()
    return found


def scope_holders_sqlite(conn: Conn, keys: Sequence[str]) -> list[tuple[int, str, str]]:
    """Who in ``_scope`` holds a topic, offer or need with one of ``keys``: (person id,
    kind, key), in no particular order.

    SQLite only: the keys are held by more than FOCUS_CAP people (tens of thousands at
    100,000), the scope by a few thousand, so each person of the scope is looked up
    (``CROSS JOIN``: the scope first; ``+``: by person only, reading their few rows) rather
    than every holder of each key and kind looked up in the scope: half the time at 100,000.
    """
    if not keys:
        return []
    return conn.execute(
        "SELECT a.person_id, a.kind, a.key FROM _scope s CROSS JOIN person_attr a"
        " ON a.person_id = s.id WHERE +a.kind IN ('topic', 'offers', 'seeks')"
        f" AND +a.key IN ({marks(len(keys))})",
        keys,
    ).fetchall()


def event_names(conn: Conn, ids: Sequence[int] | None = None) -> list[tuple[int, str]]:
    """Events (``id``, ``name``): all, or those with these ids (the events the people a
    scoped book loaded were met at: read by id, not by walking the scope's people again)."""
    if ids is None:
        return conn.execute("SELECT id, name FROM event").fetchall()
    found: list[tuple[int, str]] = []
    for start in range(0, len(ids), 500):  # well under any engine's limit on parameters
        chunk = ids[start : start + 500]
        found += conn.execute(
            f"SELECT id, name FROM event WHERE id IN ({marks(len(chunk))})", chunk
        ).fetchall()
    return found


def neighbours(conn: Conn, *, scoped: bool) -> dict[int, set[int]]:
    """Whom each person knows (ties between people not archived): all ties, or
    (``scoped``) those of the people in the hood table."""
    found: dict[int, set[int]] = defaultdict(set)
    if not scoped:
        # every tie, in the order of its key, and the few archived people left out here:
        # two lookups of person per tie cost half of this read (~9 ms at 10,000 people)
        gone = set(column(conn, "SELECT id FROM person WHERE archived_at IS NOT NULL"))
        for a, b in conn.execute("SELECT a_id, b_id FROM tie ORDER BY a_id, b_id"):
            if not (gone and (a in gone or b in gone)):
                found[a].add(b)
                found[b].add(a)
        return found
    # scoped: the focus's ties, and the ties of everyone it knows
    hood = " WHERE t.a_id IN (SELECT id FROM _hood) OR t.b_id IN (SELECT id FROM _hood)"
    for a, b in conn.execute(
        "SELECT a_id, b_id FROM tie t JOIN person p ON p.id = t.a_id AND p.archived_at IS NULL"
        " JOIN person q ON q.id = t.b_id AND q.archived_at IS NULL" + hood
    ):
        found[a].add(b)
        found[b].add(a)
    return found


def introduced_pairs(conn: Conn) -> list[tuple[int, int]]:
    """Every pair with an introduction recorded (a_id, b_id)."""
    return conn.execute("SELECT a_id, b_id FROM introduction").fetchall()


def dismissed_pairs(conn: Conn, today: str) -> list[tuple[int, int]]:
    """Every pair dismissed for good or until after ``today`` (a_id, b_id)."""
    return conn.execute(
        "SELECT a_id, b_id FROM dismissal WHERE until IS NULL OR until > ?", (today,)
    ).fetchall()


def group_memberships(conn: Conn) -> dict[int, list[int]]:
    """Each group's member ids, by group id."""
    found: dict[int, list[int]] = defaultdict(list)
    for gid, pid in conn.execute("SELECT group_id, person_id FROM pgroup_member"):
        found[gid].append(pid)
    return found


# ---- the scope of one person or one pair --------------------------------------------------


def open_scope_sqlite(conn: Conn) -> None:
    """Empty temp tables ``_scope`` (whom to load) and ``_hood`` (whose ties to load).

    SQLite only: kept as measured with the statements that fill them (``INSERT OR IGNORE``).
    """
    for table in ("_scope", "_hood"):
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY)")
        conn.execute(f"DELETE FROM {table}")


def hood_add_focus_sqlite(conn: Conn, focus: int) -> None:
    """Put the focus and whom they know in ``_hood``. SQLite only: ``INSERT OR IGNORE``."""
    conn.execute("INSERT INTO _hood VALUES (?)", (focus,))
    conn.execute(
        "INSERT OR IGNORE INTO _hood SELECT CASE WHEN a_id = ? THEN b_id ELSE a_id END"
        " FROM tie WHERE a_id = ? OR b_id = ?",
        (focus, focus, focus),
    )


def hood_others(conn: Conn, focus: int) -> list[int]:
    """Who is in ``_hood`` besides the focus."""
    return column(conn, "SELECT id FROM _hood WHERE id != ?", (focus,))


def tie_degree(conn: Conn, pid: int) -> int:
    """How many ties this person has."""
    return int(
        scalar(
            conn,
            "SELECT (SELECT count(*) FROM tie WHERE a_id = ?) + (SELECT count(*) FROM tie"
            " WHERE b_id = ?)",
            (pid, pid),
        )
    )


def hood_add_ties_of_sqlite(conn: Conn, pid: int) -> None:
    """Put whom this person knows in ``_hood``. SQLite only: ``INSERT OR IGNORE``."""
    conn.execute(
        "INSERT OR IGNORE INTO _hood SELECT b_id FROM tie WHERE a_id = ?"
        " UNION SELECT a_id FROM tie WHERE b_id = ?",
        (pid, pid),
    )


def topic_keys_of(conn: Conn, pid: int) -> list[str]:
    """The distinct keys of this person's topics, offers and needs."""
    return column(
        conn,
        "SELECT DISTINCT key FROM person_attr WHERE person_id = ?"
        " AND kind IN ('topic', 'offers', 'seeks')",
        (pid,),
    )


def key_holders(
    conn: Conn, keys: Sequence[str], *, cap: int, kinds: Sequence[str] = TOPIC_KINDS
) -> list[tuple[int, str, str]] | None:
    """Who holds a topic, offer or need (of ``kinds``) with one of ``keys``: (person id,
    kind, key), or None when there are more than ``cap`` such rows."""
    where = f"{_kinds_in(kinds)} AND key IN ({marks(len(keys))})"
    more = f"SELECT count(*) FROM (SELECT 1 FROM person_attr WHERE {where} LIMIT ?) AS found"
    if scalar(conn, more, (*keys, cap + 1)) > cap:
        return None
    return conn.execute(
        f"SELECT person_id, kind, key FROM person_attr WHERE {where}", keys
    ).fetchall()


def scope_add_holders_sqlite(
    conn: Conn, keys: Sequence[str], kinds: Sequence[str] = TOPIC_KINDS
) -> None:
    """Add who holds a topic, offer or need (of ``kinds``) with one of ``keys`` to
    ``_scope``, in one statement (not their ids sent back one by one). SQLite only:
    ``INSERT OR IGNORE``."""
    conn.execute(
        "INSERT OR IGNORE INTO _scope SELECT person_id FROM person_attr"
        f" WHERE {_kinds_in(kinds)} AND key IN ({marks(len(keys))})",
        keys,
    )


def sharing_values(conn: Conn, pid: int) -> list[tuple[str, object]]:
    """This person's ``met_at_id``, ``org`` and ``location``, each with its column."""
    found = conn.execute("SELECT met_at_id, org, location FROM person WHERE id = ?", (pid,))
    values = found.fetchone() or (None, None, None)
    return list(zip(("met_at_id", "org", "location"), values, strict=True))


def sharing_values_of(conn: Conn, ids: Sequence[int]) -> dict[int, list[tuple[str, object]]]:
    """``sharing_values`` of each of these people, read in one statement per 500 (not
    one a person: a focus who knows hundreds of people read each one's organisation
    alone). Every id given has an entry; one with no row (gone) has None in each column,
    as ``sharing_values`` gives. The values are as stored (not folded), archived or not."""
    found: dict[int, list[tuple[str, object]]] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):  # well under any engine's limit on parameters
        chunk = wanted[start : start + 500]
        for pid, *values in conn.execute(
            f"SELECT id, met_at_id, org, location FROM person WHERE id IN ({marks(len(chunk))})",
            chunk,
        ):
            found[pid] = list(zip(("met_at_id", "org", "location"), values, strict=True))
    none: list[tuple[str, object]] = [("met_at_id", None), ("org", None), ("location", None)]
    return {pid: found.get(pid, list(none)) for pid in ids}


def _equal_folding_ascii_sqlite(left: str, right: str, column_name: str) -> str:
    """Equal as compared case-blind; an id column compares as it is. SQLite only:
    ``COLLATE NOCASE``, as the indexes of schema 10 on ``person.org`` and
    ``person.location`` are made (and none on an id: a collation there would keep SQLite
    from its index, ``ix_person_met_at``)."""
    if column_name == "met_at_id":
        return f"{left} = {right}"
    return f"{left} = {right} COLLATE NOCASE"


def sharing_over_sqlite(conn: Conn, column_name: str, value: object, cap: int) -> bool:
    """Do more than ``cap`` people (any) have this ``met_at_id``, ``org`` or ``location``?
    SQLite only: ``COLLATE NOCASE``; read from the column's index up to the first ``cap + 1``
    (a place everyone shares is not counted to the end for this)."""
    same = _equal_folding_ascii_sqlite(column_name, "?", column_name)
    found = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM person WHERE {same} LIMIT ?) AS found",
        (value, cap + 1),
    ).fetchone()
    return int(found[0]) > cap


def add_sharing_sqlite(conn: Conn, table: str, focus: int, column_name: str) -> None:
    """Add who shares the focus's ``met_at_id``, ``org`` or ``location`` to ``table``
    (``_scope`` or ``_hood``). SQLite only: ``COLLATE NOCASE``, ``INSERT OR IGNORE``."""
    same = _equal_folding_ascii_sqlite(f"p.{column_name}", f"f.{column_name}", column_name)
    conn.execute(
        f"INSERT OR IGNORE INTO {table} SELECT p.id FROM person p JOIN person f ON f.id = ?"
        f" WHERE {same}",
        (focus,),
    )


def scope_add_hood_sqlite(conn: Conn) -> None:
    """Add the hood and whom they know to ``_scope``. SQLite only: ``INSERT OR IGNORE``."""
    conn.execute(
        "INSERT OR IGNORE INTO _scope SELECT a_id FROM tie WHERE b_id IN (SELECT id FROM _hood)"
        " UNION SELECT b_id FROM tie WHERE a_id IN (SELECT id FROM _hood)"
    )
    conn.execute("INSERT OR IGNORE INTO _scope SELECT id FROM _hood")


def pair_scope_sqlite(conn: Conn, pair: tuple[int, int]) -> None:
    """Fill the temp tables with the two people and whom they know (for common
    acquaintances and their degrees): all that scoring one pair needs.
    SQLite only: ``INSERT OR IGNORE``."""
    open_scope_sqlite(conn)
    conn.executemany("INSERT OR IGNORE INTO _hood VALUES (?)", [(i,) for i in pair])
    conn.execute(
        "INSERT OR IGNORE INTO _scope SELECT a_id FROM tie WHERE b_id IN (SELECT id FROM _hood)"
        " UNION SELECT b_id FROM tie WHERE a_id IN (SELECT id FROM _hood)"
    )
    conn.execute("INSERT OR IGNORE INTO _hood SELECT id FROM _scope")
    conn.execute("INSERT OR IGNORE INTO _scope VALUES (?), (?)", pair)


# ---- counts of keys, for one person or one pair -------------------------------------------


def _eligible(following: bool) -> str:
    return "archived_at IS NULL" + ("" if following else " AND circle != 'following'")


# What a row of ``key_count`` counts (m013, ``migrations.KEY_COUNT_TABLE``): the tag of the
# kinds of attribute ``count_holders`` is asked about, and of each column of ``person``
_TAG_OF_KINDS = {("topic", "offers"): "i", ("offers",): "o", ("seeks",): "s"}
_TAG_OF_COLUMN = {"met_at_id": "e", "org": "g", "location": "l"}
_KEY = '"key"'


def _counted(following: bool) -> str:
    """The column of ``key_count`` that counts the people ``_eligible(following)`` takes."""
    return "everyone" if following else "listed"


def count_eligible(conn: Conn, *, following: bool) -> int:
    """How many people suggestions consider: ``key_count``'s row of the whole book."""
    found = conn.execute(
        f"SELECT {_counted(following)} FROM key_count WHERE tag = 'n' AND {_KEY} = ''"
    ).fetchone()
    return 0 if found is None else int(found[0])


def _sharing_rows(conn: Conn, column_name: str, value: object) -> tuple[str, list[object]]:
    """The rows of ``key_count`` that count who has this ``met_at_id``, ``org`` or
    ``location`` (``FROM ... WHERE ...``: the value's spellings, compared as the engine's
    case-blind index on ``key`` does, ``ix_key_count_fold``), and the parameters."""
    if column_name == "met_at_id":
        return f"key_count WHERE tag = 'e' AND {_KEY} = ?", [str(value)]
    tag = _TAG_OF_COLUMN[column_name]
    if is_pg(conn):
        same = _equal_folding_ascii_pg(_KEY, "?", column_name)
        return f"key_count WHERE tag = ? AND {same}", [tag, value]
    return _sharing_rows_sqlite(column_name), [tag, value]


def _sharing_rows_sqlite(column_name: str) -> str:
    """SQLite only: ``COLLATE NOCASE``, and ``INDEXED BY``: the planner, which has no
    statistics of the table, else reads every row of the tag by its primary key."""
    same = _equal_folding_ascii_sqlite(_KEY, "?", column_name)
    return f"key_count INDEXED BY ix_key_count_fold WHERE tag = ? AND {same}"


def sharing(conn: Conn, column_name: str, value: object, *, following: bool) -> int:
    """How many people considered (not archived; ``following``: those you only follow
    too) have this ``met_at_id``, ``org`` or ``location`` (case-blind, A-Z only)."""
    if value is None:
        return 0
    rows, params = _sharing_rows(conn, column_name, value)
    return int(scalar(conn, f"SELECT coalesce(sum({_counted(following)}), 0) FROM {rows}", params))


def count_eligible_sharing(
    conn: Conn, column_name: str, value: object, *, following: bool
) -> tuple[int, int]:
    """``count_eligible`` and ``sharing`` of this value, in one statement."""
    if value is None:
        return count_eligible(conn, following=following), 0
    rows, params = _sharing_rows(conn, column_name, value)
    counted = _counted(following)
    found = conn.execute(
        f"SELECT (SELECT {counted} FROM key_count WHERE tag = 'n' AND {_KEY} = ''),"
        f" (SELECT coalesce(sum({counted}), 0) FROM {rows})",
        params,
    ).fetchone()
    return int(found[0] or 0), int(found[1])


def count_holders(conn: Conn, kinds: Sequence[str], keys: Sequence[str], *, following: bool) -> int:
    """How many people considered hold one of ``keys`` as one of ``kinds``: one key is
    ``key_count``'s row; several (the spellings and synonyms of one topic, which a person may
    hold more than one of) are counted from the people's attributes (``count_holders_*``)."""
    tag = _TAG_OF_KINDS.get(tuple(kinds))
    if tag is not None and len(set(keys)) == 1:
        found = conn.execute(
            f"SELECT {_counted(following)} FROM key_count WHERE tag = ? AND {_KEY} = ?",
            (tag, keys[0]),
        ).fetchone()
        return 0 if found is None else int(found[0])
    either = count_holders_pg if is_pg(conn) else count_holders_sqlite
    return either(conn, kinds, keys, following=following)


def count_holders_sqlite(
    conn: Conn, kinds: Sequence[str], keys: Sequence[str], *, following: bool
) -> int:
    """How many people considered hold one of ``keys`` as one of ``kinds``.

    SQLite only: a common topic is held by most of the book (70,000 rows of 100,000 people
    in the benchmark's dense book), and each holder is looked up to see whether they count.
    ``INDEXED BY`` reads whether they do from the narrow ``ix_person_eligible`` (schema 10)
    rather than the person's row, which the planner takes otherwise. Each kind and key is
    read in person order from the covering index, so that ``UNION ... ORDER BY`` merges them
    and counts a person once with no sort (and one kind and key, unique to a person, needs
    no merge): 40% less than ``count(DISTINCT)`` over the rows, measured at 100,000 people.
    """
    arm = (
        "SELECT a.person_id FROM person_attr a"
        " JOIN person p INDEXED BY ix_person_eligible ON p.id = a.person_id"
        f" WHERE a.kind = {{}} AND a.key = ? AND p.{_eligible(following)}"
    )
    arms = [arm.format(repr(kind)) for kind in kinds for _ in keys]
    params = [key for _ in kinds for key in keys]
    if len(arms) == 1:
        sql = f"SELECT count(*) FROM ({arms[0]}) AS held"
    elif len(arms) <= _MERGED_AT_MOST:
        sql = f"SELECT count(*) FROM ({' UNION '.join(arms)} ORDER BY 1) AS held"
    else:  # more spellings than SQLite merges in one statement: counted by grouping
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM person_attr a"
            " JOIN person p INDEXED BY ix_person_eligible ON p.id = a.person_id"
            f" WHERE a.kind IN ({','.join(repr(k) for k in kinds)})"
            f" AND a.key IN ({marks(len(keys))}) AND p.{_eligible(following)}"
            " GROUP BY a.person_id) AS held"
        )
        params = list(keys)
    return int(scalar(conn, sql, params))


_MERGED_AT_MOST = 60  # arms of one UNION (SQLite allows 500 by default)


# ---- the same on PostgreSQL, and the names suggest.py calls -------------------------------
#
# Each ``*_sqlite`` function above has a twin ``*_pg`` here that reads or fills the same
# thing in the SQL PostgreSQL speaks, and one engine-neutral name that chooses between
# them (``is_pg``): ``ON CONFLICT DO NOTHING`` for ``INSERT OR IGNORE``, ``array_agg`` for
# ``group_concat``, ``ORDER BY id`` for ``rowid`` (on PostgreSQL ``rowid`` equals ``id`` in
# ``person_attr``), and ASCII-only case folding for ``COLLATE NOCASE``, which folds only
# A-Z (so ``ÉCOLE`` and ``école`` differ on both engines).


def folding_ascii_pg(expression: str) -> str:
    """The text of ``expression`` as SQLite's case-blind collation compares it: A-Z folded,
    nothing else. The indexes of schema 10 on ``person.org`` and ``person.location`` are on
    this very expression (``models.AsciiFolded``), so that PostgreSQL reads them."""
    upper, lower = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
    return f"translate({expression}, '{upper}', '{lower}')"


def _equal_folding_ascii_pg(left: str, right: str, column_name: str) -> str:
    """Equal as SQLite's case-blind collation compares: A-Z folded, nothing else (an id
    column compares as it is)."""
    if column_name == "met_at_id":
        return f"{left} = {right}"
    return f"{folding_ascii_pg(left)} = {folding_ascii_pg(right)}"


def topic_as_first_written_pg(conn: Conn, keys: Sequence[str]) -> str | None:
    """``topic_as_first_written_sqlite`` on PostgreSQL."""
    found = conn.execute(
        "SELECT value FROM person_attr WHERE kind IN ('topic', 'offers', 'seeks')"
        f" AND key IN ({','.join('?' * len(keys))}) ORDER BY id LIMIT 1",
        keys,
    ).fetchone()
    return None if found is None else str(found[0])


def topic_as_written_by_pg(conn: Conn, pid: int, kind: str, keys: Sequence[str]) -> str | None:
    """``topic_as_written_by_sqlite`` on PostgreSQL."""
    found = conn.execute(
        "SELECT value FROM person_attr WHERE person_id = ? AND kind = ?"
        f" AND key IN ({','.join('?' * len(keys))}) ORDER BY id LIMIT 1",
        (pid, kind, *keys),
    ).fetchone()
    return None if found is None else str(found[0])


def topic_keys_by_person_pg(
    conn: Conn, *, scoped: bool, effective: Mapping[str, str | None] | None
) -> dict[tuple[int, str], frozenset[str]]:
    """``topic_keys_by_person_sqlite`` on PostgreSQL."""
    where = _TOPIC_KINDS + (_IN_SCOPE if scoped else "")
    attrs: dict[tuple[int, str], frozenset[str]] = {}
    for pid, kind, stored_keys in conn.execute(
        f"SELECT person_id, kind, array_agg(key) FROM person_attr WHERE {where}"
        " GROUP BY person_id, kind"
    ):
        attrs[pid, kind] = frozenset(
            stored_keys if effective is None else [k for k in map(effective.get, stored_keys) if k]
        )
    return attrs


def open_scope_pg(conn: Conn) -> None:
    """``open_scope_sqlite`` on PostgreSQL."""
    for table in ("_scope", "_hood"):
        if scalar(conn, "SELECT to_regclass(?) IS NULL", (f"pg_temp.{table}",)):
            conn.execute(f"CREATE TEMP TABLE {table} (id INTEGER PRIMARY KEY)")
        conn.execute(f"DELETE FROM {table}")


def hood_add_focus_pg(conn: Conn, focus: int) -> None:
    """``hood_add_focus_sqlite`` on PostgreSQL."""
    conn.execute("INSERT INTO _hood VALUES (?)", (focus,))
    conn.execute(
        "INSERT INTO _hood SELECT CASE WHEN a_id = ? THEN b_id ELSE a_id END"
        " FROM tie WHERE a_id = ? OR b_id = ? ON CONFLICT DO NOTHING",
        (focus, focus, focus),
    )


def hood_add_ties_of_pg(conn: Conn, pid: int) -> None:
    """``hood_add_ties_of_sqlite`` on PostgreSQL."""
    conn.execute(
        "INSERT INTO _hood SELECT b_id FROM tie WHERE a_id = ?"
        " UNION SELECT a_id FROM tie WHERE b_id = ? ON CONFLICT DO NOTHING",
        (pid, pid),
    )


def scope_add_holders_pg(
    conn: Conn, keys: Sequence[str], kinds: Sequence[str] = TOPIC_KINDS
) -> None:
    """``scope_add_holders_sqlite`` on PostgreSQL."""
    conn.execute(
        "INSERT INTO _scope SELECT DISTINCT person_id FROM person_attr"
        f" WHERE {_kinds_in(kinds)} AND key IN ({marks(len(keys))}) ON CONFLICT DO NOTHING",
        keys,
    )


def sharing_over_pg(conn: Conn, column_name: str, value: object, cap: int) -> bool:
    """``sharing_over_sqlite`` on PostgreSQL."""
    same = _equal_folding_ascii_pg(column_name, "?", column_name)
    found = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM person WHERE {same} LIMIT ?) AS found",
        (value, cap + 1),
    ).fetchone()
    return int(found[0]) > cap


def add_sharing_pg(conn: Conn, table: str, focus: int, column_name: str) -> None:
    """``add_sharing_sqlite`` on PostgreSQL."""
    same = _equal_folding_ascii_pg(f"p.{column_name}", f"f.{column_name}", column_name)
    conn.execute(
        f"INSERT INTO {table} SELECT p.id FROM person p JOIN person f ON f.id = ? WHERE {same}"
        " ON CONFLICT DO NOTHING",
        (focus,),
    )


def scope_add_hood_pg(conn: Conn) -> None:
    """``scope_add_hood_sqlite`` on PostgreSQL."""
    conn.execute(
        "INSERT INTO _scope SELECT a_id FROM tie WHERE b_id IN (SELECT id FROM _hood)"
        " UNION SELECT b_id FROM tie WHERE a_id IN (SELECT id FROM _hood) ON CONFLICT DO NOTHING"
    )
    conn.execute("INSERT INTO _scope SELECT id FROM _hood ON CONFLICT DO NOTHING")


def pair_scope_pg(conn: Conn, pair: tuple[int, int]) -> None:
    """``pair_scope_sqlite`` on PostgreSQL."""
    open_scope_pg(conn)
    conn.executemany("INSERT INTO _hood VALUES (?) ON CONFLICT DO NOTHING", [(i,) for i in pair])
    conn.execute(
        "INSERT INTO _scope SELECT a_id FROM tie WHERE b_id IN (SELECT id FROM _hood)"
        " UNION SELECT b_id FROM tie WHERE a_id IN (SELECT id FROM _hood) ON CONFLICT DO NOTHING"
    )
    conn.execute("INSERT INTO _hood SELECT id FROM _scope ON CONFLICT DO NOTHING")
    conn.execute("INSERT INTO _scope VALUES (?), (?) ON CONFLICT DO NOTHING", pair)


def scope_holders_pg(conn: Conn, keys: Sequence[str]) -> list[tuple[int, str, str]]:
    """``scope_holders_sqlite`` on PostgreSQL."""
    if not keys:
        return []
    return conn.execute(
        f"SELECT person_id, kind, key FROM person_attr WHERE {_TOPIC_KINDS}"
        f" AND key IN ({marks(len(keys))}){_IN_SCOPE}",
        keys,
    ).fetchall()


def count_holders_pg(
    conn: Conn, kinds: Sequence[str], keys: Sequence[str], *, following: bool
) -> int:
    """``count_holders_sqlite`` on PostgreSQL."""
    sql = (
        f"SELECT count(DISTINCT a.person_id) FROM person_attr a JOIN person p"
        f" ON p.id = a.person_id WHERE a.kind IN ({','.join(repr(k) for k in kinds)})"
        f" AND a.key IN ({','.join('?' * len(keys))}) AND p.{_eligible(following)}"
    )
    return int(scalar(conn, sql, keys))


def topic_as_first_written(conn: Conn, keys: Sequence[str]) -> str | None:
    """The first stored value of a topic, offer or need with one of these keys."""
    if is_pg(conn):
        return topic_as_first_written_pg(conn, keys)
    return topic_as_first_written_sqlite(conn, keys)


def topic_as_written_by(conn: Conn, pid: int, kind: str, keys: Sequence[str]) -> str | None:
    """How this person first wrote their ``kind`` with one of these keys."""
    if is_pg(conn):
        return topic_as_written_by_pg(conn, pid, kind, keys)
    return topic_as_written_by_sqlite(conn, pid, kind, keys)


def topic_keys_by_person(
    conn: Conn, *, scoped: bool, effective: Mapping[str, str | None] | None
) -> dict[tuple[int, str], frozenset[str]]:
    """Each person's topic, offers and seeks keys, by (person id, kind)."""
    either = topic_keys_by_person_pg if is_pg(conn) else topic_keys_by_person_sqlite
    return either(conn, scoped=scoped, effective=effective)


def scope_holders(conn: Conn, keys: Sequence[str]) -> list[tuple[int, str, str]]:
    """Who in ``_scope`` holds a topic, offer or need with one of ``keys``."""
    return (scope_holders_pg if is_pg(conn) else scope_holders_sqlite)(conn, keys)


def open_scope(conn: Conn) -> None:
    """Empty temp tables ``_scope`` (whom to load) and ``_hood`` (whose ties to load)."""
    (open_scope_pg if is_pg(conn) else open_scope_sqlite)(conn)


def hood_add_focus(conn: Conn, focus: int) -> None:
    """Put the focus and whom they know in ``_hood``."""
    (hood_add_focus_pg if is_pg(conn) else hood_add_focus_sqlite)(conn, focus)


def hood_add_ties_of(conn: Conn, pid: int) -> None:
    """Put whom this person knows in ``_hood``."""
    (hood_add_ties_of_pg if is_pg(conn) else hood_add_ties_of_sqlite)(conn, pid)


def scope_add_holders(conn: Conn, keys: Sequence[str], kinds: Sequence[str] = TOPIC_KINDS) -> None:
    """Add who holds a topic, offer or need (of ``kinds``) with one of ``keys`` to ``_scope``."""
    (scope_add_holders_pg if is_pg(conn) else scope_add_holders_sqlite)(conn, keys, kinds)


def sharing_over(conn: Conn, column_name: str, value: object, cap: int) -> bool:
    """Do more than ``cap`` people (archived and only followed too) have this
    ``met_at_id``, ``org`` or ``location``?"""
    return (sharing_over_pg if is_pg(conn) else sharing_over_sqlite)(conn, column_name, value, cap)


def scope_add_sharing(conn: Conn, focus: int, column_name: str) -> None:
    """Add who shares the focus's ``met_at_id``, ``org`` or ``location`` to ``_scope``."""
    (add_sharing_pg if is_pg(conn) else add_sharing_sqlite)(conn, "_scope", focus, column_name)


def hood_add_sharing(conn: Conn, focus: int, column_name: str) -> None:
    """Add who shares the focus's ``met_at_id``, ``org`` or ``location`` to ``_hood``
    (their ties are then loaded)."""
    (add_sharing_pg if is_pg(conn) else add_sharing_sqlite)(conn, "_hood", focus, column_name)


def scope_add_hood(conn: Conn) -> None:
    """Add the hood and whom they know to ``_scope``."""
    (scope_add_hood_pg if is_pg(conn) else scope_add_hood_sqlite)(conn)


def pair_scope(conn: Conn, pair: tuple[int, int]) -> None:
    """Fill the temp tables with the two people and whom they know."""
    (pair_scope_pg if is_pg(conn) else pair_scope_sqlite)(conn, pair)
