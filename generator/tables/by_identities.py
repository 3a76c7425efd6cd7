"""Placing a row's amounts by the identities alone, for a header printed without column
positions (`-raw`): the header's lines keep their labels' order, but not how the lines
interleave ("合计 因公出国(境)费 公务接待费" / "小计 购置费 运行费" / "机关运行经费预算数").
Every interleaving of the lines that gives each amount a column is tried; a column is
placed where every interleaving that keeps all the catalogue's identities agrees on its
amount. A figure no interleaving confirms stays unplaced (missing, never wrong).
"""

from __future__ import annotations

from decimal import Decimal

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
        if len(values) != len(order) or not _all_checked(values, identities):
            continue
        if not identities_hold(values, identities, slack):
            continue
        agreed = values if agreed is None else {k: v for k, v in agreed.items() if values.get(k) == v}
    return agreed or {}


def _all_checked(values: dict, identities: tuple[str, ...]) -> bool:
    """Every identity has all its terms among the columns (else it confirms nothing)."""
    terms = {t.strip() for i in identities for t in i.replace("=", "+").split("+")}
    return terms <= set(values)


def _interleavings(lines: list[list[str]]):
    if not lines:
        yield []
        return
    for index, line in enumerate(lines):
        rest = [*lines[:index], line[1:], *lines[index + 1:]] if len(line) > 1 else [*lines[:index], *lines[index + 1:]]
        for tail in _interleavings(rest):
            yield [line[0], *tail]
