"""`pln graph`'s picture written out: one self-contained HTML page, or JSON, Graphviz DOT,
GraphML or Mermaid for other tools.

Names and every other stored text are hostile input here, and each format gets its own
escaping:

- HTML: the data is JSON inside ``<script type="application/json">``, with ``<``, ``>``,
  ``&``, U+2028 and U+2029 written as ``\\u`` escapes (so no ``</script>`` or ``<!--`` can
  end or change the element) and read with ``JSON.parse``; the page puts it on screen as
  text only (``textContent``, Cytoscape's labels), never as markup. The page loads
  nothing: a Content-Security-Policy allows its own inline script and style and
  ``data:`` images, and nothing else; the library (Cytoscape.js, MIT, ``assets/``) is
  inlined.
- DOT: ids are ``p1``/``g1``/``you``; names are quoted labels with ``\\``, ``"`` and line
  breaks escaped (so ``\\N`` and friends are not read as Graphviz's label escapes).
- GraphML: written by ElementTree (valid XML); controls XML cannot hold are shown escaped.
- Mermaid: ids are ``p1``/``g1``/``you``; a label is quoted and every character but
  letters, digits, spaces and ``.,-`` is written as an entity code (``#35;``).
- JSON: as ``--json`` everywhere (keys sorted, controls escaped).

In every format but JSON the stored text is shown as ``text.visible`` shows it (controls
and bidi controls escaped), as on a terminal.
"""

import json
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

from .graph import Picture
from .text import json_safe, visible

FORMATS = ("html", "json", "dot", "graphml", "mermaid")


def doc(picture: Picture, clean: Callable[[str], str] = str) -> dict[str, Any]:
    """The picture as one JSON document (``--format json``; the HTML page's data)."""

    def text(value: str | None) -> str | None:
        return None if value is None else clean(value)

    focus = picture.focus
    left = picture.left_out
    return {
        "scope": picture.scope,
        "for": None if focus is None else {"id": focus.id, "name": clean(focus.name)},
        "ego": picture.ego,
        "limit": picture.limit,
        "people": [
            {
                "id": p.id,
                "name": clean(p.name),
                "circle": p.circle,
                "org": text(p.org),
                "role": text(p.role),
                "topics": [clean(t) for t in p.topics],
                "offers": [clean(t) for t in p.offers],
                "seeks": [clean(t) for t in p.seeks],
                "last_contact": p.last_contact.isoformat() if p.last_contact else None,
                "contacts": p.contacts,
                "dormant": p.dormant,
                "due": [clean(d) for d in p.due],
                "groups": p.groups,
                "met_at": text(p.met_at),
                "knows": [clean(n) for n in p.knows],
                "knows_more": p.knows_more,
            }
            for p in picture.people
        ],
        "groups": [
            {"id": g.id, "name": clean(g.name), "members": g.members} for g in picture.groups
        ],
        "ties": [list(t) for t in picture.ties],
        "memberships": [list(m) for m in picture.memberships],
        "introductions": [
            {
                "a": i.a,
                "b": i.b,
                "score": i.score,
                "reasons": [clean(r) for r in i.reasons],
                "evidence": i.evidence,
            }
            for i in picture.intros
        ],
        "left_out": left._asdict(),
    }


def render(picture: Picture, format_: str) -> str:
    """The picture in ``format_`` (one of FORMATS)."""
    return {
        "html": html,
        "json": as_json,
        "dot": dot,
        "graphml": graphml,
        "mermaid": mermaid,
    }[format_](picture)


def as_json(picture: Picture) -> str:
    return json_safe(json.dumps(doc(picture), sort_keys=True, indent=2, ensure_ascii=False)) + "\n"


# ---- HTML ---------------------------------------------------------------------------------

