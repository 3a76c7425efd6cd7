"""Placing a row's amounts by the identities alone, for a header printed without column
positions (`-raw`): the header's lines keep their labels' order, but not how the lines
interleave ("合计 因公出国(境)费 公务接待费" / "小计 购置费 运行费" / "机关运行经费预算数").
Every interleaving of the lines that gives each amount a column is tried; a column is
placed where every interleaving that keeps all the catalogue's identities agrees on its
amount. A figure no interleaving confirms stays unplaced (missing, never wrong).
"""

from __future__ import annotations

import re
from decimal import Decimal
from math import comb

from .by_sums import blank_choices
from .catalogue import terms_of
from .place import identities_hold

# Interleavings tried at most (the templates' 三公 headers need a few hundred).
MAX_ORDERS = 20000


def place_by_identities(lines: list[list[str]], amounts: list[Decimal], identities: tuple[str, ...],
                        slack: Decimal) -> dict[str, Decimal]:
    """Column key → amount for the keys every identity-keeping interleaving agrees on."""
    lines = [line for line in lines if line]
    if sum(len(line) for line in lines) != len(amounts) or not identities:
        return {}
    agreed: dict[str, Decimal] | None = None
    for count, order in enumerate(_interleavings(lines)):
        if count >= MAX_ORDERS:
            return {}
        values = dict(zip(order, amounts))
        # (an identity with a term among no column confirms nothing)
        if len(values) != len(order) or not all(set(terms_of(i)) <= values.keys() for i in identities):
            continue
        if not identities_hold(values, identities, slack):
            continue
        agreed = values if agreed is None else {k: v for k, v in agreed.items() if values.get(k) == v}
    return agreed or {}


def _interleavings(lines: list[list[str]]):
    if not lines:
        yield []
        return
    for index, line in enumerate(lines):
        rest = [*lines[:index], line[1:], *lines[index + 1:]] if len(line) > 1 else [*lines[:index], *lines[index + 1:]]
        for tail in _interleavings(rest):
            yield [line[0], *tail]


# Blank cells tried at most (a -raw line drops them; choosing which were blank).
MAX_BLANK_CHOICES = 5000


def place_in_catalogue_order(keys: list[str], amounts: list[Decimal], identities: tuple[str, ...],
                             slack: Decimal, variants: tuple[str, ...] = (),
                             pinned: bool = False, stated: dict[str, Decimal] | None = None
                             ) -> dict[str, Decimal]:
    """Column key → amount with the header's columns in the catalogue's order (the order
    the templates print them in: 合计, 小计, then each item and its parts), when the
    rendering printed the labels in another order. A rendering that drops blank cells
    prints fewer amounts than columns: every choice of blank columns is tried (a blank is
    0 for the identities). `variants` (budget, final …): each column prints one amount
    per variant, in that order, and the identities hold per variant. A column is placed
    where every choice that keeps the identities agrees on it; a column blank in every
    such choice stays unplaced (empty, as printed); a choice that contradicts a figure
    the 说明 text states (`stated`) is none. `pinned`: the print order is not
    trusted either (the default mode of pdftotext), so a column is kept only where no swap
    of its amount with another column's keeps the identities too (因公出国 and 公务接待
    add up alike: the order alone would tell them apart). The figures the 说明 text states
    (`stated`, within `slack`) rule choices out, unless they rule out every choice."""
    columns, checks = _variant_columns(keys, identities, variants)
    choices = [dict(zip(columns, c)) for c in
               blank_choices(tuple(amounts), columns, checks, slack, MAX_BLANK_CHOICES) or ()]
    told = [s for s in choices if all(abs((s[k] or 0) - a) <= slack for k, a in (stated or {}).items() if k in s)]
    agreed: dict[str, Decimal | None] | None = None
    for shown in told or choices:
        if pinned:
            values = _zeroed(shown)
            shown = {k: (_UNPINNED if _swappable(values, k, checks, slack) else v) for k, v in shown.items()}
        agreed = shown if agreed is None else {k: v for k, v in agreed.items() if shown.get(k, 0) == v}
    return {k: v for k, v in (agreed or {}).items() if isinstance(v, Decimal)}


