"""Issue 11, item 2: what says two people already know each other (a shared organisation,
place or event, common acquaintances, chains of ties) is no reason to introduce them. It
adds nothing to the introduce score and discounts it by DISCOUNT / (DISCOUNT + s); a pair
with strong know evidence is never proposed; needs met between people nothing links keep
their whole score. README and the module docstring give the numbers the code uses."""

from __future__ import annotations

import math
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import intro_lists as lists
from helpers import pair
from helpers import pair_names as names
from plncli import suggest as engine

ROOT = Path(__file__).resolve().parent.parent


def need_met(n: int, offerers: int) -> float:
    """The introduce score of one need met, with ``offerers`` of ``n`` contacts offering it."""
    w = math.log(n / offerers) / math.log(n)
    return 3 * (0.5 + 0.5 * w)


def test_a_shared_organisation_puts_a_need_met_after_one_with_no_link(pln: Any, dump: Any) -> None:
    # Ben and Cy both offer what Ana seeks; Ben is also at Hillside with Ana (and Zed): the
    # old score added 0.3 x w for the organisation and ranked Ben first
    pln("add", "Ana Ruiz", "--seeks", "assessment", "--org", "Hillside")
    pln("add", "Ben Okafor", "--offers", "assessment", "--org", "Hillside")
    pln("add", "Cy Moss", "--offers", "assessment")
    pln("add", "Zed Hall", "--org", "Hillside")
    before = dump()
    intro, _ = lists(pln, "--for", "Ana")
    assert dump() == before
    ac, ab = pair("Ana Ruiz", "Cy Moss"), pair("Ana Ruiz", "Ben Okafor")
    assert [names(s) for s in intro] == [ac, ab]
    intro, know = lists(pln)
    assert [names(s) for s in intro] == [ac, ab, pair("Ben Okafor", "Cy Moss")]
    cy, ben, _ = intro
    assert cy["score"] == pytest.approx(need_met(4, 2), abs=1e-3)
    s = engine.KNOW_ORG / 3  # Hillside: 3 of 4 contacts
    assert ben["score"] == pytest.approx(
        need_met(4, 2) * engine.DISCOUNT / (engine.DISCOUNT + s), abs=2e-3
    )
    assert ben["reasons"] == [
        "Ana is looking for help with assessment; Ben offers it",
        "both at Hillside",
    ]
    assert ben["evidence"] == ["complement", "org"]
    assert {names(s) for s in know} == {
        pair("Ana Ruiz", "Zed Hall"),
        pair("Ben Okafor", "Zed Hall"),
    }


def test_strong_know_evidence_keeps_a_need_met_out_of_the_introductions(pln: Any) -> None:
    # Zoe knows only Ana and Ben (RA 1/2) and only they two are at Hillside: the know score
    # passes LIKELY_AT, so the pair is listed to confirm, not to introduce, from either side;
    # Cy, whom nothing links to Ana, is proposed with the whole score of the need met
    pln("add", "Ana Ruiz", "--seeks", "assessment", "--org", "Hillside")
    pln("add", "Ben Okafor", "--offers", "assessment", "--org", "Hillside")
    pln("add", "Cy Moss", "--offers", "assessment")
    pln("add", "Zoe Hub")
    pln("knows", "Zoe", "Ana")
    pln("knows", "Zoe", "Ben")
    for args in ((), ("--for", "Ana"), ("--for", "Ben")):
        intro, know = lists(pln, *args)
        assert pair("Ana Ruiz", "Ben Okafor") not in {names(s) for s in intro}
        [ab] = [s for s in know if names(s) == pair("Ana Ruiz", "Ben Okafor")]
        assert ab["score"] == pytest.approx(1 / 2 + engine.KNOW_ORG / 2, abs=1e-3)
        assert ab["score"] >= engine.LIKELY_AT
        assert ab["likely"] is True
    intro, _ = lists(pln, "--for", "Ana")
    assert [names(s) for s in intro] == [pair("Ana Ruiz", "Cy Moss")]
    intro, _ = lists(pln)
    [cy] = [s for s in intro if names(s) == pair("Ana Ruiz", "Cy Moss")]
    assert cy["score"] == pytest.approx(need_met(4, 2), abs=1e-3)


