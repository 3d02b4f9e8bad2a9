"""pln's CSV keeps pln's own fields: export, import into an empty book, the same people.

Before, a CSV round trip lost the keep-in-touch cadence, the role tags and who
introduced whom (and a birthday with no year). What a CSV still does not carry is
listed in the README ("Import and export"): archived people, when someone was added,
and the history (interactions, follow-ups, introductions, groups): `--format json`
carries the whole book.
"""

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plncli.formats.csvread import CSV_FIELDS

_counter = itertools.count()

# Text as people type it: words of letters (accents too), digits and punctuation a
# spreadsheet might take for a formula at the start of a cell (= + - @ '); one space
# between words. Not `;`, which separates a cell's values (the README says so).
WORD = st.text(
    alphabet=st.sampled_from("abcxyzÁéñøü019=+-@'.,&()/"), min_size=1, max_size=8
).filter(lambda w: w.strip("'") != "")
TEXT = st.lists(WORD, min_size=1, max_size=3).map(" ".join)
NOTES = st.lists(TEXT, min_size=0, max_size=3).map("\n".join)
PARTIAL_DAYS = st.sampled_from(["2019", "2019-09", "2019-09-14", "2024-02-29", "2026-11-23"])
BIRTHDAYS = st.sampled_from(["1985-11-30", "2000-02-29", "--02-29", "--05-17", "1970-01-01"])
CADENCES = st.sampled_from(["30d", "2w", "3m", "1y", "never", "5d"])
ROLE_TAGS = st.lists(st.sampled_from(["mentor", "mentee", "sponsor", "expert in X"]), unique=True)


@st.composite
def people(draw: Any) -> list[dict[str, Any]]:
    """Up to four people, each with every field pln keeps, or some of them."""
    out: list[dict[str, Any]] = []
    for n in range(draw(st.integers(1, 4))):
        maybe = st.booleans()
        person: dict[str, Any] = {"name": f"Person {n} {draw(TEXT)}"}
        if draw(maybe):
            person["--email"] = [f"p{n}.{k}@example.org" for k in range(draw(st.integers(1, 2)))]
        if draw(maybe):
            person["--phone"] = [f"+44 20 7946 00{n}{k}" for k in range(draw(st.integers(1, 2)))]
        for option in ("--org", "--role", "--location", "--met-at"):
            if draw(maybe):
                person[option] = draw(TEXT)
        for option in ("--topic", "--offers", "--seeks"):
            person[option] = draw(st.lists(TEXT, unique_by=str.lower, max_size=2))
        person["--link"] = [f"https://example.org/{n}/{k}" for k in range(draw(st.integers(0, 2)))]
        person["--role-tag"] = draw(ROLE_TAGS)
        person["--circle"] = draw(st.sampled_from(["colleague", "network", "following"]))
        if draw(maybe):
            person["--every"] = draw(CADENCES)
        if draw(maybe):
            person["--birthday"] = draw(BIRTHDAYS)
        if draw(maybe):
            person["--on"] = draw(PARTIAL_DAYS)
        if draw(maybe):
            person["--note"] = draw(NOTES)
        if n and draw(maybe):
            person["--introduced-by"] = f"#{draw(st.integers(1, n))}"
        person["knows"] = [k for k in range(1, n + 1) if draw(maybe)]
        out.append(person)
    return out


def add_all(pln: Any, db: str, book: list[dict[str, Any]]) -> None:
    for n, person in enumerate(book, start=1):
        args = ["--db", db, "add", person["name"]]
        for option, value in person.items():
            if option.startswith("--"):
                for one in value if isinstance(value, list) else [value]:
                    args += [option, one]
        pln(*args)
        for other in person["knows"]:
            pln("--db", db, "knows", f"#{n}", f"#{other}")


KEPT = (
    "name",
    "org",
    "role",
    "location",
    "circle",
    "cadence",
    "emails",
    "phones",
    "links",
    "topics",
    "offers",
    "seeks",
    "role_tags",
    "met_at",
    "met_on",
    "met_on_precision",
    "notes",
    "birthday",
)


def everyone(pln: Any, db: str) -> dict[str, dict[str, Any]]:
    """Each person's fields as `pln show --json` has them, by name (ids left out)."""
    out = {}
    for row in pln.json("--db", db, "list"):
        shown = pln.json("--db", db, "show", f"#{row['id']}")
        fields = {k: shown[k] for k in KEPT}
        fields["introduced_by"] = (shown["introduced_by"] or {}).get("name")
        fields["knows"] = sorted(k["name"] for k in shown["knows"])
        out[shown["name"]] = fields
    return out


