"""Extraction on report language the rules were not written from, one group of tests per class of issue #10.

Every text here is written for these tests in the style of district and commune
reports, portal posts and plans from provinces other than the samples'; the
figures are plausible, the sentences are our own.
"""

from datetime import date

import pandas as pd
import pytest

from cds_analysis.rules.extract import extract_text


def facts(text: str, published: date | None = None) -> pd.DataFrame:
    return extract_text(text, published=published)


def one(frame: pd.DataFrame, value: float) -> pd.Series:
    rows = frame[(frame["value"] - value).abs() < 1e-9]
    assert len(rows) == 1, f"{len(rows)} facts of value {value}: {frame[['value', 'indicator', 'evidence']]}"
    return rows.iloc[0]


def period(row: pd.Series) -> str | None:
    label = row["period_label"]
    return None if label is None or label != label else label


# -- A. the report's own unit named only by its site; personal names are no places ---------------


def test_a_district_portal_names_the_district_a_report_calls_only_huyen():
    text = (
        "source: https://dakglei.kontum.gov.vn/tin-tuc/chuyen-doi-so-9-thang\n\n"
        "Trong 9 tháng năm 2024, UBND huyện đã cấp 1.240 chứng thư chữ ký số cho cán bộ, công chức.\n"
        "Đỗ Thái Bình\n"
    )
    row = one(facts(text), 1240)
    assert (row["province"], row["district"], row["admin_level"]) == ("Kon Tum", "huyện Đắk Glei", "district")


def test_a_commune_portal_names_the_commune():
    text = (
        "source: https://hoatien.hoavang.danang.gov.vn/chuyen-doi-so/ket-qua\n\n"
        "Đến cuối tháng 6/2024, tỷ lệ hộ gia đình trên địa bàn xã có truy nhập Internet cáp quang đạt 86,5%.\n"
    )
    row = one(facts(text), 86.5)
    assert (row["place"], row["district"], row["province"]) == ("xã Hòa Tiến", "huyện Hòa Vang", "Đà Nẵng")


def test_a_provincial_paper_names_the_province_when_the_body_does_not():
    text = (
        "source: https://baokontum.com.vn/xa-hoi/chuyen-doi-so-123.html\n\n"
        "Toàn tỉnh hiện có 86/102 xã, phường, thị trấn đã thành lập Tổ công nghệ số cộng đồng.\n"
    )
    assert one(facts(text), 86)["province"] == "Kon Tum"


@pytest.mark.parametrize(
    "byline",
    ["Đỗ Thái Bình", "PV Nguyễn Văn Hà Nam", "Bài và ảnh: Trần Quảng Ninh"],
)
def test_a_byline_that_reads_like_a_province_is_not_a_place(byline):
    text = f"Huyện Bảo Lâm, tỉnh Cao Bằng đã thành lập 102 Tổ công nghệ số cộng đồng với 618 thành viên.\n{byline}\n"
    frame = facts(text)
    assert set(frame["province"]) == {"Cao Bằng"}


# -- B. a report's period reaches its breakdown ----------------------------------------------


def test_a_period_holds_for_the_breakdown_lines_that_follow():
    text = (
        "Năm 2023, huyện Krông Pắc tiếp nhận 12.480 hồ sơ trực tuyến.\n"
        "Trong đó, cấp xã tiếp nhận 8.215 hồ sơ, đạt tỷ lệ 65,8%.\n"
        "- Tỷ lệ văn bản đi được ký số đạt 97,2%.\n"
    )
    frame = facts(text)
    assert [period(one(frame, v)) for v in (12480, 8215, 65.8, 97.2)] == ["2023"] * 4


def test_a_lead_period_holds_past_a_photo_caption_for_the_paragraph_that_details_it():
    text = (
        "Sở Thông tin và Truyền thông vừa công bố kết quả đánh giá chuyển đổi số cấp huyện năm 2023 của tỉnh Đắk Lắk.\n\n"
        "anh-dti.jpg\n\n"
        "Theo đó, huyện Krông Pắc dẫn đầu với 0,6123 điểm.\n"
    )
    assert period(one(facts(text), 0.6123)) == "2023"


def test_a_new_unit_paragraph_or_a_new_period_ends_the_report_period():
    text = (
        "Năm 2023, huyện Krông Pắc tiếp nhận 12.480 hồ sơ trực tuyến.\n"
        "Huyện Cư M'gar đã thành lập 145 Tổ công nghệ số cộng đồng.\n"
        "Quý I/2024, toàn tỉnh Đắk Lắk cấp 2.130 chữ ký số. Trong đó, cấp huyện 640 chữ ký số.\n"
    )
    frame = facts(text)
    assert period(one(frame, 145)) is None
    assert period(one(frame, 640)) == "2024-Q1"


