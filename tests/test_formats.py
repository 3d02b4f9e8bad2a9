"""The file-format layer: reading vCard / LinkedIn / Google / pln CSV, and the exports."""

import csv
import io
import subprocess
import sys
import tempfile
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plncli.errors import InvalidInput
from plncli.formats import FORMATS, ReadResult, Record, read_file
from plncli.formats.export import (
    CSV_COLUMNS,
    ExportDue,
    ExportPerson,
    to_csv,
    to_ics,
    to_vcard,
)

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
VCARDS = sorted((CORPORA / "vcard").glob("*.vcf")) if CORPORA.is_dir() else []
LINKEDIN = CORPORA / "linkedin" / "Connections.csv"
needs_corpora = pytest.mark.skipif(
    not CORPORA.is_dir(), reason=f"the shared test corpora are not at {CORPORA}"
)


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode(encoding))
    return str(path)


def by_name(result: ReadResult) -> dict[str, Record]:
    return {r.name: r for r in result.records}


def refused(path: str, **kwargs: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        read_file(path, **kwargs)
    return info.value


# ---------------------------------------------------------------- the corpora


@needs_corpora
@pytest.mark.parametrize("path", [*VCARDS, LINKEDIN], ids=lambda p: p.name)
def test_every_corpus_file_gives_a_result_or_invalid_input(path: Path) -> None:
    try:
        result = read_file(str(path))
    except InvalidInput:
        return
    assert result.format in FORMATS
    assert result.records or result.invalid
    for rec in result.records:
        assert rec.name
        assert rec.name == rec.name.strip()
        assert rec.where.startswith(("card ", "line "))


def corpus(name: str) -> ReadResult:
    return read_file(str(CORPORA / "vcard" / name))


JOHN_DOE = {
    "John_Doe_BLACK_BERRY.vcf": ("John Doe", []),
    "John_Doe_EVOLUTION.vcf": ("Mr. John Richter, James Doe Sr.", ["john.doe@ibm.com"]),
    "John_Doe_GMAIL.vcf": ("Mr. John Richter, James Doe Sr.", ["john.doe@ibm.com"]),
    "John_Doe_IPHONE.vcf": ("Mr. John Richter James Doe Sr.", ["john.doe@ibm.com"]),
    "John_Doe_LOTUS_NOTES.vcf": (
        "Mr. Doe John I Johny",
        ["john.doe@ibm.com", "billy_bob@gmail.com"],
    ),
    "John_Doe_MAC_ADDRESS_BOOK.vcf": ("Mr. John Richter,James Doe Sr.", ["john.doe@ibm.com"]),
    "John_Doe_MS_OUTLOOK.vcf": ("Mr. John Richter James Doe Sr.", ["john.doe@ibm.cm"]),
}


@needs_corpora
@pytest.mark.parametrize(("file", "expected"), JOHN_DOE.items(), ids=list(JOHN_DOE))
def test_john_doe_exports(file: str, expected: tuple[str, list[str]]) -> None:
    result = corpus(file)
    assert result.format == "vcard"
    assert not result.invalid
    [rec] = result.records
    assert (rec.name, rec.emails) == expected


@needs_corpora
def test_john_doe_details_come_through() -> None:
    evo = corpus("John_Doe_EVOLUTION.vcf").records[0]
    assert evo.org == "IBM"
    assert evo.role == "Money Counter"
    assert evo.birthday == date(1980, 3, 22)
    assert evo.topics == ["VIP"]
    assert evo.links == ["http://www.ibm.com"]
    assert evo.location == "Albaney, New York, United States of America"
    assert evo.phones == ["905-666-1234", "905-555-1234"]
    assert "Nickname: Johny" in evo.notes  # kept in the notes, not dropped
    assert "Address (home): ASB-123, 15 Crescent moon drive" in evo.notes
    assert "DATA, OR PROFITS; OR" in evo.notes  # escaped \, and \; decoded
    gmail = corpus("John_Doe_GMAIL.vcf").records[0]
    assert gmail.links == ["http://www.ibm.com"]  # "http\://" unescaped
    assert "SUCH DAMAGE.\nFavotire Color: Blue\n\nPhonetic first name: Jon" in gmail.notes
    outlook = corpus("John_Doe_MS_OUTLOOK.vcf").records[0]
    assert "POSSIBILITY OF SUCH DAMAGE.\n\nNickname: Johny" in outlook.notes  # 2.1: commas kept
    assert outlook.birthday == date(1980, 3, 22)
    iphone = corpus("John_Doe_IPHONE.vcf").records[0]  # CR CR LF line ends
    assert "PHOTO" in iphone.unknown
    assert len(iphone.phones) == 4  # two faxes and a pager are kept in the notes, labelled
    assert "Fax (work): 905-999-1234\nPager: 905-111-1234" in iphone.notes


@needs_corpora
def test_android_quoted_printable_and_broken_cards() -> None:
    result = corpus("John_Doe_ANDROID.vcf")
    names = [r.name for r in result.records]
    assert names == ["Ñ Ñ Ñ Ñ Ñ", " ".join(["Ñ"] * 11)]  # QP soft line breaks, CHARSET
    assert "Ñ Ñ" in result.records[1].notes
    invalid = {p.where: p for p in result.invalid}
    assert invalid["card 1"].field == "name"  # only an email, no name
    assert invalid["card 5"].field == "email"
    assert invalid["card 6"].field == "card"  # a QP value that is not UTF-8
    assert "vobject" in invalid["card 6"].why


@needs_corpora
def test_gmail_exports() -> None:
    listed = corpus("gmail-list.vcf")
    assert [(r.name, r.emails) for r in listed.records] == [
        ("Arnold Smith", ["asmithk@gmail.com"]),
        ("Chris Beatle", ["chrisy55d@yahoo.com"]),
        ("Doug White", ["dwhite@gmail.com"]),
    ]
    assert [r.where for r in listed.records] == ["card 1", "card 2", "card 3"]
    [greg] = corpus("gmail-single.vcf").records
    assert (greg.name, greg.emails) == ("Greg Dartmouth", ["gdartmouth@hotmail.com"])
    assert greg.phones == ["555 555 1111", "555 555 2222"]
    assert greg.org == "TheCompany"
    assert greg.role == "TheJobTitle"
    assert greg.birthday == date(1960, 9, 10)
    assert greg.links == ["http://TheProfile.com"]
    assert greg.notes.startswith("This is GMail's note field.\nIt should be added")
    [test] = corpus("gmail-single2.vcf").records
    assert test.name == "VCard Test"
    assert test.emails == [
        "email@example.com",
        "homeemail@example.com",
        "workemail@example.com",
        "otheremail@example.com",
        "customcategory@example.com",
    ]
    assert "Related (Mother): Name4" in test.notes  # X-ABLabel used as the label
    assert "X-ABLABEL" not in test.unknown


@needs_corpora
def test_khard_fixtures() -> None:
    assert corpus("khard-korean-c.vcf").records[0].name == "최유림"
    assert corpus("khard-korean-j.vcf").records[0].name == "전도훈"
    text_bday = corpus("khard-text-bday.vcf")
    assert text_bday.records[0].birthday is None
    [bday] = [p for p in text_bday.notes if p.field == "BDAY"]
    assert (bday.where, "circa 1800" in bday.why) == ("card 1", True)
    unparsable = corpus("khard-unparsable.vcf")
    assert not unparsable.records
    assert [(p.where, p.field) for p in unparsable.invalid] == [("card 1", "card")]
    assert corpus("khard-nickname.vcf").records[0].name == "Michael Smith"  # N, no FN
    assert corpus("khard-tel-value-uri.vcf").records[0].phones == ["67545678"]
    assert corpus("khard-category.vcf").records[0].topics == ["bar"]
    assert corpus("khard-contact1.vcf").records[0].birthday == date(2018, 1, 20)
    assert corpus("khard-org.vcf").records[0].unknown == ["KIND"]  # its UID is kept (issue 14)


@needs_corpora
def test_rfc_examples() -> None:
    [simon] = corpus("rfc6350-example.vcf").records
    assert simon.phones == ["+1-418-656-9254 ext. 102", "+1-418-262-6501"]  # tel: URIs
    assert simon.location == "Quebec, QC, Canada"
    assert simon.birthday == date(1604, 2, 3)  # --0203: a birthday with no year (birthdays.py)
    assert [r.name for r in corpus("rfc2426-example.vcf").records] == [
        "Frank Dawson",
        "Tim Howes",
    ]


@needs_corpora
def test_linkedin_connections() -> None:
    result = read_file(str(LINKEDIN))
    assert result.format == "linkedin"
    assert not result.invalid
    people = by_name(result)
    assert list(people) == ["Maya Okonkwo", "Tomás Herrera", "Priya Natarajan"]
    tomas = people["Tomás Herrera"]
    assert tomas.emails == ["tomas.h@example.org"]
    assert tomas.org == "Herrera, Lund & Co"
    assert tomas.role == "Sustainability Consultant"
    assert tomas.met_on == date(2025, 11, 2)
    assert tomas.met_at is None
    assert tomas.links == ["https://www.linkedin.com/in/example-tomas"]
    assert people["Maya Okonkwo"].emails == []
    assert people["Maya Okonkwo"].where == "line 5"


@needs_corpora
def test_truncated_vcard_keeps_the_other_cards(tmp_path: Path) -> None:
    text = (CORPORA / "vcard" / "gmail-list.vcf").read_text(encoding="utf-8")
    cut = text[: text.index("Doug White") + 4]  # the file ends inside card 3
    result = read_file(write(tmp_path, "cut.vcf", cut))
    assert [r.name for r in result.records] == ["Arnold Smith", "Chris Beatle"]
    assert [(p.where, p.field) for p in result.invalid] == [("card 3", "card")]
    middle = text.index("FN:Chris Beatle")
    spliced = text[:middle] + text[text.index("BEGIN:VCARD", middle) :]  # card 2 lost its end
    result = read_file(write(tmp_path, "spliced.vcf", spliced))
    assert [r.name for r in result.records] == ["Arnold Smith", "Doug White"]
    assert [p.where for p in result.invalid] == ["card 2"]


# ---------------------------------------------------------------- bytes and encodings

GENERIC = "name,email,topics\nJosé Ruiz,jose@example.org,ai;physics\n"


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    for name, data in (
        ("plain.csv", GENERIC.encode()),
        ("bom.csv", b"\xef\xbb\xbf" + GENERIC.encode()),
    ):
        result = read_file(write(tmp_path, name, data))
        assert result.format == "csv"
        [rec] = result.records
        assert (rec.name, rec.emails, rec.topics) == (
            "José Ruiz",
            ["jose@example.org"],
            ["ai", "physics"],
        )


def test_latin1_needs_encoding(tmp_path: Path) -> None:
    path = write(
        tmp_path, "latin.csv", "name,email\nMaya,m@example.org\nJosé,j@example.org\n", "latin-1"
    )
    err = refused(path)
    assert path in err.message
    assert "line 3" in err.message
    assert err.hint is not None
    assert "--encoding" in err.hint
    assert [r.name for r in read_file(path, encoding="latin-1").records] == ["Maya", "José"]


def test_unknown_encoding_and_format(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", GENERIC)
    assert "encoding" in refused(path, encoding="no-such-codec").message
    assert "encoding" in refused(path, encoding="base64").message
    assert "format" in refused(path, fmt="xml").message


def test_utf16_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "wide.csv", GENERIC.encode("utf-16"))
    assert "--encoding utf-16" in (refused(path).hint or "")
    assert read_file(path, encoding="utf-16").records[0].name == "José Ruiz"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"name,email\nAna\x00,a@example.org\n",
    ],
    ids=["png", "zip", "nul"],
)
def test_binary_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "bin.csv", data)
    assert refused(path).message == f"{path} is not a text file"


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "empty.vcf", data)
    assert refused(path).message == f"{path} is empty"


