"""Issue 14, the round trip with the real tools from the package index (the `test` extra):
khard reads pln's vdir; vdirsyncer syncs it with a real CardDAV server (Radicale, started
here on 127.0.0.1 in a temporary folder), a card changed on the server comes back, and
`pln import DIR` updates the same person. Skipped, with one line, where they are missing.

What each tool says about pln's files (anything on stderr) is printed, so that `pytest
-s` shows it; the tests require it to hold no warning."""

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only(reason="the tools read the vdir's files; test_vdir runs both engines"),
]

BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' brings it)")
    return found


def _run(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        list(argv), capture_output=True, text=True, check=False, cwd=cwd, stdin=subprocess.DEVNULL
    )
    if done.stderr.strip():
        print(f"$ {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))}")
        print(done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _no_warning(text: str) -> None:
    assert not [
        line for line in text.splitlines() if any(w in line.lower() for w in ("warn", "error"))
    ], text


def _book(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--phone", "+44 20 7946 0001")
    pln("add", "Ben Okafor", "--email", "ben@northfield.example", "--org", "Northfield")
    pln("add", "Zoë Núñez-Kowalczyk", "--email", "zoe@example.org", "--email", "z@home.example")
    pln("add", "Chen 陳", "--topic", "oracy")


def test_khard_lists_every_person_of_an_exported_vdir(pln: Any, tmp_path: Path) -> None:
    khard = _tool("khard")
    _book(pln)
    folder = tmp_path / "contacts"
    pln("export", "--format", "vdir", str(folder))
    config = tmp_path / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[pln]]\npath = {folder}\n[general]\ndefault_action = list\n",
        encoding="utf-8",
    )
    listed = _run(khard, "-c", str(config), "list", "--parsable")
    _no_warning(listed.stderr)
    people = pln.json("list")
    by_uid = {line.split("\t")[0]: line.split("\t")[1] for line in listed.stdout.splitlines()}
    shown = {p["id"]: pln.json("show", f"#{p['id']}") for p in people}
    assert by_uid == {s["uid"]: s["name"] for s in shown.values()}
    emails = _run(khard, "-c", str(config), "email", "--parsable", "--remove-first-line")
    _no_warning(emails.stderr)
    pairs = sorted(tuple(line.split("\t")[:2]) for line in emails.stdout.splitlines())
    assert pairs == sorted((e, s["name"]) for s in shown.values() for e in s["emails"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 (no authentication, storage in tmp) with one empty
    address book; its URL."""
    if importlib.util.find_spec("radicale") is None:
        pytest.skip("radicale is not installed (pip install -e '.[test]' brings it)")
    storage = tmp_path / "radicale"
    book = storage / "collection-root" / "pln" / "contacts"
    book.mkdir(parents=True)
    (book / ".Radicale.props").write_text('{"tag": "VADDRESSBOOK"}', encoding="utf-8")
    port = _free_port()
    log = (tmp_path / "radicale.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", ""]
        + [f"--storage-filesystem-folder={storage}", "--auth-type=none"]
        + [f"--server-hosts=127.0.0.1:{port}", "--logging-level=warning"],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/pln/contacts/"
        for _ in range(300):  # up to 30 s on a busy machine; it is up in well under one
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "radicale.log").read_text()
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _vdirsyncer_config(tmp_path: Path, folder: Path, url: str) -> Path:
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        f"""[general]
status_path = "{tmp_path / "status"}/"

[pair pln_contacts]
a = "pln_vdir"
b = "server"
collections = null
conflict_resolution = "b wins"

[storage pln_vdir]
type = "filesystem"
path = "{folder}/"
fileext = ".vcf"

[storage server]
type = "carddav"
url = "{url}"
username = "pln"
password = "unused"
""",
        encoding="utf-8",
    )
    return config


def test_a_card_changed_on_a_carddav_server_comes_back_to_the_same_person(
    pln: Any, tmp_path: Path, radicale: str
) -> None:
    vdirsyncer = _tool("vdirsyncer")
    _book(pln)
    folder = tmp_path / "contacts"
    pln("export", "--format", "vdir", str(folder))
    config = _vdirsyncer_config(tmp_path, folder, radicale)
    said = [_run(vdirsyncer, "-c", str(config), "discover")]
    said.append(_run(vdirsyncer, "-c", str(config), "sync"))
    for done in said:
        _no_warning(done.stderr)
    ana = pln.json("show", "Ana")
    # on the server (as a phone would, over CardDAV): Ana's name, email and phone change
    href = _find_card(radicale, ana["uid"])
    text = urllib.request.urlopen(radicale + href).read().decode("utf-8")
    assert f"UID:{ana['uid']}" in text
    edited = (
        text.replace("FN:Ana Ruiz", "FN:Ana Ruiz García")
        .replace("N:Ruiz;Ana;;;", "N:Ruiz García;Ana;;;")
        .replace("ana@example.org", "ana.ruiz@school.example")
        .replace("+44 20 7946 0001", "+44 20 7946 0002")
    )
    put = urllib.request.Request(
        radicale + href, data=edited.encode(), method="PUT", headers={"Content-Type": "text/vcard"}
    )
    assert urllib.request.urlopen(put).status in (201, 204)
    back = _run(vdirsyncer, "-c", str(config), "sync")
    _no_warning(back.stderr)
    imported = pln("import", str(folder), "--json")
    assert '"added": []' in imported.stdout
    people = pln.json("list")
    assert len(people) == 4  # no duplicate
    now = pln.json("show", f"#{ana['id']}")
    assert (now["name"], now["emails"], now["phones"], now["uid"]) == (
        "Ana Ruiz García",
        ["ana.ruiz@school.example"],
        ["+44 20 7946 0002"],
        ana["uid"],
    )
    # and pln's next export sends only that card back (the others say the same)
    again = pln("export", "--format", "vdir", str(folder))
    assert again.stderr.startswith(f"Wrote 1 card to {folder}; 3 unchanged.")
    last = _run(vdirsyncer, "-c", str(config), "sync")
    _no_warning(last.stderr)
    assert last.stderr.count("Copying") == 1
    assert f"Copying (updating) item {ana['uid']} to server" in last.stderr


def _find_card(url: str, uid: str) -> str:
    """The href of the server's card with this UID (its own name for it)."""
    body = (
        '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    )
    request = urllib.request.Request(
        url, data=body.encode(), method="PROPFIND", headers={"Depth": "1"}
    )
    listing = urllib.request.urlopen(request).read().decode("utf-8")
    import re

    for href in re.findall(r"<(?:\w+:)?href>([^<]+\.vcf)</(?:\w+:)?href>", listing):
        name = href.rsplit("/", 1)[1]
        text = urllib.request.urlopen(url + name).read().decode("utf-8")
        if f"UID:{uid}" in text:
            return name
    raise AssertionError(f"no card with UID {uid} on the server: {listing}")
