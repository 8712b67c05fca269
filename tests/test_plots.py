"""Charts: each returns a Figure with the expected text, diacritics intact, and copes with empty input.

The small tables here, in the schemas of cds_analysis.reference.schemas, are shared with
test_reports.py and test_notebooks.py. Figures are those of the Quảng Ngãi and
Thanh Hóa seed articles (Báo Quảng Ngãi 28/07/2023; Hoằng Hóa, Thanh Hóa), some
earlier values invented for a trend; every sentence is written for these tests.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cds_analysis.reference.schemas import OLD_MAP, schema
from cds_analysis.report import plots

D = dt.date
QN = {"province": "Quảng Ngãi", "province_code": "51"}
TH = {"province": "Thanh Hóa", "province_code": "38"}
DISTRICTS = {
    "534": ("Đức Phổ", QN),
    "532": ("Nghĩa Hành", QN),
    "525": ("Trà Bồng", QN),
    "399": ("Hoằng Hóa", TH),
}
PERIODS = {
    "2022": (D(2022, 1, 1), D(2022, 12, 31)),
    "2023-H1": (D(2023, 1, 1), D(2023, 6, 30)),
    "2023-Q2": (D(2023, 4, 1), D(2023, 6, 30)),
}


def _observation(oid: str, district: str, indicator: str, value: float, period: str, evidence: str, **extra) -> dict:
    name, province = DISTRICTS[district]
    start, end = PERIODS[period]
    return {
        "observation_id": oid,
        "document_id": "d" + oid,
        "source": f"bao_cao_{district}.txt",
        "indicator": indicator,
        "indicator_text": None,
        "value": value,
        "unit": "percent",
        "qualifier": "exact",
        "is_target": False,
        "period_label": period,
        "period_start": start,
        "period_end": end,
        "admin_level": "district",
        "place": f"huyện {name}",
        **province,
        "district": name,
        "district_code": district,
        "map": OLD_MAP,
        "evidence": evidence,
        "char_start": 0,
        "char_end": len(evidence),
        "extractor_version": "test",
        **extra,
    }


OBSERVATIONS = [
    _observation(
        "o1",
        "534",
        "work_records_online_rate",
        80.0,
        "2023-Q2",
        "80% hồ sơ công việc của thị xã được xử lý trên môi trường mạng",
    ),
    _observation("o2", "532", "online_dossier_rate", 52.0, "2022", "năm 2022 tỷ lệ hồ sơ trực tuyến đạt 52%"),
    _observation(
        "o3", "532", "online_dossier_rate", 66.4, "2023-H1", "hồ sơ trực tuyến <đạt> 66,4% & tăng so với năm trước"
    ),
    _observation("o4", "525", "e_documents_rate", 94.0, "2023-H1", "văn bản điện tử chiếm 94%"),
    _observation("o5", "399", "online_dossier_rate", 100.0, "2023-Q2", "100% hồ sơ được tiếp nhận trực tuyến"),
    _observation(
        "o6", "532", "online_dossier_rate", 90.0, "2023-H1", "phấn đấu đạt 90% hồ sơ trực tuyến", is_target=True
    ),
    _observation(
        "o8", "399", "work_records_online_rate", 40.0, "2023-Q2", "40% hồ sơ công việc cấp huyện được xử lý trên mạng"
    ),
    _observation(
        "o7",
        "525",
        "e_documents_rate",
        98.0,
        "2023-H1",
        "ở các xã, thị trấn văn bản điện tử chiếm 98%",
        admin_level="commune",
        place="các xã, thị trấn huyện Trà Bồng",
    ),
]


def _province_observation(oid: str, province: dict, indicator: str, value: float, period: str, evidence: str) -> dict:
    """A figure the province reports of itself (admin_level province): the only kind a province's row shows."""
    row = _observation(oid, "532", indicator, value, period, evidence)
    return {
        **row,
        **province,
        "source": f"bao_cao_{province['province_code']}.txt",
        "admin_level": "province",
        "place": f"tỉnh {province['province']}",
        "district": None,
        "district_code": None,
    }


