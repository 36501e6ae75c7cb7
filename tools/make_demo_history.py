"""Generate four earlier, fictional network days of the G40 for the demo: their event files, who registered
for what, who came to which session, and their feedback, so that the reach pages show trends from the
demo's first run. Seeded: the same seed gives the same bytes, so the output is committed beside the
generator (tests/tools/test_make_demo_history.py regenerates it and compares).

    .venv/bin/python tools/make_demo_history.py examples/g40-haarlem-2023 [--seed 2022]

Reads NETWORK/network.yaml and NETWORK/population.yaml and writes NETWORK/history/:

- `<slug>.yaml`: one event file per day (other host cities and dates before Haarlem, 10 February 2023),
  with a time grid and rooms like Haarlem's, varied a little: the pillar meetings in the first round, the
  theme groups in the three others, a plenary, lunch, drinks and a networking room.
- `network.yaml`, `population.yaml`: copies of the network's files. An event file may only name a network
  inside its own folder (`files/load.py` refuses `../network.yaml`), so the days carry the same network
  with them; regenerating keeps the copies equal to the originals.
- `registrations.csv` (`event,person,session`): who registered for which session that takes registrations.
  A room is never given more registrations than it has seats (the web app's `never_overbooked`).
- `attendance.csv` (`event,person,session`): per person present a row with an empty session, a row for the
  plenary and one for every session they registered for; the no-shows (8 to 12 % of those registered) are
  not in it. This is exactly what the web app can know of a day (check-ins and registrations; everyone
  present counts for the plenary), so the reach of the files equals the reach of the database.
- `feedback.csv` (`event,person,session,score,comment,next_theme`): from some of the people present, for
  the day as a whole (empty session) and for sessions they attended; scores 1 to 5, mostly 4 and 5.
- `README.md`: what this is, with the numbers of each day.

Only the network's people appear; the generated population makes up almost all of them. Of the officials
network.yaml names, only the administrators of member cities attend (in the office the network gives
them), and they never give feedback: no words are put in a real person's mouth. Guests, speakers and
contact persons of the Haarlem day do not come. Amstelveen joined the G40 on 1 July 2022 and comes only
after that. The CSV files have no comment line: their first row is the header that `netwerkdag reach`
reads; README.md says they are generated.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import textwrap
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

COMMAND = "tools/make_demo_history.py"
#: Cities the members of which stay away more often than not, chosen per seed.
OFTEN_ABSENT = 7
#: The chance that a city sends anyone to a day: most cities, and those often absent.
CITY_PRESENT, OFTEN_ABSENT_PRESENT = 0.93, 0.3
#: Cities that joined the network later than the first day: they come from that date on.
JOINED = {"amstelveen": date(2022, 7, 1)}
#: The share of those registered who do not come.
NO_SHOWS = (0.08, 0.12)
#: The share of the people present who answer the evaluation.
RESPONDENTS = 0.42
#: Scores 1 to 5 and their weights: most people are content.
SCORE_WEIGHTS = (3, 7, 18, 42, 30)
#: Kinds of session people give feedback on (not the meals, drinks or networking room).
RATED_KINDS = ("plenary", "pillar-meeting", "theme-group-meeting", "board-meeting")


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class DaySpec:
    """What is fixed of a day: host, date, rooms (the first is the hall for plenaries), the grid's times."""

    host: str
    day: date
    rooms: tuple[Room, ...]
    start: str  # the walk-in
    opening_minutes: int
    round_minutes: int
    lunch_minutes: int
    board_at_lunch: bool
    #: The room's name as the programme's first grid column shows it.
    hall_label: str = "Plenair"


