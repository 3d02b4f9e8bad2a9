"""Resources as records (issue 16): `pln resource add|show|edit|remove` and `pln resources`,
through the real CLI on both engines, with what is stored; the round trip through pln's
JSON; history, undo and `pln forget` over the new tables.

"now" is pinned to Monday 2026-11-23 10:00 by conftest.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import fails, query

URL = "https://example.org/oracy-in-science"
RESOURCE_KEYS = {
    "id",
    "title",
    "url",
    "kind",
    "author",
    "note",
    "topics",
    "added",
    "shared",
    "received",
}


def _local_day(instant: str) -> str:
    """The local calendar day of a stored or printed UTC instant (the suite runs in any zone)."""
    when = datetime.fromisoformat(instant.replace("Z", "+00:00").replace(" ", "T"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone().date().isoformat()


def _book(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--topic", "oracy")
    pln("add", "Ben Okafor", "--seeks", "oracy")
    pln(
        "resource",
        "add",
        URL,
        "--title",
        "Oracy in Science",
        "--kind",
        "article",
        "--topic",
        "oracy",
        "--topic",
        "classroom talk",
        "--by",
        "J. Mercer",
        "--note",
        "short and practical",
    )


def test_add_stores_the_resource_as_given(pln: Any, db_path: Path) -> None:
    _book(pln)
    assert query(db_path, "SELECT title, title_key, url, kind, author, note FROM resource") == [
        ("Oracy in Science", "oracy in science", URL, "article", "J. Mercer", "short and practical")
    ]
    assert query(db_path, "SELECT topic FROM resource_topic ORDER BY key") == [
        ("classroom talk",),
        ("oracy",),
    ]
    (doc,) = pln.json("resources")
    assert set(doc) == RESOURCE_KEYS
    assert doc["topics"] == ["classroom talk", "oracy"]
    assert doc["added"].endswith("Z")  # a UTC instant: the suite's 10:00 local on 23 November
    assert _local_day(doc["added"]) == "2026-11-23"
    assert (doc["shared"], doc["received"]) == (0, 0)


def test_the_same_url_or_folded_title_is_one_resource(pln: Any, db_path: Path) -> None:
    _book(pln)
    again = pln("resource", "add", URL, "--title", "Something else")
    assert "already in your book" in again.stderr
    same_title = pln("resource", "add", "  ORACY in   science ")
    assert "Oracy in Science (#1) is already in your book" in same_title.stderr
    assert query(db_path, "SELECT count(*) FROM resource") == [(1,)]
    assert query(db_path, "SELECT count(*) FROM resource_topic") == [(2,)]
    # a title alone is stored without a URL
    pln("resource", "add", "Making Good Progress?", "--kind", "book")
    assert query(db_path, "SELECT url, kind FROM resource WHERE id = 2") == [(None, "book")]


def test_from_records_that_they_shared_it_with_you(pln: Any, db_path: Path) -> None:
    _book(pln)
    out = pln("resource", "add", "oracy in science", "--from", "Ana")
    assert "Recorded that Ana Ruiz shared it with you." in out.stderr
    assert query(
        db_path,
        "SELECT i.kind, s.direction, ip.person_id FROM interaction i"
        " JOIN interaction_resource s ON s.interaction_id = i.id"
        " JOIN interaction_person ip ON ip.interaction_id = i.id",
    ) == [("shared", "from", 1)]
    (last,) = query(db_path, "SELECT last_contact_at FROM person WHERE id = 1")[0]
    assert last is not None
    assert _local_day(last) == "2026-11-23"
    shown = pln.json("resource", "show", "oracy")
    assert [(s["person"]["name"], s["direction"]) for s in shown["shares"]] == [
        ("Ana Ruiz", "from")
    ]
    ana = pln.json("show", "Ana")
    assert [(r["resource"]["title"], r["direction"]) for r in ana["resources"]] == [
        ("Oracy in Science", "from")
    ]
    assert "shared with you  Oracy in Science" in pln("show", "Ana").stdout


def test_resources_filters_by_topic_and_kind(pln: Any) -> None:
    _book(pln)
    pln("resource", "add", "Making Good Progress?", "--kind", "book", "--topic", "Assessment")
    pln("resource", "add", "Behaviour blog", "--kind", "blog", "--topic", "managing behaviour")
    titles = [r["title"] for r in pln.json("resources")]
    assert titles == ["Behaviour blog", "Making Good Progress?", "Oracy in Science"]
    assert [r["title"] for r in pln.json("resources", "--kind", "book")] == [
        "Making Good Progress?"
    ]
    # topics match as `pln who` and `pln list --topic` match them
    assert [r["title"] for r in pln.json("resources", "--topic", "behaviour management")] == [
        "Behaviour blog"
    ]
    assert [r["title"] for r in pln.json("resources", "--topic", "assess")] == [
        "Making Good Progress?"
    ]
    assert pln.json("resources", "--topic", "geography") == []
    table = pln("resources").stdout
    assert "Oracy in Science" in table
    assert "article" in table


def test_edit_and_remove(pln: Any, db_path: Path, dump: Any) -> None:
    _book(pln)
    pln("resource", "add", "Making Good Progress?", "--kind", "book")
    pln(
        "resource",
        "edit",
        "oracy",
        "--title",
        "Oracy across the curriculum",
        "--url",
        "",
        "--remove-topic",
        "classroom talk",
        "--topic",
        "speaking",
        "--kind",
        "video",
    )
    assert query(db_path, "SELECT title, title_key, url, kind FROM resource WHERE id = 1") == [
        ("Oracy across the curriculum", "oracy across the curriculum", None, "video")
    ]
    assert query(db_path, "SELECT key FROM resource_topic ORDER BY key") == [
        ("oracy",),
        ("speaking",),
    ]
    # a title another resource has would make them one: refused, nothing changed
    line = fails(pln, dump, 5, "resource", "edit", "oracy", "--title", "making good progress?")
    assert "another resource has that title" in line
    fails(pln, dump, 2, "resource", "edit", "oracy")  # nothing to change
    fails(pln, dump, 2, "resource", "edit", "oracy", "--kind", "poem")
    fails(pln, dump, 3, "resource", "edit", "oracy", "--remove-topic", "geography")
    pln("share", "oracy", "--with", "Ben")
    pln("resource", "remove", "oracy")
    assert query(db_path, "SELECT id FROM resource") == [(2,)]
    assert query(db_path, "SELECT count(*) FROM resource_topic") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM interaction_resource") == [(0,)]
    # the share stays in Ben's timeline as an interaction
    assert query(db_path, "SELECT kind FROM interaction") == [("shared",)]
    pln("undo", "--yes")
    assert query(db_path, "SELECT count(*) FROM interaction_resource") == [(1,)]
    assert pln.json("resource", "show", "oracy")["shares"][0]["person"]["name"] == "Ben Okafor"


def test_errors_are_one_line_and_change_nothing(pln: Any, dump: Any) -> None:
    _book(pln)
    pln("resource", "add", "Oracle databases", "--kind", "book")
    fails(pln, dump, 2, "resource", "add", "A poem", "--kind", "poem")
    fails(pln, dump, 2, "resource", "add", "A title", "--title", "Another title")
    fails(pln, dump, 2, "resource", "add", "bad\x1b[31mtitle")
    fails(pln, dump, 3, "resource", "show", "geography")
    fails(pln, dump, 3, "resource", "show", "#99")
    line = fails(pln, dump, 4, "resource", "show", "ora")
    assert "matches 2 resources" in line
    fails(pln, dump, 3, "resource", "add", "Third", "--from", "Nobody")
    fails(pln, dump, 3, "resource", "remove", "nothing like it")


TITLES = st.text(
    st.characters(categories=("L", "N", "Zs", "P"), exclude_characters="#"), min_size=1
).filter(lambda t: t.strip() and "://" not in t and not t.strip().lower().startswith("www."))


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TITLES)
def test_any_title_is_found_again_by_itself(pln: Any, title: str) -> None:
    """Open-ended titles: whatever is added is found again by what was typed."""
    from plncli.text import fold

    added = pln("resource", "add", "--", title)  # "-0" is a title, not an option
    assert "Added" in added.stderr or "already in your book" in added.stderr
    got = json.loads(pln("resource", "show", "--json", "--", title).stdout)
    assert fold(got["title"]) == fold(title)


# ---- the rest of pln: JSON round trip, history and undo, forget ---------------------------


def _shared_book(pln: Any) -> None:
    _book(pln)
    pln("add", "Qqzmark Person", "--topic", "oracy")
    pln("resource", "add", "Making Good Progress?", "--kind", "book", "--from", "Qqzmark")
    pln("share", "oracy", "--with", "Qqzmark", "Ben", "-m", "worth a read")
    pln("group", "add", "Book club", "Ana", "Qqzmark")
    pln("group", "read", "Book club", "making", "--by", "2026-12-03")


def test_resources_round_trip_through_json(pln: Any, tmp_path: Path) -> None:
    _shared_book(pln)
    out = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(out))
    doc = json.loads(out.read_text())
    for table in ("resource", "resource_topic", "interaction_resource", "group_reading"):
        assert doc["tables"][table], table
    copy = str(tmp_path / "copy.db")
    pln("--db", copy, "import", str(out))
    for argv in (
        ["resources"],
        ["resource", "show", "oracy"],
        ["resource", "show", "making"],
        ["group", "show", "Book club"],
        ["show", "Qqzmark"],
        ["share", "oracy"],
    ):
        assert pln.json("--db", copy, *argv) == pln.json(*argv), argv
    # a restore checks the new tables' values as it checks the others'
    doc["tables"]["resource"][0]["title_key"] = "something else"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    result = pln("--db", str(tmp_path / "other.db"), "import", str(bad), code=2)
    assert "title_key" in result.stderr


def test_a_share_is_in_the_history_and_undone_whole(pln: Any, db_path: Path) -> None:
    _book(pln)
    before = query(db_path, "SELECT id, last_contact_at FROM person ORDER BY id")
    pln("share", "oracy", "--with", "Ben", "Ana", "-m", "for you")
    (entry, *_) = pln.json("history")
    assert entry["command"].startswith("pln share oracy --with Ben Ana")
    assert "interaction_resource +2" in entry["summary"]
    assert "shared resources +2" in pln("history").stdout
    pln("undo", "--yes")
    assert query(db_path, "SELECT count(*) FROM interaction_resource") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM interaction") == [(0,)]
    assert query(db_path, "SELECT id, last_contact_at FROM person ORDER BY id") == before
    assert pln.json("resource", "show", "oracy")["shares"] == []


def test_forget_takes_their_shares_and_leaves_no_trace(pln: Any, db_path: Path, dump: Any) -> None:
    _shared_book(pln)
    assert any("qqzmark" in line.lower() for line in dump())
    pln("forget", "Qqzmark", "--yes")
    assert not any("qqzmark" in line.lower() for line in dump())
    # their shares went with them; everyone else's, and the resources, stay
    assert query(
        db_path,
        "SELECT p.name, s.direction FROM interaction_resource s"
        " JOIN interaction_person ip ON ip.interaction_id = s.interaction_id"
        " JOIN person p ON p.id = ip.person_id",
    ) == [("Ben Okafor", "to")]
    assert [r["title"] for r in pln.json("resources")] == [
        "Making Good Progress?",
        "Oracy in Science",
    ]
    assert [r["resource"]["title"] for r in pln.json("group", "show", "Book club")["readings"]] == [
        "Making Good Progress?"
    ]


def test_adding_an_existing_resource_still_checks_what_was_typed(pln: Any, dump: Any) -> None:
    _book(pln)
    fails(pln, dump, 2, "resource", "add", URL, "--kind", "poem")
    fails(pln, dump, 2, "resource", "add", "oracy in science", "--topic", "bad\x1b[31m")
