"""The pure heart of `pln due`: who needs attention, and in what order."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from plncli.due import DueItem, OpenFollowUp, PersonState, due_items
from plncli.resolve import PersonRef
from plncli.settings import DEFAULT_CADENCE

TODAY = date(2026, 11, 23)


def person(
    pid: int,
    *,
    circle: str = "network",
    cadence: str | None = None,
    added: date = date(2026, 1, 1),
    last: date | None = None,
    met_on: date | None = None,
    met_at: str | None = None,
    open_followup: bool = False,
) -> PersonState:
    return PersonState(
        PersonRef(pid, f"P{pid}"), circle, cadence, added, last, met_on, met_at, open_followup
    )


def run(
    people: list[PersonState], followups: list[OpenFollowUp] | None = None, horizon: date = TODAY
) -> list[DueItem]:
    return due_items(
        people,
        followups or [],
        today=TODAY,
        horizon=horizon,
        cadences=DEFAULT_CADENCE,
        first_contact_days=3,
    )


def test_reconnects_rank_by_how_far_past_their_cadence_relative_to_it() -> None:
    items = run(
        [
            person(1, circle="colleague", last=TODAY - timedelta(days=20)),  # 20/14 = 1.43
            person(2, last=TODAY - timedelta(days=120)),  # 120/60 = 2.0
            person(3, cadence="30d", last=TODAY - timedelta(days=45)),  # 45/30 = 1.5
            person(4, last=TODAY - timedelta(days=59)),  # not yet due
        ]
    )
    assert [i.person.id for i in items] == [2, 3, 1]
    assert items[0].days_overdue == 60
    assert items[0].reason == "last contact 4 months ago; you aim for every 60 days"


def test_kinds_in_order_and_upcoming_last() -> None:
    items = run(
        [
            person(1, last=TODAY - timedelta(days=300)),
            person(2, met_at="researchED", met_on=TODAY - timedelta(days=4)),
            person(3, open_followup=True, last=TODAY - timedelta(days=300)),
        ],
        [
            OpenFollowUp(7, PersonRef(3, "P3"), TODAY - timedelta(days=1), "send slides", None),
            OpenFollowUp(8, PersonRef(3, "P3"), TODAY + timedelta(days=2), "call", "2w"),
        ],
        horizon=TODAY + timedelta(days=7),
    )
    assert [(i.kind, i.person.id, i.days_overdue) for i in items] == [
        ("follow-up", 3, 1),
        ("first-contact", 2, 1),
        ("reconnect", 1, 240),
        ("follow-up", 3, -2),
    ]
    assert items[3].reason == "call (every 2 weeks)"
    assert items[1].reason == "met at researchED 4 days ago; no contact since"


def test_following_never_and_first_contact_ends_with_contact() -> None:
    assert run([person(1, circle="following", added=date(2020, 1, 1))]) == []
    met = TODAY - timedelta(days=10)
    contacted = person(2, met_at="X", met_on=met, last=met + timedelta(days=1), added=met)
    assert run([contacted]) == []


days = st.integers(min_value=0, max_value=2000)


@given(
    since=days,
    last_ago=st.one_of(st.none(), days),
    cadence=st.sampled_from([None, "7d", "2w", "1m", "3m", "1y", "never"]),
    circle=st.sampled_from(["colleague", "network", "following"]),
    horizon=st.integers(min_value=0, max_value=60),
)
def test_properties(
    since: int, last_ago: int | None, cadence: str | None, circle: str, horizon: int
) -> None:
    added = TODAY - timedelta(days=since)
    last = None if last_ago is None else max(added, TODAY - timedelta(days=last_ago))
    p = person(1, circle=circle, cadence=cadence, added=added, last=last)
    items = run([p], horizon=TODAY + timedelta(days=horizon))
    for item in items:
        assert item.due > (last or added)  # the next contact falls after the last one
        assert item.due <= TODAY + timedelta(days=horizon)
        assert item.days_overdue == (TODAY - item.due).days
    if cadence == "never" or (cadence is None and circle == "following"):
        assert items == []
    with_plan = run(
        [person(1, circle=circle, cadence=cadence, added=added, last=last, open_followup=True)]
    )
    assert with_plan == []


@given(st.lists(st.tuples(days, st.sampled_from(["colleague", "network"])), max_size=30))
def test_due_now_always_before_upcoming(specs: list[tuple[int, str]]) -> None:
    people = [
        person(i, circle=c, added=TODAY - timedelta(days=400), last=TODAY - timedelta(days=d))
        for i, (d, c) in enumerate(specs)
    ]
    items = run(people, horizon=TODAY + timedelta(days=30))
    flags = [i.days_overdue < 0 for i in items]
    assert flags == sorted(flags)
    upcoming = [i.due for i in items if i.days_overdue < 0]
    assert upcoming == sorted(upcoming)
