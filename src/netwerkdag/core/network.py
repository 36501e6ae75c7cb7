"""The network: member organisations, pillars, theme groups and the people in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class OrganisationKind(StrEnum):
    MUNICIPALITY = "municipality"
    MINISTRY = "ministry"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Organisation:
    """A body that sends people: a member municipality, a ministry, an association or institute."""

    id: str
    name: str
    kind: OrganisationKind = OrganisationKind.MUNICIPALITY
    province: str | None = None
    member: bool = False
    short_name: str | None = None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True, slots=True)
class Pillar:
    """One of the network's pillars (Sociaal, Fysiek, Economie en Werk), with its chair and vice-chairs."""

    id: str
    name: str
    chair: str | None = None
    vice_chairs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ThemeGroup:
    """A theme group (themagroep). `pillar` is None for groups outside the pillars; `also_pillars` lists
    further pillars a group sits between (Wonen, Welzijn en Zorg sits between Sociaal and Fysiek)."""

    id: str
    name: str
    pillar: str | None = None
    also_pillars: tuple[str, ...] = ()
    chair: str | None = None
    portfolios: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who can chair, speak, be invited or attend.

    `role` is the office (burgemeester, wethouder, staatssecretaris, directeur ...); `function` an optional
    longer description ("directeur regio en ruimte"); `portfolios` are topic keywords; `groups` the theme
    groups the person is a member of.
    """

    id: str
    name: str
    role: str
    organisation: str | None = None
    function: str | None = None
    portfolios: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Network:
    """A city network such as the G40, with lookups by id."""

    id: str
    name: str
    organisations: tuple[Organisation, ...] = ()
    pillars: tuple[Pillar, ...] = ()
    groups: tuple[ThemeGroup, ...] = ()
    people: tuple[Person, ...] = ()
    _organisations: Mapping[str, Organisation] = field(init=False, repr=False, compare=False)
    _pillars: Mapping[str, Pillar] = field(init=False, repr=False, compare=False)
    _groups: Mapping[str, ThemeGroup] = field(init=False, repr=False, compare=False)
    _people: Mapping[str, Person] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, items in (
            ("_organisations", self.organisations),
            ("_pillars", self.pillars),
            ("_groups", self.groups),
            ("_people", self.people),
        ):
            object.__setattr__(self, name, MappingProxyType({item.id: item for item in items}))

    def organisation(self, id: str) -> Organisation:
        return self._organisations[id]

    def pillar(self, id: str) -> Pillar:
        return self._pillars[id]

    def group(self, id: str) -> ThemeGroup:
        return self._groups[id]

    def person(self, id: str) -> Person:
        return self._people[id]

    def has_organisation(self, id: str) -> bool:
        return id in self._organisations

    def has_pillar(self, id: str) -> bool:
        return id in self._pillars

    def has_group(self, id: str) -> bool:
        return id in self._groups

    def has_person(self, id: str) -> bool:
        return id in self._people

    def pillars_of(self, person: Person) -> frozenset[str]:
        """The pillars a person belongs to: those of their theme groups (a group between two pillars
        counts for both) and those they chair or vice-chair."""
        pillars: set[str] = set()
        for group_id in person.groups:
            if group_id in self._groups:
                group = self._groups[group_id]
                pillars.update(p for p in (group.pillar, *group.also_pillars) if p is not None)
        pillars.update(p.id for p in self.pillars if person.id == p.chair or person.id in p.vice_chairs)
        return frozenset(pillars)