DAYS = (
    DaySpec(
        host="zwolle",
        day=date(2021, 10, 8),
        rooms=(
            Room("raadzaal", "Raadzaal", 200),
            Room("burgerzaal", "Burgerzaal", 50),
            Room("commissiekamer-1", "Commissiekamer 1", 45),
            Room("commissiekamer-2", "Commissiekamer 2", 40),
            Room("trouwzaal", "Trouwzaal", 35),
        ),
        start="09:30",
        opening_minutes=25,
        round_minutes=60,
        lunch_minutes=60,
        board_at_lunch=False,
    ),
    DaySpec(
        host="eindhoven",
        day=date(2022, 3, 4),
        rooms=(
            Room("raadzaal", "Raadzaal", 180),
            Room("zaal-kempen", "Zaal Kempen", 50),
            Room("zaal-peel", "Zaal Peel", 45),
            Room("zaal-dommel", "Zaal Dommel", 45),
            Room("zaal-gender", "Zaal Gender", 35),
            Room("collegekamer", "Collegekamer", 30),
        ),
        start="09:00",
        opening_minutes=30,
        round_minutes=55,
        lunch_minutes=55,
        board_at_lunch=True,
    ),
    DaySpec(
        host="leeuwarden",
        day=date(2022, 6, 17),
        rooms=(
            Room("raadzaal", "Raadzaal", 170),
            Room("burgerzaal", "Burgerzaal", 55),
            Room("kamer-1", "Kamer 1", 45),
            Room("kamer-2", "Kamer 2", 40),
            Room("kamer-3", "Kamer 3", 35),
        ),
        start="09:30",
        opening_minutes=30,
        round_minutes=60,
        lunch_minutes=60,
        board_at_lunch=False,
    ),
    DaySpec(
        host="nijmegen",
        day=date(2022, 10, 14),
        rooms=(
            Room("raadzaal", "Raadzaal", 190),
            Room("trouwzaal", "Trouwzaal", 50),
            Room("commissiekamer-1", "Commissiekamer 1", 45),
            Room("commissiekamer-2", "Commissiekamer 2", 40),
            Room("commissiekamer-3", "Commissiekamer 3", 40),
            Room("collegezaal", "Collegezaal", 30),
        ),
        start="09:30",
        opening_minutes=25,
        round_minutes=60,
        lunch_minutes=50,
        board_at_lunch=True,
    ),
)
ROUNDS = ("ronde-1", "ronde-2", "ronde-3", "ronde-4")
PLENARY = "opening-plenair"

AGENDAS = (
    "De groep bespreekt de actualiteit uit de steden en het werkplan voor het komende halfjaar.",
    "Een rondje langs de leden, daarna de inzet richting het Rijk en de stand van de lobby.",
    "Ervaringen uit twee steden als opmaat voor een gesprek over wat de G40 samen kan doen.",
    "De groep kijkt terug op het afgelopen jaar en kiest de onderwerpen voor de volgende bijeenkomsten.",
    "Een gastspreker van een kennisinstituut opent; daarna wisselen de leden kennis en ervaring uit.",
)
DAY_COMMENTS = {
    "low": (
        "Te veel programma, te weinig tijd om elkaar te spreken.",
        "De zalen lagen ver uit elkaar; we kwamen steeds te laat binnen.",
        "Weinig nieuws gehoord; de stukken kwamen laat.",
        "Jammer dat mijn themagroep niet bijeenkwam.",
    ),
    "mid": (
        "Nuttig, maar de dag was lang.",
        "Goede gesprekken, de lunch was wat krap.",
        "Prima dag; graag meer tijd tussen de rondes.",
        "De plenaire start mocht korter.",
        "Goed georganiseerd, inhoudelijk wisselend.",
    ),
    "high": (
        "Fijne dag, goed om collega's uit andere steden te spreken.",
        "Gastvrij ontvangen en een strak programma.",
        "Veel opgehaald voor mijn eigen portefeuille.",
        "Mooie locatie en goede gesprekken in de wandelgangen.",
        "Inspirerend; volgende keer neem ik een collega mee.",
        "De netwerkruimte werkte goed.",
        "Goede mix van inhoud en ontmoeting.",
    ),
}
SESSION_COMMENTS = {
    "low": (
        "Te weinig tijd voor het gesprek.",
        "Het onderwerp kwam niet goed uit de verf.",
        "Te veel presentatie, te weinig discussie.",
    ),
    "mid": (
        "Redelijk, maar te veel agendapunten.",
        "Interessant onderwerp, de voorbereiding kon beter.",
        "Goed gesprek, weinig conclusies.",
        "De zaal was te klein voor de groep.",
    ),
    "high": (
        "Goed voorbereid en een open gesprek.",
        "Concrete afspraken gemaakt, daar kunnen we mee verder.",
        "Sterke voorzitter, iedereen kwam aan het woord.",
        "Herkenbare vraagstukken, veel van elkaar geleerd.",
        "Nuttige informatie voor mijn eigen stad.",
        "De gastspreker gaf een helder beeld.",
    ),
}
NEXT_THEMES = (
    "Digitalisering en AI in de dienstverlening",
    "Klimaatadaptatie in de stad",
    "Tekorten op de arbeidsmarkt",
    "Wonen voor jongeren en starters",
    "Energiearmoede",
    "Ondermijning en de rol van de burgemeester",
    "De financiële positie van gemeenten",
    "Samenwerking met de provincie",
    "Gezondheidsverschillen in wijken",
    "Netcongestie en bedrijventerreinen",
    "Jeugdzorg en het onderwijs",
    "Europese fondsen voor de regio",
)


