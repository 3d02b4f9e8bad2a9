"""Defects found at stop 28, by using pln as a user and attacking it as an adversary.

- `pln resource add "javascript:alert(1)"` (and `vbscript:`, `data:`, any case, after
  spaces) was kept as a resource's *title*, where the README refuses such a link (exit 2)
  as a person's `--link` is; `pln resource edit --url javascript:x` said only that it was
  not a URL.
"""

from typing import Any

import pytest

from helpers import Dump, fails

ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago"]


# ---- 1. a link that runs code is no title ------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "  JavaScript:alert(document.cookie)",
        "vbscript:msgbox(1)",
        "DATA:text/html,<script>alert(1)</script>",
        "file:/etc/passwd",
    ],
)
def test_a_link_that_runs_code_is_refused_not_kept_as_a_title(
    pln: Any, dump: Dump, typed: str
) -> None:
    pln("resource", "add", "https://example.org/oracy", "--title", "Oracy")
    line = fails(pln, dump, 2, "resource", "add", typed)
    assert line == f"error: URL {typed.strip()!r} is not a web page"
    fails(pln, dump, 2, "resource", "add", typed, "--title", "A title")


def test_a_title_with_a_colon_is_still_a_title(pln: Any) -> None:
    for title in ("JavaScript: The Good Parts", "Data: A Love Story", "File: the lost papers"):
        pln("resource", "add", title)
    assert [(r["title"], r["url"]) for r in pln.json("resources")] == [
        ("Data: A Love Story", None),
        ("File: the lost papers", None),
        ("JavaScript: The Good Parts", None),
    ]


def test_resource_edit_says_why_a_url_that_runs_code_is_refused(pln: Any, dump: Dump) -> None:
    pln("resource", "add", "https://example.org/oracy", "--title", "Oracy")
    for url in ("javascript:alert(1)", " data:text/html,x"):
        line = fails(pln, dump, 2, "resource", "edit", "Oracy", "--url", url)
        assert line == f"error: URL {url.strip()!r} is not a web page"
