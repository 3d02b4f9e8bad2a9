"""Load examples/demo-network.json into a pln database, dated relative to today.

    PLN_DB=/tmp/demo.db python examples/load_demo.py [examples/demo-network.json]

Offsets in the file are days from today, so the demo never goes stale. The
whole load is one transaction through pln's own services.
"""

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

from plncli.activity import add_followup, log_interaction
from plncli.context import AppContext
from plncli.dates import parse_interval
from plncli.db import transaction
from plncli.people import PersonInput, add_people, ensure_event
from plncli.resolve import PersonRef
from plncli.resources import add_resource, record_share

HERE = Path(__file__).parent


def main(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    app = AppContext(None, creates=True)
    conn, now = app.conn, app.now
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)

    def day(offset: int) -> datetime:
        return noon + timedelta(days=offset)

    if conn.execute("SELECT count(*) FROM person").fetchone()[0]:
        sys.exit(
            f"error: {app.settings.db_path} already holds people; load the demo into an empty database"
        )
    people: dict[str, PersonRef] = {}
    with transaction(conn):
        for ev in doc["events"]:
            ensure_event(conn, ev["name"], day(ev["on"]).date(), now=now, place=ev["place"])
        for p in doc["people"]:
            data = PersonInput(
                lists={
                    "email": p["emails"],
                    "phone": p["phones"],
                    "link": p["links"],
                    "topic": p["topics"],
                    "offers": p["offers"],
                    "seeks": p["seeks"],
                    "role": p["role_tags"],
                },
                scalars={"org": p["org"], "role": p["role"], "location": p["location"]},
                circle=p["circle"],
                cadence=str(parse_interval(p["every"])) if p["every"] else None,
                met_at=p["met_at"],
                met_on=day(p["met_on"]).date() if p["met_on"] is not None else None,
                introduced_by=people[p["introduced_by"]] if p["introduced_by"] else None,
                note=p["note"],
            )
            (ref,) = add_people(conn, [p["name"]], data, now=day(p["added"]))
            people[p["name"]] = ref
        for i in doc["interactions"]:
            log_interaction(
                conn,
                [people[n] for n in i["with"]],
                at=day(i["on"]),
                kind=i["kind"],
                note=i["note"],
                topics=i["topics"],
                now=day(i["on"]),
            )
        for f in doc["followups"]:
            every = parse_interval(f["every"]) if f["every"] else None
            add_followup(
                conn,
                people[f["person"]],
                due=day(f["due"]).date(),
                note=f["note"],
                every=every,
                now=now,
            )
        titles = {}
        for r in doc.get("resources", []):
            ref, _ = add_resource(
                conn,
                r["url"] or r["title"],
                title=r["title"] if r["url"] else None,
                kind=r["kind"],
                topics=r["topics"],
                author=r["by"],
                note=r["note"],
                now=day(r["on"]),
            )
            titles[r["title"]] = ref
            if r["from"]:
                at = day(r["on"])
                record_share(
                    conn, ref, [people[r["from"]]], direction="from", note="", at=at, now=at
                )
        for s in doc.get("shares", []):
            at = day(s["on"])
            whom = [people[n] for n in s["with"]]
            record_share(
                conn, titles[s["resource"]], whom, direction="to", note=s["note"], at=at, now=at
            )
    app.close()
    print(
        f"Loaded {len(people)} people, {len(doc['interactions'])} interactions,"
        f" {len(doc['followups'])} follow-ups and {len(doc.get('resources', []))} resources"
        f" into {app.settings.db_path}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "demo-network.json")
