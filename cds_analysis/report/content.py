"""What a report shows: the progress of a province's units or of all provinces, as tables and figures.

:func:`province_data` and :func:`overview_data` read the tables of a data dir and
compute progress; :func:`report_rows` is the one place that reads progress's
columns. The rest turns a :class:`ReportData` into what a leader reads first (a
summary line and a scorecard), then the heat map and the charts that say
something (bars only with two units or more, trajectories only with two dated
points, as small multiples), then where sources disagree (a mark on each such
figure, a short section, nothing when they agree), then the evidence: each value
once, in its whole sentence. The notebooks in ``report/notebooks/`` are narrative and calls into
this module; rendering them is :mod:`cds_analysis.report.render`'s job.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from IPython.display import HTML, Image, display
from markupsafe import Markup, escape
from matplotlib.figure import Figure

from cds_analysis.analysis.conflicts import THING, unit_codes
from cds_analysis.analysis.conflicts import conflicts as find_conflicts
from cds_analysis.analysis.progress import REFORM_DAY, period_end_of
from cds_analysis.analysis.progress import progress as compute_progress
from cds_analysis.config import PACKAGE_DATA, PROCESSED_DIR, RAW_DIR
from cds_analysis.errors import ReportError
from cds_analysis.lang.periods import Period, human_label, parse_period
from cds_analysis.reference.gazetteer import NEW_MAP, OLD_MAP, map_on, resolve, successor_province
from cds_analysis.reference.indicators import load_indicators
from cds_analysis.reference.targets import TARGET_YEAR
from cds_analysis.report import labels, plots
from cds_analysis.report.pages import template
from cds_analysis.store import read_table, table_path

__all__ = [
    "Chart",
    "ReportData",
    "Summary",
    "province_data",
    "overview_data",
    "report_rows",
    "summary",
    "scorecard",
    "evidence",
    "disagreements",
    "heatmap_chart",
    "comparison_chart",
    "tile_map_chart",
    "tile_grid",
    "trajectory_chart",
    "show",
    "show_summary",
    "show_scorecard",
    "show_evidence",
    "show_disagreements",
    "show_table",
    "status_table",
    "national_outcomes",
    "show_national",
    "save_formats",
]

OVERVIEW_TITLE = "Tổng quan các tỉnh"
SUMMARY_FILE = "summary.json"

# The progress columns a report reads, with the value a missing one takes (analysis.progress,
# issue #13): this is the one place to adapt when progress changes.
_PROGRESS_COLUMNS: dict[str, object] = {
    "unit_code": None,
    "map": None,
    "unit_name": None,
    "admin_level": None,
    "province_code": None,
    "province_map": None,
    "province": None,
    "indicator": None,
    "as_of": None,
    "horizon": pd.NA,
    "latest_value": np.nan,
    "latest_period": None,
    "latest_period_end": None,
    "dated_by_document": False,
    "age_quarters": pd.NA,
    "n_periods": 0,
    "target_value": np.nan,
    "comparator": None,
    "target_year": pd.NA,
    "target_source": None,
    "gap": np.nan,
    "share_of_target": np.nan,
    "trend_per_year": np.nan,
    "projected_2025": np.nan,
    "status": "no_data",
    "status_rule": None,
    "n_units_reported": pd.NA,
    "n_units_total": pd.NA,
    "aggregation": None,
    "observation_ids": None,
}


def report_rows(progress: pd.DataFrame) -> pd.DataFrame:
    """Progress rows in the columns every report function reads: THE one place that reads progress.

    Missing columns take a neutral value and a missing status is 'no_data';
    statuses the labels file does not know (a new one from progress) pass
    through and are shown with their code. Extra columns are kept.
    """
    rows = progress.copy()
    for column, default in _PROGRESS_COLUMNS.items():
        if column not in rows:
            rows[column] = pd.Series([default] * len(rows), index=rows.index, dtype=object)
    rows["status"] = rows["status"].fillna("no_data").astype(str)
    rows["n_periods"] = rows["n_periods"].fillna(0).astype(int)
    return rows


class _Indicator(NamedTuple):
    name: str
    unit: str | None
    higher_is_better: bool
    aggregation: str | None
    name_en: str | None = None  # the secondary line for readers abroad


def _catalogue(indicators: pd.DataFrame) -> dict[str, _Indicator]:
    """The catalogue entries a report prints, by code; an unknown code is named by itself."""
    return {
        str(r["code"]): _Indicator(
            str(r["name_vi"]),
            None if pd.isna(r["unit"]) else str(r["unit"]),
            bool(r["higher_is_better"]) if pd.notna(r["higher_is_better"]) else True,
            None if pd.isna(r["aggregation"]) else str(r["aggregation"]),
            None if pd.isna(r["name_en"]) else str(r["name_en"]),
        )
        for r in indicators.to_dict("records")
    }


def _indicator(catalogue: dict[str, _Indicator], code: str) -> _Indicator:
    return catalogue.get(code) or _Indicator(code, None, True, None)


class Chart(NamedTuple):
    """A figure and the alt text that says what it shows, for readers who cannot see it."""

    figure: Figure
    alt: str


@dataclass(frozen=True)
class ReportData:
    """What one report draws: the compared units' progress, the province's own, and the evidence."""

    title: str
    period: str
    level: str  # level of the compared units: 'district' or 'commune' (province report), 'province' (overview)
    observations: pd.DataFrame = field(repr=False)
    indicators: pd.DataFrame = field(repr=False)
    units: pd.DataFrame = field(repr=False)
    own: pd.DataFrame = field(repr=False)  # the province's rows at the period (empty for the overview)
    history: pd.DataFrame = field(repr=False)  # ... and as of every earlier period end, for its trajectory
    unit_code: str | None = None
    documents: pd.DataFrame | None = field(default=None, repr=False)
    raw_dir: Path | None = None  # where the documents' paths are, to quote whole sentences
    horizon: int = TARGET_YEAR  # the year of the targets the report judges against (2025, 2030…)

    @property
    def period_label(self) -> str:
        """The period as readers write it: 'Quý II/2023'."""
        return human_label(self.period)

    @property
    def post_reform(self) -> bool:
        """True when the period ends on or after 1 July 2025 (34 provinces, no district tier)."""
        return bool(period_end_of(self.period) >= np.datetime64(REFORM_DAY))

    @cached_property
    def disputed(self) -> pd.DataFrame:
        """:func:`disagreements` of this report, computed once: the summary, the scorecard, the evidence and the
        formats all read it."""
        return disagreements(self)

    def _repr_html_(self) -> str:
        found = summary(self)
        return str(template("summary.html.j2").render(data=self, summary=found, disputed=_disputed_line(found)))


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
    horizon: int = TARGET_YEAR

    @property
    def map(self) -> str:
        """The map of the period's provinces: the 63 of '2008–2025' before 1 July 2025, the 34 of '2025' after."""
        return map_on(self.end)

    def progress(self, level: str, observations: pd.DataFrame | None = None, as_of: str | None = None) -> pd.DataFrame:
        """Progress at ``level`` as of the period (or ``as_of``) towards the targets of the horizon.

        The documents table is passed as ingest passes it to the stored ``progress`` table
        (:func:`cds_analysis.analysis.progress.progress_table`), so undated figures count
        the same way in both: one answer everywhere.
        """
        return report_rows(
            compute_progress(
                self.observations if observations is None else observations,
                self.targets,
                as_of=as_of or self.label,
                level=level,
                map=self.map,
                indicators=self.indicators,
                documents=self.documents,
                horizon=self.horizon,
            )
        )

    def province_codes(self) -> pd.Series:
        """The province of each observation on the period's map (null where its units are not on that map).

        The codes an observation names are on its ``map`` (the old map where
        null, as the gazetteer reads a code); on the 2025 map every unit has
        a province, its own or its old province's successor.
        """
        obs = self.observations
        named = obs["map"].astype(object).where(obs["map"].notna(), OLD_MAP)
        if self.map == OLD_MAP:
            return obs["province_code"].where(named.eq(OLD_MAP))
        pairs = pd.MultiIndex.from_arrays([obs["province_code"], named])
        new = {(code, m): successor_province(code, m) for code, m in pairs.unique() if isinstance(code, str)}
        return pd.Series([new.get(pair) for pair in pairs], index=obs.index, dtype=object)


