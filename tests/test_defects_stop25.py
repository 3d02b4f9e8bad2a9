"""Defects found at stop 25 by an adversary and a demanding new user ("trust is the
product"), each reproduced through the real CLI first: a failed first command leaves no
folder behind, an edit of a resource that changes nothing says so and writes nothing,
and free text refuses what would make it read as other text.

Every test that takes the ``pln`` fixture runs on SQLite and on a shared book (PostgreSQL)
when PLN_TEST_PG names a server (tests/conftest.py)."""

import json
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import assert_clean_error, book_exists, change, fails, pinned_today, query
from test_csv_lossless import add_all, everyone

# ---- 1. a failed first command leaves nothing behind ---------------------------------------


@pytest.mark.sqlite_only(reason="about the default location of a SQLite book")
@pytest.mark.parametrize("xdg", [False, True])
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("resource", "add", "https://example.org/a", "--from", "Nobody"), 3),
        (("group", "add", "ChemChat", "Nobody"), 3),
        (("add", ""), 2),
        (("add", "Ana", "--introduced-by", "Nobody"), 3),
    ],
)
def test_a_failed_first_command_leaves_no_folder(
    pln: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    code: int,
    xdg: bool,
) -> None:
    """With no book yet, `pln group add ChemChat Nobody` failed (no such person) and removed
    the book it had created, but left ~/.local/share/pln (and ~/.local/share, ~/.local)
    behind: a failed command must leave nothing. Now the folders it made go too."""
    home = tmp_path / "fresh-home"
    home.mkdir()
    monkeypatch.delenv("PLN_HOME")
    monkeypatch.setenv("HOME", str(home))
    if xdg:
        monkeypatch.setenv("XDG_DATA_HOME", str(home / "data" / "xdg"))
    else:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert_clean_error(pln(*args, code=code))
    assert list(home.iterdir()) == []
    # and a command that succeeds still creates the folder and the book, owner-only
    out = pln("add", "Ana Ruiz")
    book = (home / "data" / "xdg" if xdg else home / ".local" / "share") / "pln" / "pln.db"
    assert out.stderr.splitlines()[-1] == f"Created a new book at {book}."
    assert book.is_file()
    assert (book.parent.stat().st_mode & 0o777) == 0o700


