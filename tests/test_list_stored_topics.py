"""`pln list` at 10,000 people within 3x the floor, in a pipe and on a terminal (issue 13,
items 6 and 7): what makes it quicker keeps what it shows exact.

- Each person's topics are stored joined (``person_topics``, schema 11), kept exact by
  triggers on ``person_attr`` on both engines, through every way topics change: add, edit,
  merge, archive, undo, forget, import, restore, a migration of an older book, and any
  sequence of raw row changes (which is what an undo replays).
- A long table is made and written ``tables.CHUNK`` rows at a time: the same text.
- A row whose one too-wide cell is printable ASCII words one space apart is wrapped by
  ``str.rfind`` (``tables._wrapped_words``): the same lines as word by word.
"""

import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import change, query, without_person_topics
from plncli import db, tables
from plncli.migrations import LATEST
from plncli.tables import Table
from test_list_speed_paths import narrow_tables
from test_read_speed import _plain_reference


def _joined(db_path: Path) -> dict[int, str]:
    """Each person's topics joined by ", " in the order they were added, from the
    attributes themselves (what `pln list` showed before schema 11)."""
    joined: dict[int, str] = {}
    for pid, value in query(
        db_path, "SELECT person_id, value FROM person_attr WHERE kind = 'topic' ORDER BY id"
    ):
        joined[pid] = f"{joined[pid]}, {value}" if pid in joined else value
    return joined


def _exact(db_path: Path) -> dict[int, str]:
    stored = dict(query(db_path, "SELECT person_id, topics FROM person_topics"))
    assert stored == _joined(db_path)
    return stored


def _listed(pln: Any) -> dict[str, str]:
    return {r["name"]: ", ".join(r["topics"]) for r in pln.json("list", "--archived")} | {
        r["name"]: ", ".join(r["topics"]) for r in pln.json("list")
    }


def _shown(pln: Any) -> dict[str, str]:
    """`pln list`'s topics column in a pipe, by name (every name here is one word)."""
    out = pln("list").stdout.splitlines()
    start = out[0].index("topics")
    end = out[0].index("last contact")
    return {line.split()[1]: line[start:end].strip() for line in out[1:]}


def test_topics_stay_exact_through_every_command(pln: Any, db_path: Path) -> None:
    pln("add", "Ana", "--topic", "oracy", "--topic", "Assessment", "--email", "a@example.org")
    pln("add", "Ben", "--topic", "zeta")
    pln("add", "Cy")
    assert _exact(db_path) == {1: "oracy, Assessment", 2: "zeta"}
    assert _shown(pln) == {"Ana": "oracy, Assessment", "Ben": "zeta", "Cy": ""}
    steps = [
        ["edit", "Ben", "--add-topic", "álgebra", "--add-topic", "retrieval practice"],
        ["edit", "Ana", "--remove-topic", "oracy"],
        ["edit", "Cy", "--topic", "metacognition", "--offers", "coaching"],
        ["edit", "Ben", "--topic", "behaviour"],  # replaces the list
        ["edit", "Ana", "--add-topic", "oracy"],  # back, now last
        ["merge", "Ana", "Ben", "--yes"],  # Ben's topics move to Ana
        ["archive", "Cy"],
    ]
    for step in steps:
        pln(*step)
        _exact(db_path)
    assert _exact(db_path)[1] == "Assessment, oracy, behaviour"
    assert _listed(pln)["Ana"] == "Assessment, oracy, behaviour"
    for _ in steps:  # each change undone, newest first, back to the three people added
        pln("undo", "--yes")
        _exact(db_path)
    assert _exact(db_path) == {1: "oracy, Assessment", 2: "zeta"}
    pln("forget", "Ana", "--yes")
    assert _exact(db_path) == {2: "zeta"}
    assert query(db_path, "SELECT count(*) FROM person_topics WHERE person_id = 1") == [(0,)]


def test_an_import_and_a_restore_store_the_topics_joined(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,topics\nDee,d@example.org,oracy;assessment\nEd,e@example.org,\n",
        encoding="utf-8",
    )
    pln("import", str(csv), "--format", "csv", "--topic", "transition")
    stored = _exact(db_path)
    assert sorted(stored.values()) == ["oracy, assessment, transition", "transition"]
    pln("export", "--format", "json", "-o", str(tmp_path / "book.json"))
    doc = json.loads((tmp_path / "book.json").read_text(encoding="utf-8"))
    assert "person_topics" not in doc["tables"]  # derived: made again by what reads it in
    pln("undo", "--yes")  # the whole import
    assert _exact(db_path) == {}
    pln("import", str(tmp_path / "book.json"), "--format", "json")
    assert _exact(db_path) == stored