def _check_horizon(horizon: object) -> int:
    """The target year a report judges against: 2025 by default, 2030, or any year from 2020 to 2100."""
    try:
        year = int(str(horizon).strip())
    except ValueError:
        year = 0
    if not 2020 <= year <= 2100:
        raise ReportError(f"horizon {horizon!r} is not a target year: write e.g. 2025 or 2030")
    return year


def _inputs(period: str, data_dir: str | Path, horizon: int | str = TARGET_YEAR) -> _Inputs:
    label, end = _check_period(period)
    year = _check_horizon(horizon)
    _check_data_dir(data_dir)
    indicators = _read_optional("indicators", data_dir)
    return _Inputs(
        label,
        end,
        read_table("observations", data_dir),
        load_indicators() if indicators is None else indicators,
        _read_optional("targets", data_dir),
        _read_optional("documents", data_dir),
        year,
    )


def _raw_dir(data_dir: str | Path) -> Path:
    """The raw dir beside a processed one ('data/processed' → 'data/raw'), else the configured one."""
    beside = Path(data_dir).resolve().parent / "raw"
    return beside if beside.is_dir() else Path(RAW_DIR)


def province_data(
    province: str, period: str, data_dir: str | Path = PROCESSED_DIR, horizon: int | str = TARGET_YEAR
) -> ReportData:
    """Progress of a province and of its lower tier at ``period``: districts before 1 July 2025, communes after.

    The province's own progress is also computed as of every earlier period
    end its observations have, so that its trajectory shows rolled-up values.
    Observations of former units (a merged province's old districts) keep the
    unit their source named; the evidence says which.
    """
    inputs = _inputs(period, data_dir, horizon)
    unit = _resolve_province(province, inputs.end)
    sub_level = "district" if inputs.map == OLD_MAP else "commune"
    observations = inputs.observations[inputs.province_codes() == unit.code].reset_index(drop=True)
    units = inputs.progress(sub_level, observations)
    ends = pd.to_datetime(observations["period_end"]).dropna().unique()
    earlier = sorted(d.strftime("%Y-%m-%d") for d in ends if d < pd.Timestamp(inputs.end))
    history = pd.concat(
        [inputs.progress("province", observations, as_of=day) for day in earlier]
        + [inputs.progress("province", observations)],
        ignore_index=True,
    )
    history = history[(history["unit_code"] == unit.code) & (history["map"] == unit.map)].reset_index(drop=True)
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
        documents=inputs.documents,
        raw_dir=_raw_dir(data_dir),
        horizon=inputs.horizon,
    )


def overview_data(period: str, data_dir: str | Path = PROCESSED_DIR, horizon: int | str = TARGET_YEAR) -> ReportData:
    """Progress of every province at ``period`` (the 63 before 1 July 2025, the 34 after)."""
    inputs = _inputs(period, data_dir, horizon)
    units = inputs.progress("province")
    none = units.iloc[0:0]
    data = ReportData(
        OVERVIEW_TITLE,
        inputs.label,
        "province",
        inputs.observations,
        inputs.indicators,
        units,
        none,
        none,
        documents=inputs.documents,
        raw_dir=_raw_dir(data_dir),
        horizon=inputs.horizon,
    )
    if data.post_reform:  # provinces are compared on their own figures: former districts' are not theirs
        data = replace(data, units=units[units["admin_level"] != "district"])
    return data


# ---------------------------------------------------------------- the summary and the scorecard


@dataclass(frozen=True)
class Summary:
    """The counts of the summary line, kept as numbers for the index."""

    title: str
    period: str
    noun: str  # what is counted: 'chỉ tiêu' of a province, 'cặp tỉnh × chỉ tiêu' in the overview
    targeted: int  # indicators (× tier) with a target
    counts: dict[str, int]  # status → indicators with a target and a value
    without_data: int  # indicators with a target but no value
    untargeted: int  # indicators with a value but no target
    units_reported: int  # lower units with some value
    units_total: int
    latest: str | None  # latest period end of a result, ISO date
    disputed: int = 0  # things sources disagree on (the section 'Số liệu chưa thống nhất giữa các nguồn')

    @property
    def with_data(self) -> int:
        return sum(self.counts.values())

    @property
    def text(self) -> str:
        """'12 chỉ tiêu có mục tiêu: 7 có số liệu (3 đã đạt, 2 đúng hướng, 2 chậm tiến độ), 5 chưa có số liệu.'

        A leader reads this line first; the counts add up (7 = 3 + 2 + 2, 12 = 7 + 5).
        """
        if not self.targeted and not self.untargeted:
            return "Chưa có số liệu nào so được với mục tiêu trong kỳ này."
        parts = ", ".join(f"{n} {labels.status(s).label.lower()}" for s, n in self.counts.items() if n)
        text = f"{self.targeted} {self.noun} có mục tiêu: {self.with_data} có số liệu"
        text += f" ({parts})" if parts else ""
        text += f", {self.without_data} chưa có số liệu." if self.without_data else "."
        if self.untargeted:
            text += f" Thêm {self.untargeted} {self.noun} có số liệu nhưng chưa có mục tiêu."
        return text


