"""The schema, defined once as SQLModel tables.

This module is the reference for what the database looks like. Commands do not
import it: importing SQLModel costs ~470 ms (PERF_NOTES.md), more than the whole
budget of a command people run many times a day. They talk to the same tables
through the standard library's ``sqlite3`` (``db.py``), and the tests prove that

* the frozen DDL in ``migrations.py`` creates exactly these tables, and
* rows written by the commands load through these models with the same values.

Datetimes are stored as SQLModel/SQLAlchemy store them on SQLite,
``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC; ``UTCDateTime`` hands them back aware.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, UniqueConstraint, column
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from .store.index import folding_ascii_pg


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as naive UTC text and returned timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


def _utc(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


class AsciiFolded(FunctionElement[str]):
    """A text column as SQLite's case-blind collation compares it (A-Z folded), for an
    index: ``org COLLATE NOCASE`` on SQLite, the same ``translate(org, ...)`` on PostgreSQL
    as the shared book's queries compare with (``store.index.folding_ascii_pg``)."""

    name = "ascii_folded"
    inherit_cache = True


@compiles(AsciiFolded)
def _ascii_folded_sqlite(element: AsciiFolded, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.clauses, **kw)} COLLATE NOCASE"


@compiles(AsciiFolded, "postgresql")
def _ascii_folded_pg(element: AsciiFolded, compiler: Any, **kw: Any) -> str:
    return folding_ascii_pg(compiler.process(element.clauses, **kw))


class Event(SQLModel, table=True):
    __tablename__ = "event"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    on: date | None = None
    place: str | None = None
    created_at: datetime = _utc()


