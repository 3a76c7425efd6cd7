"""A `Document` as plain JSON-able data (amounts as exact decimal strings)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from .model import Document


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def document_to_json(doc: Document) -> dict[str, Any]:
    return _plain(doc)
