"""`pln graph`'s page in a real browser: headless Chromium opens the file written by the
command and the test reads what happened.

- The DOM after the page ran (``--dump-dom``): the page writes on ``<html>`` how many
  people it drew and placed in view once its layout is done (``data-people``,
  ``data-placed``), how many errors it met (``data-errors``) and how many loads its
  Content-Security-Policy blocked (``data-violations``); a name that tried to run script
  would leave its own mark (``data-pwned``).
- The console (``--enable-logging=stderr``: every console message is a ``CONSOLE`` line):
  the page logs nothing, so any line there is an error or a warning.
- The network (``--log-net-log``: Chromium's own record of every request): requests the
  page made carry its origin (``null`` for a file) as initiator; the browser's own
  background requests say "not an origin". None may come from the page.
- A screenshot (``--screenshot``), decoded with the standard library (zlib and the PNG
  filters): not one colour.

Chromium comes from the distribution (`.ci/run` installs Debian's ``chromium``); where it
is absent these tests skip with one line. Run as root, it needs ``--no-sandbox``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from test_graph import page_data

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
if CHROMIUM is None:
    pytest.skip(
        "Chromium is not installed: the browser tests of pln graph are skipped",
        allow_module_level=True,
    )

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only(reason="the browser reads the file; test_graph.py runs both engines"),
]
ROOT = Path(__file__).resolve().parent.parent


def chromium(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Headless Chromium on ``page`` with a fresh profile; virtual time lets the layout run."""
    argv = [*chromium_argv(tmp_path), *extra, page.as_uri()]
    return subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)


def chromium_argv(tmp_path: Path) -> list[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=15000",
        "--window-size=1000,650",
    ]