@pytest.mark.sqlite_only(reason="about the default location of a SQLite book")
def test_a_failed_first_command_keeps_a_folder_that_was_there(
    pln: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only what the command made goes: a data folder that existed (holding the user's
    other files) is left as it was."""
    home = tmp_path / "fresh-home"
    share = home / ".local" / "share"
    share.mkdir(parents=True)
    (share / "other-app.txt").write_text("mine")
    monkeypatch.delenv("PLN_HOME")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    pln("group", "add", "ChemChat", "Nobody", code=3)
    assert sorted(p.name for p in share.iterdir()) == ["other-app.txt"]


# ---- 2. `pln resource edit` that changes nothing -------------------------------------------

RESOURCE = "SELECT title, title_key, url, kind, author, note, updated_at FROM resource"


def _resource_state(db_path: Path) -> Any:
    return (
        query(db_path, RESOURCE),
        query(db_path, "SELECT key, topic FROM resource_topic ORDER BY key"),
        query(db_path, "SELECT command FROM change_log ORDER BY id"),
    )


def test_a_resource_edit_that_changes_nothing_says_so(pln: Any, db_path: Path) -> None:
    """`pln resource edit X --kind article` of an article printed "Updated X (#1)." and wrote
    a history entry (and a new updated_at) for nothing. It now says `Nothing changed: …`
    as `pln edit` does, exit 0, and writes nothing; a topic it has already is said in
    `pln edit --add-topic`'s words."""
    quiz = ["https://example.org/q", "--title", "Quiz design", "--kind", "article"]
    pln("resource", "add", *quiz, "--topic", "Café", "--by", "Ana", "--note", "good")
    before = _resource_state(Path(db_path))
    for args in (
        ("--title", "Quiz design"),
        ("--kind", "article", "--by", "Ana", "--note", "good", "--url", "https://example.org/q"),
    ):
        out = pln("resource", "edit", "Quiz", *args)
        assert out.stderr == "Nothing changed: Quiz design (#1) already has what was given.\n"
    out = pln("resource", "edit", "Quiz", "--topic", "cafe", "--topic", "Café")
    assert out.stderr.splitlines() == [
        "Nothing changed: Quiz design (#1) already has what was given.",
        "note: --topic 'cafe' is already there as 'Café': kept as it was",
        "note: --topic 'Café' is already there: nothing added",
    ]
    assert _resource_state(Path(db_path)) == before  # no updated_at, no history entry
    # a real change beside one already there: updated, and the topic still said
    out = pln("resource", "edit", "Quiz", "--topic", "cafe", "--by", "")
    assert out.stderr.splitlines() == [
        "Updated Quiz design (#1).",
        "note: --topic 'cafe' is already there as 'Café': kept as it was",
    ]
    assert query(db_path, "SELECT author FROM resource") == [(None,)]
    # a title that differs only in case is a change
    assert pln("resource", "edit", "Quiz", "--title", "quiz design").stderr == (
        "Updated quiz design (#1).\n"
    )


def test_an_event_edit_that_changes_nothing_says_so(pln: Any, db_path: Path) -> None:
    """`pln event edit X --name X` (its own name) printed "Updated" and wrote the event
    and its private mark again: a history entry `pln undo` would "revert". It now says
    `Nothing changed: …` and writes nothing; a real change beside it is still made."""
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--on", "2026-09-05")
    pln("event", "edit", "researchED", "--place", "London")
    pln("private", "event", "researchED 2026")
    state = 'SELECT name, name_key, "on", place FROM event'
    before = (
        query(db_path, state),
        query(db_path, "SELECT * FROM private_mark"),
        query(db_path, "SELECT command FROM change_log ORDER BY id"),
    )
    for args in (
        ("--name", "researchED 2026"),
        ("--on", "2026-09-05", "--place", "London"),
        ("--name", "researchED 2026", "--place", " London "),
    ):
        out = pln("event", "edit", "research", *args)
        assert out.stderr == "Nothing changed: researchED 2026 (#1) already has what was given.\n"
    after = (
        query(db_path, state),
        query(db_path, "SELECT * FROM private_mark"),
        query(db_path, "SELECT command FROM change_log ORDER BY id"),
    )
    assert after == before
    out = pln("event", "edit", "research", "--name", "researchED 2026", "--place", "")
    assert out.stderr == "Updated researchED 2026 (#1).\n"
    assert query(db_path, state) == [("researchED 2026", "researched 2026", "2026-09-05", None)]
    assert pln.json("event", "edit", "research", "--place", "")["place"] is None


# ---- 3. free text refuses what makes it read as other text ---------------------------------

RLO, ZWSP = "\u202e", "\u200b"

# every command that takes free text typed by the user, with a note holding {}
FREE_TEXT = [
    ("add", "Cy Moss", "--note", "{}"),
    ("edit", "Ana", "--note", "{}"),
    ("log", "Ana", "-m", "{}"),
    ("log", "Ana", "-m", "call", "--follow-up", "tomorrow", "--about", "{}"),
    ("remind", "Ana", "tomorrow", "-m", "{}"),
    ("knows", "Ana", "Ben", "-m", "{}"),
    ("introduce", "Ana", "Ben", "-m", "{}"),
    ("intro", "outcome", "Di", "Ed", "connected", "-m", "{}"),
    ("resource", "add", "Quiz design", "--note", "{}"),
    ("resource", "edit", "Oracy", "--note", "{}"),
    ("share", "Oracy", "--with", "Ana", "-m", "{}"),
]


def _book_for_notes(pln: Any) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor", "Di Lowe", "Ed Park", "--topic", "oracy")
    pln("introduce", "Di", "Ed")
    pln("intro", "made", "Di", "Ed")
    pln("resource", "add", "Oracy in science", "--topic", "oracy")


@pytest.mark.parametrize("args", FREE_TEXT, ids=lambda a: " ".join(a[:2]))
@pytest.mark.parametrize(
    ("hidden", "named"),
    [(RLO, "U+202E RIGHT-TO-LEFT OVERRIDE"), (ZWSP, "U+200B ZERO WIDTH SPACE")],
)
def test_typed_free_text_refuses_bidi_overrides_and_invisibles(
    pln: Any, dump: Any, args: tuple[str, ...], hidden: str, named: str
) -> None:
    """`pln log Ana -m "pay \\u202e0001"` was stored and, on any terminal that obeys it,
    read "pay 1000"; a zero-width space in "assess\\u200bment" hid the word from `pln find`.
    Names and other one-line fields refused both since stop 24; every free text (a
    person's notes, an interaction's, a follow-up's, a tie's, an introduction's and its
    outcome's, a resource's and a share's) now refuses them too: one line, exit 2, the
    book unchanged, the character named."""
    _book_for_notes(pln)
    typed = [a.format(f"pay {hidden}0001") for a in args]
    line = fails(pln, dump, 2, *typed)
    assert line.endswith(f"contains an invisible character ({named})")


def test_free_text_keeps_lines_tabs_isolates_marks_and_joiners(pln: Any, db_path: Path) -> None:
    """What a note legitimately holds is kept exactly: line breaks and tabs, a quote of
    right-to-left words between isolates (U+2067 ... U+2069), the direction marks, a
    joiner inside an emoji and a non-joiner inside (or ending) a Persian word."""
    pln("add", "Ana Ruiz")
    notes = [
        "first line\n\tsecond, indented",
        "quoted \u2067عربي\u2069 text \u200f",
        "emoji \U0001f469\u200d\U0001f4bb and می\u200cخواهم می\u200c",
    ]
    for note in notes:
        pln("log", "Ana", "-m", note)
    assert query(db_path, "SELECT note FROM interaction ORDER BY id") == [(n,) for n in notes]
    pln("edit", "Ana", "--note", notes[1])
    assert query(db_path, "SELECT notes FROM person") == [(notes[1],)]


def test_an_import_removes_them_from_notes_and_says_so(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    """A file cannot be retyped: an import keeps the record and its notes without the
    characters, and says so in its notes, as it does for a name (stop 24); before, they
    were stored as they came."""
    csv = tmp_path / "people.csv"
    csv.write_text(
        f'name,notes\nAna Ruiz,"pay {RLO}0001\nsecond line"\nBen Okafor,assess{ZWSP}ment\n'
    )
    out = pln("import", str(csv), "--json")
    doc = json.loads(out.stdout)
    assert doc["added"] == ["Ana Ruiz", "Ben Okafor"]
    assert doc["notes"] == [
        {"where": "line 2", "field": "notes", "why": "kept without U+202E RIGHT-TO-LEFT OVERRIDE"},
        {"where": "line 4", "field": "notes", "why": "kept without U+200B ZERO WIDTH SPACE"},
    ]
    assert query(db_path, "SELECT name, notes FROM person ORDER BY id") == [
        ("Ana Ruiz", "pay 0001\nsecond line"),
        ("Ben Okafor", "assessment"),
    ]
    assert [r["person"]["name"] for r in pln.json("find", "assessment")] == ["Ben Okafor"]
    card = tmp_path / "di.vcf"
    card.write_text(f"BEGIN:VCARD\nVERSION:3.0\nFN:Di Lowe\nNOTE:a{RLO}b\nEND:VCARD\n")
    out = pln("import", str(card))
    assert "card 1: notes: kept without U+202E RIGHT-TO-LEFT OVERRIDE" in out.stderr
    assert query(db_path, "SELECT notes FROM person WHERE name = 'Di Lowe'") == [("ab",)]


def test_stored_text_holding_them_still_works(pln: Any, db_path: Path) -> None:
    """What an older pln stored (or a restore brought back as written) is kept, and the
    commands that make text from it go on working: a recurring follow-up's next one,
    `pln done`'s logged contact, `pln intro asked`'s waiting follow-up."""
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("remind", "Ana", "today", "-m", "send it", "--every", "weekly")
    change(db_path, "UPDATE followup SET note = ?", f"send {RLO}it")
    change(db_path, "UPDATE person SET name = ? WHERE id = 2", f"Ben{ZWSP} Okafor")
    pln("done", "1")
    assert query(db_path, "SELECT note FROM followup ORDER BY id") == [(f"send {RLO}it",)] * 2
    assert query(db_path, "SELECT note FROM interaction") == [(f"send {RLO}it",)]
    pln("intro", "asked", "Ana", "#2")
    assert (f"Waiting: did Ana Ruiz answer about meeting Ben{ZWSP} Okafor?",) in query(
        db_path, "SELECT note FROM followup"
    )


@pytest.mark.sqlite_only(reason="restores into a new SQLite file of its own (--db)")
def test_a_restore_keeps_notes_as_written(pln: Any, db_path: Path, tmp_path: Path) -> None:
    """A JSON restore brings the book back exactly, notes an older pln stored included."""
    pln("add", "Ana Ruiz")
    pln("log", "Ana", "-m", "coffee")
    change(db_path, "UPDATE person SET notes = ?", f"pay {RLO}0001")
    change(db_path, "UPDATE interaction SET note = ?", f"assess{ZWSP}ment")
    export = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(export))
    book = Path(tmp_path / "restored.db")
    pln("--db", str(book), "import", str(export))
    assert query(book, "SELECT notes FROM person") == [(f"pay {RLO}0001",)]
    assert query(book, "SELECT note FROM interaction") == [(f"assess{ZWSP}ment",)]


_NOTE_CHARS = st.sampled_from(
    [*"ab \n\t\r", "é", "\u0301", "ع", "\u2067", "\u2069", "\u200f", "\u200d", "\u200c"]
    + [RLO, "\u202a", ZWSP, "\u00ad", "\ufeff", "\u2060", "\x9b", "\x07"]
)
_REFUSED = {RLO, "\u202a", ZWSP, "\u00ad", "\ufeff", "\u2060", "\x9b", "\x07"}


@given(note=st.text(_NOTE_CHARS, max_size=12))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
def test_a_typed_note_is_stored_as_typed_or_refused_whole(
    pln: Any, dump: Any, db_path: Path, note: str
) -> None:
    """Any note is either stored as typed (NFC, line breaks as LF, trimmed) or, when it
    holds a control, a bidi embedding or override or an invisible character, refused
    with one line, exit 2, the book unchanged."""
    if not book_exists(db_path) or not query(db_path, "SELECT id FROM person"):
        pln("add", "Ana Ruiz")
    expected = unicodedata.normalize("NFC", note).replace("\r\n", "\n").replace("\r", "\n")
    expected = expected.strip()
    if _REFUSED & set(expected):
        line = fails(pln, dump, 2, "log", "Ana", "-m", note)
        assert "note contains" in line
        return
    iid = json.loads(pln("log", "Ana", "-m", note, "--json").stdout)["id"]
    assert query(db_path, "SELECT note FROM interaction WHERE id = ?", iid) == [(expected,)]


# ---- 4. a value holding `;` or `\` survives the CSV round trip -----------------------------

# words a value holding the CSV's own separators is made of
_SEP_WORD = st.text(st.sampled_from("ab;\\|'=,\"é"), min_size=1, max_size=6).filter(
    lambda w: w.strip("'") != ""
)
_SEP_TEXT = st.lists(_SEP_WORD, min_size=1, max_size=2).map(" ".join)


@st.composite
def _separated_people(draw: Any) -> list[dict[str, Any]]:
    book: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 3))):
        lists = st.lists(_SEP_TEXT, unique_by=lambda t: t.lower(), max_size=2)
        book.append(
            {
                "name": f"Person {n} {draw(_SEP_TEXT)}",
                "--topic": draw(lists),
                "--offers": draw(lists),
                "--role-tag": draw(lists),
                "--email": [f"p{n}{w.replace(' ', '')}@example.org" for w in draw(lists)],
                "--link": [f"https://example.org/{n}/{w.replace(' ', '')}" for w in draw(lists)],
                "knows": [k for k in range(1, n + 1) if draw(st.booleans())],
            }
        )
    return book


