"""Build cds_analysis/data/units.csv.gz from the vietnamadminunits package (MIT).

Run by hand when the source package changes, never at import time:

    python scripts/build_gazetteer.py

What it takes from vietnamadminunits (its data/dataset.db and data/converter_2025.json):
- table ``admin_units_legacy``: the 63 provinces, their district-level units
  and communes as they stood before 1 July 2025, with statistics-office codes;
- table ``admin_units``: the 34 provinces and their communes from 1 July 2025
  (Resolution 202/2025/QH15), with the codes of the 2025 list;
- ``converter_2025.json``: which old province went into which new one, and
  which old commune went whole into which new one (communes split between
  several new ones get no successor).

Every row carries its statistics-office code as published (``code``) and says
which map it belongs to (``map``: '2008–2025' or '2025'). Post-2025 codes
reuse pre-2025 numbers for other units ('91' was Kiên Giang and is now An
Giang), so a unit is (code, map): a parent code is on its child's map, a
successor code on the 2025 map.

Type and name come from the full name ('Thị trấn Ngọc Lặc' → thị trấn /
Ngọc Lặc): the source's type column disagrees with its own full names in a
few rows, and its short names carry disambiguators like 'Kỳ Anh (Thị xã)'.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cds_analysis.lang.text import normalize  # noqa: E402
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP, schema  # noqa: E402

OUT = ROOT / "cds_analysis" / "reference" / "data" / "units.csv.gz"
PACKAGE = "vietnamadminunits"
LAST_OLD_DAY = "2025-06-30"
FIRST_NEW_DAY = "2025-07-01"
TYPES = ["thành phố", "thị trấn", "thị xã", "tỉnh", "huyện", "quận", "xã", "phường", "đặc khu"]
_TYPE_PREFIX = re.compile(rf"^({'|'.join(TYPES)})\s+(.+)$", re.IGNORECASE)


def source_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{PACKAGE} is not installed: pip install '{PACKAGE}>=1.0.4,<2'")
    return Path(spec.origin).parent / "data"


def split_full_name(full: str) -> tuple[str, str]:
    """'Thị Trấn Ái Tử' → ('thị trấn', 'Ái Tử'); 'Phường 1' → ('phường', '1')."""
    m = _TYPE_PREFIX.match(normalize(full).strip())
    if not m:
        raise ValueError(f"{PACKAGE}: full name {full!r} does not start with a unit word")
    return m.group(1).lower(), m.group(2).strip()


def unit_rows(frame: pd.DataFrame, full: str, code: str, parent: str | None, level: str) -> pd.DataFrame:
    """One row per distinct unit of ``frame`` at one level."""
    cols = [full, code] + ([parent] if parent else [])
    units = frame.dropna(subset=[full]).drop_duplicates(code)[cols]
    split = units[full].map(split_full_name)
    return pd.DataFrame(
        {
            "code": units[code].to_numpy(),
            "name": split.str[1].to_numpy(),
            "type": split.str[0].to_numpy(),
            "level": level,
            "parent_code": units[parent].to_numpy() if parent else None,
        }
    )


def successors(legacy: pd.DataFrame, new: pd.DataFrame, converter: dict) -> dict[str, str]:
    """Old code → new code, from the converter's keys (provinces, and communes not split)."""
    old_province = dict(zip(legacy.provinceKey, legacy.provinceCode))
    new_province = dict(zip(new.provinceKey, new.provinceCode))
    out = {
        old_province[old_key]: new_province[new_key]
        for new_key, old_keys in converter["DICT_PROVINCE"].items()
        for old_key in old_keys
    }
    # Island districts without communes (Lý Sơn, Côn Đảo, …) became special zones;
    # the converter keys them as 'province_district_' and so do we, with the district code.
    old_commune = dict(
        zip(
            legacy.provinceKey + "_" + legacy.districtKey + "_" + legacy.wardKey.fillna(""),
            legacy.wardCode.fillna(legacy.districtCode),
        )
    )
    new_commune = dict(zip(zip(new.provinceKey, new.wardKey), new.wardCode))
    for new_province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_keys in wards.items():
            for old_key in old_keys:
                out[old_commune[old_key]] = new_commune[(new_province_key, new_ward_key)]
    return out


