"""Time and peak memory of :func:`cds_analysis.analysis.progress.progress` beside DuckDB, on synthetic observations.

Every commune × 40 quarters × 25 indicators is about 10 million rows. The
units are the gazetteer's when it lists communes, otherwise a synthetic tree
shaped like Vietnam's (63 provinces → 34, 11 districts each, ~14 communes per
district). Each size and level runs in a fresh process; progress is called
twice there (the first call also pays for the fresh memory it touches). Peak
memory is the peak resident set during the calls (Linux VmHWM, reset before
each; ru_maxrss elsewhere), input table included, which is built the way
``read_table`` returns it (Arrow-backed strings, dates as objects).

A share of the figures is told twice (``--duplicates``, by a news article:
same commune, indicator and period end), so the choice of one figure per
unit, indicator and period end by the rule does real work; the engine's
latest-value step and that choice are timed alone too.

In the same process the observations are written to Parquet and timed more
ways: ``read_table`` (and reading only the columns progress needs), then
``progress`` on the frame read back, and two DuckDB queries that do less
than the step below: a bare ``arg_max`` over the period end (no rule: a
floor) and the rule applied at the latest end only (no choice at the other
ends, no trend, ids not split: ``LATEST_END_SQL``, the query of the first
comparison). Each line gives seconds and peak RSS.

The comparison the issue asks for ends the run, one table over every size:
the latest-value step, the latest value of every commune and indicator by
the rule (one figure per commune, indicator and period end: shorter period,
official report over news article, first in the table; then the latest end),
with the least-squares trend over one figure per end, the chosen observation
id and the set-aside ids. It is timed as the library does it
(:func:`library_step`: tree, observations, choice, latest and trend, on the
frame in memory; and on the 20 input columns read from the Parquet file) and
as one DuckDB query (``STEP_SQL``) on the same Parquet file and on the
in-memory Arrow table (converted before the clock starts). Both give the
same rows, checked in the run (``same rows``; the trend to 1e-9). Each cell
is seconds, the peak RSS of the process and how far RSS rose during the
step; then the ratios library / DuckDB.

    python benchmarks/bench_progress.py                       # 200k rows, a quick check
    python benchmarks/bench_progress.py --rows 1000000 3000000 10000000   # the issue's table
    python benchmarks/bench_progress.py --rows 10000000 --level district
    python benchmarks/bench_progress.py --rows 10000000 --reuse-memory

On a virtual machine where touching fresh memory is dear, most of the
engine's time at 10M rows is system time: each large NumPy temporary is a new
mmap whose pages the kernel faults in and zeroes (DuckDB reuses its own
buffers). ``--reuse-memory`` has glibc keep freed memory for reuse instead;
it shows the engine's own cost and is worth setting for a big run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from measure import memory_mb, reset_peak

QUARTERS = 40
N_INDICATORS = 25
RULES = ["weighted_mean"] * 10 + ["sum"] * 10 + ["mean"] * 3 + ["none"] * 2


def synthetic_units(n_communes: int = 10_000) -> pd.DataFrame:
    """63 old provinces merged into 34, 11 districts each, communes spread evenly."""
    old = [f"{i:02d}" for i in range(1, 64)]
    new = [f"{i:02d}" for i in range(1, 35)]
    districts = [f"{i:03d}" for i in range(1, 63 * 11 + 1)]
    communes = [f"{i:05d}" for i in range(1, n_communes + 1)]
    frames = [
        pd.DataFrame(
            {
                "code": new,
                "level": "province",
                "parent_code": None,
                "valid_from": pd.Timestamp("2025-07-01"),
                "successor_code": None,
            }
        ),
        pd.DataFrame(
            {
                "code": old,
                "level": "province",
                "parent_code": None,
                "valid_to": pd.Timestamp("2025-06-30"),
                "successor_code": [new[i % 34] for i in range(63)],
            }
        ),
        pd.DataFrame(
            {"code": districts, "level": "district", "parent_code": [old[i // 11] for i in range(len(districts))]}
        ),
        pd.DataFrame(
            {
                "code": communes,
                "level": "commune",
                "parent_code": [districts[i * len(districts) // n_communes] for i in range(n_communes)],
            }
        ),
    ]
    units = pd.concat(frames, ignore_index=True)
    return units.assign(name="Đơn vị " + units["code"], type="xã", source="synthetic")


def units_for_benchmark() -> pd.DataFrame:
    """The gazetteer when it has communes, else the synthetic tree."""
    try:
        from cds_analysis.reference.gazetteer import load_units

        units = load_units()
        if (units["level"] == "commune").sum() >= 9_000:
            return units
    except ImportError:
        pass
    return synthetic_units()


def synthetic_indicators() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": [f"ind_{i:02d}" for i in range(N_INDICATORS)],
            "unit": [
                "percent" if r in ("weighted_mean", "mean") else "rank" if r == "none" else "count" for r in RULES
            ],
            "higher_is_better": [r != "none" for r in RULES],
            "aggregation": RULES,
        }
    )


def synthetic_observations(units: pd.DataFrame, n_rows: int, seed: int = 0, duplicates: float = 0.1) -> pd.DataFrame:
    """Achieved commune observations: the first communes × 40 quarters × 25 indicators ≈ ``n_rows``.

    A share ``duplicates`` of them is told twice: a news article (.txt) gives
    another value of the same commune, indicator and quarter, placed at the
    end of the table, half of them over the quarter (same label) and half
    as of its last day (a shorter period), so the choice between figures of
    one period end does real work.
    """
    rng = np.random.default_rng(seed)
    existed = ~(pd.to_datetime(units["valid_from"]) >= pd.Timestamp("2025-07-01"))
    communes = units[units["level"].eq("commune") & existed]
    n_communes = min(len(communes), max(1, n_rows // (QUARTERS * N_INDICATORS)))
    communes = communes.iloc[:n_communes]
    districts = units[units["level"] == "district"].set_index("code")["parent_code"]
    commune_codes = communes["code"].to_numpy(object)
    district_codes = communes["parent_code"].to_numpy(object)
    province_codes = districts.reindex(district_codes).to_numpy(object)

    n = n_communes * QUARTERS * N_INDICATORS
    commune = np.repeat(np.arange(n_communes), QUARTERS * N_INDICATORS)
    quarter = np.tile(np.repeat(np.arange(QUARTERS), N_INDICATORS), n_communes)
    indicator = np.tile(np.arange(N_INDICATORS), n_communes * QUARTERS)
    starts = pd.period_range("2014Q1", periods=QUARTERS, freq="Q")
    start_days = np.array([p.start_time.date() for p in starts], "datetime64[D]").astype("int32")
    end_days = np.array([p.end_time.date() for p in starts], "datetime64[D]").astype("int32")
    labels = [f"{p.year}-Q{p.quarter}" for p in starts]
    rule = np.array(RULES)[indicator]
    denominator = np.where(rule == "weighted_mean", rng.integers(50, 500, n), np.nan)
    value = np.where(rule == "sum", rng.integers(0, 50, n), 30 + quarter * 1.5 + rng.normal(0, 5, n))

    def decoded(indices: np.ndarray, values) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(values, pa.string())).cast(
            pa.string()
        )

    table = pa.table(
        {
            "observation_id": pc.binary_join_element_wise("s", pa.array(np.arange(n)).cast(pa.string()), ""),
            "document_id": decoded(commune, [f"doc{i}" for i in range(n_communes)]),
            "indicator": decoded(indicator, [f"ind_{i:02d}" for i in range(N_INDICATORS)]),
            "value": value.astype(float),
            "unit": decoded(indicator, ["percent"] * N_INDICATORS),
            "numerator": np.full(n, np.nan),
            "denominator": denominator,
            "is_target": np.zeros(n, bool),
            "period_label": decoded(quarter, labels),
            "period_start": pa.array(start_days[quarter]).cast(pa.date32()),
            "period_end": pa.array(end_days[quarter]).cast(pa.date32()),
            "admin_level": decoded(np.zeros(n, int), ["commune"]),
            "province_code": decoded(commune, province_codes),
            "district_code": decoded(commune, district_codes),
            "commune_code": decoded(commune, commune_codes),
            "map": decoded(np.zeros(n, int), ["2008–2025"]),  # communes of the old map
            "source": decoded(commune, [f"bao-cao-{i}.xlsx" for i in range(n_communes)]),
            "qualifier": decoded(np.zeros(n, int), ["exact"]),
            "evidence": decoded(np.zeros(n, int), ["(synthetic)"]),
            "char_start": np.zeros(n, np.int64),
            "char_end": np.ones(n, np.int64),
            "extractor_version": decoded(np.zeros(n, int), ["bench"]),
        }
    )
    twice = np.sort(rng.choice(n, int(n * duplicates), replace=False))
    if len(twice):
        copy = table.take(pa.array(twice))
        as_of_day = np.arange(len(twice)) % 2 == 1
        day_labels = pc.binary_join_element_wise("as_of ", copy["period_end"].cast(pa.string()), "")
        copy = copy.set_column(0, "observation_id", pc.binary_join_element_wise(copy["observation_id"], "n", ""))
        copy = copy.set_column(copy.schema.get_field_index("value"), "value", pc.add(copy["value"], pa.scalar(1.0)))
        copy = copy.set_column(
            copy.schema.get_field_index("source"),
            "source",
            pc.binary_join_element_wise(copy["document_id"], ".txt", ""),
        )
        copy = copy.set_column(
            copy.schema.get_field_index("period_label"),
            "period_label",
            pc.if_else(pa.array(as_of_day), day_labels, copy["period_label"]),
        )
        copy = copy.set_column(
            copy.schema.get_field_index("period_start"),
            "period_start",
            pc.if_else(pa.array(as_of_day), pa.nulls(len(copy), pa.date32()), copy["period_start"]),
        )
        table = pa.concat_tables([table, copy])
        n = len(table)
    from cds_analysis.reference.schemas import OBSERVATIONS

    missing = [f.name for f in OBSERVATIONS if f.name not in table.column_names]
    for name in missing:
        table = table.append_column(name, pa.nulls(n, OBSERVATIONS.field(name).type))
    return table.select(OBSERVATIONS.names).to_pandas()


LATEST_SQL = """
    SELECT commune_code, indicator, arg_max(value, period_end) AS latest_value, max(period_end) AS latest_end
    FROM {source}
    WHERE NOT is_target AND period_end <= DATE '{cutoff}'
    GROUP BY commune_code, indicator
