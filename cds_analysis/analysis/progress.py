"""Where each province, district and commune stands against its 2025 targets.

:func:`progress` gives one row per unit × indicator × tier measured. The tier
(``admin_level``) is read as in the observations: the tier whose units the
figure measures. A district therefore has up to two rows per indicator: its
own apparatus (``admin_level='district'``: 'hồ sơ công việc tại cấp huyện',
target 80% under 749/QĐ-TTg) and its communes taken together
(``admin_level='commune'``: target 60%). A province adds a third, its own.
Filter on ``admin_level`` to compare like with like.

Where a row's value comes from:

1. Observed: achieved observations (not targets, not indicator 'other') of
   that unit and tier. A collective such as 'các xã, thị trấn huyện Trà Bồng'
   (admin_level commune, district code set, no commune code) is an
   observation of the district's commune tier. It counts as covering every
   commune of the district, and it wins over adding up single communes of the
   same period, which would count them twice. Several observations of one
   unit, tier and period (two sources) are averaged; all are in the evidence.
2. Rolled up from the units one level down, per period, by the catalogue's
   rule: 'sum' adds the values; 'weighted_mean' weights by the denominators
   when every unit gives one (carrying their sum upwards), otherwise takes the
   plain mean and says 'mean_unweighted'; 'mean' takes the plain mean; 'none'
   (ranks) and indicators outside the catalogue are not rolled up. Sums are
   not scaled up for units that did not report: read them with the coverage.
   ``n_units_reported``/``n_units_total`` count the tier's units (communes of
   the district, districts of the province…) the value covers, against those
   the gazetteer lists.

With ``provinces='post2025'`` the 63 old provinces are rolled up into their
successors (34 provinces) as one more step: a new province made of one old
province keeps its values as they are (ranks and plans included), a merged
one gets the roll-up. District and commune rows then name the new province.
Communes created on 1 July 2025 roll straight into their new province.

Periods: a period is its end day and its label ('2023' and '2023-Q4' end
together but differ); values are only rolled up with values of the same
period. Observations without a period are left out, unless ``documents`` is
given: then they count as of their document's publication date
('as_of YYYY-MM-DD'), the earliest day the text vouches for them. The trend
is the least-squares slope of the values against the period *ends* (in
years), over the periods up to ``as_of``; the projection adds slope × time
from the latest period end to 31 Dec 2025 to the latest value (percentages
kept within 0–100, ranks at 1 or worse).

Status (after the SDG dashboards): ``met`` when the latest value meets the
target; ``on_track`` when the projection meets it; ``off_track`` otherwise,
including a single period (no trend to go on); ``no_data`` when there is no
value at or before ``as_of``; ``no_target`` when there is a value but no 2025
target applies (see :func:`cds_analysis.reference.targets.applicable_targets`).

Everything runs on whole columns (NumPy/Arrow), never a Python loop per row:
10 million observations take a few seconds (benchmarks/bench_progress.py).
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cds_analysis.lang.periods import Period
from cds_analysis.reference.schemas import PROGRESS
from cds_analysis.reference.targets import (
    TARGET_YEAR,
    applicable_targets,
    load_targets,
    lower_is_better,
    meets,
    targets_from_reports,
)

__all__ = ["TIERS", "STATUSES", "AGGREGATIONS", "REFORM_DAY", "HORIZON_DAY", "progress", "period_end_of"]

TIERS = ("province", "district", "commune")
STATUSES = ("met", "on_track", "off_track", "no_data", "no_target")
AGGREGATIONS = ("observed", "sum", "weighted_mean", "mean_unweighted")
_POINT_LABEL = re.compile(r"\d{4}(?:-(?:Q[1-4]|H[12]|\d{2}(?:-\d{2})?))?")  # as_of is one point, not a range
REFORM_DAY = date(2025, 7, 1)
HORIZON_DAY = date(2025, 12, 31)

# Node depths in the unit tree: new (post-2025) province, old province, district, commune.
_NEW, _OLD, _DISTRICT, _COMMUNE = 0, 1, 2, 3
_DEPTH_TIER = np.array([0, 0, 1, 2])  # the tier a node of each depth is a unit of
_RULES = ("none", "sum", "weighted_mean", "mean")  # catalogue aggregation → rule number
_OBSERVED, _SUM, _WEIGHTED, _UNWEIGHTED = range(4)  # positions in AGGREGATIONS
_YEAR_ZERO = np.datetime64("2020-01-01", "D")


def progress(
    observations: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    as_of: str = "2023-Q2",
    level: str = "province",
    provinces: str = "pre2025",
    units: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Progress of every unit of ``level`` towards its 2025 targets, in the ``progress`` schema.

    ``observations`` is the observations table; ``targets`` defaults to the
    package's targets plus those stated in the observations; ``as_of`` is a
    period label ('2023', '2023-Q2', '2023-H1', '2023-06', '2023-06-30') whose
    last day is the cut-off; ``level`` is 'province', 'district' or 'commune';
    ``provinces`` is 'pre2025' (63 provinces) or 'post2025' (34); ``units``
    and ``indicators`` default to the gazetteer and the catalogue;
    ``documents`` (the documents table), when given, dates undated
    observations by publication. The module docstring says how values,
    roll-ups, trend and status are obtained.
    """
    if level not in TIERS:
        raise ValueError(f"level must be one of {', '.join(TIERS)}; got {level!r}")
    if provinces not in ("pre2025", "post2025"):
        raise ValueError(f"provinces must be 'pre2025' or 'post2025'; got {provinces!r}")
    cutoff = period_end_of(as_of)
    units = _gazetteer() if units is None else units
    indicators = _catalogue() if indicators is None else indicators
    if targets is None:
        targets = pd.concat([load_targets(), targets_from_reports(observations, indicators)], ignore_index=True)
    depth = {"province": _NEW if provinces == "post2025" else _OLD, "district": _DISTRICT, "commune": _COMMUNE}[level]

    tree = _Tree(units)
    published = None if documents is None else documents.set_index("document_id")["published"]
    obs = _Observations(observations, cutoff, published)
    tree.anchor(obs)
    names = pd.Index(pd.unique(pd.concat([pd.Series(obs.indicator_names, dtype=object), targets["indicator"]])))
    catalogue = indicators.set_index("code").reindex(names)
    rule = catalogue["aggregation"].map({r: i for i, r in enumerate(_RULES)}).fillna(0).to_numpy(np.int8)

    points = _Points.from_observations(obs, tree)
    for child_depth in range(_COMMUNE, depth, -1):
        points.roll_up(tree, child_depth, rule, passthrough=child_depth == _OLD)
    found = _latest_and_trend(points, tree, depth, obs, catalogue["unit"].to_numpy(object))
    era = int(provinces == "post2025" and cutoff >= np.datetime64(REFORM_DAY))
    province_depth = _NEW if provinces == "post2025" else _OLD
    rows = _rows(
        found, obs, tree, depth, province_depth, era, names, targets, catalogue.reset_index(names="code"), as_of
    )
    return _as_schema(_assess(rows))


