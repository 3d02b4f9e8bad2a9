"""The network store (issue 13, "one store", its last slice): ties, groups, private marks,
introductions, `pln who` and what suggestions load, against a real migrated book; and no
SQL left anywhere outside ``src/plncli/store/`` but the connection layer's named files."""

import ast
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from helpers import insert_person, query
from plncli import db
from plncli.store import index, intros
from plncli.store import network as store
from plncli.store import people as people_store
from plncli.text import fold
from plncli.topics import matching

SRC = Path(__file__).resolve().parent.parent / "src" / "plncli"
STAMP = "2026-11-23 10:00:00.000000"


@pytest.fixture
def conn(store_book: sqlite3.Connection) -> sqlite3.Connection:
    return store_book


def _tie(conn: sqlite3.Connection, a: int, b: int, note: str = "") -> bool:
    with db.transaction(conn):
        return store.insert_tie(
            conn,
            min(a, b),
            max(a, b),
            since=None,
            note=note,
            source="manual",
            created_at=STAMP,
            since_precision=None,
        )


def test_a_tie_is_recorded_once_and_read_by_name(conn: sqlite3.Connection) -> None:
    ana, ben = insert_person(conn, "Ana Ruiz"), insert_person(conn, "Ben Okafor")
    assert _tie(conn, ana, ben, "met at BETT") is True
    assert _tie(conn, ana, ben, "another note") is False  # ON CONFLICT DO NOTHING
    assert conn.execute("SELECT note FROM tie").fetchall() == [("met at BETT",)]
    with db.transaction(conn):
        store.update_tie(conn, ana, ben, since="2024-03-01", since_precision="month", note="")
    [t] = store.ties_of(conn, ana)
    assert (t.id, t.name, t.since, t.source, t.note, t.since_precision) == (
        ben,
        "Ben Okafor",
        "2024-03-01",
        "manual",
        "met at BETT",
        "month",
    )
    assert store.tie_exists(conn, ana, ben)
    assert not store.tie_exists(conn, ben, ana)
    with db.transaction(conn):
        assert store.delete_tie(conn, ana, ben) is True
        assert store.delete_tie(conn, ana, ben) is False
    assert store.ties_of(conn, ana) == []


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=20))
def test_bulk_and_single_ties_agree_on_conflicts(
    tmp_path_factory: pytest.TempPathFactory, pairs: list[tuple[int, int]]
) -> None:
    """Pairs given again (either way round) are kept once by both ways of inserting."""
    books = []
    for how in ("bulk", "single"):
        c = db.open_store(tmp_path_factory.mktemp(how) / "book.db", create_parent=True)
        ids = [insert_person(c, f"P{i}") for i in range(6)]
        wanted = [(min(ids[x], ids[y]), max(ids[x], ids[y])) for x, y in pairs if x != y]
        with db.transaction(c):
            if how == "bulk":
                store.insert_ties(c, wanted, since=None, source="import", created_at=STAMP)
            else:
                seen = set()
                for a, b in wanted:
                    new = store.insert_tie(
                        c,
                        a,
                        b,
                        since=None,
                        note="",
                        source="import",
                        created_at=STAMP,
                        since_precision=None,
                    )
                    assert new == ((a, b) not in seen)
                    seen.add((a, b))
        books.append(c.execute("SELECT a_id, b_id FROM tie ORDER BY a_id, b_id").fetchall())
        assert books[-1] == sorted(set(wanted))
        c.close()
    assert books[0] == books[1]


def test_groups_members_and_private_marks(conn: sqlite3.Connection) -> None:
    ana, ben = insert_person(conn, "Ana Ruiz"), insert_person(conn, "Ben Okafor")
    with db.transaction(conn):
        gid = store.insert_group(conn, name="Maths Hub", key=fold("Maths Hub"), created_at=STAMP)
        assert store.add_member(conn, gid, ana) is True
        assert store.add_member(conn, gid, ana) is False  # already a member: nothing written
        assert store.add_member(conn, gid, ben) is True
    assert conn.execute("SELECT id FROM pgroup").fetchall() == [(gid,)]
    assert store.group_named(conn, "maths hub") == (gid, "Maths Hub")
    assert store.group_named(conn, "maths hub").name == "Maths Hub"
    assert [(m.id, m.name) for m in store.group_members(conn, gid)] == [
        (ana, "Ana Ruiz"),
        (ben, "Ben Okafor"),
    ]
    fellows = store.group_fellows(conn, ana)
    assert {(f.id, f.group_name) for f in fellows} == {(ana, "Maths Hub"), (ben, "Maths Hub")}
    assert store.name_of(conn, "group", "maths hub") == "Maths Hub"
    assert store.name_of(conn, "event", "maths hub") is None
    with db.transaction(conn):
        assert store.insert_private_mark(
            conn, "group", "maths hub", name="Maths Hub", created_at=STAMP
        )
        assert not store.insert_private_mark(conn, "group", "maths hub", name="x", created_at=STAMP)
    [g] = store.groups(conn)
    assert (g.id, g.name, g.members, bool(g.private)) == (gid, "Maths Hub", 2, True)
    assert [(m.kind, m.name) for m in store.private_marks(conn)] == [("group", "Maths Hub")]
    with db.transaction(conn):
        assert store.remove_member(conn, gid, ben) is True
        assert store.remove_member(conn, gid, ben) is False
        assert store.delete_private_mark(conn, "group", "maths hub") is True
        assert store.delete_private_mark(conn, "group", "maths hub") is False
        store.delete_group(conn, gid)
    assert store.groups(conn) == []