"""


STEP_SQL = r"""
    WITH o AS (
        SELECT commune_code, indicator, period_end, period_label, value, observation_id,
               (coalesce(period_end - period_start, 0)::BIGINT << 34)
               + ((NOT coalesce(lower(regexp_extract(source, '\.([^./\\]+)$', 1))
                                IN ('docx', 'pdf', 'xlsx', 'xls', 'csv'), false))::BIGINT << 33)
               + row AS rank
        FROM {source}
        WHERE NOT is_target AND period_end <= DATE '{cutoff}' AND admin_level = 'commune' AND indicator <> 'other'
              AND commune_code IS NOT NULL
    ), points AS (  -- one figure per commune, indicator and period end: shorter period, official report, first
        SELECT commune_code, indicator, period_end,
               arg_min({{'value': value, 'label': period_label, 'id': observation_id}}, rank) AS chosen
        FROM o GROUP BY ALL
    ), latest AS (  -- the latest end and the least-squares trend over one figure per end
        SELECT commune_code, indicator, max(period_end) AS period_end, arg_max(chosen, period_end) AS chosen,
               count(*) AS n_periods, regr_slope(chosen.value, (period_end - DATE '2020-01-01') / 365.25) AS trend_per_year
        FROM points GROUP BY ALL
    ), aside AS (  -- the other figures of that end, in id order
        SELECT commune_code, indicator, string_agg(o.observation_id, ';' ORDER BY o.observation_id) AS set_aside_ids
        FROM o JOIN latest USING (commune_code, indicator, period_end)
        WHERE o.observation_id <> latest.chosen.id
        GROUP BY ALL
    )
    SELECT commune_code, indicator, chosen.value AS latest_value, chosen.label AS latest_period,
           period_end AS latest_period_end, n_periods, trend_per_year,
           chosen.id AS observation_ids, set_aside_ids
    FROM latest LEFT JOIN aside USING (commune_code, indicator)
