"""Topics matched as people write them (issue 11, item 3): by words and word stems.

One rule (topics.py) serves `pln who`, every `--topic` filter and needs <-> offers:
a topic matches a query holding all of its words (stemmed, stop words left out);
two stored topics are one topic only when they have the same words.
"""

import importlib.util
import itertools
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import query
from plncli import fast


def add(pln: Any, name: str, *args: str) -> None:
    pln("add", name, *args)


def who(pln: Any, *query: str) -> list[tuple[str, str, str, str]]:
    return [
        (r["person"]["name"], r["how"], r["topic"], r["match"]) for r in pln.json("who", *query)
    ]


def names(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(r["person"]["name"] if "person" in r else r["name"] for r in rows)


def intro_reasons(pln: Any, *args: str) -> dict[tuple[str, str], list[str]]:
    found = pln.json("introduce", *args)
    return {
        tuple(sorted((s["a"]["name"], s["b"]["name"]))): s["reasons"]
        for s in found
        if s["kind"] == "introduce"
    }


@pytest.fixture
def book(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--offers", "behaviour management", "--follow-up", "today")
    add(pln, "Ben Okafor", "--seeks", "Managing Behaviours", "--follow-up", "today")
    add(pln, "Carla Diaz", "--topic", "classroom management", "--follow-up", "today")
    add(pln, "Dev Patel", "--offers", "Microscale Chemistry", "--follow-up", "today")
    add(pln, "Eve Stone", "--topic", "chemistry")


# ---------------------------------------------------------------- who


def test_who_finds_topics_by_their_words_and_stems(pln: Any, book: None) -> None:
    assert who(pln, "microscale") == [("Dev Patel", "offers it", "Microscale Chemistry", "words")]
    # the same words in another order and form: the same topic; one shared word is not enough
    assert who(pln, "managing", "behaviour") == [
        ("Ana Ruiz", "offers it", "behaviour management", "same")
    ]
    assert who(pln, "behaviours managed") == who(pln, "managing behaviour")
    # a query of one word finds every topic holding it, in any form
    assert [r[0] for r in who(pln, "management")] == ["Ana Ruiz", "Carla Diaz"]
    assert who(pln, "manage") == who(pln, "management")
    # stop words are not words of a topic
    assert who(pln, "the management of behaviour")[0][:2] == ("Ana Ruiz", "offers it")
    assert who(pln, "knitting") == []
    assert "microscale chemistry" in pln("who", "microscale").stdout.lower()


def test_who_ranks_the_same_topic_before_more_words_before_prefixes(pln: Any) -> None:
    add(pln, "Ida Prefix", "--topic", "artificial intelligence")
    add(pln, "Jo Words", "--topic", "Art history")
    add(pln, "Kim Same", "--topic", "arts")
    add(pln, "Lou Offers", "--offers", "art therapy")
    for person in ("Ida", "Jo"):  # recency would put them first: the grade comes before it
        pln("log", person, "-m", "coffee", "--on", "yesterday")
    assert who(pln, "art") == [
        ("Lou Offers", "offers it", "art therapy", "words"),  # offering comes first
        ("Kim Same", "works on it", "arts", "same"),
        ("Jo Words", "works on it", "Art history", "words"),
        ("Ida Prefix", "works on it", "artificial intelligence", "prefix"),
    ]
    # a word typed in part still finds the topic ("chem" for chemistry), as before
    add(pln, "Eve Stone", "--topic", "chemistry")
    assert who(pln, "chem") == [("Eve Stone", "works on it", "chemistry", "prefix")]
    assert who(pln, "alchemy") == []


def test_who_matches_what_was_talked_about_the_same_way(pln: Any) -> None:
    add(pln, "Tia Talk")
    pln("log", "Tia", "-m", "chat", "--topic", "Managing behaviour")
    assert who(pln, "behaviour management") == [
        ("Tia Talk", "talked about it with you", "Managing behaviour", "same")
    ]


# ---------------------------------------------------------------- --topic filters


def test_list_and_due_topic_filters_match_the_same_way(pln: Any, book: None) -> None:
    assert names(pln.json("list", "--topic", "microscale")) == ["Dev Patel"]
    assert names(pln.json("list", "--topic", "behaviour management")) == ["Ana Ruiz", "Ben Okafor"]
    assert names(pln.json("list", "--topic", "management")) == [
        "Ana Ruiz",
        "Ben Okafor",
        "Carla Diaz",
    ]
    assert names(pln.json("list", "--topic", "chem")) == ["Dev Patel", "Eve Stone"]
    due = pln.json("due", "--topic", "managing behaviour")
    assert sorted(i["person"]["name"] for i in due) == ["Ana Ruiz", "Ben Okafor"]
    due = pln.json("due", "--topic", "microscale")
    assert [i["person"]["name"] for i in due] == ["Dev Patel"]


@pytest.mark.parametrize(
    ("argv", "found"),
    [
        (["list", "--topic", "behaviours managing", "--json"], "Ben Okafor"),
        (["list", "--topic", "microscale"], "Dev Patel"),
        (["due", "--topic", "Managing Behaviour", "--json"], "Ana Ruiz"),
        (["due", "--topic", "management"], "Carla Diaz"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_the_fast_path_filters_topics_as_typer_does(
    pln: Any, book: None, capsys: pytest.CaptureFixture[str], argv: list[str], found: str
) -> None:
    assert fast.run(argv) == 0
    got = capsys.readouterr()
    assert got.out == pln(*argv).stdout
    assert found in got.out


# ---------------------------------------------------------------- introductions


def test_a_need_met_in_other_words_says_which_words_matched(
    pln: Any, book: None, db_path: Path
) -> None:
    reasons = intro_reasons(pln)
    assert reasons[("Ana Ruiz", "Ben Okafor")] == [
        'Ben is looking for help with "Managing Behaviours"; Ana offers "behaviour management"'
        " (matched: managing/management, behaviour)"
    ]
    # "management" alone does not make a need met: classroom management is another thing
    assert all("Carla Diaz" not in pair for pair in reasons)
    # --topic keeps the pair by any of its words, as the other filters do
    assert list(intro_reasons(pln, "--topic", "behaviour")) == [("Ana Ruiz", "Ben Okafor")]
    assert list(intro_reasons(pln, "--topic", "managing behaviours")) == [
        ("Ana Ruiz", "Ben Okafor")
    ]
    assert intro_reasons(pln, "--topic", "chemistry") == {}
    # recording it stores the reason shown, and the drafts use each reader's own words
    pln("introduce", "Ben", "Ana")
    [(stored,)] = query(db_path, "SELECT reasons FROM introduction")
    assert "(matched: managing/management, behaviour)" in json.loads(stored)[0]
    drafts = {d["to"]: d["message"] for d in pln.json("introduce", "Ben", "Ana", "--draft")}
    assert "looking for help with Managing Behaviours" in drafts["Ben Okafor"]
    assert "looking for help with behaviour management" in drafts["Ana Ruiz"]


def test_one_shared_generic_word_is_not_a_need_met(pln: Any) -> None:
    add(pln, "Sue Seeker", "--seeks", "behaviour management")
    add(pln, "Olu Offerer", "--offers", "classroom management")
    add(pln, "Gil Generic", "--seeks", "management")
    # behaviour and classroom management share one word: they do not meet; an offer that
    # holds every word of a need ("management") meets it in part, as `pln who` finds it
    assert intro_reasons(pln) == {
        ("Gil Generic", "Olu Offerer"): [
            'Gil is looking for help with "management"; Olu offers "classroom management"'
            " (matched: management)"
        ]
    }
    # yet each is found by the word they share
    assert [r[0] for r in who(pln, "management")] == ["Olu Offerer"]
    assert names(pln.json("list", "--topic", "management")) == [
        "Gil Generic",
        "Olu Offerer",
        "Sue Seeker",
    ]
    # and the same words in another form meet in full, first
    add(pln, "Max Manager", "--offers", "Managing")
    assert list(intro_reasons(pln)) == [
        ("Gil Generic", "Max Manager"),
        ("Gil Generic", "Olu Offerer"),
    ]


def test_case_accents_punctuation_and_plurals_meet_with_the_short_reason(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--seeks", "Évaluations-Formatives")
    add(pln, "Ben Okafor", "--offers", "evaluation formative")
    [(pair, reasons)] = intro_reasons(pln).items()
    assert pair == ("Ana Ruiz", "Ben Okafor")
    assert reasons == ["Ana is looking for help with Évaluations-Formatives; Ben offers it"]
    assert who(pln, "EVALUATION, formative") == [
        ("Ben Okafor", "offers it", "evaluation formative", "same")
    ]


def test_synonyms_still_join_topics_everywhere(pln: Any, env_setup: Path) -> None:
    add(pln, "Ana Ruiz", "--seeks", "AfL", "--follow-up", "today")
    add(pln, "Ben Okafor", "--offers", "Assessments for learning", "--follow-up", "today")
    add(pln, "Cy Broad", "--topic", "assessment for learning strategies")
    assert intro_reasons(pln) == {}
    assert names(pln.json("list", "--topic", "afl")) == ["Ana Ruiz"]
    (env_setup / "config.toml").write_text(
        '[synonyms]\nAfL = "assessment for learning"\n', encoding="utf-8"
    )
    [(pair, reasons)] = intro_reasons(pln).items()
    assert pair == ("Ana Ruiz", "Ben Okafor")
    assert reasons[0].endswith("; Ben offers it")  # a synonym keeps the short reason
    assert who(pln, "afl") == [
        ("Ben Okafor", "offers it", "Assessments for learning", "same"),
        ("Cy Broad", "works on it", "assessment for learning strategies", "words"),
    ]
    assert names(pln.json("list", "--topic", "AfL")) == ["Ana Ruiz", "Ben Okafor", "Cy Broad"]
    due = pln.json("due", "--topic", "learning assessment")
    assert sorted(i["person"]["name"] for i in due) == ["Ana Ruiz", "Ben Okafor"]
    assert list(intro_reasons(pln, "--topic", "AfL")) == [("Ana Ruiz", "Ben Okafor")]


def test_a_private_topic_is_private_in_every_spelling(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--seeks", "mental health")
    add(pln, "Ben Okafor", "--offers", "Health (mental)")
    assert list(intro_reasons(pln)) == [("Ana Ruiz", "Ben Okafor")]
    pln("private", "topic", "mental health")
    assert intro_reasons(pln) == {}


# ---------------------------------------------------------------- any spelling


ACCENTED = {"a": "àâ", "e": "éèê", "i": "îï", "o": "ôö", "u": "ûü", "c": "ç", "n": "ñ"}
WORD = st.text("abcdefghklmnoprt", min_size=3, max_size=9).filter(
    lambda w: w[-1] not in "aeiou" and w not in {"and", "for", "from", "into", "the", "via"}
)


@st.composite
def respelled(draw: st.DrawFn) -> tuple[str, str]:
    """A topic of 1-3 words, and the same topic in other case, accents, plurals,
    punctuation and word order."""
    words = draw(st.lists(WORD, min_size=1, max_size=3, unique=True))
    other = []
    for word in draw(st.permutations(words)):
        chars = [
            draw(st.sampled_from([c, *ACCENTED.get(c, "")])) if draw(st.booleans()) else c
            for c in word
        ]
        spelled = "".join(chars) + ("s" if draw(st.booleans()) else "")
        other.append(spelled.upper() if draw(st.booleans()) else spelled)
    glue = draw(st.sampled_from([" ", "-", ", ", " / ", "_"]))
    return " ".join(words), glue.join(other)


_COUNT = itertools.count()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(respelled())
def test_a_topic_is_found_however_it_is_written(pln: Any, pair: tuple[str, str]) -> None:
    topic, written = pair
    name = f"Person {next(_COUNT)}"
    add(pln, name, "--topic", unicodedata.normalize("NFC", topic))
    found = {r[0]: r for r in who(pln, written)}
    assert found[name][3] == "same", (topic, written)
    assert name in names(pln.json("list", "--topic", written))


# ---------------------------------------------------------------- the stemmer


@given(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14))
def test_stems_are_snowballs_and_keep_the_first_letter(word: str) -> None:
    import snowballstemmer

    from plncli import topics

    assert topics.stem(word) == snowballstemmer.stemmer("english").stemWord(word)
    # topics.py stems a stored word only when its first letter can match: this must hold
    assert topics.stem(word)[:1] == word[:1]


def test_matching_topics_loads_only_the_english_stemmer() -> None:
    code = (
        "import sys; from plncli import topics; topics.stem('managing');"
        " print('snowballstemmer' in sys.modules, type(topics._stemmer()).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "EnglishStemmer"]


def test_without_the_english_module_the_package_import_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from plncli import topics

    topics._stemmer.cache_clear()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    try:
        assert topics._stemmer().stemWord("managing") == "manag"
        assert "snowballstemmer" in sys.modules
    finally:
        topics._stemmer.cache_clear()


@pytest.mark.parametrize(
    "args",
    [
        ("who", ""),
        ("who", "?!"),
        ("list", "--topic", "   "),
        ("due", "--topic", "-"),
        ("introduce", "--topic", ""),
    ],
    ids=" ".join,
)
def test_a_topic_with_no_word_is_refused_not_read_as_no_match(
    pln: Any, book: None, args: tuple[str, ...]
) -> None:
    from helpers import assert_clean_error

    line = assert_clean_error(pln(*args, code=2))
    assert line.startswith("error: no topic to look for in ")
