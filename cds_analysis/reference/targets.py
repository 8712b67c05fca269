"""The targets units are measured against (2025, 2026, 2030…), and which one applies where.

Two kinds of target rows share the ``targets`` schema:

* ``origin='reference'``: national decisions and provincial plans, kept with
  their legal source (number, date, level, the number as written, the page it
  was read on, whether the figure was confirmed in the source's wording) in
  ``data/targets.csv`` (:func:`load_targets`);
* ``origin='report'``: goals stated inside ingested reports, i.e. observations
  with ``is_target`` (:func:`targets_from_reports`).

``scope`` is ``'national'`` or the code of the unit whose plan sets the target:
a province code for provincial plans, and for report targets the unit the
report speaks for (a district code for 'huyện Yên Định giao 6 xã…'); ``map``
says which map that code is on (the 2025 list reuses old numbers).
:func:`applicable_targets` picks one target per progress row; its rules are in
its docstring.

A target's ``year`` is its horizon: :func:`applicable_targets` takes the targets
of one year. Where a newspaper and a decision set the same indicator, tier and
scope, both rows stay and the newspaper's names the decision's in
``superseded_by``; superseded targets never apply.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cds_analysis.errors import TargetsError
from cds_analysis.reference.levels import ADMIN_LEVELS
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP, TARGETS

__all__ = [
    "TARGETS_CSV",
    "COMPARATORS",
    "TARGET_LEVELS",
    "SOURCE_KINDS",
    "SOURCE_LEVELS",
    "TARGET_YEAR",
    "TargetsError",
    "load_targets",
    "targets_from_reports",
    "applicable_targets",
    "meets",
    "lower_is_better",
]

TARGETS_CSV = Path(__file__).parent / "data" / "targets.csv"
COMPARATORS = (">=", ">", "<=", "top_n")
TARGET_LEVELS = ADMIN_LEVELS[:-1]  # no village targets
SOURCE_KINDS = ("decision", "resolution", "plan", "programme", "newspaper", "report")
SOURCE_LEVELS = ("national", "province")
TARGET_YEAR = 2025

_LOWER_IS_BETTER = ("<=", "top_n")
_QUALIFIER_COMPARATOR = {"at_least": ">=", "more_than": ">", "less_than": "<="}
_REQUIRED = [f.name for f in TARGETS if not f.nullable and f.name != "origin"]


def load_targets(path: str | os.PathLike = TARGETS_CSV) -> pd.DataFrame:
    """The sourced targets (``origin='reference'``) in the ``targets`` schema.

    Raises :class:`TargetsError` naming the file, the line and the reason for
    a missing value, an unknown comparator or level, a number that does not
    parse, or a duplicated ``target_id``.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    expected = [n for n in TARGETS.names if n != "origin"]
    if list(raw.columns) != expected:
        raise TargetsError(f"{path}: header must be {','.join(expected)}; found {','.join(raw.columns)}")

    def fail(mask: pd.Series, reason: str) -> None:
        if mask.any():
            i = int(np.flatnonzero(mask.to_numpy())[0])
            raise TargetsError(f"{path}, line {i + 2} ({raw['target_id'].iat[i]!s}): {reason}")

    for column in _REQUIRED:
        fail(raw[column].isna(), f"{column} is empty")
    fail(~raw["comparator"].isin(COMPARATORS), f"comparator must be one of {', '.join(COMPARATORS)}")
    fail(~raw["admin_level"].isin(TARGET_LEVELS), f"admin_level must be one of {', '.join(TARGET_LEVELS)}")
    fail(~raw["scope"].str.fullmatch(r"national|\d+"), "scope must be 'national' or a unit code")
    national = raw["scope"].eq("national")
    fail(national & raw["map"].notna(), "map must be empty for a national scope")
    fail(~national & ~raw["map"].isin([OLD_MAP, NEW_MAP]), f"map must be {OLD_MAP} or {NEW_MAP} for a unit's scope")
    fail(~raw["confirmed"].isin(["True", "False"]), "confirmed must be True or False")
    fail(~raw["source_kind"].isin(SOURCE_KINDS), f"source_kind must be one of {', '.join(SOURCE_KINDS)}")
    fail(
        raw["source_level"].notna() & ~raw["source_level"].isin(SOURCE_LEVELS),
        f"source_level must be one of {', '.join(SOURCE_LEVELS)}",
    )
    fail(raw["target_id"].duplicated(), "target_id already used on an earlier line")
    same = ["indicator", "admin_level", "scope", "map"]
    winner = raw[["target_id", *same]].set_index("target_id").reindex(raw["superseded_by"])
    differs = (winner.to_numpy() != raw[same].to_numpy()).any(axis=1)
    fail(
        raw["superseded_by"].notna() & pd.Series(differs, index=raw.index),
        "superseded_by must name a target of the same indicator, admin_level and scope (and map)",
    )
    value = pd.to_numeric(raw["target_value"], errors="coerce")
    fail(value.isna(), "target_value is not a number")
    year = pd.to_numeric(raw["year"], errors="coerce")
    fail(year.isna() | (year % 1 != 0), "year is not a whole number")
    date = pd.to_datetime(raw["source_date"], format="%Y-%m-%d", errors="coerce")
    fail(raw["source_date"].notna() & date.isna(), "source_date is not a YYYY-MM-DD date")

    out = raw.assign(
        target_value=value.astype(float),
        year=year.astype("int64"),
        source_date=date.dt.date,
        confirmed=raw["confirmed"].eq("True"),
        origin="reference",
    )
    return _as_schema(out)