def test_unopenable_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.csv")
    err = refused(missing)
    assert missing in err.message
    assert "No such file" in err.message
    assert "directory" in refused(str(tmp_path)).message.lower()


def test_unknown_layout_and_forced_formats(tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "colour,size\nred,3\n")
    err = refused(path)
    assert err.message == f"could not tell the format of {path}"
    assert err.hint == "use --format vcard|linkedin|google|csv|json"
    generic = write(tmp_path, "g.csv", GENERIC)
    assert "no vCard" in refused(generic, fmt="vcard").message
    assert "LinkedIn" in refused(generic, fmt="linkedin").message
    assert read_file(generic, fmt="csv").format == "csv"
    google = write(tmp_path, "old-google.csv", GOOGLE_OLD)
    forced = read_file(google, fmt="csv")  # a forced format skips detection
    assert forced.format == "csv"
    assert forced.records[0].name == "Cy Day"
    assert "Given Name" in {p.field for p in forced.notes}


# ---------------------------------------------------------------- the generic CSV

EVERY_COLUMN = (
    "Name,Email,Phone,Org,Role,Location,Circle,Topics,Offers,Seeks,Met At,met_on,Notes,Knows,"
    "Birthday,Links,last_contact\n"
    'Ana Ruiz,ana@example.org;ana@work.example,+44 1;+44 2,Acme,Teacher,"Leeds, UK",Colleague,'
    'ai;physics,mentoring,jobs,EdTech 2024,2024-03-15,"line one\nline two",Bo Li;Cy Day,'
    "1990-05-17,https://ana.example,2025-01-01\n"
)