def test_a_schema_10_book_gets_its_topics_joined(tmp_path: Path) -> None:
    """m011 fills the table from the topics already held, in the order they were added."""
    path = tmp_path / "old.db"
    conn = db.open_store(path, create_parent=False)
    conn.close()
    raw = sqlite3.connect(path, isolation_level=None)
    for i, name in enumerate(["Ana", "Ben", "Cy"], start=1):
        raw.execute(
            "INSERT INTO person (id, name, name_key, circle, notes, created_at, updated_at)"
            " VALUES (?, ?, ?, 'network', '', '2026-01-01 10:00:00', '2026-01-01 10:00:00')",
            (i, name, name.lower()),
        )
    attrs = [(1, "topic", "zeta"), (2, "topic", "b"), (1, "email", "a@x.org"), (1, "topic", "a")]
    attrs += [(2, "topic", "")]  # not written by pln, but joined as the Python join did
    for pid, kind, value in attrs:
        raw.execute(
            "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?, ?, ?, ?)",
            (pid, kind, value, value),
        )
    raw.executescript(without_person_topics())
    raw.execute("PRAGMA user_version = 10")
    raw.close()
    conn = db.open_store(path, create_parent=False)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (LATEST,)
        stored = dict(conn.execute("SELECT person_id, topics FROM person_topics"))
        assert stored == {1: "zeta, a", 2: "b, "}
        conn.execute(
            "INSERT INTO person_attr (person_id, kind, value, key) VALUES (3, 'topic', 'c', 'c')"
        )
        assert conn.execute("SELECT topics FROM person_topics WHERE person_id = 3").fetchone() == (
            "c",
        )
    finally:
        conn.close()


def test_a_shared_book_upgraded_to_11_gets_the_table_its_trigger_and_rows(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    psycopg = pytest.importorskip("psycopg")
    from test_pg_commands import _member
    from test_pg_migrate import _book

    _book(pln, pg_url)  # Ana has the topic assessment
    pln("--db", pg_url, "edit", "Ben", "--add-topic", "oracy", "--add-topic", "behaviour")
    with psycopg.connect(pg_url) as conn:
        conn.execute("DROP TABLE person_topics")
        conn.execute("DROP TRIGGER pln_person_topics ON person_attr")
        conn.execute("UPDATE pln_version SET version = 10")
    done = pln.json("db", "upgrade", pg_url)
    assert (done["schema_version_before"], done["schema_version"]) == (10, LATEST)
    assert done["added"] == ["table person_topics"]
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(
            "SELECT p.name, t.topics FROM person_topics t JOIN person p ON p.id = t.person_id"
            " ORDER BY 1"
        ).fetchall()
    assert rows == [("Ana Ruiz", "assessment"), ("Ben Okafor", "oracy, behaviour")]
    member = _member(pg_server, pg_url, "carla")  # a member's write goes through the trigger
    pln("--db", member, "edit", "Ben", "--remove-topic", "oracy", "--add-topic", "zeta")
    listed = {r["name"]: r["topics"] for r in pln.json("--db", member, "list")}
    assert listed == {"Ana Ruiz": ["assessment"], "Ben Okafor": ["behaviour", "zeta"]}
    pln("--db", member, "undo", "--yes")
    listed = {r["name"]: r["topics"] for r in pln.json("--db", member, "list")}
    assert listed["Ben Okafor"] == ["oracy", "behaviour"]


# ---- raw row changes, as an undo replays them -------------------------------------------

KINDS = st.sampled_from(["topic", "topic", "email", "offers"])
VALUES = st.text(alphabet=st.sampled_from("ab é,'"), max_size=6)  # empty text too
OPS = st.one_of(
    st.tuples(st.just("add"), st.integers(1, 3), KINDS, VALUES),
    st.tuples(st.just("remove"), st.integers(0, 30)),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(1, 3)),
    st.tuples(st.just("rekind"), st.integers(0, 30), KINDS),
    st.tuples(st.just("rename"), st.integers(0, 30), VALUES),
    st.tuples(st.just("renumber"), st.integers(0, 30)),
    st.tuples(st.just("drop person"), st.integers(1, 3)),
)


def _apply(db_path: Path, op: tuple[Any, ...]) -> None:
    ids = [r[0] for r in query(db_path, "SELECT id FROM person_attr ORDER BY id")]
    people = [r[0] for r in query(db_path, "SELECT id FROM person")]
    if op[0] == "add" and op[1] in people:
        # the id the row will get: a key no row holds (counting rows clashed after a removal)
        key = f"{op[3]}#{max(ids, default=0) + 1}"
        try:
            change(
                db_path,
                "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?, ?, ?, ?)",
                op[1],
                op[2],
                op[3],
                key,
                foreign_keys=True,
            )
        except Exception as exc:  # a renumbered row may hold that key: nothing changed
            if "unique" not in str(exc).lower():
                raise
    elif op[0] == "drop person" and op[1] in people:
        change(
            db_path, "DELETE FROM person WHERE id = ?", op[1], foreign_keys=True
        )  # attributes cascade
    elif ids and op[0] not in ("add", "drop person"):
        target = ids[op[1] % len(ids)]
        sql = {
            "remove": ("DELETE FROM person_attr WHERE id = ?", ()),
            "move": ("UPDATE person_attr SET person_id = ? WHERE id = ?", op[2:]),
            "rekind": ("UPDATE person_attr SET kind = ? WHERE id = ?", op[2:]),
            "rename": ("UPDATE person_attr SET value = ? WHERE id = ?", op[2:]),
            # an undo's restored row comes back under its old id, among the others
            "renumber": ("UPDATE person_attr SET id = 1000 - id WHERE id = ?", ()),
        }[op[0]]
        if op[0] == "move" and op[2] not in people:
            return
        try:
            change(db_path, sql[0], *sql[1], target, foreign_keys=True)
        except Exception as exc:  # a clash of (person, kind, key) or of ids: nothing changed
            if "unique" not in str(exc).lower():
                raise


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(OPS, max_size=12))
@example(ops=[("add", 1, "topic", ""), ("remove", 0), ("add", 1, "topic", "")])  # CI's draw
def test_any_row_changes_keep_the_topics_exact(pln: Any, db_path: Path, ops: list[Any]) -> None:
    pln("add", "Zed", "--topic", "first")  # the book exists: each example starts empty
    change(db_path, "DELETE FROM person", foreign_keys=True)
    for name in ("Ana", "Ben", "Cy"):
        pln("add", name, "--topic", f"{name} first", "--topic", "shared")
    for op in ops:
        _apply(db_path, op)
        _exact(db_path)


