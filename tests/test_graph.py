"""`pln graph`: what the picture holds (people, ties, groups, cards, suggested
introductions), what it leaves out (beyond the bounded picture; anything private), how
the file is written (owner-only, never replaced without --force), and how every format
escapes hostile names.

Runs on both engines (the ``pln`` fixture). "Now" is Monday 2026-11-23 10:00 local time.
The browser's side is tests/test_graph_browser.py.
"""

from __future__ import annotations

import json
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from helpers import Dump, fails
from plncli import graph_render
from plncli.graph import LeftOut, Person, Picture
from plncli.resolve import PersonRef
from plncli.text import visible

DATA = re.compile(r'<script type="application/json" id="pln-data">(.*?)</script>', re.S)


def page_data(page: str) -> Any:
    """The data the page draws: the JSON inside its data element, as the page reads it."""
    found = DATA.findall(page)
    assert len(found) == 1
    return json.loads(found[0])


def draw(pln: Any, tmp_path: Path, *args: str, name: str = "net.html") -> tuple[Any, Any]:
    """``pln graph -o FILE ARGS``: the result, and the page's data."""
    target = tmp_path / name
    result = pln("graph", "-o", str(target), *args)
    return result, page_data(target.read_text(encoding="utf-8"))


def names(doc: Any) -> dict[int, str]:
    return {p["id"]: p["name"] for p in doc["people"]}


def named(doc: Any, ties: list[list[int]]) -> set[frozenset[str]]:
    who = names(doc)
    return {frozenset((who[a], who[b])) for a, b in ties}


@pytest.fixture
def book(pln: Any) -> None:
    """Four people: Ana and Ben meet a need (a suggestion), Ana knows Carla, Ben and Carla
    are in a book club, Ben is owed a follow-up today, Dev is only followed."""
    pln(
        "add",
        "Ana Ruiz",
        "--org",
        "Hillside Academy",
        "--role",
        "Head of science",
        "--topic",
        "assessment",
        "--offers",
        "retrieval practice",
    )
    pln("add", "Ben Okafor", "--seeks", "retrieval practice", "--topic", "physics")
    pln(
        "add",
        "Carla Diaz",
        "--circle",
        "colleague",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-11-20",
    )
    pln("add", "Dev Patel", "--circle", "following")
    pln("knows", "Ana Ruiz", "Carla Diaz")
    pln("group", "add", "Book club", "Ben Okafor", "Carla Diaz")
    pln("log", "Ana Ruiz", "-m", "coffee", "--on", "yesterday")
    pln("remind", "Ben Okafor", "today", "-m", "Send the quiz bank")


# ---- the picture ---------------------------------------------------------------------------


def test_the_page_draws_everyone_with_their_cards(pln: Any, tmp_path: Path, book: None) -> None:
    result, doc = draw(pln, tmp_path)
    target = tmp_path / "net.html"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert result.stdout == ""
    assert result.stderr.startswith(f"Wrote {target} (")
    assert "4 people, 1 tie, 1 group, 1 suggested introduction." in result.stderr
    assert sorted(names(doc).values()) == ["Ana Ruiz", "Ben Okafor", "Carla Diaz", "Dev Patel"]
    assert named(doc, doc["ties"]) == {frozenset(("Ana Ruiz", "Carla Diaz"))}
    assert [g["name"] for g in doc["groups"]] == ["Book club"]
    club = doc["groups"][0]["id"]
    assert {names(doc)[p] for p, g in doc["memberships"] if g == club} == {
        "Ben Okafor",
        "Carla Diaz",
    }
    cards = {p["name"]: p for p in doc["people"]}
    ana, ben, carla, dev = (cards[n] for n in ("Ana Ruiz", "Ben Okafor", "Carla Diaz", "Dev Patel"))
    assert (ana["org"], ana["role"], ana["circle"]) == (
        "Hillside Academy",
        "Head of science",
        "network",
    )
    assert (ana["topics"], ana["offers"], ana["seeks"]) == (
        ["assessment"],
        ["retrieval practice"],
        [],
    )
    assert (ana["last_contact"], ana["contacts"]) == ("2026-11-22", 1)
    assert ana["knows"] == ["Carla Diaz"]
    assert ana["knows_more"] == 0
    assert ana["groups"] == []
    assert ben["groups"] == [club]
    assert ben["seeks"] == ["retrieval practice"]
    assert ben["last_contact"] is None
    assert ben["due"] == ["follow-up: Send the quiz bank"]
    assert carla["met_at"] == "researchED 2026"
    assert carla["knows"] == ["Ana Ruiz"]
    assert dev["circle"] == "following"
    assert dev["contacts"] == 0
    assert not any(p["dormant"] for p in doc["people"])
    assert (doc["scope"], doc["ego"], doc["for"]) == ("active", False, None)
    assert doc["left_out"] == {"people": 0, "ties": 0, "groups": 0, "memberships": 0}


