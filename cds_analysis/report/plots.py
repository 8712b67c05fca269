"""Charts of progress towards the 2025 targets, drawn from the tidy tables.

Every function takes DataFrames in the schemas of :mod:`cds_analysis.reference.schemas`
and returns a matplotlib :class:`~matplotlib.figure.Figure` built without
pyplot, so a report that draws hundreds of charts holds no global figure
state. Text is set in DejaVu Sans, which ships with matplotlib and has every
Vietnamese glyph; the style is seaborn's ``whitegrid`` (as matplotlib ships it). Empty input gives a
figure that says so, never an exception. :func:`evidence_table` lists the
observations behind every plotted value, for a report's appendix.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.style
import numpy as np
import pandas as pd
from babel.numbers import format_decimal
from matplotlib.figure import Figure

from cds_analysis.lang.periods import human_label, period_key
from cds_analysis.lang.text import fold_key
from cds_analysis.reference.measures import AXIS_LABELS
from cds_analysis.report import labels

__all__ = [
    "FONT",
    "STATUS_LABELS",
    "TIER_LABELS",
    "EVIDENCE_COLUMNS",
    "target_heatmap",
    "indicator_bars",
    "trajectory",
    "bars_grid",
    "trajectories_grid",
    "trajectory_points",
    "tile_maps",
    "evidence_table",
    "unit_observations",
    "format_value",
    "safe_name",
    "save",
]

FONT = "DejaVu Sans"
# Labels, marks and colours of statuses and tiers are data (reference/data/labels_vi.yaml).
STATUS_LABELS = {code: s.label for code, s in labels.statuses().items()}
STATUS_MARKS = {code: s.mark for code, s in labels.statuses().items()}
STATUS_COLORS = {code: s.colour for code, s in labels.statuses().items()}
TIER_LABELS = {tier: labels.tier_label(tier) for tier in ("province", "district", "commune", "village")}
TARGET_DATE = pd.Timestamp("2025-12-31")
DPI = 110  # sharp on a screen and in the PDF; saving the PNGs was most of a report's time at 150
MAX_MISSING_NAMES = 20  # units without a value are named under a bar chart, or counted beyond this

_RC = {
    # seaborn's whitegrid style and notebook context as matplotlib ships them: importing seaborn
    # (and scipy behind it) was most of a report kernel's import time.
    **matplotlib.style.library["seaborn-v0_8-whitegrid"],
    **{
        key: value * 0.9 if key.endswith("size") and isinstance(value, float) else value
        for key, value in matplotlib.style.library["seaborn-v0_8-notebook"].items()
    },
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "axes.unicode_minus": False,
}


def _styled(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw inside the package style, so text objects are created with DejaVu Sans."""

    @functools.wraps(draw)
    def wrapper(*args, **kwargs) -> Figure:
        with mpl.rc_context(_RC):
            return draw(*args, **kwargs)

    return wrapper


def _message_figure(title: str, message: str) -> Figure:
    fig = Figure(figsize=(8, 2.5), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontweight="bold")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555", transform=ax.transAxes)
    return fig


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _catalogue(indicators: pd.DataFrame | None) -> pd.DataFrame:
    """The indicator catalogue indexed by code (an empty one when none is given)."""
    if indicators is None or indicators.empty:
        return pd.DataFrame(columns=["name_vi", "unit", "higher_is_better"], index=pd.Index([], name="code"))
    return indicators.set_index("code")


def _indicator_name(catalogue: pd.DataFrame, code: str) -> str:
    if code == "other":
        return "Khác (ngoài danh mục)"
    return str(catalogue.at[code, "name_vi"]) if code in catalogue.index else code


def _measure_name(catalogue: pd.DataFrame, code: str, tier: str) -> str:
    """'Tỷ lệ hồ sơ … (cấp xã)': the indicator and the tier whose units it measures."""
    return f"{_indicator_name(catalogue, code)} ({TIER_LABELS.get(tier, tier)})"


