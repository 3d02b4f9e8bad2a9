"""The commands' sqlite3 read path agrees with the SQLModel model path on the same book.

Books are written through the SQLModel models (the model path); `pln due` reads
them with the standard library and a SQL pre-filter. The reference reads every
person through the models, with no pre-filter, and feeds the same pure
``due_items``: the two must give the same list.
"""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlmodel import Session, select

from plncli import models
from plncli.db import open_store
from plncli.due import OpenFollowUp, PersonState, due_items, load_due_inputs
from plncli.resolve import PersonRef
from plncli.settings import DEFAULT_CADENCE

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

person_spec = st.fixed_dictionaries(
    {
        "circle": st.sampled_from(["colleague", "network", "following"]),
        "cadence": st.sampled_from([None, None, "7d", "1m", "3m", "never"]),
        "added_ago": st.integers(0, 800),
        "contact_ago": st.one_of(st.none(), st.integers(0, 800)),
        "met_ago": st.one_of(st.none(), st.integers(0, 30)),
        "followup_in": st.one_of(st.none(), st.integers(-20, 20)),
        "archived": st.booleans(),
    }
)


def _write_book(path: Path, specs: list[dict]) -> None:  # type: ignore[type-arg]
    open_store(path, create_parent=False).close()
    with Session(create_engine(f"sqlite:///{path}")) as s:
        event = models.Event(name="Conf", name_key="conf", on=TODAY, created_at=NOW)
        s.add(event)
        s.flush()
        for i, spec in enumerate(specs):
            added = NOW - timedelta(days=spec["added_ago"], hours=i % 24)
            contact = spec["contact_ago"]
            met = spec["met_ago"]
            p = models.Person(
                name=f"P{i}",
                name_key=f"p{i}",
                circle=spec["circle"],
                cadence=spec["cadence"],
                created_at=added,
                updated_at=added,
                last_contact_at=None if contact is None else NOW - timedelta(days=contact, hours=3),
                met_on=None if met is None else TODAY - timedelta(days=met),
                met_at_id=None if met is None else event.id,
                archived_at=NOW if spec["archived"] else None,
            )
            s.add(p)
            s.flush()
            if spec["followup_in"] is not None:
                s.add(
                    models.FollowUp(
                        person_id=p.id,
                        due=TODAY + timedelta(days=spec["followup_in"]),
                        note="x",
                        created_at=NOW,
                    )
                )
        s.commit()


def _reference(path: Path, horizon: date) -> list:  # type: ignore[type-arg]
    with Session(create_engine(f"sqlite:///{path}")) as s:
        people, followups = [], []
        for p in s.exec(select(models.Person).where(models.Person.archived_at.is_(None))):  # type: ignore[union-attr]
            open_ = s.exec(
                select(models.FollowUp).where(
                    models.FollowUp.person_id == p.id, models.FollowUp.state == "open"
                )
            ).all()
            people.append(
                PersonState(
                    PersonRef(p.id, p.name),
                    p.circle,
                    p.cadence,
                    p.created_at.astimezone().date(),
                    p.last_contact_at.astimezone().date() if p.last_contact_at else None,
                    p.met_on,
                    "Conf" if p.met_at_id else None,
                    bool(open_),
                )
            )
            followups += [
                OpenFollowUp(f.id, PersonRef(p.id, p.name), f.due, f.note, f.every) for f in open_
            ]
    return due_items(
        people,
        followups,
        today=TODAY,
        horizon=horizon,
        cadences=DEFAULT_CADENCE,
        first_contact_days=3,
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=st.lists(person_spec, max_size=25), within=st.integers(0, 40))
def test_due_read_path_matches_the_model_path(tmp_path_factory, specs, within: int) -> None:
    path = tmp_path_factory.mktemp("book") / "pln.db"
    _write_book(path, specs)
    horizon = TODAY + timedelta(days=within)
    conn = open_store(path, create_parent=False)
    people, followups = load_due_inputs(
        conn, horizon=horizon, cadences=DEFAULT_CADENCE, first_contact_days=3
    )
    conn.close()
    fast = due_items(
        people,
        followups,
        today=TODAY,
        horizon=horizon,
        cadences=DEFAULT_CADENCE,
        first_contact_days=3,
    )
    assert fast == _reference(path, horizon)
