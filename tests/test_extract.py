"""Extraction rules, one or more short report-style texts per rule.

The texts are written for these tests in the manner of district reports;
figures are illustrative unless a source is named.
"""

import unicodedata
from datetime import date

import pandas as pd
import pytest

from cds_analysis.rules.extract import extract_text


def facts(text, published=None):
    return extract_text(text, published=published)


def one(frame, value, **where):
    rows = frame[frame["value"] == value]
    for key, wanted in where.items():
        rows = rows[rows[key] == wanted]
    assert len(rows) == 1, (
        f"expected one row with value {value} {where}, got:\n{frame[['value', 'indicator', 'admin_level', 'place', 'period_label', 'is_target']]}"
    )
    return rows.iloc[0]


# -- numbers, fractions and the evidence trail ---------------------------------


def test_fraction_gives_a_count_and_the_rate_carries_it():
    df = facts("Năm 2023, huyện Sơn Hà tiếp nhận 2.310/2.540 hồ sơ trực tuyến, đạt tỷ lệ 90,9%.")
    count = one(df, 2310)
    assert (count.numerator, count.denominator, count.unit) == (2310, 2540, "count")
    rate = one(df, 90.9)
    assert (rate.unit, rate.numerator, rate.denominator) == ("percent", 2310, 2540)
    assert rate.indicator == "online_dossier_rate"
    assert count.indicator == "dossiers_online_count"
    assert {count.period_label, rate.period_label} == {"2023"}
    assert count.district == "huyện Sơn Hà" and count.province == "Quảng Ngãi"


def test_evidence_is_an_exact_slice_of_the_original_even_in_nfd():
    original = unicodedata.normalize(
        "NFD", "Trong quý 2/2023, tỷ lệ hồ sơ nộp trực tuyến của huyện Hoằng Hoá đạt\u00a099,2%."
    )
    df = facts(original)
    row = one(df, 99.2)
    assert original[row.char_start : row.char_end] == row.evidence
    assert "99,2%" in unicodedata.normalize("NFC", row.evidence)
    assert row.district == "huyện Hoằng Hóa" and row.period_label == "2023-Q2"


def test_money_and_qualifiers():
    df = facts("Năm 2022, thị xã Đức Phổ thu qua thanh toán trực tuyến hơn 12 tỷ đồng cho gần 900 lượt người.")
    money = one(df, 12e9)
    assert (money.unit, money.qualifier) == ("vnd", "more_than")
    people = one(df, 900)
    assert people.qualifier == "approx"


# -- numbers that are not facts --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 28/7/2023, UBND tỉnh Quảng Ngãi tổ chức lễ phát động phong trào.",
        "Thực hiện Quyết định số 749/QĐ-TTg và Nghị quyết số 52 của Bộ Chính trị, huyện Mộ Đức triển khai kế hoạch.",
        "Huyện Mộ Đức tổ chức đợt cao điểm 30 ngày đêm để hỗ trợ người dân.",
        "Tại điểm cầu huyện Bình Sơn có hơn 180 đại biểu tham dự lễ phát động.",
        "Người dân được hướng dẫn tại bộ phận 1 cửa của huyện Trà Bồng trong thời đại công nghiệp 4.0.",
        "Chương trình chuyển đổi số quốc gia giai đoạn 2021-2025 được huyện Tư Nghĩa quán triệt.",
        "Liên hệ: 0255.3822.456 — huyện Nghĩa Hành.",
        "Huyện Thăng Bình đặt ra 5 nhiệm vụ trọng tâm cho năm 2022.",
    ],
)
def test_numbers_that_are_not_facts_are_skipped(text):
    assert facts(text).empty


def test_a_fact_stated_twice_gives_one_row():
    text = (
        "Toàn huyện Mộ Đức có 520 thành viên Tổ công nghệ số cộng đồng.\n"
        "Toàn huyện Mộ Đức có 520 thành viên Tổ công nghệ số cộng đồng.\n"
    )
    assert len(facts(text)) == 1


def test_caption_repeating_the_body_is_not_counted_twice():
    text = (
        "Lễ phát động được kết nối tới 13 điểm cầu cấp huyện của tỉnh Quảng Ngãi.\n"
        "Lễ phát động được kết nối tới 13 điểm cầu cấp huyện của tỉnh Quảng Ngãi. Ảnh: MINH HÀ\n"
    )
    df = facts(text, published=date(2023, 7, 28))
    assert len(df) == 1


