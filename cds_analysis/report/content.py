"""What a report shows: the progress of a province's units or of all provinces, and its tables and figures.

:func:`province_data` and :func:`overview_data` read the tables of a data dir
and compute progress; the figure and table functions turn a :class:`ReportData`
into what the notebooks in ``cds_analysis/report/notebooks/`` display, so that
the notebooks are narrative and calls. Rendering them is :mod:`cds_analysis.report.render`'s job.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Image, display
from matplotlib.figure import Figure

from cds_analysis.analysis.progress import REFORM_DAY, period_end_of
from cds_analysis.analysis.progress import progress as compute_progress
from cds_analysis.config import PROCESSED_DIR
from cds_analysis.errors import ReportError
from cds_analysis.lang.periods import parse_period
from cds_analysis.reference.gazetteer import resolve, successor_province
from cds_analysis.reference.indicators import load_indicators
from cds_analysis.report import plots
from cds_analysis.store import read_table, table_path

__all__ = [
    "ReportData",
    "province_data",
    "overview_data",
    "bar_figures",
    "trajectory_figures",
    "show",
    "show_table",
    "status_table",
    "appendix",
]

OVERVIEW_TITLE = "Tổng quan các tỉnh"



@dataclass(frozen=True)
class ReportData:
    """What one report draws: the compared units' progress, the province's own, and the evidence."""

    title: str
    period: str
    level: str  # level of the compared units: 'district' (province report) or 'province' (overview)
    observations: pd.DataFrame = field(repr=False)
    indicators: pd.DataFrame = field(repr=False)
    units: pd.DataFrame = field(repr=False)
    own: pd.DataFrame = field(repr=False)  # the province's rows at the period (empty for the overview)
    history: pd.DataFrame = field(repr=False)  # ... and as of every earlier period end, for its trajectory
    unit_code: str | None = None

    def _repr_html_(self) -> str:
        reported = self.units.loc[self.units["status"] != "no_data", "unit_code"].nunique()
        total = self.units["unit_code"].nunique()
        documents = self.observations["document_id"].nunique()
        level = {"district": "đơn vị cấp huyện", "commune": "đơn vị cấp xã", "province": "tỉnh, thành phố"}[self.level]
        return (
            f"<h2>{html.escape(self.title)} — kỳ {html.escape(self.period)}</h2>"
            f"<p>{len(self.observations)} số liệu từ {documents} tài liệu; "
            f"{reported}/{total} {level} có số liệu so với mục tiêu 2025.</p>"
        )


def _check_period(period: str) -> tuple[str, dt.date]:
    """Label and last day of a reporting period: '2023-Q2', 'quý 2/2023', 'tính đến ngày 30/5/2023'.

    A period progress cannot take as ``as_of`` ('as_of 2023-05-30', a range)
    is reported as of its last day ('2023-05-30').
    """
    try:
        parsed = parse_period(str(period))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ReportError(f"period {period!r} is not a reporting period: write e.g. '2023-Q2', '2023-H1' or '2023'")
    try:
        return parsed.label, period_end_of(parsed.label).astype(dt.date)
    except ValueError:
        return parsed.end.isoformat(), parsed.end


def _resolve_province(province: str, on: dt.date):
    """The province ``province`` names in the era of ``on`` (63 provinces before 1 July 2025, 34 after)."""
    unit = resolve(str(province), level="province", on=on)
    if unit is None:
        raise ReportError(
            f"province {province!r} is not in the gazetteer (on {on:%d/%m/%Y}): write its name, e.g. 'Quảng Ngãi'"
        )
    return unit


def _check_data_dir(data_dir: str | Path) -> Path:
    path = table_path("observations", data_dir)
    if not path.is_file():
        raise ReportError(
            f"no observations table at {path}: run `cds-analysis ingest` or pass the processed data directory"
        )
    return Path(data_dir).resolve()


def _read_optional(name: str, data_dir: str | Path) -> pd.DataFrame | None:
    return read_table(name, data_dir) if table_path(name, data_dir).is_file() else None


@dataclass(frozen=True)
class _Inputs:
    """The tables of a data dir and the period a report is about."""

    label: str
    end: dt.date
    observations: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame | None
    documents: pd.DataFrame | None

    @property
    def provinces(self) -> str:
        """The provinces of the period's era: the 63 before 1 July 2025, the 34 after."""
        return "post2025" if self.end >= REFORM_DAY else "pre2025"

    def progress(self, level: str, observations: pd.DataFrame | None = None, as_of: str | None = None) -> pd.DataFrame:
        """Progress at ``level`` as of the period (or ``as_of``)."""
        return compute_progress(
            self.observations if observations is None else observations,
            self.targets,
            as_of=as_of or self.label,
            level=level,
            provinces=self.provinces,
            indicators=self.indicators,
            documents=self.documents,
        )

    def province_codes(self) -> pd.Series:
        """The province of each observation, in the period's era."""
        codes = self.observations["province_code"]
        return codes.map(successor_province, na_action="ignore") if self.provinces == "post2025" else codes


def _inputs(period: str, data_dir: str | Path) -> _Inputs:
    label, end = _check_period(period)
    _check_data_dir(data_dir)
    indicators = _read_optional("indicators", data_dir)
    return _Inputs(
        label,
        end,
        read_table("observations", data_dir),
        load_indicators() if indicators is None else indicators,
        _read_optional("targets", data_dir),
        _read_optional("documents", data_dir),
    )


