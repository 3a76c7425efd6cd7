"""Rendering into the spare: the site before last, updated in place instead of a new tree.

A build swaps its staging folder into `build/` and keeps the site it replaced as the spare
(`output_guard.swap_into_place(keep=True)`, with that site's manifest:
`incremental.hand_manifest_to_spare`). The next build takes the spare as its staging
folder (`output_guard.take_spare`) and brings it up to date, rather than hard-linking
every unchanged file of a province (over fifty thousand) into a new folder:

- a unit whose record (inputs, keys, files) is the same in the spare's manifest and in
  the last build's holds in the spare the very files of the last build (that build linked
  them from the spare): it is `held`, and is left as it is when its inputs did not change;
- every other unit's files are deleted from the spare first (`clear`), so that linking
  them from the last build, or rendering them, finds no file in the way;
- a held unit that must be rendered is `release`d first: its files are hard links to the
  last build's (the site being served), never written into, only deleted;
- files of the spare that no unit of this build claims are deleted at the end (`finish`).

A file "deleted" from the spare is moved into `TRASH`, which a process of its own deletes
after the swap; a folder left empty is removed at the end (`finish`).

The spare's files that belong to no unit (its search index) are the search stage's to
replace (`build.py`). The swap stays atomic: the spare is renamed to a staging folder
while it is changed, so a killed build leaves a staging folder, deleted by the next one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..incremental import Manifest
from . import urls

# Where the spare's files go to be deleted (`build.py` hands it to `output_guard.discard`).
TRASH = ".spare-trash"


class SpareTree:
    """The spare being updated in the folder `out_dir`: `spare` is the manifest of what
    it holds, `previous` that of the last build."""

    def __init__(self, out_dir: str, spare: Manifest, previous: Manifest | None):
        self.out = f"{out_dir}/"
        self.spare = spare
        self.trash = 0  # files put aside
        self.aside: dict[str, str] = {}  # where each big file put aside lies now
        self.held: set[str] = set()
        self.emptied: set[str] = set()  # folders files were deleted from (`finish`)
        if previous is not None:
            self.held = {name for name, unit in spare.outputs.items()
                         if previous.outputs.get(name) == unit
                         and all(spare.inputs.get(d) == previous.inputs.get(d) for d in unit["deps"])}
        owners: dict[str, int] = {}
        for name in self.held:
            for path in unit_files(spare.outputs[name]):
                owners[path] = owners.get(path, 0) + 1
        self.kept = set(owners)  # the held units' files
        self.shared = {path for path, count in owners.items() if count > 1}

    def clear(self) -> None:
        """Delete the files of every unit the spare does not hold (but those a held unit
        shares: content-addressed charts)."""
        self._delete(path for name, unit in self.spare.outputs.items() if name not in self.held
                     for path in unit_files(unit) if path not in self.kept)

    def release(self, name: str) -> None:
        """Unit `name` is rendered again: its held files (the last build's) go first, but
        those it shares with another held unit (content-addressed charts: what they hold
        is what their name says; `finish` deletes them if no unit claims them)."""
        if name in self.held:
            self.held.discard(name)
            self._delete(p for p in unit_files(self.spare.outputs[name]) if p not in self.shared)

    def finish(self, units: dict[str, dict[str, list[str]]]) -> None:
        """Delete what the spare still holds that no unit of this build (`units`) wrote,
        then the folders files were deleted from that are left empty."""
        claimed = {path for unit in units.values() for path in unit_files(unit)}
        self._delete(path for unit in self.spare.outputs.values() for path in unit_files(unit)
                     if path not in claimed)
        # The deepest first (a clean build makes no empty folder). Not as the files go: a
        # page rendered again would find its folder gone and make it anew (a province's
        # edit removed and made two hundred, a millisecond each on a busy disk).
        for folder in sorted(self.emptied, key=lambda f: -f.count("/")):
            while folder:
                try:
                    os.rmdir(self.out + folder)
                except OSError:
                    break
                folder = folder.rpartition("/")[0]
        self.emptied = set()

    def _delete(self, paths: Iterable[str]) -> None:
        for rel in paths:
            try:
                self._put_aside(rel)
            except FileNotFoundError:
                continue
            self.emptied.add(rel.rpartition("/")[0])

    def _put_aside(self, rel: str) -> None:
        """Move a file into `TRASH`: the build deletes it by a process of its own (a
        province's bulk downloads, 2 GB, took seconds to delete on a busy disk; deleting
        an edit's pages, classification pages of a MB among them, took 0.8 ms a file,
        moving them 0.04)."""
        if not self.trash:
            os.makedirs(self.out + TRASH, exist_ok=True)
        self.trash += 1
        os.rename(self.out + rel, f"{self.out}{TRASH}/{self.trash}")
        self.aside[rel] = f"{self.out}{TRASH}/{self.trash}"


def unit_files(unit: dict[str, list[str]]) -> list[str]:
    """The files a unit's record names: its pages' and the others."""
    return [urls.file_for(p) for p in unit["pages"] + unit["unlisted"]] + unit["files"]
