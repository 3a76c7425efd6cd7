"""Joining printed classification-code cells (类/款/项) into one code, with repairs.

Codes are printed split over cells: "201" "03" "01" → 2010301. Three misprints are
repaired from the 类 above, each with an issue saying what was read:

* a lone 款 "03" under 类 201 → 20103;
* an economic 款 printed with three digits, the 类's last digit repeated
  ("301" "103" → 30103, as in 表六 of Word-converted tables);
* a broken 类 "20" "03" "01" under 类 201 → 2010301;
* an empty 款 between a printed 类 and 项 ("201" "" "99", a lost cell, not a merged one)
  → under the 款 above it of the same 类 (2010399), with a `code-missing` warning.

A code that breaks the 类/款/项 order (a 类 or 款 printed again after its rows, a 款 under
another 类, a 项 under another 款) is kept and reported: a row that lost or swapped a code
cell reads as such a code, and its figures must not stand at the wrong place unreported.
"""

from __future__ import annotations

from ..model import Document, Issue
from .common import foreign_code

_VALID_LENGTHS = {3, 5, 7}


class CodeContext:
    """Remembers the last 类, 款 and 项 printed in a table, for merged cells, repairs and
    inherited codes."""

    def __init__(self, table_label: str, doc: Document, key: str):
        self.label, self.doc, self.key = table_label, doc, key
        self.last_class: str | None = None
        self.last_section: str | None = None
        self.last_item: str | None = None
        self._start_order()

    def _start_order(self) -> None:
        # The 类 and 款 rows printed so far (in the current sub-unit), and every code or
        # code prefix seen, for `check_order`.
        self.printed_class: str | None = None
        self.printed_section: str | None = None
        self.printed_lines: dict[str, int] = {}  # 类/款 printed → its row's line
        self.seen: set[str] = set()

    def new_unit(self) -> None:
        """A sub-unit's rows start: its 类/款/项 order starts again."""
        self._start_order()

    def check_order(self, code: str, line: int, has_project: bool) -> None:
        """Report a code out of the 类/款/项 order of the rows printed before it, or of
        the other classification (`common.foreign_code`).

        Unlike `common.code_doubts` this does not require ascending codes: Word tables
        print 表六's economic 款 in their own order (302 211 after 303 09) and a 项 99
        before 01, so only the nesting is checked."""
        problem = None
        foreign = foreign_code(self.key, code)
        if foreign:
            self._issue("code-order", f"{self.label} row at line {line}: {foreign}", line, "warning")
        elif len(code) in (3, 5) and code in self.seen and not has_project:
            problem = f"{code} printed again after its own rows"
        elif len(code) in (5, 7) and self.printed_class and code[:3] != self.printed_class:
            problem = f"{code} is not under the 类 {self.printed_class} printed above it"
            self._doubt_parent(self.printed_class, code)
        elif (len(code) == 7 and self.printed_section and code[:3] == self.printed_section[:3]
              and code[:5] != self.printed_section):
            problem = f"{code} is not under the 款 {self.printed_section} printed above it"
            self._doubt_parent(self.printed_section, code)
        if problem:
            self._issue("code-order", f"{self.label} row at line {line}: code {problem}; "
                        "a code cell may be missing or misplaced", line, "warning")
        if len(code) == 3 and not has_project:
            self.printed_class, self.printed_section = code, None
            self.printed_lines[code] = line
        elif len(code) == 5 and not has_project:
            self.printed_section = code
            self.printed_lines[code] = line
        self.seen.update(code[:n] for n in (3, 5, 7) if n <= len(code))

    def _doubt_parent(self, parent: str, child: str) -> None:
        """The row of the 类 or 款 a code should be under, when it is not: that row's own
        code may be the wrong one (a swapped code cell), so its figures are in doubt too."""
        line = self.printed_lines.pop(parent, None)  # once per parent row
        if line is not None:
            self._issue("code-order", f"{self.label} row at line {line}: {parent} is followed by "
                        f"{child}, which is not under it; this row's code may be the wrong one",
                        line, "warning")

    def join(self, slots: list[str], line: int, figure_line: int | None = None) -> tuple[str, str]:
        """(code, code as printed) for the code cells of one row ("" where a cell is empty).

        A repair is reported on `line` (the code's); an unusual code on `figure_line` (the
        row's figures), whose place it puts in doubt.

        A 类 (and 款) cell merged with the rows above prints empty: ["", "03", "01"]
        under 类 201 is 2010301, ["", "", "02"] under 款 20103 is 2010302."""
        raw = " ".join(p for p in slots if p)
        filled = list(slots)
        if len(slots) >= 2 and not slots[0] and any(slots[1:]) and self.last_class:
            filled[0] = self.last_class
            if len(slots) >= 3 and not slots[1] and self.last_section:
                filled[1] = self.last_section[3:]
        elif len(slots) >= 3 and slots[0] and not slots[1] and slots[2]:
            filled[1] = self._lost_section(slots, raw, figure_line or line)
        parts = [p for p in filled if p]
        code = self._join(parts, raw, line)
        if len(code) not in _VALID_LENGTHS:
            self._issue("code-unusual", f"{self.label} row {raw}: code {code} is not a 类/款/项 "
                        "code (3, 5 or 7 digits); kept as printed", figure_line or line, "warning")
        if len(code) >= 3:
            self.last_class = code[:3]
        if len(code) >= 5:
            self.last_section = code[:5]
        if len(code) == 7:
            self.last_item = code
        return code, raw

    def _lost_section(self, slots: list[str], raw: str, line: int) -> str:
        """The 款 of a row printing its 类 and 项 with an empty 款 cell between them.

        A printed 类 starts a new group of merged cells, so the 款 cannot be merged with
        the rows above: its cell was lost or moved. Joining "201" "" "99" would read as the
        款 20199; the row is read under the 款 printed above it when that is under the
        same 类 (as a table printing the 类 on every row would mean), else left empty,
        and reported on the row's figures either way."""
        first, item = slots[0], slots[2]
        section = self.last_section if self.last_section and first == self.last_section[:3] else None
        if section and len(first) == 3 and len(item) == 2:
            self._issue("code-missing", f"{self.label} row {raw}: 款 cell empty between 类 {first} "
                        f"and 项 {item} (a printed 类 is no merged cell); read as "
                        f"{section + item} under the 款 {section} above, doubtful", line, "warning")
            return section[3:]
        self._issue("code-missing", f"{self.label} row {raw}: 款 cell empty between 类 {first} "
                    f"and 项 {item} (a printed 类 is no merged cell); code kept as printed, its "
                    "place in doubt", line, "warning")
        return ""

    def _join(self, parts: list[str], raw: str, line: int) -> str:
        first, rest = parts[0], parts[1:]
        if len(first) == 2 and self.last_class:
            if not rest:
                return self.last_class + first  # lone 款 under its 类
            if self.last_class.startswith(first):
                self._issue("code-repaired", f"{self.label} row {raw}: broken 类 {first!r} read as "
                            f"{self.last_class} (the 类 above)", line)
                first = self.last_class
        code = first
        for part in rest:
            if len(part) == 3 and len(code) == 3 and part[0] == code[-1]:
                # 款 printed with the 类's last digit repeated: "301" "103" → 30103
                self._issue("code-repaired", f"{self.label} row {raw}: 款 {part!r} printed with "
                            f"three digits; read as {code + part[1:]}", line)
                code += part[1:]
            else:
                code += part
        return code

    def _issue(self, slug: str, message: str, line: int, severity: str = "info") -> None:
        self.doc.issues.append(Issue(slug, message, self.doc.path, line, severity, self.key))