def test_suggested_introductions_are_pln_introduces_own(
    pln: Any, tmp_path: Path, book: None
) -> None:
    """The dashed lines are `pln introduce`'s introductions, with its reasons."""
    wanted = [s for s in pln.json("introduce") if s["kind"] == "introduce"]
    assert wanted
    _, doc = draw(pln, tmp_path)
    who = names(doc)
    drawn = [
        ({who[i["a"]], who[i["b"]]}, i["reasons"], i["evidence"]) for i in doc["introductions"]
    ]
    assert drawn == [
        ({s["a"]["name"], s["b"]["name"]}, s["reasons"], s["evidence"]) for s in wanted
    ]
    assert "Ben is looking for help with retrieval practice; Ana offers it" in drawn[0][1]
    _, none = draw(pln, tmp_path, "--suggestions", "0", name="none.html")
    assert none["introductions"] == []


def test_the_page_loads_nothing_and_inlines_the_library(
    pln: Any, tmp_path: Path, book: None
) -> None:
    draw(pln, tmp_path)
    page = (tmp_path / "net.html").read_text(encoding="utf-8")
    policy = (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
        " script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">"
    )
    assert policy in page
    assert page.index(policy) < page.index("<script")  # in force before any script runs
    assert "The Cytoscape Consortium" in page  # the library, with its licence, inlined
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)\s*=", page, re.I)
    assert "@import" not in page
    assert "url(" not in page


def test_dot_graphml_mermaid_and_json(pln: Any, book: None) -> None:
    doc = json.loads(pln("graph", "--format", "json").stdout)
    assert doc == json.loads(pln("graph", "--json").stdout)
    assert set(doc) == {"scope", "for", "ego", "limit", "people", "groups", "ties"} | {
        "memberships",
        "introductions",
        "left_out",
    }
    ids = {p["name"]: p["id"] for p in doc["people"]}
    dot = pln("graph", "--format", "dot").stdout
    assert dot.startswith("graph pln {")
    assert dot.rstrip().endswith("}")
    assert f'p{ids["Ana Ruiz"]} [label="Ana Ruiz"' in dot
    a, c = sorted((ids["Ana Ruiz"], ids["Carla Diaz"]))
    assert f"  p{a} -- p{c};" in dot
    assert "style=dashed" in dot
    root = ET.fromstring(pln("graph", "--format", "graphml").stdout)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    labels = [d.text for d in root.iterfind(".//g:node/g:data[@key='label']", ns)]
    assert sorted(labels) == ["Ana Ruiz", "Ben Okafor", "Book club", "Carla Diaz", "Dev Patel"]
    kinds = [d.text for d in root.iterfind(".//g:edge/g:data[@key='edge_kind']", ns)]
    assert sorted(kinds) == ["member", "member", "suggested-introduction", "tie"]
    mermaid = pln("graph", "--format", "mermaid").stdout
    assert mermaid.startswith("flowchart LR\n")
    assert f'  p{ids["Ana Ruiz"]}("Ana Ruiz"):::network' in mermaid
    assert f"  p{a} --- p{c}" in mermaid


def test_ego_puts_you_in_the_centre(pln: Any, tmp_path: Path, book: None) -> None:
    _, doc = draw(pln, tmp_path, "--ego")
    assert doc["ego"] is True
    dot = pln("graph", "--format", "dot", "--ego").stdout
    assert 'you [label="You"' in dot
    assert dot.count("  you -- p") == 4


# ---- who is drawn --------------------------------------------------------------------------