def latest_quarter(observations: pd.DataFrame, today: date | None = None) -> str:
    """Label of the quarter of the latest result observed (not after ``today``), e.g. '2024-Q4'."""
    today = today or date.today()
    ends = pd.to_datetime(observations.loc[~observations["is_target"].astype(bool), "period_end"], errors="coerce")
    ends = ends[ends <= pd.Timestamp(today)]
    last = ends.max() if len(ends.dropna()) else pd.Timestamp(today)
    return f"{last.year}-Q{(last.month - 1) // 3 + 1}"


def progress_table(
    observations: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    levels: tuple[str, ...] = ("province", "district"),
) -> pd.DataFrame:
    """The ``progress`` table ingest writes: each level, as of the latest quarter observed.

    Commune level, other as_of periods and the 34 post-2025 provinces are a call
    to :func:`progress` away.
    """
    as_of = latest_quarter(observations)
    frames = [progress(observations, as_of=as_of, level=level, documents=documents) for level in levels]
    return pd.concat(frames, ignore_index=True) if frames else progress(observations, as_of=as_of)


def period_end_of(label: str) -> np.datetime64:
    """Last day of a period label: '2023', '2023-Q2', '2023-H1', '2023-06' or '2023-06-30'."""
    text = str(label).strip()
    if not _POINT_LABEL.fullmatch(text):
        raise ValueError(f"as_of {label!r} is not a period label such as '2023', '2023-Q2', '2023-H1' or '2023-06-30'")
    return np.datetime64(Period.from_label(text).end, "D")