def test_a_period_after_the_first_figure_or_in_brackets_stays_with_that_figure():
    text = (
        "UBND thị xã đã thu phí trực tuyến (năm 2023 và quý I/2024) cho 2.415 lượt người. "
        "Thị xã cũng đã lắp đặt 38 camera giám sát an ninh.\n"
    )
    assert period(one(facts(text), 38)) is None


def test_a_baseline_period_is_not_the_report_period():
    text = "Tỷ lệ hồ sơ trễ hạn so với cùng kỳ năm 2022 giảm mạnh. Trong đó, tỷ lệ hồ sơ trễ hạn cấp xã còn 1,2%.\n"
    assert period(one(facts(text), 1.2)) is None


# -- C. dates ------------------------------------------------------------------------------


def test_what_stands_on_an_event_day_is_as_of_that_day():
    text = (
        "Sáng 12/9, tại xã Tân Lập, huyện Đắk Glei, Huyện Đoàn ra mắt mô hình và thành lập 07 Tổ công nghệ số "
        "cộng đồng với 35 thành viên.\n"
    )
    frame = facts(text, published=date(2024, 9, 13))
    assert period(one(frame, 7)) == "as_of 2024-09-12"


# -- D. goals --------------------------------------------------------------------------------

PLAN = (
    "source: https://hoatien.hoavang.danang.gov.vn/ke-hoach-chuyen-doi-so-xa-hoa-tien-nam-2025\n\n"
    "I. KẾT QUẢ THỰC HIỆN NĂM 2024\n"
    "- Năm 2024, xã đã số hóa 1.860 hồ sơ thủ tục hành chính.\n"
    "II. MỤC TIÊU ĐẾN NĂM 2025\n"
    "- 95% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến.\n"
    "- Mỗi thôn có ít nhất 01 Tổ công nghệ số cộng đồng.\n"
    "- Trên 70% người dân trưởng thành có tài khoản thanh toán điện tử.\n"
)


def test_a_plans_goal_section_makes_its_items_targets_with_its_horizon():
    frame = facts(PLAN)
    for value in (95, 1, 70):
        row = one(frame, value)
        assert (bool(row["is_target"]), period(row)) == (True, "2025")


def test_a_plans_results_section_reports_results():
    assert not one(facts(PLAN), 1860)["is_target"]


def test_a_goal_opener_in_running_text_holds_for_the_lines_after_it():
    text = (
        "Mục tiêu đến năm 2026 của huyện Bảo Lâm, 90% hồ sơ được số hóa.\n"
        "Mỗi xã có ít nhất 02 điểm truy cập Internet công cộng.\n"
        "Kết quả năm 2024, huyện đã lắp đặt 14 điểm cầu truyền hình.\n"
    )
    frame = facts(text)
    assert bool(one(frame, 2)["is_target"]) and period(one(frame, 2)) == "2026"
    assert not one(frame, 14)["is_target"]


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("Năm 2024, tỉnh Kon Tum đã phấn đấu đạt và vượt 38/45 chỉ tiêu chuyển đổi số.", 38),
        ("Trong kế hoạch chuyển đổi số năm 2024 của huyện Đắk Glei, có 27/30 nhiệm vụ hoàn thành.", 27),
        ("Theo kế hoạch của tỉnh, xã Tân Lập đã lắp đặt 9 camera giám sát.", 9),
    ],
)
def test_a_plan_named_before_a_result_does_not_make_it_a_target(sentence, value):
    assert not one(facts(sentence), value)["is_target"]


# -- F. not facts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Toàn tỉnh Kon Tum có 146 bưu cục, điểm phục vụ bưu chính, bình quân mỗi điểm phục vụ 3.900 người dân.",
        "Hiện 9/9 xã của huyện Đắk Glei đã đạt chuẩn nông thôn mới.",
        "Huyện Lý Sơn có hơn 400 tàu cá hoạt động trên biển.",
        "Thôn Kon Jri có 215 hộ với trên 900 nhân khẩu.",
    ],
)
def test_figures_about_other_things_than_digital_transformation_are_not_facts(text):
    assert facts(text).empty