@pytest.mark.sqlite_only(reason="each example makes two books of its own (--db files)")
@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(book=_separated_people())
def test_values_holding_the_separator_survive_export_and_import(
    pln: Any, tmp_path: Path, book: list[dict[str, Any]]
) -> None:
    """`pln export --format csv` joined a cell's values with `;` as they were: a topic
    "a;b" (or a link `https://x.org/?a=1;b=2`, or the name of someone they know) came back
    from `pln import` as two values "a" and "b", silently. A `;` or `\\` inside a value is
    now escaped with `\\` (as a vCard escapes them) and read back whole: the same people
    with the same fields."""
    n = len(list(tmp_path.iterdir()))
    source, copy, csv = (str(tmp_path / f"{what}{n}") for what in ("a.db", "b.db", "p.csv"))
    add_all(pln, source, book)
    pln("--db", source, "export", "--format", "csv", "-o", csv)
    doc = pln.json("--db", copy, "import", csv)
    assert doc["invalid"] == []
    assert [x["field"] for x in doc["notes"]] == ["last_contact"]
    assert everyone(pln, copy) == everyone(pln, source)


def test_a_cell_is_split_only_at_unescaped_separators(pln: Any, tmp_path: Path) -> None:
    """How a cell is read: `\\;` is a `;` of the value, `\\\\` a backslash, any other
    backslash itself (a hand-made file's `C:\\docs` stays as typed); in a `;`-delimited
    file the values are separated by `|`, escaped the same way."""
    comma = tmp_path / "comma.csv"
    comma.write_text("name,topics,links\nAna Ruiz,a\\;b;c\\d;e\\\\;f,https://x.org/?a=1\\;b=2\n")
    pln("import", str(comma))
    semi = tmp_path / "semi.csv"
    semi.write_text('name;topics\nBen Okafor;"a\\|b|c;d"\n')
    pln("import", str(semi))
    assert pln.json("show", "Ana")["topics"] == ["a;b", "c\\d", "e\\", "f"]
    assert pln.json("show", "Ana")["links"] == ["https://x.org/?a=1;b=2"]
    assert pln.json("show", "Ben")["topics"] == ["a|b", "c;d"]