def _variant_columns(keys: tuple[str, ...] | list[str], identities: tuple[str, ...],
                     variants: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns, one per key and variant, and the identities over them, per variant."""
    columns = tuple(_variant_key(k, v) for k in keys for v in (variants or ("",)))
    checks = (_variant_identity(i, v) for i in identities for v in (variants or ("",)))
    return columns, tuple(i for i in checks if set(terms_of(i)) <= set(columns))


def _zeroed(shown: dict[str, Decimal | None]) -> dict[str, Decimal]:
    return {k: Decimal(0) if v is None else v for k, v in shown.items()}


_UNPINNED = "unpinned"


def _swappable(values: dict[str, Decimal], key: str, identities: list[str], slack: Decimal,
               stated: dict[str, Decimal] | None = None) -> bool:
    """Whether `key`'s amount can trade places with another column's and keep the
    identities (and the figures the text states)."""
    stated = stated or {}
    for other, amount in values.items():
        if amount != values[key]:
            swapped = {**values, key: amount, other: values[key]}
            if identities_hold(swapped, tuple(identities), slack) and \
                    all(swapped[k] == v for k, v in stated.items() if k in swapped):
                return True
    return False


def _variant_key(key: str, variant: str) -> str:
    return key if variant in ("", "final") else f"{key}_{variant}"


def _variant_identity(identity: str, variant: str) -> str:
    terms = re.split(r"(\s*[=+]\s*)", identity)
    return "".join(t if t.strip() in ("=", "+") else _variant_key(t.strip(), variant) for t in terms)


# Print-order candidates tried at most (orders × amounts moved × blank choices).
MAX_CANDIDATES = 20000


def place_in_print_orders(orders: list[tuple[str, ...]], amounts: list[Decimal], identities: tuple[str, ...],
                          slack: Decimal, variants: tuple[str, ...] = (),
                          stated: dict[str, Decimal] | None = None) -> dict[str, Decimal]:
    """Column key → amount for a one-row table whose amounts the rendering prints in the
    template's column order (`orders`: the templates' orders the header allows), blank
    cells dropped, but whose header it scrambles (pdftotext's default mode). Every choice
    of blank columns whose amounts keep the identities is a candidate; where none does, an
    amount printed out of its place (after a label wrapped over lines) is moved, one at a
    time. The figures the 说明 text states (`stated`) rule candidates out. A column is
    placed where every candidate agrees on it, and its amount could not trade places with
    another column's (因公出国 and 公务接待 add up alike) unless the text states it."""
    stated = stated or {}
    candidates = _print_order_candidates(orders, amounts, identities, slack, variants, moved=False)
    if not candidates:
        candidates = _print_order_candidates(orders, amounts, identities, slack, variants, moved=True)
    candidates = [(values, shown, checks) for values, shown, checks in candidates
                  if all(values[k] == v for k, v in stated.items() if k in values)]
    agreed: dict | None = None
    for values, shown, checks in candidates:
        pinned = {k: v for k, v in shown.items()
                  if stated.get(k) == values[k] or not _swappable(values, k, checks, slack, stated)}
        agreed = pinned if agreed is None else {k: v for k, v in agreed.items() if pinned.get(k, _UNPINNED) == v}
    return {k: v for k, v in (agreed or {}).items() if isinstance(v, Decimal)}


def _print_order_candidates(orders, amounts, identities, slack, variants, moved: bool) -> list:
    found, tried = [], 0
    runs = _moved_runs(amounts) if moved else [amounts]
    for order in orders:
        columns, checks = _variant_columns(order, identities, variants)
        blanks = len(columns) - len(amounts)
        if blanks < 0 or not checks:
            continue
        tried += comb(len(columns), blanks) * len(runs)
        if tried > MAX_CANDIDATES:
            return []
        for run in runs:
            for choice in blank_choices(tuple(run), columns, checks, slack, MAX_CANDIDATES) or ():
                shown = dict(zip(columns, choice))
                found.append((_zeroed(shown), shown, checks))
    return found


def _moved_runs(amounts: list[Decimal]) -> list[list[Decimal]]:
    """The amounts with one of them printed elsewhere, every way."""
    runs = []
    for i, amount in enumerate(amounts):
        rest = amounts[:i] + amounts[i + 1:]
        runs += [rest[:j] + [amount] + rest[j:] for j in range(len(amounts)) if j != i]
    return runs
