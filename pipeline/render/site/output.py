"""The site folder on disk: numbered builds made of content-named chunks, each with its manifest,
written incrementally, switched in atomically, pruned, and rolled back.

A build is a folder `builds/NNNNNN/` that a web server can serve as it is. Files at the top two
levels (the home page, feeds, /stations/index.html …) are in it directly; every deeper folder
(/2026/11/, /stations/qiaotou/, /page/3/, /media/ab/ …) is a symbolic link to an immutable chunk
folder `chunks/<fingerprint>/` named by what is in it. A build only makes the chunks whose
content changed (linking their unchanged files from the chunk they replace), so publishing one
story costs a few folders, not a copy of the whole site; and the live site still switches from one
complete build to the next in one rename. Every output has a fingerprint of what it shows, so a
full rebuild and an incremental one produce the same tree."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import words
from pipeline.fsutil import (
    TEMPORARY_PREFIX,
    atomic_symlink,
    atomic_write,
    finish_folder,
    temporary_folder,
)
from pipeline.live import LiveStory
from pipeline.render.site.model import Output, SiteModel

KEEP_BUILDS = 5


@dataclass
class BuildResult:
    build: str
    written: list[str]
    removed: list[str]
    total: int
    seconds: float = 0.0
    left_out: dict[int, str] = field(default_factory=dict)  # story id → why its page or entry failed


class SiteOutput:
    """The site folder: `builds/`, `chunks/`, the `live` link, the image cache."""

    def __init__(self, root: Path):
        self.root = root
        self.builds = root / "builds"
        self.chunks = root / "chunks"
        self.live = root / "live"
        self.image_cache = root / "image-cache"

    def current(self) -> Path | None:
        return self.live.resolve() if self.live.is_symlink() and self.live.resolve().is_dir() else None

    def history(self) -> list[Path]:
        """Complete builds only: a build gets its number (and its manifest) when it is finished."""
        if not self.builds.is_dir():
            return []
        return sorted(p for p in self.builds.iterdir() if p.is_dir() and p.name.isdigit() and self.manifest(p).exists())

    def manifest(self, build: Path) -> Path:
        """What a build holds, kept beside it (not inside: the build is what the web server serves)."""
        return build.with_name(build.name + ".json")

    def new_build_dir(self) -> Path:
        """A folder to build in, under a temporary name until `finish`."""
        return temporary_folder(self.builds, "build")

    def finish(self, made: Path, manifest: dict[str, Any]) -> Path:
        """Give a complete build its number and its manifest."""
        history = self.history()
        number = int(history[-1].name) + 1 if history else 1
        build = self.builds / f"{number:06d}"
        finish_folder(made, build)  # replaces a build a crash left between the rename and the manifest
        atomic_write(self.manifest(build), json.dumps(manifest, sort_keys=True).encode("utf-8"))
        return build

    def switch(self, build: Path) -> None:
        """Point `live` at the build in one atomic rename."""
        atomic_symlink(self.live, os.path.relpath(build, self.root))

    def prune(self, keep: int = KEEP_BUILDS) -> None:
        """Drop old builds, builds and chunks a crash left half made, and chunks no kept build uses.
        Only ever called under the publish lock, so nothing else is building meanwhile."""
        current = self.current()
        trash = self.root / "trash"
        trash.mkdir(exist_ok=True)
        for old in self.history()[:-keep]:
            if old != current:
                self.manifest(old).unlink(missing_ok=True)
                os.replace(old, trash / f"build-{uuid.uuid4().hex[:12]}")
        if self.builds.is_dir():
            for leftover in self.builds.iterdir():
                if leftover.name.startswith(TEMPORARY_PREFIX) or (leftover.is_dir() and not self.manifest(leftover).exists()):
                    os.replace(leftover, trash / f"leftover-{uuid.uuid4().hex[:12]}")
        used = set()
        for build in self.history():
            used.update(json.loads(self.manifest(build).read_text(encoding="utf-8")).get("chunks", {}).values())
        if self.chunks.is_dir():
            for chunk in self.chunks.iterdir():
                if chunk.name not in used:
                    os.replace(chunk, trash / f"chunk-{uuid.uuid4().hex[:12]}")
        self.empty_trash()

    def empty_trash(self) -> None:
        """Delete unused chunks in a process of its own: a build does not wait for thousands of
        unlinks (they were moved out of the way with one rename each)."""
        trash = self.root / "trash"
        if trash.is_dir() and any(trash.iterdir()):
            subprocess.Popen([sys.executable, "-c", "import shutil, sys\nfor p in sys.argv[1:]: shutil.rmtree(p, True)",
                              *map(str, trash.iterdir())], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def rollback(self) -> Path:
        """Point `live` at the newest complete build before the current one whose chunks are all there."""
        current, history = self.current(), self.history()
        earlier = [build for build in history if current is None or build.name < current.name]
        for build in reversed(earlier):
            broken = [link for link in build.rglob("*") if link.is_symlink() and not link.exists()]
            if not broken:
                self.switch(build)
                return build
        raise LookupError(words.site.no_earlier_build())


def chunk_of(path: str) -> str | None:
    """The depth-two folder a file lives in (`/2026/11/12-x/index.html` → `2026/11`), or None for
    the files kept directly in a build."""
    parts = path.strip("/").split("/")
    return "/".join(parts[:2]) if len(parts) >= 3 else None


def write_build(output: SiteOutput, plan: dict[str, Output], model: SiteModel, full: bool) -> BuildResult:
    """Write the planned files into a new numbered build: unchanged files are linked from the
    previous build (none with `full`), chunks whose content did not change are reused whole."""
    previous = None if full else output.current()
    before: dict[str, Any] = {"files": {}, "chunks": {}}
    if previous is not None and output.manifest(previous).exists():
        before = json.loads(output.manifest(previous).read_text(encoding="utf-8"))
    target = output.new_build_dir()
    groups: dict[str | None, list[str]] = {}
    for path in plan:
        groups.setdefault(chunk_of(path), []).append(path)
    to_render: list[tuple[str, Path]] = []
    chunks: dict[str, str] = {}
    finished: list[tuple[Path, Path]] = []  # chunk folders made under a temporary name
    for chunk, paths in sorted(groups.items(), key=lambda item: item[0] or ""):
        if chunk is None:
            for path in paths:
                old_file = previous / path.lstrip("/") if previous is not None else None
                to_render += _place(plan, path, target / path.lstrip("/"), old_file, before)
            continue
        name = hashlib.sha256(json.dumps(sorted((p, plan[p].fingerprint) for p in paths)).encode()).hexdigest()[:24]
        if full:  # everything made anew, even where an identical chunk exists
            name += f"-{target.name}"
        elif before["chunks"].get(chunk, "").split("-")[0] == name:
            name = before["chunks"][chunk]  # unchanged since a full build made it under its own name
        chunks[chunk] = name
        folder = output.chunks / name
        if not folder.exists():
            made = temporary_folder(output.chunks, name)
            old = output.chunks / before["chunks"][chunk] if chunk in before["chunks"] else None
            for path in paths:
                inside_chunk = path.lstrip("/")[len(chunk) + 1:]
                to_render += _place(plan, path, made / inside_chunk, old / inside_chunk if old else None, before)
            finished.append((made, folder))
        link = target / chunk
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(folder, link.parent))
    _render_all(model, plan, to_render)
    for made, folder in finished:
        finish_folder(made, folder)
    removed = sorted(path for path in before["files"] if path not in plan)
    files = {path: item.fingerprint for path, item in plan.items()}
    build = output.finish(target, {"files": files, "chunks": chunks})
    return BuildResult(build.name, sorted(path for path, _ in to_render), removed, len(plan))


def _place(plan: dict[str, Output], path: str, destination: Path, old_file: Path | None,
           before: dict[str, Any]) -> list[tuple[str, Path]]:
    """Put one file in place by linking: the previous build's copy when its fingerprint did not
    change, or the file it is taken from (a photo's web size, a card, a package's audio). Returns [(path, destination)] when it must be made."""
    item = plan[path]
    destination.parent.mkdir(parents=True, exist_ok=True)
    if item.source is not None:  # photos, renditions, packages' audio: made elsewhere, linked
        try:
            os.link(item.source, destination)
        except OSError:  # another file system
            shutil.copyfile(item.source, destination)
        return []
    if old_file is not None and before["files"].get(path) == item.fingerprint and old_file.exists():
        os.link(old_file, destination)
        return []
    return [(path, destination)]


# --- rendering across the cores -------------------------------------------------------------------
#
# Forked workers find their work in these module globals (set before the fork); the pool calls the
# module-level functions below by name. Files are written into the build's folders, which nothing
# serves until the build is switched in, so they need no atomic write each.

_JOBS: tuple[SiteModel, dict[str, Output], list[tuple[str, Path]]] | None = None
_STORIES: list[LiveStory] = []


def _derive_range(bounds: tuple[int, int]) -> list[tuple[tuple[int, int], tuple[str, str, str]]]:
    assert _JOBS is not None
    return [((s.id, s.revision.number), _JOBS[0].derived(s)) for s in _STORIES[bounds[0]:bounds[1]]]


def _render_range(bounds: tuple[int, int]) -> int:
    assert _JOBS is not None
    _, plan, jobs = _JOBS
    for path, destination in jobs[bounds[0]:bounds[1]]:
        destination.write_bytes(plan[path].render())
    return bounds[1] - bounds[0]


def _ranges(total: int, workers: int) -> list[tuple[int, int]]:
    step = max(50, total // (workers * 8))
    return [(start, min(start + step, total)) for start in range(0, total, step)]


def _render_all(model: SiteModel, plan: dict[str, Output], jobs: list[tuple[str, Path]]) -> None:
    """Render and write the files that changed — across the cores when there are many (a full
    build). First every story's Markdown is rendered once, in parallel, and handed back; then
    forked workers, sharing the whole model, write disjoint files."""
    global _JOBS
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < 400 or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for path, destination in jobs:
            destination.write_bytes(plan[path].render())
        return
    _JOBS = (model, plan, jobs)
    _STORIES[:] = list({(s.id, s.revision.number): s for s in model.web + model.rss}.values())
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            for part in pool.map(_derive_range, _ranges(len(_STORIES), workers)):
                model.derived_texts.update(part)
        with context.Pool(workers) as pool:
            pool.map(_render_range, _ranges(len(jobs), workers))
    finally:
        _JOBS = None
        _STORIES.clear()