"""
"""The library's latest-value step as one DuckDB query. The rule is one BIGINT (days << 34 | news << 33 | row):
half the time of the same rule as a STRUCT key."""


LATEST_END_SQL = r"""
    WITH o AS (
        SELECT commune_code, indicator, period_end, value, observation_id, row,
               coalesce(period_end - period_start, 0) AS days,
               coalesce(lower(regexp_extract(source, '\.([^./\\]+)$', 1)) IN ('docx', 'pdf', 'xlsx', 'xls', 'csv'),
                        false) AS official
        FROM {source}
        WHERE NOT is_target AND period_end <= DATE '{cutoff}' AND admin_level = 'commune' AND indicator <> 'other'
    ), latest AS (SELECT commune_code, indicator, max(period_end) AS period_end FROM o GROUP BY ALL)
    SELECT commune_code, indicator, period_end,
           arg_min(value, (days, NOT official, row)) AS latest_value,
           arg_min(observation_id, (days, NOT official, row)) AS observation_id,
           list(observation_id ORDER BY observation_id) AS ids_at_that_end
    FROM o JOIN latest USING (commune_code, indicator, period_end)
    GROUP BY ALL
"""
"""Less than the step: the rule applied at the latest end only (no choice at other ends, no trend, ids unsplit)."""


def measured(step: Callable[[], object]) -> tuple[float, float, float, object]:
    """Seconds, peak RSS (MB), peak RSS above the RSS before (MB), and the result of one call of ``step``."""
    reset_peak()
    before = memory_mb("VmRSS")
    t0 = time.perf_counter()
    out = step()
    seconds = time.perf_counter() - t0
    peak = memory_mb()
    return seconds, peak, peak - before, out


def library_step(frame: pd.DataFrame, units: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The library's latest value of every commune and indicator, by the rule, with trend and ids (as DuckDB's)."""
    from cds_analysis.analysis import rollup

    tree = rollup.Tree(units)
    found = rollup.Observations(frame, np.datetime64("2023-12-31"), None)
    tree.anchor(found)
    unit_of = indicators.set_index("code").reindex(found.indicator_names)["unit"].to_numpy(object)
    points = rollup.Points.from_observations(found, tree)
    latest = rollup.latest_and_trend(points, tree, rollup.COMMUNE, found, unit_of, np.datetime64("2025-12-31"))
    return latest.assign(commune_code=tree.code[latest["node"]], indicator=found.indicator_names[latest["indicator"]])