def _entries(db_path: Path) -> list[Any]:
    return query(db_path, "SELECT command FROM change_log ORDER BY id")


def test_knows_again_with_what_the_tie_holds_says_nothing_changed(pln: Any, db_path: Path) -> None:
    """`pln knows Ana Ben` of a tie recorded already printed "Updated: …" whatever it was
    given; with the same --since and -m it also wrote a history entry for nothing. It now
    says `Nothing changed: …` and writes nothing; a new start or note is still "Updated"."""
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("knows", "Ana", "Ben", "--since", "2019", "-m", "taught together")
    before = query(db_path, "SELECT * FROM tie"), _entries(db_path)
    for args in ((), ("--since", "2019"), ("-m", "taught together", "--since", "2019")):
        out = pln("knows", "Ana", "Ben", *args)
        assert out.stderr == "Nothing changed: Ana Ruiz and Ben Okafor know each other.\n"
    assert (query(db_path, "SELECT * FROM tie"), _entries(db_path)) == before
    out = pln("knows", "Ana", "Ben", "--since", "sept 2019")
    assert out.stderr == "Updated: Ana Ruiz and Ben Okafor know each other.\n"
    assert query(db_path, "SELECT since, since_precision, note FROM tie") == [
        ("2019-09-01", "month", "taught together")
    ]


