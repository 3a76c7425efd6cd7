"""Placing a file that exists already elsewhere: a hard link, a copy where the file system
has none. Shared by the search index's store and the bulk downloads, which both link the
last build's unchanged files into the new one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link(source: Path | str, target: Path | str) -> None:
    """`target` as a hard link to `source`, a copy where the file system has no links."""
    try:
        os.link(source, target)
    except OSError:
        if not os.path.isfile(source):
            raise
        shutil.copyfile(source, target)
