"""The published DTI (Digital Transformation Index) scores and ranks of the provinces, by year and map.

Charts place provinces by DTI even where no report of theirs was ingested.
Rankings up to DTI 2023 are of the 63 provinces (``provinces='pre2025'``);
DTI 2024 was published on both maps: the 63 provinces, and the 34 provinces
of 1 July 2025, where a merged province scores the mean of its former
provinces' indices. :func:`load_dti` adds, beside the published 34-province
rows, that mean computed from the 63-province scores of the same year (for
the years ranked on the 34-province map) for every new province whose former
provinces all have one (``derived``), so the
two can be checked against each other (Đà Nẵng 2024: (0,8335 + 0,5803) / 2 =
0,7069, as published).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

from cds_analysis.lang.text import fold_key
from cds_analysis.reference.gazetteer import province_table
from cds_analysis.reference.schemas import DTI, NEW_MAP, OLD_MAP
from cds_analysis.reference.sourced import SourcedCsv

__all__ = ["DTI_CSV", "MAPS", "load_dti", "merged_province_scores"]

DTI_CSV = Path(__file__).parent / "data" / "dti.csv"
MAPS = ("pre2025", "post2025", "national")
_MAP_OF_RANKING = {"pre2025": OLD_MAP, "post2025": NEW_MAP}  # the map of a ranking's province codes
_HEADER = ["year", "provinces", "province", "metric", "score", "rank", "rank_of", "source", "source_date", "note"]


def load_dti(path: str | os.PathLike = DTI_CSV, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Published DTI figures plus the derived 34-province means, in the ``dti`` schema.

    Province names resolve to codes on the map of their row (the gazetteer's
    province table, or ``units`` when given). Raises
    :class:`~cds_analysis.errors.ReferenceDataError` naming the file, line
    and reason for an unknown map or province, a bad number or date, a score
    outside 0–1, or a row with neither score nor rank.
    """
    csv = SourcedCsv(path, _HEADER)
    raw = csv.raw
    csv.required("year", "provinces", "metric", "source")
    csv.one_of("provinces", MAPS)
    year, score = csv.numbers("year", whole=True), csv.numbers("score")
    rank, rank_of = csv.numbers("rank", whole=True), csv.numbers("rank_of", whole=True)
    csv.fail(score.notna() & ~score.between(0, 1), "score must lie between 0 and 1")
    csv.fail(score.isna() & rank.isna(), "a row needs a score or a rank")
    code = pd.Series([None] * len(raw), index=raw.index, dtype=object)
    for era in ("pre2025", "post2025"):
        table = _provinces(era, units)
        at = raw["provinces"].eq(era) & raw["province"].notna()
        code[at] = raw.loc[at, "province"].map(fold_key).map(dict(zip(table["name"].map(fold_key), table["code"])))
    csv.fail(raw["province"].notna() & code.isna(), "province is not one of the provinces of its map")
    published = raw.assign(
        year=year,
        province_code=code,
        map=raw["provinces"].map(_MAP_OF_RANKING).where(code.notna(), None),
        score=score,
        rank=rank.astype("Int64"),
        rank_of=rank_of.astype("Int64"),
        derived=False,
        source_date=csv.dates("source_date"),
    )
    frame = pd.concat([published, merged_province_scores(published, units)], ignore_index=True)
    table = pa.Table.from_pandas(frame[DTI.names], schema=DTI, preserve_index=False)
    out = table.to_pandas()
    return out.sort_values(["year", "provinces", "metric", "derived", "province"], kind="mergesort", ignore_index=True)


def merged_province_scores(dti: pd.DataFrame, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 34-province scores as the mean of their former provinces' 63-province scores, per year and metric.

    Only for the years a 34-province ranking was published (2024 on), and
    only where every former province of the new one has a score; ranks are
    left empty (a rank needs all 34). One former province: its score carries over.
    """
    years = dti.loc[dti["provinces"].eq("post2025"), "year"].unique()
    old = _provinces("pre2025", units)[["code", "successor_code"]]
    new = _provinces("post2025", units)[["code", "name"]]
    scored = dti[
        dti["provinces"].eq("pre2025") & dti["score"].notna() & dti["province_code"].notna() & dti["year"].isin(years)
    ]
    members = old.groupby("successor_code")["code"].nunique().rename("members")
    joined = scored.merge(old, left_on="province_code", right_on="code")
    means = joined.groupby(["year", "metric", "successor_code"], as_index=False).agg(
        score=("score", "mean"), found=("province_code", "nunique"), parts=("province", " + ".join)
    )
    means = means.merge(members, left_on="successor_code", right_index=True)
    means = means[means["found"] == means["members"]].merge(new, left_on="successor_code", right_on="code")
    return pd.DataFrame(
        {
            "year": means["year"],
            "provinces": "post2025",
            "province_code": means["successor_code"],
            "map": NEW_MAP,
            "province": means["name"],
            "metric": means["metric"],
            "score": means["score"],
            "rank": pd.array([None] * len(means), dtype="Int64"),
            "rank_of": pd.array([34] * len(means), dtype="Int64"),
            "derived": True,
            "source": "mean of the 63-province scores of " + means["parts"],
            "source_date": None,
            "note": "computed by cds_analysis as the mean of the former provinces, the rule of the 34-province DTI",
        }
    )


def _provinces(era: str, units: pd.DataFrame | None) -> pd.DataFrame:
    """The provinces of one map: from ``units`` when given, else the gazetteer."""
    if units is None:
        return province_table(_MAP_OF_RANKING[era])
    level = units["level"].eq("province")
    reform = pd.Timestamp("2025-07-01")
    before = ~(pd.to_datetime(units["valid_from"]) >= reform)
    return units[level & (before if era == "pre2025" else ~(pd.to_datetime(units["valid_to"]) < reform))]
