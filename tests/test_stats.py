"""`pln stats`: every number it prints, on a book built through the CLI, worked out by hand.

The book (today is Monday 2026-11-23; the default period runs from 2026-08-25, "then" is
2026-08-24, the previous period 2026-05-26 to 2026-08-24: 91 days, as 08-25 to 11-23), with
each person's interactions (local days) and what follows from them:

- Ana   colleague (14d), added 01-10; topic assessment, offers retrieval practice.
        08-20, 11-20 (topic assessment), 11-21 (introduced to Flo). Now active; then active.
- Ben   colleague, added 01-10; seeks oracy and assessment. 06-10 (introduced to Cy), 11-01.
        Now 22 days: due (1.6 x 14); then 75 days: dormant.
- Cy    network (60d), added 01-10; offers assessment, seeks SEND. 06-10, 06-20.
        Now 156 days: dormant (2.6 x 60); then 65 days: due.
- Di    network, added and met at researchED 2026 on 10-01; topic assessment. 10-05 (topic
        phonics): within a week of meeting. Active.
- Ed    network, added and met at researchED 2026 on 10-01. 10-20: later than a week. Active.
- Flo   following, added 11-20, met at TeachMeet North on 11-18. 11-21 (introduced to Ana):
        within a week of being added. No cadence.
- Gus   network, added and met at TeachMeet North on 11-18; no contact: a first contact owed.
- Hal   network, --every never, added 01-10; seeks oracy; a follow-up due 11-15.
- Ivy   colleague, added 01-10, one interaction 07-15, then archived: counted only in the
        rhythm of the whole book (archiving someone does not rewrite the past).
"""

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from built_once import built_once
from helpers import Dump, fails, pinned_today

TODAY = date(2026, 11, 23)


def on(day: str) -> Any:
    return pinned_today(date.fromisoformat(day))


@pytest.fixture
def book(pln: Any, request: pytest.FixtureRequest) -> None:
    built_once(request, "stats", lambda: _build(pln))


def _build(pln: Any) -> None:
    with on("2026-01-10"):
        pln("add", "Ana Ruiz", "--circle", "colleague", "--topic", "assessment",
            "--offers", "retrieval practice")  # fmt: skip
        pln("add", "Ben Okafor", "--circle", "colleague", "--seeks", "oracy",
            "--seeks", "assessment")  # fmt: skip
        pln("add", "Cy Moss", "--offers", "assessment", "--seeks", "SEND")
        pln("add", "Hal Ives", "--every", "never", "--seeks", "oracy")
        pln("add", "Ivy Jones", "--circle", "colleague")
    with on("2026-10-01"):
        pln("add", "Di Lowe", "--met-at", "researchED 2026", "--topic", "assessment")
        pln("add", "Ed Park", "--met-at", "researchED 2026")
    with on("2026-11-18"):
        pln("add", "Gus Ng", "--met-at", "TeachMeet North")
    with on("2026-11-20"):
        pln("add", "Flo Hart", "--circle", "following", "--met-at", "TeachMeet North",
            "--on", "2026-11-18")  # fmt: skip
    with on("2026-11-10"):
        pln("remind", "Hal", "2026-11-15", "-m", "send the list")
    with on("2026-06-01"):
        pln("introduce", "Ben", "Cy")
        pln("intro", "asked", "Ben", "Cy")
    with on("2026-06-10"):
        pln("intro", "made", "Ben", "Cy")
    with on("2026-06-30"):
        pln("intro", "outcome", "Ben", "Cy", "connected")
    with on("2026-11-21"):
        pln("introduce", "Ana", "Flo", "--include-following")
        pln("intro", "made", "Ana", "Flo")
    with on("2026-11-22"):
        pln("intro", "outcome", "Ana", "Flo", "nothing")
        pln("introduce", "Ana", "Di")
        pln("intro", "asked", "Ana", "Di")
        pln("intro", "declined", "Ana", "Di")
        pln("introduce", "Ed", "Gus")
        pln("intro", "asked", "Ed", "Gus")
    for who, day, *more in [
        ("Cy", "2026-06-20"),
        ("Ivy", "2026-07-15"),
        ("Ana", "2026-08-20"),
        ("Di", "2026-10-05", "--topic", "phonics"),
        ("Ed", "2026-10-20"),
        ("Ben", "2026-11-01"),
        ("Ana", "2026-11-20", "--topic", "assessment"),
    ]:
        pln("log", who, "-m", "catch-up", "--on", day, *more)
    pln("archive", "Ivy")


def counts(people: int, active: int, due: int, dormant: int, none: int, contacted: int) -> dict:
    return {
        "people": people,
        "active": active,
        "due": due,
        "dormant": dormant,
        "no_cadence": none,
        "contacted": contacted,
    }