def _indicator_unit(catalogue: pd.DataFrame, code: str) -> str | None:
    unit = catalogue.at[code, "unit"] if code in catalogue.index else None
    return unit if isinstance(unit, str) else None


def _higher_is_better(catalogue: pd.DataFrame, code: str) -> bool:
    return bool(catalogue.at[code, "higher_is_better"]) if code in catalogue.index else True


def bound_mark(aggregation: object) -> str:
    """'≥ ' before a value summed from only some of a unit's lower units (``sum_partial``): a lower bound, so a
    chart or a table does not show it as the unit's whole figure."""
    return "≥ " if aggregation == "sum_partial" else ""


def format_value(value: float, unit: str | None, exact: bool = False) -> str:
    """A value as a Vietnamese reader writes it: '95,5%', '4.573', '46 tỷ đồng'.

    ``exact`` keeps a percentage's second decimal ('95,45%'), where two values must not
    look the same once rounded (sources that disagree).
    """
    if value is None or pd.isna(value):
        return "–"
    if unit == "percent":
        pattern = "#,##0.##" if exact else "#,##0.#"
        return f"{format_decimal(round(float(value), 2 if exact else 1), format=pattern, locale='vi')}%"
    if unit == "vnd" and abs(value) >= 1e9:
        return f"{format_decimal(round(value / 1e9, 1), format='#,##0.#', locale='vi')} tỷ đồng"
    if unit == "vnd" and abs(value) >= 1e6:
        return f"{format_decimal(round(value / 1e6, 1), format='#,##0.#', locale='vi')} triệu đồng"
    return format_decimal(round(float(value), 2), format="#,##0.##", locale="vi")


def _unit_axis_label(unit: str | None) -> str:
    return AXIS_LABELS.get(unit or "", unit or "")


def _short_period(label: str) -> str:
    """A period as readers write it ('Quý II/2023', 'Đến 30/5/2023'): :func:`human_label`."""
    return human_label(label)


def _unit_labels(rows: pd.DataFrame) -> pd.Series:
    """Unit names, with the province added where two units share a name ('Châu Thành')."""
    names = rows["unit_name"].astype(str)
    clash = names.map(rows.drop_duplicates(["unit_code", "map"])["unit_name"].value_counts()).fillna(1) > 1
    return names.where(~clash, names + " (" + rows["province"].astype(str) + ")")


def _alphabetical(names: pd.Index) -> pd.Index:
    """Sort key putting 'Đức Phổ' among the D's, not after 'Z'."""
    return names.map(lambda name: (fold_key(name), name))


