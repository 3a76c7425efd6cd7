"""Joining printed classification-code cells (类/款/项) into one code, with repairs.

Codes are printed split over cells: "201" "03" "01" → 2010301. Three misprints are
repaired from the 类 above, each with an issue saying what was read:

* a lone 款 "03" under 类 201 → 20103;
* an economic 款 printed with three digits, the 类's last digit repeated
  ("301" "103" → 30103, as in 表六 of Word-converted tables);
* a broken 类 "20" "03" "01" under 类 201 → 2010301.
"""

from __future__ import annotations

from ..model import Document, Issue

_VALID_LENGTHS = {3, 5, 7}


class CodeContext:
    """Remembers the last 类, 款 and 项 printed in a table, for merged cells, repairs and
    inherited codes."""

    def __init__(self, table_label: str, doc: Document, key: str):
        self.label, self.doc, self.key = table_label, doc, key
        self.last_class: str | None = None
        self.last_section: str | None = None
        self.last_item: str | None = None

    def join(self, slots: list[str], line: int) -> tuple[str, str]:
        """(code, code as printed) for the code cells of one row ("" where a cell is empty).

        A 类 (and 款) cell merged with the rows above prints empty: ["", "03", "01"]
        under 类 201 is 2010301, ["", "", "02"] under 款 20103 is 2010302."""
        raw = " ".join(p for p in slots if p)
        filled = list(slots)
        if len(slots) >= 2 and not slots[0] and any(slots[1:]) and self.last_class:
            filled[0] = self.last_class
            if len(slots) >= 3 and not slots[1] and self.last_section:
                filled[1] = self.last_section[3:]
        parts = [p for p in filled if p]
        code = self._join(parts, raw, line)
        if len(code) not in _VALID_LENGTHS:
            self._issue("code-unusual", f"{self.label} row {raw}: code {code} is not a 类/款/项 "
                        "code (3, 5 or 7 digits); kept as printed", line, "warning")
        if len(code) >= 3:
            self.last_class = code[:3]
        if len(code) >= 5:
            self.last_section = code[:5]
        if len(code) == 7:
            self.last_item = code
        return code, raw

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