# -- places ------------------------------------------------------------------------


def test_an_opener_sets_the_place_for_the_paragraphs_that_follow():
    text = (
        "Tại điểm cầu huyện Minh Long, lãnh đạo huyện dự lễ phát động.\n"
        "Trong 6 tháng đầu năm 2023, huyện đã ban hành 3.120 văn bản đi điện tử.\n"
        "Tại điểm cầu huyện Ba Tơ, huyện đã thành lập 41 Tổ công nghệ số cộng đồng.\n"
    )
    df = facts(text)
    assert one(df, 3120).district == "huyện Minh Long"
    assert one(df, 3120).period_label == "2023-H1"
    assert one(df, 41).district == "huyện Ba Tơ"


def test_communes_of_a_district_taken_together():
    df = facts("Trong năm 2023, UBND các xã, thị trấn của huyện Trà Bồng ban hành 2.004 văn bản đi điện tử có ký số.")
    row = one(df, 2004)
    assert row.admin_level == "commune"
    assert row.district == "huyện Trà Bồng"
    assert row.commune is None or row.commune != row.commune  # no single commune
    assert "xã" in row.place and "Trà Bồng" in row.place


def test_tier_words_after_the_number_set_the_level():
    df = facts(
        "Hiện tại, huyện Bình Sơn đã thành lập 1 Tổ công nghệ số cộng đồng cấp huyện, "
        "22 Tổ cấp xã, thị trấn và 120 Tổ thôn, tổ dân phố với gần 650 thành viên.",
        published=date(2023, 7, 28),
    )
    assert one(df, 1).admin_level == "district"
    assert one(df, 22).admin_level == "commune"
    assert one(df, 120).admin_level == "village"
    members = one(df, 650)
    assert members.admin_level == "district" and members.qualifier == "approx"
    assert set(df["period_label"]) == {"as_of 2023-07-28"}


def test_a_level_marker_holds_for_the_rest_of_its_clause():
    df = facts(
        "Trong quý 2/2023, tỷ lệ hồ sơ nộp trực tuyến cấp huyện của huyện Hậu Lộc đạt 97,1%; "
        "Đối với cấp xã, tỷ lệ hồ sơ nộp trực tuyến đạt 93,4%, tỷ lệ hồ sơ nộp trực tuyến toàn trình đạt 88,5%."
    )
    assert one(df, 97.1).admin_level == "district"
    assert one(df, 93.4).admin_level == "commune"
    full = one(df, 88.5)
    assert (full.admin_level, full.indicator) == ("commune", "full_process_online_dossier_rate")
    assert set(df["period_label"]) == {"2023-Q2"}


def test_two_places_in_one_sentence():
    df = facts(
        "Năm 2023, huyện Sơn Tịnh đạt 95,1% hồ sơ công việc xử lý trên môi trường mạng, huyện Tư Nghĩa đạt 91,3%."
    )
    assert one(df, 95.1).district == "huyện Sơn Tịnh"
    assert one(df, 91.3).district == "huyện Tư Nghĩa"


def test_a_commune_named_bare_after_its_first_mention():
    df = facts(
        "Ông Trần Văn Nam, Chủ tịch UBND xã Định Long (huyện Yên Định), cho biết: "
        "Định Long đã hoàn thành 11/11 tiêu chí chuyển đổi số cấp xã trong năm 2022."
    )
    row = one(df, 11)
    assert (row.admin_level, row.unit, row.period_label) == ("commune", "criteria", "2022")
    assert row.commune == "xã Định Long" and row.district == "huyện Yên Định"


def test_province_collectives_have_no_district():
    df = facts(
        "Thanh Hóa đặt mục tiêu đến năm 2025 có 6 huyện, thị xã, thành phố trở lên và "
        "300 xã, phường, thị trấn trở lên hoàn thành chuyển đổi số."
    )
    districts, communes = one(df, 6), one(df, 300)
    assert (districts.admin_level, communes.admin_level) == ("district", "commune")
    assert districts.district is None or districts.district != districts.district
    assert districts.province == "Thanh Hóa" and districts.qualifier == "at_least"
    assert districts.is_target and communes.is_target
    assert districts.period_label == "2025"


# -- periods -------------------------------------------------------------------------


