# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Explore the tables — Làm quen với dữ liệu
#
# Hướng dẫn ngắn cho cán bộ phân tích: đọc các bảng, lọc số liệu, vẽ một biểu đồ và truy một con số
# về câu văn gốc. Chạy `cds-analysis ingest` trước để có các bảng trong `data/processed/`.

# %% tags=["parameters"]
data_dir = "../data/processed"
province = "Quảng Ngãi"
period = "2023-Q2"
indicator = "online_dossier_rate"

# %%
# %matplotlib inline
from cds_analysis.report import content, plots
from cds_analysis.store import read_table

# %% [markdown]
# ## Load the tables — Đọc các bảng
#
# Mỗi bảng là một tệp Parquet; `observations` có một dòng cho mỗi số liệu trích từ báo cáo,
# với đơn vị hành chính, kỳ báo cáo, giá trị và đoạn trích dẫn. Mã đơn vị luôn là chuỗi ('08', không phải 8).

# %%
observations = read_table("observations", data_dir)
observations[["place", "indicator", "value", "unit", "period_label", "is_target"]].head(10)

# %% [markdown]
# ## Slice — Lọc số liệu
#
# Số liệu đã đạt (không phải mục tiêu) của một tỉnh; rồi tiến độ của các huyện so với mục tiêu 2025 trong kỳ.

# %%
observations.query("province == @province and not is_target")[["place", "indicator", "value", "period_label"]]

# %%
data = content.province_data(province, period, data_dir)
content.status_table(data.units, data.indicators)

# %% [markdown]
# ## Plot one chart — Vẽ một biểu đồ
#
# Một chỉ tiêu theo các huyện của tỉnh, với đường mục tiêu 2025. Mỗi hàm trong `cds_analysis.report.plots`
# trả về một `Figure` của matplotlib; `plots.save(fig, thư_mục, tên)` ghi ra tệp PNG.

# %%
plots.indicator_bars(data.units, indicator, data.indicators)

# %% [markdown]
# ## Trace a number to its sentence — Truy một con số về câu văn gốc
#
# Mỗi giá trị trên biểu đồ có mã số liệu (`observation_id`); bảng bằng chứng cho biết giá trị, kỳ,
# địa danh, câu trích dẫn và tệp nguồn. Vị trí `char_start`–`char_end` chỉ đúng đoạn văn trong tệp gốc.

# %%
evidence = plots.evidence_table(data.units, data.observations)
first = observations["observation_id"] == evidence["observation_id"].iloc[0]
content.show_table(
    observations.loc[first, ["value", "period_label", "place", "source", "char_start", "char_end", "evidence"]]
)

# %% [markdown]
# ## Read a figure on either map — Đọc số liệu trên bản đồ cũ hoặc mới
#
# Từ 1/7/2025 cả nước có 34 tỉnh, không còn cấp huyện. Bảng `units` giữ cả hai bản đồ; cột `map` cho biết
# đơn vị thuộc bản đồ nào ('2008–2025': 63 tỉnh, cấp huyện và cấp xã; '2025': 34 tỉnh và các xã, phường).
# Mã đơn vị là mã thống kê như đã công bố ('52'); danh mục 2025 dùng lại số cũ cho đơn vị khác ('52' là
# Bình Định trước 1/7/2025, Gia Lai từ đó), nên mã luôn đi cùng cột `map` bên cạnh.
# Mỗi số liệu giữ nguyên đơn vị mà tài liệu gọi tên (`province`, `district`, `commune` và mã của chúng, thuộc
# bản đồ `map`), và có thêm: `figure_map` (bản đồ đọc số liệu, theo kỳ báo cáo và ngày của tài liệu),
# `current_province` (tỉnh hiện nay) và `current_commune` (xã, phường hiện nay, khi xã cũ nhập trọn vào một
# xã mới), mã của chúng thuộc bản đồ '2025'.

# %%
from cds_analysis.reference import gazetteer

gazetteer.load_units().groupby(["map", "level"]).size()

# %%
observations[["province", "province_code", "map", "period_label", "figure_map", "current_province_code"]]

# %%
old = gazetteer.resolve(province, map=gazetteer.OLD_MAP)
assert old is not None and old.successor_code, f"{province} is not on the 2008–2025 map"
new = gazetteer.resolve(old.successor_code, map=gazetteer.NEW_MAP)
assert new is not None
tuple([(old.label, old.code, old.map), (new.label, new.code, new.map)])