def test_introductions_are_named_rows_and_dismissals_upsert(conn: sqlite3.Connection) -> None:
    ana, ben, cy = (insert_person(conn, n) for n in ("Ana Ruiz", "Ben Okafor", "Cy Lam"))
    with db.transaction(conn):
        intros.insert_intro(
            conn, ana, ben, reasons='["both teach"]', kinds="topic", note="", at=STAMP
        )
        found = intros.intro_between(conn, ana, ben)
        assert found is not None
        intros.mark_asked(conn, found.id, side="b", at="2026-11-24 09:00:00.000000")
        intros.dismiss(conn, ana, cy, until="2027-01-01", at=STAMP)
        intros.dismiss(conn, ana, cy, until=None, at=STAMP)  # ON CONFLICT DO UPDATE
        assert intros.append_note(conn, ana, "first", at_most=10_000)
        assert intros.append_note(conn, ana, "second", at_most=12)  # "first\nsecond": 12
        assert not intros.append_note(conn, ana, "third", at_most=17)  # one too many
    r = intros.intro_between(conn, ana, ben)
    assert (r.a_id, r.a_name, r.b_id, r.b_name, r.state) == (
        ana,
        "Ana Ruiz",
        ben,
        "Ben Okafor",
        "asked",
    )
    assert (r.asked_a_at, r.asked_b_at, r.reasons, r.kinds) == (
        None,
        "2026-11-24 09:00:00.000000",
        '["both teach"]',
        "topic",
    )
    assert [x.id for x in intros.intros(conn, "asked")] == [r.id]
    assert intros.intros(conn, "made") == []
    assert conn.execute("SELECT a_id, b_id, until FROM dismissal").fetchall() == [(ana, cy, None)]
    kept = intros.pairs_kept_from_suggestions(conn, ana)
    assert [(p.a_id, p.b_id) for p in kept["intro"]] == [(ana, ben)]
    assert [(p.a_id, p.b_id) for p in kept["dismissed"]] == [(ana, cy)]
    assert kept["group"] == []
    assert conn.execute("SELECT notes FROM person WHERE id = ?", (ana,)).fetchall() == [
        ("first\nsecond",)
    ]
    assert intros.circle_of(conn, ana) == "network"
    assert intros.circle_of(conn, 999) is None


