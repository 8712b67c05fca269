"""Where each province, district and commune stands against its targets, with the rule behind each status.

:func:`progress` gives one row per unit × indicator × tier measured. The tier
(``admin_level``) is read as in the observations: the tier whose units the
figure measures. A district therefore has up to two rows per indicator: its
own apparatus (``admin_level='district'``: 'hồ sơ công việc tại cấp huyện',
target 80% under 749/QĐ-TTg) and its communes taken together
(``admin_level='commune'``: target 60%). A province adds a third, its own.
Filter on ``admin_level`` to compare like with like.

Where a row's value comes from (the rules are in :mod:`.rollup`):

1. The unit's own figure: achieved observations (not targets, not
   indicator 'other') of that unit and tier. A collective such as 'các xã,
   thị trấn huyện Trà Bồng' (admin_level commune, district code set, no
   commune code) is an observation of the district's commune tier, covering
   every commune of the district. Figures about villages are no unit's.
   Two figures of one unit, tier, indicator and period end are never
   averaged: one is chosen (more specific period, later publication, official
   report over news article) and the others are listed in ``set_aside_ids``.
2. Otherwise a roll-up of the units one level down, of the same period:
   counts summed (complete coverage: ``sum``; else ``sum_partial``, a lower
   bound), rates weighted by known denominators over complete coverage
   (``weighted_mean``); nothing else. ``n_units_reported`` of
   ``n_units_total`` units of the tier is the coverage.

``observation_ids`` lists the observations each value was taken or summed
from: the evidence trail.

Codes are plain statistics-office codes; ``map`` says which map a row's
``unit_code`` is on and ``province_map`` which map its ``province_code`` is
on. With ``map=NEW_MAP`` ('2025') the 63 old provinces are rolled up into
their successors (34 provinces) as one more step: a new province made of one old
province keeps its values as they are (ranks and plans included), a merged
one gets the roll-up. District and commune rows then name the new province.
Communes created on 1 July 2025 roll straight into their new province.

Dates: a value carries its period end (``latest_period_end``) and its age in
quarters at ``as_of`` (``age_quarters``). Observations without a period are
left out unless ``documents`` is given: then they count as of their
document's publication day (``latest_period`` 'as_of YYYY-MM-DD',
``dated_by_document`` True). The stored ``progress`` table is built with the
documents table; pass it too to get the same answer (without it, a warning
says how many undated figures were left out).

Horizon: ``horizon`` (2025 by default, 2026, 2030…) picks the targets of that
year. Once its year is over (``as_of`` at or after 31 December of it) the
status is final (met / not met) and rests on the values up to that day: a
2026 figure does not change whether a 2025 target was met. The trend is the
least-squares slope over the unit's own dated series; the projection carries
the latest value to 31 December of the horizon year.
:mod:`.assess` decides the status and writes its rule (``status_rule``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from cds_analysis.analysis.assess import STALE_AFTER_QUARTERS, STATUSES, assess
from cds_analysis.analysis.rollup import (
    AGGREGATIONS,
    COMMUNE,
    DISTRICT,
    MAPS,
    NEW,
    OLD,
    REFORM_DAY,
    RULES,
    TIERS,
    Observations,
    Points,
    Tree,
    codes_of,
    index_in,
    latest_and_trend,
    names_of,
)
from cds_analysis.lang.periods import Period
from cds_analysis.log import logger
from cds_analysis.reference.gazetteer import current_province_codes, load_units
from cds_analysis.reference.indicators import load_indicators
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP, PROGRESS, empty_frame
from cds_analysis.reference.targets import TARGET_YEAR, applicable_targets, load_targets, targets_from_reports

__all__ = [
    "TIERS",
    "STATUSES",
    "AGGREGATIONS",
    "STALE_AFTER_QUARTERS",
    "REFORM_DAY",
    "progress",
    "progress_table",
    "progress_by_province",
    "reported_pairs",
    "latest_quarter",
    "period_end_of",
    "INPUT_COLUMNS",
]

INPUT_COLUMNS = (  # the observation columns progress reads; 'evidence' only for targets=None (a report's target's note)
    "observation_id",
    "document_id",
    "source",
    "indicator",
    "value",
    "unit",
    "denominator",
    "qualifier",
    "is_target",
    "period_label",
    "period_start",
    "period_end",
    "admin_level",
    "province",
    "province_code",
    "district",
    "district_code",
    "commune",
    "commune_code",
    "map",
    "evidence",
)
"""Reading only these from Parquet (``pq.read_table(path, columns=INPUT_COLUMNS)``) spares 11 of the 32 columns."""
_POINT_LABEL = re.compile(r"\d{4}(?:-(?:Q[1-4]|H[12]|\d{2}(?:-\d{2})?))?")  # as_of is one point, not a range
_DEPTH_TIER = np.array([0, 0, 1, 2])
_UNIT_CODES = ("province_code", "district_code", "commune_code")
_ROW_ORDER = ["map", "unit_code", "admin_level", "indicator"]  # the order of a level's rows


def progress(
    observations: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    as_of: str | None = None,
    level: str = "province",
    map: str = OLD_MAP,
    units: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    horizon: int = TARGET_YEAR,
    reported: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Progress of every unit of ``level`` towards its targets of ``horizon``, in the ``progress`` schema.

    ``observations`` is the observations table; ``targets`` defaults to the
    package's targets plus those stated in the observations; ``as_of`` is a
    period label ('2023', '2023-Q2', '2023-H1', '2023-06', '2023-06-30') whose
    last day is the cut-off, by default the latest quarter observed (as the
    stored table); ``level`` is 'province', 'district' or 'commune';
    ``map`` is the map of the provinces: :data:`OLD_MAP` '2008–2025' (63
    provinces) or :data:`NEW_MAP` '2025' (34); ``units``
    and ``indicators`` default to the gazetteer and the catalogue;
    ``documents`` (the documents table), when given, dates undated
    observations by publication and breaks ties by the later publication;
    ``horizon`` is the target year (2025, 2030 or any year);
    ``reported`` (:func:`reported_pairs`) lists the tiers × indicators results
    were reported for, whose no-data rows show the gaps in coverage: by default
    those of ``observations``, but a part of the country computed alone passes
    the whole country's (:func:`progress_by_province`). The module
    docstring says how values, roll-ups, trend and status are obtained.
    """
    if level not in TIERS:
        raise ValueError(f"level must be one of {', '.join(TIERS)}; got {level!r}")
    if map not in MAPS:
        raise ValueError(f"map must be {OLD_MAP!r} or {NEW_MAP!r}; got {map!r}")
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or not 2000 <= horizon <= 2100:
        raise ValueError(f"horizon must be a target year such as 2025 or 2030; got {horizon!r}")
    as_of = latest_quarter(observations) if as_of is None else as_of
    cutoff = period_end_of(as_of)
    horizon_day = np.datetime64(f"{int(horizon)}-12-31", "D")
    judged = min(cutoff, horizon_day)  # a target whose year is over is judged on the values up to its deadline
    units = load_units() if units is None else units
    indicators = load_indicators() if indicators is None else indicators
    if targets is None:
        targets = _default_targets(observations, indicators)
    province_depth = NEW if map == NEW_MAP else OLD
    depth = {"province": province_depth, "district": DISTRICT, "commune": COMMUNE}[level]
    if documents is None:
        _warn_undated(observations)

    tree = Tree(units)
    published = None if documents is None else documents.set_index("document_id")["published"]
    obs = Observations(observations, judged, published)
    tree.anchor(obs)
    reported = _reported(obs) if reported is None else reported
    named = [pd.Series(obs.indicator_names, dtype=object), targets["indicator"], reported["indicator"]]
    names = pd.Index(pd.unique(pd.concat(named)))
    catalogue = indicators.set_index("code").reindex(names)
    rule = catalogue["aggregation"].map({r: i for i, r in enumerate(RULES)}).fillna(0).to_numpy(np.int8)

    points = Points.from_observations(obs, tree)
    for child_depth in range(COMMUNE, depth, -1):
        points.roll_up(tree, child_depth, rule, passthrough=child_depth == OLD)
    found = latest_and_trend(points, tree, depth, obs, catalogue["unit"].to_numpy(object), horizon_day)
    era = int(map == NEW_MAP and cutoff >= np.datetime64(REFORM_DAY))
    observed = reported[reported["first_end"] <= judged]
    rows = _rows(
        found, observed, tree, depth, province_depth, era, names, targets, catalogue.reset_index(names="code"), horizon
    )
    rows = rows.assign(as_of=str(as_of), horizon=int(horizon))
    return _as_schema(assess(rows, judged, str(as_of)))