class _Tree:
    """Units as integer nodes, with parents, ancestors, and how many units of each tier they hold.

    Two eras share the tree. Before 1 July 2025: old provinces, districts and
    communes; an old province's parent is its successor. After it: the new
    provinces and the new communes, whose parent is their new province.
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
            units[province & after].assign(depth=_NEW, era=1, parent_code=None),
            units[province & before].assign(
                depth=_OLD, era=0, parent_code=lambda d: d["successor_code"].fillna(d["code"])
            ),
            units[level.eq("district") & before].assign(depth=_DISTRICT, era=0),
            units[commune & before].assign(depth=_COMMUNE, era=0),
            units[commune & ~before].assign(depth=_COMMUNE, era=1),
        ]
        nodes = pd.concat(parts, ignore_index=True)[["code", "name", "depth", "era", "parent_code"]]
        self.nodes = nodes.drop_duplicates(["depth", "code"]).assign(counted=True).reset_index(drop=True)
        self._link()

    def _link(self) -> None:
        """Arrays of parents, ancestors and unit counts from the node table."""
        n, size = self.nodes, len(self.nodes)
        self.code = n["code"].to_numpy(object)
        self.name = n["name"].to_numpy(object)
        self.depth = n["depth"].to_numpy(np.int8)
        self.era = n["era"].to_numpy(np.int8)
        self.counted = n["counted"].to_numpy(bool)
        upper = self.depth < _COMMUNE
        self.upper_rank = np.where(upper, np.cumsum(upper) - 1, -1).astype(np.int32)  # compact id of possible parents
        self.parent = np.full(size, -1, np.int32)
        for d in (_OLD, _DISTRICT, _COMMUNE):
            for era, parent_depth in ((0, d - 1), (1, _NEW)):
                at = (self.depth == d) & (self.era == era)
                self.parent[at] = self.lookup(parent_depth, n["parent_code"][at])
        self.ancestor = np.full((size, 4), -1, np.int32)
        rows = np.arange(size)
        self.ancestor[rows, self.depth] = rows
        up = rows
        for _ in range(3):
            up = np.where(up >= 0, self.parent[np.maximum(up, 0)], -1)
            self.ancestor[rows[up >= 0], self.depth[up[up >= 0]]] = up[up >= 0]
        old = np.flatnonzero((self.depth == _OLD) & (self.parent >= 0))
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

    def lookup(self, depth: int, codes) -> np.ndarray:
        """Node ids of ``codes`` at ``depth`` (-1 where unknown)."""
        at = np.flatnonzero(self.depth == depth)
        i = pd.Index(self.code[at]).get_indexer(pd.Index(codes, dtype=object))
        return np.where(i >= 0, at[i], -1).astype(np.int32)

    def anchor(self, obs: _Observations) -> None:
        """Set ``obs.node``, the unit each observation is about, adding units the gazetteer lacks."""
        node = self._anchor(obs)
        if ((node < 0) & (obs.anchor_depth >= 0)).any():
            self._add_observed(obs.frame.iloc[obs.frame_rows(np.flatnonzero(node < 0))])
            node = self._anchor(obs)
        obs.node = node
        obs.take(node >= 0)

    def _anchor(self, obs: _Observations) -> np.ndarray:
        """Node of each observation; a province code that both eras use means the new one after the reform."""
        node = np.full(len(obs.tier), -1, np.int32)
        for depth in (_COMMUNE, _DISTRICT, _OLD):
            at = obs.anchor_depth == depth
            if at.all():
                node = self._lookup_arrow(depth, obs.codes[depth])
            elif at.any():
                node[at] = self._lookup_arrow(depth, obs.codes[depth].filter(pa.array(at)))
        province = np.flatnonzero(obs.anchor_depth == _OLD)
        if len(province):
            new = self._lookup_arrow(_NEW, obs.codes[_OLD].take(pa.array(province)))
            after = obs.end[province] >= np.datetime64(REFORM_DAY)
            node[province] = np.where((new >= 0) & ((node[province] < 0) | after), new, node[province])
        return node

    def _lookup_arrow(self, depth: int, codes: pa.Array) -> np.ndarray:
        encoded = pc.dictionary_encode(codes)
        found = self.lookup(depth, encoded.dictionary.to_numpy(zero_copy_only=False))
        return found[encoded.indices.to_numpy(zero_copy_only=False)]

    def _add_observed(self, rows: pd.DataFrame) -> None:
        """Add the provinces, districts and communes ``rows`` name that the tree lacks."""
        for depth, code, name, parent in (
            (_OLD, "province_code", "province", None),
            (_DISTRICT, "district_code", "district", "province_code"),
            (_COMMUNE, "commune_code", "commune", "district_code"),
        ):
            named = rows[rows[code].notna()].drop_duplicates(code)
            new = named[self.lookup(depth, named[code]) < 0]
            added = pd.DataFrame(
                {
                    "code": new[code].astype(object),
                    "name": new[name].fillna(new[code]).astype(object),
                    "depth": depth,
                    "era": 0,
                    "parent_code": new[parent].astype(object) if parent else None,
                    "counted": False,
                }
            )
            self.nodes = pd.concat([self.nodes, added], ignore_index=True)
            self._link()


class _Observations:
    """The achieved observations that count at the cut-off, as flat arrays.

    ``rows`` maps each kept observation to its row in ``frame`` (None while
    every row is kept, which spares copies of ten-million-row columns).
    """

    def __init__(self, frame: pd.DataFrame, cutoff: np.datetime64, published: pd.Series | None):
        self.frame = frame
        self.rows: np.ndarray | None = None
        tier = _index_in(frame["admin_level"], TIERS)
        end = _days(frame["period_end"])
        dated = np.zeros(len(frame), bool)
        if published is not None:
            undated = np.flatnonzero(np.isnat(end))
            end[undated] = _days(frame["document_id"].iloc[undated].map(published))
            dated[undated] = ~np.isnat(end[undated])
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
            for depth, column in ((_OLD, "province_code"), (_DISTRICT, "district_code"), (_COMMUNE, "commune_code"))
        }
        self.take(keep)
        encoded = pc.dictionary_encode(indicator if self.rows is None else indicator.take(pa.array(self.rows)))
        self.indicator = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        self.indicator_names = encoded.dictionary.to_numpy(zero_copy_only=False)
        self.anchor_depth = _anchor_depth(self.tier, self.codes)

    _ARRAYS = ("tier", "end", "dated_by_document", "label", "value", "denominator", "indicator", "anchor_depth", "node")

    def take(self, keep: np.ndarray) -> None:
        """Keep only the observations where ``keep``."""
        if keep.all():
            return
        positions = np.flatnonzero(keep)
        self.rows = positions if self.rows is None else self.rows[positions]
        for name in self._ARRAYS:
            if hasattr(self, name):
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
        label = np.array(self.frame["period_label"].iloc[self.frame_rows(positions)].to_numpy(object, na_value=None))
        dated = self.dated_by_document[positions]
        label[dated] = ["as_of " + str(day) for day in self.end[positions][dated]]
        return label


def _anchor_depth(tier: np.ndarray, codes: dict[int, pa.Array]) -> np.ndarray:
    """Depth of the finest unit an observation of each tier names (-1: no code at all).

    A commune-tier fact with only a district code is that district's commune
    collective; with only a province code, the province's.
    """
    has = {depth: pc.is_valid(c).to_numpy(zero_copy_only=False) for depth, c in codes.items()}
    return np.select(
        [has[_COMMUNE] & (tier == 2), has[_DISTRICT] & (tier >= 1), has[_OLD]], [_COMMUNE, _DISTRICT, _OLD], -1
    ).astype(np.int8)


class _Layer:
    """The points (value of a unit, tier and indicator in one period) of the units at one depth.

    ``up`` is the position in the layer above of the point each one was
    rolled into (-1: none), the thread the evidence follows.
    """

    COLUMNS = ("node", "tier", "indicator", "period", "value", "denominator", "reported", "aggregation", "label_row")

    def __init__(self, **columns: np.ndarray):
        self.__dict__.update(columns)
        self.up = np.full(len(self.node), -1, np.int32)


class _Points:
    """Points by depth, with what links each observation to its point.

    Per period code: ``end``, ``duration`` (days) and ``era`` (0 before the
    2025 reform, 1 after), which says which units a value can cover.
    """

    def __init__(self, layers, end, duration, radix, obs_depth, obs_point):
        self.layers: dict[int, _Layer] = layers
        self.end, self.duration, self.radix = end, duration, radix
        self.era = (end >= np.datetime64(REFORM_DAY)).astype(np.int8)
        self.obs_depth, self.obs_point = obs_depth, obs_point

    @classmethod
    def from_observations(cls, obs: _Observations, tree: _Tree) -> _Points:
        """One point per unit, tier, indicator and period: the mean of the observations that give it.

        A period is its end and its label: '2023' and '2023-Q4' end together
        but are different periods.
        """
        period, periods = pd.factorize(obs.end.astype(np.int64) * 100_000 + obs.label + 1)
        period = period.astype(np.int32)
        radix = (len(obs.indicator_names), len(periods))
        one_each = _first_of(period, len(periods))
        points = cls({}, obs.end[one_each], obs.durations(one_each), radix, None, None)
        point, n = _dense_codes(*_key(obs.node, obs.tier, obs.indicator, period, radix, len(tree.code)))
        if point is None:  # every observation is its own point: use the arrays as they are
            columns = dict(
                node=obs.node,
                tier=obs.tier,
                indicator=obs.indicator,
                period=period,
                value=obs.value,
                denominator=obs.denominator,
                label_row=np.arange(n, dtype=np.int32),
            )
        else:
            first = _first_of(point, n)
            count = np.bincount(point, minlength=n)
            has_den = ~np.isnan(obs.denominator)
            den_sum = np.bincount(point, np.where(has_den, obs.denominator, 0), minlength=n)
            columns = dict(
                node=obs.node[first],
                tier=obs.tier[first],
                indicator=obs.indicator[first],
                period=period[first],
                value=np.bincount(point, obs.value, minlength=n) / count,
                denominator=np.where(np.bincount(point, has_den, minlength=n) == count, den_sum / count, np.nan),
                label_row=first.astype(np.int32),
            )
        columns["reported"] = tree.total[points.era[columns["period"]], columns["node"], columns["tier"]].astype(
            np.float32
        )
        columns["aggregation"] = np.zeros(n, np.int8)
        depth = tree.depth[columns["node"]]
        depths = _present(depth)
        if len(depths) == 1:
            points.layers = {int(depths[0]): _Layer(**columns)}
            local = point
        else:
            points.layers = {int(d): _Layer(**{k: v[depth == d] for k, v in columns.items()}) for d in depths}
            local = np.zeros(n, np.int32)
            for d in depths:
                local[depth == d] = np.arange((depth == d).sum())
            local = local if point is None else local[point]
        points.obs_depth, points.obs_point = (depth, local) if point is None else (depth[point], local)
        return points

    def roll_up(self, tree: _Tree, child_depth: int, rule: np.ndarray, passthrough: bool) -> None:
        """Roll the points of the units at ``child_depth`` up into their parents' layers.

        Children are summed or averaged per parent, tier, indicator and period
        by their rule; a parent's own point for the same key wins. With
        ``passthrough`` (old province → new province) a new province made of
        a single old one takes its points as they are, label and ranks included.
        """
        child = self.layers.get(child_depth)
        if child is None or not len(child.node):
            return
        parent = tree.parent[child.node]
        child_rule = rule[child.indicator]
        wanted = (parent >= 0) & ((child_rule > 0) | passthrough)
        take = slice(None) if wanted.all() else np.flatnonzero(wanted)
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
        leader = np.arange(len(child.node))[take][first]  # a child point standing for each group
        g_parent, g_rule = parent[leader], child_rule[leader]
        use_weights = (g_rule == 2) & (np.bincount(group, has_den, minlength=n) == children) & (den_sum > 0)
        g_value = np.select(
            [g_rule == 1, use_weights], [total, weighted / np.where(use_weights, den_sum, 1)], total / children
        )
        g_agg = np.select([g_rule == 1, use_weights], [_SUM, _WEIGHTED], _UNWEIGHTED).astype(np.int8)
        single = np.zeros(n, bool)
        if passthrough:
            single = tree.total[0, g_parent, 0] == 1
            g_agg = np.where(single, child.aggregation[leader], g_agg)
        fresh = (g_rule > 0) | single
        rolled = dict(
            node=g_parent,
            tier=child.tier[leader],
            indicator=child.indicator[leader],
            period=child.period[leader],
            value=g_value,
            denominator=np.where(use_weights, den_sum, np.nan),
            reported=np.bincount(group, np.nan_to_num(child.reported[take]), minlength=n).astype(np.float32),
            aggregation=g_agg,
            label_row=child.label_row[leader],
        )
        position = np.full(n, -1, np.int32)
        g_depth = tree.depth[g_parent]
        for d in _present(g_depth):
            position[g_depth == d] = self._merge(
                d, {k: v[g_depth == d] for k, v in rolled.items()}, fresh[g_depth == d], tree, n_upper
            )
        child.up[take] = position[group]

    def _merge(
        self, depth: int, rolled: dict[str, np.ndarray], fresh: np.ndarray, tree: _Tree, n_upper: int
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
        layer = _Layer(**(kept if own is None else {k: np.concatenate([getattr(own, k), v]) for k, v in kept.items()}))
        if own is not None:
            layer.up[:base] = own.up
        self.layers[depth] = layer
        return np.where(fresh, base + np.cumsum(fresh) - 1, -1).astype(np.int32)

    def evidence(self, depth: int, latest: np.ndarray, tree: _Tree, obs: _Observations) -> np.ndarray:
        """Observation ids behind each point ``latest`` of the layer at ``depth``, ';'-joined in id order."""
        series = {depth: np.full(len(self.layers[depth].node), -1, np.int32)}
        series[depth][latest] = np.arange(len(latest))
        for d in range(depth + 1, _COMMUNE + 1):
            layer = self.layers.get(d)
            if layer is None:
                continue
            series[d] = np.full(len(layer.node), -1, np.int32)
            up_depth = tree.depth[np.maximum(tree.parent[layer.node], 0)]
            for pd_ in _present(up_depth):
                at = np.flatnonzero((up_depth == pd_) & (layer.up >= 0))
                if pd_ in series:
                    series[d][at] = series[pd_][layer.up[at]]
        of_obs = np.full(len(self.obs_depth), -1, np.int32)
        local = np.arange(len(self.obs_depth)) if self.obs_point is None else self.obs_point
        for d in _present(self.obs_depth):
            if d in series:
                at = self.obs_depth == d
                of_obs[at] = series[d][local[at]]
        hit = np.flatnonzero(of_obs >= 0)
        ids = pd.DataFrame(
            {"series": of_obs[hit], "id": obs.frame["observation_id"].iloc[obs.frame_rows(hit)].to_numpy(object)}
        )
        joined = ids.sort_values(["series", "id"]).groupby("series")["id"].agg(";".join)
        return joined.reindex(np.arange(len(latest))).to_numpy(object)


def _latest_and_trend(
    points: _Points, tree: _Tree, depth: int, obs: _Observations, unit_of: np.ndarray
) -> pd.DataFrame:
    """Per unit × tier × indicator at ``depth``: latest value and period, slope, projection, evidence."""
    layer = points.layers.setdefault(depth, _Layer(**{name: np.zeros(0, np.int32) for name in _Layer.COLUMNS}))
    end = points.end[layer.period]
    sid, n = _dense_codes(*_key(layer.node, layer.tier, layer.indicator, 0, (len(unit_of), 1), len(tree.code)))
    sid = np.arange(n) if sid is None else sid
    order = np.lexsort((points.duration[layer.period], end, sid))
    last_of_series = np.ones(len(order), bool)
    last_of_series[:-1] = sid[order][1:] != sid[order][:-1]
    latest = order[last_of_series]

    years = (end - _YEAR_ZERO).astype(float) / 365.25
    y = layer.value
    count = np.bincount(sid, minlength=n)
    sx, sy = np.bincount(sid, years, minlength=n), np.bincount(sid, y, minlength=n)
    sxx, sxy = np.bincount(sid, years * years, minlength=n), np.bincount(sid, years * y, minlength=n)
    spread = count * sxx - sx * sx
    sloped = (count >= 2) & (spread > 1e-9)
    slope = np.where(sloped, (count * sxy - sx * sy) / np.where(sloped, spread, 1), np.nan)
    horizon = (np.datetime64(HORIZON_DAY) - _YEAR_ZERO).astype(float) / 365.25
    projected = y[latest] + slope * np.maximum(horizon - years[latest], 0)
    unit = unit_of[layer.indicator[latest]]
    projected = np.where(unit == "percent", np.clip(projected, 0, 100), projected)
    projected = np.where(unit == "rank", np.maximum(projected, 1), projected)
    projected = np.where(np.isin(unit, ["count", "vnd", "km", "criteria"]), np.maximum(projected, 0), projected)
    return pd.DataFrame(
        {
            "node": layer.node[latest],
            "tier": layer.tier[latest],
            "indicator": layer.indicator[latest],
            "latest_value": y[latest],
            "latest_period": obs.labels(layer.label_row[latest]),
            "n_periods": count,
            "trend_per_year": slope,
            "projected_2025": projected,
            "n_units_reported": layer.reported[latest],
            "aggregation": np.asarray(AGGREGATIONS, object)[layer.aggregation[latest]],
            "observation_ids": points.evidence(depth, latest, tree, obs),
            "era": points.era[layer.period[latest]],
        }
    )


def _rows(found, obs, tree, depth, province_depth, era, names, targets, catalogue, as_of) -> pd.DataFrame:
    """The grid of units × (tier, indicator) with their values, names and applicable target.

    ``province_depth`` says which provinces rows name (old or new); ``era``
    is the era of the units listed without data (1: after the reform).
    """
    grid = _grid(tree, depth, era, obs, found, targets, names)
    rows = grid.merge(
        found.astype({"node": int, "tier": int, "indicator": int}), on=["node", "tier", "indicator"], how="left"
    )
    node, tier = rows["node"].to_numpy(), rows["tier"].to_numpy()
    province = tree.ancestor[node, province_depth]
    plans = tree.predecessor[node] if depth == _NEW else tree.ancestor[node, _OLD]
    rows = rows.assign(
        unit_code=tree.code[node],
        unit_name=tree.name[node],
        admin_level=np.asarray(TIERS, object)[tier],
        province_code=_codes_of(tree, province),
        province=np.where(province >= 0, tree.name[np.maximum(province, 0)], None),
        district_code=_codes_of(tree, tree.ancestor[node, _DISTRICT]),
        plan_province_code=_codes_of(tree, plans),
        indicator=names.to_numpy(object)[rows["indicator"].to_numpy()],
        as_of=str(as_of),
        n_periods=rows["n_periods"].fillna(0).astype(int),
        n_units_reported=rows["n_units_reported"].mask(rows["latest_value"].isna(), 0),
        n_units_total=tree.total[rows["era"].fillna(era).to_numpy(int), node, tier],
    )
    rows = pd.concat([rows, applicable_targets(rows, targets, catalogue)], axis=1)
    keep = rows["latest_value"].notna() | rows["observed_pair"] | (rows["target_id"].notna() & ~rows["stand_in"])
    return rows[keep].reset_index(drop=True)


def _grid(
    tree: _Tree, depth: int, era: int, obs: _Observations, found: pd.DataFrame, targets: pd.DataFrame, names: pd.Index
) -> pd.DataFrame:
    """Every unit of ``era`` at ``depth`` × every (tier, indicator) observed or targeted at or below it.

    Units of the other era appear only where they have data (districts exist
    in the old era only; new provinces in the new one).

    ``observed_pair`` marks the pairs some unit of any level reported: their no-data rows
    show the gaps in coverage. Pairs that are only targeted keep their
    no-data rows where a target for that very tier applies.
    """
    observed = pd.DataFrame({"tier": obs.tier, "indicator": obs.indicator}).drop_duplicates()
    observed = observed[observed["tier"] >= _DEPTH_TIER[depth]]
    t = targets[(targets["year"] == TARGET_YEAR) & targets["admin_level"].isin(TIERS[_DEPTH_TIER[depth] :])]
    targeted = pd.DataFrame(
        {"tier": _index_in(t["admin_level"], TIERS), "indicator": names.get_indexer(t["indicator"])}
    )
    pairs = pd.concat([observed.assign(observed_pair=True), targeted.assign(observed_pair=False)])
    pairs = pairs.drop_duplicates(["tier", "indicator"]).reset_index(drop=True)
    listed = tree.counted & ((tree.era == era) | (depth in (_NEW, _OLD, _DISTRICT)))
    units = np.flatnonzero((tree.depth == depth) & (listed | np.isin(np.arange(len(tree.code)), found["node"])))
    grid = pairs.iloc[np.tile(np.arange(len(pairs)), len(units))].reset_index(drop=True)
    grid["node"] = np.repeat(units, len(pairs))
    return grid


def _assess(rows: pd.DataFrame) -> pd.DataFrame:
    """Gap, share of target and status from the latest value, projection and target."""
    value, target = rows["latest_value"].to_numpy(float), rows["target_value"].to_numpy(float)
    comparator = rows["comparator"].to_numpy(object)
    lower = lower_is_better(comparator)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(lower, target / value, value / target)
    share[~np.isfinite(share)] = np.nan
    projected = rows["projected_2025"].to_numpy(float)
    status = np.select(
        [np.isnan(value), np.isnan(target), meets(value, comparator, target), meets(projected, comparator, target)],
        ["no_data", "no_target", "met", "on_track"],
        "off_track",
    )
    return rows.assign(gap=np.where(lower, value - target, target - value), share_of_target=share, status=status)


def _as_schema(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows in the ``progress`` schema, ordered by unit, tier and indicator."""
    rows = rows.assign(
        n_units_reported=rows["n_units_reported"].round().astype("Int64"),
        n_units_total=rows["n_units_total"].round().astype("Int64"),
        target_source=rows["target_source"].astype(object),
    ).sort_values(["unit_code", "admin_level", "indicator"], kind="mergesort")
    return pa.Table.from_pandas(rows[PROGRESS.names], schema=PROGRESS, preserve_index=False).to_pandas()