def test_a_group_reading_set_again_says_nothing_changed(pln: Any, db_path: Path) -> None:
    """`pln group read G R --by DAY` with the day it has printed "Updated" and wrote a
    history entry; `--done` of a reading done already moved the day it was read to
    today. Both now change nothing and say so; a new day still moves it and reopens it."""
    pln("add", "Ana Ruiz")
    pln("group", "add", "Book club", "Ana")
    pln("resource", "add", "Making Good Progress?")
    pln("group", "read", "Book club", "Making", "--by", "dec 3")
    reading = "SELECT due, done_at FROM group_reading"
    before = query(db_path, reading), _entries(db_path)
    out = pln("group", "read", "Book club", "Making", "--by", "2026-12-03")
    assert out.stderr == "Nothing changed: Book club reads Making Good Progress? by 2026-12-03.\n"
    assert (query(db_path, reading), _entries(db_path)) == before
    assert pln("group", "read", "Book club", "Making", "--done").stderr.startswith("Updated: ")
    [(due, read_at)] = query(db_path, reading)
    assert read_at is not None
    entries = _entries(db_path)
    with pinned_today(date(2026, 11, 30)):
        out = pln("group", "read", "Book club", "Making", "--done")
    assert out.stderr == "Nothing changed: Book club read Making Good Progress?.\n"
    assert (query(db_path, reading), _entries(db_path)) == ([(due, read_at)], entries)
    out = pln("group", "read", "Book club", "Making", "--by", "dec 4")
    assert out.stderr == "Updated: Book club reads Making Good Progress? by 2026-12-04.\n"
    assert query(db_path, reading) == [("2026-12-04", None)]