def test_the_public_postal_service_that_returns_results_is_e_government():
    text = "Năm 2023, huyện Đắk Glei trả 1.312 kết quả thủ tục hành chính qua dịch vụ bưu chính công ích."
    assert not facts(text).empty


@pytest.mark.parametrize(
    "text, kept, dropped",
    [
        ("Có 6/10 huyện, thành phố đạt tỷ lệ hồ sơ trễ hạn dưới 2%.", 6, 2),
        ("Năm 2024, có 18/20 mục tiêu chuyển đổi số của tỉnh hoàn thành 100%.", 18, 100),
    ],
)
def test_the_bar_that_selects_the_counted_units_is_not_a_fact(text, kept, dropped):
    values = set(facts(text)["value"])
    assert kept in values and dropped not in values


def test_a_rate_that_is_the_share_of_its_fraction_is_a_fact():
    frame = facts("Năm 2023, huyện Đắk Glei số hóa 1.458/1.604 hồ sơ, đạt tỷ lệ 90,9%.")
    assert 90.9 in set(frame["value"])


# -- E. enumerations -------------------------------------------------------------------------


def test_units_that_share_a_figure_give_one_fact_each():
    text = "Năm 2023, thị xã Buôn Hồ và huyện Krông Năng cùng số hóa 100% hồ sơ thủ tục hành chính."
    frame = facts(text)
    assert sorted(frame["district"]) == ["huyện Krông Năng", "thị xã Buôn Hồ"]
    assert set(frame["value"]) == {100}


def test_provinces_named_together_in_a_group_each_have_its_figure():
    text = (
        "Tỷ lệ hồ sơ trực tuyến toàn trình của Bắc Ninh đạt 61,2%, trong khi Cao Bằng, Lai Châu "
        "thuộc nhóm thấp nhất, dưới 15%."
    )
    frame = facts(text)
    low = frame[frame["value"] == 15]
    assert sorted(low["province"]) == ["Cao Bằng", "Lai Châu"]
    assert set(low["indicator"]) == {"full_process_online_dossier_rate"}


def test_a_group_listed_in_the_next_sentence_gives_one_fact_per_member_and_keeps_its_count():
    text = (
        "Hệ thống ghi nhận 4 bộ, ngành và địa phương có tỷ lệ thanh toán trực tuyến dưới 5%. "
        "Những đơn vị này gồm: Bộ Tư pháp, Bộ Xây dựng, các tỉnh Lai Châu, Điện Biên."
    )
    frame = facts(text)
    low = frame[frame["value"] == 5]
    assert sorted(low["place"]) == ["Bộ Tư pháp", "Bộ Xây dựng", "tỉnh Lai Châu", "tỉnh Điện Biên"]
    assert sorted(low["admin_level"]) == ["national", "national", "province", "province"]
    assert 4 in set(frame["value"])


def test_units_joined_without_a_word_of_sharing_are_not_split():
    frame = facts("Năm 2023, huyện Krông Năng và thị xã Buôn Hồ có 214 Tổ công nghệ số cộng đồng.")
    assert len(frame[frame["value"] == 214]) == 1


# -- P. the unit in focus ----------------------------------------------------------------------


def test_a_ministry_is_national():
    text = "Ở khối bộ, ngành, Bộ Tư pháp dẫn đầu với 2,1 triệu hồ sơ trực tuyến toàn trình."
    row = one(facts(text), 2.1e6)
    assert (row["admin_level"], row["place"]) == ("national", "Bộ Tư pháp") and pd.isna(row["province"])


def test_the_country_average_is_national_but_a_rank_in_the_country_is_the_province():
    text = (
        "Năm 2023, tỷ lệ hồ sơ trực tuyến của tỉnh Điện Biên đạt 52,3%, cao hơn bình quân cả nước là 45,2%. "
        "Điện Biên xếp thứ 21 cả nước về chỉ số chuyển đổi số."
    )
    frame = facts(text)
    assert one(frame, 45.2)["admin_level"] == "national"
    assert one(frame, 52.3)["province"] == "Điện Biên"
    assert one(frame, 21)["province"] == "Điện Biên"


def test_a_bare_number_is_not_a_numbered_district_of_ho_chi_minh_city():
    text = "Năm 2023, TP.HCM có 2,3 triệu tài khoản dịch vụ công; Quận 10 cấp 1.200 chữ ký số cá nhân."
    frame = facts(text)
    assert pd.isna(one(frame, 2.3e6)["district"])
    assert one(frame, 1200)["district"] == "quận 10"


# -- I. units of what is measured --------------------------------------------------------------