# The provinces' own figures. Since #13 a district's figure is never its province's, so the
# province report's scorecard and trajectory and the overview's comparison rest on these.
OBSERVATIONS += [
    _province_observation(
        "o9", QN, "online_dossier_rate", 55.0, "2022", "năm 2022, tỷ lệ hồ sơ trực tuyến toàn tỉnh đạt 55%"
    ),
    _province_observation(
        "o10", QN, "online_dossier_rate", 70.0, "2023-H1", "6 tháng đầu năm, tỷ lệ hồ sơ trực tuyến toàn tỉnh đạt 70%"
    ),
    _province_observation(
        "o11", TH, "online_dossier_rate", 85.0, "2023-Q2", "tỷ lệ hồ sơ trực tuyến của tỉnh đạt 85% trong quý II"
    ),
]

INDICATORS = [
    {
        "code": "work_records_online_rate",
        "name_vi": "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng",
        "name_en": "Work records processed online",
        "unit": "percent",
        "levels": "province,district,commune",
        "higher_is_better": True,
        "aggregation": "weighted_mean",
    },
    {
        "code": "online_dossier_rate",
        "name_vi": "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến",
        "name_en": "Online dossier rate",
        "unit": "percent",
        "levels": "province,district,commune",
        "higher_is_better": True,
        "aggregation": "weighted_mean",
    },
    {
        "code": "e_documents_rate",
        "name_vi": "Tỷ lệ văn bản điện tử",
        "name_en": "Electronic documents rate",
        "unit": "percent",
        "levels": "district,commune",
        "higher_is_better": True,
        "aggregation": "weighted_mean",
    },
]

TARGETS = [
    {
        "target_id": "t1",
        "indicator": "work_records_online_rate",
        "admin_level": "district",
        "scope": "national",
        "scope_name": "Toàn quốc",
        "comparator": ">=",
        "target_value": 80.0,
        "unit": "percent",
        "year": 2025,
        "source_decision": "749/QĐ-TTg",
        "source_date": D(2020, 6, 3),
        "confirmed": True,
        "origin": "reference",
    },
    {
        "target_id": "t2",
        "indicator": "online_dossier_rate",
        "admin_level": "district",
        "scope": "national",
        "scope_name": "Toàn quốc",
        "comparator": ">=",
        "target_value": 80.0,
        "unit": "percent",
        "year": 2025,
        "source_decision": "942/QĐ-TTg",
        "source_date": D(2021, 6, 15),
        "confirmed": False,
        "origin": "reference",
    },
    {
        "target_id": "t3",
        "indicator": "online_dossier_rate",
        "admin_level": "province",
        "scope": "national",
        "scope_name": "Toàn quốc",
        "comparator": ">=",
        "target_value": 80.0,
        "unit": "percent",
        "year": 2025,
        "source_decision": "942/QĐ-TTg",
        "source_date": D(2021, 6, 15),
        "confirmed": False,
        "origin": "reference",
    },
]


def _progress(
    code: str, indicator: str, status: str, latest: float | None, target: float | None, ids: str | None, **extra
) -> dict:
    name, province = DISTRICTS[code]
    return {
        "unit_code": code,
        "map": OLD_MAP,
        "unit_name": name,
        "admin_level": "district",
        **province,
        "indicator": indicator,
        "as_of": "2023-Q2",
        "latest_value": latest,
        "n_periods": 0 if latest is None else 1,
        "target_value": target,
        "comparator": ">=" if target else None,
        "target_year": 2025 if target else None,
        "target_source": "749/QĐ-TTg" if target else None,
        "share_of_target": latest / target if latest is not None and target else None,
        "status": status,
        "observation_ids": ids,
        **extra,
    }


