"""How a progress row's status is decided, with the rule that gave it in words an analyst can quote.

The statuses, in the order they are tried:

- ``no_data``: no value at or before ``as_of``; or only a partial sum ("at
  least N, from k of n units") that does not reach its target.
- ``no_target``: a value, but no target of the horizon applies to it.
- ``stale``: the value's period ended more than :data:`STALE_AFTER_QUARTERS`
  quarters before the report's period; it is shown but not judged, and never
  counts as met for a later period.
- ``met``: the value reaches the target (a partial sum only when its lower
  bound already reaches an at-least target).
- ``not_met``: the target's year has ended by ``as_of`` (31 December of the
  target year) and the value does not reach it: final.
- ``on_track``: the projection along the unit's own trend reaches the target
  by 31 December of the target year.
- ``off_track``: it does not, or there is no trend to go on (the rule says
  which).

``status_rule`` says which rule applied with the figures, the periods, the
coverage and the target's source, in Vietnamese.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cds_analysis.lang.periods import human_label
from cds_analysis.reference.targets import lower_is_better, meets

__all__ = ["STATUSES", "STALE_AFTER_QUARTERS", "quarters_between", "assess"]

STATUSES = ("met", "on_track", "off_track", "not_met", "no_target", "no_data", "stale")
STALE_AFTER_QUARTERS = 4  # a value older than four quarters at the report's period is stale

_COMPARATOR_WORDS = {">=": "≥", ">": ">", "<=": "≤", "top_n": "trong nhóm"}


def quarters_between(end: np.ndarray, cutoff: np.datetime64) -> np.ndarray:
    """Whole quarters from the quarter of each ``end`` day to the quarter of ``cutoff`` (NaN where no day)."""
    days = np.asarray(end, "datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64)
    now = np.asarray(cutoff, "datetime64[D]").astype("datetime64[M]").astype(np.int64)
    age = (now // 3 - months // 3).astype(float)
    age[np.isnat(days)] = np.nan
    return age


def assess(rows: pd.DataFrame, cutoff: np.datetime64, as_of: str) -> pd.DataFrame:
    """``rows`` with gap, share of target, age and status with its rule.

    ``rows`` carries the latest value and its period, coverage, trend and
    projection, and the applicable target (see
    :func:`cds_analysis.analysis.progress.progress`); ``cutoff`` is the last
    day of ``as_of``.
    """
    value, target = rows["latest_value"].to_numpy(float), rows["target_value"].to_numpy(float)
    comparator = rows["comparator"].to_numpy(object)
    lower = lower_is_better(comparator)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(lower, target / value, value / target)
    share[~np.isfinite(share)] = np.nan
    age = quarters_between(rows["latest_period_end"].to_numpy("datetime64[D]"), cutoff)
    year = rows["target_year"].astype("Int64").to_numpy("float", na_value=np.nan)
    deadlines = [np.datetime64(f"{int(y)}-12-31") if y == y else cutoff for y in year]
    deadline_passed = cutoff >= np.array(deadlines, "datetime64[D]")  # typed: no rows is no deadline
    partial = rows["aggregation"].eq("sum_partial").to_numpy()
    reached = meets(value, comparator, target) & (~partial | np.isin(comparator, [">=", ">"]))
    projected = rows["projected_2025"].to_numpy(float)
    status = np.select(
        [
            np.isnan(value),
            np.isnan(target),
            age > STALE_AFTER_QUARTERS,
            reached,
            partial,
            deadline_passed,
            meets(projected, comparator, target),
        ],
        ["no_data", "no_target", "stale", "met", "no_data", "not_met", "on_track"],
        "off_track",
    )
    out = rows.assign(
        gap=np.where(lower, value - target, target - value),
        share_of_target=share,
        age_quarters=pd.Series(age, index=rows.index).round().astype("Int64"),
        status=status,
    )
    # Plain values: iterating Arrow-backed columns cost more than writing the sentences.
    read = out[list(_RULE_READS)].astype(object)
    return out.assign(status_rule=[_rule(r, as_of) for r in read.itertuples(index=False)])


_RULE_READS = (  # the columns _rule reads
    "age_quarters",
    "aggregation",
    "comparator",
    "dated_by_document",
    "latest_period",
    "latest_value",
    "n_periods",
    "n_units_reported",
    "n_units_total",
    "projected_2025",
    "set_aside_ids",
    "status",
    "target_source",
    "target_value",
    "target_year",
    "trend_per_year",
)


def _rule(r, as_of: str) -> str:
    """The Vietnamese sentence that says why row ``r`` has its status."""
    if r.status == "no_data" and pd.isna(r.latest_value):
        return (
            f"Không có số liệu đến hết {period_words(as_of)}: đơn vị không tự báo cáo và các đơn vị "
            "cấp dưới báo cáo chưa đủ để cộng dồn."
        )
    value = f"{_num(r.latest_value)} ({period_words(r.latest_period)})"
    notes = []
    if r.aggregation in ("sum", "weighted_mean", "sum_partial"):
        how = "cộng" if r.aggregation != "weighted_mean" else "bình quân gia quyền theo mẫu số"
        notes.append(f"Giá trị {how} từ {_count(r.n_units_reported)}/{_count(r.n_units_total)} đơn vị.")
    if r.dated_by_document:
        notes.append("Số liệu không ghi kỳ, lấy theo ngày đăng của văn bản.")
    if isinstance(r.set_aside_ids, str):
        notes.append(f"Số liệu khác cùng kỳ không dùng: {r.set_aside_ids.replace(';', ', ')}.")
    tail = (" " + " ".join(notes)) if notes else ""
    if r.status == "no_target":
        return f"Có số liệu {value} nhưng không có mục tiêu nào của năm đích áp dụng cho chỉ tiêu và cấp này.{tail}"
    goal = f"mục tiêu {_COMPARATOR_WORDS.get(r.comparator, r.comparator)} {_num(r.target_value)} ({r.target_source})"
    if r.status == "stale":
        return (
            f"Số liệu cũ: {value} đã cách {period_words(as_of)} {r.age_quarters} quý, quá giới hạn "
            f"{STALE_AFTER_QUARTERS} quý; không dùng để đánh giá {goal}.{tail}"
        )
    if r.status == "met":
        bound = "ít nhất " if r.aggregation == "sum_partial" else ""
        return f"Đạt: {bound}{value} đạt {goal}.{tail}"
    if r.status == "no_data":
        return f"Chưa đủ số liệu: chỉ biết ít nhất {value}, chưa đạt {goal}, chưa thể kết luận.{tail}"
    if r.status == "not_met":
        return f"Không đạt: đã hết hạn 31/12/{r.target_year}, số liệu mới nhất {value} chưa đạt {goal}.{tail}"
    if pd.notna(r.projected_2025):
        trend = (
            f"xu thế {_num(r.trend_per_year)}/năm qua {r.n_periods} kỳ của chính đơn vị cho dự báo "
            f"{_num(r.projected_2025)} vào 31/12/{r.target_year}"
        )
        if r.status == "on_track":
            return f"Đúng tiến độ: {value} chưa đạt nhưng {trend}, đạt {goal}.{tail}"
        return f"Chậm tiến độ: {value}; {trend}, chưa đạt {goal}.{tail}"
    why = (
        "giá trị là tổng chưa đủ đơn vị"
        if r.aggregation == "sum_partial"
        else "số liệu không ghi kỳ"
        if r.dated_by_document
        else f"cần ít nhất 2 kỳ có ngày của chính đơn vị (có {r.n_periods})"
    )
    return f"Chậm tiến độ: {value} chưa đạt {goal}; không có dự báo vì {why}.{tail}"


def period_words(label: object) -> str:
    """A period label as it reads inside a sentence: '2023-Q2' → 'quý II/2023' (:func:`human_label`, lower case)."""
    written = human_label(None if label is None else str(label))
    return written[:1].lower() + written[1:]


def _num(x: float) -> str:
    """A number written the Vietnamese way: 4573 → '4.573', 66.4 → '66,4'."""
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _count(x: object) -> str:
    return "?" if pd.isna(x) else str(int(x))  # type: ignore[call-overload]