def test_every_column(tmp_path: Path) -> None:
    result = read_file(write(tmp_path, "all.csv", EVERY_COLUMN))
    assert not result.invalid
    [ana] = result.records
    assert ana == Record(
        where="line 2",
        name="Ana Ruiz",
        emails=["ana@example.org", "ana@work.example"],
        phones=["+44 1", "+44 2"],
        org="Acme",
        role="Teacher",
        location="Leeds, UK",
        links=["https://ana.example"],
        topics=["ai", "physics"],
        offers=["mentoring"],
        seeks=["jobs"],
        notes="line one\nline two",
        circle="colleague",
        met_at="EdTech 2024",
        met_on=date(2024, 3, 15),
        birthday=date(1990, 5, 17),
        knows=["Bo Li", "Cy Day"],
        unknown=[],
    )
    assert [p.field for p in result.notes] == ["last_contact"]


def test_semicolon_and_tab_delimiters(tmp_path: Path) -> None:
    semi = "name;email;topics;org\nAna;a@example.org|b@example.org;ai|ml;Acme, Inc\n"
    [ana] = read_file(write(tmp_path, "semi.csv", semi)).records
    assert ana.emails == ["a@example.org", "b@example.org"]
    assert ana.topics == ["ai", "ml"]
    assert ana.org == "Acme, Inc"
    tab = 'name\temail\ttopics\n"Bo, Li"\tbo@example.org\tai;ml\n'
    [bo] = read_file(write(tmp_path, "tab.tsv", tab)).records
    assert (bo.name, bo.emails, bo.topics) == ("Bo, Li", ["bo@example.org"], ["ai", "ml"])