# ---- 5. `pln import --met-at/--circle` over a row's own event or circle --------------------


def test_an_option_replacing_a_rows_own_value_says_so(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    """`pln import people.csv --met-at "researchED" --circle following` replaced each row's
    own met_at and circle without a word ("nothing imported is dropped or changed without
    saying so"). The option still applies to everyone; what it replaced is now said, once
    per value, and a row that agrees with it (case, accents and spacing folded) is not."""
    path = tmp_path / "people.csv"
    path.write_text(
        "name,met_at,circle\n"
        "Ana Ruiz,BETT 2026,colleague\n"
        "Ben Okafor,  researched ,FOLLOWING\n"
        "Cy Moss,,\n"
    )
    doc = pln.json("import", str(path), "--met-at", "researchED", "--circle", "following")
    assert doc["added"] == ["Ana Ruiz", "Ben Okafor", "Cy Moss"]
    assert doc["notes"] == [
        {
            "where": "line 2",
            "field": "met_at",
            "why": "--met-at gave 'researchED'; file had 'BETT 2026', not kept",
        },
        {
            "where": "line 2",
            "field": "circle",
            "why": "--circle gave 'following'; file had 'colleague', not kept",
        },
    ]
    assert (
        query(db_path, "SELECT p.circle, e.name FROM person p JOIN event e ON e.id = p.met_at_id")
        == [("following", "researchED")] * 3
    )


# ---- 6. options a command would ignore are refused ---------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("share", "Oracy", "--with", "Ana", "--json"),
            "error: --json goes with the list of whom it would help, not with --with",
        ),
        (
            ("share", "Oracy", "--with", "Ana", "--limit", "10"),
            "error: --limit goes with the list of whom it would help, not with --with",
        ),
        (
            ("share", "Oracy", "--with", "Ana", "--circle", "colleague"),
            "error: --circle goes with the list of whom it would help, not with --with",
        ),
        (
            ("knows", "Ana", "Ben", "--json"),
            "error: --json lists whom one person knows: `pln knows A B` records a tie",
        ),
    ],
)
def test_an_option_the_write_would_ignore_is_refused(
    pln: Any, dump: Any, args: tuple[str, ...], line: str
) -> None:
    """`pln share R --with Ana --json` recorded the share and printed no JSON (a script
    piping it to jq read nothing, exit 0); `--limit` and `--circle` were ignored the same
    way, and so was `pln knows A B --json`. As `pln share R Ana` without --with and
    `pln knows A --since` are refused, these are refused too, before anything is written."""
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("resource", "add", "Oracy in science", "--topic", "oracy")
    assert fails(pln, dump, 2, *args) == line
    # without the option, the same command records
    pln(*[a for a in args if a not in ("--json", "--limit", "10", "--circle", "colleague")])


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ("introduce", "Ana", "Ben", "--draft", "--dismiss"),
            "--draft and --dismiss do different things",
        ),
        (
            ("introduce", "Ana", "Ben", "--dismiss", "-m", "not now"),
            "-m is the note of an introduction recorded, which --dismiss does not record",
        ),
        (
            ("introduce", "Ana", "Ben", "--draft", "-m", "both on oracy"),
            "-m is the note of an introduction recorded, which --draft does not record",
        ),
        (("introduce", "Ana", "Ben", "--dismiss", "--json"), "--dismiss prints no JSON"),
        (
            ("private", "topic", "oracy", "--json"),
            "--json lists what is private: marking prints none",
        ),
        (("private", "--off"), "--off needs what to make usable again"),
    ],
)
def test_options_one_pair_or_one_mark_would_drop_are_refused(
    pln: Any, dump: Any, args: tuple[str, ...], line: str
) -> None:
    """`pln introduce A B --draft --dismiss` printed the drafts and did not dismiss;
    `--dismiss -m NOTE` dismissed and dropped the note; `--dismiss --json` and
    `pln private topic T --json` wrote and printed no JSON; `pln private --off` listed and
    made nothing usable. Each is refused now (exit 2), the book unchanged."""
    pln("add", "Ana Ruiz", "Ben Okafor", "--topic", "oracy")
    assert fails(pln, dump, 2, *args) == f"error: {line}"


