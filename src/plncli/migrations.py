"""Ordered, named schema migrations, recorded in ``PRAGMA user_version``.

Each migration is frozen once released: never edit one, add the next. A
migration and its version bump run in one transaction (``db.migrate``).
``tests/test_schema.py`` proves that migrating an empty file gives exactly the
tables ``models.py`` declares.
"""

M001_INITIAL = """
CREATE TABLE event (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    "on" DATE,
    place VARCHAR,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (name_key)
);
CREATE TABLE interaction (
    id INTEGER NOT NULL,
    at DATETIME NOT NULL,
    kind VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_interaction_at ON interaction (at);
CREATE TABLE interaction_topic (
    interaction_id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    topic VARCHAR NOT NULL,
    PRIMARY KEY (interaction_id, "key"),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE
);
CREATE TABLE person (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    org VARCHAR,
    role VARCHAR,
    location VARCHAR,
    circle VARCHAR NOT NULL,
    cadence VARCHAR,
    met_on DATE,
    met_at_id INTEGER,
    introduced_by_id INTEGER,
    notes VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    archived_at DATETIME,
    last_contact_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(met_at_id) REFERENCES event (id) ON DELETE SET NULL,
    FOREIGN KEY(introduced_by_id) REFERENCES person (id) ON DELETE SET NULL
);
CREATE INDEX ix_person_name_key ON person (name_key);
CREATE TABLE followup (
    id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    due DATE NOT NULL,
    note VARCHAR NOT NULL,
    every VARCHAR,
    state VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    closed_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_followup_state_due ON followup (state, due);
CREATE INDEX ix_followup_person_id ON followup (person_id);
CREATE TABLE interaction_person (
    interaction_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, person_id),
    FOREIGN KEY(interaction_id) REFERENCES interaction (id) ON DELETE CASCADE,
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_interaction_person_person ON interaction_person (person_id);
CREATE TABLE person_attr (
    id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    "key" VARCHAR NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (person_id, kind, "key"),
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_person_attr_kind_key ON person_attr (kind, "key");
-- Full-text index over what `pln find` searches; one row per person,
-- rewritten by the commands that change what it holds.
CREATE VIRTUAL TABLE person_fts USING fts5(
    name, org, tags, notes, interactions,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

M002_NETWORK = (
    """
-- Who knows whom, groups, introductions, dismissed suggestions, private marks.
"""
    + """CREATE TABLE pgroup (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (name_key)
);
CREATE TABLE private_mark (
    kind VARCHAR NOT NULL,
    "key" VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (kind, "key")
);
CREATE TABLE dismissal (
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    until DATE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (a_id, b_id),
    CHECK (a_id < b_id),
    FOREIGN KEY(a_id) REFERENCES person (id) ON DELETE CASCADE,
    FOREIGN KEY(b_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE TABLE introduction (
    id INTEGER NOT NULL,
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    state VARCHAR NOT NULL,
    reasons VARCHAR NOT NULL,
    kinds VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    asked_a_at DATETIME,
    asked_b_at DATETIME,
    made_at DATETIME,
    declined_at DATETIME,
    outcome VARCHAR,
    outcome_note VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    CHECK (a_id < b_id),
    UNIQUE (a_id, b_id),
    FOREIGN KEY(a_id) REFERENCES person (id) ON DELETE CASCADE,
    FOREIGN KEY(b_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE TABLE pgroup_member (
    group_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (group_id, person_id),
    FOREIGN KEY(group_id) REFERENCES pgroup (id) ON DELETE CASCADE,
    FOREIGN KEY(person_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_pgroup_member_person ON pgroup_member (person_id);
CREATE TABLE tie (
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    since DATE,
    note VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (a_id, b_id),
    CHECK (a_id < b_id),
    FOREIGN KEY(a_id) REFERENCES person (id) ON DELETE CASCADE,
    FOREIGN KEY(b_id) REFERENCES person (id) ON DELETE CASCADE
);
CREATE INDEX ix_tie_b ON tie (b_id);
CREATE TABLE intro_followup (
    introduction_id INTEGER NOT NULL,
    followup_id INTEGER NOT NULL,
    purpose VARCHAR NOT NULL,
    PRIMARY KEY (introduction_id, followup_id),
    FOREIGN KEY(introduction_id) REFERENCES introduction (id) ON DELETE CASCADE,
    FOREIGN KEY(followup_id) REFERENCES followup (id) ON DELETE CASCADE
);
-- People logged together in one interaction know each other.
INSERT OR IGNORE INTO tie (a_id, b_id, since, note, source, created_at)
SELECT x.person_id, y.person_id, min(date(i.at)), '', 'interaction', min(i.created_at)
FROM interaction_person x
JOIN interaction_person y ON y.interaction_id = x.interaction_id AND y.person_id > x.person_id
JOIN interaction i ON i.id = x.interaction_id
GROUP BY x.person_id, y.person_id;
"""
)

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_initial", M001_INITIAL),
    ("m002_network", M002_NETWORK),
]

LATEST = len(MIGRATIONS)