def test_a_need_met_comes_before_other_introductions_even_when_discounted(pln: Any) -> None:
    # Ana and Ben share Hillside and Leeds (only they two): the need met keeps 0.05 / 0.425
    # of its score, under Ana and Cy's rare shared topic, and is still listed first: the
    # discount orders needs met among themselves, and other pairs among themselves
    pln("add", "Ana Ruiz", "--seeks", "assessment", "--topic", "oracy", "--org", "Hillside")
    pln("edit", "Ana", "--location", "Leeds")
    pln("add", "Ben Okafor", "--offers", "assessment", "--org", "Hillside", "--location", "Leeds")
    pln("add", "Cy Moss", "--topic", "oracy")
    pln("add", "Di Lowe")
    intro, _ = lists(pln, "--for", "Ana")
    assert [names(s) for s in intro] == [
        pair("Ana Ruiz", "Ben Okafor"),
        pair("Ana Ruiz", "Cy Moss"),
    ]
    ben, cy = intro
    s = engine.KNOW_ORG / 2 + engine.KNOW_PLACE / 2
    assert ben["score"] == pytest.approx(3 * engine.DISCOUNT / (engine.DISCOUNT + s), abs=2e-3)
    assert cy["score"] == pytest.approx(math.log(4 / 2) / math.log(4), abs=1e-3)
    assert ben["score"] < cy["score"]


_people = st.lists(
    st.tuples(
        st.sampled_from(["", "Hillside", "Oakfield"]),  # organisation
        st.sampled_from(["", "Leeds", "York"]),  # place
        st.sampled_from(["", "assessment", "oracy"]),  # seeks
        st.sampled_from(["", "assessment", "oracy"]),  # offers
    ),
    min_size=3,
    max_size=6,
)


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=_people, ties=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=6))
def test_know_evidence_never_raises_an_introduce_score(
    pln: Any, people: list[tuple[str, str, str, str]], ties: list[tuple[int, int]]
) -> None:
    """Scored with and without its organisations, places and ties, every introduction of the
    book without them is, with them, an introduction scored no higher, or an already-know
    pair; and nothing listed likely is ever an introduction."""
    found: list[dict[frozenset[str], dict[str, Any]]] = []
    for social in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "pln.db")
            for i, (org, place, seeks, offers) in enumerate(people):
                args = ["--seeks", seeks, "--offers", offers]
                if social:
                    args += ["--org", org, "--location", place]
                pln("--db", db, "add", f"Member {chr(65 + i)}", *args)
            for a, b in ties if social else ():
                if a != b and a < len(people) and b < len(people):
                    pln("--db", db, "knows", f"#{a + 1}", f"#{b + 1}")
            listed = pln.json("--db", db, "introduce", "--limit", "100", "--per-person", "99")
        found.append({names(s): s for s in listed})
        assert not [s for s in listed if s["kind"] == "introduce" and s["likely"]]
    plain, linked = found
    for key, s in plain.items():
        assert s["kind"] == "introduce"
        if key in linked and linked[key]["kind"] == "introduce":
            assert linked[key]["score"] <= s["score"] + 1e-3


# ---------------------------------------------------------------- README and docstring


def _introduce_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### `pln introduce`")
    return readme[start : readme.index("\n### ", start + 1)]


def test_readme_and_docstring_give_the_introduce_weights_the_code_uses() -> None:
    section = " ".join(_introduce_section().split())
    doc = " ".join((engine.__doc__ or "").split())
    k = engine.DISCOUNT
    assert f"multiplied by {k} / ({k} + s)" in section
    assert f"``DISCOUNT`` ({k})" in doc
    # only topical evidence has an introduce weight: the other rows say "—" / "-"
    assert set(engine.INTRO_WEIGHT) == {"s", "i"}
    assert (engine.INTRO_WEIGHT["s"], engine.INTRO_WEIGHT["i"]) == (
        engine.SHARED_NEED,
        engine.TOPIC,
    )
    rows = [line for line in _introduce_section().splitlines() if line.startswith("| ")]
    for label in ("met at the same event", "same organisation", "same place", "common acq"):
        row = next(line for line in rows if label in line)
        assert row.split("|")[2].strip() == "—", row
        doc_row = next(line for line in (engine.__doc__ or "").splitlines() if label in line)
        assert re.match(r"\S.*?\s{2,}-\s{2,}", doc_row), doc_row
    row = next(line for line in rows if "both work on a topic" in line)
    assert f"{engine.TOPIC:g} × w per topic" in row
    row = next(line for line in rows if "look for the same" in line)
    assert f"{engine.SHARED_NEED:g} × w per topic" in row