def opened(page: Path, tmp_path: Path) -> tuple[dict[str, str], str, list[str]]:
    """The attributes of ``<html>`` once the page ran, its console lines, and the URLs of
    every request the page itself made."""
    log = tmp_path / f"{page.stem}-net.json"
    run = chromium(
        page, tmp_path, "--dump-dom", "--enable-logging=stderr", "--v=0", f"--log-net-log={log}"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    head = re.search(r"<html([^>]*)>", run.stdout)
    assert head is not None, run.stdout[:500]
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', head.group(1)))
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    return attrs, "\n".join(console), page_requests(log)


def page_requests(log: Path) -> list[str]:
    """The URLs of requests whose initiator is a page (not the browser itself)."""
    doc = json.loads(log.read_text(encoding="utf-8"))
    types = {v: k for k, v in doc["constants"]["logEventTypes"].items()}
    return [
        e["params"]["url"]
        for e in doc["events"]
        if types.get(e["type"]) == "URL_REQUEST_START_JOB"
        and "url" in e.get("params", {})
        and e["params"].get("initiator") != "not an origin"
    ]


def pixels(png: bytes) -> set[bytes]:
    """The distinct pixels of an 8-bit RGB or RGBA PNG (non-interlaced), decoded here."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    depth = colour = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8
            assert colour in (2, 6)
            assert interlace == 0
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * size
    prior = bytearray(stride)
    seen: set[bytes] = set()
    for y in range(len(raw) // (stride + 1)):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = prior[i]
            corner = prior[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 0xFF
        seen.update(bytes(line[x : x + size]) for x in range(0, stride, size * 7))
        prior = line
    return seen


@pytest.fixture
def network(pln: Any) -> None:
    """A small book with every kind of thing the page draws, and hostile names."""
    pln("add", "Ana Ruiz", "--org", "Hillside", "--topic", "assessment", "--offers", "quizzes")
    pln("add", "Ben Okafor", "--seeks", "quizzes", "--topic", "assessment")
    pln("add", "Carla Diaz", "--circle", "colleague")
    pln("add", "Dev Patel", "--circle", "following")
    pln(
        "add",
        "</script><script>document.documentElement.setAttribute('data-pwned','1')</script>",
        "--topic",
        "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned','2')\">",
    )
    pln("add", "Line\u2028Break <!-- comment", "--circle", "colleague")
    pln("knows", "Ana Ruiz", "Carla Diaz")
    pln("group", "add", "Book club", "Carla Diaz", "Dev Patel")
    pln("log", "Ana Ruiz", "-m", "coffee", "--on", "yesterday")
    pln("log", "Dev Patel", "-m", "old", "--on", "2025-01-01")


def test_the_page_renders_offline_with_every_person_and_no_error(
    pln: Any, tmp_path: Path, network: None
) -> None:
    page = tmp_path / "net.html"
    pln("graph", "-o", str(page))
    drawn = page_data(page.read_text(encoding="utf-8"))
    attrs, console, requests = opened(page, tmp_path)
    assert attrs["data-people"] == str(len(drawn["people"])) == "6"
    assert attrs["data-placed"] == "6"  # each at a finite place in view
    assert attrs["data-edges"] == str(
        len(drawn["ties"]) + len(drawn["memberships"]) + len(drawn["introductions"])
    )
    assert (attrs["data-errors"], attrs["data-violations"]) == ("0", "0")
    assert "data-pwned" not in attrs
    assert console == ""
    assert requests == []


def test_clicking_through_to_a_card(pln: Any, tmp_path: Path, network: None) -> None:
    """``network.html#NAME`` opens that person's card, as a click on them does: what the
    browser shows there, text for text, with a hostile name shown as text."""
    pln("remind", "Ben Okafor", "today", "-m", "Send the quiz bank")
    page = tmp_path / "net.html"
    pln("graph", "-o", str(page))
    ben = card(page, tmp_path, "Ben")
    assert ben[0] == "Ben Okafor"
    assert ben[ben.index("seeks") : ben.index("seeks") + 2] == ["seeks", "quizzes"]
    assert "follow-up: Send the quiz bank" in ben
    assert "Ana Ruiz: Ben is looking for help with quizzes; Ana offers it" in " ".join(ben)
    carla = card(page, tmp_path, "Carla")
    assert carla[carla.index("knows") + 1] == "Ana Ruiz"
    assert carla[carla.index("groups") + 1] == "Book club"
    hostile = card(page, tmp_path, "</script>")
    assert hostile[0].startswith("</script><script>document.documentElement")


def card(page: Path, tmp_path: Path, who: str) -> list[str]:
    """The texts of the card the page shows when opened at ``#who``."""
    from urllib.parse import quote

    log = tmp_path / "card-net.json"
    url = page.as_uri() + "#" + quote(who)
    run = subprocess.run(
        [*chromium_argv(tmp_path), "--dump-dom", f"--log-net-log={log}", url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r'<aside id="card">(.*?)</aside>', run.stdout, re.S)
    assert found is not None, "no card shown"
    return [unescape(t) for t in re.findall(r">([^<>]+)<", found.group(1)) if t.strip()]


# Works the controls as a person would, then writes what it saw on <html data-seen>.
USE = """<script>
(function () {
  var cy = window.plnGraph, seen = [];
  function count() { return cy.nodes("[kind = 'person']").filter(":visible").length; }
  function pick(id, value) {
    var el = document.getElementById(id); el.value = value;
    el.dispatchEvent(new Event("change"));
  }
  seen.push(count());
  document.querySelector("input.circle[value=colleague]").click();
  seen.push(count());
  document.querySelector("input.circle[value=colleague]").click();
  pick("topic", "assessment"); seen.push(count()); pick("topic", "");
  pick("group", document.getElementById("group").options[1].value); seen.push(count());
  pick("group", "");
  var search = document.getElementById("search");
  search.value = "okaf"; search.dispatchEvent(new Event("input"));
  seen.push(cy.nodes(".match").length);
  search.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
  seen.push(document.querySelector("#card h2").textContent);
  cy.edges("[kind = 'intro']").first().emit("tap");
  seen.push(document.querySelector("#card h2").textContent);
  cy.nodes("[kind = 'group']").first().emit("tap");
  seen.push(document.querySelector("#card h2").textContent);
  document.getElementById("show-intros").click();
  seen.push(cy.edges("[kind = 'intro']").filter(":visible").length);
  document.documentElement.setAttribute("data-seen", JSON.stringify(seen));
})();
</script>"""


def test_the_controls_work(pln: Any, tmp_path: Path, network: None) -> None:
    """Circles, topic, group, search, a dashed line and a group clicked: what each shows."""
    page = tmp_path / "net.html"
    pln("graph", "-o", str(page))
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", USE + "</body>"))
    attrs, console, requests = opened(page, tmp_path)
    assert (attrs["data-errors"], console, requests) == ("0", "", [])
    seen = json.loads(unescape(attrs["data-seen"]))
    assert seen == [
        6,  # everyone
        4,  # without the two colleagues
        2,  # working on assessment: Ana and Ben
        2,  # in the book club: Carla and Dev
        1,  # "okaf" finds Ben Okafor
        "Ben Okafor",  # Enter opens his card
        "Introduce Ana Ruiz and Ben Okafor?",  # the dashed line's card
        "Book club",
        0,  # suggested introductions hidden
    ]


def test_ego_and_for_pages_render_too(pln: Any, tmp_path: Path, network: None) -> None:
    for name, args in (("ego", ["--ego", "--all"]), ("ana", ["--for", "Ana"])):
        page = tmp_path / f"{name}.html"
        pln("graph", "-o", str(page), *args)
        drawn = page_data(page.read_text(encoding="utf-8"))
        attrs, console, requests = opened(page, tmp_path)
        assert attrs["data-people"] == attrs["data-placed"] == str(len(drawn["people"]))
        assert (attrs["data-errors"], attrs["data-violations"], console, requests) == (
            "0",
            "0",
            "",
            [],
        )


def test_a_page_that_tried_to_load_something_is_caught(tmp_path: Path) -> None:
    """The checks above can fail: a page with an image from the network is seen in the
    net log, in the console and by the policy's counter."""
    from plncli import graph_render

    page = tmp_path / "leaky.html"
    html = graph_render._asset("graph.html")
    head, _, rest = html.partition("/*PLN:DATA*/")
    middle, _, tail = rest.partition("/*PLN:LIBRARY*/")
    empty = {"people": [], "groups": [], "ties": [], "memberships": [], "introductions": []}
    data = json.dumps({**empty, "left_out": {"people": 0, "ties": 0, "groups": 0}})
    body = head + data + middle + "window.cytoscape = undefined;" + tail
    page.write_text(body.replace("<main>", '<main><img src="http://localhost:9/x.png">'))
    attrs, console, requests = opened(page, tmp_path)
    assert attrs["data-violations"] != "0"
    assert attrs["data-errors"] != "0"  # no library: the page's own script failed
    assert console != ""
    assert requests == []  # the policy stopped the request before it was made
    bare = tmp_path / "bare.html"  # and with no policy, the request is in the net log
    bare.write_text('<!DOCTYPE html><html><body><img src="http://localhost:9/x.png"></body></html>')
    assert opened(bare, tmp_path)[2] == ["http://localhost:9/x.png"]


def test_a_screenshot_of_the_demo_network_is_not_blank(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    env = {**os.environ, "PLN_DB": str(db)}
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "load_demo.py"),
            str(ROOT / "examples" / "demo-network.json"),
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    page = tmp_path / "demo.html"
    subprocess.run([sys.executable, "-m", "plncli", "graph", "-o", str(page)], env=env, check=True)
    shot = tmp_path / "demo.png"
    run = chromium(page, tmp_path, f"--screenshot={shot}")
    assert run.returncode == 0, run.stderr[-2000:]
    colours = pixels(shot.read_bytes())
    assert len(colours) > 20  # white, text, three circles' colours, lines, faded dots...
