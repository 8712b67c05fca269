"""Boilerplate: page furniture and repeated copies are found; body facts are never lost.

Every text here is written for these tests in the style of Vietnamese news and portal pages.
Figures: Quảng Ngãi launch of 28/07/2023 (13 and 173 connected points, Báo Quảng Ngãi),
Hoằng Hóa 2023 (4.573 documents, 99,89%), Đồng Xuân 2023 (1.458/1.604, 90,8%).
"""

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from cds_analysis.lang.text import fold_key, normalize
from cds_analysis.rules.boilerplate import _key, boilerplate_spans, in_boilerplate

BODY = (
    "Năm 2023, huyện Đồng Xuân có 1.458/1.604 hồ sơ trực tuyến, đạt tỉ lệ 90,8%; "
    "tỉ lệ cung cấp dịch vụ công trực tuyến của các xã, thị trấn đều đạt trên 80%."
)


def marked(text: str) -> list[str]:
    return [text[s:e] for s, e in boilerplate_spans(text)]


def kept(text: str) -> str:
    out, pos = [], 0
    for s, e in boilerplate_spans(text):
        out.append(text[pos:s])
        pos = e
    return "".join(out) + text[pos:]


def assert_body_survives(text: str, body: str = BODY) -> None:
    start = text.index(body)
    spans = boilerplate_spans(text)
    assert not any(in_boilerplate(spans, pos) for pos in range(start, start + len(body)))


# --- comment widgets -------------------------------------------------------------


def test_comment_widget_and_its_templates():
    text = (
        f"{BODY}\n\nBài và ảnh: Minh Châu\n\n\n {{name}} - {{time}}\n\n Trả lời\n\n{{body}}\n"
        " {name}- {time}\n{body}\n\n0 bình luận\n\nÝ kiến bạn đọc\n\nGửi bình luận\n"
        "Họ tên\nEmail\nMã xác nhận\nÝ kiến của bạn sẽ được biên tập trước khi đăng.\n"
    )
    assert kept(text).strip() == BODY
    assert_body_survives(text)


def test_rendered_comments_only_inside_the_comment_section():
    byline_like = "Phòng Văn hóa - 10:20 12/03/2024"
    text = (
        f"{byline_like}\nHuyện Trà Bồng có 96 Tổ công nghệ số cộng đồng.\n\n{BODY}\n\n"
        "Ý kiến bạn đọc\n\nNguyễn Văn Tâm - 10:20 12/03/2024\nXã tôi đã có 100% hộ dùng cáp quang.\n\n"
        "Lê Thị Hoa - 2 giờ trước\nCần thêm 5 điểm wifi công cộng.\n"
    )
    assert kept(text).startswith(f"{byline_like}\nHuyện Trà Bồng có 96 Tổ công nghệ số cộng đồng.\n\n{BODY}")
    for comment in ["Xã tôi đã có 100% hộ dùng cáp quang.", "Cần thêm 5 điểm wifi công cộng."]:
        assert comment not in kept(text)
    assert_body_survives(text)


# --- related-article lists ---------------------------------------------------------


def test_related_list_under_a_heading_stops_at_the_body():
    text = (
        f"{BODY}\n\nTin liên quan:\n\nBình Sơn có 22 Tổ công nghệ số cấp xã\n"
        "Mộ Đức đạt 95% hồ sơ trực tuyến (28/07/2023)\n\n"
        "Huyện Tư Nghĩa tiếp tục chỉ đạo các xã đẩy mạnh thanh toán không dùng tiền mặt, "
        "phấn đấu đến cuối năm 2023 có 70% hộ kinh doanh tại chợ dùng mã QR để thu tiền."
    )
    assert marked(text) == [
        "Tin liên quan:\n\nBình Sơn có 22 Tổ công nghệ số cấp xã\nMộ Đức đạt 95% hồ sơ trực tuyến (28/07/2023)"
    ]
    assert "70% hộ kinh doanh" in kept(text)


def test_other_related_headings_and_inline_see_also():
    for heading in ["Bài viết cùng chuyên mục", "Tin khác", "Xem thêm", "Các tin cũ hơn:", "TIN, BÀI LIÊN QUAN:"]:
        text = f"{BODY}\n\n{heading}\n- Nghĩa Hành cung cấp 53 dịch vụ công trực tuyến\n"
        assert kept(text).strip() == BODY, heading
    text = f"{BODY}\nXem thêm: Đức Phổ có 16 thủ tục trực tuyến toàn trình\n"
    assert kept(text).strip() == BODY


def test_headless_list_that_repeats_the_page_headline_ends_the_page():
    title = "Hoằng Hóa số hóa văn bản điều hành"
    text = (
        f"{title}\n{BODY}\nThu Trang - Trung tâm Văn hóa huyện\n"
        f"- Hoằng Hóa có 43 xã đạt chuẩn nông thôn mới nâng cao\n- Cải cách hành chính ở huyện Hoằng Hóa\n- {title}\n"
    )
    assert marked(text) == [
        f"- Hoằng Hóa có 43 xã đạt chuẩn nông thôn mới nâng cao\n- Cải cách hành chính ở huyện Hoằng Hóa\n- {title}"
    ]


