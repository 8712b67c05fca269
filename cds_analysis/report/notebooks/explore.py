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