def latest_quarter(observations: pd.DataFrame, today: date | None = None) -> str:
    """Label of the quarter of the latest result observed (not after ``today``), e.g. '2024-Q4'."""
    today = today or date.today()
    return _quarter(_last_result_end(observations, today) or pd.Timestamp(today))


def _last_result_end(observations: pd.DataFrame, today: date) -> pd.Timestamp | None:
    """The latest period end of a result (not a target), not after ``today``; None if there is none."""
    ends = pd.to_datetime(observations.loc[~observations["is_target"].astype(bool), "period_end"], errors="coerce")
    ends = ends[ends <= pd.Timestamp(today)]
    return ends.max() if len(ends.dropna()) else None


def _quarter(day: pd.Timestamp) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def progress_table(
    observations: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    levels: tuple[str, ...] = ("province", "district"),
) -> pd.DataFrame:
    """The ``progress`` table ingest writes: each level, as of the latest quarter observed, horizon 2025.

    ``progress(observations, documents=documents, level=...)`` gives the same
    rows; commune level, other as_of periods, horizons and the 34 post-2025
    provinces are a call to :func:`progress` away.
    """
    frames = [progress(observations, level=level, documents=documents) for level in levels]
    return pd.concat(frames, ignore_index=True) if frames else progress(observations, documents=documents)