def _key(node, tier, indicator, period, radix: tuple[int, int], n_nodes: int) -> tuple[np.ndarray, int]:
    """One integer per (node, tier, indicator, period), and the bound they lie below.

    ``radix`` = how many indicators and periods; int32 when the bound allows.
    """
    n_ind, n_periods = radix
    size = n_nodes * 3 * n_ind * n_periods
    key = np.array(node, np.int32 if size < 2**31 else np.int64)
    key *= 3
    key += tier
    key *= n_ind
    key += indicator
    key *= n_periods
    key += period
    return key, size


def _dense_codes(key: np.ndarray, size: int) -> tuple[np.ndarray | None, int]:
    """Codes 0..m-1 of ``key`` (in key order) and m; codes None when every key is distinct.

    Keys lie below ``size``. When that bound is not far above their number a
    presence table beats hashing by far (10M keys: 0.3 s against 2 s);
    otherwise sort.
    """
    if size > max(1 << 20, 8 * len(key)):
        distinct, codes = np.unique(key, return_inverse=True)
        return codes, len(distinct)
    present = np.zeros(size, bool)
    present[key] = True
    m = int(np.count_nonzero(present))
    if m == len(key):
        return None, m
    return (np.cumsum(present, dtype=np.int32) - 1)[key], m