def test_a_change_of_a_rate_is_in_percentage_points():
    text = "Năm 2024, tỷ lệ hồ sơ trễ hạn của huyện Đắk Glei còn 2,1%, so với năm 2023 giảm 3,4%."
    row = one(facts(text), 3.4)
    assert (row["unit"], row["indicator"]) == ("percentage_points", "dossiers_late_rate_change")


def test_growth_of_a_quantity_stays_a_percentage():
    row = one(facts("Năm 2024, doanh thu thương mại điện tử của tỉnh Kon Tum tăng 18%."), 18)
    assert row["unit"] == "percent"


def test_dti_scores_and_rank_changes():
    text = (
        "Năm 2023, Chỉ số chuyển đổi số (DTI) của tỉnh Lai Châu đạt 0,4817 điểm, tăng 9 bậc so với năm 2022; "
        "nhóm chỉ số Hạ tầng số tăng 14 bậc."
    )
    frame = facts(text)
    assert one(frame, 0.4817)[["unit", "indicator"]].tolist() == ["points", "dti_score_points"]
    assert one(frame, 9)[["unit", "indicator"]].tolist() == ["ranks", "dti_rank_change"]
    assert one(frame, 14)["indicator"] == "dti_digital_infrastructure_rank_change"


@pytest.mark.parametrize(
    "text, value",
    [
        ("Thôn Đăk Năng có 182 hộ với trên 800 nhân khẩu, nay đã có Tổ công nghệ số cộng đồng.", 182),
        ("Thôn Đăk Năng có 182 hộ với trên 800 nhân khẩu, nay đã có Tổ công nghệ số cộng đồng.", 800),
        ("Mỗi Tổ công nghệ số cộng đồng có thành phần gồm Tổ trưởng, Tổ phó và 04 tổ viên.", 4),
        ("Huyện Đắk Glei là một trong 3 địa phương được chọn thí điểm chuyển đổi số.", 3),
        ("2 Tin liên quan: Kon Tum đẩy mạnh chuyển đổi số trong năm 2024", 2),
    ],
)
def test_population_team_composition_membership_and_list_numbers_are_not_facts(text, value):
    assert value not in set(facts(text)["value"])


@pytest.mark.parametrize(
    "text, value",
    [
        ("Năm 2023, có 12 địa phương xếp loại tốt về chỉ số chuyển đổi số cấp huyện.", 12),
        ("Hiện 18 xã, thị trấn của huyện đang triển khai trang thông tin điện tử.", 18),
    ],
)
def test_a_count_of_units_that_did_something_is_a_fact(text, value):
    assert value in set(facts(text)["value"])


def test_a_count_of_units_that_only_describes_a_place_is_not():
    assert facts("Huyện Đắk Glei có 12 xã, thị trấn với 108 thôn, làng; toàn huyện đã phủ sóng 4G.").empty


def test_a_named_village_is_the_place_inside_the_commune_in_focus():
    text = (
        "Xã Đăk Môn, huyện Đắk Glei đã lắp 40 camera an ninh kết nối trung tâm điều hành. "
        "Thôn Đăk Pung có 12 camera an ninh; Tổ công nghệ số cộng đồng thôn 3 có 6 thành viên."
    )
    frame = facts(text)
    assert one(frame, 40)["admin_level"] == "commune"
    assert (one(frame, 12)["admin_level"], one(frame, 12)["place"]) == ("village", "Thôn Đăk Pung xã Đăk Môn")
    assert one(frame, 6)["place"] == "thôn 3 xã Đăk Môn"


def test_a_bracket_that_goes_on_is_about_its_unit():
    text = (
        "Tỷ lệ hồ sơ trễ hạn của huyện Đắk Glei là 0,4%; huyện Kon Plông và huyện Sa Thầy là các địa phương "
        "có chuyển biến rõ rệt (huyện Kon Plông giảm từ 8,2% xuống còn 1,1%)."
    )
    row = one(facts(text), 1.1)
    assert (row["district"], row["admin_level"]) == ("huyện Kon Plông", "district")


@pytest.mark.parametrize(
    "text, value, label",
    [
        ("Đến hết ngày 20-6, huyện Đắk Glei đã cấp 1.020 tài khoản định danh điện tử.", 1020, "as_of 2024-06-20"),
        ("Từ 1.4 đến 15.5, xã Đăk Môn tiếp nhận 312 hồ sơ trực tuyến.", 312, "range 2024-04..2024-05"),
        ("Trong tháng 8.2024, huyện Đắk Glei tiếp nhận 2.415 hồ sơ trực tuyến.", 2415, "2024-08"),
    ],
)
def test_dates_written_with_dashes_and_dots(text, value, label):
    assert period(one(facts(text, published=date(2024, 9, 2)), value)) == label