def _rows_of_interest(rows: pd.DataFrame, post_reform: bool) -> pd.DataFrame:
    """Rows with a value or a target: an indicator neither reported nor targeted is not news.

    After the reform there is no district tier: a district-tier target without a value is dropped,
    a former district's value stays (labelled as such by :func:`_tier`).
    """
    rows = rows[rows["latest_value"].notna() | rows["target_value"].notna()]
    if post_reform:
        rows = rows[(rows["admin_level"] != "district") | rows["latest_value"].notna()]
    return rows


def summary(data: ReportData) -> Summary:
    """The counts behind the summary line: the province's own indicators, or every province × indicator (overview)."""
    rows = _rows_of_interest(data.own if data.unit_code else data.units, data.post_reform)
    targeted = rows[rows["target_value"].notna()]
    valued = targeted[targeted["latest_value"].notna()]
    counts = valued["status"].value_counts()
    results = data.observations[~data.observations["is_target"].astype(bool)]
    ends = pd.to_datetime(results["period_end"]).dropna()
    return Summary(
        title=data.title,
        period=data.period,
        noun="chỉ tiêu" if data.unit_code else "cặp tỉnh × chỉ tiêu",
        targeted=len(targeted),
        counts={s: int(counts[s]) for s in sorted(counts.index, key=lambda s: labels.status(s).rank)},
        without_data=int(targeted["latest_value"].isna().sum()),
        untargeted=int((rows["target_value"].isna() & rows["latest_value"].notna()).sum()),
        units_reported=len(data.units.loc[data.units["latest_value"].notna(), ["unit_code", "map"]].drop_duplicates()),
        units_total=len(data.units[["unit_code", "map"]].drop_duplicates()),
        latest=ends.max().date().isoformat() if not ends.empty else None,
        disputed=int(data.disputed["thing"].nunique()),
    )


def _trend(row: pd.Series, higher_is_better: bool, report_end: dt.date) -> str:
    """SDSN-style trend of one row, stated once in labels_vi.yaml.

    'up': rising fast enough to reach the target by its year (or holding a met
    one); 'rising': rising more slowly than that; 'flat': the yearly change is
    under 1 % of the value; 'down': falling; 'unknown': fewer than two periods.
    """
    slope = row["trend_per_year"]
    if row["n_periods"] < 2 or pd.isna(slope):
        return "unknown"
    slope = float(slope) if higher_is_better else -float(slope)
    value = row["latest_value"]
    if abs(slope) <= 0.01 * max(abs(float(value)) if pd.notna(value) else 1.0, 1.0):
        return "flat"
    if slope < 0:
        return "down"
    gap = row["gap"]
    if pd.isna(gap) or float(gap) <= 0:
        return "up"
    year = int(row["target_year"]) if pd.notna(row["target_year"]) else TARGET_YEAR
    years_left = max((dt.date(year, 12, 31) - report_end).days / 365.25, 0.25)
    return "up" if slope >= float(gap) / years_left else "rising"


def _age(period: object, report_end: dt.date) -> str:
    """How old a value is at the report's end: 'cùng kỳ', '5 tháng', '2 năm'."""
    if period is None or period is pd.NA or period != period:  # missing, NA or NaN
        return "–"
    try:
        end = Period.from_label(str(period)).end
    except ValueError:
        return "–"
    months = round((report_end - end).days / 30.44)
    if months <= 0:
        return "cùng kỳ"
    return f"{months} tháng" if months < 24 else f"{months // 12} năm"


def _target_text(row: pd.Series, unit: str | None) -> str:
    """'≥ 80% (2025)': the target as its decision sets it."""
    if pd.isna(row["target_value"]):
        return "–"
    sign = {">=": "≥ ", ">": "> ", "<=": "≤ ", "top_n": "top "}.get(str(row["comparator"]), "")
    year = f" ({int(row['target_year'])})" if pd.notna(row["target_year"]) else ""
    return f"{sign}{plots.format_value(row['target_value'], unit)}{year}"


def _ids(value: object) -> list[str]:
    if not isinstance(value, str):  # None, NA or NaN: no trail
        return []
    return [i.strip() for i in value.split(";") if i.strip()]


def _named_unit(obs: pd.Series) -> str:
    """The unit an observation's source named: its commune, else district, else province."""
    for column in ("commune", "district", "province"):
        if column in obs and pd.notna(obs[column]):
            return str(obs[column])
    return "–"


def _source(row: pd.Series, by_id: pd.DataFrame, titles: dict[str, str], post_reform: bool) -> str:
    """Where a value comes from: the document, or the units a rolled-up value sums, and former units as such."""
    behind = by_id.loc[[i for i in _ids(row["observation_ids"]) if i in by_id.index]]
    if behind.empty:
        return "–"
    first = behind.iloc[0]
    document = titles.get(first["document_id"]) or str(first["source"])
    named = sorted({_named_unit(o) for _, o in behind.iterrows()})
    former = post_reform and bool((pd.to_datetime(behind["period_end"]) < pd.Timestamp(REFORM_DAY)).any())
    unit_note = f"{', '.join(named)}{' (đơn vị trước sắp xếp 7/2025)' if former else ''}"
    if row["aggregation"] not in (None, "observed") and pd.notna(row["aggregation"]):
        reported, total = row["n_units_reported"], row["n_units_total"]
        share = f"{reported}/{total} " if pd.notna(reported) and pd.notna(total) else ""
        return f"Tổng hợp từ {share}đơn vị: {unit_note}"
    return f"{document} — {unit_note}"


def _titles(documents: pd.DataFrame | None) -> dict[str, str]:
    if documents is None or documents.empty:
        return {}
    return dict(zip(documents["document_id"], documents["title"].fillna(documents["path"])))


