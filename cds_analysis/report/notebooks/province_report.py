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
# # Báo cáo chuyển đổi số cấp tỉnh
#
# Tỉnh và các đơn vị cấp dưới (huyện trước ngày 1/7/2025, xã, phường sau đó) so với mục tiêu.
# Mọi con số đều truy được về câu văn gốc trong phụ lục cuối báo cáo.
# Tạo lại: `cds-analysis report --province "<tên tỉnh>" --period <kỳ, ví dụ 2025-Q4>` (mục tiêu năm 2030: thêm `--horizon 2030`).

# %% tags=["parameters"]
# Parameters: `cds-analysis report` replaces these values (strings stay strings).
province = "Quảng Ngãi"
period = "2023-Q2"
horizon = 2025
data_dir = "../data/processed"
output_dir = "../reports/notebook"

# %%
# %matplotlib inline
from cds_analysis.report import content

# %%
data = content.province_data(province, period, data_dir, horizon)
content.show_summary(data, output_dir)

# %% [markdown]
# ## Bảng điểm của tỉnh
#
# Số liệu của chính tỉnh: số tỉnh tự báo cáo, hoặc cộng dồn từ cấp dưới khi đủ mọi đơn vị cấp dưới báo cáo
# (số liệu của một huyện, một xã không được coi là của tỉnh). Kỳ và tuổi của số liệu, mục tiêu và văn bản
# đặt ra mục tiêu, tình trạng và căn cứ (quy tắc cho ra tình trạng), xu hướng và nguồn (bấm để xem câu gốc).
# Số liệu cũ hơn 4 quý là "Số liệu cũ"; hết năm mục tiêu mà chưa đạt là "Không đạt".

# %%
content.show_scorecard(content.scorecard(data))

# %% [markdown]
# ## Các đơn vị cấp dưới theo từng chỉ tiêu
#
# Mỗi ô: giá trị mới nhất, kỳ của số liệu và ký hiệu tình trạng; màu là tình trạng, như trong bảng điểm.
# Sau đó, các chỉ tiêu có từ hai đơn vị trở lên có số liệu được xếp hạng, và các chỉ tiêu
# có từ hai kỳ số liệu trở lên được vẽ theo thời gian.

# %%
content.show(content.heatmap_chart(data), output_dir)
content.show(content.comparison_chart(data), output_dir)
content.show(content.trajectory_chart(data), output_dir)

# %%
# The section "Số liệu chưa thống nhất giữa các nguồn", only when sources disagree (no empty heading).
content.show_disagreements(data.disputed)

# %% [markdown]
# ## Phụ lục: nguồn của từng số liệu
#
# Mỗi giá trị một lần: câu gốc (số được tô vàng), tài liệu, ngày, tệp và vị trí ký tự trong văn bản gốc;
# cột "Dùng cho" nói số liệu được dùng cho đơn vị nào (một số liệu tổng hợp nêu đủ các đơn vị cấp dưới).

# %%
content.show_evidence(content.evidence(data))
content.save_formats(data, output_dir)
