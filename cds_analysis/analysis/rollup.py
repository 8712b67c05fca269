"""The roll-up engine behind :mod:`cds_analysis.analysis.progress`: units as a tree, values as points.

A *point* is the value of one unit, tier and indicator at one period end.
Observations become points, and points of the units one level down become
points of their parent, by rules that only combine like with like:

- **One value per unit, tier, indicator and period end.** Several
  observations of one point are never averaged: the one with the more
  specific (shorter) period wins, then the later publication (when the
  documents table is given), then an official report (.docx, .pdf, .xlsx,
  .xls, .csv) over a news article (.txt, .html), then the first in the table.
  The others are *set aside* and listed beside the value; the ``conflicts``
  table pairs those that disagree.
- **A parent's own figure wins** over the roll-up of its children for the same period.
- **Counts (catalogue rule 'sum') add up** over the children reporting the
  same period (same end and label). When they cover every unit of the tier
  under the parent the sum is the parent's (``sum``); otherwise it is a lower
  bound (``sum_partial``: "at least N, from k of n units").
- **Rates (rule 'weighted_mean') combine** only weighted by denominators that
  every child gives, and only over complete coverage (``weighted_mean``);
  otherwise the parent gets no value and its children's rows show theirs.
- **Other rules** ('mean', 'none': ranks, scores, speeds) are never rolled up.
- **Old provinces → new provinces** (``passthrough``): a new province made of
  one old province keeps its points as they are; a merged one gets the roll-up.

Coverage (``reported``) counts the units of the tier a point covers; the tree
knows how many there are (``Tree.total``). A series (trend, projection) uses
only a unit's own dated points and complete roll-ups, one per period end.

Everything runs on whole columns (NumPy/Arrow), never a Python loop per row.

The latest-value step (one figure per unit, indicator and period end by the
rule, the latest of them, the trend, the chosen and set-aside ids) stays in
NumPy, not DuckDB, by measurement: ``benchmarks/bench_progress.py --rows
1000000 3000000 10000000`` times both in one run, on the same data, and
checks they give the same rows. At 11M observations (two shared cores) the
library took 3.8 s on the frame in memory; DuckDB running the same step as
one query took 16.7 s on the Parquet file and 12.6 s on the Arrow table,
with more memory (RSS rose 2.8 GB and 1.9 GB against 1.3 GB); even the rule
applied at the latest end alone, without the other ends, trend or split ids,
took DuckDB 3.3 s and 4.7 s, about the library's time for the whole step. DuckDB wins only a bare ``arg_max`` without the
rule (0.7 s). Handing the step over would also mean converting the frame and
still choosing a figure per period end here for the roll-ups and their
evidence. At ten million rows most of the cost is fresh memory (the kernel
faulting in pages for each large temporary), so the step keeps few: one sort
keys packed into one integer (:func:`_sort_order`), ranks per period code read
by each point (:func:`_period_ranks`), presence tables instead of
hashing (:func:`_periods`, :func:`_dense_codes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cds_analysis.reference.levels import UNIT_LEVELS
from cds_analysis.reference.measures import BOUNDS
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP

__all__ = [
    "TIERS",
    "AGGREGATIONS",
    "OFFICIAL_FORMATS",
    "REFORM_DAY",
    "Tree",
    "Observations",
    "Points",
    "latest_and_trend",
    "MAPS",
    "codes_of",
    "names_of",
    "index_in",
]

TIERS = UNIT_LEVELS
AGGREGATIONS = ("observed", "sum", "weighted_mean", "sum_partial")
OFFICIAL_FORMATS = ("docx", "pdf", "xlsx", "xls", "csv")  # a unit's own report, not a news article
REFORM_DAY = date(2025, 7, 1)

# Node depths in the unit tree: new (post-2025) province, old province, district, commune.
NEW, OLD, DISTRICT, COMMUNE = 0, 1, 2, 3
MAPS = (OLD_MAP, NEW_MAP)  # era number → map of the units of that era
_DEPTH_ERA = {NEW: 1, OLD: 0, DISTRICT: 0}  # the era of every node at these depths; communes have both
_DEPTH_TIER = np.array([0, 0, 1, 2])  # the tier a node of each depth is a unit of
RULES = ("none", "sum", "weighted_mean", "mean")  # catalogue aggregation → rule number
_OBSERVED, _SUM, _WEIGHTED, _PARTIAL = range(4)  # positions in AGGREGATIONS
_YEAR_ZERO = np.datetime64("2020-01-01", "D")


class Tree:
    """Units as integer nodes, with parents, ancestors, and how many units of each tier they hold.

    Two eras share the tree. Before 1 July 2025: old provinces, districts and
    communes; an old province's parent is its successor. After it: the new
    provinces and the new communes, whose parent is their new province. A
    unit is (code, map): a node is found by its depth, era and plain code, so
    '52' of the old map (Bình Định) and '52' of the new one (Gia Lai) stay two.
    ``total[era, node, tier]`` counts the units of a tier and era under a node
    (a node counts itself). Codes met in observations but missing from the
    gazetteer become nodes too, named as the observation names them, but are
    not counted.
    """

    def __init__(self, units: pd.DataFrame):
        valid_from, valid_to = pd.to_datetime(units["valid_from"]), pd.to_datetime(units["valid_to"])
        reform = pd.Timestamp(REFORM_DAY)
        before, after = ~(valid_from >= reform), ~(valid_to < reform)
        level = units["level"]
        province, commune = level.eq("province"), level.eq("commune")
        parts = [
            units[province & after].assign(depth=NEW, era=1, parent_code=None),
            units[province & before].assign(
                depth=OLD, era=0, parent_code=lambda d: d["successor_code"].fillna(d["code"])
            ),
            units[level.eq("district") & before].assign(depth=DISTRICT, era=0),
            units[commune & before].assign(depth=COMMUNE, era=0),
            units[commune & ~before].assign(depth=COMMUNE, era=1),
        ]
        nodes = pd.concat(parts, ignore_index=True)[["code", "name", "depth", "era", "parent_code"]]
        self.nodes = nodes.drop_duplicates(["depth", "era", "code"]).assign(counted=True).reset_index(drop=True)
        self._link()

    def _link(self) -> None:
        """Arrays of parents, ancestors and unit counts from the node table."""
        n, size = self.nodes, len(self.nodes)
        self.code = n["code"].to_numpy(object)
        self.name = n["name"].to_numpy(object)
        self.depth = n["depth"].to_numpy(np.int8)
        self.era = n["era"].to_numpy(np.int8)
        self.counted = n["counted"].to_numpy(bool)
        upper = self.depth < COMMUNE
        self.upper_rank = np.where(upper, np.cumsum(upper) - 1, -1).astype(np.int32)  # compact id of possible parents
        self.parent = np.full(size, -1, np.int32)
        for d in (OLD, DISTRICT, COMMUNE):
            for era, parent_depth in ((0, d - 1), (1, NEW)):
                at = (self.depth == d) & (self.era == era)
                self.parent[at] = self.lookup(parent_depth, n["parent_code"][at])
        self.ancestor = np.full((size, 4), -1, np.int32)
        rows = np.arange(size)
        self.ancestor[rows, self.depth] = rows
        up = rows
        for _ in range(3):
            up = np.where(up >= 0, self.parent[np.maximum(up, 0)], -1)
            self.ancestor[rows[up >= 0], self.depth[up[up >= 0]]] = up[up >= 0]
        old = np.flatnonzero((self.depth == OLD) & (self.parent >= 0))
        alone = np.bincount(self.parent[old], minlength=size)[self.parent[old]] == 1
        self.predecessor = np.full(size, -1, np.int32)  # the one old province a new province continues
        self.predecessor[self.parent[old][alone]] = old[alone]
        self.total = np.zeros((2, size, 3))
        tier = _DEPTH_TIER[self.depth]
        for d in range(4):
            anc = self.ancestor[:, d]
            ok = self.counted & (anc >= 0)
            np.add.at(self.total, (self.era[ok], anc[ok], tier[ok]), 1)
        self.total[self.era, rows, tier] = 1
        self.total[self.total == 0] = np.nan

    def lookup(self, depth: int, codes, era: int | None = None) -> np.ndarray:
        """Node ids of ``codes`` at ``depth`` in ``era`` (needed for communes, implied elsewhere); -1 where unknown."""
        at = np.flatnonzero((self.depth == depth) & (self.era == (_DEPTH_ERA[depth] if era is None else era)))
        i = pd.Index(self.code[at]).get_indexer(pd.Index(codes, dtype=object))
        return np.where(i >= 0, at[i], -1).astype(np.int32)

    def anchor(self, obs: Observations) -> None:
        """Set ``obs.node``, the unit each observation is about, adding units the gazetteer lacks."""
        node = self._anchor(obs)
        if ((node < 0) & (obs.anchor_depth >= 0)).any():
            self._add_observed(obs.frame.iloc[obs.frame_rows(np.flatnonzero(node < 0))])
            node = self._anchor(obs)
        obs.node = node
        obs.take(node >= 0)

    def _anchor(self, obs: Observations) -> np.ndarray:
        """Node of each observation: the unit its codes name, on the map they are on (its ``era``)."""
        node = np.full(len(obs.tier), -1, np.int32)
        for depth in (COMMUNE, DISTRICT, OLD):
            for era in (0, 1):
                at = (obs.anchor_depth == depth) & (obs.era == era)
                node_depth = NEW if depth == OLD and era == 1 else depth
                if at.all():
                    node = self._lookup_arrow(node_depth, era, obs.codes[depth])
                elif at.any():
                    node[at] = self._lookup_arrow(node_depth, era, obs.codes[depth].filter(pa.array(at)))
        return node

    def _lookup_arrow(self, depth: int, era: int, codes: pa.Array) -> np.ndarray:
        encoded = pc.dictionary_encode(codes)
        found = self.lookup(depth, encoded.dictionary.to_numpy(zero_copy_only=False), era)
        return found[encoded.indices.to_numpy(zero_copy_only=False)]

    def _add_observed(self, rows: pd.DataFrame) -> None:
        """Add the provinces, districts and communes ``rows`` name that the tree lacks, each on its row's map."""
        era_of_row = _era(rows["map"])
        for depth, era, code, name, parent in (
            (OLD, 0, "province_code", "province", None),
            (DISTRICT, 0, "district_code", "district", "province_code"),
            (COMMUNE, 0, "commune_code", "commune", "district_code"),
            (NEW, 1, "province_code", "province", None),
            (COMMUNE, 1, "commune_code", "commune", "province_code"),
        ):
            named = rows[rows[code].notna() & (era_of_row == era)].drop_duplicates(code)
            new = named[self.lookup(depth, named[code], era) < 0]
            added = pd.DataFrame(
                {
                    "code": new[code].astype(object),
                    "name": new[name].fillna(new[code]).astype(object),
                    "depth": depth,
                    "era": era,
                    "parent_code": new[parent].astype(object) if parent else None,
                    "counted": False,
                }
            )
            self.nodes = pd.concat([self.nodes, added], ignore_index=True)
            self._link()


