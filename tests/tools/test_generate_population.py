"""The population generator is deterministic, its committed output is what it generates, and every person
it makes fits the network: a known member city, known theme groups reached through their portfolios."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = ROOT / "examples" / "g40-haarlem-2023"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_population", ROOT / "tools" / "generate_population.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NETWORK = yaml.safe_load((EXAMPLE / "network.yaml").read_text("utf-8"))


def test_population_committed_file_is_the_generators_output() -> None:
    committed = yaml.safe_load((EXAMPLE / "population.yaml").read_text("utf-8"))["people"]

    assert load_generator().generate(NETWORK, 2023) == committed


def test_population_has_a_mayor_and_four_to_seven_aldermen_per_member_city() -> None:
    # The officials network.yaml names (host, chairs) hold their offices; the generator adds the rest.
    people = [*load_generator().generate(NETWORK, 2023), *NETWORK["people"]]
    members = {o["id"] for o in NETWORK["organisations"] if o.get("member")}
    mayors = Counter(p["organisation"] for p in people if p["role"] == "burgemeester")
    aldermen = Counter(p["organisation"] for p in people if p["role"] == "wethouder")

    assert set(mayors) == members
    assert set(mayors.values()) == {1}
    assert set(aldermen) == members
    assert min(aldermen.values()) >= 4
    assert max(aldermen.values()) <= 7


def test_population_groups_follow_from_portfolios() -> None:
    people = load_generator().generate(NETWORK, 2023)
    keywords = {g["id"]: set(g.get("portfolios", [])) for g in NETWORK["groups"]}

    for person in people:
        expected = [gid for gid, words in keywords.items() if words.intersection(person["portfolios"])]
        assert person["groups"] == expected, person["id"]
    assert len({p["name"] for p in people}) == len(people)
    assert not any("email" in p for p in people)


def test_population_another_seed_gives_other_people() -> None:
    generator = load_generator()

    assert generator.generate(NETWORK, 1) != generator.generate(NETWORK, 2023)