def same_rows(ours: pd.DataFrame, duck: pa.Table) -> bool:
    """Whether the library and DuckDB give the same rows: values, period, ids exactly; trend to 1e-9."""
    columns = ["commune_code", "indicator", "latest_value", "latest_period", "latest_period_end", "n_periods"]
    columns += ["observation_ids", "set_aside_ids", "trend_per_year"]
    left = ours[columns].sort_values(["commune_code", "indicator"], ignore_index=True)
    right = duck.to_pandas()[columns].sort_values(["commune_code", "indicator"], ignore_index=True)
    exact = columns[:-1]
    left["latest_period_end"] = pd.to_datetime(left["latest_period_end"])
    right["latest_period_end"] = pd.to_datetime(right["latest_period_end"])
    if len(left) != len(right) or not left[exact].astype(object).fillna("").equals(
        right[exact].astype(object).fillna("")
    ):
        return False
    return bool(np.allclose(left["trend_per_year"], right["trend_per_year"].astype(float), rtol=1e-9, equal_nan=True))


def run_one(n_rows: int, level: str, map_: str, duplicates: float) -> dict:
    import duckdb
    import pyarrow.parquet as pq

    from cds_analysis.analysis.progress import INPUT_COLUMNS, progress
    from cds_analysis.store import read_table, write_table

    units, indicators, targets = units_for_benchmark(), synthetic_indicators(), synthetic_targets()
    obs = synthetic_observations(units, n_rows, duplicates=duplicates)
    before = memory_mb("VmRSS")

    def ours(frame: pd.DataFrame) -> Callable[[], object]:
        return lambda: progress(
            frame,
            targets=targets,
            as_of="2023-Q4",
            level=level,
            map=map_,
            units=units,
            indicators=indicators,
        )

    def choice_step(frame: pd.DataFrame) -> tuple[Callable[[], object], int]:
        """The choice alone: one figure per commune × indicator × period end by the rule (inputs prepared)."""
        from cds_analysis.analysis import rollup

        tree = rollup.Tree(units)
        found = rollup.Observations(frame, np.datetime64("2023-12-31"), None)
        tree.anchor(found)
        return (lambda: rollup.Points.from_observations(found, tree)), len(found.node)

    first, second = measured(ours(obs)), measured(ours(obs))
    step = measured(partial(library_step, obs, units, indicators))
    choose, n_kept = choice_step(obs)
    choice = measured(choose)
    del choose
    print(
        f"{len(obs):>11,} rows  {level:<8} {map_:<9} progress in memory: first {first[0]:5.2f} s, "
        f"second {second[0]:5.2f} s, peak RSS {second[1]:6.0f} MB (input alone {before:6.0f} MB)\n"
        f"{'':>11}       library latest value per commune × indicator, with trend and ids: {step[0]:5.2f} s "
        f"({step[1]:6.0f} MB); of which the choice by the rule of {n_kept:,} figures {choice[0]:5.2f} s",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        write_table(obs, "observations", tmp)
        parquet = Path(tmp) / "observations.parquet"
        arrow = pa.Table.from_pandas(obs, preserve_index=False)
        arrow = arrow.append_column("row", pa.array(np.arange(len(arrow))))
        del obs
        read = measured(lambda: read_table("observations", tmp))
        narrow = measured(lambda: pq.read_table(parquet, columns=list(INPUT_COLUMNS)).to_pandas())
        frame = read_table("observations", tmp)
        on_read = measured(ours(frame))
        del frame
        from_parquet = measured(
            lambda: library_step(pq.read_table(parquet, columns=list(INPUT_COLUMNS)).to_pandas(), units, indicators)
        )
        con = duckdb.connect()
        con.register("obs_arrow", arrow)
        at_parquet = f"(SELECT *, file_row_number AS row FROM read_parquet('{parquet}', file_row_number = true))"
        duck = {}
        for name, sql in (("arg_max", LATEST_SQL), ("latest_end", LATEST_END_SQL), ("step", STEP_SQL)):
            for where, source in (("parquet", at_parquet), ("arrow", "obs_arrow")):
                query = sql.format(cutoff="2023-12-31", source=source)
                duck[name, where] = measured(lambda q=query: con.sql(q).to_arrow_table())  # type: ignore[misc]
        con.close()
    same = all(same_rows(step[3], duck["step", where][3]) for where in ("parquet", "arrow"))
    print(
        f"{'':>11}       from Parquet: read_table {read[0]:5.2f} s ({read[1]:6.0f} MB), "
        f"then progress {on_read[0]:5.2f} s ({on_read[1]:6.0f} MB); "
        f"reading only progress's {len(INPUT_COLUMNS)} input columns {narrow[0]:5.2f} s ({narrow[1]:6.0f} MB)",
        flush=True,
    )
    for name, what in (
        ("arg_max", "bare latest value (arg_max, no rule)"),
        ("latest_end", "the rule at the latest end only"),
    ):
        (pq_s, pq_mb, *_), (ar_s, ar_mb, *_) = duck[name, "parquet"], duck[name, "arrow"]
        print(
            f"{'':>11}       DuckDB {what:<36}: on the Parquet {pq_s:5.2f} s ({pq_mb:6.0f} MB), "
            f"on the Arrow table {ar_s:5.2f} s ({ar_mb:6.0f} MB)",
            flush=True,
        )
    return {
        "rows": len(arrow),
        "library": step[:3],
        "library_from_parquet": from_parquet[:3],
        "duckdb_parquet": duck["step", "parquet"][:3],
        "duckdb_arrow": duck["step", "arrow"][:3],
        "same_rows": same,
    }


def print_step_table(results: list[dict]) -> None:
    """The latest-value step side by side: seconds, peak RSS and its rise during the step, and the ratios."""
    print(
        "\nLatest value per commune × indicator by the rule, with trend and ids (same rows checked):\n"
        f"{'rows':>11} | {'library (in memory)':>24} | {'library from Parquet':>24} | {'DuckDB on Parquet':>24} | "
        f"{'DuckDB on Arrow':>24} | lib/DuckDB Parquet | lib/DuckDB Arrow | same rows"
    )
    for r in results:
        cells = [
            f"{s:6.2f} s {peak:6.0f} MB +{rise:5.0f}"
            for s, peak, rise in (r[k] for k in ("library", "library_from_parquet", "duckdb_parquet", "duckdb_arrow"))
        ]
        ratio_pq = r["library"][0] / r["duckdb_parquet"][0]
        ratio_ar = r["library"][0] / r["duckdb_arrow"][0]
        print(
            f"{r['rows']:>11,} | {' | '.join(cells)} | {ratio_pq:18.2f} | {ratio_ar:16.2f} | "
            f"{'yes' if r['same_rows'] else 'NO'}"
        )
    print("(seconds, peak RSS of the process, and the rise of RSS during the step)", flush=True)


def synthetic_targets() -> pd.DataFrame:
    """A national target for every indicator at every tier (ranks: top 10)."""
    rows = [
        dict(
            target_id=f"T{i:02d}{tier[0]}",
            indicator=f"ind_{i:02d}",
            admin_level=tier,
            scope="national",
            map=None,
            scope_name="Toàn quốc",
            comparator="top_n" if rule == "none" else ">=",
            target_value=10.0 if rule == "none" else 80.0,
            unit="percent",
            year=2025,
            source_decision="synthetic",
            source_date=None,
            confirmed=True,
            origin="reference",
            note=None,
        )
        for i, rule in enumerate(RULES)
        for tier in ("province", "district", "commune")
    ]
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[200_000])
    parser.add_argument("--level", nargs="*", default=["province"])
    parser.add_argument("--map", default="2008–2025", help="map of the provinces: '2008–2025' (63) or '2025' (34)")
    parser.add_argument(
        "--reuse-memory",
        action="store_true",
        help="glibc keeps freed memory for reuse (MALLOC_MMAP_MAX_=0): no fresh page faults for large NumPy arrays",
    )
    parser.add_argument("--duplicates", type=float, default=0.1, help="share of figures told twice (default 0.1)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the file a child writes its step figures to
    args = parser.parse_args()
    if args.child:
        result = run_one(args.rows[0], args.level[0], args.map, args.duplicates)
        Path(args.child).write_text(json.dumps(result))
        return
    env = dict(os.environ)
    if args.reuse_memory:
        env.update(MALLOC_MMAP_MAX_="0", MALLOC_TRIM_THRESHOLD_=str(1 << 40), MALLOC_TOP_PAD_=str(1 << 30))
    results = []
    for rows in args.rows:
        for level in args.level:
            with tempfile.NamedTemporaryFile(suffix=".json") as result:
                subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--child",
                        result.name,
                        "--rows",
                        str(rows),
                        "--level",
                        level,
                        "--map",
                        args.map,
                        "--duplicates",
                        str(args.duplicates),
                    ],
                    check=True,
                    env=env,
                )
                results.append(json.loads(Path(result.name).read_text()))
    print_step_table(results)


if __name__ == "__main__":
    main()