class Observations:
    """The achieved observations that count at the cut-off, as flat arrays.

    ``rows`` maps each kept observation to its row in ``frame`` (None while
    every row is kept, which spares copies of ten-million-row columns).
    ``era`` is the era of the map its codes are on (0: '2008–2025', also when
    ``map`` is null, as the gazetteer reads a code by default; 1: '2025').
    ``published`` is the publication day of each one's document (NaT when
    unknown), ``official`` whether its source is a unit's own report.
    """

    _ARRAYS = (
        "tier",
        "end",
        "dated_by_document",
        "label",
        "value",
        "denominator",
        "published",
        "official",
        "indicator",
        "anchor_depth",
        "era",
        "node",
    )

    def __init__(self, frame: pd.DataFrame, cutoff: np.datetime64, published: pd.Series | None):
        self.frame = frame
        self.rows: np.ndarray | None = None
        self.node = np.zeros(0, np.int32)
        tier = index_in(frame["admin_level"], TIERS)
        end = _days(frame["period_end"])
        self.published = _per_document(frame["document_id"], published)
        dated = np.zeros(len(frame), bool)
        if published is not None:
            undated = np.isnat(end)
            end[undated] = self.published[undated]
            dated[undated] = ~np.isnat(end[undated])
        source = pc.dictionary_encode(_arrow(frame["source"]))
        extension = pc.utf8_lower(pc.extract_regex(source.dictionary, r"\.(?P<ext>[^./\\]+)$").field("ext"))
        official = pc.fill_null(pc.is_in(extension, pa.array(OFFICIAL_FORMATS)), False).to_numpy(zero_copy_only=False)
        self.official = official[source.indices.to_numpy(zero_copy_only=False)]
        indicator = _arrow(frame["indicator"])
        keep = (
            ~frame["is_target"].fillna(False).to_numpy(bool)
            & (tier >= 0)
            & pc.fill_null(pc.not_equal(indicator, "other"), False).to_numpy(zero_copy_only=False)
            & (end <= cutoff)
        )
        self.tier, self.end, self.dated_by_document = tier, end, dated
        label = pc.dictionary_encode(_arrow(frame["period_label"]))
        self.label = label.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
        self.value = frame["value"].to_numpy(float)
        self.denominator = frame["denominator"].to_numpy(float, na_value=np.nan)
        self.codes = {
            depth: _arrow(frame[column])
            for depth, column in ((OLD, "province_code"), (DISTRICT, "district_code"), (COMMUNE, "commune_code"))
        }
        self.era = _era(frame["map"])
        self.take(keep)
        encoded = pc.dictionary_encode(indicator if self.rows is None else indicator.take(pa.array(self.rows)))
        self.indicator = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        self.indicator_names = encoded.dictionary.to_numpy(zero_copy_only=False)
        self.anchor_depth = _anchor_depth(self.tier, self.codes)

    def take(self, keep: np.ndarray) -> None:
        """Keep only the observations where ``keep``."""
        if keep.all():
            return
        positions = np.flatnonzero(keep)
        self.rows = positions if self.rows is None else self.rows[positions]
        for name in self._ARRAYS:
            if hasattr(self, name) and len(getattr(self, name)) == len(keep):
                setattr(self, name, getattr(self, name)[positions])
        mask = pa.array(keep)
        self.codes = {depth: codes.filter(mask) for depth, codes in self.codes.items()}

    def frame_rows(self, positions: np.ndarray) -> np.ndarray:
        """Rows of ``frame`` of the kept observations at ``positions``."""
        return positions if self.rows is None else self.rows[positions]

    def durations(self, positions: np.ndarray) -> np.ndarray:
        """Length in days of the periods of the observations at ``positions`` (0 for a single day)."""
        start = _days(self.frame["period_start"].iloc[self.frame_rows(positions)])
        end = self.end[positions]
        return (end - np.where(np.isnat(start), end, start)).astype(int)

    def labels(self, positions: np.ndarray) -> np.ndarray:
        """Period labels of the observations at ``positions`` ('as_of <published>' for document-dated ones)."""
        label = np.array(self.frame["period_label"].iloc[self.frame_rows(positions)].to_numpy(dtype=object))
        label[pd.isna(label)] = None
        dated = self.dated_by_document[positions]
        label[dated] = ["as_of " + str(day) for day in self.end[positions][dated]]
        return label

    def ids(self, positions: np.ndarray) -> np.ndarray:
        """Observation ids of the observations at ``positions``."""
        return self.frame["observation_id"].iloc[self.frame_rows(positions)].to_numpy(object)