@pytest.mark.parametrize(
    "option",
    [
        ("--met-at", "researchED"),
        ("--topic", "oracy"),
        ("--circle", "colleague"),
        ("--on-duplicate", "skip"),
        ("--skip-invalid",),
    ],
)
@pytest.mark.sqlite_only(reason="restores into a new SQLite file of its own (--db)")
def test_a_restore_refuses_the_options_it_would_ignore(
    pln: Any, tmp_path: Path, option: tuple[str, ...]
) -> None:
    """`pln import book.json --met-at researchED` restored the book and ignored --met-at
    (and --topic, --circle, --on-duplicate, --skip-invalid): the user believed everyone
    was marked. A restore brings the book back as it was written, so these are refused
    (exit 2) and no book is created; without them it restores."""
    pln("add", "Ana Ruiz")
    export = tmp_path / "book.json"
    pln("export", "-o", str(export))
    book = tmp_path / "restored.db"
    out = pln("--db", str(book), "import", str(export), *option, code=2)
    assert assert_clean_error(out) == (
        f"error: {option[0]} is for importing people; a pln JSON export is restored as it was"
    )
    assert not book.exists()
    pln("--db", str(book), "import", str(export))
    assert query(book, "SELECT name FROM person") == [("Ana Ruiz",)]


@pytest.mark.parametrize("fmt", ["json", "vcard", "ics"])
def test_export_raw_is_for_csv_only(pln: Any, tmp_path: Path, fmt: str) -> None:
    """`--raw` (no formula guard) was ignored outside CSV, as `--delete` outside vdir is
    refused: now refused the same way, and nothing is written."""
    pln("add", "Ana Ruiz")
    out = pln("export", "--format", fmt, "--raw", "-o", str(tmp_path / "out"), code=2)
    assert assert_clean_error(out) == "error: --raw is for --format csv"
    assert not (tmp_path / "out").exists()


# ---- 7. `pln event merge` says what of OTHER it does not keep -----------------------------