@pytest.mark.sqlite_only(reason="each example makes two books of its own (--db files)")
@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(book=people())
def test_export_then_import_into_an_empty_book_gives_the_same_people(
    pln: Any, tmp_path: Path, book: list[dict[str, Any]]
) -> None:
    n = next(_counter)
    source, copy, csv = (str(tmp_path / f"{what}{n}") for what in ("a.db", "b.db", "p.csv"))
    add_all(pln, source, book)
    pln("--db", source, "export", "--format", "csv", "-o", csv)
    doc = pln.json("--db", copy, "import", csv)
    assert doc["invalid"] == []
    assert [x["field"] for x in doc["notes"]] == ["last_contact"]  # only what pln keeps itself
    before, after = everyone(pln, source), everyone(pln, copy)
    assert after == before
    # and the cells the old CSV lost are there to read
    header = Path(csv).read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"cadence", "role_tags", "introduced_by", "birthday"} <= set(header)


def test_the_new_columns_round_trip_in_a_shared_book_too(pln: Any, tmp_path: Path) -> None:
    """On the test's own book (SQLite, and PostgreSQL where a server runs)."""
    pln("add", "Ana Ruiz", "--every", "30d", "--role-tag", "mentor", "--birthday", "--05-17")
    pln("add", "Ben Okafor", "--introduced-by", "Ana", "--every", "never", "--role-tag", "mentee")
    csv = tmp_path / "people.csv"
    pln("export", "--format", "csv", "-o", str(csv))
    rows = [r.rsplit(",", 1)[0] for r in csv.read_text(encoding="utf-8").splitlines()]  # no uid
    assert rows[0].split(",")[-3:] == ["cadence", "role_tags", "introduced_by"]
    assert rows[1].endswith(",30d,mentor,")
    assert rows[2].endswith(",never,mentee,Ana Ruiz")
    assert ",'--05-17," in rows[1]  # formula guard on a birthday with no year; read back
    copy = str(tmp_path / "copy.db")
    pln("--db", copy, "import", str(csv))
    ana, ben = (pln.json("--db", copy, "show", name) for name in ("Ana", "Ben"))
    assert (ana["cadence"], ana["role_tags"], ana["birthday"]) == ("30d", ["mentor"], "--05-17")
    assert (ben["cadence"], ben["role_tags"]) == ("never", ["mentee"])
    assert ben["introduced_by"]["name"] == "Ana Ruiz"


OLD_HEADER = (
    "name,email,phone,org,role,location,circle,topics,offers,seeks,met_at,met_on,notes,"
    "knows,birthday,links,last_contact"
)


def test_an_older_csv_without_the_new_columns_still_imports(pln: Any, tmp_path: Path) -> None:
    assert OLD_HEADER.split(",") == list(CSV_FIELDS[:17])  # the layout pln wrote before
    csv = tmp_path / "old.csv"
    csv.write_text(
        OLD_HEADER + "\r\n"
        "Ana Ruiz,ana@example.org,,Acme,,,colleague,assessment,,,,2024-05-01,hi,,"
        "1985-11-30,https://ana.example,2026-01-01\r\n",
        encoding="utf-8",
    )
    doc = pln.json("import", str(csv))
    assert (doc["added"], doc["invalid"]) == (["Ana Ruiz"], [])
    ana = pln.json("show", "Ana")
    assert (ana["cadence"], ana["role_tags"], ana["introduced_by"]) == (None, [], None)
    assert (ana["circle"], ana["birthday"], ana["links"]) == (
        "colleague",
        "1985-11-30",
        ["https://ana.example"],
    )


def test_merging_fills_an_empty_cadence_and_adds_role_tags(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz", "--role-tag", "mentor")
    pln("add", "Ben Okafor", "--every", "2w")
    csv = tmp_path / "more.csv"
    csv.write_text(
        "name,cadence,role_tags,introduced_by\r\n"
        "Ana Ruiz,30d,mentor;sponsor,Nobody Known\r\n"
        "Ben Okafor,monthly,expert,Ana Ruiz\r\n",
        encoding="utf-8",
    )
    doc = pln.json("import", str(csv))
    assert doc["notes"] == [
        {"where": "line 3", "field": "cadence", "why": "kept '2w', file had '1m'"},
        {
            "where": "line 2",
            "field": "introduced_by",
            "why": "no one else called 'Nobody Known'; not kept",
        },
    ]
    ana, ben = pln.json("show", "Ana"), pln.json("show", "Ben")
    assert (ana["cadence"], ana["role_tags"], ana["introduced_by"]) == (
        "30d",
        ["mentor", "sponsor"],
        None,
    )
    assert (ben["cadence"], ben["role_tags"]) == ("2w", ["expert"])
    assert ben["introduced_by"]["name"] == "Ana Ruiz"


def test_a_bad_cadence_rejects_its_row(pln: Any, tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("name,cadence\r\nAna Ruiz,sometimes\r\n", encoding="utf-8")
    result = pln("import", str(csv), code=2)
    assert "  line 2: cadence: 'sometimes' is not a cadence (30d, 2w, 3m, 1y or never)" in (
        result.stderr
    )
    assert pln.json("list") == []
