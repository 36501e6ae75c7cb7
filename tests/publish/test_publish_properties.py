"""Every publisher handles every valid event: generated events with text in any script, emoji and other
characters outside the Basic Multilingual Plane, Markdown with raw HTML and images, session ids that are
names of the page's own parts, venue-wide and combined parts, all-day rooms and several days.

The strategy is our own, compact one: `tests/files/test_roundtrip.py` is not importable from here (the
tests are no package), and its texts hold tabs, which titles may no longer hold. Texts here hold no
control characters and no line breaks (titles and names are single-line; the loader rejects the rest);
descriptions are Markdown and may hold line breaks and tabs. Each generated document is loaded and checked
as a file is, so the events are valid by the same rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft6Validator, FormatChecker
from lxml import etree
from openpyxl import load_workbook

from netwerkdag.core.event import Event
from netwerkdag.files.load import event_from_source
from netwerkdag.files.schema import NONCHARACTERS
from netwerkdag.files.yaml_source import SourceDocument
from netwerkdag.publish.frab import frab_json, frab_xml
from netwerkdag.publish.html import render_html
from netwerkdag.publish.ical import ical
from netwerkdag.publish.pdf import render_pdf
from netwerkdag.publish.tables import grid_csv, sessions_csv, workbook

PROPERTIES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NOW = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)

ids = st.from_regex(r"[a-z0-9]{2,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
# Session ids that are also ids of the page's own parts, or look like them.
session_ids = ids | st.sampled_from(["programme", "sessions", "general", "absent-groups", "s-general"])
# Any character but surrogates, control characters and line breaks, and some pieces on purpose: emoji
# (with a variation selector, a skin tone and a zero-width joiner), non-BMP letters, CJK, a right-to-left
# override, a zero-width space, a byte-order mark, a soft hyphen, and what HTML and spreadsheets treat apart.
_pieces = st.characters(
    codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=sorted(NONCHARACTERS)
) | st.sampled_from(
    [
        "🎉",
        "☕",
        "🏛️",
        "👩🏽‍💼",
        "𝔊",
        "𠜎",
        "住宅市場",
        "ß",
        "ﬁ",
        "\u202e",
        "\u200b",
        "\ufeff",
        "\u00ad",
        "&",
        "<",
    ]
)
#: Single-line text (titles, names): any script, emoji and non-BMP characters, formula and markup starts.
texts = (
    (
        st.lists(_pieces, min_size=1, max_size=16).map("".join)
        | st.sampled_from(
            ["=1+2", "-5", "@x", "<b>vet</b>", "{{ x }}", "%(day)s", "Ca. 60 tekens " * 4, "Lang" * 15]
        )
    )
    .map(str.strip)
    .filter(bool)
)
markdown = st.lists(
    st.sampled_from(
        [
            "Een *alinea* met `code` en een [link](https://example.org/).",
            "- punt één\n- punt twee",
            "## Kop",
            "![een kaart 🗺️](http://192.0.2.1/kaart.png)",
            '<script>alert(1)</script> <img src="x">',
            "[klik](javascript:alert(1))",
            "\tingesprongen\tmet tabs",
            "regel\nna regel",
        ]
    )
    | texts,
    max_size=4,
).map("\n\n".join)
PRESENT = ["host", "chair", "vice-chair", "moderator", "speaker", "guest"]
KINDS = ["plenary", "guest-conversation", "board-meeting", "meal", "networking", "social"]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _maybe(draw: st.DrawFn, strategy: st.SearchStrategy[Any], data: dict[str, Any], key: str) -> None:
    if draw(st.booleans()):
        data[key] = draw(strategy)


@st.composite
def event_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid event document (network and event, as plain data in the file format)."""
    org_ids = draw(st.lists(ids, min_size=1, max_size=2, unique=True))
    pillar_ids = draw(st.lists(ids, max_size=2, unique=True))
    group_ids = draw(st.lists(ids, min_size=1, max_size=3, unique=True))
    person_ids = draw(st.lists(ids, min_size=1, max_size=5, unique=True))
    people = []
    for pid in person_ids:
        person: dict[str, Any] = {
            "id": pid,
            "name": draw(texts),
            "role": draw(st.sampled_from(["wethouder"])),
        }
        _maybe(draw, st.sampled_from(org_ids), person, "organisation")
        _maybe(draw, texts, person, "function")
        _maybe(draw, st.from_regex(r"[a-z]{1,8}@[a-z]{2,8}\.nl", fullmatch=True), person, "email")
        people.append(person)
    groups = []
    for gid in group_ids:
        group: dict[str, Any] = {"id": gid, "name": draw(texts)}
        if pillar_ids:
            _maybe(draw, st.sampled_from(pillar_ids), group, "pillar")
        groups.append(group)
    network = {
        "id": draw(ids),
        "name": draw(texts),
        "organisations": [{"id": oid, "name": draw(texts)} for oid in org_ids],
        "pillars": [{"id": pid, "name": draw(texts)} for pid in pillar_ids],
        "groups": groups,
        "people": people,
    }

    first = draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
    days = [first] if draw(st.booleans()) else [first, first + dt.timedelta(days=1)]
    rooms = []
    for rid in draw(st.lists(ids, min_size=1, max_size=8, unique=True)):
        room: dict[str, Any] = {"id": rid, "name": draw(texts), "capacity": draw(st.integers(1, 500))}
        _maybe(draw, texts, room, "label")
        rooms.append(room)
    # A room open all day on the first day holds no other session that day.
    all_day_room = rooms[-1]["id"] if len(rooms) > 1 and draw(st.booleans()) else None

    blocks: list[dict[str, Any]] = []
    block_ids = iter(draw(st.lists(ids, min_size=5 * len(days), max_size=5 * len(days), unique=True)))
    # Drawn ids first (some named like the page's own parts), then plain ones: enough for 10 blocks of 8.
    drawn = draw(st.lists(session_ids, max_size=8, unique=True))
    new_ids = iter(dict.fromkeys([*drawn, *(f"n{n:03d}" for n in range(100))]))
    sessions: list[dict[str, Any]] = []

    def new_session(kind: str, present: set[str]) -> dict[str, Any]:
        """A session of `kind`; people with a part take it only if they have none yet in `present`."""
        session: dict[str, Any] = {"id": next(new_ids), "kind": kind, "title": draw(texts)}
        _maybe(draw, texts, session, "subtitle")
        _maybe(draw, markdown, session, "description")
        if kind == "theme-group-meeting":
            session["group"] = draw(st.sampled_from(group_ids))
        if kind == "pillar-meeting" or (pillar_ids and draw(st.booleans())):
            session["pillar"] = draw(st.sampled_from(pillar_ids))
        participants = []
        for person in draw(st.lists(st.sampled_from(person_ids), max_size=3, unique=True)):
            role = draw(st.sampled_from([*PRESENT, "contact"]))
            if role != "contact" and person in present:
                role = "contact"
            if role != "contact":
                present.add(person)
            participants.append({"person": person, "role": role})
        if participants:
            session["participants"] = participants
        return session

    kinds = [*KINDS, "theme-group-meeting"] + (["pillar-meeting"] if pillar_ids else [])
    for n, day in enumerate(days):
        start = draw(st.integers(7 * 60, 10 * 60))
        for _ in range(draw(st.integers(1, 5))):
            kind = draw(st.sampled_from(["parallel", "parallel", "plenary", "transfer", "meal", "drinks"]))
            length = draw(st.integers(5, 90))
            block: dict[str, Any] = {
                "id": next(block_ids),
                "kind": kind,
                "start": _hhmm(start),
                "end": _hhmm(start + length),
            }
            if n > 0:
                block["date"] = day.isoformat()
            _maybe(draw, texts, block, "label")
            _maybe(draw, st.booleans(), block, "show_end")
            blocks.append(block)
            if kind != "transfer":
                present: set[str] = set()
                if draw(st.integers(0, 3)) == 0:
                    venue = new_session(draw(st.sampled_from(kinds)), present)
                    venue.update({"block": block["id"], "venue_wide": True})
                    sessions.append(venue)
                    if draw(st.booleans()):
                        other = new_session(draw(st.sampled_from(kinds)), present)
                        other.update(
                            {"block": block["id"], "venue_wide": True, "combined_with": [venue["id"]]}
                        )
                        sessions.append(other)
                else:
                    free = [r for r in rooms if n > 0 or r["id"] != all_day_room]
                    chosen = draw(
                        st.lists(st.sampled_from(free), max_size=len(free), unique_by=lambda r: r["id"])
                    )
                    for room in chosen:
                        session = new_session(draw(st.sampled_from(kinds)), present)
                        session.update({"block": block["id"], "room": room["id"]})
                        if draw(st.integers(0, 3)) == 0:  # its own end, inside the block
                            session["end"] = _hhmm(start + draw(st.integers(1, length)))
                        sessions.append(session)
            start += length + draw(st.integers(0, 15))
    if all_day_room is not None and any("date" not in b and b["kind"] != "transfer" for b in blocks):
        # No one has a part in it: it runs all day, alongside every other session.
        session = new_session("networking", set(person_ids))
        session.update({"all_day": True, "room": all_day_room})
        sessions.append(session)

    theme_groups = []
    meeting = {s["group"] for s in sessions if "group" in s}
    for gid in group_ids:
        if gid in meeting:
            continue
        if sessions and draw(st.booleans()):
            theme_groups.append(
                {"group": gid, "status": "merged", "merged_into": draw(st.sampled_from(sessions))["id"]}
            )
        else:
            group_day: dict[str, Any] = {"group": gid, "status": "not-meeting"}
            _maybe(draw, texts, group_day, "note")
            theme_groups.append(group_day)

    event: dict[str, Any] = {
        "slug": draw(ids),
        "title": draw(texts),
        "date": days[0].isoformat(),
        "timezone": draw(st.sampled_from(["Europe/Amsterdam", "UTC", "America/New_York", "Asia/Kathmandu"])),
        "language": draw(st.sampled_from(["nl", "en"])),
        "venue": {"name": draw(texts)},
        "rooms": rooms,
        "blocks": blocks,
        "sessions": sessions,
    }
    if len(days) > 1:
        event["end_date"] = days[-1].isoformat()
    _maybe(draw, texts, event, "subtitle")
    _maybe(draw, st.sampled_from(org_ids), event, "host")
    _maybe(draw, markdown, event, "introduction")
    _maybe(draw, texts, event["venue"], "address")
    _maybe(draw, texts, event["venue"], "city")
    if theme_groups:
        event["theme_groups"] = theme_groups
    return {"network": network, "event": event}