def _per_document(document_id: pd.Series, published: pd.Series | None) -> np.ndarray:
    """Publication day of each row's document (NaT where unknown or no documents are given)."""
    if published is None:
        return np.full(len(document_id), np.datetime64("NaT"), "datetime64[D]")
    documents = pc.dictionary_encode(_arrow(document_id))
    days = _days(pd.Series(documents.dictionary.to_numpy(zero_copy_only=False)).map(published))
    return days[documents.indices.to_numpy(zero_copy_only=False)]


def _era(maps: pd.Series) -> np.ndarray:
    """Era of each row's ``map``: 1 for the 2025 map, else 0 (the 2008–2025 map, also where null)."""
    return pc.fill_null(pc.equal(_arrow(maps), NEW_MAP), False).to_numpy(zero_copy_only=False).astype(np.int8)


def _anchor_depth(tier: np.ndarray, codes: dict[int, pa.Array]) -> np.ndarray:
    """Depth of the finest unit an observation of each tier names (-1: no code at all).

    A commune-tier fact with only a district code is that district's commune
    collective; with only a province code, the province's.
    """
    has = {depth: pc.is_valid(c).to_numpy(zero_copy_only=False) for depth, c in codes.items()}
    return np.select(
        [has[COMMUNE] & (tier == 2), has[DISTRICT] & (tier >= 1), has[OLD]], [COMMUNE, DISTRICT, OLD], -1
    ).astype(np.int8)