_IN_SCRIPT = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element, and the same value parsed."""
    encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return json_safe(encoded).translate(_IN_SCRIPT)


def _asset(name: str) -> str:
    return (resources.files("plncli") / "assets" / name).read_text(encoding="utf-8")


def html(picture: Picture) -> str:
    """One page that works offline: the template, the library and the data inlined."""
    library = _asset("cytoscape.min.js").replace("</script", "<\\/script")
    # the template is cut at its two markers first, so no text put in can hold a marker
    head, _, rest = _asset("graph.html").partition("/*PLN:DATA*/")
    middle, _, tail = rest.partition("/*PLN:LIBRARY*/")
    return head + script_json(doc(picture, visible)) + middle + library + tail


# ---- DOT ----------------------------------------------------------------------------------


def _dot_text(value: str) -> str:
    escaped = visible(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def dot(picture: Picture) -> str:
    """Graphviz: ``neato -Tsvg``, ``dot -Tpng``..."""
    out = ["graph pln {", "  node [style=filled, fontname=Helvetica];"]
    out += [f"  // {' '.join(line.split())}" for line in summary_lines(picture)]  # one line
    colours = {"colleague": "#f4a261", "network": "#74c0fc", "following": "#ced4da"}
    for p in picture.people:
        extra = ', dormant=true, fillcolor="#eeeeee"' if p.dormant else ""
        fill = "" if p.dormant else f', fillcolor="{colours.get(p.circle, "#ffffff")}"'
        out.append(
            f"  p{p.id} [label={_dot_text(p.name)}, circle={_dot_text(p.circle)}"
            f", contacts={p.contacts}{fill}{extra}];"
        )
    for g in picture.groups:
        out.append(f'  g{g.id} [label={_dot_text(g.name)}, shape=diamond, fillcolor="#ffe066"];')
    if picture.ego:
        out.append('  you [label="You", shape=star, fillcolor="#ffd43b"];')
        out += [f'  you -- p{p.id} [color="#dddddd"];' for p in picture.people]
    out += [f"  p{a} -- p{b};" for a, b in picture.ties]
    out += [f"  p{p} -- g{g} [style=dotted];" for p, g in picture.memberships]
    for i in picture.intros:
        why = _dot_text("; ".join(i.reasons))
        out.append(f'  p{i.a} -- p{i.b} [style=dashed, color="#2b8a3e", tooltip={why}];')
    return "\n".join([*out, "}"]) + "\n"


# ---- GraphML ------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: str) -> str:
    """Text XML 1.0 can hold: controls shown escaped (``visible``), and any character XML
    cannot hold at all (a lone surrogate) as ``\\uXXXX``."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(value))


def graphml(picture: Picture) -> str:
    """GraphML for Gephi, yEd, Cytoscape desktop, networkx."""
    import xml.etree.ElementTree as ET

    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", {"xmlns": ns})
    keys = (
        ("label", "node", "string"),
        ("kind", "node", "string"),
        ("circle", "node", "string"),
        ("org", "node", "string"),
        ("contacts", "node", "int"),
        ("dormant", "node", "boolean"),
        ("edge_kind", "edge", "string"),
        ("reasons", "edge", "string"),
    )
    for name, where, kind in keys:
        ET.SubElement(root, "key", {"id": name, "for": where, "attr.name": name, "attr.type": kind})
    ET.SubElement(root, "desc").text = _xml_text(" ".join(summary_lines(picture)))
    graph = ET.SubElement(root, "graph", {"id": "pln", "edgedefault": "undirected"})

    def node(nid: str, **data: str) -> None:
        el = ET.SubElement(graph, "node", {"id": nid})
        for k, v in data.items():
            ET.SubElement(el, "data", {"key": k}).text = _xml_text(v)

    def edge(a: str, b: str, kind: str, reasons: str = "") -> None:
        el = ET.SubElement(graph, "edge", {"source": a, "target": b})
        ET.SubElement(el, "data", {"key": "edge_kind"}).text = kind
        if reasons:
            ET.SubElement(el, "data", {"key": "reasons"}).text = _xml_text(reasons)

    for p in picture.people:
        node(
            f"p{p.id}",
            label=p.name,
            kind="person",
            circle=p.circle,
            org=p.org or "",
            contacts=str(p.contacts),
            dormant="true" if p.dormant else "false",
        )
    for g in picture.groups:
        node(f"g{g.id}", label=g.name, kind="group")
    if picture.ego:
        node("you", label="You", kind="you")
        for p in picture.people:
            edge("you", f"p{p.id}", "you")
    for a, b in picture.ties:
        edge(f"p{a}", f"p{b}", "tie")
    for p_id, g_id in picture.memberships:
        edge(f"p{p_id}", f"g{g_id}", "member")
    for i in picture.intros:
        edge(f"p{i.a}", f"p{i.b}", "suggested-introduction", "; ".join(i.reasons))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ---- Mermaid ------------------------------------------------------------------------------

