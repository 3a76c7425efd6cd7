"""Stable, ASCII, collision-free URL slugs (pinyin of Chinese names).

`kashi-diqu-xingzheng-gongshu-bangongshi` for 喀什地区行政公署办公室. The province
prefix is dropped to keep URLs short; a slug that would collide with another name gets
a short hash of the full name appended, so a URL never changes meaning.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_PROVINCE_PREFIXES = ("新疆维吾尔自治区",)


@lru_cache(maxsize=4096)
def slugify(name: str, max_words: int = 12) -> str:
    """ASCII slug of `name`: pinyin syllables of Chinese runs, ASCII words kept, joined by '-'."""
    text = name
    for prefix in _PROVINCE_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
    words: list[str] = []
    for piece in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: [s]):
        for word in re.findall(r"[a-z0-9]+", piece.lower()):
            words.append(word)
    slug = "-".join(words[:max_words]) or "x"
    if len(words) > max_words:
        slug += "-" + short_hash(name)
    return slug


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


class SlugRegistry:
    """Hands out one slug per distinct name; a clash gets the name's hash appended."""

    def __init__(self) -> None:
        self._by_name: dict[str, str] = {}
        self._taken: dict[str, str] = {}

    def slug(self, name: str) -> str:
        if name in self._by_name:
            return self._by_name[name]
        slug = slugify(name)
        if slug in self._taken and self._taken[slug] != name:
            slug = f"{slug}-{short_hash(name)}"
        self._by_name[name] = slug
        self._taken[slug] = name
        return slug