def circles(doc: dict[str, Any]) -> dict[str, tuple[dict[str, int], dict[str, int]]]:
    return {
        c["circle"]: ({k: v for k, v in c.items() if k not in ("circle", "then")}, c["then"])
        for c in doc["circles"]
    }


def funnel(doc: dict[str, Any]) -> list[int]:
    i = doc["introductions"]
    return [i[k] for k in ("proposed", "asked", "made", "connected", "declined", "nothing")]


def rhythm(**months: int) -> list[dict[str, Any]]:
    """The 12 months Dec 2025 .. Nov 2026, zero but where given (``jun=2``)."""
    names = ["dec", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov"]
    keys = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    return [
        {"month": k, "interactions": months.get(n, 0)} for n, k in zip(names, keys, strict=True)
    ]


def test_every_number_on_the_screen(pln: Any, book: None) -> None:
    doc = pln.json("stats")
    assert doc["period"] == {
        "since": "2026-08-25",
        "today": "2026-11-23",
        "previous_since": "2026-05-26",
    }
    assert circles(doc) == {
        "colleague": (counts(2, 1, 1, 0, 0, 2), counts(2, 1, 0, 1, 0, 2)),
        "network": (counts(5, 3, 0, 1, 1, 2), counts(2, 0, 1, 0, 1, 1)),
        "following": (counts(1, 0, 0, 0, 1, 1), counts(0, 0, 0, 0, 0, 0)),
        "all": (counts(8, 4, 1, 1, 2, 5), counts(4, 1, 1, 1, 1, 3)),
    }
    assert [c["circle"] for c in doc["circles"]] == ["colleague", "network", "following", "all"]
    assert doc["owed"] == {"follow_ups": 1, "first_contacts": 1, "reconnects": 2}
    assert doc["rhythm"] == rhythm(jun=2, jul=1, aug=1, oct=2, nov=3)
    assert doc["gaps"] == {
        "sought_not_offered": [{"topic": "oracy", "seekers": 2}, {"topic": "SEND", "seekers": 1}],
        "one_contact": [{"topic": "phonics", "person": {"id": 6, "name": "Di Lowe"}}],
    }
    assert doc["events"] == [
        {"id": 2, "name": "TeachMeet North", "on": "2026-11-18", "met": 2, "within_week": 1,
         "never": 1},
        {"id": 1, "name": "researchED 2026", "on": "2026-10-01", "met": 2, "within_week": 1,
         "never": 0},
    ]  # fmt: skip
    assert doc["introductions"] == {
        "proposed": 4,
        "asked": 4,
        "made": 2,
        "connected": 1,
        "declined": 1,
        "nothing": 1,
        "evidence": [
            {"kind": "complement", "made": 1, "connected": 1},
            {"kind": "no stated reason", "made": 1, "connected": 0},
        ],
    }


def test_the_owed_line_is_what_pln_due_lists(pln: Any, book: None) -> None:
    owed = pln.json("stats")["owed"]
    kinds = [i["kind"] for i in pln.json("due")]
    assert owed == {
        "follow_ups": kinds.count("follow-up"),
        "first_contacts": kinds.count("first-contact"),
        "reconnects": kinds.count("reconnect"),
    }


def test_since_sets_the_period_and_limits_events_and_introductions(pln: Any, book: None) -> None:
    doc = pln.json("stats", "--since", "2026-11-01")
    assert doc["period"]["previous_since"] == "2026-10-09"  # 23 days before 11-01, as 11-01..11-23
    assert circles(doc) == {
        "colleague": (counts(2, 1, 1, 0, 0, 2), counts(2, 0, 0, 2, 0, 0)),
        "network": (counts(5, 3, 0, 1, 1, 0), counts(4, 2, 0, 1, 1, 1)),
        "following": (counts(1, 0, 0, 0, 1, 1), counts(0, 0, 0, 0, 0, 0)),
        "all": (counts(8, 4, 1, 1, 2, 3), counts(6, 2, 0, 3, 1, 1)),
    }
    assert [(e["name"], e["met"], e["within_week"], e["never"]) for e in doc["events"]] == [
        ("TeachMeet North", 2, 1, 1)
    ]
    assert funnel(doc) == [3, 3, 1, 0, 1, 1]
    assert doc["introductions"]["evidence"] == [
        {"kind": "no stated reason", "made": 1, "connected": 0}
    ]
    # the same period, said as a length back from today; and the rhythm is always 12 months
    assert pln.json("stats", "--since", "22d") == doc
    assert doc["rhythm"] == rhythm(jun=2, jul=1, aug=1, oct=2, nov=3)


def test_circle_chooses_the_people_every_number_counts(pln: Any, book: None) -> None:
    doc = pln.json("stats", "--circle", "Colleague")
    assert circles(doc) == {
        "colleague": (counts(2, 1, 1, 0, 0, 2), counts(2, 1, 0, 1, 0, 2)),
        "all": (counts(2, 1, 1, 0, 0, 2), counts(2, 1, 0, 1, 0, 2)),
    }
    assert doc["owed"] == {"follow_ups": 0, "first_contacts": 0, "reconnects": 1}
    assert doc["rhythm"] == rhythm(jun=1, aug=1, nov=3)
    assert doc["gaps"] == {
        "sought_not_offered": [{"topic": "oracy", "seekers": 1}],
        "one_contact": [],
    }
    assert doc["events"] == []
    assert funnel(doc) == [3, 3, 2, 1, 1, 1]


def test_topic_chooses_people_as_pln_due_does(pln: Any, book: None) -> None:
    doc = pln.json("stats", "--topic", "oracy")
    assert circles(doc)["all"] == (counts(2, 0, 1, 0, 1, 1), counts(2, 0, 0, 1, 1, 1))
    assert [c["circle"] for c in doc["circles"]] == ["colleague", "network", "all"]
    assert doc["rhythm"] == rhythm(jun=1, nov=1)  # Ben's two; Hal has none
    assert doc["owed"] == {"follow_ups": 1, "first_contacts": 0, "reconnects": 1}


def test_one_relationship(pln: Any, book: None) -> None:
    doc = pln.json("stats", "--person", "Ben")
    assert doc == {
        "person": {"id": 2, "name": "Ben Okafor"},
        "circle": "colleague",
        "cadence": None,
        "band": "due",
        "last_contact": "2026-11-01",
        "rhythm": rhythm(jun=1, nov=1),
    }
    out = pln("stats", "--person", "Ben").stdout
    assert "Ben Okafor (#2)" in out
    assert "colleague, last contact 3 weeks ago; due: past their cadence" in out
    bars = {line.split()[0] + line.split()[1]: line.split()[2:] for line in out.splitlines()[4:]}
    assert bars["Jun2026"] == ["#" * 40, "1"]
    assert bars["Jul2026"] == ["0"]
    assert pln.json("stats", "--person", "Ivy")["band"] == "dormant"  # archived: still theirs


def test_the_screen_in_a_pipe(pln: Any, book: None) -> None:
    out = pln("stats").stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line}
    assert rows["colleague"] == ["2", "1", "1", "(+1)", "0", "(-1)", "0", "2"]
    assert rows["network"] == ["5", "(+3)", "3", "(+3)", "0", "(-1)", "1", "(+1)", "1", "2", "(+1)"]
    assert rows["following"] == ["1", "(+1)", "0", "0", "0", "1", "(+1)", "1", "(+1)"]
    assert rows["all"] == [
        "8", "(+4)", "4", "(+3)", "1", "1", "2", "(+1)", "5", "(+2)"
    ]  # fmt: skip
    assert "Owed now (pln due): 1 follow-up, 1 first contact, 2 reconnects" in out
    # bars: ASCII in a pipe, the busiest month 40 long, each other in proportion
    months = {
        " ".join(line.split()[:2]): line.split()[2:]
        for line in out.splitlines()
        if re.match(r"[A-Z][a-z]{2} 20\d\d ", line)
    }
    assert months["Nov 2026"] == ["#" * 40, "3"]
    assert months["Jun 2026"] == ["#" * 27, "2"]  # 2 x 40 / 3, rounded
    assert months["Aug 2026"] == ["#" * 13, "1"]
    assert months["Jul 2026"] == ["#" * 13, "1"]  # Ivy's: archived since, still kept
    assert months["Dec 2025"] == ["0"]
    assert len(months) == 12
    assert rows["oracy"] == ["2"]
    assert rows["SEND"] == ["1"]
    assert rows["phonics"] == ["Di", "Lowe"]
    assert rows["2026-11-18"] == ["TeachMeet", "North", "2", "1", "1"]
    assert rows["2026-10-01"] == ["researchED", "2026", "2", "1", "0"]
    assert "4 proposed → 4 asked → 2 made → 1 connected (1 declined, 1 made with nothing" in out
    assert rows["one"] == ["offers", "what", "the", "other", "seeks", "1", "of", "1"]