# -- R. the post-reform reading ----------------------------------------------------------------


def test_a_text_dated_after_the_reform_names_the_new_commune_and_province():
    text = "Năm 2025, xã Bắc Hà, tỉnh Lào Cai đã tiếp nhận 4.120 hồ sơ trực tuyến."
    row = one(facts(text, published=date(2025, 11, 20)), 4120)
    assert (row["admin_level"], row["commune"], row["province"]) == ("commune", "xã Bắc Hà", "Lào Cai")
    assert pd.isna(row["district"]) and (row["province_code"], row["map"]) == ("15", "2025")  # the new Lào Cai


def test_a_text_dated_before_the_reform_names_the_old_units():
    text = "Năm 2024, huyện Bắc Hà, tỉnh Lào Cai đã tiếp nhận 3.870 hồ sơ trực tuyến."
    row = one(facts(text, published=date(2024, 12, 20)), 3870)
    assert (row["admin_level"], row["district"], row["province"]) == ("district", "huyện Bắc Hà", "Lào Cai")
    assert (row["province_code"], row["district_code"], row["map"]) == ("10", "085", "2008–2025")


# -- I. indicator wording ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, code",
    [
        ("Năm 2024, toàn huyện Ea Kar đã thành lập 112 tổ công nghệ cộng đồng.", 112, "community_tech_teams"),
        (
            "Năm 2024, tỷ lệ hồ sơ được gửi theo phương thức trực tuyến của huyện Ea Kar đạt 71,5%.",
            71.5,
            "online_dossier_rate",
        ),
        (
            "Năm 2024, tỷ lệ hồ sơ nộp qua dịch vụ công (DVC) trực tuyến của huyện Ea Kar đạt 64,2%.",
            64.2,
            "online_dossier_rate",
        ),
        (
            "Năm 2024, huyện Ea Kar có 58,3% hồ sơ được nộp qua dịch vụ công trực tuyến mức độ 4.",
            58.3,
            "online_dossier_rate",
        ),
        ("Huyện Ea Kar tiếp nhận, thẩm định và trả kết quả qua mạng 1.240 hồ sơ.", 1240, "dossiers_online_count"),
        ("Năm 2024, Đắk Lắk đã kéo cáp quang tới 100% trung tâm xã.", 100, "broadband_coverage"),
        ("Năm 2024, 11/11 xã của huyện Ea Kar đã thành lập Tổ công nghệ số cộng đồng.", 11, "community_tech_teams"),
    ],
)
def test_indicator_variants_interrupted_phrases_and_head_nouns(text, value, code):
    assert one(facts(text), value)["indicator"] == code


def test_a_hard_line_wrap_does_not_cut_a_phrase():
    row = one(facts("Năm 2024, tỷ lệ hồ sơ công việc tại cấp\nxã được xử lý trên môi trường mạng đạt 82%."), 82)
    assert (row["indicator"], row["admin_level"]) == ("work_records_online_rate", "commune")


def test_a_rank_is_the_dti_rank_only_where_the_index_is_named():
    assert facts("Năm 2023, tỉnh Đắk Lắk xếp thứ 21 cả nước.").empty
    row = one(facts("Năm 2023, tỉnh Đắk Lắk xếp thứ 21 cả nước về Chỉ số chuyển đổi số (DTI)."), 21)
    assert row["indicator"] == "dti_rank"