def test_line_numbers_follow_multiline_cells(tmp_path: Path) -> None:
    text = 'name,notes\nAna,"one\ntwo\nthree"\n\nBo,x\r\nCy,"a\r\nb"\nDi,\n'
    result = read_file(write(tmp_path, "lines.csv", text))
    assert [(r.where, r.name) for r in result.records] == [
        ("line 2", "Ana"),
        ("line 6", "Bo"),
        ("line 7", "Cy"),
        ("line 9", "Di"),
    ]
    assert result.records[2].notes == "a\nb"


def test_knows_column(tmp_path: Path) -> None:
    text = "name,knows\nAna,Bo Li; Cy Day ;\nBo Li,\n"
    result = read_file(write(tmp_path, "knows.csv", text))
    assert [r.knows for r in result.records] == [["Bo Li", "Cy Day"], []]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("Ana,not-an-email,,", "email"),
        ("Ana,a@example.org,friends,", "circle"),
        ("Ana,,,15/03/2024", "met_on"),
        ("Ana,,,2024-02-30", "met_on"),
        (",a@example.org,,", "name"),
    ],
)
def test_invalid_rows(tmp_path: Path, row: str, field: str) -> None:
    text = f"name,email,circle,met_on\nBo,b@example.org,network,2024-01-02\n{row}\n"
    result = read_file(write(tmp_path, "bad.csv", text))
    assert [r.name for r in result.records] == ["Bo"]
    [problem] = result.invalid
    assert (problem.where, problem.field) == ("line 3", field)