def test_bars_are_blocks_on_a_utf8_terminal(
    pln: Any, book: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = pln("stats").stdout
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in out.splitlines()]
    month = {
        line[:8]: line[8:].split() for line in lines if re.match(r"[A-Z][a-z]{2} 20\d\d ", line)
    }
    assert "#" not in "".join(" ".join(m) for m in month.values())
    assert month["Nov 2026"] == ["█" * 40, "3"]  # the busiest month
    assert month["Jun 2026"] == ["█" * 26 + "▋", "2"]  # 2 x 40 / 3 = 26 and 5 eighths
    assert month["Aug 2026"] == ["█" * 13 + "▍", "1"]  # 13 and 3 eighths
    assert month["Dec 2025"] == ["0"]


def test_bar_lengths() -> None:
    from plncli.cli.stats import bar

    assert bar(0, 5, blocks=False) == ""
    assert bar(1, 1000, blocks=False) == "#"  # a sliver for anything at all
    assert bar(5, 5, blocks=True) == "█" * 40
    assert bar(1, 8, blocks=True) == "█████"
    assert bar(1, 320, blocks=True) == "▏"


def test_an_empty_book(pln: Any) -> None:
    doc = pln.json("stats")
    assert circles(doc) == {"all": (counts(0, 0, 0, 0, 0, 0), counts(0, 0, 0, 0, 0, 0))}
    assert doc["rhythm"] == rhythm()
    assert doc["events"] == []
    out = pln("stats").stdout
    assert "0 proposed" in out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--since", "feb 30"], 2, "error: --since: feb 30 is not a date"),
        (["--since", "tomorrow"], 2, "error: --since is 2026-11-24, in the future"),
        (["--since", "1850"], 2, "error: --since '1850' is too far back"),
        (["--circle", "friends"], 2, "error: Invalid value for '--circle'"),
        (["--topic", "?"], 2, "error: no topic to look for in '?'"),
        (["--person", "Zed"], 3, "error: no one matches 'Zed'"),
        (["--person", "Ana", "--since", "30d"], 2, "error: --person draws one relationship"),
    ],
)
def test_errors_are_one_line_and_change_nothing(
    pln: Any, dump: Dump, args: list[str], code: int, message: str
) -> None:
    pln("add", "Ana Ruiz")
    pln("log", "Ana", "-m", "hello")
    line = fails(pln, dump, code, "stats", *args)
    assert line.startswith(message), line
    assert "Ana Ruiz" not in line  # nothing stored in a message