def test_a_plan_ending_with_target_bullets_is_body():
    text = (
        "Kế hoạch chuyển đổi số xã Bình Trung năm 2024\n"
        "Mục tiêu đến hết năm 2024\n"
        "- Phấn đấu 100% thôn có Tổ công nghệ số cộng đồng\n"
        "- 80% hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình\n"
        "- 90% người trưởng thành có tài khoản định danh điện tử mức 2\n"
    )
    assert marked(text) == []


# --- share, print, font size, counters, bylines, stamps ------------------------------


def test_share_print_font_size_and_counters():
    lines = [
        "Chia sẻ",
        "In bài viết",
        "Cỡ chữ A- A+",
        "A- A+",
        "A+ | A | A-",
        "Lượt xem: 123",
        "Chia sẻ | In bài viết | Gửi email",
    ]
    text = "\n".join(lines) + f"\n{BODY}\n"
    assert kept(text).strip() == BODY


def test_view_count_inside_a_meta_line_and_bylines():
    meta = "Người đăng: Văn phòng Ngày đăng: 14:19 | 11/01/2022 Lượt xem: 1.234"
    text = f"{meta}\n{BODY}\nTác giả: Minh Châu\nNguồn tin: Cổng thông tin huyện\n"
    assert kept(text).strip() == BODY


def test_publication_stamps_near_the_top_but_not_table_dates_lower_down():
    cells = "\n".join(["Ngày", "Số hồ sơ", "30/5/2023", "1.458"])
    text = (
        f"Đồng Xuân đẩy mạnh dịch vụ công\n18:22, 28/07/2023\n{BODY}\n"
        + "Huyện tổng hợp số liệu theo từng tháng. " * 15
        + "\n"
        + cells
    )
    assert marked(text) == ["18:22, 28/07/2023"]


# --- spokesperson, contact, copyright ----------------------------------------------


def test_spokesperson_block_and_contact_lines():
    text = (
        f"{BODY}\n\nThông tin người phát ngôn\n\nHọ tên: Nguyễn Văn An\n\nChức vụ: Chánh Văn phòng\n\n"
        "Số điện thoại: 0255 3822 123\n\nEmail: vanphong@dongxuan.gov.vn\n\n"
        "Huyện sẽ tổ chức 12 lớp tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng trong quý III/2023, "
        "mỗi lớp tối thiểu 40 học viên."
    )
    assert kept(text).split("\n\n")[0] == BODY
    assert "12 lớp tập huấn" in kept(text) and "0255" not in kept(text)


def test_copyright_footer():
    text = (
        f"{BODY}\n© 2024 Cổng thông tin điện tử huyện Đồng Xuân\nBản quyền thuộc về UBND huyện Đồng Xuân\n"
        "Ghi rõ nguồn khi phát hành lại thông tin từ website này\nGiấy phép số 12/GP-STTTT\n"
    )
    assert kept(text).strip() == BODY


def test_body_lines_that_start_like_furniture_words_survive():
    text = (
        "Giấy phép xây dựng được cấp trực tuyến 100% trong năm 2023.\n"
        "Thực hiện: 95% hồ sơ được số hóa.\n"
        "Người dân có thể xem thêm hướng dẫn tại bộ phận một cửa.\n"
        "Ảnh hưởng của chuyển đổi số đến 25 xã là rõ nét.\n"
    )
    assert marked(text) == []


# --- photo captions ----------------------------------------------------------------

LAUNCH = (
    "Lễ phát động được tổ chức tại Trung tâm Điều hành thông minh tỉnh và kết nối trực tuyến "
    "đến 13 điểm cầu cấp huyện cùng 173 điểm cầu cấp xã trên địa bàn tỉnh Quảng Ngãi."
)


def test_credit_alone_is_always_furniture():
    caption = "Tổ công nghệ số hướng dẫn người dân cài ứng dụng VNeID tại 9 thôn."
    for credit in ["Ảnh: T.HẬU", "(Ảnh: Nhị Phương).", "(ảnh: VGP)", "Ảnh TT", "(Ảnh N.Đức)", "Ảnh minh họa"]:
        text = f"{LAUNCH}\n{caption} {credit}\n"
        assert marked(text) == [credit]
        assert "tại 9 thôn" in kept(text)  # a number of its own: the caption text stays


def test_caption_repeating_the_body_is_dropped_whole():
    caption = "Lễ phát động kết nối trực tuyến đến 13 điểm cầu cấp huyện và 173 điểm cầu cấp xã. (Ảnh: N.ĐỨC)"
    text = f"{LAUNCH}\n\n{caption}\n{caption[:-13]} Ảnh: N.ĐỨC\n"
    assert kept(text).strip() == LAUNCH


