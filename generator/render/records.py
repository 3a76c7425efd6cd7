"""The records the pages read: one database row each, read like a dict, stored in slots.

A province has hundreds of thousands of table rows and indicators, read once by
`generator.render.load` and then by every page: their size and the speed of making them
count, hence `SlottedRecord` and `record_maker` rather than plain dicts.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterator, Sequence
from typing import Any

Record = dict[str, Any]


class SlottedRecord:
    """A record read like a dict (`r["name"]`, `r.get("name")`, `"name" in r`), with its
    fields in slots: a sixth of a dict's memory. A province has hundreds of thousands of
    table rows and indicators, and the render workers copy (copy-on-write) the memory of
    every record they touch, so the records' size counts three times over."""

    __slots__ = ()

    # `r[key]` is the attribute lookup itself, in C: the pages read millions of fields.
    # A missing field raises AttributeError (nothing asks a record for one it lacks).
    __getitem__ = object.__getattribute__
    __setitem__ = object.__setattr__

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and hasattr(self, key)

    def keys(self) -> list[str]:
        return [k for k in self.__slots__ if hasattr(self, k)]

    def items(self) -> list[tuple[str, Any]]:
        return [(k, getattr(self, k)) for k in self.keys()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (SlottedRecord, dict)):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a dict

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"


def slotted_type(name: str, fields: Sequence[str]) -> type[SlottedRecord]:
    """A `SlottedRecord` class with these fields (column names, and any added later)."""
    return type(name, (SlottedRecord,), {"__slots__": tuple(fields)})


def record_maker(record: type[SlottedRecord], names: Sequence[str]) -> Callable[..., SlottedRecord]:
    """A function of one value per name that returns a new `record` with those fields set.

    Written out field by field (as dataclasses writes its `__init__`): a province's
    hundreds of thousands of rows are made three times faster than by a `setattr` loop.
    Names that are keywords get the loop."""
    if any(keyword.iskeyword(n) or not n.isidentifier() for n in names):
        def make(*values: Any) -> SlottedRecord:
            r = record()
            for n, v in zip(names, values):
                setattr(r, n, v)
            return r
        return make
    source = (f"def make({', '.join(names)}):\n    r = new(record)\n"
              + "".join(f"    r.{n} = {n}\n" for n in names) + "    return r\n")
    scope: dict[str, Any] = {"new": object.__new__, "record": record}
    exec(source, scope)  # noqa: S102 (names checked above: identifiers of our own schema)
    return scope["make"]