def test_relative_periods_need_a_publication_date():
    text = "Đến nay, huyện Tư Nghĩa có 100% xã, thị trấn thành lập Ban Chỉ đạo chuyển đổi số."
    assert one(facts(text, published=date(2023, 7, 28)), 100).period_label == "as_of 2023-07-28"
    row = one(facts(text), 100)
    assert row.period_label is None or row.period_label != row.period_label


def test_a_bracketed_period_holds_for_its_clause_only():
    df = facts(
        "Trong đó, thị xã Đức Phổ tiếp nhận trực tuyến (từ tháng 8/2022 đến hết quý I/2023) 2.661 hồ sơ; "
        "100% hồ sơ được xử lý qua hệ thống một cửa điện tử."
    )
    assert one(df, 2661).period_label == "range 2022-08..2023-Q1"
    row = one(df, 100)
    assert row.period_label is None or row.period_label != row.period_label


def test_the_narrower_of_two_periods_wins():
    df = facts("Năm 2023, huyện Yên Định sẽ đánh giá mức độ chuyển đổi số đối với 4 đơn vị cấp xã trong quý I/2023.")
    assert one(df, 4).period_label == "2023-Q1"


def test_a_period_carries_to_the_next_sentence_on_the_same_subject():
    text = (
        "Trong 6 tháng đầu năm 2023, huyện Trà Bồng ban hành 8.090 văn bản đi điện tử. "
        "UBND các xã, thị trấn ban hành 5.963 văn bản đi điện tử. "
        "Đến nay, 100% cán bộ, công chức được cấp hộp thư công vụ. "
        "Huyện đã thành lập 96 Tổ công nghệ số cộng đồng."
    )
    df = facts(text)
    assert one(df, 5963).period_label == "2023-H1"
    teams = one(df, 96)  # 'đến nay' named another period; it holds for its own sentence only
    assert teams.period_label is None or teams.period_label != teams.period_label


# -- targets -------------------------------------------------------------------------


def test_goals_are_targets_and_results_are_not():
    df = facts(
        "Năm 2023, huyện Mộ Đức đạt 85% hồ sơ công việc cấp huyện được xử lý trên môi trường mạng. "
        "Huyện phấn đấu đến năm 2025 có 90% hồ sơ công việc cấp huyện được xử lý trên môi trường mạng."
    )
    assert not one(df, 85).is_target
    goal = one(df, 90)
    assert goal.is_target and goal.period_label == "2025"
    assert goal.indicator == "work_records_online_rate"


def test_a_directive_is_a_target():
    df = facts(
        "Huyện chỉ đạo mỗi thành viên Tổ công nghệ số cộng đồng của huyện Bình Sơn hướng dẫn tối thiểu cho 7 người dân."
    )
    row = one(df, 7)
    assert row.is_target and row.qualifier == "at_least"


def test_done_after_a_plan_word_is_a_result():
    df = facts("Thực hiện kế hoạch năm 2023, huyện Đồng Xuân đã đạt tỷ lệ thanh toán trực tuyến trên 40%.")
    row = one(df, 40)
    assert not row.is_target and row.qualifier == "more_than"


# -- indicators ------------------------------------------------------------------------


def test_unknown_measures_are_kept_as_other_with_their_words():
    df = facts("Năm 2024, tỉnh Gia Lai đã cấp 1.240 máy tính bảng cho giáo viên vùng sâu.")
    row = one(df, 1240)
    assert row.indicator == "other"
    assert "máy tính bảng" in row.indicator_text


def test_two_counts_and_their_rates():
    df = facts(
        "Tính đến ngày 30/5/2023, huyện Hoằng Hóa gửi đi 4.573 văn bản, trong đó có 4.568 văn bản ký số lãnh đạo "
        "đạt tỷ lệ 99,89%."
    )
    assert one(df, 4573).indicator == "e_documents_count"
    assert one(df, 4568).indicator == "digital_signature_count"
    assert one(df, 99.89).indicator == "digital_signature_rate"
    assert set(df["period_label"]) == {"as_of 2023-05-30"}


# -- wording seen in other provinces' reports ---------------------------------------


def test_this_rate_takes_its_subject_from_the_sentence_before():
    df = facts(
        "Hồ sơ công việc được xử lý trên môi trường mạng tăng ở cả ba cấp. "
        "Năm 2023, tại cơ quan cấp tỉnh, tỷ lệ này đạt 96%; tại cấp huyện đạt 91%, vượt chỉ tiêu 88%."
        " Tỉnh Quảng Trị cho biết như vậy."
    )
    assert set(df["indicator"]) == {"work_records_online_rate"}
    assert not one(df, 91).is_target
    assert one(df, 91).admin_level == "district"
    assert one(df, 88).is_target