@dataclass
class Layer:
    """The points (value of a unit, tier and indicator in one period) of the units at one depth.

    ``period`` is a period code (end and label); ``reported`` the units of
    the tier the value covers; ``label_row`` the observation whose period
    label the point carries; ``up`` the position in the layer above of the
    point each one was rolled into (-1: none), the thread the evidence follows.
    """

    node: np.ndarray
    tier: np.ndarray
    indicator: np.ndarray
    period: np.ndarray
    value: np.ndarray
    denominator: np.ndarray
    reported: np.ndarray
    aggregation: np.ndarray
    label_row: np.ndarray
    up: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.up = np.full(len(self.node), -1, np.int32)

    @classmethod
    def empty(cls) -> Layer:
        none = np.zeros(0, np.int32)
        return cls(none, none, none, none, np.zeros(0), np.zeros(0), np.zeros(0, np.float32), none, none)

    def columns(self) -> dict[str, np.ndarray]:
        """The point columns (not ``up``) by name."""
        return {name: getattr(self, name) for name in _LAYER_COLUMNS}


_LAYER_COLUMNS = ("node", "tier", "indicator", "period", "value", "denominator", "reported", "aggregation", "label_row")


class Points:
    """Points by depth, with what links each observation to its point.

    Per period code: ``end``, ``duration`` (days), ``label`` (as written; None
    for a figure dated by its document) and ``era`` (0 before the 2025
    reform, 1 after), which says which units a value can cover.
    ``obs_depth``/``obs_point`` give each observation's point; ``chosen``
    says whether it is the one its point took (None: every observation is).
    """

    def __init__(self, end: np.ndarray, duration: np.ndarray, label: np.ndarray, radix: tuple[int, int]):
        self.layers: dict[int, Layer] = {}
        self.end, self.duration, self.label, self.radix = end, duration, label, radix
        self.era = (end >= np.datetime64(REFORM_DAY)).astype(np.int8)
        self.obs_depth = np.zeros(0, np.int8)
        self.obs_point: np.ndarray | None = None
        self.chosen: np.ndarray | None = None

    @classmethod
    def from_observations(cls, obs: Observations, tree: Tree) -> Points:
        """One point per unit, tier, indicator and period end: the observation the module's rule chooses.

        A period is its end and its label: '2023' and '2023-Q4' end together
        but are different periods. Observations of one unit, tier and
        indicator that end on the same day compete; the rest are set aside.
        """
        period, one_each = _periods(obs.end, obs.label)
        radix = (len(obs.indicator_names), len(one_each))
        stated = obs.frame["period_label"].iloc[obs.frame_rows(one_each)].to_numpy(dtype=object)
        points = cls(obs.end[one_each], obs.durations(one_each), stated, radix)
        day_of_period, days = pd.factorize(points.end)  # numbered as pd.factorize(obs.end) would
        key, size = _key(
            obs.node, obs.tier, obs.indicator, day_of_period[period], (radix[0], len(days)), len(tree.code)
        )
        rule = [np.unique(points.duration, return_inverse=True)[1].reshape(-1)[period]]  # shorter first
        if not np.isnat(obs.published).all():  # else every figure ties on it
            rule.append(-_days_number(obs.published))
        rule.append(~obs.official)
        point: np.ndarray | None
        if _few_keys(key, size):
            point, n = _dense_codes(key, size)
            order = None if point is None else _sort_order(point, *rule)
            ordered = None if point is None or order is None else point[order]
        else:  # one sort by key and rule gives both the point codes and the choice (no separate np.unique)
            order = _sort_order(key, *rule)
            ordered = key[order]
        if order is None or ordered is None:  # every observation is its own point: use the arrays as they are
            chosen = np.arange(n)
        else:
            starts = np.ones(len(order), bool)
            starts[1:] = ordered[1:] != ordered[:-1]
            chosen = order[starts]  # in key order, so point codes 0..n-1 follow it
            n = len(chosen)
            point = np.empty(len(order), np.int32)
            point[order] = np.cumsum(starts, dtype=np.int32) - 1
            points.chosen = np.zeros(len(point), bool)
            points.chosen[chosen] = True
        columns = dict(
            node=obs.node[chosen],
            tier=obs.tier[chosen],
            indicator=obs.indicator[chosen],
            period=period[chosen],
            value=obs.value[chosen],
            denominator=obs.denominator[chosen],
            label_row=chosen.astype(np.int32),
        )
        columns["reported"] = _units_covered(tree, points.era[columns["period"]], columns["node"], columns["tier"])
        columns["aggregation"] = np.zeros(n, np.int8)
        depth = tree.depth[columns["node"]]
        depths = _depths_in(depth)
        local = np.arange(n, dtype=np.int32)
        if len(depths) == 1:
            points.layers = {int(depths[0]): Layer(**columns)}
        else:
            points.layers = {int(d): Layer(**{k: v[depth == d] for k, v in columns.items()}) for d in depths}
            for d in depths:
                local[depth == d] = np.arange((depth == d).sum())
        points.obs_depth = depth if point is None else depth[point]
        points.obs_point = None if point is None and len(depths) == 1 else local if point is None else local[point]
        return points

    def roll_up(self, tree: Tree, child_depth: int, rule: np.ndarray, passthrough: bool) -> None:
        """Roll the points of the units at ``child_depth`` up into their parents' layers.

        Per parent, tier, indicator and period (end and label): counts are
        summed (``sum`` over complete coverage, else ``sum_partial``); rates
        are weighted by denominators when every child gives one and the
        children cover every unit of the tier under the parent; nothing else
        is rolled up. A parent's own point for the same key wins. With
        ``passthrough`` (old province → new province) a new province made of
        a single old one takes its points as they are, label and ranks included.
        """
        child = self.layers.get(child_depth)
        if child is None or not len(child.node):
            return
        parent = tree.parent[child.node]
        child_rule = rule[child.indicator]
        wanted = (parent >= 0) & (np.isin(child_rule, (1, 2)) | passthrough)
        take = np.flatnonzero(wanted)
        n_upper = int(tree.upper_rank.max()) + 1
        group, n = _dense_codes(
            *_key(
                tree.upper_rank[parent[take]],
                child.tier[take],
                child.indicator[take],
                child.period[take],
                self.radix,
                n_upper,
            )
        )
        group = np.arange(n) if group is None else group
        first = _first_of(group, n)
        value, den = child.value[take], child.denominator[take]
        has_den = ~np.isnan(den)
        children = np.bincount(group, minlength=n)
        total = np.bincount(group, value, minlength=n)
        den = np.nan_to_num(den)
        den_sum = np.bincount(group, den, minlength=n)
        weighted = np.bincount(group, value * den, minlength=n)
        reported = np.bincount(group, np.nan_to_num(child.reported[take]), minlength=n)
        leader = take[first]  # a child point standing for each group
        g_parent, g_rule, g_tier = parent[leader], child_rule[leader], child.tier[leader]
        units = tree.total[self.era[child.period[leader]], g_parent, g_tier]
        with np.errstate(invalid="ignore"):
            complete = reported >= units  # False where the gazetteer does not count the units
        is_sum = g_rule == 1
        use_weights = (g_rule == 2) & (np.bincount(group, has_den, minlength=n) == children) & (den_sum > 0) & complete
        g_value = np.select(
            [is_sum, use_weights], [total, weighted / np.where(use_weights, den_sum, 1)], total / children
        )
        g_agg = np.select([is_sum & complete, is_sum, use_weights], [_SUM, _PARTIAL, _WEIGHTED], _OBSERVED)
        single = np.zeros(n, bool)
        if passthrough:
            single = tree.total[0, g_parent, 0] == 1
            g_agg = np.where(single, child.aggregation[leader], g_agg)
        fresh = is_sum | use_weights | single
        rolled = dict(
            node=g_parent,
            tier=g_tier,
            indicator=child.indicator[leader],
            period=child.period[leader],
            value=g_value,
            denominator=np.where(use_weights, den_sum, np.nan),
            reported=reported.astype(np.float32),
            aggregation=g_agg.astype(np.int8),
            label_row=child.label_row[leader],
        )
        position = np.full(n, -1, np.int32)
        g_depth = tree.depth[g_parent]
        for d in _depths_in(g_depth):
            position[g_depth == d] = self._merge(
                int(d), {k: v[g_depth == d] for k, v in rolled.items()}, fresh[g_depth == d], tree, n_upper
            )
        child.up[take] = position[group]

    def _merge(
        self, depth: int, rolled: dict[str, np.ndarray], fresh: np.ndarray, tree: Tree, n_upper: int
    ) -> np.ndarray:
        """Append the ``fresh`` rolled points to the layer at ``depth`` unless it has its own for the key.

        Returns each rolled point's position in the layer (-1 where it was not kept).
        """
        own = self.layers.get(depth)
        if own is not None:
            keys, _ = _key(
                tree.upper_rank[rolled["node"]],
                rolled["tier"],
                rolled["indicator"],
                rolled["period"],
                self.radix,
                n_upper,
            )
            mine, _ = _key(tree.upper_rank[own.node], own.tier, own.indicator, own.period, self.radix, n_upper)
            fresh = fresh & ~np.isin(keys, mine)
        base = 0 if own is None else len(own.node)
        kept = {k: v[fresh] for k, v in rolled.items()}
        if own is not None:
            kept = {k: np.concatenate([v, kept[k]]) for k, v in own.columns().items()}
        layer = Layer(**kept)
        if own is not None:
            layer.up[:base] = own.up
        self.layers[depth] = layer
        return np.where(fresh, base + np.cumsum(fresh) - 1, -1).astype(np.int32)

    def evidence(self, depth: int, latest: np.ndarray, tree: Tree, obs: Observations) -> tuple[np.ndarray, np.ndarray]:
        """Observation ids behind each point ``latest`` of the layer at ``depth``, and those set aside.

        Both ';'-joined in id order (None where there are none): the first are
        the observations the value was taken or rolled up from, the second
        those of the same units and period ends that the choice passed over.
        """
        series = {depth: np.full(len(self.layers[depth].node), -1, np.int32)}
        series[depth][latest] = np.arange(len(latest))
        for d in range(depth + 1, COMMUNE + 1):
            layer = self.layers.get(d)
            if layer is None:
                continue
            series[d] = np.full(len(layer.node), -1, np.int32)
            up_depth = tree.depth[np.maximum(tree.parent[layer.node], 0)]
            for up in _depths_in(up_depth):
                at = np.flatnonzero((up_depth == up) & (layer.up >= 0))
                if up in series:
                    series[d][at] = series[up][layer.up[at]]
        depths = _depths_in(self.obs_depth)
        if len(depths) == 1 and depths[0] in series:  # no masks over every observation
            of_obs = series[depths[0]] if self.obs_point is None else series[depths[0]][self.obs_point]
        else:
            of_obs = np.full(len(self.obs_depth), -1, np.int32)
            local = np.arange(len(self.obs_depth)) if self.obs_point is None else self.obs_point
            for d in depths:
                if d in series:
                    at = self.obs_depth == d
                    of_obs[at] = series[d][local[at]]
        hit = np.flatnonzero(of_obs >= 0)
        chosen = np.ones(len(hit), bool) if self.chosen is None else self.chosen[hit]
        ids = pa.table({"series": of_obs[hit], "id": pa.array(obs.ids(hit), pa.string()), "chosen": chosen})
        ids = ids.sort_by([("series", "ascending"), ("id", "ascending")])
        return _joined(ids.filter(ids["chosen"]), len(latest)), _joined(
            ids.filter(pc.invert(ids["chosen"])), len(latest)
        )