def test_an_ambiguous_person_lists_them(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ana Lopez", "--allow-duplicate")
    result = pln("stats", "--person", "Ana", code=4)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_the_readme_shows_the_json_shape(pln: Any, book: None) -> None:
    """The README's `pln stats --json` example has exactly the keys pln prints."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("`pln stats --json`:", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    import json

    shown = json.loads(block)

    def keys(value: Any, path: str = "") -> set[str]:
        if isinstance(value, dict):
            return {f"{path}.{k}" for k in value} | {
                p for k, v in value.items() for p in keys(v, f"{path}.{k}")
            }
        if isinstance(value, list) and value:
            return keys(value[0], f"{path}[]")
        return set()

    assert keys(shown) == keys(pln.json("stats"))
    person = readme.split("`pln stats --person P --json`:", 1)[1].split("```json", 1)[1]
    assert keys(json.loads(person.split("```", 1)[0])) == keys(pln.json("stats", "--person", "Ana"))


def test_stats_says_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    from test_pg_commands import on_both

    script = [
        ["add", "Ana Ruiz", "--circle", "colleague", "--topic", "assessment", "--seeks", "oracy"],
        ["add", "Ben Okafor", "--met-at", "researchED 2026", "--on", "2026-11-01"],
        ["add", "Cy Moss", "--circle", "following", "--offers", "assessment"],
        ["log", "Ana", "-m", "coffee", "--on", "2026-09-03", "--topic", "phonics"],
        ["log", "Ana", "Ben", "-m", "call", "--on", "2026-11-05"],
        ["log", "Cy", "-m", "dm", "--on", "2026-01-31"],
        ["introduce", "Ana", "Cy", "--include-following"],
        ["intro", "made", "Ana", "Cy"],
        ["stats"],
        ["stats", "--json"],
        ["stats", "--since", "2026-10-01", "--json"],
        ["stats", "--circle", "network"],
        ["stats", "--topic", "assessment", "--json"],
        ["stats", "--person", "Ana"],
        ["stats", "--person", "Ben", "--json"],
        ["stats", "--since", "next year"],
    ]
    results = on_both(pln, tmp_path, pg_url, script)
    assert [r.exit_code for r in results][-1] == 2
    assert all(r.exit_code == 0 for r in results[:-1])


def test_then_counts_a_contact_logged_from_before_the_person_was_added(pln: Any) -> None:
    """ "Then" reads interactions back only as far as a band can change (here 122 days
    before the period), and asks about anyone added since with none in that time: an
    interaction logged from long before they were added makes them dormant then."""
    with on("2026-07-01"):
        pln("add", "Zoe Quinn")  # network: 60 days
        pln("add", "Yan Ho")
    pln("log", "Zoe", "-m", "met at a summer school", "--on", "2026-01-15")
    doc = pln.json("stats")
    # then (08-24): Zoe's last contact 01-15, 221 days: dormant; Yan from 07-01, 54 days
    assert circles(doc)["network"] == (counts(2, 0, 0, 2, 0, 0), counts(2, 1, 0, 1, 0, 0))