def _present(small: np.ndarray) -> np.ndarray:
    """The distinct values of an array of small non-negative integers (quicker than np.unique)."""
    return np.flatnonzero(np.bincount(small, minlength=1))


def _first_of(group: np.ndarray, n: int) -> np.ndarray:
    """Position of the first member of each of ``n`` groups."""
    first = np.empty(n, np.int64)
    first[group[::-1]] = np.arange(len(group))[::-1]
    return first


def _codes_of(tree: _Tree, node: np.ndarray) -> np.ndarray:
    """Codes of ``node`` (None where -1)."""
    return np.where(node >= 0, tree.code[np.maximum(node, 0)], None)


def _arrow(values: pd.Series) -> pa.Array:
    """A string column as one Arrow string array (nulls kept)."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _index_in(values: pd.Series, choices) -> np.ndarray:
    """Position of each value in ``choices`` (-1 where absent or null)."""
    found = pc.index_in(_arrow(values), pa.array(list(choices)))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int8)


def _days(values: pd.Series) -> np.ndarray:
    """A date column (dates, datetimes or ISO strings) as datetime64[D], NaT where missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy().astype("datetime64[D]")
    days = pa.array(values, from_pandas=True).cast(pa.date32())
    return np.asarray(days.to_numpy(zero_copy_only=False), "datetime64[D]")


def _gazetteer() -> pd.DataFrame:
    from cds_analysis.reference.gazetteer import load_units

    return load_units()


def _catalogue() -> pd.DataFrame:
    from cds_analysis.reference.indicators import load_indicators

    return load_indicators()