events = event_documents().map(lambda data: event_from_source(SourceDocument(data, {}, "generated.yaml")))


@pytest.fixture(scope="module")
def json_validator(frab_dir: Path) -> Draft6Validator:
    schema = json.loads((frab_dir / "schema.json").read_text(encoding="utf-8"))
    return Draft6Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def xml_schema(frab_dir: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(frab_dir / "schedule.xml.xsd")))


@PROPERTIES
@given(event=events)
def test_html_page_renders_in_both_languages_with_unique_ids_and_resolving_links(event: Event) -> None:
    for lang in ("nl", "en"):
        document = lxml.html.document_fromstring(render_html(event, lang=lang))

        found = [str(element.get("id")) for element in document.xpath("//*[@id]")]
        links = {str(a.get("href"))[1:] for a in document.xpath("//a[starts-with(@href, '#')]")}
        articles = document.xpath("//article")

        assert sorted({i for i in found if found.count(i) > 1}) == []
        assert sorted(links - set(found)) == []
        assert document.get("lang") == lang
        assert len(articles) == sum(1 for s in event.sessions if s.description.strip() or s.participants)
        assert document.xpath("//script | //img | //*[@onerror]") == []


@settings(PROPERTIES, max_examples=5)
@given(event=events)
def test_pdf_booklet_renders(event: Event) -> None:
    pdf = render_pdf(event)

    assert pdf.startswith(b"%PDF-")