def _band(score: int) -> str:
    return "low" if score <= 2 else "mid" if score == 3 else "high"


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _blocks(spec: DaySpec) -> list[dict[str, Any]]:
    """The grid: walk-in, opening, four rounds with lunch after the second, drinks; transfers between."""
    plan: list[tuple[str, str, int, dict[str, Any]]] = [
        ("inloop", "walk-in", 30, {"show_end": False}),
        ("opening", "plenary", spec.opening_minutes, {}),
        ("wissel-1", "transfer", 5, {}),
        ("ronde-1", "parallel", spec.round_minutes, {}),
        ("wissel-2", "transfer", 5, {}),
        ("ronde-2", "parallel", spec.round_minutes, {}),
        ("wissel-3", "transfer", 5, {}),
        ("lunch", "meal", spec.lunch_minutes, {}),
        ("wissel-4", "transfer", 5, {}),
        ("ronde-3", "parallel", spec.round_minutes, {}),
        ("wissel-5", "transfer", 5, {}),
        ("ronde-4", "parallel", spec.round_minutes, {}),
        ("borrel", "drinks", 60, {"show_end": False}),
    ]
    blocks = []
    now = _minutes(spec.start)
    for block_id, kind, length, extra in plan:
        start, now = _clock(now), now + length
        blocks.append({"id": block_id, "kind": kind, "start": start, "end": _clock(now), **extra})
    return blocks


def _members(people: list[dict[str, Any]]) -> Counter[str]:
    return Counter(g for p in people for g in p.get("groups", []))


