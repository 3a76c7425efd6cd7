"""Progress bars for long builds: on a terminal only, and only once a stage takes a while."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
    """`items`, with a bar on stderr when it is a terminal and the stage lasts over a second."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, total=total, delay=1.0, leave=False, file=sys.stderr,
                dynamic_ncols=True)