_MERMAID_PLAIN = re.compile(r"[^\w .,\-]|_", re.UNICODE)
_MERMAID_NOTE = re.compile(r"[^\w .,:;()\-]|_", re.UNICODE)  # a comment: no braces, no %


def _entity(found: re.Match[str]) -> str:
    return f"#{ord(found.group())};"


def _mermaid_text(value: str) -> str:
    """A quoted label: every character but letters, digits, spaces and ``.,-`` as an
    entity code, so none can end the label or the line, or be read as markup."""
    shown = visible(value).replace("\n", " ")
    return '"' + _MERMAID_PLAIN.sub(_entity, shown) + '"'


def mermaid(picture: Picture) -> str:
    """A Mermaid flowchart, for Markdown (GitHub, GitLab, Obsidian)."""
    out = ["flowchart LR"]
    notes = (_MERMAID_NOTE.sub(_entity, " ".join(line.split())) for line in summary_lines(picture))
    out += [f"  %% {note}" for note in notes]
    for p in picture.people:
        out.append(f"  p{p.id}({_mermaid_text(p.name)}):::{_circle_class(p.circle, p.dormant)}")
    for g in picture.groups:
        out.append(f"  g{g.id}{{{{{_mermaid_text(g.name)}}}}}:::group")
    if picture.ego:
        out.append('  you(("You")):::you')
        out += [f"  you --- p{p.id}" for p in picture.people]
    out += [f"  p{a} --- p{b}" for a, b in picture.ties]
    out += [f"  p{p} -.- g{g}" for p, g in picture.memberships]
    out += [f"  p{i.a} -. {_mermaid_text('introduce?')} .- p{i.b}" for i in picture.intros]
    out += [
        "  classDef colleague fill:#f4a261",
        "  classDef network fill:#74c0fc",
        "  classDef following fill:#ced4da",
        "  classDef dormant fill:#eeeeee,color:#999999",
        "  classDef group fill:#ffe066",
        "  classDef you fill:#ffd43b",
    ]
    return "\n".join(out) + "\n"


def _circle_class(circle: str, dormant: bool) -> str:
    if dormant:
        return "dormant"
    return circle if circle in ("colleague", "network", "following") else "network"


# ---- what the picture holds ---------------------------------------------------------------


def summary_lines(picture: Picture) -> list[str]:
    """What is drawn and what was left out, in words (the command says them too)."""
    from .render import number_of

    drawn = (
        f"{number_of(len(picture.people), 'person', 'people')},"
        f" {number_of(len(picture.ties), 'tie', 'ties')},"
        f" {number_of(len(picture.groups), 'group', 'groups')},"
        f" {number_of(len(picture.intros), 'suggested introduction', 'suggested introductions')}"
    )
    lines = [drawn]
    left = picture.left_out
    if left.people or left.ties or left.groups:
        if picture.scope == "for" and picture.focus is not None:
            who = f"{visible(picture.focus.name)} and whom they know"
        else:
            who = f"the {picture.limit:,} most active people"
        also = " and the people of the suggested introductions" if picture.intros else ""
        lines.append(
            f"left out: {number_of(left.people, 'person', 'people')},"
            f" {number_of(left.ties, 'tie', 'ties')},"
            f" {number_of(left.groups, 'group', 'groups')} (drawn: {who}{also};"
            " --all draws everyone)"
        )
    return lines
