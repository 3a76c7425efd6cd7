"""Department identity: one department under the names its files print over the years.

The same body is printed as 中国共产党江苏省委员会办公厅 (2017), 中共江苏省委办公厅
(2018–19) and 江苏省委办公厅 (its narrative file). Its documents belong on one department
page with one trend. Two names are the same department when they have the same *key*:

1. a maintainer's alias wins: `[departments.aliases]` in site.toml maps a printed name
   (or its key) to the name the department is shown under;
2. otherwise the name is normalised by the rules below, in order, each one a plain
   rewrite a reader can check by hand:

   - white space and the brackets' width are ignored (（本级） = (本级));
   - 中国共产党 is written 中共 (the official short form);
   - 中共X省/市/县/区/州委员会… is written 中共X省委… (committee = 委);
   - a party committee printed without 中共 (江苏省委办公厅) gets it (中共江苏省委办公厅);
   - a trailing 本级 / （本级） / 部门 / （部门） is dropped (it says which part of the
     department the file covers, not who the department is).

A 部门预算 and a 单位预算 of one body share the key (one page), yet stay two documents:
the key groups pages, it never merges or sums figures.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from .slugs import unique_slugs

# Each rule: (what it does, pattern, replacement), applied in order.
RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("white space is ignored", re.compile(r"[\s\u3000]+"), ""),
    ("brackets of either width are one", re.compile(r"\("), "（"),
    ("closing brackets of either width are one", re.compile(r"\)"), "）"),
    ("中国共产党 is 中共", re.compile(r"^中国共产党"), "中共"),
    ("a committee (委员会) of a place is its 委",
     re.compile(r"^中共(.{1,12}?(?:省|自治区|市|县|区|州|地区|盟|旗))委员会"), r"中共\1委"),
    ("a party committee printed without 中共 gets it",
     re.compile(r"^(?!中共)(.{1,12}?(?:省|自治区|市|县|区|州|地区|盟|旗))委(?!员会)"), r"中共\1委"),
    ("本级 / 部门 at the end says which part, not who",
     re.compile(r"(?:（本级）|本级|（部门）|部门)$"), ""),
)

# A 委 after these is a government commission (发展和改革委, 卫生健康委), not a party committee:
# the rule above only matches a place name ending right before 委, so they are safe; this
# list is for the reader's assurance and for the tests.
NOT_PARTY = ("发展和改革委员会", "卫生健康委员会", "教育委员会")


def normalize(name: str) -> str:
    """The name with every rule in `RULES` applied (the key of a department without alias)."""
    key = name
    for _, pattern, replacement in RULES:
        key = pattern.sub(replacement, key)
    return key or name


class DepartmentNames:
    """Which department each printed name belongs to, and the name it is shown under.

    `aliases` maps a printed name (or its normalised key) to the department's name; names
    mapped to one target, or normalised to one key, are one department.
    """

    def __init__(self, aliases: Mapping[str, str] | None = None):
        self._aliases = {normalize(k): normalize(v) for k, v in (aliases or {}).items()}
        self._shown = {normalize(v): v for v in (aliases or {}).values()}

    def key(self, name: str) -> str:
        """The department's key: its alias target's key, else the normalised name."""
        key = normalize(name)
        seen = {key}
        while key in self._aliases and self._aliases[key] not in seen:  # chains, no loops
            key = self._aliases[key]
            seen.add(key)
        return key

    def shown_name(self, key: str, printed: Iterable[tuple[int | None, str]]) -> str:
        """The name a department's page shows: the alias target if one was given, else the
        name its latest year printed most often (`printed`: (year, name) of each file)."""
        if key in self._shown:
            return self._shown[key]
        printed = list(printed)
        if not printed:
            return key
        latest = max((y or 0) for y, _ in printed)
        counts = Counter(n for y, n in printed if (y or 0) == latest)
        return max(counts, key=lambda n: (counts[n], len(n)))


def group_departments(docs: Iterable[Any], names: DepartmentNames) -> None:
    """Give every department-year (`render.data.DocData`) its department: documents with
    one key share a `dept_slug` (one page, one trend) and a `dept_name`, whatever each
    file printed."""
    docs = list(docs)
    printed: dict[str, list[tuple[int | None, str]]] = defaultdict(list)
    keys: dict[str, str] = {}
    for d in docs:
        name = d.info["department"] or d.info["file_name"].rsplit(".", 1)[0]
        keys[d.doc_id] = names.key(name)
        printed[keys[d.doc_id]].append((d.info["year"], name))
    slugs = unique_slugs(printed)  # of the keys: the pinyin and a hash of the key
    for d in docs:
        key = keys[d.doc_id]
        d.dept_slug, d.dept_name = slugs[key], names.shown_name(key, printed[key])