def _programme(
    spec: DaySpec, network: dict[str, Any], population: list[dict[str, Any]], rng: random.Random
) -> dict[str, Any]:
    """The event file's `event` part of one day."""
    city = next(o for o in network["organisations"] if o["id"] == spec.host)
    city_name = city["short_name"]
    members = _members(population)
    hall, rooms = spec.rooms[0], spec.rooms[1:]
    groups = network["groups"]
    resting = rng.sample([g["id"] for g in groups], rng.randint(1, 2))
    meeting = [g for g in groups if g["id"] not in resting]
    rng.shuffle(meeting)
    # Three rounds of theme groups; in each the largest group gets the hall, the next the largest room.
    per_round = [meeting[r::3] for r in range(3)]
    sessions: list[dict[str, Any]] = [
        {
            "id": "inloop-ochtend",
            "kind": "social",
            "title": "Inloop",
            "block": "inloop",
            "venue_wide": True,
            "audience": [{}],
        },
        {
            "id": PLENARY,
            "kind": "plenary",
            "title": "Plenaire start",
            "subtitle": f"Welkom in {city_name}",
            "block": "opening",
            "room": hall.id,
            "audience": [{}],
            "description": (
                f"De gastgemeente {city_name} opent de dag; daarna blikt de voorzitter van de G40 vooruit "
                "op de opgaven van de steden en het programma."
            ),
        },
    ]
    pillar_size = Counter()
    for group in groups:
        if group.get("pillar"):
            pillar_size[group["pillar"]] += members[group["id"]]
    pillars = sorted(network["pillars"], key=lambda p: (-pillar_size[p["id"]], p["id"]))
    for pillar, room in zip(pillars, (hall, *rooms), strict=False):
        sessions.append(
            {
                "id": f"pijler-{pillar['id']}",
                "kind": "pillar-meeting",
                "title": f"Pijlerbijeenkomst {pillar['name']}",
                "block": "ronde-1",
                "room": room.id,
                "pillar": pillar["id"],
                "audience": [{"pillars": [pillar["id"]]}],
                "description": f"Bestuurlijke bijeenkomst van de pijler {pillar['name']}.",
            }
        )
    sessions.append(
        {
            "id": "ruimte-netwerken",
            "kind": "networking",
            "title": "Ruimte om te netwerken",
            "block": "ronde-1",
            "room": rooms[len(pillars) - 1].id,
            "audience": [{}],
            "description": "Een ruimte om elkaar informeel te spreken.",
        }
    )
    for block in range(3):
        ordered = sorted(per_round[block], key=lambda g: (-members[g["id"]], g["id"]))
        if len(ordered) > len(spec.rooms):
            raise ValueError(f"{spec.host}: {len(ordered)} theme groups in a round, {len(spec.rooms)} rooms")
        for group, room in zip(ordered, spec.rooms, strict=False):
            audience: list[dict[str, Any]] = [{"groups": [group["id"]]}]
            if group["id"] == "veiligheid":
                audience.append({"roles": ["burgemeester"]})  # the theme group for mayors
            session: dict[str, Any] = {
                "id": f"thema-{group['id']}",
                "kind": "theme-group-meeting",
                "title": group["name"],
                "block": ROUNDS[block + 1],
                "room": room.id,
                "group": group["id"],
            }
            if group.get("pillar"):
                session["pillar"] = group["pillar"]
            session["audience"] = audience
            session["description"] = rng.choice(AGENDAS)
            sessions.append(session)
        if block == 0:
            sessions.append(_lunch(spec))
            if spec.board_at_lunch:
                sessions.append(_board())
    sessions.append(
        {
            "id": "borrel-afsluiting",
            "kind": "social",
            "title": "Borrel",
            "block": "borrel",
            "venue_wide": True,
            "audience": [{}],
        }
    )
    return {
        "slug": f"g40-{spec.host}-{spec.day.year}",
        "title": "Bestuurlijke netwerkdag",
        "subtitle": f"De G40 te gast in {city_name}",
        "date": spec.day,
        "timezone": "Europe/Amsterdam",
        "language": "nl",
        "host": spec.host,
        "venue": {"name": f"Stadhuis {city_name}", "city": city_name},
        "introduction": _paragraphs(
            f"Gemeente {city_name} ontvangt de G40 voor een bestuurlijke netwerkdag, met de pijlers en de "
            "themagroepen en tijd om elkaar te ontmoeten.",
            "Deze dag is verzonnen voor de demo van netwerkdag: programma, aanwezigen en evaluaties zijn "
            "gegenereerd.",
        ),
        "rooms": [
            {
                "id": r.id,
                "name": r.name,
                **({"label": f"{spec.hall_label}/{r.name}"} if r is hall else {}),
                "capacity": r.capacity,
                **({"features": ["plenary"]} if r is hall else {}),
            }
            for r in spec.rooms
        ],
        "blocks": _blocks(spec),
        "theme_groups": [{"group": g, "status": "not-meeting", "note": "Vergadert niet."} for g in resting],
        "sessions": sessions,
    }