def test_the_default_picture_is_the_most_active_people(pln: Any, tmp_path: Path) -> None:
    for n, who in enumerate(("Ann", "Bea", "Cal", "Dot", "Eve")):
        pln("add", who)
        for _ in range(n):  # Eve most active, Ann not at all
            pln("log", who, "-m", "chat", "--on", "3 days ago")
    pln("log", "Ann", "-m", "long ago", "--on", "2025-06-01")  # over a year ago: not recent
    for a, b in (("Ann", "Bea"), ("Dot", "Eve"), ("Cal", "Eve"), ("Ann", "Eve")):
        pln("knows", a, b)
    result, doc = draw(pln, tmp_path, "--limit", "2", "--suggestions", "0")
    assert sorted(names(doc).values()) == ["Dot", "Eve"]
    assert named(doc, doc["ties"]) == {frozenset(("Dot", "Eve"))}
    assert doc["left_out"] == {"people": 3, "ties": 3, "groups": 0, "memberships": 0}
    assert "Left out: 3 people, 3 ties, 0 groups (drawn: the 2 most active people" in result.stderr
    assert "--all draws everyone" in result.stderr
    contacts = {
        p["name"]: p["contacts"] for p in draw(pln, tmp_path, "--all", name="all.html")[1]["people"]
    }
    assert contacts == {"Ann": 0, "Bea": 1, "Cal": 2, "Dot": 3, "Eve": 4}
    _, everyone = draw(pln, tmp_path, "--all", "--limit", "1", name="all1.html")
    assert len(everyone["people"]) == 5
    assert len(everyone["ties"]) == 4
    assert everyone["left_out"]["people"] == 0


def test_for_draws_a_person_and_whom_they_know(pln: Any, tmp_path: Path) -> None:
    for who in ("Ann", "Bea", "Cal", "Dot", "Eve"):
        pln("add", who)
    pln("knows", "Ann", "Bea")
    pln("knows", "Cal", "Dot")
    pln("group", "add", "Chess", "Ann", "Eve")
    _, doc = draw(pln, tmp_path, "--for", "Ann", "--suggestions", "0")
    assert sorted(names(doc).values()) == ["Ann", "Bea", "Eve"]
    assert doc["scope"] == "for"
    assert doc["for"]["name"] == "Ann"
    assert doc["left_out"]["people"] == 2
    assert doc["left_out"]["ties"] == 1
    _, one = draw(pln, tmp_path, "--for", "Ann", "--limit", "2", name="two.html")
    assert len(one["people"]) == 2
    assert one["people"][0]["name"] == "Ann"


def test_dormant_and_recent_contact(pln: Any, tmp_path: Path) -> None:
    """Dormant: the cadence run out more than twice over (network: 60 days)."""
    pln("add", "Old Friend", "Quiet One", "Fresh Face", "Just Followed")
    pln("edit", "Just Followed", "--circle", "following")
    pln("log", "Old Friend", "-m", "last year", "--on", "2026-05-01")  # 206 days > 120
    pln("log", "Quiet One", "-m", "a while", "--on", "2026-08-01")  # 114 days <= 120
    pln("log", "Fresh Face", "-m", "today", "--on", "today")
    pln("log", "Just Followed", "-m", "ages ago", "--on", "2024-01-01")  # no cadence
    _, doc = draw(pln, tmp_path)
    dormant = {p["name"]: p["dormant"] for p in doc["people"]}
    assert dormant == {
        "Old Friend": True,
        "Quiet One": False,
        "Fresh Face": False,
        "Just Followed": False,
    }


def test_private_topics_events_and_groups_are_left_out(pln: Any, tmp_path: Path) -> None:
    pln(
        "add",
        "Ana Ruiz",
        "--topic",
        "Mental health",
        "--topic",
        "assessment",
        "--seeks",
        "mental health",
        "--met-at",
        "Secret Summit",
    )
    pln("add", "Ben Okafor", "--offers", "mental-health", "--topic", "assessment")
    pln("group", "add", "Heads Hush Group", "Ana Ruiz", "Ben Okafor")
    pln("private", "topic", "mental health")
    pln("private", "event", "Secret Summit")
    pln("private", "group", "Heads Hush Group")
    _, doc = draw(pln, tmp_path)
    assert doc["groups"] == []
    assert doc["memberships"] == []
    ana = next(p for p in doc["people"] if p["name"] == "Ana Ruiz")
    assert (ana["topics"], ana["seeks"], ana["met_at"]) == (["assessment"], [], None)
    outputs = [(tmp_path / "net.html").read_text(encoding="utf-8")]
    outputs += [pln("graph", "--format", f).stdout for f in ("json", "dot", "graphml", "mermaid")]
    for text in outputs:
        folded = text.lower()
        assert "mental" not in folded
        assert "secret" not in folded
        assert "hush" not in folded
    assert doc["left_out"]["groups"] == 0  # a private group is not counted either


# ---- the file, and errors ------------------------------------------------------------------


