"""Reporting periods: labels, Vietnamese period phrases, and relative forms against a publication date.

Phrases are written for these tests after the forms of ../shared/seeds and
../shared/samples ('quý I-2023', 'tính đến ngày 30/5/2023', 'từ tháng 8/2022 đến
hết quý I/2023' …) and forms they lack ('quý IV/2024', '9 tháng đầu năm 2024').
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cds_analysis.lang.periods import KINDS, Period, find_periods, human_label, parse_period, period_key
from cds_analysis.lang.text import normalize

LAUNCH = date(2023, 7, 28)  # seed 004 is dated 28/07/2023


def mentions(text, published=None):
    return find_periods(normalize(text), published)


def only(text, published=None):
    found = mentions(text, published)
    assert len(found) == 1, [(m.text, m.period) for m in found]
    return found[0]


def label(text, published=None):
    p = only(text, published).period
    return p.label if p else None


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2023-Q2", date(2023, 4, 1), date(2023, 6, 30)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2023-H1", date(2023, 1, 1), date(2023, 6, 30)),
        ("2023-H2", date(2023, 7, 1), date(2023, 12, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-05-30", date(2023, 5, 30), date(2023, 5, 30)),
        ("as_of 2023-05-30", date(2023, 5, 30), date(2023, 5, 30)),
        ("range 2022-08..2023-Q1", date(2022, 8, 1), date(2023, 3, 31)),
        ("range 2022..2023-Q1", date(2022, 1, 1), date(2023, 3, 31)),
        ("range 2023-07..2023-08", date(2023, 7, 1), date(2023, 8, 31)),
        ("range 2021..2025", date(2021, 1, 1), date(2025, 12, 31)),
    ],
)
def test_from_label(text, start, end):
    p = Period.from_label(text)
    assert (p.label, p.start, p.end) == (text, start, end)
    assert period_key(text) == (start, end)


@pytest.mark.parametrize(
    "bad",
    ["2023-Q5", "2023-H3", "2023-13", "2023-02-30", "Q2 2023", "as_of 2023-5-30", "range 2023..2022", "range 2023", ""],
)
def test_from_label_rejects_malformed_labels(bad):
    with pytest.raises(ValueError):
        Period.from_label(bad)


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(["year", "quarter", "half", "month", "day", "as_of"]),
)
def test_labels_of_found_periods_read_back_to_the_same_period(d, grain):
    phrase = {
        "year": f"năm {d.year}",
        "quarter": f"quý {(d.month - 1) // 3 + 1}/{d.year}",
        "half": f"6 tháng {'đầu' if d.month <= 6 else 'cuối'} năm {d.year}",
        "month": f"tháng {d.month}/{d.year}",
        "day": f"ngày {d.day}/{d.month}/{d.year}",
        "as_of": f"tính đến ngày {d.day}/{d.month}/{d.year}",
    }[grain]
    p = only(phrase).period
    assert p.start <= d <= p.end
    assert Period.from_label(p.label) == p


# ---------------------------------------------------------------- explicit phrases


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Năm 2023, tỉnh đề ra mục tiêu", "2023"),
        ("trong năm 2022", "2022"),
        ("Trong quý 2/2023, tỷ lệ", "2023-Q2"),
        ("quý II/2023", "2023-Q2"),
        ("trong quý I-2023", "2023-Q1"),
        ("quý I năm 2024", "2024-Q1"),
        ("từ quý I/2024", "2024-Q1"),
        ("quý IV/2024", "2024-Q4"),
        ("quý 4 năm 2024", "2024-Q4"),
        ("6 tháng đầu năm 2023", "2023-H1"),
        ("6 tháng cuối năm 2023", "2023-H2"),
        ("nửa đầu năm 2024", "2024-H1"),
        ("3 tháng đầu năm 2024", "2024-Q1"),
        ("9 tháng đầu năm 2024", "range 2024-01..2024-09"),
        ("9 tháng năm 2023", "range 2023-01..2023-09"),
        ("tháng 8/2022", "2022-08"),
        ("tháng 8 năm 2022", "2022-08"),
        ("tháng 01/2021", "2021-01"),
        ("ngày 21/3/2023", "2023-03-21"),
        ("Quảng Trị, ngày 15 tháng 11 năm 2023", "2023-11-15"),
        ("giai đoạn 2021-2025", "range 2021..2025"),
        ("giai đoạn 2022 - 2025", "range 2022..2025"),
        ("kế hoạch 2023-2025", "range 2023..2025"),
    ],
)
def test_explicit_periods(text, expected):
    m = only(text)
    assert (m.period.label, m.kind) == (expected, "explicit")


def test_mention_span_covers_the_phrase():
    text = normalize("Số hồ sơ trong 6 tháng đầu năm 2023 tăng 12%")
    m = find_periods(text)[0]
    assert m.text == text[m.start : m.end] == "6 tháng đầu năm 2023"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tính đến ngày 30/5/2023: 1.250 văn bản", "as_of 2023-05-30"),
        ("đến ngày 30/5/2023", "as_of 2023-05-30"),
        ("tính đến hết tháng 6/2023", "as_of 2023-06-30"),
        ("Tính đến tháng 6/2022, cả huyện", "as_of 2022-06-30"),
        ("Đến cuối tháng 7/2025, các xã", "as_of 2025-07-31"),
        ("đến hết quý I/2023", "as_of 2023-03-31"),
        ("Tính đến hết năm 2024, có 9/12 nhiệm vụ", "as_of 2024-12-31"),
    ],
)
def test_as_of(text, expected):
    m = only(text)
    assert (m.period.label, m.kind) == (expected, "as_of")
    assert m.text.lower().startswith(("tính", "đến"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("từ tháng 8/2022 đến hết quý I/2023", "range 2022-08..2023-Q1"),
        ("năm 2022 và quý I/2023", "range 2022..2023-Q1"),
        ("từ năm 2021 đến năm 2025", "range 2021..2025"),
        ("từ ngày 10/8/2023 đến ngày 10/9/2023", "range 2023-08..2023-09"),
        ("(10/8/2023–10/9/2023)", "range 2023-08..2023-09"),
        ("từ ngày 21/7 đến 20/8/2021", "range 2021-07..2021-08"),
        ("từ tháng 11 đến tháng 2/2023", "range 2022-11..2023-02"),
        ("tháng 7 - tháng 8/2023", "range 2023-07..2023-08"),
        ("từ ngày 3/8/2023 đến ngày 20/8/2023", "2023-08"),  # both ends in one month
    ],
)
def test_ranges(text, expected):
    m = only(text)
    assert (m.period.label, m.kind) == (expected, "explicit")


def test_range_keeps_full_precision_in_its_dates():
    p = only("từ ngày 10/8/2023 đến ngày 12/9/2023").period
    assert (p.start, p.end) == (date(2023, 8, 10), date(2023, 9, 12))


def test_and_joins_only_contiguous_periods():
    assert [m.period.label for m in mentions("năm 2021 và năm 2023")] == ["2021", "2023"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mục tiêu đến năm 2025", "2025"),
        ("định hướng đến năm 2030", "2030"),
        ("phấn đấu đến cuối năm 2025", "2025"),
        ("tầm nhìn đến 2030", "2030"),
        ("tầm nhìn 2030", "2030"),
    ],
)
def test_target_horizons(text, expected):
    m = only(text)
    assert (m.period.label, m.kind) == (expected, "target_horizon")


def test_until_a_past_year_is_a_status_once_the_publication_date_is_known():
    assert only("đến hết năm 2022", LAUNCH).kind == "as_of"
    assert only("đến hết năm 2022", LAUNCH).period.label == "as_of 2022-12-31"
    assert only("đến hết năm 2025", LAUNCH).kind == "target_horizon"


# ---------------------------------------------------------------- relative phrases


@pytest.mark.parametrize(
    "text, published, expected, kind",
    [
        ("Đến nay, 100% xã", LAUNCH, "as_of 2023-07-28", "as_of"),
        ("hiện nay huyện có", LAUNCH, "as_of 2023-07-28", "as_of"),
        ("Hiện tại, huyện đã thành lập", LAUNCH, "as_of 2023-07-28", "as_of"),
        ("Hiện, toàn tỉnh có", LAUNCH, "as_of 2023-07-28", "as_of"),
        ("cả huyện hiện có 240 tổ", LAUNCH, "as_of 2023-07-28", "as_of"),
        ("đến thời điểm hiện tại có", LAUNCH, "as_of 2023-07-28", "as_of"),
        ("phấn đấu đến cuối năm nay, có", date(2022, 1, 11), "2022", "target_horizon"),
        ("trong năm nay", LAUNCH, "2023", "relative"),
        ("so với năm trước", LAUNCH, "2022", "relative"),
        ("so với năm ngoái", LAUNCH, "2022", "relative"),
        ("6 tháng đầu năm, huyện", LAUNCH, "2023-H1", "relative"),
        ("trong 9 tháng, huyện", LAUNCH, "range 2023-01..2023-09", "relative"),
        ("trong quý I, huyện", LAUNCH, "2023-Q1", "relative"),
        ("Chiều 28/7, lễ ra quân", LAUNCH, "2023-07-28", "relative"),
        ("từ đầu năm đến nay", LAUNCH, "range 2023..2023-07", "relative"),
        ("Từ tháng 11/2022 đến nay", LAUNCH, "range 2022-11..2023-07", "relative"),
        ("trong thời gian 7 ngày kể từ ngày ra quân", LAUNCH, "range 2023-07..2023-08", "relative"),
        ("trong thời gian 7 ngày (kể từ buổi ra quân)", LAUNCH, "range 2023-07..2023-08", "relative"),
    ],
)
def test_relative_periods_resolve_against_the_publication_date(text, published, expected, kind):
    m = only(text, published)
    assert (m.period.label, m.kind) == (expected, kind)


def test_seven_day_window_counts_the_launch_day():
    p = only("trong thời gian 7 ngày kể từ ngày ra quân", LAUNCH).period
    assert (p.start, p.end) == (date(2023, 7, 28), date(2023, 8, 3))


@pytest.mark.parametrize(
    "text",
    [
        "Đến nay, 100% xã",
        "Hiện nay huyện có",
        "trong năm nay",
        "6 tháng đầu năm, huyện",
        "trong thời gian 7 ngày kể từ",
        "từ đầu năm đến nay",
    ],
)
def test_relative_periods_without_a_publication_date_have_no_period(text):
    m = only(text)
    assert m.period is None
    assert m.kind in KINDS


# ---------------------------------------------------------------- not periods


@pytest.mark.parametrize(
    "text",
    [
        "Nghị định số 42/2022/NĐ-CP ngày 24/6/2022 của Chính phủ",  # the date of a decree
        "Kế hoạch số 1450/KH-UBND ngày 08/3/2023",
        "Ngày đăng: 09:41 | 03/02/2023 Lượt xem: 312",  # page stamps
        "Xuất bản lúc: 07:05, 14/09/2023",
        "Ngày ban hành: 05/01/2024",
        "gần 1 năm nay chị đã dùng ứng dụng",  # a duration
        "những năm trước đây",
        "đã thực hiện tại xã",  # 'hiện tại' inside 'thực hiện tại'
        "thể hiện nay đã rõ",
        "phủ Wifi đến 4/4 thôn",  # a fraction, not a date
        "đã tiếp nhận 13/13 hồ sơ",
        "ngày 31/2/2023",  # no such day
        "quý vị đại biểu",
        "sau hơn 5 tháng triển khai",
    ],
)
def test_not_periods(text):
    assert mentions(text, LAUNCH) == []


def test_quy_2_slash_2023_is_a_quarter_not_a_february_day():
    assert parse_period("quý 2/2023") == Period.from_label("2023-Q2")


# ---------------------------------------------------------------- parse_period


def test_parse_period_accepts_labels_and_phrases():
    assert parse_period("2023-Q2") == Period("2023-Q2", date(2023, 4, 1), date(2023, 6, 30))
    assert parse_period(" range 2022-08..2023-Q1 ").label == "range 2022-08..2023-Q1"
    assert parse_period("6 tháng đầu năm 2023").label == "2023-H1"
    assert parse_period("quý I-2023").label == "2023-Q1"
    assert parse_period("tính đến ngày 30/5/2023").label == "as_of 2023-05-30"
    assert parse_period("đến nay", LAUNCH).label == "as_of 2023-07-28"
    assert parse_period("đến nay") is None
    assert parse_period("không có kỳ nào") is None


def test_parse_period_normalises_its_input():
    assert parse_period("QUÝ II/2023").label == "2023-Q2"
    assert parse_period("tính\u00a0đến ngày 30/5/2023").label == "as_of 2023-05-30"


def test_parse_period_rejects_a_malformed_label():
    with pytest.raises(ValueError, match="not a period label"):
        parse_period("2023-Q7")


# ---------------------------------------------------------------- a whole paragraph


def test_a_report_paragraph():
    text = normalize(
        "Xuất bản lúc: 09:15, 12/10/2023\n"
        "Thực hiện Nghị quyết số 52-NQ/TW ngày 27/9/2019, đến nay huyện có 57 tổ. Trong 6 tháng đầu năm 2023, tỷ lệ "
        "nộp hồ sơ qua mạng đạt 66,4%; tính đến ngày 30/6/2023 có 2.315 hồ sơ. Từ tháng 8/2022 đến hết quý I/2023 thu "
        "2.661 hồ sơ. Phấn đấu đến năm 2025 đạt 80%."
    )
    found = [(m.kind, m.period.label if m.period else None) for m in find_periods(text, date(2023, 10, 12))]
    assert found == [
        ("as_of", "as_of 2023-10-12"),
        ("explicit", "2023-H1"),
        ("as_of", "as_of 2023-06-30"),
        ("explicit", "range 2022-08..2023-Q1"),
        ("target_horizon", "2025"),
    ]


@pytest.mark.parametrize(
    "text, label",
    [
        ("đến hết ngày 20-6", "as_of 2024-06-20"),
        ("từ 1.4 đến 15.5", "range 2024-04..2024-05"),
        ("tháng 8.2024", "2024-08"),
    ],
)
def test_day_month_with_dashes_or_dots_needs_a_cue_or_a_range(text, label):
    from cds_analysis.lang.periods import find_periods

    (m,) = find_periods(text, date(2024, 9, 2))
    assert m.period is not None and m.period.label == label


@pytest.mark.parametrize("text", ["đạt 1.4 triệu lượt", "tăng 20-30 hồ sơ"])
def test_numbers_with_dots_or_dashes_are_no_dates_without_a_cue(text):
    from cds_analysis.lang.periods import find_periods

    assert find_periods(text, date(2024, 9, 2)) == []


@pytest.mark.parametrize(
    ("label", "written"),
    [
        ("2023-Q2", "Quý II/2023"),
        ("as_of 2023-07-28", "Đến 28/7/2023"),
        ("range 2022..2023-Q1", "2022 – quý I/2023"),
        ("range 2022-08..2023-Q1", "Tháng 8/2022 – quý I/2023"),
        ("2024", "Năm 2024"),
        ("2023-H1", "6 tháng đầu năm 2023"),
        ("2023-05-30", "30/5/2023"),
        ("không rõ", "không rõ"),
        (None, "–"),
    ],
)
def test_human_label_writes_periods_as_readers_do(label, written):
    assert human_label(label) == written