def scorecard(data: ReportData) -> pd.DataFrame:
    """One row per indicator (× tier) of the province with a value or a target: the SDSN-style scorecard.

    Columns: the indicator's code and name, the latest value with its period
    and age, the target with its decision, the status (label, mark, colour),
    the trend arrow, the source and the id of the evidence the value rests on.
    For the overview, one row per province and indicator.
    """
    if data.unit_code:
        rows = _rows_of_interest(data.own, data.post_reform)
    else:  # 63 provinces × every targeted indicator would drown the few with a value
        rows = data.units[data.units["latest_value"].notna()]
    catalogue = _catalogue(data.indicators)
    end = period_end_of(data.period).astype(dt.date)
    by_id = data.observations.drop_duplicates("observation_id").set_index("observation_id")
    titles = _titles(data.documents)
    disputed = data.disputed  # empty for the overview
    records = []
    for _, row in rows.iterrows():
        code = str(row["indicator"])
        info = _indicator(catalogue, code)
        unit = info.unit
        status = labels.status(row["status"])
        note, anchor = _disagreement_note(disputed, data.observations, row)
        trend = labels.trend(_trend(row, info.higher_is_better, end))
        ids = _ids(row["observation_ids"])
        records.append(
            {
                "Mã đơn vị": str(row["unit_code"]),
                "Bản đồ": row["map"],  # the code's map: the 2025 list reuses old numbers
                "Đơn vị": row["unit_name"],
                "Mã chỉ tiêu": code,
                "Chỉ tiêu": f"{info.name} ({_tier(row['admin_level'], data.post_reform)})",
                "Indicator (EN)": info.name_en,
                "Giá trị": plots.bound_mark(row["aggregation"]) + plots.format_value(row["latest_value"], unit),
                "Kỳ": human_label(row["latest_period"]) if pd.notna(row["latest_value"]) else "–",
                "Tuổi số liệu": _age(row["latest_period"], end) if pd.notna(row["latest_value"]) else "–",
                "Mục tiêu": _target_text(row, unit),
                "Văn bản mục tiêu": row["target_source"] if pd.notna(row["target_source"]) else "–",
                "Tình trạng": f"{status.mark} {status.label}",
                "Căn cứ": row["status_rule"] if pd.notna(row["status_rule"]) else "–",
                "Xu hướng": trend.arrow,
                "Nguồn": _source(row, by_id, titles, data.post_reform),
                "Nguồn khác nhau": note,
                "status": status.code,
                "colour": status.colour,
                "trend": trend.code,
                "evidence_id": ids[0] if ids else None,
                "conflict_id": anchor,
                "value": row["latest_value"],
            }
        )
    columns = [
        "Mã đơn vị",
        "Bản đồ",
        "Đơn vị",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Indicator (EN)",
        "Giá trị",
        "Kỳ",
        "Tuổi số liệu",
    ]
    columns += ["Mục tiêu"]
    columns += [
        "Văn bản mục tiêu",
        "Tình trạng",
        "Căn cứ",
        "Xu hướng",
        "Nguồn",
        "Nguồn khác nhau",
        "status",
        "colour",
        "trend",
        "evidence_id",
        "conflict_id",
        "value",
    ]
    table = pd.DataFrame(records, columns=columns)
    rank = table["status"].map(lambda s: labels.status(s).rank)
    return (
        table.assign(_rank=rank)
        .sort_values(["_rank", "Chỉ tiêu", "Đơn vị"])
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def _tier(tier: object, post_reform: bool) -> str:
    """The tier label; after the reform a district figure is a former district's, and says so."""
    if post_reform and tier == "district":
        return f"{labels.tier_label(tier)} cũ, trước 7/2025"
    return labels.tier_label(tier)


# ---------------------------------------------------------------- evidence


_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")
_NUMBER = re.compile(r"\d(?:[\d.,/]*\d)?(?:\s?%)?")


@cache
def _document_text(path: str) -> str | None:
    """The text a document's offsets point into, or None when the file is not there any more."""
    from cds_analysis.read.documents import read_document  # its HTML extractor is slow to import

    try:
        return read_document(path).text
    except Exception:  # noqa: BLE001 - a missing or changed source must not stop the report
        return None


def _sentence(text: str | None, start: int, end: int, fallback: str) -> tuple[str, int, int]:
    """The whole sentence around [start, end) of ``text`` and where the span lies in it."""
    if not text or end > len(text) or start < 0:
        return fallback, 0, len(fallback)
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    begin = before[-1] if before else 0
    after = _SENTENCE_END.search(text, end)
    stop = after.end() if after else len(text)
    sentence = text[begin:stop]
    lead = len(sentence) - len(sentence.lstrip())
    return sentence.strip(), start - begin - lead, end - begin - lead


def _highlight(sentence: str, start: int, end: int, value: float) -> Markup:
    """The sentence HTML-escaped, with the number of the span in <mark> (the whole span when none matches)."""
    span = sentence[start:end]
    digits = f"{int(abs(value))}" if pd.notna(value) else ""
    numbers = list(_NUMBER.finditer(span))
    best = next((m for m in numbers if digits and digits in re.sub(r"\D", "", m.group())), None)
    best = best or (numbers[0] if numbers else None)
    a, b = (start + best.start(), start + best.end()) if best else (start, end)
    return escape(sentence[:a]) + Markup("<mark>") + escape(sentence[a:b]) + Markup("</mark>") + escape(sentence[b:])


def evidence(data: ReportData) -> pd.DataFrame:
    """Each value the report shows, once: its whole sentence (number marked), document, date, path and offsets.

    The units column lists every unit whose value uses the observation, so a
    rolled-up figure says which units it sums.
    """
    shown = pd.concat([data.history, data.units, data.own], ignore_index=True)
    shown = shown[shown["latest_value"].notna()]
    links = shown[["unit_name", "observation_ids"]].assign(observation_id=shown["observation_ids"].map(_ids))
    links = links.explode("observation_id").dropna(subset=["observation_id"])
    users = links.groupby("observation_id")["unit_name"].agg(lambda names: ", ".join(sorted(set(map(str, names)))))
    rows = data.observations[data.observations["observation_id"].isin(users.index)]
    rows = rows.sort_values(["indicator", "period_end", "observation_id"]).drop_duplicates("observation_id")
    documents = (
        data.documents
        if data.documents is not None
        else pd.DataFrame(columns=["document_id", "title", "published", "path"])
    )
    meta = documents.set_index("document_id")
    published = _published(documents)
    catalogue = _catalogue(data.indicators)
    disputed = _disputed_observations(data.disputed, rows)
    records = []
    for _, obs in rows.iterrows():
        quote = _quote(obs, data.raw_dir)
        doc = meta.loc[obs["document_id"]] if obs["document_id"] in meta.index else None
        code = str(obs["indicator"])
        records.append(
            {
                "id": obs["observation_id"],
                "Chỉ tiêu": _indicator(catalogue, code).name,
                "Giá trị": plots.format_value(obs["value"], obs["unit"]),
                "Kỳ": human_label(obs["period_label"]) if pd.notna(obs["period_label"]) else "không ghi kỳ",
                "Đơn vị nêu trong nguồn": _named_unit(obs),
                "Dùng cho": users[obs["observation_id"]],
                "Câu gốc": quote.marked,
                "Câu": quote.sentence,
                "Tài liệu": (doc["title"] if doc is not None and pd.notna(doc["title"]) else str(obs["source"])),
                "Ngày": published.get(obs["document_id"], "–"),
                "Tệp": str(obs["source"]),
                "link": quote.link,
                "Vị trí (ký tự)": f"{int(obs['char_start'])}–{int(obs['char_end'])}",
                "Nguồn khác nhau": disputed.get(obs["observation_id"], ("", None))[0],
                "conflict_id": disputed.get(obs["observation_id"], ("", None))[1],
            }
        )
    return pd.DataFrame(records)


class _Quote(NamedTuple):
    """Where an observation's figure stands in its document."""

    sentence: str  # the whole sentence around the figure
    marked: str  # the same, HTML-escaped, the number in <mark>
    link: str | None  # the document's file as a file:// URI, when it is still there


def _quote(obs: pd.Series, raw_dir: Path | None) -> _Quote:
    """The whole sentence of an observation's figure, with the number marked, and a link to its document:
    what the appendix and the section on disagreeing sources quote."""
    path = _source_path(str(obs["source"]), raw_dir)
    text = _document_text(str(path)) if path else None
    sentence, start, end = _sentence(text, int(obs["char_start"]), int(obs["char_end"]), str(obs["evidence"]))
    return _Quote(sentence, str(_highlight(sentence, start, end, obs["value"])), path.as_uri() if path else None)


def _source_path(source: str, raw_dir: Path | None) -> Path | None:
    """The file a source path names: as given, or under the raw dir."""
    for candidate in (Path(source), (raw_dir or Path(RAW_DIR)) / source):
        if candidate.is_file():
            return candidate.resolve()
    return None


# ---------------------------------------------------------------- where sources disagree


MAX_DISAGREEMENTS = 5  # things listed in the section, about a screenful; the rest are counted in one line
_DISAGREEMENT_COLUMNS = [
    "thing",
    "id",
    "Đơn vị",
    "Chỉ tiêu",
    "Kỳ",
    "Giá trị",
    "Số nguồn",
    "Tài liệu",
    "Ngày",
    "Tệp",
    "link",
    "Câu gốc",
    "Câu",
    "shown",
    *THING,
    "thing_key",
]


def _thing_key(frame: pd.DataFrame) -> pd.Series:
    """Each row's thing (the :data:`~cds_analysis.analysis.conflicts.THING` columns) as one text to join on.

    Frames from different tables type a column that is null throughout differently
    (float in one, text in the other), which pandas refuses to join on; text does not.
    """
    text = frame[THING].astype(object).where(frame[THING].notna(), "").astype(str)
    return pd.Series(["|".join(row) for row in text.itertuples(index=False)], index=frame.index, dtype=object)


def _things(observations: pd.DataFrame) -> pd.DataFrame:
    """Each observation's thing (its key, see :func:`_thing_key`), value and qualifier."""
    rows = observations.assign(unit_code=unit_codes(observations))
    return rows[["observation_id", "value", "qualifier"]].assign(thing_key=_thing_key(rows))


def _used_ids(frames: list[pd.DataFrame]) -> set[str]:
    """The ids of the observations the values of ``frames`` (progress rows) were taken or summed from."""
    return {i for frame in frames for value in frame["observation_ids"] for i in _ids(value)}


def disagreements(data: ReportData) -> pd.DataFrame:
    """Every value that sources disagree on for the province's units, up to the report's period, one row per value.

    The conflicts are computed from the report's observations as ingest computes the
    stored ``conflicts`` table (:func:`cds_analysis.analysis.conflicts.conflicts`), so the
    report and the table agree. ``thing`` numbers the things sources disagree on, the
    most important first: the province's own figures, then those behind the scorecard,
    then the most recent. ``shown`` marks the value the report uses (progress chose it,
    by the rule stated with the section); a thing of a period the report shows no value
    for has none. Empty for the overview, or when every source agrees.
    """
    if not data.unit_code:
        return pd.DataFrame(columns=_DISAGREEMENT_COLUMNS)
    observations = data.observations.drop_duplicates("observation_id")
    found = find_conflicts(observations)
    found = found.assign(thing_key=_thing_key(found))
    end = pd.Timestamp(period_end_of(data.period))
    by_id = observations.set_index("observation_id")
    found = found[pd.to_datetime(found["observation_id"].map(by_id["period_end"])) <= end]
    if found.empty:
        return pd.DataFrame(columns=_DISAGREEMENT_COLUMNS)
    used = _things(observations[observations["observation_id"].isin(_used_ids([data.own, data.units, data.history]))])
    shown = used[["thing_key", "value", "qualifier"]].drop_duplicates().assign(shown=True)
    found = found.merge(shown, on=["thing_key", "value", "qualifier"], how="left")
    found["shown"] = found["shown"].fillna(False).astype(bool)
    card = _rows_of_interest(data.own, data.post_reform)
    behind = _things(observations[observations["observation_id"].isin(_used_ids([card]))])
    in_card = behind[["thing_key"]].drop_duplicates().assign(in_card=True)
    found = found.merge(in_card, on="thing_key", how="left")
    found["in_card"] = found["in_card"].fillna(False).astype(bool)
    found["period_end"] = pd.to_datetime(found["observation_id"].map(by_id["period_end"]))
    order = found.groupby("thing_key", sort=False).agg(
        below_province=("admin_level", lambda tiers: tiers.iloc[0] != "province"),
        off_card=("in_card", lambda flags: not flags.any()),
        recent=("period_end", "max"),
    )
    order = order.sort_values(["below_province", "off_card", "recent"], ascending=[True, True, False], kind="stable")
    rank = pd.Series(range(len(order)), index=order.index, name="thing")
    found = found.join(rank, on="thing_key").sort_values(["thing", "value"], kind="stable")
    return _disagreement_table(data, found, by_id)


def _disagreement_table(data: ReportData, found: pd.DataFrame, by_id: pd.DataFrame) -> pd.DataFrame:
    """The conflicts' values as a reader sees them: unit, indicator, period, value, source and its sentence."""
    catalogue = _catalogue(data.indicators)
    titles = _titles(data.documents)
    published = _published(data.documents)
    records = []
    for _, row in found.iterrows():
        obs = by_id.loc[row["observation_id"]]
        info = _indicator(catalogue, str(row["indicator"]))
        quote = _quote(obs, data.raw_dir)  # the observation of the conflict row: its source, sentence and value
        target = " — mục tiêu" if row["is_target"] else ""
        records.append(
            {
                "thing": int(row["thing"]),
                "id": row["observation_id"],
                "Đơn vị": _named_unit(obs),
                "Chỉ tiêu": f"{info.name} ({_tier(row['admin_level'], data.post_reform)}){target}",
                "Kỳ": human_label(str(row["period_label"])),
                "Giá trị": _QUALIFIER_WORDS.get(str(row["qualifier"]), "")
                + plots.format_value(row["value"], obs["unit"], exact=True),
                "Số nguồn": int(row["n_sources"]),
                "Tài liệu": titles.get(obs["document_id"]) or str(row["source"]),
                "Ngày": published.get(obs["document_id"], "–"),  # the rule reads it: a later document wins
                "Tệp": str(row["source"]),
                "link": quote.link,
                "Câu gốc": quote.marked,
                "Câu": quote.sentence,
                "shown": bool(row["shown"]),
                **{column: row[column] for column in [*THING, "thing_key"]},
            }
        )
    return pd.DataFrame(records, columns=_DISAGREEMENT_COLUMNS).reset_index(drop=True)


def _published(documents: pd.DataFrame | None) -> dict[str, str]:
    """Each document's publication day as readers write it ('25/07/2023'), where known."""
    if documents is None or documents.empty:
        return {}
    known = documents[documents["published"].notna()]
    return {str(i): f"{day:%d/%m/%Y}" for i, day in zip(known["document_id"], known["published"])}


def _anchor(thing: int) -> str:
    """The id of a thing's heading in the section ('cf-0'), which marks link to."""
    return f"cf-{thing}"


def _disagreement_note(disputed: pd.DataFrame, observations: pd.DataFrame, row: pd.Series) -> tuple[str, str | None]:
    """The mark of a scorecard row whose value rests on a figure sources disagree on, and the link to that thing.

    '⚠ 2 nguồn khác nhau: báo cáo dùng 70%, nguồn khác ghi 75%'; a rolled-up value
    names the unit whose figure is disputed. Empty, None when every source agrees.
    """
    if disputed.empty:
        return "", None
    ids = _ids(row["observation_ids"])
    behind = _things(observations[observations["observation_id"].isin(ids)])[["thing_key"]].drop_duplicates()
    things = disputed.merge(behind, on="thing_key")
    if things.empty:
        return "", None
    notes = [_note(rows, str(row["unit_code"])) for _, rows in things.groupby("thing", sort=True)]
    return "; ".join(notes), _anchor(int(things["thing"].min()))


def _note(rows: pd.DataFrame, unit_code: str) -> str:
    """'⚠ 2 nguồn khác nhau: báo cáo dùng 70%, nguồn khác ghi 75%' for the values of one thing."""
    shown = rows[rows["shown"]]
    others = rows[~rows["shown"]]
    sources = int(rows["Số nguồn"].sum())
    mark = labels.conflict_text("mark", n=len(rows)) if sources == len(rows) else None
    parts = [mark or labels.conflict_text("mark_shared", sources=sources, n=len(rows))]
    if shown.empty:
        parts.append(labels.conflict_text("not_shown"))
    else:
        parts.append(labels.conflict_text("shown", value=shown["Giá trị"].iloc[0]))
    parts.append(labels.conflict_text("others", others=", ".join(others["Giá trị"])))
    text = f"{parts[0]}: {', '.join(parts[1:])}"
    if str(rows["unit_code"].iloc[0]) != unit_code:  # a rolled-up value: whose figure is disputed
        text = f"{labels.conflict_text('of_unit', unit=rows['Đơn vị'].iloc[0])}: {text}"
    return text


def _disputed_observations(disputed: pd.DataFrame, observations: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """For each of ``observations`` whose thing sources disagree on: its mark and the link to the thing."""
    if disputed.empty or observations.empty:
        return {}
    things = _things(observations)[["observation_id", "thing_key"]].merge(disputed.drop(columns=["id"]), on="thing_key")
    return {
        str(oid): (_note(rows, str(rows["unit_code"].iloc[0])), _anchor(int(rows["thing"].iloc[0])))
        for oid, rows in things.groupby("observation_id", sort=False)
    }


def _sentence_case(text: str) -> str:
    """'Báo cáo không dùng số của kỳ này.': a label that is part of a mark, written as a sentence of its own."""
    return f"{text[:1].upper()}{text[1:]}."


def _listed(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The values of the things a report lists (the first :data:`MAX_DISAGREEMENTS`), and how many things are left."""
    listed = table[table["thing"] < MAX_DISAGREEMENTS]
    return listed, table["thing"].nunique() - listed["thing"].nunique()


def show_disagreements(table: pd.DataFrame) -> None:
    """The section 'Số liệu chưa thống nhất giữa các nguồn': nothing at all, not even a heading, when none.

    At most :data:`MAX_DISAGREEMENTS` things, each with its values, sources and sentences;
    the count of the rest in one line (all of them are in tables.xlsx).
    """
    if table.empty:
        return
    listed, rest = _listed(table)
    things = [
        {
            "anchor": _anchor(int(rows["thing"].iloc[0])),
            "rows": rows.to_dict("records"),
            **rows.iloc[0][["Đơn vị", "Chỉ tiêu", "Kỳ"]].to_dict(),
        }
        for _, rows in listed.groupby("thing", sort=True)
    ]
    display(
        HTML(
            template("conflicts.html.j2").render(
                things=things,
                heading=labels.conflict_text("heading"),
                intro=labels.conflict_text("intro"),
                rule=labels.conflict_text("rule"),
                shown=labels.conflict_text("shown", value="").strip(),
                not_shown=_sentence_case(labels.conflict_text("not_shown")),
                rest=labels.conflict_text("rest", n=rest) if rest else None,
            )
        )
    )


# ---------------------------------------------------------------- charts


def _valued_measures(progress: pd.DataFrame, min_units: int) -> list[tuple[str, str]]:
    """(indicator, tier) pairs with a value for at least ``min_units`` units, in a stable order."""
    counts = _unit_counts(progress)
    wide = counts[counts["n"] >= min_units]
    return sorted(zip(wide["indicator"].astype(str), wide["admin_level"].astype(str)))


def _unit_counts(progress: pd.DataFrame) -> pd.DataFrame:
    """How many units have a value, per (indicator, tier): columns indicator, admin_level, n."""
    pairs = progress[progress["latest_value"].notna()].drop_duplicates(["indicator", "admin_level", "unit_code", "map"])
    return pd.DataFrame(pairs.groupby(["indicator", "admin_level"]).size().rename("n").reset_index())


def heatmap_chart(data: ReportData) -> dict[str, Chart]:
    """The units × indicators map with values and periods, or nothing when no unit has a value."""
    units = data.units[data.units["latest_value"].notna()]
    if units.empty:
        return {}
    what = {"district": "huyện, thị xã, thành phố", "commune": "xã, phường", "province": "tỉnh, thành phố"}[data.level]
    counts = units["status"].value_counts()
    said = ", ".join(f"{n} ô {labels.status(s).label.lower()}" for s, n in counts.items())
    alt = (
        f"Bảng màu {len(units[['unit_code', 'map']].drop_duplicates())} {what} × {units[['indicator', 'admin_level']].drop_duplicates().shape[0]} "
        f"chỉ tiêu, kỳ {data.period_label}; mỗi ô ghi giá trị, kỳ số liệu và ký hiệu tình trạng: {said}."
    )
    title = f"Các {what} theo từng chỉ tiêu — {data.period_label}"
    return {"1_heatmap": Chart(plots.target_heatmap(data.units, data.indicators, title=title), alt)}


def _extremes(rows: pd.DataFrame, unit: str | None) -> str:
    ordered = rows.sort_values("latest_value")
    best, worst = ordered.iloc[-1], ordered.iloc[0]
    return (
        f"cao nhất {best['unit_name']} ({plots.format_value(best['latest_value'], unit)}), "
        f"thấp nhất {worst['unit_name']} ({plots.format_value(worst['latest_value'], unit)})"
    )


def comparison_chart(data: ReportData) -> dict[str, Chart]:
    """Bars of each indicator across units, only where two units or more have a value, as small multiples."""
    measures = _valued_measures(data.units, 2)
    if not measures:
        return {}
    catalogue = _catalogue(data.indicators)
    parts = []
    for code, tier in measures:
        rows = data.units[
            (data.units["indicator"] == code) & (data.units["admin_level"] == tier) & data.units["latest_value"].notna()
        ]
        info = _indicator(catalogue, code)
        parts.append(f"{info.name} ({labels.tier_label(tier)}), {len(rows)} đơn vị: {_extremes(rows, info.unit)}")
    alt = f"Biểu đồ cột xếp hạng các đơn vị theo {len(measures)} chỉ tiêu. " + "; ".join(parts) + "."
    return {"2_bars": Chart(plots.bars_grid(data.units, measures, data.indicators), alt)}


def _comparable_points(data: ReportData, catalogue: dict[str, _Indicator], code: str, tier: str) -> int:
    """Dated points of a trajectory that can be compared: sums rolled up from different units at different
    times are not a trend, so for a summed indicator only the unit's own reports count."""
    points = plots.trajectory_points(data.observations, data.history, str(data.unit_code), code, tier)
    summed = _indicator(catalogue, code).aggregation == "sum"
    return int(points["observed"].astype(bool).sum()) if summed else len(points)


def trajectory_chart(data: ReportData) -> dict[str, Chart]:
    """The province's trajectories, only for indicators with two dated points or more, as small multiples."""
    if not data.unit_code:
        return {}
    catalogue = _catalogue(data.indicators)
    measures = [
        (code, tier)
        for code, tier in _valued_measures(data.own, 1)
        if _comparable_points(data, catalogue, code, tier) >= 2
    ]
    if not measures:
        return {}
    names = [f"{_indicator(catalogue, c).name} ({labels.tier_label(t)})" for c, t in measures]
    alt = (
        f"Đồ thị xu hướng của {data.title} qua các kỳ báo cáo cho {len(measures)} chỉ tiêu: {'; '.join(names)}; "
        f"mỗi điểm ghi giá trị và kỳ, đường nét đứt là mục tiêu, đường chấm là dự báo đến 31/12/{data.horizon}."
    )
    return {
        "3_trajectories": Chart(
            plots.trajectories_grid(data.observations, data.history, data.unit_code, measures, data.indicators), alt
        )
    }


TILE_GRID = PACKAGE_DATA / "tile_grid.csv"
MAX_TILE_MAPS = 4  # the measures most provinces report; the ranking and scorecard hold the rest


def tile_grid(post_reform: bool) -> pd.DataFrame:
    """Tile positions (name, row, col) of the 34 provinces after the reform, or the 63 before it."""
    grid = pd.read_csv(TILE_GRID, comment="#", dtype={"code": str})
    return grid[grid["map"] == (NEW_MAP if post_reform else OLD_MAP)].reset_index(drop=True)


def tile_map_chart(data: ReportData) -> dict[str, Chart]:
    """Tile-grid maps of the provinces coloured by status, for the indicators most provinces have a value for."""
    valued = data.units[data.units["latest_value"].notna()]
    if valued.empty:
        return {}
    top = _unit_counts(valued).sort_values("n", ascending=False, kind="stable").head(MAX_TILE_MAPS)
    measures = list(zip(top["indicator"].astype(str), top["admin_level"].astype(str)))
    grid = tile_grid(data.post_reform)
    catalogue = _catalogue(data.indicators)
    parts = [f"{_indicator(catalogue, c).name}: {n} tỉnh có số liệu" for (c, _), n in zip(measures, top["n"])]
    alt = (
        f"Bản đồ ô {len(grid)} tỉnh, thành phố, mỗi ô một tỉnh đặt gần đúng vị trí địa lý, màu theo tình trạng, "
        f"kỳ {data.period_label}; {'; '.join(parts)}."
    )
    return {"0_tile_map": Chart(plots.tile_maps(data.units, measures, grid, data.indicators), alt)}


# ---------------------------------------------------------------- display


def show(charts: dict[str, Chart], output_dir: str | Path) -> None:
    """Save each chart as ``output_dir/<name>.png`` (with its alt text beside it) and display that PNG.

    The alt text travels in the output's metadata, where nbconvert writes it
    into the ``<img alt>`` of the HTML; charts that say nothing are not in
    ``charts`` at all, so no placeholder is ever shown.
    """
    for name, chart in charts.items():
        path = plots.save(chart.figure, output_dir, name)
        path.with_suffix(".txt").write_text(chart.alt, encoding="utf-8")
        display(Image(filename=str(path)), metadata={"image/png": {"alt": chart.alt}})


def show_summary(data: ReportData, output_dir: str | Path | None = None) -> None:
    """The title and the summary line; with ``output_dir``, also ``summary.json`` for the index."""
    found = summary(data)
    if output_dir is not None:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        (Path(output_dir) / SUMMARY_FILE).write_text(json.dumps(asdict(found), ensure_ascii=False), encoding="utf-8")
    display(HTML(template("summary.html.j2").render(data=data, summary=found, disputed=_disputed_line(found))))


def _disputed_line(found: Summary) -> str | None:
    """'⚠ 2 số liệu các nguồn ghi khác nhau: xem mục cuối', under the summary line; None when sources agree."""
    return labels.conflict_text("summary", n=found.disputed) if found.disputed else None


def show_scorecard(card: pd.DataFrame) -> None:
    """The scorecard as a table with status colours and trend arrows, and the rules stated once under it."""
    display(
        HTML(
            template("scorecard.html.j2").render(
                rows=card.to_dict("records"),
                statuses=labels.statuses().values(),
                trends=labels.trends().values(),
                overview="Mã đơn vị" in card and card["Mã đơn vị"].nunique() > 1,
                conflict_rule=labels.conflict_text("rule") if card["Nguồn khác nhau"].astype(bool).any() else None,
            )
        )
    )


def show_evidence(table: pd.DataFrame) -> None:
    """The appendix: each value once, its sentence with the number marked, and where to check it."""
    display(HTML(template("evidence.html.j2").render(rows=table.to_dict("records"))))


def save_formats(data: ReportData, output_dir: str | Path) -> None:
    """The scorecard and evidence as ``tables.xlsx`` (codes as text) and the report as ``report.pdf``."""
    from cds_analysis.report import export  # fpdf2 and openpyxl: only when the formats are written

    out = Path(output_dir)
    card, found = scorecard(data), summary(data)
    table = evidence(data)
    disputed = data.disputed
    sheets = {
        "Bảng điểm": card.drop(columns=["colour", "value"]),
        "Nguồn": table.drop(columns=["Câu gốc"], errors="ignore"),
    }
    if not disputed.empty:  # every conflict, where the report lists a screenful
        sheets["Nguồn khác nhau"] = disputed.drop(columns=["Câu gốc", "thing_key"])
    export.write_xlsx(sheets, out / "tables.xlsx")
    marked = card["Nguồn khác nhau"].astype(bool)
    card = card.assign(**{"Giá trị": card["Giá trị"].where(~marked, card["Giá trị"] + "\n" + card["Nguồn khác nhau"])})
    export.write_pdf(
        f"{data.title} — {data.period_label}",
        "\n".join(filter(None, [found.text, _disputed_line(found)])),
        card,
        sorted(out.glob("*.png")),
        out / "report.pdf",
        _disagreement_sections(disputed),
    )


def _disagreement_sections(table: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """The section on sources that disagree as the PDF prints it: the things the HTML lists, the rest counted."""
    if table.empty:
        return []
    listed, rest = _listed(table)
    shown = labels.conflict_text("shown", value="").strip()
    rows = pd.DataFrame(
        {
            "Đơn vị": listed["Đơn vị"],
            "Chỉ tiêu": listed["Chỉ tiêu"],
            "Kỳ": listed["Kỳ"],
            "Giá trị": listed["Giá trị"] + listed["shown"].map({True: f" ({shown})", False: ""}),
            "Nguồn": listed["Tệp"] + " (" + listed["Ngày"] + ")",
            "Câu gốc": listed["Câu"],
        }
    )
    text = " ".join(
        [labels.conflict_text("intro"), labels.conflict_text("rule")]
        + ([labels.conflict_text("rest", n=rest)] if rest else [])
    )
    return [(labels.conflict_text("heading"), text, rows)]


def show_table(table: pd.DataFrame) -> None:
    """Display every row of ``table`` (pandas would cut long ones), text HTML-escaped."""
    display(HTML(template("table.html.j2").render(table=table)))


_QUALIFIER_WORDS = {"approx": "khoảng ", "more_than": "hơn ", "at_least": "ít nhất ", "less_than": "dưới "}


def national_outcomes(data: ReportData, outcomes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national figures published by the report's period for the indicators provinces have a value for.

    The latest published figure per indicator (reference/outcomes.py, 2025), set beside the provinces in
    the overview: 'Cả nước: hơn 51% (2025)'. Each keeps its qualifier, period and source; sources that
    disagree for the same period are all listed. Empty when nothing national was published for them.
    """
    from cds_analysis.reference.outcomes import load_outcomes

    table = load_outcomes() if outcomes is None else outcomes
    end = pd.Timestamp(period_end_of(data.period))
    valued = set(data.units.loc[data.units["latest_value"].notna(), "indicator"].astype(str))
    rows = table[table["indicator"].isin(valued) & (pd.to_datetime(table["period_end"]) <= end)]
    rows = rows[pd.to_datetime(rows["period_end"]) == rows.groupby("indicator")["period_end"].transform("max")]
    catalogue = _catalogue(data.indicators)
    return pd.DataFrame(
        {
            "Chỉ tiêu": [_indicator(catalogue, str(c)).name for c in rows["indicator"]],
            "Cả nước": [
                _QUALIFIER_WORDS.get(str(q), "") + plots.format_value(v, u)
                for q, v, u in zip(rows["qualifier"], rows["value"], rows["unit"])
            ],
            "Kỳ": [human_label(str(p)) for p in rows["period_label"]],
            "Nguồn (công bố)": [
                f"{u} ({d:%d/%m/%Y})" if pd.notna(d) else str(u)
                for u, d in zip(rows["source_url"], rows["source_date"])
            ],
        }
    ).reset_index(drop=True)


def show_national(data: ReportData) -> None:
    """The national outcomes beside the provinces (:func:`national_outcomes`), or a line saying there are none."""
    table = national_outcomes(data)
    if table.empty:
        display(HTML("<p>Chưa có số liệu cả nước được công bố cho các chỉ tiêu này đến kỳ báo cáo.</p>"))
    else:
        show_table(table)


def _names(indicators: pd.DataFrame) -> dict[str, str]:
    return dict(zip(indicators["code"], indicators["name_vi"]))


def status_table(progress: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The progress rows that have a value, with Vietnamese headers and values written for readers."""
    rows = report_rows(progress[progress["status"] != "no_data"])
    horizons = rows["horizon"].dropna()
    year = int(horizons.iloc[0]) if len(horizons) else TARGET_YEAR
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
            f"Mục tiêu {year}": written("target_value"),
            "Đạt (% mục tiêu)": [plots.format_value(v * 100, "percent") for v in rows["share_of_target"]],
            f"Dự báo 31/12/{year}": written("projected_2025"),
            "Tình trạng": rows["status"].map(plots.STATUS_LABELS),
            "Căn cứ": rows["status_rule"],
            "Nguồn mục tiêu": rows["target_source"],
            "Đơn vị có số liệu": [
                "–" if pd.isna(n) else f"{n}/{t}" for n, t in zip(rows["n_units_reported"], rows["n_units_total"])
            ],
        }
    ).reset_index(drop=True)
