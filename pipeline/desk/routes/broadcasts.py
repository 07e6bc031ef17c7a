"""Loudspeaker broadcasts: the rundown of each township's package for a day and slot, the editors'
changes to it (move, pin, drop), and asking the ledger for a new delivery of a package."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection

from pipeline import ledger, words
from pipeline.desk.auth import PostingUser, require_user
from pipeline.desk.deps import NewsroomDep, StoreDep
from pipeline.desk.pages import render_page
from pipeline.desk.routes.story import snapshot_or_404
from pipeline.locks import Busy
from pipeline.model import PackageUnit, Publication
from pipeline.render import broadcast
from pipeline.schedule import rebuild_packages
from pipeline.settings import Newsroom
from pipeline.store import Store
from pipeline.stories import Actor, record_event, rundown_edits, save_rundown_edits
from pipeline.timeutil import utcnow
from pipeline.words import channel_name, seconds_text

router = APIRouter()

EDITS = {"drop": ("drop", True), "undrop": ("drop", False), "pin": ("pin", True), "unpin": ("pin", False)}
MOVES = ("up", "down")
MOVABLE = ("story", "brief")  # opening, closing and notices keep their places


@router.get("/broadcast", response_class=HTMLResponse, dependencies=[Depends(require_user)])
def rundown_view(request: Request, newsroom: NewsroomDep, store: StoreDep, day: str = "", slot: str = "",
                 target: str = "", notice: str = "") -> HTMLResponse:
    if not newsroom.slots:
        raise HTTPException(status_code=404, detail=words.render.NO_SLOTS)
    try:
        when = datetime.fromisoformat(day).date() if day else utcnow().astimezone(newsroom.tz).date()
    except ValueError:
        raise HTTPException(status_code=400, detail=words.render.bad_day(day)) from None
    try:
        chosen = broadcast.slot_named(newsroom, slot or newsroom.slots[0].name)
        with store.read() as conn:
            found = broadcast.rundowns(conn, newsroom, when, chosen)
    except broadcast.UnknownBroadcast as exc:  # no such slot: nothing to show
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except (ValueError, broadcast.BroadcastError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    except OverflowError:  # a day at the calendar's very ends has no slot to plan around it
        raise no_rundown(day) from None
    current = next((r for r in found if r.target.id == target), None if target else found[0] if found else None)
    if target and current is None:
        raise HTTPException(status_code=404, detail=words.render.no_target_on_day(when, chosen.label, target))
    to_air = broadcast.air_time(newsroom, when, chosen) > utcnow()
    built = {r.target.id: _built(store, newsroom, r, to_air) for r in found}
    rundown = None
    if current is not None:
        unit = str(PackageUnit(when, chosen.name, current.target.id))
        rundown = {"unit": unit, "target": current.target.name, "title": broadcast.unit_label(newsroom, unit),
                   "seconds": current.seconds, "budget": current.budget,
                   "share": min(100, round(current.seconds / current.budget * 100)),
                   "parts": [{"kind": p.kind, "ref": p.ref, "title": p.title, "seconds": round(p.seconds),
                              "repeat": p.repeat, "movable": p.kind in MOVABLE} for p in current.parts],
                   "left_out": [{"ref": r, "title": ti, "reason": why, "dropped": why == words.render.DROPPED_BY_EDITOR}
                                for r, ti, why in current.left_out],
                   "built": built[current.target.id]}
    return render_page(request, "broadcast.html", day=when.isoformat(), slot=chosen.name, slots=newsroom.slots,
                       targets=[{"id": r.target.id, "name": r.target.name, "seconds": r.seconds, "budget": r.budget,
                                 "built": built[r.target.id]} for r in found],
                       target=current.target.id if current else "", rundown=rundown, notice=notice,
                       part_labels=words.render.PART_LABELS, stale_mark=words.render.STALE)


@router.post("/broadcast/edit")
def rundown_edit(user: PostingUser, newsroom: NewsroomDep, store: StoreDep, unit: str = Form(""),
                 ref: str = Form(""), op: str = Form("")) -> Response:
    """One change by an editor to a package's rundown, kept for the package's unit."""
    try:
        package = PackageUnit.parse(unit)
    except ValueError:
        package = None
    if package is None or not ref.isdigit() or op not in (*EDITS, *MOVES):
        raise HTTPException(status_code=400, detail=words.render.UNKNOWN_EDIT)
    now = utcnow()
    with store.begin() as conn:
        snapshot_or_404(conn, int(ref))  # an edit names a story: a missing one is not recorded
        refs = [p.ref for p in _rundown(conn, newsroom, package).parts if p.kind in MOVABLE]
        save_rundown_edits(conn, str(package), edited(rundown_edits(conn, str(package)), op, ref, refs), user.name, now)
        record_event(conn, now, Actor(user.name, user.role), "rundown-edit", int(ref), note=f"{package} {op}",
                     data={"unit": str(package), "op": op})
    return RedirectResponse(_view(package), status_code=303)


@router.post("/broadcast/build")
def rebuild_package(user: PostingUser, newsroom: NewsroomDep, store: StoreDep, unit: str = Form("")) -> Response:
    """A new delivery of the package through the ledger, like any other: its row goes back to
    pending, due now, and a publish pass delivers it at once (that row alone) unless a pass is
    running already (then the next pass builds it). A package whose air time has passed is not built."""
    try:
        package = PackageUnit.parse(unit)
    except ValueError:
        raise HTTPException(status_code=400, detail=words.render.not_a_package(unit)) from None
    channels = newsroom.channels_of_kind("loudspeaker")
    if not channels:
        raise HTTPException(status_code=400, detail=words.render.NO_LOUDSPEAKER)
    now = utcnow()
    with store.begin() as conn:
        rundown = _rundown(conn, newsroom, package)
        if broadcast.air_time(newsroom, package.day, rundown.slot) <= now:
            raise HTTPException(status_code=400, detail=words.render.aired_already(broadcast.unit_label(newsroom, str(package))))
        record_event(conn, now, Actor(user.name, user.role), "package-rebuild", None, note=str(package),
                     data={"unit": str(package), "channels": channels})
    busy = RedirectResponse(_view(package, words.render.PACKAGE_BUILDING), status_code=303)
    try:
        rows = rebuild_packages(newsroom, store, [package])
    except ledger.LedgerBusy:
        return busy
    except Busy:  # another pass is publishing: it (or the next one) delivers the package
        try:
            with store.begin() as conn:
                for channel in channels:
                    ledger.redeliver_unit(conn, channel, str(package), now)
        except ledger.LedgerBusy:
            return busy
        return RedirectResponse(_view(package, words.render.PACKAGE_QUEUED_BUSY), status_code=303)
    outcomes = [_outcome(row) for row in rows]
    if len(channels) > 1:
        outcomes = [f"{channel_name(channel, 'loudspeaker')}：{outcome}"
                    for channel, outcome in zip(channels, outcomes, strict=True)]
    return RedirectResponse(_view(package, "；".join(outcomes)), status_code=303)


def edited(edits: dict[str, list[str]], op: str, ref: str, refs: list[str]) -> dict[str, list[str]]:
    """The editors' choices after one more: `refs` are the movable items in their present order;
    a move swaps `ref` with its neighbour and fixes the whole order, pinned items keeping their
    places relative to the others; drop, pin and their undoing add or take out `ref`."""
    data = {key: list(value) for key, value in edits.items()}
    if op in MOVES:
        refs = list(refs)
        if ref in refs:
            i = refs.index(ref)
            j = max(0, i - 1) if op == "up" else min(len(refs) - 1, i + 1)
            refs[i], refs[j] = refs[j], refs[i]
        data["order"] = refs
        data["pin"] = [r for r in refs if r in data["pin"]]
    else:
        key, add = EDITS[op]
        data[key] = [r for r in data[key] if r != ref] + ([ref] if add else [])
    return data


def _rundown(conn: Connection, newsroom: Newsroom, package: PackageUnit) -> broadcast.Rundown:
    """The package's rundown as it stands; an unknown slot or township, or a day no broadcast can
    have, is a 404."""
    try:
        return broadcast.rundowns(conn, newsroom, package.day, broadcast.slot_named(newsroom, package.slot),
                                  package.target)[0]
    except broadcast.UnknownBroadcast as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    except broadcast.BroadcastError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    except OverflowError:
        raise no_rundown(package.day.isoformat()) from None


def no_rundown(day: str) -> HTTPException:
    return HTTPException(status_code=404, detail=words.render.no_rundown(day))


def _built(store: Store, newsroom: Newsroom, rundown: broadcast.Rundown, to_air: bool) -> dict[str, Any] | None:
    """The package the ledger delivered for the rundown's unit (on the first loudspeaker-kind
    channel, whose settings the page plans with): its manifest, and for a slot still to air whether
    it is out of date (the rundown changed since it was built) and why; None when none was built."""
    channels = newsroom.channels_of_kind("loudspeaker")
    if not channels:
        return None
    with store.read() as conn:
        row = ledger.unit_row(conn, channels[0], rundown.unit)
    package = broadcast.delivered_package(newsroom, row) if row is not None else None
    if row is None or package is None:
        return None
    fresh = broadcast.freshness(rundown, package.manifest, row.output_hash)
    stale = to_air and fresh.stale
    return {**package.manifest, "stale": stale, "stale_note": fresh.note if stale else "",
            "length": seconds_text(package.manifest["seconds"])}


def _outcome(row: Publication) -> str:
    """What became of the package's delivery in the publish pass, for the editor."""
    if row.state == "done" and row.receipt:
        return words.render.package_built(row.receipt.get("seconds", 0))
    if row.state == "failed":
        return words.render.package_failed(row.last_error or "")
    if row.state == "cancelled":
        return words.render.package_cancelled(row.last_error or "")
    if row.last_error:
        return words.render.package_retrying(row.last_error)
    return words.render.PACKAGE_QUEUED


def _view(package: PackageUnit, notice: str = "") -> str:
    query = {"day": package.day.isoformat(), "slot": package.slot, "target": package.target}
    return "/broadcast?" + urlencode({**query, "notice": notice} if notice else query)