def test_unknown_column_is_noted(tmp_path: Path) -> None:
    text = "name,Nickname,email\nAna,Annie,a@example.org\nBo,,\n"
    result = read_file(write(tmp_path, "nick.csv", text))
    assert [(p.where, p.field) for p in result.notes] == [("line 1", "Nickname")]
    assert "not a pln field" in result.notes[0].why
    assert [r.unknown for r in result.records] == [["column 'Nickname'"], []]


def test_huge_field_rejects_its_record(tmp_path: Path) -> None:
    big = "x" * 20_000
    text = f"name,notes,extra\nAna,{big},\nBo,short,{big}\nCy,,\n"
    result = read_file(write(tmp_path, "big.csv", text))
    assert [r.name for r in result.records] == ["Cy"]
    assert [(p.where, p.field) for p in result.invalid] == [
        ("line 2", "notes"),
        ("line 3", "extra"),
    ]
    assert "20000" in result.invalid[0].why


def test_broken_quoting_stops_with_a_problem(tmp_path: Path) -> None:
    text = 'name,notes\nAna,fine\nBo,"never closed\nCy,x\n'
    result = read_file(write(tmp_path, "quote.csv", text))
    assert [r.name for r in result.records] == ["Ana"]
    assert [(p.where, p.field) for p in result.invalid] == [("line 3", "file")]


# ---------------------------------------------------------------- LinkedIn and Google


def test_linkedin_bad_date_and_detection_after_preamble(tmp_path: Path) -> None:
    text = (
        'Notes:\n"Some, words"\n\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ana,Ruiz,,ana@example.org,Acme,CTO,2024-03-15\n"
        "Bo,Li,,,,,\n"
    )
    result = read_file(write(tmp_path, "Connections.csv", text))
    assert result.format == "linkedin"
    assert [r.name for r in result.records] == ["Bo Li"]
    assert [(p.where, p.field) for p in result.invalid] == [("line 5", "met_on")]


GOOGLE_2024 = (
    "First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,"
    "Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,"
    "E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Website 1 - Label,Website 1 - Value,"
    "Address 1 - City,Address 1 - Country\n"
    "Ana,María,Ruiz,Annie,Acme,CTO,1990-05-17,hi,* myContacts ::: AI ::: * starred,"
    "Home,a@example.org ::: a2@example.org,Work,a3@example.org,Mobile,+34 1,,"
    "https://ana.example,Madrid,Spain\n"
    "Bo,,Li,,,,--05-17,,,,,,,,,,,,\n"
)
GOOGLE_OLD = (
    "Name,Given Name,Additional Name,Family Name,Nickname,Birthday,Location,Notes,"
    "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Organization 1 - Type,Organization 1 - Name,Organization 1 - Title\n"
    "Cy Day,Cy,,Day,,,Leeds,,* My Contacts ::: Physics,* Home,cy@example.org,Mobile,"
    "+44 7 ::: +44 8,,Uni,Lecturer\n"
)