# ---- the table's text, a chunk at a time, and the quick wrap -------------------------------


@given(
    table=st.one_of(narrow_tables(), narrow_tables(st.sampled_from(["", "a", "é b", "x\ty"]))),
    chunk=st.integers(1, 4),
    columns=st.integers(10, 60),
)
def test_a_long_table_is_the_same_text_a_chunk_at_a_time(
    table: Table, chunk: int, columns: int
) -> None:
    whole = Table(*table.columns, header=table.header)  # every cell styled with no style:
    for row in table.rows:  # drawn row by row, not a chunk at a time
        whole.add_row(*((c, "") for c in row))
    expected = [_plain_reference(table)] + [
        tables._drawn_table(whole, columns, colour) for colour in (True, False)
    ]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(tables, "CHUNK", chunk)
        got = [tables._plain(table)] + [
            tables._drawn_table(table, columns, colour) for colour in (True, False)
        ]
        m.setattr(tables, "WRITE_SIZE", 1)
        written = io.StringIO()
        tables._write(written, tables._plain_parts(table))
    assert got == expected
    assert written.getvalue() == expected[0]


class _Writes(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, s: str) -> int:
        self.writes += 1
        return super().write(s)


def test_short_output_is_one_write_and_a_long_table_several() -> None:
    short = _Writes()
    tables._write(short, ["a\n", "b\n", "c\n"])
    assert (short.getvalue(), short.writes) == ("a\nb\nc\n", 1)
    table = Table("#", "name")
    table.rows = [(str(i), "x" * 60) for i in range(5000)]
    long = _Writes()
    tables._write(long, tables._plain_parts(table))
    assert long.getvalue() == _plain_reference(table)
    assert 4 <= long.writes <= 8  # some 64 KB at a time: 320 KB


def _word_by_word(line: str, n: int) -> list[str]:
    """``tables._wrapped`` as it was: Rich's wrap, word by word."""
    breaks, used = [0], 0
    for match in re.finditer(tables._WORD, line):
        start, word = match.start(), match.group()
        size = len(word.rstrip())
        if n - used >= size:
            used += len(word)
            continue
        if start and (size > n or used):
            breaks.append(start)
        used = len(word)
    out = []
    for a, b in zip(breaks, [*breaks[1:], len(line)], strict=True):
        piece = line[a:b]
        if len(piece) > n:
            trail = len(piece) - len(piece.rstrip())
            piece = piece[: len(piece) - min(trail, len(piece) - n)]
        out.append(piece[: n - 1] + "…" if len(piece) > n else piece)
    return out


WORDS = st.lists(st.text(alphabet=st.sampled_from("abcz,.-"), min_size=1, max_size=15), min_size=1)


@given(words=WORDS, n=st.integers(1, 40))
def test_the_quick_wrap_is_the_word_by_word_wrap(words: list[str], n: int) -> None:
    line = " ".join(words)
    assert tables._wrapped_words(line, n) == _word_by_word(line, n)
    assert tables._wrapped(line, n) == _word_by_word(line, n)


def test_db_check_names_the_topics_trigger_dropped_or_disabled(pln: Any, pg_url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz", "--topic", "assessment")
    pln("--db", pg_url, "db", "check")
    with psycopg.connect(pg_url) as conn:
        conn.execute("ALTER TABLE person_attr DISABLE TRIGGER pln_person_topics")
    result = pln("--db", pg_url, "db", "check", code=7)
    assert result.stderr.startswith(
        "integrity: the trigger that keeps `pln list`'s topics is disabled on person_attr"
    )
    with psycopg.connect(pg_url) as conn:
        conn.execute("DROP TRIGGER pln_person_topics ON person_attr")
    result = pln("--db", pg_url, "db", "check", code=7)
    assert "the trigger that keeps `pln list`'s topics is missing on person_attr" in result.stderr