PROGRESS = [
    _progress("534", "work_records_online_rate", "met", 80.0, 80.0, "o1", latest_period="2023-Q2"),
    _progress(
        "532",
        "online_dossier_rate",
        "on_track",
        66.4,
        80.0,
        "o3",
        latest_period="2023-H1",
        n_periods=2,
        trend_per_year=14.4,
        projected_2025=102.4,
    ),
    _progress("525", "online_dossier_rate", "no_data", None, 80.0, None),
    _progress("525", "e_documents_rate", "no_target", 94.0, None, "o4", latest_period="2023-H1"),
    _progress("525", "e_documents_rate", "no_target", 98.0, None, "o7", latest_period="2023-H1", admin_level="commune"),
    _progress("399", "online_dossier_rate", "met", 100.0, 80.0, "o5", latest_period="2023-Q2"),
    _progress("399", "work_records_online_rate", "off_track", 40.0, 80.0, "o8", latest_period="2023-Q2"),
]

TABLES = {"observations": OBSERVATIONS, "indicators": INDICATORS, "targets": TARGETS, "progress": PROGRESS}


def frame(name: str) -> pd.DataFrame:
    """Table ``name`` as a DataFrame read back from Parquet, dtypes as the package sees them."""
    return pa.Table.from_pylist(TABLES[name], schema=schema(name)).to_pandas()