def progress_by_province(
    parts: Mapping[tuple[str | None, ...], Callable[[], pd.DataFrame]],
    documents: pd.DataFrame | None = None,
    levels: tuple[str, ...] = ("province", "district"),
) -> pd.DataFrame:
    """The rows of :func:`progress_table`, computed a part of the country at a time.

    Why: at a country's scale the observations, not the rows, fill memory;
    a province's units roll up within it, so only a part's observations need
    to be held. ``parts`` maps the ``current_province_code`` values of each
    part (provinces of the 2025 map; None for observations placed in no
    province of the gazetteer) to a function reading the part's observations
    (:data:`INPUT_COLUMNS`, in table order); every observation of a province
    must be in its part. Three inputs are the whole country's and are
    gathered first, in one pass over the parts: the ``as_of`` quarter, the
    targets stated in reports (a national one applies everywhere) and the
    tiers × indicators reported anywhere (their no-data rows). Provinces in
    no part are computed together, without observations: they have no-data
    rows.
    """
    if not parts:
        return progress_table(_no_observations(), documents, levels)
    today = date.today()
    ends, stated, pairs = [], [], []
    for read in parts.values():
        frame = read()
        ends.append(_last_result_end(frame, today))
        stated.append(frame[frame["is_target"].astype(bool)])
        pairs.append(reported_pairs(frame, documents))
    as_of = _quarter(max((e for e in ends if e is not None), default=pd.Timestamp(today)))
    targets = _default_targets(pd.concat(stated, ignore_index=True), load_indicators())
    del stated
    reported = _earliest(pd.concat(pairs, ignore_index=True))
    units = load_units()
    under = _units_by_province()
    without = tuple(code for code in under if not any(code in codes for codes in parts))
    by_level: dict[str, list[pd.DataFrame]] = {level: [] for level in levels}
    for codes, read in [*parts.items(), *([(without, _no_observations)] if without else [])]:
        frame = read()
        part_units = units.iloc[np.sort(np.concatenate([under.get(code, []) for code in codes]).astype(int))]
        named = set(part_units["code"]).union(*(frame[c].dropna() for c in _UNIT_CODES))
        # Only a target whose scope is the country or one of the part's units can apply in it.
        here = targets[targets["scope"].eq("national") | targets["scope"].isin(named)]
        for level in levels:
            rows = progress(frame, here, as_of, level, units=part_units, documents=documents, reported=reported)
            by_level[level].append(rows)
    frames = [
        pd.concat(by_level[level], ignore_index=True).sort_values(_ROW_ORDER, kind="mergesort", ignore_index=True)
        for level in levels
    ]
    return pd.concat(frames, ignore_index=True)