def test_google_2024_layout(tmp_path: Path) -> None:
    result = read_file(write(tmp_path, "contacts.csv", GOOGLE_2024))
    assert result.format == "google"
    assert not result.invalid
    ana, bo = result.records
    assert ana.name == "Ana María Ruiz"
    assert ana.emails == ["a@example.org", "a2@example.org", "a3@example.org"]
    assert (ana.phones, ana.org, ana.role) == (["+34 1"], "Acme", "CTO")
    assert (ana.topics, ana.links) == (["AI"], ["https://ana.example"])
    assert (ana.birthday, ana.location) == (date(1990, 5, 17), "Madrid, Spain")
    assert ana.notes == "hi\n\nNickname: Annie"  # kept in the notes, labelled
    assert "column 'Nickname'" not in ana.unknown
    assert bo.birthday == date(1604, 5, 17)  # --05-17: a birthday with no year (birthdays.py)
    assert ("line 3", "birthday") not in [(p.where, p.field) for p in result.notes]


def test_google_old_layout(tmp_path: Path) -> None:
    [cy] = read_file(write(tmp_path, "google.csv", GOOGLE_OLD)).records
    assert (cy.name, cy.emails, cy.phones) == ("Cy Day", ["cy@example.org"], ["+44 7", "+44 8"])
    assert (cy.org, cy.role, cy.location, cy.topics) == ("Uni", "Lecturer", "Leeds", ["Physics"])


# ---------------------------------------------------------------- exports


def person(**changes: Any) -> ExportPerson:
    base = ExportPerson(
        id=1,
        name="Ana Ruiz",
        emails=["ana@example.org"],
        phones=["+44 20 7946 0000"],
        org="Acme; Ltd, UK",
        role="Head, Science",
        location="Leeds, UK",
        links=["https://ana.example/?a=1,2"],
        circle="colleague",
        topics=["AI, ML", "physics"],
        offers=["mentoring"],
        seeks=["jobs"],
        notes="line one\nline two; with, punctuation\\ " + "é" * 80,
        met_at="EdTech 2024",
        met_on=date(2024, 3, 15),
        birthday=date(1990, 5, 17),
        last_contact=date(2025, 1, 1),
        knows=["Bo Li"],
    )
    return base._replace(**changes)