def test_a_bracketed_rate_is_the_share_of_the_count_before_it():
    df = facts("Tháng 8/2021, tỉnh Vĩnh Phúc có 19.255 hồ sơ giải quyết đúng hạn (đạt 96,55%).")
    assert one(df, 96.55).indicator == "on_time_dossier_rate"


def test_a_unit_after_a_comma_only_locates_the_one_before():
    df = facts(
        "Chủ tịch UBND phường Tân Quang, thành phố Tuyên Quang cho biết: hiện nay 100% hồ sơ được giải quyết đúng hạn."
    )
    assert one(df, 100).commune == "phường Tân Quang"


def test_an_issued_plan_is_not_a_goal():
    df = facts("Năm 2022, huyện Võ Nhai đã ban hành kế hoạch thành lập 154 tổ công nghệ số cộng đồng.")
    assert not one(df, 154).is_target


def test_remainder_groups_and_structural_counts_are_skipped():
    df = facts(
        "Hà Nam đạt 68,54% hồ sơ trực tuyến. Các tỉnh, thành phố còn lại đều dưới 50%. Huyện có 153 thôn trực thuộc 15 xã."
    )
    assert list(df["value"]) == [68.54]


def test_the_headline_does_not_count_again():
    df = facts(
        "Hà Nam dẫn đầu với 68,54% hồ sơ toàn trình\n\nNăm 2024, tỉnh Hà Nam đạt 68,54% hồ sơ trực tuyến toàn trình."
    )
    assert len(df) == 1 and df.iloc[0].period_label == "2024"


def test_a_crowd_following_an_event_is_not_a_fact():
    df = facts("Tại điểm cầu huyện Bình Sơn, trên 250 cán bộ, công chức theo dõi lễ phát động trực tuyến.")
    assert df.empty


def test_a_caption_paraphrasing_the_body_adds_nothing():
    text = (
        "Lễ phát động được truyền tới 13 điểm cầu cấp huyện của tỉnh Quảng Ngãi.\n"
        "Tại điểm cầu huyện Mộ Đức, huyện có 14 điểm cầu truyền hình trực tuyến.\n"
        "Ảnh: Buổi lễ được kết nối tới 13 điểm cầu.\n"
    )
    assert sorted(facts(text)["value"]) == [13, 14]


def test_a_unit_named_after_the_number_qualifies_it():
    df = facts(
        "Tại lễ phát động của tỉnh Quảng Ngãi, lãnh đạo cho biết: đến nay, 100% xã, thị trấn của huyện Tư Nghĩa đã có Ban Chỉ đạo CĐS."
    )
    row = one(df, 100)
    assert (row.district, row.admin_level) == ("huyện Tư Nghĩa", "commune")


def test_the_second_of_two_coordinated_numbers_shares_the_subject():
    df = facts("Tổ công nghệ số cộng đồng đã có ở 13/13 xã, thị trấn và 68/68 thôn, tổ dân phố của huyện Mộ Đức.")
    assert set(df["indicator"]) == {"community_tech_teams"}
    assert one(df, 68).admin_level == "village"


def test_tiers_named_in_the_next_clause_part_belong_to_the_next_number():
    df = facts(
        "Năm 2024, cấp huyện của tỉnh Quảng Ninh thực hiện số hóa 134.139 hồ sơ đầu vào (đạt 99,3%), "
        "cấp xã thực hiện số hóa 201.881 hồ sơ (đạt 98,3%)."
    )
    assert one(df, 99.3).admin_level == "district" and one(df, 201881).admin_level == "commune"
    assert one(df, 99.3).indicator == "dossier_digitization_rate"


def test_a_saved_pages_source_line_and_headline_are_not_facts():
    text = "source: https://example.vn/tin-2023/bai-123\n\nHà Nam có 115.665 hồ sơ toàn trình\n\nNăm 2024, tỉnh Hà Nam có 115.665 hồ sơ được giải quyết trực tuyến toàn trình."
    df = facts(text)
    assert list(df["value"]) == [115665] and df.iloc[0].period_label == "2024"


def test_a_status_as_of_a_date_is_a_result_even_beside_plan_words():
    df = facts("Tính đến hết năm 2024, tỉnh Thái Bình có 15/16 mục tiêu theo kế hoạch chuyển đổi số hoàn thành 100%.")
    assert not df["is_target"].any()