def province_data(province: str, period: str, data_dir: str | Path = PROCESSED_DIR) -> ReportData:
    """Progress of a province and of its districts (communes after the 2025 reform) at ``period``.

    The province's own progress is also computed as of every earlier period
    end its observations have, so that its trajectory shows rolled-up values.
    """
    inputs = _inputs(period, data_dir)
    unit = _resolve_province(province, inputs.end)
    sub_level = "district" if inputs.provinces == "pre2025" else "commune"
    observations = inputs.observations[inputs.province_codes() == unit.code].reset_index(drop=True)
    units = inputs.progress(sub_level, observations)
    ends = pd.to_datetime(observations["period_end"]).dropna().unique()
    earlier = sorted(d.strftime("%Y-%m-%d") for d in ends if d < pd.Timestamp(inputs.end))
    history = pd.concat(
        [inputs.progress("province", observations, as_of=day) for day in earlier]
        + [inputs.progress("province", observations)],
        ignore_index=True,
    )
    history = history[history["unit_code"] == unit.code].reset_index(drop=True)
    return ReportData(
        title=unit.name,
        period=inputs.label,
        level=sub_level,
        observations=observations,
        indicators=inputs.indicators,
        units=units[units["province_code"] == unit.code].reset_index(drop=True),
        own=history[history["as_of"] == inputs.label].reset_index(drop=True),
        history=history,
        unit_code=unit.code,
    )


def overview_data(period: str, data_dir: str | Path = PROCESSED_DIR) -> ReportData:
    """Progress of every province at ``period`` (the 63 before 1 July 2025, the 34 after)."""
    inputs = _inputs(period, data_dir)
    units = inputs.progress("province")
    none = units.iloc[0:0]
    return ReportData(
        OVERVIEW_TITLE, inputs.label, "province", inputs.observations, inputs.indicators, units, none, none
    )


def _measures(progress: pd.DataFrame) -> list[tuple[str, str]]:
    """(indicator, tier) pairs that some row has a value for, in a stable order."""
    valued = progress.loc[progress["latest_value"].notna(), ["indicator", "admin_level"]]
    return sorted(valued.drop_duplicates().itertuples(index=False, name=None))


def bar_figures(data: ReportData) -> dict[str, Figure]:
    """One bar chart per indicator and tier that some compared unit has a value for."""
    return {
        f"2_bars_{code}_{tier}": plots.indicator_bars(data.units, code, data.indicators, tier=tier)
        for code, tier in _measures(data.units)
    }


def trajectory_figures(data: ReportData) -> dict[str, Figure]:
    """The province's own trajectory for each indicator and tier it has a value for."""
    return {
        f"3_trajectory_{code}_{tier}": plots.trajectory(
            data.observations, data.history, data.unit_code, code, data.indicators, tier=tier
        )
        for code, tier in _measures(data.own)
    }


def show(figures: dict[str, Figure], output_dir: str | Path) -> None:
    """Save each figure as ``output_dir/<name>.png`` and display that PNG, so report and files agree."""
    for name, fig in figures.items():
        path = plots.save(fig, output_dir, name)
        display(Image(filename=str(path), width=round(fig.get_figwidth() * 100)))


def show_table(table: pd.DataFrame) -> None:
    """Display every row of ``table`` (pandas would cut long ones), text HTML-escaped."""
    cells = ".jp-RenderedHTMLCommon table.cds-table"  # outranks JupyterLab's right-aligned cells
    style = f"<style>{cells} th, {cells} td {{text-align: left; vertical-align: top}}</style>"
    display(HTML(style + table.to_html(index=False, escape=True, na_rep="–", border=0, classes="cds-table")))


def _names(indicators: pd.DataFrame) -> dict[str, str]:
    return dict(zip(indicators["code"], indicators["name_vi"]))


def status_table(progress: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The progress rows that have a value, with Vietnamese headers and values written for readers."""
    rows = progress[progress["status"] != "no_data"]
    unit = rows["indicator"].map(dict(zip(indicators["code"], indicators["unit"])))

    def written(column: str) -> list[str]:
        return [plots.format_value(v, u) for v, u in zip(rows[column], unit)]

    return pd.DataFrame(
        {
            "Đơn vị": rows["unit_name"],
            "Chỉ tiêu": rows["indicator"].map(_names(indicators)).fillna(rows["indicator"]),
            "Cấp": rows["admin_level"].map(plots.TIER_LABELS),
            "Giá trị mới nhất": written("latest_value"),
            "Kỳ": rows["latest_period"],
            "Mục tiêu 2025": written("target_value"),
            "Đạt (% mục tiêu)": [plots.format_value(v * 100, "percent") for v in rows["share_of_target"]],
            "Dự báo 31/12/2025": written("projected_2025"),
            "Tình trạng": rows["status"].map(plots.STATUS_LABELS),
            "Nguồn mục tiêu": rows["target_source"],
            "Đơn vị có số liệu": [
                "–" if pd.isna(n) else f"{n}/{t}" for n, t in zip(rows["n_units_reported"], rows["n_units_total"])
            ],
        }
    ).reset_index(drop=True)


def appendix(data: ReportData) -> pd.DataFrame:
    """Every plotted value with its evidence and source file, for the report's appendix."""
    table = plots.evidence_table(pd.concat([data.history, data.units], ignore_index=True), data.observations)
    return pd.DataFrame(
        {
            "Đơn vị": table["unit_name"],
            "Chỉ tiêu": table["indicator"].map(_names(data.indicators)).fillna(table["indicator"]),
            "Cấp": table["admin_level"].map(plots.TIER_LABELS),
            "Giá trị": [plots.format_value(v, u) for v, u in zip(table["value"], table["unit"])],
            "Kỳ": table["period"],
            "Địa danh": table["place"],
            "Trích dẫn": table["evidence"],
            "Tệp nguồn": table["source"],
            "Mã số liệu": table["observation_id"],
        }
    )


