"""Vietnamese numbers: parsing, formatting and finding the numbers that can be facts.

Phrases are written for these tests in the style of district reports; figures
marked 'seed' or 'sample' are the forms seen in ../shared (seeds 000-004,
samples 001-030), not their sentences.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cds_analysis.lang.numbers import QUALIFIERS, UNITS, format_number, parse_number
from cds_analysis.lang.text import normalize
from cds_analysis.rules.quantities import EXCLUSION_RULES, find_exclusions, find_quantities


def quantities(text):
    return find_quantities(normalize(text))


def one(text):
    found = quantities(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


# ---------------------------------------------------------------- parse_number / format_number


@pytest.mark.parametrize(
    "token, value",
    [
        ("4.573", 4573),
        ("99,89", 99.89),
        ("1.458", 1458),
        ("90,8", 90.8),
        ("0,5", 0.5),
        ("10.051", 10051),
        ("1.028.354", 1028354),
        ("04", 4),
        ("1,672", 1.672),
        ("4.573,5", 4573.5),
        ("2.7", 2.7),
        ("12.34", 12.34),
        ("4.0", 4.0),  # a dot before 1-2 digits is a decimal point
    ],
)
def test_parse_number_reads_vietnamese_grouping(token, value):
    assert parse_number(token) == value


@pytest.mark.parametrize("token", ["1,458,000", "1.5.3", "", "abc", "1 458"])
def test_parse_number_rejects_other_formats(token):
    with pytest.raises(ValueError, match="not a Vietnamese number"):
        parse_number(token)


def test_format_number_writes_vietnamese_grouping():
    assert format_number(4573) == "4.573"
    assert format_number(99.89) == "99,89"
    assert format_number(1028354) == "1.028.354"
    assert format_number(4.6e10) == "46.000.000.000"
    assert format_number(90.8, decimals=2) == "90,80"
    assert format_number(1458.4, decimals=0) == "1.458"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_format_number_refuses_non_finite(bad):
    with pytest.raises(ValueError):
        format_number(bad)


def test_format_number_refuses_negative_decimals():
    with pytest.raises(ValueError):
        format_number(1.5, decimals=-1)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_format_then_parse_gives_the_same_float(x):
    assert parse_number(format_number(x)) == x


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_format_with_decimals_rounds_to_that_precision(x, decimals):
    text = format_number(x, decimals)
    assert parse_number(text) == pytest.approx(x, abs=0.5 * 10**-decimals + 1e-9 * abs(x))
    if decimals:
        assert len(text.rsplit(",", 1)[1]) == decimals


@given(st.integers(min_value=0, max_value=10**15))
def test_integers_round_trip_through_found_quantities(n):
    q = one(f"đã tiếp nhận {format_number(n)} hồ sơ")
    assert (q.value, q.unit, q.unit_word) == (n, "count", "hồ sơ")


# ---------------------------------------------------------------- values, units and nouns


def test_count_with_its_noun_and_spans():
    text = normalize("Huyện đã phát hành 6.210 văn bản điện tử.")
    q = find_quantities(text)[0]
    assert (q.value, q.unit, q.unit_word, q.qualifier) == (6210, "count", "văn bản", "exact")
    assert text[q.number_start : q.number_end] == "6.210"
    assert q.text == text[q.start : q.end] == "6.210 văn bản"


def test_percent_takes_the_noun_after_the_sign():
    q = one("hiện 100% xã, thị trấn đều có tổ hỗ trợ")
    assert (q.value, q.unit, q.unit_word, q.text) == (100, "percent", "xã", "100% xã")
    assert one("chiếm 3,45 % tổng số").value == 3.45
    assert one("tăng 5 phần trăm").unit == "percent"
    assert one("ít nhất 70% số xã có wifi công cộng").unit_word == "xã"


def test_fraction_keeps_numerator_and_denominator():
    q = one("cả năm có 2.315/2.480 hồ sơ nộp qua mạng")
    assert (q.value, q.numerator, q.denominator, q.unit_word) == (2315, 2315, 2480, "hồ sơ")
    assert q.text == "2.315/2.480 hồ sơ"
    q = one("có 17/17 xã đã lập tổ")
    assert (q.value, q.numerator, q.denominator, q.unit) == (17, 17, 17, "count")


def test_criteria_unit():
    q = one("thị trấn đạt 11/11 tiêu chí xã thông minh")
    assert (q.value, q.unit, q.denominator) == (11, "criteria", 11)


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("với tổng số tiền 46 tỷ đồng", 4.6e10, "vnd"),
        ("huy động 2,7 tỷ đồng xã hội hóa", 2.7e9, "vnd"),
        ("hỗ trợ 500 triệu đồng", 5e8, "vnd"),
        ("lệ phí 50.000 đồng một hồ sơ", 5e4, "vnd"),
        ("chi 1,2 nghìn tỷ đồng", 1.2e12, "vnd"),
        ("thu hút 3 triệu USD", 3e6, "usd"),
        ("có 3 nghìn lượt người", 3000, "count"),
        ("hơn 1,5 triệu lượt truy cập", 1.5e6, "count"),
        ("giải quyết 2,35 triệu hồ sơ", 2.35e6, "count"),
        ("kéo thêm 1.250 km cáp quang", 1250, "km"),
        ("bán kính bình quân 2,415 km", 2.415, "km"),
        ("tốc độ tải xuống 91 Mb/s", 91, "mbps"),
        ("đường truyền 1 Gbps", 1000, "mbps"),
    ],
)
def test_scale_words_currency_and_measures(text, value, unit):
    q = one(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit


def test_vnd_span_covers_scale_and_currency():
    assert one("nộp thuế trực tuyến hơn 12 tỷ đồng.").text == "hơn 12 tỷ đồng"


def test_leading_zero_counts():
    assert [q.value for q in quantities("lập 03 tổ với 15 thành viên; mỗi xóm 01 Tổ")] == [3, 15, 1]


def test_unit_word_is_none_without_a_known_noun():
    assert one("tỷ lệ đạt 98%.").unit_word is None
    assert one("huyện có 53 TTHC trực tuyến").unit_word == "TTHC"  # an acronym counts as the noun


def test_only_declared_units_and_qualifiers():
    text = normalize(
        "đạt 90%; 12 xã; 3 tỷ đồng; 5 km; 36 Mb/s; xếp thứ 9; 11/11 tiêu chí; khoảng 5 hộ; trên 2 xã; "
        "tối thiểu 3 người; dưới 5%; 2 triệu USD; tối đa 4%; tăng 3 bậc; đạt 0,61 điểm; "
        "tăng 2,1 điểm phần trăm; 120 thuê bao/100 dân"
    )
    found = find_quantities(text)
    assert {q.unit for q in found} == set(UNITS)
    assert {q.qualifier for q in found} == set(QUALIFIERS)


# ---------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(
    "text, value, qualifier, span",
    [
        ("có gần 420 thành viên", 420, "approx", "gần 420 thành viên"),
        ("phấn đấu khoảng 55% dân số có ví điện tử", 55, "approx", "khoảng 55% dân số"),
        ("xấp xỉ 40% hộ gia đình", 40, "approx", "xấp xỉ 40% hộ gia đình"),
        ("trên dưới 300 hồ sơ mỗi ngày", 300, "approx", "trên dưới 300 hồ sơ"),
        ("đều đạt trên 80%", 80, "more_than", "trên 80%"),
        ("Trên 40% người dân đã được xác thực", 40, "more_than", "Trên 40% người dân"),
        ("tập hợp hơn 2.180 thành viên", 2180, "more_than", "hơn 2.180 thành viên"),
        ("có hơn 1,5 triệu lượt truy cập", 1.5e6, "more_than", "hơn 1,5 triệu lượt"),
        ("vượt 20% kế hoạch", 20, "more_than", "vượt 20%"),
        ("kèm cặp tối thiểu cho 5 người dân", 5, "at_least", "tối thiểu cho 5 người dân"),
        ("chọn ít nhất 2 mô hình", 2, "at_least", "ít nhất 2 mô hình"),
        ("không dưới 70% hồ sơ", 70, "at_least", "không dưới 70% hồ sơ"),
        ("tỷ trọng kinh tế số đạt 20% trở lên", 20, "at_least", "20% trở lên"),
        ("có 250 xã, phường, thị trấn trở lên đạt chuẩn", 250, "at_least", "250 xã, phường, thị trấn trở lên"),
        ("8 huyện, thị xã, thành phố trở lên", 8, "at_least", "8 huyện, thị xã, thành phố trở lên"),
        ("đạt từ 80% trở lên", 80, "at_least", "từ 80% trở lên"),
        ("giảm xuống dưới 5%", 5, "less_than", "dưới 5%"),
        ("tỷ lệ trễ hạn 3% trở xuống", 3, "at_most", "3% trở xuống"),
        ("chưa đến 10% số hộ", 10, "less_than", "chưa đến 10% số hộ"),
        ("không quá 3 ngày làm việc", None, None, None),  # a duration, not a quantity
        ("tỷ lệ trễ hạn không quá 2%", 2, "at_most", "không quá 2%"),
        ("thời gian xử lý tối đa 5% hồ sơ", 5, "at_most", "tối đa 5% hồ sơ"),
        ("tỷ lệ ≤ 4%", 4, "at_most", "≤ 4%"),
        ("tỷ lệ >80%", 80, "more_than", ">80%"),
        ("tỷ lệ ≥ 50%", 50, "at_least", "≥ 50%"),
        ("tỷ lệ < 3%", 3, "less_than", "< 3%"),
    ],
)
def test_qualifiers(text, value, qualifier, span):
    found = quantities(text)
    if value is None:
        assert found == []
        return
    assert len(found) == 1
    q = found[0]
    assert (q.value, q.qualifier, q.text) == (pytest.approx(value), qualifier, span)


def test_tren_and_hon_qualify_only_a_number_right_after_them():
    q = one("trên địa bàn huyện có 12 xã")
    assert q.qualifier == "exact"
    q = one("nhanh hơn trước, đạt 95%")
    assert q.qualifier == "exact"


def test_vuot_does_not_qualify_a_fraction():
    q = one("đạt và vượt 38/45 chỉ tiêu")
    assert (q.value, q.qualifier, q.denominator) == (38, "exact", 45)


def test_tro_len_after_an_age_is_not_a_qualifier():
    q = one("80% người dân trong độ tuổi từ 15 tuổi trở lên có điện thoại thông minh")
    assert (q.value, q.qualifier) == (80, "exact")


@pytest.mark.parametrize(
    "text, value, span",
    [
        ("60-80% hồ sơ được ký số", 60, "60-80% hồ sơ"),
        ("80–90% người dân", 80, "80–90% người dân"),
        ("tỷ lệ từ 60% đến 80%", 60, "từ 60% đến 80%"),
        ("mỗi tổ từ 5 đến 7 người", 5, "từ 5 đến 7 người"),
    ],
)
def test_ranges_give_the_lower_bound_at_least(text, value, span):
    q = quantities(text)[0]
    assert (q.value, q.qualifier, q.text) == (value, "at_least", span)


@pytest.mark.parametrize(
    "text, low, high, unit",
    [
        ("phấn đấu 85 - 88% hồ sơ được số hóa", 85, 88, "percent"),
        ("mỗi xã bố trí từ 20 đến 30 triệu đồng", 20e6, 30e6, "vnd"),
        ("tỷ lệ từ 60% đến 80%", 60, 80, "percent"),
    ],
)
def test_a_range_gives_its_upper_bound_at_most(text, low, high, unit):
    lo, hi = quantities(text)
    assert (lo.value, lo.qualifier, hi.value, hi.qualifier, hi.unit) == (low, "at_least", high, "at_most", unit)
    assert lo.start <= hi.number_start < lo.end


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("Chỉ số DTI năm 2023 của tỉnh đạt 0,5123 điểm, xếp thứ 24", 0.5123, "points"),
        ("Chỉ số PAPI đạt 43,9 điểm.", 43.9, "points"),
        ("Chỉ số hài lòng SIPAS đạt 85,6/100 điểm", 85.6, "points"),
        ("tăng 5,2 điểm phần trăm so với năm trước", 5.2, "percentage_points"),
        ("Mật độ thuê bao di động đạt 128 thuê bao/100 dân", 128, "per_100_people"),
        ("Số thuê bao Internet băng rộng cố định/100 dân: 24,5%", 24.5, "per_100_people"),
        ("Chỉ số chuyển đổi số tăng 9 bậc so với năm 2022", 9, "ranks"),
        ("nhóm Hạ tầng số tụt 4 hạng", 4, "ranks"),
        ("Huyện đã lắp đặt 14 điểm cầu truyền hình", 14, "count"),  # 'điểm cầu' is a thing, not a score
    ],
)
def test_scores_rate_changes_densities_and_rank_changes_have_their_units(text, value, unit):
    (q,) = [q for q in quantities(text) if q.value == pytest.approx(value)]
    assert q.unit == unit


def test_falling_figures_are_not_a_range():
    found = quantities("giảm từ 8,4% xuống còn 2,1%")
    assert [(q.value, q.qualifier) for q in found] == [(8.4, "exact"), (2.1, "exact")]


# ---------------------------------------------------------------- ranks


@pytest.mark.parametrize(
    "text, value, denominator, span",
    [
        ("DTI năm trước xếp thứ 41/63 tỉnh, thành phố", 41, 63, "thứ 41/63 tỉnh"),
        ("đứng thứ 4/63 về chỉ số này", 4, 63, "thứ 4/63"),
        ("đứng vị trí thứ 14 trên bảng", 14, None, "thứ 14"),
        ("xếp thứ 12 trong số 63 tỉnh", 12, 63, "thứ 12 trong số 63 tỉnh"),
        ("xếp hạng 15 trên 63 tỉnh", 15, 63, "hạng 15 trên 63 tỉnh"),
        ("lần đầu lọt Top 20 tỉnh", 20, None, "Top 20 tỉnh"),
        ("lọt vào tốp 20 cả nước", 20, None, "tốp 20"),
        ("phấn đấu vào nhóm 15 tỉnh, thành phố dẫn đầu về DTI", 15, None, "nhóm 15 tỉnh"),
    ],
)
def test_ranks(text, value, denominator, span):
    q = one(text)
    assert (q.value, q.unit, q.denominator, q.numerator, q.text) == (value, "rank", denominator, None, span)


def test_a_group_that_does_not_lead_is_a_count():
    assert one("trong nhóm 5 địa phương có tỷ lệ thấp").unit == "count"


def test_a_place_change_is_a_change_of_rank():
    q = one("chỉ số tăng 22 bậc so với trước")
    assert (q.value, q.unit, q.unit_word) == (22, "ranks", None)


# ---------------------------------------------------------------- what is not a quantity

# One or more phrases per exclusion rule; every rule must appear here.
EXCLUDED = [
    ("url", "Chi tiết tại https://sotttt.example.gov.vn/tin-tuc/2023/bai-8761.html nhé", "8761"),
    ("url", "nguồn: baotinh.vn/chuyen-doi-so-post123456.html", "123456"),
    ("email", "gửi về hopthu2023@sotttt.gov.vn", "2023"),
    ("file_name", "ảnh minh họa hinh-3-1-.jpg", "3"),
    ("phone", "Điện thoại 0255.3822.123 để hỏi", "3822"),
    ("phone", "gọi số 0912 345 678", "345"),
    ("phone", "liên hệ (0237) 3852 456", "3852"),
    ("phone_label", "ĐT: 38 225 118", "225"),
    ("time", "Ngày đăng: 09:41", "41"),
    ("date_iso", "date 2024-11-03 Xã thông minh", "03"),
    ("date_dmy", "tính đến ngày 15/4/2023 đạt", "15"),
    ("date_dmy", "Cập nhật 11/01/2022", "11"),
    ("date_dmy", "ngày 21.9.2023", "21"),
    ("date_words", "Quảng Trị, ngày 15 tháng 11 năm 2023", "15"),
    ("date_english", "20 December 2022", "20"),
    ("date_after_cue", "ngày 5/8 huyện tổ chức", "5"),
    ("date_after_cue", "Sáng 5/4, tại xã", "5"),
    ("date_span", "đợt cao điểm từ 5/8 đến 10/8", "10"),
    ("date_day_month", "Chiều 14/9, UBND tỉnh khai mạc", "14"),
    ("weekday", "Thứ 2, 5/8/2024 | 10:05", "2"),
    ("year", "trong năm 2023", "2023"),
    ("year", "tầm nhìn đến 2030", "2030"),
    ("year", "giai đoạn 2021 - 2025", "2021"),
    ("month_name", "tiếp nhận trong tháng 8/2022", "8"),
    ("month_name", "so với tháng 7 giảm", "7"),
    ("month_name", "tháng 8 năm 2022", "8"),
    ("quarter_name", "Trong quý 2/2023, số hồ sơ", "2"),
    ("duration", "trong thời gian 10 ngày kể từ khi ra quân", "10"),
    ("duration", "6 tháng đầu năm 2023", "6"),
    ("duration", "đợt cao điểm 45 ngày đêm", "45"),
    ("age", "người từ 15 tuổi trở lên", "15"),
    ("legal_code", "Quyết định 749/QĐ-TTg của Thủ tướng", "749"),
    ("legal_code", "theo Nghị định 43/2011/NĐ-CP", "2011"),
    ("legal_code", "Nghị quyết 09-NQ/TU", "09"),
    ("legal_code", "Công văn 793/BTTTT-THH", "793"),
    ("legal_code", "Thông tư 01/2023/TT-BTTTT", "01"),
    ("legal_code", "Chỉ thị 02/CT-TTg", "02"),
    ("legal_reference", "sau Nghị quyết số 52 của Bộ Chính trị", "52"),
    ("legal_reference", "căn cứ Quyết định số 749", "749"),
    ("legal_reference", "Nghị định 45 quy định", "45"),
    ("legal_reference", "nhiệm vụ của Đề án 06 năm nay", "06"),
    ("numbered_document", "thực hiện theo Kế hoạch số 119", "119"),
    ("numbered_document", "theo Báo cáo số 19 của Trung tâm", "19"),
    ("document_number", "Số: 52\nKẾ HOẠCH", "52"),
    ("section_reference", "Bài 4: Cánh tay nối dài", "4"),
    ("section_reference", "theo Điều 5 của quy chế", "5"),
    ("section_reference", "Ban Chấp hành khóa 20", "20"),
    ("section_reference", "cách mạng công nghiệp lần thứ 4", "4"),
    ("section_number", "1.2. Kết quả thực hiện", "1"),
    ("section_number", "2. Mạng băng rộng cố định", "2"),
    ("ntm_criterion", "hoàn thành chỉ tiêu 8.4 về thông tin", "8.4"),
    ("ntm_criterion", "đạt Tiêu chí số 8 sớm", "8"),
    ("service_level", "cung cấp dịch vụ công mức độ 3, 4 trên cổng tỉnh", "4"),
    ("service_level", "mức độ 3 và 4 được mở rộng", "3"),
    ("identity_level", "hỗ trợ kích hoạt định danh điện tử mức 2", "2"),
    ("version", "cách mạng công nghiệp 4.0 đặt ra", "4.0"),
    ("mobile_generation", "phủ sóng 4G tới các thôn", "4"),
    ("mobile_generation", "167 trạm 5G", "5"),
    ("covid", "sau dịch COVID-19", "19"),
    ("standard", "áp dụng ISO 9001:2015", "9001"),
    ("letter_code", "mẫu B-12 kèm theo", "12"),
    ("glued_code", "bản đồ 3D của xã", "3"),
    ("one_stop", "đặt máy POS ở bộ phận 1 cửa", "1"),
    ("quoted_name", "mô hình “3 không trên môi trường số”", "3"),
    ("place_ordinal", "người dân thôn 4, xã Tân Hòa", "4"),
    ("place_ordinal", "bí thư chi bộ TDP 1 thị trấn Đình Cả", "1"),
    ("place_ordinal", "tổ dân phố (TDP) 3 có 215 hộ", "3"),
    ("place_ordinal", "tại Phường 3, Quận 5", "3"),
    ("per_base", "Mật độ thuê bao cáp quang/100 dân: 35%", "100"),
    ("per_base", "5.120 người/1 điểm phục vụ", "1 điểm"),
    ("view_counter", "Lượt xem: 866", "866"),
    ("view_count_before_label", "1.250 lượt xem", "1.250"),
    ("comment_counter", "0 bình luận", "0"),
    ("comment_counter", "(0) Bình luận", "0"),
    ("long_plain_integer", "604278\nKế hoạch chuyển đổi số", "604278"),
    ("leading_zero_code", "mã bưu chính 0255", "0255"),
]


@pytest.mark.parametrize("rule, text, digits", EXCLUDED, ids=[f"{r}:{t[:25]}" for r, t, _ in EXCLUDED])
def test_excluded_numbers_are_not_quantities(rule, text, digits):
    t = normalize(text)
    assert rule in {e.rule for e in find_exclusions(t)}
    start = t.index(digits)
    assert not any(q.number_start <= start < q.number_end for q in find_quantities(t))


def test_every_exclusion_rule_has_an_example():
    assert {r.name for r in EXCLUSION_RULES} == {rule for rule, _, _ in EXCLUDED}


@pytest.mark.parametrize(
    "text, values",
    [
        ("lắp Wifi tại nhà văn hóa của 4/4 thôn", [4]),  # a fraction, not 4 April
        ("5/9 huyện có tỷ lệ trễ hạn thấp", [5]),
        ("21 TTHC mức độ 3 và 6 TTHC mức độ 4", [21, 6]),  # the second 4 is a count
        ("với tổng số 312 thành viên", [312]),  # 'tổng số' is not a document number
        ("số hóa 100% văn bản", [100]),
        ("đạt chỉ tiêu 100% kế hoạch", [100]),
        ("mỗi thôn 01 Tổ công nghệ số", [1]),
        ("tổ CNSCĐ của thôn 6 gồm 5 người", [5]),
        ("tổ 5 thành viên", [5]),
        ("1.204/1.230 thôn, tổ dân phố", [1204]),
        ("mở mới gần 8.500 tài khoản", [8500]),
        ("87 tổ CNSCĐ/86 xóm", [87, 86]),  # not a per-100 base
        ("640 trạm 2G; 912 trạm 3G", [640, 912]),
        ("đạt 94%,98%", [94, 98]),
    ],
)
def test_lookalikes_that_are_quantities(text, values):
    assert [q.value for q in quantities(text)] == values


def test_a_report_paragraph():
    text = normalize(
        "Xuất bản lúc: 09:15, 12/10/2023\n"
        "Thực hiện Kế hoạch số 87/KH-UBND, trong quý III/2023 huyện tiếp nhận 2.315/2.480 hồ sơ trực tuyến, "
        "đạt 93,35%; 100% xã, thị trấn có Tổ công nghệ số cộng đồng với gần 1.200 thành viên; thu hơn 3,2 tỷ đồng "
        "phí, lệ phí qua thanh toán điện tử. Liên hệ: 0235.3851.234\n0 bình luận"
    )
    found = [(q.value, q.unit, q.qualifier, q.numerator, q.denominator) for q in find_quantities(text)]
    assert found == [
        (2315, "count", "exact", 2315, 2480),
        (93.35, "percent", "exact", None, None),
        (100, "percent", "exact", None, None),
        (1200, "count", "approx", None, None),
        (3.2e9, "vnd", "more_than", None, None),
    ]


def test_unparseable_token_is_skipped():
    assert [q.value for q in quantities("con số 1,458,000 và 12 xã")] == [12]


def test_a_number_before_a_dated_year_is_not_a_duration():
    found = {q.value: q.unit for q in find_quantities("từ vị trí 60 năm 2021 lên vị trí 26; sau 2 năm triển khai")}
    assert found == {60.0: "rank", 26.0: "rank"}