@_styled
def target_heatmap(progress: pd.DataFrame, indicators: pd.DataFrame | None = None, title: str | None = None) -> Figure:
    """(Indicator, tier) × units: each cell coloured by status, with the value, its period and the status mark.

    Rows are the indicator/tier pairs some unit has a value for, columns the
    units with a value for some indicator (fewer than indicators, so the map
    fits a page). The colour is the status
    (the same colours and marks as the scorecard), so a cell is never green
    beside a ✗; the period says how old the value is.
    """
    title = title or "Các đơn vị theo từng chỉ tiêu"
    valued = progress[progress["latest_value"].notna()]
    if valued.empty:
        return _message_figure(title, "Chưa có số liệu cho kỳ này.")
    catalogue = _catalogue(indicators)
    measures = valued[["indicator", "admin_level"]].drop_duplicates()
    units = valued[["unit_code", "map"]].drop_duplicates()
    shown = progress.merge(units, on=["unit_code", "map"]).merge(measures, on=["indicator", "admin_level"])
    shown = shown.assign(label=_unit_labels(shown))
    long = shown.set_index(["indicator", "admin_level", "label"])[
        ["latest_value", "latest_period", "status", "aggregation"]
    ]
    cells = pd.DataFrame(long[~long.index.duplicated()].unstack("label"))
    cells = cells.sort_index().sort_index(axis=1, key=_alphabetical)
    value = pd.DataFrame(cells["latest_value"])
    period, status = cells["latest_period"].to_numpy(), cells["status"].to_numpy()
    aggregation = cells["aggregation"].to_numpy()
    order = list(STATUS_COLORS)
    codes = np.vectorize(lambda s: order.index(s) if s in order else order.index("no_data"), otypes=[int])(status)
    notes = np.empty(value.shape, dtype=object)
    for (i, j), v in np.ndenumerate(value.to_numpy(dtype=float)):
        mark = STATUS_MARKS.get(str(status[i, j]), STATUS_MARKS["no_data"])
        unit = _indicator_unit(catalogue, str(value.index[i][0]))
        value_text = f"{bound_mark(aggregation[i, j])}{format_value(v, unit)}"
        notes[i, j] = mark if np.isnan(v) else f"{value_text} {mark}\n{_short_period(str(period[i, j]))}"
    n_rows, n_cols = value.shape  # indicators down, units across: there are fewer units than indicators
    fig = Figure(figsize=(max(7.0, 4.2 + 1.35 * n_cols), max(2.4, 1.2 + 0.52 * n_rows)), layout="constrained")
    ax = fig.add_subplot()
    colours = mpl.colors.ListedColormap([STATUS_COLORS[s] for s in order])
    ax.imshow(codes.astype(float), cmap=colours, vmin=-0.5, vmax=len(order) - 0.5, aspect="auto")
    for (i, j), note in np.ndenumerate(notes):
        r, g, b, _ = mpl.colors.to_rgba(STATUS_COLORS[order[int(codes[i, j])]])
        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
        ax.text(j, i, note, ha="center", va="center", fontsize=7, color="white" if dark else "#222222")
    names = [_wrap(_measure_name(catalogue, code, tier), 48) for code, tier in value.index]
    ax.set_yticks(np.arange(n_rows), names, fontsize=8)
    ax.set_xticks(np.arange(n_cols), [_wrap(c, 12) for c in value.columns], fontsize=9)
    ax.xaxis.tick_top()
    ax.set_xticks(np.arange(n_cols + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(n_rows + 1) - 0.5, minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.set_title(title, loc="left", fontweight="bold")
    present = [s for s in order if s in set(status.flatten())]
    fig.supxlabel("   ".join(f"{STATUS_MARKS[s]} {STATUS_LABELS[s]}" for s in present), fontsize=9, color="#333333")
    return fig


def _one_tier(rows: pd.DataFrame, indicator: str, tier: str | None) -> pd.DataFrame:
    """The rows of one tier: the one asked for, or the only one there is."""
    if tier is not None:
        return rows[rows["admin_level"] == tier]
    tiers = sorted(rows["admin_level"].dropna().unique())
    if len(tiers) > 1:
        raise ValueError(f"{indicator} has values at several tiers ({', '.join(tiers)}); pass tier= one of them")
    return rows


@_styled
def indicator_bars(
    progress: pd.DataFrame,
    indicator: str,
    indicators: pd.DataFrame | None = None,
    tier: str | None = None,
    title: str | None = None,
) -> Figure:
    """One indicator (at one tier) across units, best first, coloured by status, with the 2025 target line.

    ``tier`` is the admin level the values measure (needed when the rows hold
    several, e.g. a district's own records and its communes'). Where units
    have different targets (a province plan over the national one) each bar
    gets its own target mark instead of one line. Units without a value are
    named in a note under the chart (counted when there are many).
    """
    catalogue = _catalogue(indicators)
    rows = _one_tier(progress[progress["indicator"] == indicator], indicator, tier)
    name = (
        _measure_name(catalogue, indicator, str(rows["admin_level"].iat[0]))
        if not rows.empty
        else _indicator_name(catalogue, indicator)
    )
    title = _wrap(title or name, 70)
    if rows["latest_value"].isna().all():
        return _message_figure(title, "Chưa có số liệu của chỉ tiêu này cho kỳ này.")
    rows, missing = _valued_rows(rows, catalogue, indicator)
    fig = Figure(figsize=(9, max(2.2, 1.6 + 0.42 * len(rows))), layout="constrained")
    _draw_bars(fig.add_subplot(), rows, missing, catalogue, indicator, title)
    return fig


def _valued_rows(rows: pd.DataFrame, catalogue: pd.DataFrame, indicator: str) -> tuple[pd.DataFrame, list[str]]:
    """The rows with a value, best last (barh draws bottom-up), and the names of those without."""
    rows = rows.assign(label=_unit_labels(rows))
    missing = sorted(rows.loc[rows["latest_value"].isna(), "label"], key=lambda name: (fold_key(name), name))
    rows = rows[rows["latest_value"].notna()]
    ascending = not _higher_is_better(catalogue, indicator)
    return rows.sort_values(["latest_value", "label"], ascending=[ascending, True]).iloc[::-1], missing


def _draw_bars(ax, rows: pd.DataFrame, missing: list[str], catalogue: pd.DataFrame, indicator: str, title: str) -> None:
    """Bars of ``rows`` on ``ax``, coloured and marked by status, each with its period where periods differ."""
    unit = _indicator_unit(catalogue, indicator)
    labels_ = rows["latest_period"].map(_short_period)
    periods = [f"  ({p})" for p in labels_] if labels_.nunique() > 1 else [""] * len(rows)
    if labels_.nunique() == 1:
        title = f"{title} — {labels_.iat[0]}"
    y = np.arange(len(rows))  # barh draws bottom-up: the best unit ends on top
    ax.barh(
        y,
        rows["latest_value"],
        color=[STATUS_COLORS.get(s, STATUS_COLORS["no_data"]) for s in rows["status"]],
        height=0.65,
    )
    for yi, value, status, period, aggregation in zip(
        y, rows["latest_value"], rows["status"], periods, rows["aggregation"]
    ):
        ax.annotate(
            f"{bound_mark(aggregation)}{format_value(value, unit)}  {STATUS_MARKS.get(status, '')}{period}",
            (value, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    targets = rows["target_value"].dropna().unique()
    year = _target_year(rows)
    sources = rows["target_source"].dropna().unique()
    source_note = f" ({', '.join(map(str, sources))})" if len(sources) else ""
    if len(targets) == 1:
        ax.axvline(
            targets[0],
            color="#222222",
            linestyle="--",
            linewidth=1.5,
            label=f"Mục tiêu {year}: {format_value(targets[0], unit)}{source_note}",
        )
    elif len(targets) > 1:
        ax.scatter(
            rows["target_value"],
            y,
            marker="|",
            s=400,
            color="#222222",
            zorder=3,
            label=f"Mục tiêu {year} của từng đơn vị{source_note}",
        )
    ax.set_yticks(y, list(rows["label"]))
    note = ""
    if missing:
        names = ", ".join(missing) if len(missing) <= MAX_MISSING_NAMES else f"{len(missing)} đơn vị"
        note = "\n" + _wrap(f"Chưa có số liệu: {names}", 80)
    ax.set_xlabel(_unit_axis_label(unit) + note, fontsize=9)
    upper = np.nanmax(np.append(rows[["latest_value", "target_value"]].to_numpy(dtype=float), 1)) * 1.18
    ax.set_xlim(0, max(upper, 115.0) if unit == "percent" else upper)  # a share reads against 0–100
    ax.set_title(title, loc="left", fontweight="bold", fontsize=10)
    if len(targets):
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)


@_styled
def bars_grid(
    progress: pd.DataFrame, measures: list[tuple[str, str]], indicators: pd.DataFrame | None = None, columns: int = 2
) -> Figure:
    """Small multiples: one bar panel per (indicator, tier) of ``measures``, side by side in one figure.

    The caller picks the measures worth a chart (two units or more with a
    value); one figure instead of one PNG per indicator keeps the page short
    and the export quick.
    """
    catalogue = _catalogue(indicators)
    panels = []
    for code, tier in measures:
        rows = progress[(progress["indicator"] == code) & (progress["admin_level"] == tier)]
        panels.append((code, tier, *_valued_rows(rows, catalogue, code)))
    if not panels:
        return _message_figure("So sánh các đơn vị", "Không có chỉ tiêu nào có số liệu của từ hai đơn vị trở lên.")
    ncols = min(columns, len(panels))
    nrows = -(-len(panels) // ncols)
    heights = [1.8 + 0.36 * max(len(p[2]) for p in panels[r * ncols : (r + 1) * ncols]) for r in range(nrows)]
    fig = Figure(figsize=(7.2 * ncols, sum(heights)), layout="constrained")
    grid = fig.add_gridspec(nrows, ncols, height_ratios=heights)
    for k, (code, tier, rows, missing) in enumerate(panels):
        ax = fig.add_subplot(grid[k // ncols, k % ncols])
        _draw_bars(ax, rows, missing, catalogue, code, _wrap(_measure_name(catalogue, code, tier), 55))
    return fig


@_styled
def tile_maps(
    progress: pd.DataFrame,
    measures: list[tuple[str, str]],
    grid: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    columns: int = 4,
) -> Figure:
    """Small multiples of a tile-grid map: one square per province of ``grid`` (name, row, col), per measure.

    A square is coloured by the province's status for the indicator, with its
    value written in; provinces without a value are light grey. No geography
    is downloaded: ``grid`` places each province roughly where it lies.
    """
    catalogue = _catalogue(indicators)
    if not measures or grid.empty:
        return _message_figure("Bản đồ ô", "Không có chỉ tiêu nào có số liệu của các tỉnh.")
    ncols = min(columns, len(measures))
    nrows = -(-len(measures) // ncols)
    height, width = int(grid["row"].max()) + 1, int(grid["col"].max()) + 1
    fig = Figure(figsize=(2.9 * ncols, 0.34 * height * nrows + 0.6), layout="constrained")
    for k, (code, tier) in enumerate(measures):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        rows = progress[(progress["indicator"] == code) & (progress["admin_level"] == tier)]
        by_name = {fold_key(n): r for n, (_, r) in zip(rows["unit_name"], rows.iterrows())}
        unit = _indicator_unit(catalogue, code)
        for _, tile in grid.iterrows():
            row = by_name.get(fold_key(tile["name"]))
            status = row["status"] if row is not None and pd.notna(row["latest_value"]) else "no_data"
            colour = STATUS_COLORS.get(status, STATUS_COLORS["no_data"])
            ax.add_patch(mpl.patches.Rectangle((tile["col"], -tile["row"]), 0.94, 0.94, color=colour))
            short = textwrap.shorten(str(tile["name"]), 9, placeholder="…")
            text = (
                short
                if row is None or pd.isna(row["latest_value"])
                else f"{short}\n{bound_mark(row['aggregation'])}{format_value(row['latest_value'], unit)}"
            )
            r, g, b, _ = mpl.colors.to_rgba(colour)
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            ax.text(
                tile["col"] + 0.47,
                -tile["row"] + 0.47,
                text,
                ha="center",
                va="center",
                fontsize=4.8,
                color="white" if dark else "#222222",
            )
        ax.set_xlim(0, width)
        ax.set_ylim(-height + 1, 1)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.set_title(_wrap(_measure_name(catalogue, code, tier), 40), loc="left", fontsize=8, fontweight="bold")
    shown = [s for s in STATUS_COLORS if s in set(progress["status"])]
    fig.supxlabel("   ".join(f"{STATUS_MARKS[s]} {STATUS_LABELS[s]}" for s in shown), fontsize=8, color="#333333")
    return fig


def unit_observations(
    observations: pd.DataFrame, unit_code: str, indicator: str, tier: str, map: str | None = None
) -> pd.DataFrame:
    """Results (not targets) reported for the unit itself at one tier, oldest first.

    An observation is the unit's own when the most precise code it carries
    (commune, else district, else province) is the unit's, on the unit's
    ``map`` (any map when None; '52' of 2025 is not the old '52'): 'các xã, thị trấn
    huyện Trà Bồng' at the commune tier is Trà Bồng's, a single commune's value
    is the commune's. It is the one selection :func:`trajectory` plots and
    :func:`evidence_table` lists besides the roll-up trail.
    """
    if observations.empty:
        return observations
    named = observations["commune_code"].fillna(observations["district_code"]).fillna(observations["province_code"])
    same = named == unit_code
    if map is not None:
        same &= observations["map"] == map
    rows = observations[
        same
        & (observations["indicator"] == indicator)
        & (observations["admin_level"] == tier)
        & ~observations["is_target"].astype(bool)
    ]
    return rows.sort_values(["period_end", "period_start", "observation_id"], na_position="first")


def _map_or_none(value: object) -> str | None:
    """A row's ``map``, None where it is missing (null, NaN)."""
    return value if isinstance(value, str) else None


def _ids(progress: pd.DataFrame) -> pd.Series:
    """Observation ids of the ';'-separated trail, one per row, indexed like ``progress``."""
    return progress["observation_ids"].dropna().astype(str).str.split(";").explode().str.strip().loc[lambda s: s != ""]


def _trajectory_points(
    observations: pd.DataFrame, rows: pd.DataFrame, unit_code: str, indicator: str, tier: str
) -> pd.DataFrame:
    """Points of a trajectory (end, value, period, observed): the unit's own reports, and the
    values progress gives at each ``as_of`` in ``rows`` (rolled up where the unit did not report).
    """
    maps = list(rows["map"].dropna().unique()) if "map" in rows else []
    own = unit_observations(observations, unit_code, indicator, tier, maps[0] if len(maps) == 1 else None)
    own = own.dropna(subset=["period_end"])
    points = [
        pd.DataFrame(
            {
                "end": pd.to_datetime(own["period_end"]),
                "value": own["value"],
                "period": own["period_label"],
                "observed": True,
            }
        )
    ]
    for index, row in rows[rows["latest_value"].notna()].iterrows():
        behind = observations[observations["observation_id"].isin(_ids(rows.loc[[index]]))]
        if not behind.empty:
            end = pd.to_datetime(behind["period_end"]).max()
            points.append(
                pd.DataFrame(
                    {
                        "end": [end],
                        "value": [row["latest_value"]],
                        "period": [row["latest_period"]],
                        "observed": [row["aggregation"] == "observed"],
                    }
                )
            )
    table = pd.concat(points, ignore_index=True).dropna(subset=["end", "value"])
    table = table[table["observed"] | ~table["period"].isin(table.loc[table["observed"], "period"])]
    return table.drop_duplicates(["period", "value"]).sort_values("end").reset_index(drop=True)


@_styled
def trajectory(
    observations: pd.DataFrame,
    progress: pd.DataFrame,
    unit_code: str,
    indicator: str,
    indicators: pd.DataFrame | None = None,
    tier: str | None = None,
    title: str | None = None,
) -> Figure:
    """A unit's values over the periods, the projection to 31 Dec 2025 along its trend, and the target.

    ``progress`` holds the unit's rows at one ``as_of`` or at several (the
    history of a rolled-up value, e.g. a province from its districts); the
    latest ``as_of`` gives the projection and status. Reported values are
    dots, rolled-up values diamonds.
    """
    catalogue = _catalogue(indicators)
    rows = _one_tier(
        progress[(progress["unit_code"] == unit_code) & (progress["indicator"] == indicator)], indicator, tier
    )
    if rows.empty:
        return _message_figure(
            _wrap(title or _indicator_name(catalogue, indicator), 70),
            f"Chưa có số liệu của đơn vị {unit_code} cho chỉ tiêu này.",
        )
    row, points = _latest_and_points(observations, rows, unit_code, indicator)
    title = title or f"{row['unit_name']}: {_measure_name(catalogue, indicator, row['admin_level'])}"
    if points.empty:
        return _message_figure(_wrap(title, 70), "Chưa có số liệu báo cáo cho chỉ tiêu này.")
    fig = Figure(figsize=(9, 4.5), layout="constrained")
    _draw_trajectory(fig.add_subplot(), row, points, _indicator_unit(catalogue, indicator), title)
    return fig


def _latest_and_points(
    observations: pd.DataFrame, rows: pd.DataFrame, unit_code: str, indicator: str
) -> tuple[pd.Series, pd.DataFrame]:
    """The row of the latest ``as_of`` among a unit's progress ``rows``, and the points of its trajectory."""
    ends = [period_key(str(a))[1] for a in rows["as_of"]]
    row = rows.iloc[max(range(len(ends)), key=ends.__getitem__)]
    return row, _trajectory_points(observations, rows, unit_code, indicator, row["admin_level"])


def trajectory_points(
    observations: pd.DataFrame, progress: pd.DataFrame, unit_code: str, indicator: str, tier: str
) -> pd.DataFrame:
    """The dated points (end, value, period, observed) a unit's trajectory would draw (a chart needs two)."""
    rows = progress[
        (progress["unit_code"] == unit_code) & (progress["indicator"] == indicator) & (progress["admin_level"] == tier)
    ]
    if rows.empty:
        return pd.DataFrame(columns=["end", "value", "period", "observed"])
    return _latest_and_points(observations, rows, unit_code, indicator)[1]


@_styled
def trajectories_grid(
    observations: pd.DataFrame,
    progress: pd.DataFrame,
    unit_code: str,
    measures: list[tuple[str, str]],
    indicators: pd.DataFrame | None = None,
    columns: int = 2,
) -> Figure:
    """Small multiples: a unit's trajectory for each (indicator, tier) of ``measures``, in one figure."""
    catalogue = _catalogue(indicators)
    if not measures:
        return _message_figure("Xu hướng", "Không có chỉ tiêu nào có từ hai kỳ số liệu trở lên.")
    ncols = min(columns, len(measures))
    nrows = -(-len(measures) // ncols)
    fig = Figure(figsize=(7.2 * ncols, 4.2 * nrows), layout="constrained")
    for k, (code, tier) in enumerate(measures):
        rows = progress[
            (progress["unit_code"] == unit_code) & (progress["indicator"] == code) & (progress["admin_level"] == tier)
        ]
        row, points = _latest_and_points(observations, rows, unit_code, code)
        ax = fig.add_subplot(nrows, ncols, k + 1)
        _draw_trajectory(ax, row, points, _indicator_unit(catalogue, code), _measure_name(catalogue, code, tier))
    return fig


def _target_year(rows: pd.DataFrame) -> int:
    """The horizon the rows are judged against (progress's ``horizon``; 2025 when absent)."""
    years = rows["horizon"].dropna() if "horizon" in rows else pd.Series(dtype=object)
    return int(years.iloc[0]) if len(years) else TARGET_DATE.year


def _draw_trajectory(ax, row: pd.Series, points: pd.DataFrame, unit: str | None, title: str) -> None:
    """The points, the projection to 31 December of the horizon and the target line of one trajectory, on ``ax``."""
    year = _target_year(row.to_frame().T)
    deadline = pd.Timestamp(f"{year}-12-31")
    ax.plot(points["end"], points["value"], color="#2c7fb8", linewidth=2)
    for observed, marker, label in [(True, "o", "Số liệu báo cáo"), (False, "D", "Tổng hợp từ cấp dưới")]:
        some = points[points["observed"] == observed]
        if not some.empty:
            ax.plot(
                some["end"], some["value"], marker=marker, markersize=8, linestyle="none", color="#253494", label=label
            )
    for end, value, period in zip(points["end"], points["value"], points["period"]):
        ax.annotate(
            f"{format_value(value, unit)}\n{_short_period(period)}",
            (end, value),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=8,
        )
    latest = points[(points["period"] == row["latest_period"]) & np.isclose(points["value"], row["latest_value"])]
    if pd.notna(row["projected_2025"]) and not latest.empty and latest["end"].iat[-1] < deadline:
        start = latest["end"].iat[-1]
        ax.plot(
            [start, deadline],
            [row["latest_value"], row["projected_2025"]],
            linestyle=":",
            linewidth=2,
            color="#41b6c4",
            label=f"Dự báo 31/12/{year}: {format_value(row['projected_2025'], unit)}",
        )
    if pd.notna(row["target_value"]):
        source = f" ({row['target_source']})" if pd.notna(row["target_source"]) else ""
        ax.axhline(
            row["target_value"],
            color="#222222",
            linestyle="--",
            linewidth=1.5,
            label=f"Mục tiêu {year}: {format_value(row['target_value'], unit)}{source}",
        )
    ax.axvline(deadline, color="#999999", linewidth=0.8)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.set_ylabel(_unit_axis_label(unit))
    ax.margins(x=0.08, y=0.2)
    if unit == "percent":  # a share reads against the whole 0–100 scale
        ax.set_ylim(0, max(108.0, ax.get_ylim()[1]))
    ax.set_title(
        _wrap(f"{title} — {STATUS_LABELS.get(row['status'], row['status'])}", 80),
        loc="left",
        fontweight="bold",
        fontsize=10,
    )
    ax.legend(loc="best", fontsize=8)


EVIDENCE_COLUMNS = [
    "unit_name",
    "indicator",
    "admin_level",
    "value",
    "unit",
    "period",
    "place",
    "evidence",
    "source",
    "observation_id",
]


def evidence_table(progress: pd.DataFrame, observations: pd.DataFrame) -> pd.DataFrame:
    """The observations behind every plotted value, with evidence text and source path.

    For each progress row with a value: the observations its latest value was
    computed from (``observation_ids``, which for a roll-up are the lower
    units' reports) and the unit's own reported series (:func:`unit_observations`).
    """
    valued = progress[progress["status"] != "no_data"]
    trail = _ids(valued)
    links = [
        pd.DataFrame({"observation_id": trail.to_numpy(), "unit_name": valued.loc[trail.index, "unit_name"].to_numpy()})
    ]
    links += [
        unit_observations(
            observations, str(row.unit_code), str(row.indicator), str(row.admin_level), _map_or_none(row.map)
        )[["observation_id"]].assign(unit_name=str(row.unit_name))
        for row in valued.itertuples()
    ]
    table = pd.concat(links, ignore_index=True).drop_duplicates().merge(observations, on="observation_id", how="inner")
    table = table.rename(columns={"period_label": "period"}).sort_values(
        ["unit_name", "indicator", "period_end", "observation_id"]
    )
    return table[EVIDENCE_COLUMNS].reset_index(drop=True)


def safe_name(name: str) -> str:
    """``name`` as a file or directory name: ASCII letters, digits, '-' and '_' ('a/b c' → 'a_b_c')."""
    safe = re.sub(r"[^0-9A-Za-z_-]+", "_", str(name)).strip("_")
    if not safe:
        raise ValueError(f"{name!r} gives no usable file name")
    return safe


def save(fig: Figure, output_dir: str | Path, name: str) -> Path:
    """Write ``fig`` as ``output_dir/<safe name>.png`` and return the path."""
    path = Path(output_dir) / f"{safe_name(name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", facecolor="white")
    return path