def reported_pairs(observations: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The tiers × indicators results were reported for, whatever their date, with the first period end.

    Columns admin_level, indicator, first_end (datetime64[D]). :func:`progress`
    keeps the pairs whose first end is by its cut-off, as it would find them
    in the observations themselves.
    """
    published = None if documents is None else documents.set_index("document_id")["published"]
    obs = Observations(observations, np.datetime64("9999-12-31"), published)
    obs.take(obs.anchor_depth >= 0)  # as Tree.anchor keeps them: an observation naming no unit is no unit's
    return _reported(obs)


def _reported(obs: Observations) -> pd.DataFrame:
    """:func:`reported_pairs` of observations already read."""
    pairs = pd.DataFrame(
        {
            "admin_level": np.asarray(TIERS, object)[obs.tier],
            "indicator": np.asarray(obs.indicator_names, object)[obs.indicator],
            "first_end": obs.end,
        }
    )
    return _earliest(pairs)


def _earliest(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per tier × indicator of ``pairs``, with its earliest ``first_end``."""
    return pairs.groupby(["admin_level", "indicator"], as_index=False, sort=False).agg(first_end=("first_end", "min"))


def _units_by_province() -> dict[str | None, np.ndarray]:
    """Row positions in :func:`load_units` of each 2025 province's units: those whose figures roll up into it."""
    codes = pd.Series(current_province_codes(), dtype=object)
    return {str(code): np.asarray(rows) for code, rows in codes.groupby(codes, sort=True).indices.items()}


def _default_targets(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The package's targets and those stated in ``observations`` (only its target rows are read)."""
    return pd.concat([load_targets(), targets_from_reports(observations, indicators)], ignore_index=True)


def _no_observations() -> pd.DataFrame:
    """An observations frame without rows, in the columns progress reads."""
    return empty_frame("observations")[list(INPUT_COLUMNS)]


def period_end_of(label: str) -> np.datetime64:
    """Last day of a period label: '2023', '2023-Q2', '2023-H1', '2023-06' or '2023-06-30'."""
    text = str(label).strip()
    if not _POINT_LABEL.fullmatch(text):
        raise ValueError(f"as_of {label!r} is not a period label such as '2023', '2023-Q2', '2023-H1' or '2023-06-30'")
    return np.datetime64(Period.from_label(text).end, "D")


def _warn_undated(observations: pd.DataFrame) -> None:
    """Say how many achieved figures without a period are left out for want of the documents table."""
    undated = observations["period_end"].isna() & ~observations["is_target"].astype(bool)
    if undated.any():
        logger.warning(
            "progress: %d observations without a period are left out; pass documents= (the documents table) "
            "to date them by publication as the stored progress table does",
            int(undated.sum()),
        )


def _rows(
    found: pd.DataFrame,
    observed: pd.DataFrame,
    tree: Tree,
    depth: int,
    province_depth: int,
    era: int,
    names: pd.Index,
    targets: pd.DataFrame,
    catalogue: pd.DataFrame,
    horizon: int,
) -> pd.DataFrame:
    """The grid of units × (tier, indicator) with their values, names and applicable target of ``horizon``.

    ``province_depth`` says which provinces rows name (old or new); ``era``
    is the era of the units listed without data (1: after the reform).
    """
    grid = _grid(tree, depth, era, observed, found, targets[targets["year"] == horizon], names)
    rows = grid.merge(
        found.astype({"node": int, "tier": int, "indicator": int}), on=["node", "tier", "indicator"], how="left"
    )
    node, tier = rows["node"].to_numpy(), rows["tier"].to_numpy()
    province = tree.ancestor[node, province_depth]
    plans = tree.predecessor[node] if depth == NEW else tree.ancestor[node, OLD]
    rows = rows.assign(
        unit_code=tree.code[node],
        map=np.asarray(MAPS, object)[tree.era[node]],
        unit_name=tree.name[node],
        admin_level=np.asarray(TIERS, object)[tier],
        province_code=codes_of(tree, province),
        province_map=MAPS[int(province_depth == NEW)],
        province=names_of(tree, province),
        district_code=codes_of(tree, tree.ancestor[node, DISTRICT]),
        plan_province_code=codes_of(tree, plans),
        indicator=names.to_numpy(object)[rows["indicator"].to_numpy()],
        n_periods=rows["n_periods"].fillna(0).astype(int),
        n_units_reported=rows["n_units_reported"].mask(rows["latest_value"].isna(), 0),
        n_units_total=tree.total[rows["era"].fillna(era).to_numpy(int), node, tier],
        dated_by_document=rows["dated_by_document"].astype("boolean").fillna(False).astype(bool),
    )
    rows = pd.concat([rows, applicable_targets(rows, targets, catalogue, year=horizon)], axis=1)
    keep = rows["latest_value"].notna() | rows["observed_pair"] | (rows["target_id"].notna() & ~rows["stand_in"])
    return rows[keep].reset_index(drop=True)


def _grid(
    tree: Tree,
    depth: int,
    era: int,
    observed: pd.DataFrame,
    found: pd.DataFrame,
    targets: pd.DataFrame,
    names: pd.Index,
) -> pd.DataFrame:
    """Every unit of ``era`` at ``depth`` × every (tier, indicator) observed or targeted at or below it.

    Units of the other era appear only where they have data (districts exist
    in the old era only; new provinces in the new one).

    ``observed_pair`` marks the pairs some unit of any level reported (``observed``, from
    :func:`reported_pairs`): their no-data rows
    show the gaps in coverage. Pairs that are only targeted (in ``targets``,
    those of the horizon) keep their no-data rows where a target for that
    very tier applies.
    """
    observed = pd.DataFrame(
        {
            "tier": index_in(observed["admin_level"], TIERS),
            "indicator": names.get_indexer(pd.Index(observed["indicator"])),
        }
    )
    observed = observed[observed["tier"] >= _DEPTH_TIER[depth]]
    t = targets[targets["admin_level"].isin(TIERS[_DEPTH_TIER[depth] :])]
    targeted = pd.DataFrame(
        {"tier": index_in(t["admin_level"], TIERS), "indicator": names.get_indexer(pd.Index(t["indicator"]))}
    )
    pairs = pd.concat([observed.assign(observed_pair=True), targeted.assign(observed_pair=False)])
    pairs = pairs.drop_duplicates(["tier", "indicator"]).reset_index(drop=True)
    listed = tree.counted & ((tree.era == era) | (depth in (NEW, OLD, DISTRICT)))
    units = np.flatnonzero((tree.depth == depth) & (listed | np.isin(np.arange(len(tree.code)), found["node"])))
    grid = pairs.iloc[np.tile(np.arange(len(pairs)), len(units))].reset_index(drop=True)
    grid["node"] = np.repeat(units, len(pairs))
    return grid


def _as_schema(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in the ``progress`` schema, ordered by unit, tier and indicator."""
    rows = rows.assign(
        n_units_reported=rows["n_units_reported"].round().astype("Int64"),
        n_units_total=rows["n_units_total"].round().astype("Int64"),
        target_source=rows["target_source"].astype(object),
        latest_period_end=pd.to_datetime(rows["latest_period_end"]).dt.date,
    ).sort_values(_ROW_ORDER, kind="mergesort")
    return pa.Table.from_pandas(rows[PROGRESS.names], schema=PROGRESS, preserve_index=False).to_pandas()