# The head noun of the number's own comma-joined item decides the family; the next item does not.
@pytest.mark.parametrize(
    "text, value, code",
    [
        (
            "Đến nay, tỉnh Sơn La đã phủ cáp quang đến 100% xã, độ phủ sóng di động và băng rộng di động đạt 98,5%.",
            100,
            "broadband_coverage",
        ),
        (
            "Về kinh tế số, 100% doanh nghiệp dùng hóa đơn điện tử, tổ công nghệ số cộng đồng hỗ trợ các hộ buôn bán.",
            100,
            "e_invoice_rate",
        ),
        (
            "Trong quý I/2024, huyện Yên Thành tiếp nhận mới 6.215 hồ sơ, hồ sơ đến hạn giải quyết 5.930 hồ sơ, "
            "hồ sơ quá hạn giải quyết 41 hồ sơ.",
            5930,
            "dossiers_due_count",
        ),
        (
            "Trong quý I/2024, huyện Yên Thành tiếp nhận mới 6.215 hồ sơ, hồ sơ đến hạn giải quyết 5.930 hồ sơ, "
            "hồ sơ quá hạn giải quyết 41 hồ sơ.",
            41,
            "dossiers_late_count",
        ),
        (
            "Cà Mau có số hồ sơ trực tuyến toàn trình là 48.210 và tổng số hồ sơ giải quyết TTHC là 90.455.",
            48210,
            "dossiers_online_count",
        ),
        (
            "Năm 2024, 100% phần mềm quản lý văn bản của huyện Mộc Châu được kết nối, liên thông qua trục liên thông "
            "văn bản quốc gia.",
            100,
            "document_software_interconnection_rate",
        ),
    ],
)
def test_the_numbers_own_item_names_it(text, value, code):
    assert one(facts(text), value)["indicator"] == code


def test_the_low_end_of_a_range_is_named_by_the_words_after_the_high_end():
    frame = facts(
        "Mục tiêu năm 2025 của xã Quỳnh Lưu: 70-85% hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng."
    )
    assert one(frame, 70)["indicator"] == one(frame, 85)["indicator"] == "work_records_online_rate"


def test_a_bracketed_share_does_not_hide_what_a_count_measures():
    text = (
        "Hiện nay, toàn tỉnh Sơn La có 2.980/3.010 bản, tiểu khu (đạt 99%) được phủ sóng di động; "
        "2.850/3.010 bản, tiểu khu (tương đương 94,7%) có hạ tầng cung cấp dịch vụ Internet băng rộng di động."
    )
    frame = facts(text)
    assert one(frame, 2980)["indicator"] == "villages_mobile_covered"
    assert one(frame, 2850)["indicator"] == "villages_mobile_broadband_covered"


def test_households_and_businesses_using_e_invoices_are_counted_apart():
    text = "Năm 2024, tỉnh Bắc Ninh có 1.215 hộ, cá nhân kinh doanh đăng ký sử dụng hóa đơn điện tử."
    assert one(facts(text), 1215)["indicator"] == "e_invoice_households_count"


def test_a_narrower_reading_named_earlier_in_the_sentence_holds():
    text = "Năm 2025, mạng 5G của tỉnh Nghệ An đã có 410 trạm thu, phát sóng, phủ sóng 23% khu vực dân cư."
    assert one(facts(text), 23)["indicator"] == "mobile_5g_coverage"
    # … but not across another figure of the same unit, nor across a new rate
    text = (
        "Năm 2024, huyện Quỳnh Lưu có 95 dịch vụ công trực tuyến toàn trình, tỷ lệ hồ sơ trực tuyến của huyện đạt 81%."
    )
    assert one(facts(text), 81)["indicator"] == "online_dossier_rate"


def test_a_system_named_in_the_sentence_before_names_its_users():
    text = (
        "Các cơ quan của tỉnh Cà Mau xử lý văn bản trên Hệ thống quản lý văn bản và điều hành. "
        "Đến nay có 8.420 người sử dụng (gồm cấp tỉnh, huyện, xã)."
    )
    assert one(facts(text), 8420)["indicator"] == "document_software_accounts"


def test_the_population_of_a_share_after_va_names_the_entry_of_the_words_before():
    text = (
        "Năm 2024, Bắc Ninh triển khai Sổ tay đảng viên điện tử cho trên 48.000 đảng viên và 100% chi bộ, "
        "đảng bộ các cấp."
    )
    assert one(facts(text), 100)["indicator"] == "e_party_handbook_cells_rate"


def test_the_advanced_new_rural_public_administration_indicator():
    text = "Phấn đấu đến năm 2025, 100% số xã của tỉnh Bắc Ninh đạt chuẩn chỉ tiêu số 15.2 của Tiêu chí số 15 về Hành chính công."
    assert one(facts(text), 100)["indicator"] == "communes_ntm_public_admin_criterion_rate"


def test_a_team_counted_in_people_counts_its_members():
    text = "Tổ công nghệ số cộng đồng bản Pá Khoang, xã Mường Phăng có 6 người, do trưởng bản làm tổ trưởng."
    assert one(facts(text), 6)["indicator"] == "community_tech_team_members"
    assert (
        one(facts("Năm 2024, huyện Thuận Châu đã thành lập 152 Tổ CNSCĐ."), 152)["indicator"] == "community_tech_teams"
    )