def _paragraphs(*texts: str) -> str:
    """Paragraphs of text wrapped as a person would write them in an event file."""
    return "\n\n".join(textwrap.fill(text, 100) for text in texts) + "\n"


def _lunch(spec: DaySpec) -> dict[str, Any]:
    lunch: dict[str, Any] = {
        "id": "lunch-gezamenlijk",
        "kind": "meal",
        "title": "Lunch",
        "block": "lunch",
        "venue_wide": True,
        "audience": [{}],
    }
    if spec.board_at_lunch:
        lunch["combined_with"] = ["algemeen-bestuur"]
    return lunch


def _board() -> dict[str, Any]:
    return {
        "id": "algemeen-bestuur",
        "kind": "board-meeting",
        "title": "Vergadering AB",
        "subtitle": "De AB-bijeenkomst staat open voor alle deelnemers",
        "block": "lunch",
        "venue_wide": True,
        "audience": [{}],
        "description": "Tijdens de lunch bespreekt het algemeen bestuur de agenda van het netwerk.",
    }


# --- who came -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayResult:
    slug: str
    day: date
    registered: dict[str, list[str]]  # person -> sessions, in programme order
    present: list[str]  # in network order
    feedback: list[tuple[str, str, int, str, str]]  # person, session, score, comment, next theme