def test_groups_of_tasks_are_not_measures():
    assert facts("Trên cơ sở 8 nhóm nhiệm vụ trong kế hoạch, tỉnh Ninh Bình rà soát các hệ thống.").empty


def test_a_sub_heading_repeating_a_fraction_is_counted_once():
    df = facts(
        "Hoàn thành 17/18 nhiệm vụ\nNăm 2024, tỉnh Bình Dương đã hoàn thành 17/18 nhiệm vụ theo kế hoạch của Đề án 06.\nBình Dương dẫn đầu 63 tỉnh, thành phố về dịch vụ công."
    )
    assert list(df["value"]) == [17] and df.iloc[0].indicator != "other"


def test_a_later_period_does_not_reach_back_across_a_new_rate():
    df = facts(
        "Huyện Hòa Vang có 122 dịch vụ công trực tuyến toàn trình, tỷ lệ hồ sơ trực tuyến "
        "của huyện trong 6 tháng đầu năm 2023 đạt 96%."
    )
    assert one(df, 96).period_label == "2023-H1"
    assert one(df, 122).period_label is None or one(df, 122).period_label != one(df, 122).period_label


def test_a_tier_opener_holds_for_its_whole_sentence():
    df = facts(
        "Ở cấp xã, 37/37 xã, thị trấn của huyện Diễn Châu dùng một cửa điện tử; tỷ lệ hồ sơ nộp trực tuyến đạt 65,2%."
    )
    assert one(df, 65.2).admin_level == "commune"


def test_a_coordinated_rate_with_its_own_noun_is_read_by_its_noun():
    df = facts(
        "Huyện Lạng Giang đặt mục tiêu năm 2024 có 60% hồ sơ thủ tục hành chính được xử lý trực tuyến "
        "toàn trình và 100% xã đạt tiêu chí xã chuyển đổi số."
    )
    assert one(df, 60).indicator == "full_process_online_dossier_rate"
    second = one(df, 100)
    assert second.indicator != "full_process_online_dossier_rate" and second.admin_level == "commune"
    assert second.district == "huyện Lạng Giang" and second.is_target


def test_a_count_is_not_named_by_the_rate_that_follows_it():
    df = facts("Trong năm 2023, thị xã Hương Thủy tiếp nhận 18.236 hồ sơ TTHC, tỷ lệ hồ sơ trực tuyến đạt 92,4%.")
    assert one(df, 18236).indicator == "dossiers_received_count"
    assert one(df, 92.4).indicator == "online_dossier_rate"


def test_a_year_before_a_bare_tier_word_does_not_hide_it():
    text = "Phường Thủy Dương của thị xã Hương Thủy có 98% hộ dùng cáp quang.\nNăm 2024 thị xã phấn đấu 100% hồ sơ công việc được xử lý trên môi trường mạng."
    assert one(facts(text), 100).place == "thị xã Hương Thủy"


def test_district_rankings_of_a_province():
    df = facts(
        "UBND tỉnh Bình Định công bố chỉ số chuyển đổi số cấp huyện năm 2023. Theo đó, thị xã An Nhơn xếp thứ 2.\n"
        "Tỷ lệ hồ sơ trực tuyến toàn trình của các huyện, thị xã, thành phố bình quân đạt 45,6%, "
        "trong đó huyện Phù Cát đạt cao nhất 71,2%."
    )
    assert one(df, 2).period_label == "2023" and one(df, 2).unit == "rank"
    mean = one(df, 45.6)
    assert mean.admin_level == "district" and pd.isna(mean.district)
    assert mean.place.startswith("các huyện")
    best = one(df, 71.2)
    assert (best.district, best.indicator) == ("huyện Phù Cát", mean.indicator)


def test_bullet_items_take_the_period_of_their_heading():
    text = (
        "BÁO CÁO\nKết quả chuyển đổi số quý I năm 2024 của UBND huyện Kim Bảng\n"
        "1. Chính quyền số\n- Tỷ lệ hồ sơ TTHC được tiếp nhận trực tuyến: 85,2% (chỉ tiêu 80%).\n"
        "II. NHIỆM VỤ QUÝ II/2024\n- Phấn đấu tỷ lệ thanh toán trực tuyến đạt trên 45%.\n"
        "Huyện có 112 Tổ công nghệ số cộng đồng.\n"
    )
    df = facts(text)
    assert one(df, 85.2).period_label == "2024-Q1" and one(df, 80).is_target
    assert one(df, 45).period_label == "2024-Q2"
    assert pd.isna(one(df, 112).period_label)  # running text: no heading period