def targets_from_reports(observations: pd.DataFrame, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Targets stated in ingested reports, as ``targets`` rows with ``origin='report'``.

    One row per observation with ``is_target``. The comparator comes from the
    qualifier ('tối thiểu' → '>=', 'trên' → '>', 'dưới' → '<='); an exact or
    approximate figure means 'reach at least this' (or 'at most this' when the
    catalogue says lower is better), and a rank means top-N. ``scope`` is the
    unit the report speaks for: the commune, else the district, else the
    province of the observation ('national' for national facts), on the
    observation's ``map``; ``year`` is
    the year its period ends. Targets without a period or a place, and those
    of indicator 'other', are left out: they cannot be matched to a year, a
    unit or one indicator.
    """
    obs = observations[observations["is_target"].astype(bool) & observations["indicator"].ne("other")]
    national = obs["admin_level"].eq("national")
    scope = obs["commune_code"].fillna(obs["district_code"]).fillna(obs["province_code"]).mask(national, "national")
    scope_name = obs["commune"].fillna(obs["district"]).fillna(obs["province"]).mask(national, "Toàn quốc")
    end = pd.to_datetime(obs["period_end"], errors="coerce")
    keep = scope.notna() & end.notna()
    obs, scope, scope_name, end = obs[keep], scope[keep], scope_name[keep], end[keep]
    scope_map = obs["map"].astype(object).where(scope.ne("national"), None)

    higher = _catalogue(indicators).set_index("code")["higher_is_better"]
    missing = pd.Series([None] * len(obs), index=obs.index, dtype=object)
    lower_is_better = obs["indicator"].map(higher).eq(False)
    comparator = obs["qualifier"].map(_QUALIFIER_COMPARATOR)
    default = np.where(lower_is_better, "<=", ">=")
    comparator = pd.Series(np.where(comparator.isna(), default, comparator), index=obs.index, dtype=object)
    comparator = comparator.mask(obs["unit"].eq("rank"), "top_n")

    out = pd.DataFrame(
        {
            "target_id": "R_" + obs["observation_id"].astype(str),
            "indicator": obs["indicator"],
            "admin_level": obs["admin_level"],
            "scope": scope,
            "map": scope_map,
            "scope_name": scope_name,
            "comparator": comparator,
            "target_value": obs["value"].astype(float),
            "as_written": missing,
            "unit": obs["unit"],
            "year": end.dt.year.astype("int64"),
            "source_decision": obs["source"],
            "source_kind": "report",
            "source_level": missing,
            "source_date": missing,
            "source_url": missing,
            "confirmed": True,
            "superseded_by": missing,
            "origin": "report",
            "note": obs["evidence"],
        }
    )
    return _as_schema(out)


def applicable_targets(
    rows: pd.DataFrame,
    targets: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    year: int = TARGET_YEAR,
) -> pd.DataFrame:
    """The one target of ``year`` that applies to each progress row, aligned on ``rows.index``.

    ``rows`` has ``indicator``, ``admin_level`` (the tier measured),
    ``unit_code`` on ``map``, the unit's ``province_code`` on ``province_map``
    and its ``district_code`` (districts are on the old map), and may have
    ``plan_province_code``: the pre-2025 province whose plans cover the unit
    when ``province_code`` is a post-2025 one (a province's plan outlives the
    2025 merger only for the units it was made for). A target applies when
    its indicator and tier match and its scope (code and map) is national or
    contains the unit. Counts (catalogue aggregation 'sum') are
    totals over the scope: 'Thanh Hóa: ≥ 300 communes complete CĐS' applies to
    the province's communes taken together, not to each district's. A
    national-tier target of a rate or rank (942/QĐ-TTg: 80% of dossiers fully
    online) also stands for every tier that has no target of its own.

    Superseded targets (``superseded_by`` set) never apply. Among several, the most specific wins: a target for the exact tier over a
    national one standing in; then district plan over province plan over
    national decision; then reference over report; confirmed over unconfirmed;
    the newer source over the older (undated sources last); then target_id.
    Returns columns target_id, target_value, comparator, target_year,
    target_source (NaN where none applies) and stand_in (True where a
    national-tier target stands in).
    """
    columns = ["target_id", "target_value", "comparator", "target_year", "target_source", "stand_in"]
    rule = _catalogue(indicators).set_index("code")["aggregation"]
    current = targets["superseded_by"].isna() if "superseded_by" in targets else True
    t = targets[(targets["year"] == year) & current].assign(
        is_count=lambda d: d["indicator"].map(rule).eq("sum"),
        target_year=lambda d: d["year"],
        target_source=lambda d: d["source_decision"],
        source_day=lambda d: pd.to_datetime(d["source_date"]),
    )
    r = rows[["indicator", "admin_level", "unit_code", "province_code", "district_code"]].copy()
    r["unit_map"], r["province_map"] = rows["map"], rows["province_map"]
    if "plan_province_code" in rows:
        r["plan_province_code"], r["plan_map"] = rows["plan_province_code"], OLD_MAP
    else:
        r["plan_province_code"], r["plan_map"] = r["province_code"], r["province_map"]
    r["row"] = np.arange(len(r))
    t = t.rename(columns={"map": "scope_map"})

    # A target can apply only where its scope is national or one of the row's units: joining on
    # the scope keeps to those pairs. (Joined on indicator and level alone, every district row met
    # every district target stated in any report: 0.9 GB at 20,000 reports.)
    on = ["indicator", "admin_level", "scope", "scope_map"]
    candidates = [r.merge(t[t["scope"].eq("national")], on=["indicator", "admin_level"])]
    for code, map_ in [
        ("province_code", "province_map"),
        ("plan_province_code", "plan_map"),
        ("district_code", None),  # districts are on the old map only
        ("unit_code", "unit_map"),
    ]:
        left = r.assign(scope=r[code], scope_map=r[map_] if map_ else OLD_MAP)
        candidates.append(left[left["scope"].notna()].merge(t, on=on))
    exact = pd.concat(candidates, ignore_index=True).drop_duplicates(["row", "target_id"]).assign(stand_in=False)
    national = t[t["admin_level"].eq("national") & t["scope"].eq("national") & ~t["is_count"]]
    stand_in = r.merge(national.drop(columns="admin_level"), on="indicator").assign(stand_in=True)
    c = pd.concat([exact, stand_in], ignore_index=True)

    def scope_is(code: str, map_: str | pd.Series) -> pd.Series:
        return c["scope"].eq(c[code]) & c["scope_map"].eq(map_)

    province_plan = scope_is("province_code", c["province_map"]) | scope_is("plan_province_code", c["plan_map"])
    unit_plan = scope_is("unit_code", c["unit_map"])
    rank = np.select(
        [c["scope"].eq("national"), province_plan, scope_is("district_code", OLD_MAP), unit_plan], [0, 1, 2, 3], -1
    )
    is_province_row = c["unit_code"].eq(c["province_code"]) & c["unit_map"].eq(c["province_map"])
    for_the_unit = unit_plan | (is_province_row & province_plan)
    c = c.assign(scope_rank=rank)
    c = c[(c["scope_rank"] >= 0) & (~c["is_count"] | for_the_unit)]
    c = c.assign(from_report=c["origin"].ne("reference"), unconfirmed=~c["confirmed"].astype(bool))
    c = c.sort_values(
        ["row", "stand_in", "scope_rank", "from_report", "unconfirmed", "source_day", "target_id"],
        ascending=[True, True, False, True, True, False, True],
        na_position="last",
        kind="mergesort",
    ).drop_duplicates("row")

    out = c.set_index("row")[columns].reindex(pd.RangeIndex(len(r)))
    out["target_value"] = out["target_value"].astype(float)
    out["target_year"] = out["target_year"].astype("Int64")
    out["stand_in"] = out["stand_in"].fillna(False).astype(bool)
    out.index = rows.index
    return out


def meets(value: np.ndarray, comparator: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Whether each ``value`` reaches its ``target`` under ``comparator`` (False where unknown)."""
    value, target = np.asarray(value, dtype=float), np.asarray(target, dtype=float)
    comparator = np.asarray(comparator, dtype=object)
    with np.errstate(invalid="ignore"):
        ok = np.select(
            [comparator == ">=", comparator == ">", np.isin(comparator, _LOWER_IS_BETTER)],
            [value >= target, value > target, value <= target],
            False,
        )
    return ok & ~np.isnan(value) & ~np.isnan(target)


def lower_is_better(comparator: np.ndarray) -> np.ndarray:
    """Whether a comparator asks for a value at or below the target (ranks, '<=')."""
    return np.isin(np.asarray(comparator, dtype=object), _LOWER_IS_BETTER)


def _catalogue(indicators: pd.DataFrame | None) -> pd.DataFrame:
    """The indicator catalogue given, or the package's."""
    if indicators is None:
        from cds_analysis.reference.indicators import load_indicators

        indicators = load_indicators()
    return indicators


def _as_schema(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` cast to the ``targets`` schema, sorted by target_id, as read back from Parquet."""
    table = pa.Table.from_pandas(df[TARGETS.names], schema=TARGETS, preserve_index=False)
    return table.to_pandas().sort_values("target_id", kind="mergesort", ignore_index=True)
