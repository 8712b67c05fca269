# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Tổng quan chuyển đổi số các tỉnh, thành phố
#
# Các tỉnh, thành phố so với mục tiêu: 63 tỉnh, thành phố trước ngày 1/7/2025, 34 sau khi sắp xếp.
# Mọi con số đều truy được về câu văn gốc trong phụ lục.
# Tạo lại: `cds-analysis report --all --period <kỳ, ví dụ 2025-Q4>` (mục tiêu năm 2030: thêm `--horizon 2030`).

# %% tags=["parameters"]
# Parameters: `cds-analysis report --all` replaces these values (strings stay strings).
period = "2023-Q2"
horizon = 2025
data_dir = "../data/processed"
output_dir = "../reports/notebook-overview"

# %%
# %matplotlib inline
from cds_analysis.report import content

# %%
data = content.overview_data(period, data_dir, horizon)
content.show_summary(data, output_dir)

# %% [markdown]
# ## Bản đồ ô các tỉnh
#
# Mỗi ô là một tỉnh, đặt gần đúng vị trí địa lý; màu là tình trạng của chỉ tiêu, ô xám là chưa có số liệu.

# %%
content.show(content.tile_map_chart(data), output_dir)

# %% [markdown]
# ## Xếp hạng các tỉnh theo từng chỉ tiêu
#
# Các tỉnh có số liệu, từ tốt đến kém, màu theo tình trạng; đường nét đứt là mục tiêu.

# %% [markdown]
# ## Cả nước
#
# Kết quả cả nước đã công bố cho các chỉ tiêu trên (số mới nhất đến kỳ báo cáo, kèm nguồn), để đặt các tỉnh bên cạnh.

# %%
content.show_national(data)

# %%
content.show(content.comparison_chart(data), output_dir)
content.show_scorecard(content.scorecard(data))

# %% [markdown]
# ## Phụ lục: nguồn của từng số liệu

# %%
content.show_evidence(content.evidence(data))
content.save_formats(data, output_dir)