@PROPERTIES
@given(event=events)
def test_frab_json_and_xml_are_valid_against_the_schemas(
    event: Event, json_validator: Draft6Validator, xml_schema: etree.XMLSchema
) -> None:
    document = frab_json(event)
    xml = etree.fromstring(frab_xml(event).encode("utf-8"))

    json_errors = [error.message for error in json_validator.iter_errors(document)]
    xml_valid = xml_schema.validate(xml)

    assert json_errors == []
    assert xml_valid, xml_schema.error_log
    assert len(xml.findall("day/room/event")) == len(event.sessions)


@PROPERTIES
@given(event=events)
def test_ical_parses_with_one_vevent_per_session(event: Event) -> None:
    calendar = vobject.readOne(ical(event, now=NOW).decode("utf-8"))
    entries = calendar.contents.get("vevent", [])  # an event without sessions has none

    uids = sorted(str(entry.uid.value) for entry in entries)
    summaries = sorted(str(entry.summary.value) for entry in entries)

    assert uids == sorted(f"{s.id}@{event.slug}.netwerkdag" for s in event.sessions)
    # icalendar decodes each value as "utf-8-sig" while writing, which drops a leading byte-order mark.
    assert summaries == sorted(s.title.removeprefix("\ufeff") for s in event.sessions)


@PROPERTIES
@given(event=events)
def test_tables_parse_as_csv_and_open_as_a_workbook(event: Event) -> None:
    session_rows = list(csv.reader(io.StringIO(sessions_csv(event), newline="")))
    grid_rows = list(csv.reader(io.StringIO(grid_csv(event), newline="")))
    book = load_workbook(io.BytesIO(workbook(event)))

    assert len(session_rows) == 1 + len(event.sessions)
    assert {len(row) for row in session_rows} == {12}
    assert {len(row) for row in grid_rows} == {1 + len(event.rooms)}
    assert book.sheetnames == ["Programma", "Sessies"]
    assert book["Sessies"].max_row == 1 + len(event.sessions)