def _periods(end: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Period code of each observation (its end and label), numbered in order of first appearance, and the first of each.

    As ``pd.factorize`` of the pairs, but through a presence table when the
    days and labels span a small range (no hashing of ten million keys).
    """
    day = end.astype(np.int64)
    low, n_labels = int(day.min(initial=0)), int(label.max(initial=-1)) + 2
    size = (int(day.max(initial=0)) - low + 1) * n_labels
    day -= low
    day *= n_labels
    day += label
    day += 1
    if _few_keys(day, size):
        codes, m = _dense_codes(day, size)
        codes = np.arange(m, dtype=np.int32) if codes is None else codes
    else:
        codes = pd.factorize(day)[0]
        m = int(codes.max(initial=-1)) + 1
    del day
    first = _first_of(codes, m)
    by_appearance = np.argsort(first, kind="stable")
    renumber = np.empty(m, np.int32)
    renumber[by_appearance] = np.arange(m, dtype=np.int32)
    return renumber[codes], first[by_appearance]


def _units_covered(tree: Tree, era: np.ndarray, node: np.ndarray, tier: np.ndarray) -> np.ndarray:
    """``tree.total[era, node, tier]`` as float32, through one flat index built in place (no intp copy of each)."""
    flat = era.astype(np.int64)
    flat *= len(tree.code)
    flat += node
    flat *= 3
    flat += tier
    return tree.total.astype(np.float32).reshape(-1)[flat]


def _days_number(days: np.ndarray) -> np.ndarray:
    """Days since 1970 as integers, an unknown day (NaT) before every known one."""
    number = days.astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(days), number[~np.isnat(days)].min(initial=0) - 1, number)


def _sort_order(*keys: np.ndarray) -> np.ndarray:
    """Positions that sort by the first key, then the next…, ties in table order (as ``np.lexsort`` on reversed keys).

    The keys, each shifted to start at 0, are packed into one int64 built in
    place (no temporary per key: at ten million rows each fresh array costs
    more in page faults than the arithmetic); when they are too wide, each
    key that takes few values is first replaced by its rank among them. When
    the position fits in the lowest bits too, every packed value is
    distinct, so a plain value sort (``np.sort``) gives the stable order and
    the positions are read back from the low bits: about ten times quicker
    than ``np.argsort(kind='stable')`` of the packed keys (0.03 s against
    0.28 s at 1M, 0.3 s against 3.6 s at 10M on two shared cores).
    Otherwise that stable argsort; keys wider than 63 bits fall back to
    ``np.lexsort``.
    """
    n = len(keys[0])
    position_bits = max(n - 1, 1).bit_length()
    lows, bits = _spans(keys)
    if sum(bits) + position_bits > 63:  # worth ranking the keys that take few values
        keys = tuple(_ranks(_shifted(np.asarray(key, np.int64))) for key in keys)
        lows, bits = _spans(keys)
    if sum(bits) > 63:
        return np.lexsort(tuple(reversed(keys)))
    packed = np.zeros(n, np.int64)
    for key, low, b in zip(keys, lows, bits, strict=True):
        packed <<= b
        packed += key
        if low:
            packed -= low
    if sum(bits) + position_bits > 63:
        return np.argsort(packed, kind="stable")
    packed <<= position_bits
    chunk = 1 << 20  # positions added a block at a time: no ten-million-row temporary
    for start in range(0, n, chunk):
        packed[start : start + chunk] |= np.arange(start, min(start + chunk, n), dtype=np.int64)
    packed.sort()
    packed &= (1 << position_bits) - 1
    return packed


def _spans(keys: tuple[np.ndarray, ...]) -> tuple[list[int], list[int]]:
    """The lowest value of each key and the bits its range takes."""
    lows = [int(key.min()) if len(key) else 0 for key in keys]
    highs = [int(key.max()) if len(key) else 0 for key in keys]
    return lows, [max(high - low, 1).bit_length() for low, high in zip(lows, highs, strict=True)]


def _shifted(key: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``key`` shifted to start at 0."""
    low = int(key.min()) if len(key) else 0
    return key - low if low else key


def _ranks(key: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The dense rank of a key starting at 0, when its range is small and that takes fewer bits."""
    if not len(key):
        return key
    span = int(key.max()) + 1
    if span > max(1 << 22, 4 * len(key)):
        return key
    present = np.zeros(span, bool)
    present[key] = True
    m = int(np.count_nonzero(present))
    if max(m - 1, 1).bit_length() >= max(span - 1, 1).bit_length():
        return key
    return (np.cumsum(present, dtype=np.int64) - 1)[key]


def _joined(ids: pa.Table, n: int) -> np.ndarray:
    """The ``id`` of each ``series`` 0..n-1 ';'-joined in table order (None where a series has none)."""
    grouped = ids.group_by("series", use_threads=False).aggregate([("id", "list")])
    out = np.full(n, None, object)
    series = grouped["series"].to_numpy()
    out[series] = pc.binary_join(grouped["id_list"], ";").to_numpy(zero_copy_only=False)
    return out


def latest_and_trend(
    points: Points, tree: Tree, depth: int, obs: Observations, unit_of: np.ndarray, horizon_day: np.datetime64
) -> pd.DataFrame:
    """Per unit × tier × indicator at ``depth``: latest value and period, slope, projection, evidence.

    Latest: the latest period end; at one end the unit's own figure over a
    complete roll-up over a partial one, then the value covering more units
    (of two partial sums, the one of more units), then the shorter period,
    then a period the text states over a document's date, then the label
    (never the order of the input: :func:`_period_ranks`). The trend
    is the least-squares slope over the series: the unit's own points and
    complete roll-ups, dated by their period (not by their document), one per
    period end (chosen as the latest is). It needs two period ends. The
    projection carries the latest value along the slope to ``horizon_day``
    (31 December of the target year), only when the latest value is part of
    the series and ends before that day, kept within the indicator's bounds
    (0–100 for percentages, ≥ 0 for counts and amounts, rank ≥ 1).
    """
    layer = points.layers.setdefault(depth, Layer.empty())
    sid, n = _dense_codes(*_key(layer.node, layer.tier, layer.indicator, 0, (len(unit_of), 1), len(tree.code)))
    sid = np.arange(n) if sid is None else sid
    end_rank, period_rank = _period_ranks(points)
    end_and_preference = end_rank[layer.period] * len(_PREFERENCE)
    end_and_preference += _PREFERENCE[layer.aggregation]
    coverage = np.unique(layer.reported, return_inverse=True)[1].reshape(-1)  # the more units covered, the later
    order = _sort_order(sid, end_and_preference, coverage, period_rank[layer.period])
    del end_and_preference, coverage
    ordered_sid = sid[order]
    last_of_series = np.ones(len(order), bool)
    last_of_series[:-1] = ordered_sid[1:] != ordered_sid[:-1]
    del ordered_sid
    latest = order[last_of_series]

    in_series = (layer.aggregation != _PARTIAL) & ~obs.dated_by_document[layer.label_row]
    candidates = order[in_series[order]]
    del order
    candidate_sid, candidate_end = sid[candidates], end_rank[layer.period[candidates]]
    one_per_end = np.ones(len(candidates), bool)
    one_per_end[:-1] = (candidate_sid[1:] != candidate_sid[:-1]) | (candidate_end[1:] != candidate_end[:-1])
    series = candidates[one_per_end]
    years_all = (points.end - _YEAR_ZERO).astype(float) / 365.25  # per period code
    s = candidate_sid[one_per_end].astype(np.intp)  # np.bincount would copy it to intp five times
    x, y = years_all[layer.period[series]], layer.value[series]
    count = np.bincount(s, minlength=n)
    sx, sy = np.bincount(s, x, minlength=n), np.bincount(s, y, minlength=n)
    sxx, sxy = np.bincount(s, x * x, minlength=n), np.bincount(s, x * y, minlength=n)
    spread = count * sxx - sx * sx
    sloped = (count >= 2) & (spread > 1e-9)
    slope = np.where(sloped, (count * sxy - sx * sy) / np.where(sloped, spread, 1), np.nan)
    horizon = (horizon_day - _YEAR_ZERO).astype(float) / 365.25
    ahead = horizon - years_all[layer.period[latest]]
    projected = np.where(in_series[latest] & (ahead > 0), layer.value[latest] + slope * ahead, np.nan)
    unit = unit_of[layer.indicator[latest]]
    for measure, (lower, upper) in BOUNDS.items():  # the unit's bounds (reference/data/measures.csv)
        if lower is not None or upper is not None:
            projected = np.where(unit == measure, np.clip(projected, lower, upper), projected)
    used, aside = points.evidence(depth, latest, tree, obs)
    return pd.DataFrame(
        {
            "node": layer.node[latest],
            "tier": layer.tier[latest],
            "indicator": layer.indicator[latest],
            "latest_value": layer.value[latest],
            "latest_period": obs.labels(layer.label_row[latest]),
            "latest_period_end": points.end[layer.period[latest]],
            "dated_by_document": obs.dated_by_document[layer.label_row[latest]],
            "n_periods": count,
            "trend_per_year": slope,
            "projected_2025": projected,
            "n_units_reported": layer.reported[latest],
            "aggregation": np.asarray(AGGREGATIONS, object)[layer.aggregation[latest]],
            "observation_ids": used,
            "set_aside_ids": aside,
            "era": points.era[layer.period[latest]],
        }
    )


_PREFERENCE = np.array([2, 1, 1, 0], np.int64)  # by aggregation: own figure > complete roll-up > partial roll-up


def _period_ranks(points: Points) -> tuple[np.ndarray, np.ndarray]:
    """Per period code, the rank of its end and its rank among periods that end together.

    Periods that end together are ordered by length (the shorter preferred),
    then a period the text states over a date taken from the document, then
    by label: the choice rests on what the figures say, never on the order
    they were read in (a province's value must not change with another
    province's reports).
    """
    end_rank = np.unique(_days_number(points.end), return_inverse=True)[1].reshape(-1)
    label = pd.Series(points.label, dtype=object)
    stated = label.notna().to_numpy()
    label_rank = pd.factorize(label, sort=True)[0]  # -1 where none
    by_period = np.lexsort((label_rank, stated, -points.duration))
    period_rank = np.empty(len(by_period), np.int64)
    period_rank[by_period] = np.arange(len(by_period))
    return end_rank, period_rank


def _key(node, tier, indicator, period, radix: tuple[int, int], n_nodes: int) -> tuple[np.ndarray, int]:
    """One integer per (node, tier, indicator, period), and the bound they lie below.

    ``radix`` = how many indicators and periods; int32 when the bound allows.
    """
    n_ind, n_periods = radix
    size = n_nodes * 3 * n_ind * n_periods
    key: npt.NDArray[np.signedinteger[Any]] = np.array(node, np.int32 if size < 2**31 else np.int64)
    key *= 3
    key += tier
    key *= n_ind
    key += indicator
    key *= n_periods
    key += period
    return key, size


def _few_keys(key: np.ndarray, size: int) -> bool:
    """Whether keys below ``size`` are few enough for a presence table (else they are sorted)."""
    return size <= max(1 << 20, 8 * len(key))


def _dense_codes(key: np.ndarray, size: int) -> tuple[np.ndarray | None, int]:
    """Codes 0..m-1 of ``key`` (in key order) and m; codes None when every key is distinct.

    Keys lie below ``size``. When that bound is not far above their number a
    presence table beats hashing by far (10M keys: 0.3 s against 2 s);
    otherwise sort.
    """
    if not _few_keys(key, size):
        distinct, codes = np.unique(key, return_inverse=True)
        return codes, len(distinct)
    present = np.zeros(size, bool)
    present[key] = True
    m = int(np.count_nonzero(present))
    if m == len(key):
        return None, m
    code = np.cumsum(present, dtype=np.int32)
    code -= 1
    return code[key], m


def _depths_in(depth: np.ndarray) -> list[int]:
    """The depths that occur in ``depth``: a pass per depth, no int64 copy of ten million rows as np.bincount makes."""
    return [d for d in (NEW, OLD, DISTRICT, COMMUNE) if (depth == d).any()]


def _first_of(group: np.ndarray, n: int) -> np.ndarray:
    """Position of the first member of each of ``n`` groups."""
    first = np.empty(n, np.int64)
    first[group[::-1]] = np.arange(len(group))[::-1]
    return first


def codes_of(tree: Tree, node: np.ndarray) -> np.ndarray:
    """Codes of ``node`` (None where -1)."""
    return _or_none(tree.code, node)


def names_of(tree: Tree, node: np.ndarray) -> np.ndarray:
    """Names of ``node`` (None where -1)."""
    return _or_none(tree.name, node)


def _or_none(values: np.ndarray, node: np.ndarray) -> np.ndarray:
    out = values[np.maximum(node, 0)].copy()
    out[node < 0] = None
    return out


def _arrow(values: pd.Series) -> pa.Array:
    """A string column as one Arrow string array (nulls kept)."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def index_in(values: pd.Series, choices) -> np.ndarray:
    """Position of each value in ``choices`` (-1 where absent or null)."""
    found = pc.index_in(_arrow(values), pa.array(list(choices)))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int8)


def _days(values: pd.Series) -> np.ndarray:
    """A date column (dates, datetimes or ISO strings) as datetime64[D], NaT where missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy().astype("datetime64[D]")
    array = pa.array(values, from_pandas=True)
    if array.null_count == len(array):  # no day known: pandas made the column floats (NaN), which no date casts from
        return np.full(len(array), np.datetime64("NaT"), "datetime64[D]")
    return np.asarray(array.cast(pa.date32()).to_numpy(zero_copy_only=False), "datetime64[D]")