def test_an_existing_file_is_never_replaced_without_force(
    pln: Any, dump: Dump, tmp_path: Path, book: None
) -> None:
    target = tmp_path / "net.html"
    target.write_text("mine")
    line = fails(pln, dump, 5, "graph", "-o", str(target))
    assert line == f"error: {target} already exists; nothing was written"
    assert target.read_text() == "mine"
    target.chmod(0o644)
    pln("graph", "-o", str(target), "--force")
    assert page_data(target.read_text(encoding="utf-8"))["people"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "the HTML picture is written to a file: give -o FILE"),
        (("--format", "png"), "--format 'png' is not known"),
        (("--format", "dot", "--all", "--for", "Ana"), "give --all or --for, not both"),
        (("--format", "dot", "--limit", "0"), "--limit 0 draws no one"),
        (("--format", "dot", "--suggestions", "-1"), "--suggestions -1 is negative"),
        (("--format", "dot", "--json"), "--json prints JSON: leave out --format"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    pln: Any, dump: Dump, book: None, args: tuple[str, ...], says: str
) -> None:
    assert fails(pln, dump, 2, "graph", *args) == f"error: {says}"


def test_for_someone_unknown_is_not_found(pln: Any, dump: Dump, tmp_path: Path, book: None) -> None:
    assert "Zed" in fails(pln, dump, 3, "graph", "-o", str(tmp_path / "z.html"), "--for", "Zed")
    assert not (tmp_path / "z.html").exists()


def test_an_empty_book_draws_an_empty_picture(pln: Any, tmp_path: Path) -> None:
    pln("add", "Only One")
    _, doc = draw(pln, tmp_path)
    assert [p["name"] for p in doc["people"]] == ["Only One"]
    assert doc["ties"] == []


# ---- hostile names, in every format -------------------------------------------------------

HOSTILE = [
    "</script><script>alert(1)</script>",
    'Ana "the quote" \\N O\'Brien',
    "Line\u2028Sep\u2029Para <!-- x -->",
    "Zoë & <b>bold</b> {curly} [sq] (paren) |pipe| #hash; `tick` %% mermaid",
    "Ωmega ☃ 😀 emoji",
]


def test_hostile_names_stay_names_in_every_format(pln: Any, tmp_path: Path) -> None:
    for n, name in enumerate(HOSTILE):
        pln("add", name, "--topic", f"topic {n}", "--org", name)
    stored = sorted(visible(p["name"]) for p in pln.json("list"))  # as the book keeps them
    assert len(stored) == len(HOSTILE)
    _, doc = draw(pln, tmp_path)
    page = (tmp_path / "net.html").read_text(encoding="utf-8")
    assert sorted(names(doc).values()) == stored
    assert page.count("</script") == page.count("<script")  # none ends an element early
    assert "\u2028" not in page
    assert "\u2029" not in page
    assert "<!-- x" not in page
    assert (
        sorted(p["name"] for p in json.loads(pln("graph", "--format", "json").stdout)["people"])
        == stored
    )
    root = ET.fromstring(pln("graph", "--format", "graphml").stdout)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    labels = [d.text for d in root.iterfind(".//g:node/g:data[@key='label']", ns)]
    assert sorted(labels) == stored
    assert sorted(dot_labels(pln("graph", "--format", "dot").stdout)) == stored
    assert sorted(mermaid_labels(pln("graph", "--format", "mermaid").stdout)) == stored


def dot_labels(text: str) -> list[str]:
    """The people's labels as Graphviz reads them: a quoted string where ``\\"`` is a
    quote and ``\\\\`` a backslash (``\\n`` a line break)."""
    found = re.findall(r'^  p\d+ \[label="((?:[^"\\]|\\.)*)"', text, re.M)
    unescape = {"\\\\": "\\", '\\"': '"', "\\n": "\n"}
    return [re.sub(r"\\.", lambda m: unescape.get(m.group(), m.group()), f) for f in found]


def mermaid_labels(text: str) -> list[str]:
    """The people's labels: safe characters only, entity codes decoded."""
    found = re.findall(r'^  p\d+\("([^"]*)"\):::\w+$', text, re.M)
    for label in found:
        assert re.fullmatch(r"[\w .,\-#;]*", label), label
    return [re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), f) for f in found]


def picture_of(name_list: list[str]) -> Picture:
    people = [
        Person(i + 1, n, "network", n, None, [n], [], [], None, 0, False, [], [], None, [], 0)
        for i, n in enumerate(name_list)
    ]
    return Picture(
        "for",  # the first name is also said in the comments on what was left out
        PersonRef(1, name_list[0]),
        False,
        150,
        people,
        [],
        [],
        [],
        [],
        LeftOut(1, 0, 0, 0),
    )