def test_an_event_merge_says_the_date_and_place_it_does_not_keep(pln: Any, db_path: Path) -> None:
    """`pln event merge A B` took B's date and place only where A had none, and removed B:
    a different date or place of B's was gone, and the plan the user agreed to did not
    say so. The plan now names what A keeps instead (a place differing only in case,
    accents or spacing is the same place)."""
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--on", "2026-09-05", "--place", "London")
    pln("add", "Ben Okafor", "--met-at", "ResearchEd 26", "--on", "2026-09-06", "--place", "Leeds")
    pln("add", "Cy Moss", "--met-at", "rED 26", "--on", "2026-09-05", "--place", " london ")
    out = pln("event", "merge", "researchED 2026", "ResearchEd 26", "--yes")
    assert out.stderr.splitlines()[0] == (
        "Merge ResearchEd 26 (#2) into researchED 2026 (#1): 1 person met there moves;"
        " keeps its date 2026-09-05 (not 2026-09-06) and place London (not Leeds);"
        " then ResearchEd 26 (#2) is removed."
    )
    out = pln("event", "merge", "researchED 2026", "rED 26", "--yes")
    assert out.stderr.splitlines()[0] == (
        "Merge rED 26 (#3) into researchED 2026 (#1): 1 person met there moves;"
        " then rED 26 (#3) is removed."
    )
    assert query(db_path, 'SELECT name, "on", place FROM event') == [
        ("researchED 2026", "2026-09-05", "London")
    ]


# ---- 8. `--topic ""` is refused everywhere, as `--topic "?"` is ----------------------------


@pytest.mark.parametrize("command", ["list", "due"])
@pytest.mark.parametrize("json_", [(), ("--json",)])
def test_an_empty_topic_filter_is_refused_not_read_as_none(
    pln: Any, command: str, json_: tuple[str, ...]
) -> None:
    """`pln list --topic ""` and `pln due --topic ""` listed everyone, as if no --topic
    had been given, while `--topic "?"`, `pln introduce --topic ""` and `pln stats --topic
    ""` are refused as the README says ("a topic typed with no word in it is refused
    rather than read as matching no one"). Now the same on both (and on the fast path)."""
    pln("add", "Ana Ruiz", "--topic", "oracy", "--follow-up", "today")
    out = pln(command, "--topic", "", *json_, code=2)
    assert assert_clean_error(out) == "error: no topic to look for in ''"
    assert pln(command, "--topic", "oracy", *json_).stdout  # a topic with a word still filters


@pytest.mark.parametrize("option", ["--org", "--met-at", "--role-tag"])
def test_an_empty_list_filter_is_refused(pln: Any, option: str) -> None:
    """`pln list --org ""` listed everyone (a user asking for the people with no
    organisation got all of them, with no word); so did `--met-at ""` and `--role-tag ""`.
    Each is refused now, as an empty `--topic` is."""
    pln("add", "Ana Ruiz", "--org", "Hillside", "--met-at", "BETT", "--role-tag", "mentor")
    out = pln("list", option, " ", code=2)
    assert assert_clean_error(out) == f"error: {option} is empty"


# ---- 9. a --topic given twice is kept once and said, as `pln add` says it ----------------


def test_a_topic_given_twice_to_log_or_resource_add_is_said(pln: Any, db_path: Path) -> None:
    """`pln log Ana -m … --topic Café --topic cafe` and `pln resource add R --topic Café
    --topic cafe` kept one topic and dropped the other unsaid; `pln add` says it
    (`note: --topic 'cafe' is the same topic as 'Café': kept once`). Now all three do,
    with --json too (on stderr)."""
    pln("add", "Ana Ruiz")
    out = pln("log", "Ana", "-m", "coffee", "--topic", "Café", "--topic", "cafe", "--json")
    assert json.loads(out.stdout)["id"] == 1
    assert out.stderr == "note: --topic 'cafe' is the same topic as 'Café': kept once\n"
    assert query(db_path, "SELECT topic FROM interaction_topic") == [("Café",)]
    out = pln("resource", "add", "Oracy", "--topic", "oracy", "--topic", "oracy")
    assert out.stderr.splitlines()[1:] == ["note: --topic 'oracy' is given twice: kept once"]
    assert query(db_path, "SELECT topic FROM resource_topic") == [("oracy",)]
