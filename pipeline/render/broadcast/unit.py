"""Who a package is for and which package it is: the townships and villages that get one, and a
package's identity (date, slot, target) as the ledger's `PackageUnit`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from pipeline import words
from pipeline.model import PackageUnit, Slot
from pipeline.settings import Newsroom


class BroadcastError(ValueError):
    """A broadcast that cannot be built as asked (unknown slot or township, bad notice file)."""


class UnknownBroadcast(BroadcastError):
    """The slot or township asked for does not exist."""


@dataclass(frozen=True)
class Target:
    """A township (its 文明实践所) or a village with local notices: one package per slot."""

    id: str
    name: str
    kind: str  # township | village
    township_id: str
    station_ids: frozenset[str]  # stories from these stations are local news here


def townships(newsroom: Newsroom) -> list[Target]:
    targets = []
    for station in sorted(newsroom.stations.values(), key=lambda s: s.id):
        if station.level == "institute":
            members = frozenset(newsroom.descendants(station.id))
            targets.append(Target(station.id, station.township or station.name, "township", station.id, members))
    return targets


def targets_for(newsroom: Newsroom, noticed: Iterable[str]) -> list[Target]:
    """Every township, and every village among `noticed` (the stations notices are addressed to):
    a village with a notice of its own gets its own package."""
    found = townships(newsroom)
    by_station = {t.id: t for t in found}
    for village_id in sorted(set(noticed) - set(by_station)):
        station = newsroom.stations.get(village_id)
        if station is None:
            continue
        township = next((t for t in found if village_id in t.station_ids), None)
        if township is None:
            continue
        found.append(Target(village_id, station.village or station.name, "village", township.id, township.station_ids))
    return found


def slot_named(newsroom: Newsroom, name: str) -> Slot:
    """The slot whose id is `name` or, as people also type it, whose title is (`evening`, `晚间`)."""
    wanted = name.strip()
    for slot in newsroom.slots:
        if slot.name == wanted.lower():
            return slot
    for slot in newsroom.slots:
        if wanted and wanted in (slot.title, slot.label):
            return slot
    raise UnknownBroadcast(words.render.unknown_slot(name, [(s.name, s.label) for s in newsroom.slots]))


def air_time(newsroom: Newsroom, day: date, slot: Slot) -> datetime:
    return datetime.combine(day, slot.start, tzinfo=newsroom.tz)


def parse_unit(newsroom: Newsroom, unit: str) -> tuple[PackageUnit, Slot]:
    """The package `unit` names, with its slot; BroadcastError when it names none."""
    try:
        parsed = PackageUnit.parse(unit)
    except ValueError:
        raise BroadcastError(words.render.not_a_package(unit)) from None
    return parsed, slot_named(newsroom, parsed.slot)


def target_name(newsroom: Newsroom, target_id: str) -> str:
    """A package's target as people read it: the township's (or village's) name, else the id."""
    station = newsroom.stations.get(target_id)
    if station is None:
        return target_id
    return (station.township if station.level == "institute" else station.village) or station.name


def unit_label(newsroom: Newsroom, unit: str) -> str:
    """A package unit as people read it (`12月8日 晚间 · 柳溪镇`); a unit that names no package is
    shown as it is."""
    try:
        package = PackageUnit.parse(unit)
    except ValueError:
        return unit
    slot = next((s for s in newsroom.slots if s.name == package.slot), None)
    label = slot.label if slot is not None else Slot(package.slot, time(), 0).label
    return words.render.package_name(package.day, label, target_name(newsroom, package.target))