def test_caption_without_numbers_and_its_uncredited_twin():
    text = (
        f"{LAUNCH}\nĐại biểu dự lễ tại điểm cầu UBND huyện Trà Bồng (IOC).\n"
        "Đại biểu dự lễ tại điểm cầu UBND huyện Trà Bồng. Ảnh: NHỊ PHƯƠNG\n"
        "Huyện Trà Bồng có 96 Tổ công nghệ số cộng đồng với 530 thành viên."
    )
    assert kept(text).split("\n") == [LAUNCH, "", "Huyện Trà Bồng có 96 Tổ công nghệ số cộng đồng với 530 thành viên."]


def test_headline_glued_before_a_caption():
    title = "Chuyển đổi số cấp xã vì người dân"
    text = f"{title}\n{BODY}\n{title}Bộ phận một cửa UBND xã Định Long.\n"
    assert marked(text) == [f"{title}Bộ phận một cửa UBND xã Định Long."]
    text = f"{title}\n{BODY}\n{title}Xã Định Long lập 5 nhóm Zalo với người dân.\n"
    assert marked(text) == [title]  # the caption has a fact of its own: only the repeated headline goes
    assert boilerplate_spans(text)[0][0] == text.index(title + "Xã")


# --- repeats -----------------------------------------------------------------------


def test_lead_printed_twice_keeps_the_first_copy_even_with_a_source_tag():
    text = f"(Baophuyen.vn) - {BODY}\n\nĐồng Xuân: chính quyền số phục vụ người dân\n\n{BODY}\n"
    spans = boilerplate_spans(text)
    assert spans == [(text.rindex(BODY), text.rindex(BODY) + len(BODY))]
    assert_body_survives(text)  # the first copy


def test_repeat_is_found_across_accents_and_case():
    first = "Huyện Hoằng Hóa đã số hóa 4.573 văn bản đi, đạt tỉ lệ 99,89%."
    second = "huyện Hoằng Hoá đã số hoá 4.573 văn bản đi, đạt tỉ lệ 99,89%"
    text = normalize(f"{first}\n{second}\n")
    assert marked(text) == [normalize(second)]


def test_short_table_cells_may_repeat():
    text = "Cấp tỉnh\n97%\n97%\nĐạt\nCấp huyện\n92%\n95%\nVượt\nCấp xã\n80%\n80%\nĐạt\n"
    assert marked(text) == []


def test_same_figure_for_different_places_is_not_a_repeat():
    text = (
        "Tại huyện Mộ Đức, mỗi thành viên Tổ công nghệ số hướng dẫn tối thiểu cho 7 người dân.\n"
        "Tại huyện Bình Sơn, mỗi thành viên Tổ công nghệ số hướng dẫn tối thiểu cho 7 người dân.\n"
    )
    assert marked(text) == []


# --- the whole page ----------------------------------------------------------------


def test_a_full_page_keeps_every_body_fact():
    page = (
        "Chi tiết tin\n\nA+ | A | A-\n\nĐồng Xuân: Bước đầu xây dựng chính quyền số\n\n"
        "Người đăng: Văn phòng Ngày đăng: 09:30 | 15/03/2024 Lượt xem: 512\n\n"
        f"(Baophuyen.vn) - {BODY}\n\n{BODY}\n\n"
        "Cán bộ xã Xuân Lãnh hướng dẫn người dân nộp hồ sơ trực tuyến. Ảnh: THỦY TIÊN\n\n"
        "Đến nay, huyện có 493 tài khoản phần mềm quản lý văn bản cấp cho cán bộ, công chức, viên chức, "
        "bảo đảm 100% văn bản đi được ký số.\n\nTác giả: Thủy Tiên\n\nCác tin khác:\n\n"
        "Sông Hinh có 11/11 xã có Tổ công nghệ số cộng đồng\n\nThông tin người phát ngôn\n\nHọ tên:\n\nEmail:\n"
    )
    text = normalize(page)
    numbers_kept = re.findall(r"\d+(?:[.,/]\d+)*%?", kept(text))
    assert numbers_kept == ["2023", "1.458/1.604", "90,8%", "80%", "493", "100%"]
    assert_body_survives(text)


def test_spans_are_sorted_disjoint_and_index_the_normalised_text():
    original = unicodedata.normalize("NFD", f"Chia sẻ\n{BODY}\nLượt xem: 99\nTin khác\n- Tuy An có 14 xã\n")
    text = normalize(original)
    spans = boilerplate_spans(text)
    assert spans == sorted(spans)
    assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert [text[s:e] for s, e in spans] == ["Chia sẻ", "Lượt xem: 99\nTin khác\n- Tuy An có 14 xã"]
    assert boilerplate_spans("") == []


def test_in_boilerplate():
    spans = [(0, 5), (10, 20)]
    assert [in_boilerplate(spans, p) for p in (0, 4, 5, 9, 10, 19, 20)] == [True, True, False, False, True, True, False]
    assert not in_boilerplate([], 3)


VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + "bcdghklmnpqrstvx0123456789 .,;:%/()-–“”…\n"


@given(st.text(alphabet=ALPHABET, max_size=60))
def test_fast_key_equals_fold_key_on_normalised_text(s):
    text = normalize(s)
    assert _key(text) == fold_key(text)
