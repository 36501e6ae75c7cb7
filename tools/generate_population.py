"""Generate the administrators of the G40 example: for each member city a burgemeester and 4 to 7
wethouders with fictional Dutch names and plausible portfolios, and the theme groups those portfolios lead
to; officials that network.yaml names (the host, the pillar chairs) hold their offices and are not made
up twice. Seeded: the same seed gives the same file, so the output is committed beside the generator.

    .venv/bin/python tools/generate_population.py examples/g40-haarlem-2023 [--seed 2023]

Reads NETWORK/network.yaml (the cities and the theme groups with their portfolio keywords) and writes
NETWORK/population.yaml. Names are random combinations of common Dutch first names and surnames; any
likeness to a real person is chance. Nobody gets an e-mail address.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

import yaml

FIRST_NAMES = (
    "Anouk",
    "Bram",
    "Charlotte",
    "Daan",
    "Eline",
    "Femke",
    "Gijs",
    "Hanna",
    "Ilse",
    "Jeroen",
    "Joost",
    "Karin",
    "Lars",
    "Lieke",
    "Maarten",
    "Marloes",
    "Niels",
    "Noor",
    "Olaf",
    "Petra",
    "Quinten",
    "Renske",
    "Ruud",
    "Sanne",
    "Sven",
    "Tessa",
    "Thijs",
    "Ursula",
    "Vera",
    "Wouter",
    "Yara",
    "Zeger",
    "Annemiek",
    "Bart",
    "Dewi",
    "Esther",
    "Frank",
    "Gerda",
    "Hatice",
    "Ivo",
    "Jasper",
    "Khadija",
    "Linda",
    "Mehmet",
    "Nadia",
    "Oscar",
    "Priya",
    "Rik",
    "Sophie",
    "Tim",
    "Wendy",
    "Youssef",
    "Astrid",
    "Bas",
    "Chantal",
    "Dirk",
    "Evelien",
    "Floor",
    "Gert",
    "Hugo",
    "Inge",
    "Jorien",
    "Koen",
    "Marieke",
    "Pim",
    "Roos",
)
SURNAMES = (
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Jong",
    "van Dijk",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "Kuipers",
    "van Wijk",
    "Postma",
    "Kramer",
    "Yilmaz",
    "El Amrani",
    "Pinas",
    "Wijnands",
    "Veenstra",
    "Timmermans",
    "Groen",
    "Koning",
    "Boersma",
    "Scholten",
    "Hermans",
)

#: The domains a college of B&W divides among its wethouders, each a bundle of portfolio keywords that
#: match the theme groups' `portfolios` in network.yaml. Every city hands out every domain once.
DOMAINS: tuple[tuple[str, ...], ...] = (
    ("wonen", "woningbouw"),
    ("ruimtelijke ordening", "omgevingswet"),
    ("verstedelijking",),
    ("economie",),
    ("binnenstad",),
    ("werk en inkomen",),
    ("onderwijs",),
    ("jeugd",),
    ("wmo", "zorg"),
    ("volksgezondheid", "wonen en zorg"),
    ("participatie", "armoede", "schuldhulpverlening"),
    ("integratie", "inburgering"),
    ("duurzaamheid", "energie"),
    ("verkeer en vervoer", "mobiliteit"),
    ("financiën",),
    ("europa", "internationaal"),
)
MAYOR_PORTFOLIOS = ("openbare orde en veiligheid",)
MAYOR_EXTRAS = (("bestuurlijke samenwerking",), ("europa", "internationaal"), ())


def _slug(text: str) -> str:
    keep = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in keep.split("-") if part)


def _groups_for(portfolios: list[str], groups: list[dict[str, Any]]) -> list[str]:
    """The theme groups whose portfolio keywords the person holds, in network order."""
    held = set(portfolios)
    return [g["id"] for g in groups if held.intersection(g.get("portfolios", []))]


def generate(network: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    groups = network["groups"]
    cities = [o for o in network["organisations"] if o.get("member")]
    used_names: set[str] = {p["name"] for p in network.get("people", [])}
    people: list[dict[str, Any]] = []

    def new_name() -> str:
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            if name not in used_names:
                used_names.add(name)
                return name

    named = network.get("people", [])
    for city in cities:
        city_id = city["id"]
        mayor_portfolios = [*MAYOR_PORTFOLIOS, *rng.choice(MAYOR_EXTRAS)]
        # A mayor or wethouder whom network.yaml names (a pillar chair, the host) holds that office in
        # their city: the generator adds only the others.
        named_mayor = any(p.get("organisation") == city_id and p["role"] == "burgemeester" for p in named)
        named_wethouders = sum(p.get("organisation") == city_id and p["role"] == "wethouder" for p in named)
        if not named_mayor:
            people.append(
                {
                    "id": f"{city_id}-burgemeester",
                    "name": new_name(),
                    "role": "burgemeester",
                    "organisation": city_id,
                    "portfolios": mayor_portfolios,
                    "groups": _groups_for(mayor_portfolios, groups),
                }
            )
        count = max(3, rng.randint(4, 7) - named_wethouders)
        domains = list(DOMAINS)
        rng.shuffle(domains)
        shares: list[list[str]] = [[] for _ in range(count)]
        for index, domain in enumerate(domains):
            if domain[0] == "europa" and "europa" in mayor_portfolios:
                continue  # the mayor holds Europe in this city
            shares[index % count].extend(domain)
        for number, portfolios in enumerate(shares, start=1):
            people.append(
                {
                    "id": f"{city_id}-wethouder-{number}",
                    "name": new_name(),
                    "role": "wethouder",
                    "organisation": city_id,
                    "portfolios": portfolios,
                    "groups": _groups_for(portfolios, groups),
                }
            )
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder holding network.yaml")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    network = yaml.safe_load((args.folder / "network.yaml").read_text("utf-8"))
    people = generate(network, args.seed)
    header = (
        f"# Generated by tools/generate_population.py --seed {args.seed}; do not edit by hand.\n"
        "# Fictional administrators of the 41 member cities: names are random, portfolios plausible.\n"
    )
    body = yaml.safe_dump({"people": people}, sort_keys=False, allow_unicode=True, width=110)
    target = args.folder / "population.yaml"
    target.write_text(header + body, "utf-8")
    print(f"{target}: {len(people)} people")


if __name__ == "__main__":
    main()