DOT_LINE = re.compile(r'graph pln \{|\}|  node \[.*\];|  // .*|  p\d+ \[label=".*\];')
MERMAID_LINE = re.compile(
    r'flowchart LR|  %% [\w .,:;()#\-]*|  p\d+\("[\w .,#;\-]*"\):::\w+|  classDef .*'
)


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=4))
@example(["\u2028"])  # a line separator kept raw split the DOT label (found by CI's run)
def test_any_name_round_trips_through_every_format(name_list: list[str]) -> None:
    """Whatever a name holds, each format gives it back as text (``visible``): the page's
    data as JSON inside a script element, DOT's and Mermaid's quoted labels, GraphML's XML."""
    picture = picture_of(name_list)
    shown = [visible(n) for n in name_list]
    page = graph_render.html(picture)
    assert page.count("</script") == page.count("<script") == 4
    assert [p["name"] for p in page_data(page)["people"]] == shown
    dot = graph_render.dot(picture)
    assert dot_labels(dot) == shown
    assert all(DOT_LINE.fullmatch(line) for line in dot.splitlines()), dot
    mermaid = graph_render.mermaid(picture)
    assert mermaid_labels(mermaid) == [s.replace("\n", " ") for s in shown]
    assert all(MERMAID_LINE.fullmatch(line) for line in mermaid.splitlines()), mermaid
    root = ET.fromstring(graph_render.graphml(picture))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    labels = [d.text or "" for d in root.iterfind(".//g:node/g:data[@key='label']", ns)]
    assert labels == [
        re.sub("[\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", s) for s in shown
    ]
    doc = json.loads(graph_render.as_json(picture))
    assert [p["name"] for p in doc["people"]] == name_list


def test_the_help_names_the_command(pln: Any) -> None:
    out = pln("graph", "--help").stdout
    assert "--ego" in out
    assert "--for" in out
    assert "--all" in out


def test_the_readme_states_the_numbers_the_code_uses() -> None:
    from plncli.graph import KNOWS_SHOWN, LIMIT, RECENT_DAYS, SUGGESTIONS

    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text("utf-8").split())
    assert f"by default the {LIMIT} most active people" in readme
    assert f"(the best {SUGGESTIONS}, `--suggestions N`" in readme
    assert f"interactions in the last {RECENT_DAYS} days" in readme
    assert f'"knows": [the first {KNOWS_SHOWN} names]' in readme


def test_the_library_ships_with_its_licence() -> None:
    """Package data (the wheel holds src/plncli/assets): the library and its MIT licence."""
    from importlib import resources

    assets = resources.files("plncli") / "assets"
    licence = (assets / "cytoscape.LICENSE").read_text(encoding="utf-8")
    assert "The Cytoscape Consortium" in licence
    assert "Permission is hereby granted" in licence
    assert (assets / "cytoscape.min.js").read_text(encoding="utf-8").startswith("/**\n * Copyright")


GRAPH_SCRIPT = [
    ["add", "Ana Ruiz", "--org", "Hillside", "--topic", "assessment", "--offers", "quizzes"],
    ["add", "Ben Okafor", "--seeks", "quizzes", "--topic", "Assessment", "--circle", "colleague"],
    ["add", "Carla Núñez", "--met-at", "ResearchEd", "--on", "2026-11-01", "--topic", "oracy"],
    ["add", "Dev Patel", "--circle", "following", "--seeks", "oracy"],
    ["knows", "Ana Ruiz", "Carla Núñez"],
    ["group", "add", "Book club", "Carla Núñez", "Dev Patel"],
    ["log", "Ana Ruiz", "Carla Núñez", "-m", "coffee", "--on", "yesterday 23:30"],
    ["log", "Ben Okafor", "-m", "call", "--on", "2025-06-01"],
    ["remind", "Ben Okafor", "today", "-m", "Send the quiz bank"],
    ["private", "topic", "oracy"],
    ["graph", "--format", "json"],
    ["graph", "--format", "json", "--for", "Carla", "--ego"],
    ["graph", "--format", "dot", "--limit", "2"],
    ["graph", "--format", "graphml", "--all"],
    ["graph", "--format", "mermaid"],
]


def test_the_picture_is_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    """Every format, on a personal book and on a shared one, says the same."""
    from test_pg_commands import on_both

    results = on_both(pln, tmp_path, pg_url, GRAPH_SCRIPT)
    doc = json.loads(results[GRAPH_SCRIPT.index(["graph", "--format", "json"])].stdout)
    assert {p["name"]: p["contacts"] for p in doc["people"]} == {
        "Ana Ruiz": 1,
        "Ben Okafor": 0,  # over a year ago
        "Carla Núñez": 1,
        "Dev Patel": 0,
    }
    assert all("oracy" not in p["topics"] + p["seeks"] for p in doc["people"])