def _attendees(network: dict[str, Any], population: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who may come to a day, in network order: the generated administrators, and the administrators of
    member cities whom network.yaml names."""
    members = {o["id"] for o in network["organisations"] if o.get("member")}
    named = [
        p
        for p in network["people"]
        if p.get("organisation") in members and p["role"] in ("burgemeester", "wethouder")
    ]
    return [*named, *population]


def _pillars_of(person: dict[str, Any], network: dict[str, Any]) -> list[str]:
    """The pillars a person belongs to: those of their theme groups, and those they chair."""
    pillar_of = {g["id"]: g.get("pillar") for g in network["groups"]}
    found = [pillar_of[g] for g in person.get("groups", []) if pillar_of.get(g)]
    for pillar in network["pillars"]:
        if person["id"] == pillar.get("chair") or person["id"] in pillar.get("vice_chairs", []):
            found.append(pillar["id"])
    return sorted(set(found), key=found.index)


def _attend(
    event: dict[str, Any],
    network: dict[str, Any],
    people: list[dict[str, Any]],
    absent_often: set[str],
    rng: random.Random,
) -> DayResult:
    day: date = event["date"]
    capacity = {r["id"]: r["capacity"] for r in event["rooms"]}
    sessions = event["sessions"]
    order = {s["id"]: n for n, s in enumerate(sessions)}
    by_round = {r: [s for s in sessions if s["block"] == r and s["kind"] != "networking"] for r in ROUNDS}
    parts = [s["id"] for s in sessions if s["block"] in ("lunch", "borrel")]
    taken: Counter[str] = Counter()
    turnout = rng.uniform(0.66, 0.8)

    coming = []
    for city in (o["id"] for o in network["organisations"] if o.get("member")):
        joined = JOINED.get(city)
        if joined is not None and day < joined:
            continue
        chance = OFTEN_ABSENT_PRESENT if city in absent_often else CITY_PRESENT
        if city == event["host"]:
            chance = 1.0
        if rng.random() < chance:
            coming.append(city)
    registered: dict[str, list[str]] = {}
    candidates = [p for p in people if p["organisation"] in coming and rng.random() < turnout]
    rng.shuffle(candidates)  # who registers first gets the seat
    for person in candidates:
        chosen: list[str] = []
        groups = set(person.get("groups", []))
        pillars = _pillars_of(person, network)
        for round_id in ROUNDS:
            offered = [s for s in by_round[round_id] if taken[s["id"]] < capacity[s["room"]]]
            own = [s for s in offered if s.get("group") in groups or s.get("pillar") in pillars]
            if round_id == "ronde-1":  # pillar meetings: one's own, or the networking room
                own = [s for s in offered if s.get("pillar") in pillars]
            if own and rng.random() < 0.85:
                pick = rng.choice(own)
            elif offered and rng.random() < 0.45:
                pick = rng.choice(offered)
            else:
                continue
            taken[pick["id"]] += 1
            chosen.append(pick["id"])
        for part in parts:
            chance = 0.9 if part.startswith("lunch") else 0.55
            if rng.random() < chance:
                chosen.append(part)
        if not chosen:
            chosen.append(parts[0])  # everyone registered chose something: lunch at least
        registered[person["id"]] = sorted(chosen, key=order.__getitem__)
    share = rng.uniform(*NO_SHOWS)
    no_shows = set(rng.sample(sorted(registered), round(len(registered) * share)))
    present = [p["id"] for p in people if p["id"] in registered and p["id"] not in no_shows]
    feedback = _feedback(event, network, present, registered, rng)
    return DayResult(event["slug"], day, registered, present, feedback)


def _feedback(
    event: dict[str, Any],
    network: dict[str, Any],
    present: list[str],
    registered: dict[str, list[str]],
    rng: random.Random,
) -> list[tuple[str, str, int, str, str]]:
    """The evaluations of some of the people present: the day, and some of the sessions they attended."""
    named = {p["id"] for p in network["people"]}  # real officials: no words put in their mouths
    rated = {s["id"] for s in event["sessions"] if s["kind"] in RATED_KINDS}
    rows = []
    for person in present:
        if person in named or rng.random() >= RESPONDENTS:
            continue
        score = rng.choices(range(1, 6), SCORE_WEIGHTS)[0]
        comment = rng.choice(DAY_COMMENTS[_band(score)]) if rng.random() < 0.45 else ""
        theme = rng.choice(NEXT_THEMES) if rng.random() < 0.15 else ""
        rows.append((person, "", score, comment, theme))
        for session in [PLENARY, *registered[person]]:
            if session not in rated or rng.random() >= 0.6:
                continue
            score = rng.choices(range(1, 6), SCORE_WEIGHTS)[0]
            comment = rng.choice(SESSION_COMMENTS[_band(score)]) if rng.random() < 0.3 else ""
            rows.append((person, session, score, comment, ""))
    return rows


# --- writing ------------------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """YAML as people write event files: a text of several lines as a literal block."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def _csv(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _header(seed: int, what: str) -> str:
    return f"# Generated by {COMMAND} --seed {seed}; do not edit by hand.\n# {what}\n"


def generate(folder: Path, seed: int) -> dict[str, str]:
    """Every file of FOLDER/history by name, as text. Reads the network's files only."""
    network_text = (folder / "network.yaml").read_text("utf-8")
    population_text = (folder / "population.yaml").read_text("utf-8")
    network = yaml.safe_load(network_text)
    population = yaml.safe_load(population_text)["people"]
    rng = random.Random(seed)
    cities = sorted(o["id"] for o in network["organisations"] if o.get("member"))
    hosts = {spec.host for spec in DAYS}
    absent_often = set(rng.sample([c for c in cities if c not in hosts and c != "haarlem"], OFTEN_ABSENT))
    people = _attendees(network, population)

    files: dict[str, str] = {}
    results = []
    for spec in DAYS:
        event = _programme(spec, network, population, rng)
        text = yaml.dump(
            {"network": "network.yaml", "event": event},
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            width=110,
            default_flow_style=None,
        )
        what = f"A fictional earlier network day of the G40, in {event['venue']['city']}, for the demo."
        files[f"{event['slug']}.yaml"] = _header(seed, what) + text
        results.append((event, _attend(event, network, people, absent_often, rng)))
    copied = "A copy of ../{0}: an event file may only name a network inside its own folder."
    files["network.yaml"] = _header(seed, copied.format("network.yaml")) + network_text
    files["population.yaml"] = _header(seed, copied.format("population.yaml")) + population_text

    registrations, attendance, feedback = [], [], []
    for _, result in results:
        for person in (p["id"] for p in people if p["id"] in result.registered):
            registrations += [(result.slug, person, s) for s in result.registered[person]]
        for person in result.present:
            attendance += [(result.slug, person, s) for s in ["", PLENARY, *result.registered[person]]]
        feedback += [(result.slug, *row) for row in result.feedback]
    files["registrations.csv"] = _csv(("event", "person", "session"), registrations)
    files["attendance.csv"] = _csv(("event", "person", "session"), attendance)
    files["feedback.csv"] = _csv(("event", "person", "session", "score", "comment", "next_theme"), feedback)
    files["README.md"] = _readme(seed, results, sorted(absent_often), network)
    return files


def _readme(
    seed: int,
    results: list[tuple[dict[str, Any], DayResult]],
    absent_often: list[str],
    network: dict[str, Any],
) -> str:
    names = {o["id"]: o.get("short_name", o["name"]) for o in network["organisations"]}
    lines = [
        f"<!-- Generated by tools/make_demo_history.py --seed {seed}; do not edit by hand. -->",
        "# Four earlier G40 network days (fictional)",
        "",
        "The demo's history: four network days of the G40 before Haarlem (10 February 2023), so that",
        "the reach pages show trends from the first run of `make demo`. **Everything here is made up**:",
        "the days, their programmes and venues, who registered, who came, and what they said afterwards.",
        f"It is generated by `{COMMAND} examples/g40-haarlem-2023 --seed {seed}`; the same seed gives the",
        "same bytes, and `tests/tools/test_make_demo_history.py` holds the committed files to that.",
        "",
        "| day | host | registered | present | no-shows | evaluations |",
        "|---|---|---|---|---|---|",
    ]
    for event, result in results:
        respondents = len({row[0] for row in result.feedback})
        lines.append(
            f"| {result.day.isoformat()} `{result.slug}` | {names[event['host']]} | {len(result.registered)} "
            f"| {len(result.present)} | {len(result.registered) - len(result.present)} | {respondents} |"
        )
    lines += [
        "",
        "- `g40-*.yaml`: the days' event files, beside copies of `network.yaml` and `population.yaml` (an",
        "  event file may only name a network in its own folder). `netwerkdag validate` and",
        "  `netwerkdag check` pass on each.",
        "- `registrations.csv`, `attendance.csv` (`event,person,session`; an empty session means present",
        "  at the day), `feedback.csv` (`event,person,session,score,comment,next_theme`; an empty session",
        "  is the day as a whole). Present people attended the plenary and the sessions they registered",
        "  for: what the web app knows of a day (check-ins and registrations), so the files and the demo's",
        "  database give the same reach. No room has more registrations than seats.",
        "- Cities that often stay away (each comes to a day with a chance of "
        f"{OFTEN_ABSENT_PRESENT:.0%}, the others {CITY_PRESENT:.0%}):",
        "  " + ", ".join(names[c] for c in absent_often) + ".",
        "  Amstelveen joined the G40 on 1 July 2022 and comes only after that.",
        "- Only the network's people appear, almost all of them the fictional population. Of the officials",
        "  `network.yaml` names, the administrators of member cities attend in their offices, and never give",
        "  feedback; its guests, speakers and contact persons do not come.",
        "",
        "`netwerkdag demo` loads these days (`netwerkdag.web.services.history.load_history`) before the",
        "Haarlem day.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder holding network.yaml and population.yaml")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    target = args.folder / "history"
    target.mkdir(exist_ok=True)
    for name, text in generate(args.folder, args.seed).items():
        (target / name).write_text(text, "utf-8", newline="\n")
    print(f"{target}: {len(DAYS)} days")


if __name__ == "__main__":
    main()