def test_who_and_the_index_read_what_is_stored(conn: sqlite3.Connection) -> None:
    ana = insert_person(conn, "Ana Ruiz", org="Hill School", last_contact_at=STAMP)
    ben = insert_person(conn, "Ben Okafor", org="hill school", circle="following")
    with db.transaction(conn):
        for pid, kind, value in (
            (ana, "offers", "Microscale chemistry"),
            (ben, "topic", "microscale chemistry"),
            (ben, "seeks", "Behaviour management"),
        ):
            people_store.add_attr(conn, pid, kind, value, value.lower())
    _tie(conn, ana, ben)
    found = matching(conn, "microscale", {}, interactions=True)
    experts = store.experts_sqlite(conn, found, 10)
    assert [(e.id, e.name, e.circle, e.score // 4, e.topic) for e in experts] == [
        (ana, "Ana Ruiz", "network", 3, "Microscale chemistry"),
        (ben, "Ben Okafor", "following", 2, "microscale chemistry"),
    ]
    assert experts[0].last_contact is not None
    assert store.best_known_contact_of(conn, ben) == (ana, "Ana Ruiz")
    assert store.best_known_contact_of(conn, ana) is None  # Ben is only followed
    assert set(store.topic_keys(conn)) == {"microscale chemistry", "behaviour management"}
    people = index.people(conn, following=True, scoped=False)
    assert [(pid, name, org) for pid, name, _circle, org, _place, _met in people] == [
        (ana, "Ana Ruiz", "Hill School"),
        (ben, "Ben Okafor", "hill school"),
    ]
    assert [p[0] for p in index.people(conn, following=False, scoped=False)] == [ana]
    keys = index.topic_keys_by_person_sqlite(conn, scoped=False, effective=None)
    assert keys[ben, "seeks"] == frozenset({"behaviour management"})
    hidden = index.topic_keys_by_person_sqlite(
        conn, scoped=False, effective={"microscale chemistry": "chem", "behaviour management": None}
    )
    assert (ben, "seeks") not in hidden or hidden[ben, "seeks"] == frozenset()
    assert hidden[ana, "offers"] == frozenset({"chem"})
    assert index.neighbours(conn, scoped=False) == {ana: {ben}, ben: {ana}}
    assert index.count_eligible(conn, following=True) == 2
    assert (
        index.count_holders(conn, ("topic", "offers"), ["microscale chemistry"], following=True)
        == 2
    )
    assert index.count_holders(conn, ("offers",), ["microscale chemistry"], following=False) == 1
    # case folded; one of the two only follows
    assert index.sharing(conn, "org", "HILL SCHOOL", following=True) == 2
    assert index.sharing(conn, "org", "HILL SCHOOL", following=False) == 1
    assert index.sharing_over(conn, "org", "HILL SCHOOL", 1)
    assert not index.sharing_over(conn, "org", "HILL SCHOOL", 2)
    assert index.topic_as_first_written_sqlite(conn, ["microscale chemistry"]) == (
        "Microscale chemistry"
    )
    assert index.topic_as_written_by_sqlite(conn, ben, "topic", ["microscale chemistry"]) == (
        "microscale chemistry"
    )


def test_knows_twice_keeps_the_first_tie_and_says_so(pln, db_path: Path) -> None:
    """The command over the store: a tie recorded again is not a second row."""
    pln("add", "Ana Ruiz")
    pln("add", "Ben Okafor")
    first = pln("knows", "Ana", "Ben", "--message", "met at BETT")
    again = pln("knows", "Ana", "Ben")
    assert "Recorded: Ana Ruiz and Ben Okafor" in first.stderr
    assert "Nothing changed: Ana Ruiz and Ben Okafor" in again.stderr
    assert query(db_path, "SELECT note, source FROM tie") == [("met at BETT", "manual")]


# ---- no SQL outside the store -------------------------------------------------------------

# The modules outside src/plncli/store/ that may still run SQL, and why:
OUTSIDE_THE_STORE = {
    # the SQLite connection layer: opening, BEGIN/COMMIT, PRAGMAs, the custom function,
    # running the migrations
    "db.py",
    # checks of a file before it is opened as a book (is it SQLite, which version)
    "opening.py",
    # the frozen, versioned DDL of every schema version
    "migrations.py",
    # a Tab's values (person, event and group names, kinds): read-only queries on a connection
    # of its own, before anything else of pln is imported, as a Tab must answer in 100 ms
    "complete.py",
}
_SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s|CREATE\s+(TEMP\s+)?(TABLE|INDEX|TRIGGER)|WITH\s+RECURSIVE)"
)


def _code_strings(path: Path) -> str:
    """Every string constant of a module (f-string parts included) but its docstrings."""
    tree = ast.parse(path.read_text())
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return "\n".join(
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    )


def _outside_the_store() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        if not name.startswith("store/") and name not in OUTSIDE_THE_STORE:
            found.append(name)
    return found


def test_the_scan_sees_the_whole_package() -> None:
    names = _outside_the_store()
    for module in ("ties.py", "suggest.py", "introduce.py", "who.py", "cli/network.py"):
        assert module in names
    assert all((SRC / n).exists() for n in OUTSIDE_THE_STORE)


def test_no_module_outside_the_store_runs_sql() -> None:
    """Commands and services call the store; the exceptions are named above with why."""
    offenders = []
    for name in _outside_the_store():
        path = SRC / name
        text = path.read_text()
        if re.search(r"\.execute(many|script)?\(|\.cursor\(", text):
            offenders.append(f"{name}: executes")
        found = _SQL.search(_code_strings(path))
        if found:
            offenders.append(f"{name}: {found.group(0)!r}")
    assert offenders == []


@pytest.mark.parametrize("module", ["network.py", "intros.py", "index.py"])
def test_the_network_store_keeps_sqlite_idioms_in_named_places(module: str) -> None:
    """INSERT OR IGNORE, rowid, json_each, COLLATE NOCASE and group_concat appear only in
    functions whose names end in _sqlite (each docstring says why)."""
    tree = ast.parse((SRC / "store" / module).read_text())
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        text = "\n".join(
            c.value
            for c in ast.walk(fn)
            if isinstance(c, ast.Constant) and isinstance(c.value, str)
        )
        body = text.replace(ast.get_docstring(fn) or "", "")
        idioms = [
            i for i in ("OR IGNORE", "rowid", "json_each", "NOCASE", "group_concat") if i in body
        ]
        if idioms:
            assert fn.name.endswith("_sqlite"), (fn.name, idioms)
            assert "SQLite only" in (ast.get_docstring(fn) or ""), fn.name
        assert "lastrowid" not in body
        assert "char(10)" not in body
