"""The region of a department, from the administrative divisions its name starts with.

"新疆维吾尔自治区喀什地区喀什市人民政府办公室" → 喀什市 (the most specific division);
"克州人民政府办公室" → 克孜勒苏柯尔克孜自治州 (official name for the common short form).
"""

from __future__ import annotations

import re

# Short forms in common use → full official names.
SHORT_FORMS: dict[str, str] = {
    "克州": "克孜勒苏柯尔克孜自治州",
    "伊犁州": "伊犁哈萨克自治州",
    "巴州": "巴音郭楞蒙古自治州",
    "博州": "博尔塔拉蒙古自治州",
    "昌吉州": "昌吉回族自治州",
}

_PROVINCE = re.compile(r"^(.{2,10}?(?:自治区|省|(?<=北京|天津|上海|重庆)市))")
# One division: a name of two or more characters and a division word.
_DIVISION = re.compile(r"^(.{2,10}?(?:自治州|自治县|自治旗|地区|州|盟|市|县|区|旗))")
# A Party organ names its region after 中共 and before 委 (中共北京市委宣传部, 中共XX县纪委).
_PARTY_PREFIX = re.compile(r"^中国共产党|^中共")
# Words that end in a division character but are not divisions.
_NOT_DIVISIONS = re.compile(r"(园区|社区|城区|矿区|景区|片区|新区管委会|开发区|城市|市场|县域|地区性)$")


def region_of(department: str) -> str | None:
    """The most specific administrative division a department name starts with."""
    name = _PARTY_PREFIX.sub("", re.sub(r"\s+", "", department))
    province = None
    m = _PROVINCE.match(name)
    if m:
        province, name = m.group(1), name[m.end():]
    region = None
    for short, full in SHORT_FORMS.items():
        if name.startswith(short):
            region, name = full, name[len(short):]
            break
    while True:
        m = _DIVISION.match(name)
        if not m or _NOT_DIVISIONS.search(m.group(1)) or _is_office_word(name, m.group(1)):
            break
        region, name = m.group(1), name[m.end():]
    return region or province


def _is_office_word(rest: str, candidate: str) -> bool:
    """"人民政府…", "行政公署…" follow a division; a division never starts with them."""
    return candidate.startswith(("人民", "行政", "政府", "党委", "委员会"))