def test_respectively_pairs_places_and_numbers_in_order():
    df = facts("Bộ công bố chỉ số DTI năm 2022. Thừa Thiên Huế và Cần Thơ lần lượt xếp thứ 4 và thứ 5.")
    assert one(df, 4).province_code != one(df, 5).province_code
    assert one(df, 5).province == "Cần Thơ"
    assert set(df["indicator"]) == {"dti_rank"}


def test_a_rank_dated_by_a_year_is_not_a_duration():
    df = facts("Chỉ số DTI của tỉnh Quảng Ngãi tăng từ vị trí 60 năm 2021 lên vị trí 26 năm 2022.")
    assert (one(df, 60).unit, one(df, 60).period_label) == ("rank", "2021")
    assert one(df, 26).period_label == "2022"


def test_districts_compared_in_one_sentence_do_not_become_the_focus():
    text = (
        "Năm 2023, tỷ lệ hồ sơ trực tuyến cấp huyện của tỉnh Hà Tĩnh đạt 78,5%. "
        "Trong đó, huyện Can Lộc đạt 92,3%, huyện Vũ Quang đạt 61,2%.\n"
        "Ở cấp xã, có 152/209 xã, phường, thị trấn đạt tỷ lệ hồ sơ trực tuyến trên 70%. "
        "Năm 2024, tỉnh đặt mục tiêu tỷ lệ hồ sơ trực tuyến cấp xã đạt tối thiểu 75%.\n"
        "Xã Thạch Hạ (TP Hà Tĩnh) dẫn đầu với 98% hồ sơ nộp trực tuyến."
    )
    df = facts(text)
    assert one(df, 152).province == "Hà Tĩnh" and pd.isna(one(df, 152).district)
    assert one(df, 75).is_target and pd.isna(one(df, 75).district)
    assert one(df, 98).admin_level == "commune" and "Thạch Hạ" in one(df, 98).place


def test_units_where_a_count_sits_are_its_tier_not_a_fact():
    df = facts("Toàn xã Quảng Phú có 9 Tổ công nghệ số cộng đồng ở 9 thôn với 45 thành viên.")
    assert list(df["value"]) == [9, 45]
    assert one(df, 9).admin_level == "village"


def test_a_comparison_list_of_districts_keeps_the_subject_and_each_place():
    text = (
        "Năm 2023, tỷ lệ hồ sơ trực tuyến của tỉnh Lâm Đồng đạt 67,3%, tăng so với năm 2022 (48,9%).\n"
        "Thành phố Đà Lạt là địa phương có tỷ lệ cao nhất với 82,4%. "
        "Một số huyện còn thấp như Đam Rông (38,2%), Lạc Dương (41,7%)."
    )
    df = facts(text)
    assert set(df["indicator"]) == {"online_dossier_rate"}
    assert one(df, 48.9).period_label == "2022"
    assert one(df, 38.2).district == "huyện Đam Rông" and one(df, 41.7).district == "huyện Lạc Dương"


def test_a_table_flattened_one_cell_per_line():
    text = (
        "Tỉnh Quảng Bình đánh giá kết quả thực hiện chuyển đổi số.\n"
        "Mục tiêu/Chỉ tiêu\nĐề ra năm 2023\nKết quả thực hiện\nĐánh giá\n"
        "- Tỷ lệ hồ sơ trực tuyến phát sinh của từng DVCTT\n30%\n75,3%\nVượt\n"
        "- Tỷ lệ văn bản, hồ sơ công việc được xử lý trên môi trường mạng\n"
        "+ Cấp huyện\n92%\n95%\nVượt\n+ Cấp xã\n80%\n80%\nĐạt\n"
        "II. NHIỆM VỤ NĂM 2024\n"
    )
    df = facts(text)
    assert len(df) == 6 and set(df["period_label"]) == {"2023"}
    assert (one(df, 30).is_target, one(df, 75.3).is_target) == (True, False)
    assert one(df, 75.3).indicator == "online_dossier_rate"
    district = df[(df["value"] == 95)].iloc[0]
    assert (district.indicator, district.admin_level, district.province) == (
        "work_records_online_rate",
        "district",
        "Quảng Bình",
    )
    assert set(df[df["value"] == 80]["admin_level"]) == {"commune"}