def write_tables(data_dir: Path) -> Path:
    """Write the sample tables as Parquet files in ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in TABLES.items():
        pq.write_table(pa.Table.from_pylist(rows, schema=schema(name)), data_dir / f"{name}.parquet")
    return data_dir


def texts(fig: Figure) -> list[str]:
    """Every string drawn in ``fig``: titles, tick labels, annotations, legends."""
    FigureCanvasAgg(fig).draw()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def draw_without_glyph_warnings(fig: Figure) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(fig).draw()
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert not missing, missing


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: frame(name) for name in TABLES}


def test_heatmap_colours_each_cell_by_status_and_writes_value_and_period(tables):
    fig = plots.target_heatmap(tables["progress"], tables["indicators"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Đức Phổ", "Hoằng Hóa", "Nghĩa Hành", "Trà Bồng"]
    rows = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert "Tỷ lệ văn bản điện tử (cấp xã)" in rows  # a value without a target is still on the map
    drawn = texts(fig)
    assert {"100% ✓\nQuý II/2023", "66,4% ↗\n6 tháng đầu năm 2023", "40% ↘\nQuý II/2023", "–"} <= set(drawn)
    colours = ax.images[0].cmap.colors  # one colour per status, in the order of labels_vi.yaml
    codes = ax.images[0].get_array()
    met = list(plots.STATUS_COLORS).index("met")
    off = list(plots.STATUS_COLORS).index("off_track")
    assert colours[met] == plots.STATUS_COLORS["met"] and colours[off] == plots.STATUS_COLORS["off_track"]
    assert {met, off} <= set(codes.flatten().tolist())
    assert any("Chậm tiến độ" in t for t in drawn)
    draw_without_glyph_warnings(fig)


def test_small_multiples_draw_one_panel_per_measure(tables):
    measures = [("online_dossier_rate", "district"), ("e_documents_rate", "commune")]
    fig = plots.bars_grid(tables["progress"], measures, tables["indicators"])
    assert len(fig.axes) == 2
    assert all(len(ax.patches) >= 1 for ax in fig.axes)
    draw_without_glyph_warnings(fig)


def test_tile_map_places_one_square_per_province(tables):
    grid = pd.DataFrame({"name": ["Quảng Ngãi", "Thanh Hóa", "Hà Nội"], "row": [2, 1, 0], "col": [1, 0, 0]})
    progress = tables["progress"].assign(unit_name="Quảng Ngãi", admin_level="district")
    fig = plots.tile_maps(progress, [("online_dossier_rate", "district")], grid, tables["indicators"])
    ax = fig.axes[0]
    assert len(ax.patches) == 3
    colours = {tuple(round(c, 3) for c in p.get_facecolor()[:3]) for p in ax.patches}
    assert len(colours) == 2  # Quảng Ngãi by its status, the two others grey (no data)
    draw_without_glyph_warnings(fig)


def test_bars_sorted_best_first_with_target_line(tables):
    fig = plots.indicator_bars(tables["progress"], "online_dossier_rate", tables["indicators"])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Nghĩa Hành", "Hoằng Hóa"]  # bottom-up
    target = [line for line in ax.get_lines() if line.get_label().startswith("Mục tiêu 2025")]
    assert len(target) == 1 and target[0].get_xdata()[0] == 80.0
    assert "Mục tiêu 2025: 80% (749/QĐ-TTg)" in texts(fig)
    assert "66,4%  ↗  (6 tháng đầu năm 2023)" in texts(fig) and "Tỷ lệ (%)\nChưa có số liệu: Trà Bồng" in texts(fig)
    draw_without_glyph_warnings(fig)


def test_a_value_summed_from_some_lower_units_only_is_drawn_as_a_lower_bound(tables):
    # 'sum_partial': the sum of the communes that reported, not the district's whole figure ('≥ 22').
    progress = tables["progress"].copy()
    partial = (progress["indicator"] == "online_dossier_rate") & (progress["latest_value"] == 66.4)
    assert partial.sum() >= 1  # the test would pass on no such row
    progress.loc[partial, "aggregation"] = "sum_partial"
    bars = texts(plots.indicator_bars(progress, "online_dossier_rate", tables["indicators"]))
    assert "≥ 66,4%  ↗  (6 tháng đầu năm 2023)" in bars and not any(t.startswith("≥ 40") for t in bars)
    assert "≥ 66,4% ↗\n6 tháng đầu năm 2023" in texts(plots.target_heatmap(progress, tables["indicators"]))
    grid = pd.DataFrame({"name": ["Huế"], "row": [0], "col": [0]})  # a short name: tiles shorten long ones
    one = progress[partial].head(1).assign(unit_name="Huế")
    tiles = texts(
        plots.tile_maps(one, [("online_dossier_rate", str(one["admin_level"].iat[0]))], grid, tables["indicators"])
    )
    assert "Huế\n≥ 66,4%" in tiles


def test_bars_mark_each_target_when_units_have_different_targets(tables):
    progress = tables["progress"].copy()
    progress.loc[progress["unit_code"] == "399", "target_value"] = 95.0
    ax = plots.indicator_bars(progress, "online_dossier_rate", tables["indicators"]).axes[0]
    assert not [line for line in ax.get_lines() if line.get_label().startswith("Mục tiêu")]
    assert ax.collections[-1].get_label().startswith("Mục tiêu 2025 của từng đơn vị")


def test_bars_count_units_without_a_value_when_there_are_many(tables):
    progress = tables["progress"]
    empty = pd.concat([progress[progress["unit_code"] == "525"].iloc[[0]]] * 20, ignore_index=True)
    empty["unit_code"] = [f"9{i:02d}" for i in range(20)]
    empty["unit_name"] = [f"Huyện {i}" for i in range(20)]
    fig = plots.indicator_bars(pd.concat([progress, empty]), "online_dossier_rate")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Nghĩa Hành", "Hoằng Hóa"]
    assert "\nChưa có số liệu: 21 đơn vị" in texts(fig)


def test_bars_of_an_indicator_measured_at_two_tiers_need_the_tier(tables):
    with pytest.raises(ValueError, match="several tiers"):
        plots.indicator_bars(tables["progress"], "e_documents_rate")
    fig = plots.indicator_bars(tables["progress"], "e_documents_rate", tables["indicators"], tier="commune")
    assert "98%  ○" in texts(fig) and any(t.startswith("Tỷ lệ văn bản điện tử (cấp xã)") for t in texts(fig))


def test_a_collective_of_communes_is_the_districts_own_observation(tables):
    rows = plots.unit_observations(tables["observations"], "525", "e_documents_rate", "commune")
    assert list(rows["observation_id"]) == ["o7"]


def test_trajectory_plots_reported_series_projection_and_target(tables):
    fig = plots.trajectory(
        tables["observations"], tables["progress"], "532", "online_dossier_rate", tables["indicators"]
    )
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines["Số liệu báo cáo"].get_ydata()) == [52.0, 66.4]  # the target 90% is not a result
    assert any(label.startswith("Dự báo 31/12/2025: 102,4%") for label in lines)
    assert lines["Mục tiêu 2025: 80% (749/QĐ-TTg)"].get_ydata()[0] == 80.0
    assert "Nghĩa Hành: Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến (cấp huyện) — Đúng hướng" in " ".join(
        texts(fig)
    ).replace("\n", " ")
    draw_without_glyph_warnings(fig)


def test_trajectory_of_a_rolled_up_unit_draws_its_history(tables):
    province = {
        "unit_code": "51",
        "unit_name": "Quảng Ngãi",
        "indicator": "online_dossier_rate",
        "aggregation": "weighted_mean",
    }
    history = (
        pd.DataFrame(
            [
                {
                    **province,
                    "as_of": "2022-12-31",
                    "latest_value": 52.0,
                    "latest_period": "2022",
                    "observation_ids": "o2",
                },
                {
                    **province,
                    "as_of": "2023-Q2",
                    "latest_value": 66.4,
                    "latest_period": "2023-H1",
                    "observation_ids": "o3",
                    "projected_2025": 100.0,
                    "target_value": 80.0,
                    "target_source": "942/QĐ-TTg",
                    "status": "on_track",
                },
            ]
        )
        .reindex(columns=tables["progress"].columns)
        .assign(admin_level="district")
    )
    fig = plots.trajectory(tables["observations"], history, "51", "online_dossier_rate", tables["indicators"])
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert list(lines["Tổng hợp từ cấp dưới"].get_ydata()) == [52.0, 66.4] and "Số liệu báo cáo" not in lines
    projection = lines["Dự báo 31/12/2025: 100%"]
    assert list(projection.get_ydata()) == [66.4, 100.0]
    assert "Quảng Ngãi: Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến (cấp huyện) — Đúng hướng" in " ".join(
        texts(fig)
    ).replace("\n", " ")


@pytest.mark.parametrize(
    "draw",
    [
        lambda t: plots.target_heatmap(t["progress"].iloc[0:0]),
        lambda t: plots.indicator_bars(t["progress"], "dti_rank"),
        lambda t: plots.trajectory(t["observations"].iloc[0:0], t["progress"].iloc[0:0], "51", "online_dossier_rate"),
    ],
    ids=["heatmap", "bars", "trajectory"],
)
def test_empty_input_draws_a_message(tables, draw):
    fig = draw(tables)
    assert any("Chưa có số liệu" in t for t in texts(fig))
    draw_without_glyph_warnings(fig)


def test_evidence_table_lists_every_plotted_value(tables):
    table = plots.evidence_table(tables["progress"], tables["observations"])
    assert list(table.columns) == plots.EVIDENCE_COLUMNS
    assert set(table["observation_id"]) == {"o1", "o2", "o3", "o4", "o5", "o7", "o8"}
    row = table.set_index("observation_id").loc["o3"]
    assert (row["unit_name"], row["value"], row["period"], row["source"]) == (
        "Nghĩa Hành",
        66.4,
        "2023-H1",
        "bao_cao_532.txt",
    )
    assert plots.evidence_table(tables["progress"].iloc[0:0], tables["observations"]).empty


def test_values_are_written_the_vietnamese_way():
    assert plots.format_value(95.45, "percent") == "95,5%"
    assert plots.format_value(4573, "count") == "4.573"
    assert plots.format_value(4.6e10, "vnd") == "46 tỷ đồng"


def test_names_of_files_and_directories_are_safe():
    assert plots.safe_name("51") == "51" and plots.safe_name("52-gia lai") == "52-gia_lai"
    assert (
        plots.safe_name("../../etc") == "etc"
        and plots.safe_name("2_bars_e_documents_rate_commune") == "2_bars_e_documents_rate_commune"
    )
    with pytest.raises(ValueError):
        plots.safe_name("../")


def test_save_writes_png_with_a_safe_name(tmp_path, tables):
    path = plots.save(plots.target_heatmap(tables["progress"]), tmp_path / "out", "phủ sóng/../x")
    assert path.parent == tmp_path / "out" and path.suffix == ".png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
