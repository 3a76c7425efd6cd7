"""Header labels of the two-sided tables (`tsv_two_sided`): the column key of a printed
label. Every other table's header is read by the shared header interpreter
(`tables.header`)."""

from __future__ import annotations

from functools import lru_cache

from ..parse.columns import column_key_for_label

#: column_key_for_label, cached: the same few labels recur on every page.
label_key = lru_cache(maxsize=1024)(column_key_for_label)
