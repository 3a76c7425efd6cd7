"""`site.toml`: every key declared once, typed, with its default and help text.

Errors (wrong type, bad value) are all collected and reported together; unknown keys
are warnings (errors with `--strict`). The README's table of keys is checked against
`OPTIONS` by a test, so documentation cannot drift from the code.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Option:
    section: str
    name: str
    type: type
    default: Any
    help: str

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"


OPTIONS: list[Option] = [
    Option("site", "title", str, "部门预算公开", "Site title shown in every page header."),
    Option("site", "description", str, "部门预算公开数据：表格、图表与下载",
           "One-sentence description for the home page and metadata."),
    Option("site", "base_url", str, "/",
           "Path (or full URL) the site is served under, e.g. \"/budget/\" for a subpath."),
    Option("build", "content_dir", str, "content", "Folder with disclosures/ and pages/."),
    Option("build", "output_dir", str, "build", "Folder the site is written to (replaced atomically)."),
    Option("build", "jobs", int, 0, "Worker processes for parsing, rendering and charts; 0 = one per core."),
    Option("build", "parse_timeout", int, 60,
           "Seconds a source may take to parse; a file over it is left out with an issue "
           "(`parse-timeout`) and the build goes on; 0 = no limit."),
    Option("build", "charts", bool, True, "Render static SVG charts."),
    Option("build", "chart_renderer", str, "native",
           "How charts are drawn: \"native\" (built-in, fast) or \"vl-convert\" (Vega-Lite)."),
    Option("build", "search", bool, True,
           "Build the search index (search/index/) and the search page."),
    Option("privacy", "mask_phone_numbers", bool, True,
           "Mask personal mobile numbers (联系电话) found in 绩效 tables and text."),
    Option("departments", "aliases", dict, {},
           "Printed department name → the name it is shown under: names mapped to one name "
           "are one department (one page, one trend), beside the built-in rules."),
    Option("serve", "host", str, "127.0.0.1", "Address `serve` listens on."),
    Option("serve", "port", int, 8000, "Port `serve` listens on."),
]


class ConfigError(Exception):
    """site.toml cannot be used; `problems` lists every reason."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass
class Config:
    site_dir: Path
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def get(self, key: str) -> Any:
        return self.values[key]

    @property
    def content_dir(self) -> Path:
        return self.site_dir / self.values["build.content_dir"]

    @property
    def output_dir(self) -> Path:
        return self.site_dir / self.values["build.output_dir"]

    @cached_property
    def _roots(self) -> tuple[Path, ...]:
        site = self.site_dir.resolve()
        content = Path(os.path.normpath(self.site_dir / self.values["build.content_dir"]))
        elsewhere = not content.is_relative_to(os.path.normpath(self.site_dir))
        return (site, content.resolve()) if elsewhere else (site,)

    def inside(self, path: Path) -> bool:
        """Whether `path`, its symbolic links followed, lies in the site folder (or in the
        content folder where site.toml puts it elsewhere): a build reads nothing else of the
        site's, so a link in content/ or templates/ cannot publish a file from elsewhere."""
        try:
            target = path.resolve()
        except (OSError, RuntimeError):  # a loop of links leads nowhere
            return False
        return any(target.is_relative_to(root) for root in self._roots)

    @property
    def base_url(self) -> str:
        """The base path, always ending in "/"."""
        base = self.values["site.base_url"] or "/"
        return base if base.endswith("/") else base + "/"


def load_config(site_dir: Path, strict: bool = False, overrides: dict[str, Any] | None = None) -> Config:
    """Read `site_dir/site.toml` (missing file = all defaults)."""
    path = site_dir / "site.toml"
    raw: dict[str, Any] = {}
    problems: list[str] = []
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(path, [f"不是有效的 TOML：{exc}"]) from exc
    values = {o.key: o.default for o in OPTIONS}
    known = {o.key: o for o in OPTIONS}
    warnings: list[str] = []
    for section, table in raw.items():
        if not isinstance(table, dict):
            warnings.append(f"未知的顶层配置项 '{section}'")
            continue
        for name, value in table.items():
            key = f"{section}.{name}"
            option = known.get(key)
            if option is None:
                warnings.append(f"未知的配置项 '{key}'")
                continue
            if option.type is int and isinstance(value, bool) or not isinstance(value, option.type):
                problems.append(f"'{key}' 应为 {option.type.__name__}，实际是 {value!r}")
                continue
            values[key] = value
    values.update(overrides or {})
    if values["serve.port"] < 0 or values["serve.port"] > 65535:
        problems.append("'serve.port' 应在 0 到 65535 之间")
    for key in ("build.jobs", "build.parse_timeout"):
        if values[key] < 0:
            problems.append(f"'{key}' 应为 0（自动）或更大的数")
    if values["build.chart_renderer"] not in ("native", "vl-convert"):
        problems.append("'build.chart_renderer' 应为 \"native\" 或 \"vl-convert\"，"
                        f"实际是 {values['build.chart_renderer']!r}")
    aliases = values["departments.aliases"]
    bad = [k for k, v in aliases.items() if not isinstance(v, str) or not v.strip() or not k.strip()]
    if bad:
        problems.append(f"'departments.aliases' 应把名称映射到名称；这些不是名称：{bad}")
    if strict and warnings:
        problems += warnings
    if problems:
        raise ConfigError(path, problems)
    return Config(site_dir=site_dir, values=values, warnings=warnings)