def build() -> pd.DataFrame:
    data = source_dir()
    version = importlib.metadata.version(PACKAGE)
    with sqlite3.connect(data / "dataset.db") as db:
        legacy = pd.read_sql("SELECT * FROM admin_units_legacy", db, dtype=str)
        new = pd.read_sql("SELECT * FROM admin_units", db, dtype=str)
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))

    old = pd.concat(
        [
            unit_rows(legacy, "province", "provinceCode", None, "province"),
            unit_rows(legacy, "district", "districtCode", "provinceCode", "district"),
            unit_rows(legacy, "ward", "wardCode", "districtCode", "commune"),
        ],
        ignore_index=True,
    )
    old["map"] = OLD_MAP
    # Old codes have 2 (province), 3 (district) or 5 (commune) digits, so one map serves all levels.
    old["successor_code"] = old["code"].map(successors(legacy, new, converter))
    old["valid_from"] = None
    old["valid_to"] = LAST_OLD_DAY
    old["source"] = (
        f"{PACKAGE} {version} (MIT), admin_units_legacy: GSO codes of the units before {FIRST_NEW_DAY}, "
        f"when the 34 provinces of Resolution 202/2025/QH15 (2025-06-12) began; successor from converter_2025.json"
    )

    post = pd.concat(
        [
            unit_rows(new, "province", "provinceCode", None, "province"),
            unit_rows(new, "ward", "wardCode", "provinceCode", "commune"),
        ],
        ignore_index=True,
    )
    post["map"] = NEW_MAP
    post["successor_code"] = None
    post["valid_from"] = FIRST_NEW_DAY
    post["valid_to"] = None
    post["source"] = (
        f"{PACKAGE} {version} (MIT), admin_units: GSO codes of the 34 provinces of Resolution "
        f"202/2025/QH15 (2025-06-12) and their communes, from {FIRST_NEW_DAY}"
    )

    units = pd.concat([old, post], ignore_index=True)[schema("units").names]
    check(units)
    return units


def check(units: pd.DataFrame) -> None:
    """Fail loudly before writing a table the gazetteer would misread."""
    problems = []
    key = units[["code", "map"]]
    if key.duplicated().any():
        problems.append(f"duplicate (code, map): {key[key.duplicated()].values.tolist()[:5]}")
    if not units["code"].str.fullmatch(r"\d+").all():
        problems.append("codes that are not strings of digits")
    known = set(zip(units["code"], units["map"]))
    parents = units[units["parent_code"].notna()]
    orphans = parents[[key not in known for key in zip(parents["parent_code"], parents["map"])]]
    if len(orphans):
        problems.append(f"parent codes not on their unit's map: {orphans['parent_code'].tolist()[:5]}")
    successor_codes = units["successor_code"].dropna()
    dangling = successor_codes[[(code, NEW_MAP) not in known for code in successor_codes]]
    if len(dangling):
        problems.append(f"successor codes not on the 2025 map: {dangling.tolist()[:5]}")
    old_provinces = units[(units["level"] == "province") & units["valid_to"].notna()]
    new_provinces = units[(units["level"] == "province") & units["valid_from"].notna()]
    if len(old_provinces) != 63 or len(new_provinces) != 34:
        problems.append(f"{len(old_provinces)} old and {len(new_provinces)} new provinces (expected 63 and 34)")
    if old_provinces["successor_code"].isna().any():
        problems.append("old provinces without a successor")
    if problems:
        raise SystemExit(f"{PACKAGE}: refusing to write {OUT}: " + "; ".join(problems))


def main() -> None:
    units = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    units.to_csv(OUT, index=False, compression={"method": "gzip", "mtime": 0}, encoding="utf-8")
    era = units["valid_from"].isna().map({True: "before 2025-07-01", False: "from 2025-07-01"})
    print(units.groupby([era, "level"]).size().to_string())
    print(f"wrote {len(units)} units to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