class Person(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_name_key", "name_key"),
        Index("ix_person_met_at", "met_at_id"),
        Index("ix_person_introduced_by", "introduced_by_id"),
        Index("ix_person_uid", "uid", unique=True),
        # whether a person counts, read by id without their row (`introduce --for`'s counts)
        Index("ix_person_eligible", "id", "archived_at", "circle"),
        # who shares an organisation or place, counted from the index alone (`introduce --for`)
        Index("ix_person_org_fold", AsciiFolded(column("org")), "archived_at", "circle"),
        Index("ix_person_location_fold", AsciiFolded(column("location")), "archived_at", "circle"),
        # `pln list`'s rows in its order, read from the index alone (migrations.M012_LIST_INDEX)
        Index(
            "ix_person_list",
            *("name_key", "id", "name", "org", "circle", "last_contact_at", "archived_at"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str
    org: str | None = None
    role: str | None = None
    location: str | None = None
    circle: str = "network"
    cadence: str | None = None  # None: the circle's default; "never": no cadence
    met_on: date | None = None
    met_at_id: int | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
    introduced_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    notes: str = ""
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    archived_at: datetime | None = _utc(default=None)
    last_contact_at: datetime | None = _utc(default=None)
    birthday: date | None = None
    met_on_precision: str | None = None  # "year" / "month" when only that is known; None: day
    # RFC 6350 UID: set once when the person is added (people.new_uid, or the card's own),
    # never changed. NULL only in a row another tool wrote; pln always sets it.
    uid: str | None = None


class PersonAttr(SQLModel, table=True):
    """Multi-valued facts: email, phone, link, topic, offers, seeks, role."""

    __tablename__ = "person_attr"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "key"),
        # covering: who holds a topic or seek is read from the index alone (`pln share`)
        Index("ix_person_attr_kind_key_person", "kind", "key", "person_id"),
        # a topic as first written: the oldest row of a kind and key, with no sort
        Index("ix_person_attr_kind_key_id", "kind", "key", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    kind: str
    value: str
    key: str


class PersonTopics(SQLModel, table=True):
    """Each person's topics joined by ", " in the order they were added (m011): what `pln
    list` shows, kept exact by triggers on ``person_attr`` (``migrations.TOPICS_OF``,
    ``store.pg.schema.TOPICS_FUNCTION``); a person without topics has no row. Derived, so
    neither undone, exported nor imported."""

    __tablename__ = "person_topics"
    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    topics: str


class KeyCount(SQLModel, table=True):
    """How many people hold each key `pln introduce --for` weighs (m013): a topic or offer
    ('i'), an offer ('o'), a need ('s'), an event ('e'), an organisation ('g'), a place
    ('l'), and the whole book ('n'); ``everyone`` counts the people not archived, ``listed``
    those of them not only followed. Kept exact by triggers on ``person`` and
    ``person_attr`` (``migrations.key_count_triggers``, ``store.pg.schema.KEY_COUNT_*``);
    a key no one counted holds has no row. Derived, so neither undone, exported nor
    imported."""

    __tablename__ = "key_count"
    __table_args__ = (
        # an organisation or place read case-blind: its spellings' rows (``store.index``)
        Index("ix_key_count_fold", "tag", AsciiFolded(column("key"))),
        {"sqlite_with_rowid": False},
    )
    tag: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    everyone: int
    listed: int


class Interaction(SQLModel, table=True):
    __tablename__ = "interaction"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(index=True)
    kind: str
    note: str = ""
    created_at: datetime = _utc()


class InteractionPerson(SQLModel, table=True):
    __tablename__ = "interaction_person"
    __table_args__ = (Index("ix_interaction_person_person", "person_id"),)
    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")


class InteractionTopic(SQLModel, table=True):
    __tablename__ = "interaction_topic"
    __table_args__ = (Index("ix_interaction_topic_key", "key", "interaction_id"),)
    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    topic: str


class FollowUp(SQLModel, table=True):
    __tablename__ = "followup"
    __table_args__ = (Index("ix_followup_state_due", "state", "due"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    due: date
    note: str = ""
    every: str | None = None
    state: str = "open"  # open | done | dropped
    created_at: datetime = _utc()
    closed_at: datetime | None = _utc(default=None)
    anchor: date | None = None  # a series' first day, its rhythm counted from it (m009)


class Tie(SQLModel, table=True):
    """Two of your contacts know each other (stored once, lower id first)."""

    __tablename__ = "tie"
    __table_args__ = (CheckConstraint("a_id < b_id"), Index("ix_tie_b", "b_id"))
    a_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    b_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    since: date | None = None
    note: str = ""
    source: str = "manual"  # manual | interaction | introduction
    created_at: datetime = _utc()
    since_precision: str | None = None  # "year" / "month" when only that is known; None: day


class PGroup(SQLModel, table=True):
    """A DM group, association, department or book club ("group" is an SQL word)."""

    __tablename__ = "pgroup"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)
    created_at: datetime = _utc()


class PGroupMember(SQLModel, table=True):
    __tablename__ = "pgroup_member"
    __table_args__ = (Index("ix_pgroup_member_person", "person_id"),)
    group_id: int = Field(foreign_key="pgroup.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")


class Introduction(SQLModel, table=True):
    """A proposed or made introduction: suggested -> asked -> made | declined."""

    __tablename__ = "introduction"
    __table_args__ = (
        CheckConstraint("a_id < b_id"),
        UniqueConstraint("a_id", "b_id"),
        Index("ix_introduction_b", "b_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    a_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    b_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    state: str = "suggested"
    reasons: str = "[]"  # JSON array of the reasons shown when it was proposed
    kinds: str = ""  # comma-separated kinds of evidence, to learn which introductions work
    note: str = ""
    asked_a_at: datetime | None = _utc(default=None)
    asked_b_at: datetime | None = _utc(default=None)
    made_at: datetime | None = _utc(default=None)
    declined_at: datetime | None = _utc(default=None)
    outcome: str | None = None  # connected | nothing
    outcome_note: str = ""
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class IntroFollowUp(SQLModel, table=True):
    """Follow-ups an introduction created: waiting for an answer, or the check-in."""

    __tablename__ = "intro_followup"
    __table_args__ = (Index("ix_intro_followup_followup", "followup_id"),)
    introduction_id: int = Field(
        foreign_key="introduction.id", primary_key=True, ondelete="CASCADE"
    )
    followup_id: int = Field(foreign_key="followup.id", primary_key=True, ondelete="CASCADE")
    purpose: str  # waiting | check-in


class Dismissal(SQLModel, table=True):
    """A suggestion the user dismissed, for good (until is NULL) or until a date."""

    __tablename__ = "dismissal"
    __table_args__ = (CheckConstraint("a_id < b_id"), Index("ix_dismissal_b", "b_id"))
    a_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    b_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    until: date | None = None
    created_at: datetime = _utc()


class PrivateMark(SQLModel, table=True):
    """A topic, event or group never to be used as a reason for an introduction."""

    __tablename__ = "private_mark"
    kind: str = Field(primary_key=True)  # topic | event | group
    key: str = Field(primary_key=True)
    name: str
    created_at: datetime = _utc()


class ChangeLog(SQLModel, table=True):
    """One command that changed the book, for `pln history` and `pln undo`."""

    __tablename__ = "change_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc()
    command: str
    kind: str = "change"  # change | undo
    summary: str = ""
    undone_at: datetime | None = _utc(default=None)


class UndoStep(SQLModel, table=True):
    """SQL that reverts one row change; written by triggers (migrations.undo_triggers)."""

    __tablename__ = "undo_step"
    __table_args__ = (Index("ix_undo_step_change", "change_id"),)
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="change_log.id", ondelete="CASCADE")
    tbl: str
    op: str
    sql: str


class Resource(SQLModel, table=True):
    """Something to read, watch or follow: an article, book, blog, video, course, podcast.

    The same URL, or the same title once folded, is one resource (``url`` is stored as
    given and never fetched; NULL when only a title is known)."""

    __tablename__ = "resource"
    id: int | None = Field(default=None, primary_key=True)
    title: str
    title_key: str = Field(unique=True)
    url: str | None = Field(default=None, unique=True)
    kind: str = "other"  # article | book | blog | video | course | podcast | other
    author: str | None = None
    note: str = ""
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class ResourceTopic(SQLModel, table=True):
    __tablename__ = "resource_topic"
    __table_args__ = (Index("ix_resource_topic_key", "key"),)
    resource_id: int = Field(foreign_key="resource.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    topic: str


class InteractionResource(SQLModel, table=True):
    """A ``shared`` interaction's resource: sent by you (``to``) or to you (``from``)."""

    __tablename__ = "interaction_resource"
    __table_args__ = (Index("ix_interaction_resource_resource", "resource_id"),)
    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True, ondelete="CASCADE")
    resource_id: int = Field(foreign_key="resource.id", ondelete="CASCADE")
    direction: str  # to | from


class GroupReading(SQLModel, table=True):
    """A group reads a resource together, by a day (a dated reading is due for you then)."""

    __tablename__ = "group_reading"
    __table_args__ = (
        UniqueConstraint("group_id", "resource_id"),
        Index("ix_group_reading_resource", "resource_id"),
        Index("ix_group_reading_due", "due"),
    )
    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="pgroup.id", ondelete="CASCADE")
    resource_id: int = Field(foreign_key="resource.id", ondelete="CASCADE")
    due: date | None = None
    done_at: datetime | None = _utc(default=None)
    created_at: datetime = _utc()