def test_csv_export_neutralises_formulas() -> None:
    risky = person(name="=HYPERLINK(1)", org="@SUM(A1)", role="-2", location="\tx", notes="'q")
    rows = list(csv.reader(io.StringIO(to_csv([risky]), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1][:6] == [
        "'=HYPERLINK(1)",
        "ana@example.org",
        "'+44 20 7946 0000",
        "'@SUM(A1)",
        "'-2",
        "'\tx",
    ]
    assert rows[1][12] == "''q"
    raw = list(csv.reader(io.StringIO(to_csv([risky], raw=True), newline="")))
    assert raw[1][0] == "=HYPERLINK(1)"


def test_csv_export_reads_back(tmp_path: Path) -> None:
    ana = person(name="-Ana Ruiz", notes="'quoted")
    path = tmp_path / "out.csv"
    path.write_text(to_csv([ana]), encoding="utf-8", newline="")
    [rec] = read_file(str(path)).records
    assert (rec.name, rec.phones, rec.notes) == ("-Ana Ruiz", ["+44 20 7946 0000"], "'quoted")
    assert (rec.org, rec.location, rec.circle) == ("Acme; Ltd, UK", "Leeds, UK", "colleague")
    assert (rec.met_on, rec.birthday, rec.knows) == (
        date(2024, 3, 15),
        date(1990, 5, 17),
        ["Bo Li"],
    )


def test_vcard_export_shape_and_read_back(tmp_path: Path) -> None:
    ana = person(name="José Ñúñez-García")
    text = to_vcard([ana, person(name="Bo", emails=[], topics=[], birthday=None)])
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert text.endswith("END:VCARD\r\n")
    lines = text.split("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long note was folded
    assert "ORG:Acme\\; Ltd\\, UK" in lines
    assert "BDAY:19900517" in lines
    path = tmp_path / "out.vcf"
    path.write_text(text, encoding="utf-8", newline="")
    result = read_file(str(path))
    assert not result.invalid
    assert {p.field for p in result.notes} == {"PRODID"}  # who wrote the file: not kept
    back = result.records[0]
    assert (back.name, back.emails, back.phones) == (ana.name, ana.emails, ana.phones)
    assert (back.org, back.role, back.location) == (ana.org, ana.role, ana.location)
    assert (back.topics, back.notes, back.birthday) == (ana.topics, ana.notes, ana.birthday)
    assert back.links == ana.links
    assert back.unknown == ["PRODID"]
    assert result.records[1].name == "Bo"


def test_ics_export_parses_back() -> None:
    from icalendar import Calendar

    due = ExportDue(
        "followup-12@pln",
        "Follow up: Ana Ruiz — Send the quiz bank",
        date(2026, 11, 30),
        "a, b; c\nd",
    )
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    data = to_ics([due, due._replace(uid="reconnect-7@pln", due=date(2026, 12, 31))], now=now)
    cal = Calendar.from_ical(data)
    assert str(cal["PRODID"]) == "-//pln//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "pln: what is due"  # birthdays and readings too
    first, second = cal.walk("VEVENT")
    assert str(first["UID"]) == "followup-12@pln"
    assert str(first["SUMMARY"]) == due.summary
    assert first.decoded("DTSTART") == date(2026, 11, 30)
    assert first.decoded("DTEND") == date(2026, 12, 1)
    assert first.decoded("DTSTAMP") == now
    assert str(first["DESCRIPTION"]) == "a, b; c\nd"
    assert b"DTSTART;VALUE=DATE:20261130" in data
    assert second.decoded("DTEND") == date(2027, 1, 1)
    assert to_ics([], now=now).startswith(b"BEGIN:VCALENDAR")


def test_package_import_does_not_load_vobject_or_icalendar() -> None:
    code = (
        "import sys, plncli.formats, plncli.formats.export;"
        "print(sorted(m for m in ('vobject', 'icalendar') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- properties

_word = st.text(st.characters(categories=("Lu", "Ll", "Lo")), min_size=1, max_size=10)
_words = st.lists(_word, min_size=1, max_size=3).map(" ".join)
_email = st.from_regex(r"[a-z0-9]{1,10}@[a-z0-9]{1,10}\.[a-z]{2,4}", fullmatch=True)
_people = st.lists(
    st.builds(
        lambda name, emails, topics: person(name=name, emails=emails, topics=topics),
        _words,
        st.lists(_email, max_size=3),
        st.lists(_words, max_size=4),
    ),
    min_size=1,
    max_size=4,
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _read_text(folder: Path, name: str, text: str) -> ReadResult:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return read_file(str(path))


@settings(max_examples=50, deadline=None)
@given(people=_people)
def test_round_trip_csv_and_vcard(
    tmp_path_factory: pytest.TempPathFactory, people: list[ExportPerson]
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    expected = [(_nfc(p.name), p.emails, [_nfc(t) for t in p.topics]) for p in people]
    for name, text in (("p.csv", to_csv(people)), ("p.vcf", to_vcard(people))):
        result = _read_text(folder, name, text)
        assert not result.invalid
        assert [(r.name, r.emails, r.topics) for r in result.records] == expected


_any_people = st.lists(
    st.builds(
        lambda texts, lists: person(
            name=texts[0],
            org=texts[1],
            role=texts[2],
            location=texts[3],
            notes=texts[4],
            met_at=texts[5],
            circle=texts[6],
            emails=lists[0],
            phones=lists[1],
            topics=lists[2],
            knows=lists[3],
        ),
        st.lists(st.text(), min_size=7, max_size=7),
        st.lists(st.lists(st.text(), max_size=3), min_size=4, max_size=4),
    ),
    max_size=3,
)


@settings(max_examples=50, deadline=None)
@given(people=_any_people)
def test_csv_cells_never_start_a_formula(people: list[ExportPerson]) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(people), newline="")))
    assert len(rows) == len(people) + 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@settings(max_examples=50, deadline=None)
@given(
    data=st.binary(max_size=400), prefix=st.sampled_from([b"", b"BEGIN:VCARD\r\n", b"name,email\n"])
)
def test_arbitrary_bytes_only_raise_invalid_input(data: bytes, prefix: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".dat") as fh:
        fh.write(prefix + data)
        fh.flush()
        try:
            result = read_file(fh.name)
        except InvalidInput:
            return
        assert result.format in FORMATS
