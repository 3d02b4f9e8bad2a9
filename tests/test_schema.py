"""The frozen migrations create exactly the tables models.py declares, and what the
commands write through sqlite3 reads back through the SQLModel models unchanged."""

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, SQLModel, select

from plncli import models
from plncli.db import open_store
from plncli.migrations import LATEST

pytestmark = pytest.mark.sqlite_only(
    reason="SQLite's frozen migrations against the models (PostgreSQL is made from the models)"
)


def _shape(conn: sqlite3.Connection, table: str) -> dict[str, object]:
    cols = [
        (r[1], r[2].upper(), bool(r[3]), r[5])
        for r in conn.execute(f"PRAGMA table_info('{table}')")
    ]
    fks = sorted(
        tuple(r[2:5]) + (r[6],) for r in conn.execute(f"PRAGMA foreign_key_list('{table}')")
    )
    indexes = {}
    for r in conn.execute(f"PRAGMA index_list('{table}')"):
        cols_ = [c[2] for c in conn.execute(f"PRAGMA index_info('{r[1]}')")]
        key = r[1] if not r[1].startswith("sqlite_autoindex") else f"auto:{cols_}"
        indexes[key] = (bool(r[2]), cols_)
    return {"columns": cols, "foreign_keys": fks, "indexes": indexes}


def test_migrations_create_exactly_the_models_tables(tmp_path: Path) -> None:
    migrated = open_store(tmp_path / "migrated.db", create_parent=False)
    fresh_path = tmp_path / "fresh.db"
    SQLModel.metadata.create_all(create_engine(f"sqlite:///{fresh_path}"))
    fresh = sqlite3.connect(fresh_path)
    for table in SQLModel.metadata.tables:
        assert _shape(migrated, table) == _shape(fresh, table), table
    ours = {r[0] for r in migrated.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(SQLModel.metadata.tables) <= ours
    assert {t for t in ours if not t.startswith("person_fts")} == set(SQLModel.metadata.tables)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_reopening_a_migrated_database_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pln.db"
    open_store(path, create_parent=False).close()
    before = list(sqlite3.connect(path).iterdump())
    open_store(path, create_parent=False).close()
    assert list(sqlite3.connect(path).iterdump()) == before


@pytest.mark.usefixtures("utc")
def test_what_commands_write_loads_through_the_models(pln, db_path: Path) -> None:
    pln(
        "add",
        "Zoë Kowalczyk",
        "--org",
        "Northfield",
        "--topic",
        "Retrieval practice",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-11-20",
        "--follow-up",
        "2026-11-30",
    )
    pln("log", "Zoë", "-m", "coffee", "--kind", "coffee", "--on", "2026-11-21 15:30")
    engine = create_engine(f"sqlite:///{db_path}")
    with Session(engine) as s:
        person = s.exec(select(models.Person)).one()
        assert person.name == "Zoë Kowalczyk"
        assert person.met_on == date(2026, 11, 20)
        assert person.created_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        assert person.last_contact_at == datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
        event = s.exec(select(models.Event)).one()
        assert (event.name, event.id) == ("researchED 2026", person.met_at_id)
        interaction = s.exec(select(models.Interaction)).one()
        assert interaction.at == datetime(2026, 11, 21, 15, 30, tzinfo=UTC)
        followup = s.exec(select(models.FollowUp)).one()
        # the coffee closed the automatic first follow-up (issue 9)
        assert (followup.due, followup.state) == (date(2026, 11, 30), "done")
        assert followup.closed_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        attr = s.exec(select(models.PersonAttr).where(models.PersonAttr.kind == "topic")).one()
        assert (attr.value, attr.key) == ("Retrieval practice", "retrieval practice")


@pytest.mark.usefixtures("utc")  # a UTC instant at 09:00 is another day in UTC-11
def test_rows_written_through_the_models_are_read_by_the_commands(pln, db_path: Path) -> None:
    open_store(db_path, create_parent=True).close()  # creates and migrates the file
    engine = create_engine(f"sqlite:///{db_path}")
    stamp = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    with Session(engine) as s:
        p = models.Person(
            name="Ben Okafor",
            name_key="ben okafor",
            circle="colleague",
            created_at=stamp,
            updated_at=stamp,
            last_contact_at=stamp,
        )
        s.add(p)
        s.commit()
    (row,) = pln.json("list")
    assert (row["name"], row["circle"], row["last_contact"]) == (
        "Ben Okafor",
        "colleague",
        "2026-10-01",
    )
    (item,) = pln.json("due")
    assert item["kind"] == "reconnect"
    assert item["due"] == "2026-10-15"


def test_upgrading_a_schema_backs_up_first_and_keeps_everything(tmp_path: Path) -> None:
    from plncli.migrations import M001_INITIAL

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(M001_INITIAL)
    conn.execute("PRAGMA user_version = 1")
    stamp = "2026-01-01 10:00:00.000000"
    for pid, name in ((1, "Ana Ruiz"), (2, "Ben Okafor"), (3, "Carla Diaz")):
        conn.execute(
            "INSERT INTO person (id, name, name_key, circle, notes, created_at, updated_at)"
            " VALUES (?, ?, ?, 'network', '', ?, ?)",
            (pid, name, name.lower(), stamp, stamp),
        )
    conn.execute("INSERT INTO interaction VALUES (1, ?, 'meeting', 'trio', ?)", (stamp, stamp))
    conn.executemany("INSERT INTO interaction_person VALUES (1, ?)", [(1,), (2,), (3,)])
    conn.close()
    before = path.read_bytes()

    upgraded = open_store(path, create_parent=False)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == LATEST
    ties = upgraded.execute("SELECT a_id, b_id, since, source FROM tie ORDER BY 1, 2").fetchall()
    assert ties == [
        (1, 2, "2026-01-01", "interaction"),
        (1, 3, "2026-01-01", "interaction"),
        (2, 3, "2026-01-01", "interaction"),
    ]
    (backup,) = tmp_path.glob("old.db.schema1-*.bak")
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT count(*) FROM person").fetchone()[0] == 3
    assert len(before) > 0
