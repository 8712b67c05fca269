"""The shortcuts of issue 15's sixth round (whole-document passes) find what the plain code they replace finds."""

import random
import re

import pytest
from cpu_time import best_seconds

from cds_analysis.lang import periods, segments
from cds_analysis.rules import boilerplate, enumerations
from cds_analysis.rules.extract import _Covering, extract_text

# Texts in other provinces' wording, with the marks the shortcuts turn on.
_TEXTS = [
    "Sở Thông tin và Truyền thông tỉnh Đắk Lắk cho biết, tỷ lệ hồ sơ trực tuyến tại cấp\n"
    "huyện đạt 87,5%; cấp xã đạt  \n  71%.\nNăm 2024:\n  toàn tỉnh có 12 xã\n\n"
    "hoàn thành; (Ảnh: Hoàng Anh)   \n\t…\nđã xong…  \r\nsau đó",
    "BẢN TIN CHUYỂN ĐỔI SỐ\nQuý II/2024, Cà Mau có\n6 tháng đầu năm 2024\u00a0\nđạt\nthấp!\nvà\n\n\nrồi",
]


def _unwrapped_as_searched(text: str, start: int, end: int) -> bool:
    """The former test of an unfinished line: a search of the whole span for its last letter."""
    return bool(re.compile(r"[^.!?…:;\s]\s*$").search(text, start, end))


def test_an_unfinished_line_is_what_the_search_from_its_start_found():
    rng = random.Random(6)
    texts = _TEXTS + [
        "".join(rng.choice([".", "…", ";", ":", " ", "\u00a0", "\t", "\n", "x", "Đ", "!", "1"]) for _ in range(25))
        for _ in range(400)
    ]
    for text in texts:
        for start in range(len(text) + 1):
            for end in range(start, min(len(text), start + 12) + 1):
                assert segments._unfinished(text, start, end) == _unwrapped_as_searched(text, start, end), (
                    text,
                    start,
                    end,
                )


_SENTENCE_END_ON_THE_SPACE = re.compile(r"\s(?:(?<=[.!?…]\s)|(?<=[.!?…][\"”’)]\s))\s*(?=[\"“‘(]?(\w))")  # the former


def test_sentence_ends_found_from_their_mark_are_those_found_from_the_space():
    rng = random.Random(16)
    alphabet = [".", "!", "?", "…", '"', "”", "’", ")", "(", "“", "‘", " ", "  ", "\t", "\n", "\u00a0", "a", "B", "7"]
    texts = _TEXTS + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for text in texts:
        for start, end in [(0, len(text)), (len(text) // 3, len(text) - len(text) // 4)]:
            found = [(m.span("gap"), m.group("next")) for m in segments._SENTENCE_END.finditer(text, start, end)]
            former = [(m.span(), m.group(1)) for m in _SENTENCE_END_ON_THE_SPACE.finditer(text, start, end)]
            if start == 0 or text[start - 1] not in '.!?…"”’)':  # a paragraph starts after a newline, not a mark
                assert found == former, (text, start, end)


def test_sentences_of_a_long_and_a_short_paragraph_are_those_cut_to_the_limit():
    sentence = "Tỉnh Sóc Trăng có 1.234 điểm phục vụ, đạt 85%; còn lại 15% chưa kết nối. "
    for text in ("Lâm Đồng đạt 90%. " + sentence * 40, sentence * 3, "x" * (segments.MAX_SENTENCE + 5)):
        (paragraph,) = segments.split_paragraphs(text)
        wholes = segments._split(text, 0, len(text), segments._SENTENCE_END, lambda s, m: True)
        pieces = [p for whole in wholes for p in segments._bounded(text, *whole)]
        assert [(s.start, s.end) for s in paragraph.sentences] == pieces


_PAGE_LINES = [
    "Chia sẻ | In bài viết | Cỡ chữ A- A+",
    "• Chia sẻ",
    "| / Gửi email | Lưu bài viết",
    "(12) Bình luận",
    "A A+ A-",
    "Lượt xem: 1.204",
    "Ý kiến của bạn sẽ được biên tập trước khi đăng",
    "Vui lòng nhập họ tên",
    "Xem thêm: Kon Tum đẩy mạnh thanh toán không dùng tiền mặt",
    "Điện thoại: 0260 3862 123",
    "Email: stttt@kontum.gov.vn",
    "banbientap@baodaknong.vn",
    "Tác giả: Minh Thư",
    "Nguồn: Cổng TTĐT tỉnh Bến Tre - 95% hồ sơ",
    "Bài và ảnh: Ngọc Hân",
    "© Bản quyền thuộc Sở Thông tin và Truyền thông tỉnh Hậu Giang",
    "Giấy phép số 12/GP-TTĐT",
    "Powered by Portal",
    "![Ảnh](https://dongthap.gov.vn/a.jpg) |",
    "anh-chuyen-doi-so-2024.webp",
    "{name} - {time}",
    "Bình luận của {name}",
    "Năm 2024, tỉnh Bình Phước có 87% hồ sơ trực tuyến toàn trình.",
    "An Giang đạt 91,2% số hộ có địa chỉ số.",
    "Anh Nguyễn Văn Tư, xã Vĩnh Hòa: đã có chữ ký số",
    "a) Chỉ tiêu về chính quyền số: 100% văn bản được ký số",
    "Hotline hỗ trợ người dân: 1022",
    "/",
    "",
]


def _furniture_by_every_rule(content: str) -> bool:
    """The former test of a furniture line: every rule tried on every short line."""
    b = boilerplate
    return len(content) <= b._SHORT and bool(
        b._is_control_line(content)
        or b._TEMPLATE.search(content)
        or b._COMMENT_NOTICE.match(content)
        or b._RELATED_INLINE.fullmatch(content)
        or b._CONTACT.fullmatch(content)
        or (b._BYLINE.match(content) and "%" not in content)
        or b._FOOTER.match(content)
        or b._IMAGE.fullmatch(content)
    )


def test_a_furniture_line_is_one_some_rule_finds():
    rng = random.Random(26)
    lines = _PAGE_LINES + [line.upper() for line in _PAGE_LINES] + ["  | " + line for line in _PAGE_LINES]
    lines += [" | ".join(rng.sample(_PAGE_LINES, 2)) for _ in range(300)]
    lines += [line for text in _TEXTS for line in text.split("\n")]
    found = [boilerplate._is_furniture(line) for line in lines]
    assert found == [_furniture_by_every_rule(line) for line in lines]
    assert sum(found) > len(_PAGE_LINES) // 2  # the lines are furniture enough to test the opening


def _glued_to_every_earlier_line(lines) -> dict[int, int]:
    """The former search for glued headlines: each line against every earlier short line."""
    glued, headlines = {}, []
    for idx, line in enumerate(lines):
        if not line.content or line.junk:
            continue
        head = next(
            (h for h in headlines if line.content.startswith(h) and line.content[len(h) : len(h) + 1].isupper()), None
        )
        if head:
            glued[idx] = len(head)
        elif 15 <= len(line.content) <= boilerplate._SHORT:
            headlines.append(line.content)
    return glued


def test_glued_headlines_are_those_found_against_every_earlier_line():
    rng = random.Random(36)
    found = 0
    heads = ["Vĩnh Long chuyển đổi số", "Vĩnh Long chuyển đổi số mạnh mẽ", "Trà Vinh số hóa hồ sơ", "Ngắn", "Trà Vinh"]
    heads += ["Vĩnh Long chuyển đổi", "Vĩnh Long chuyển đổi sốMạnh", "Vĩnh Long chuyển"]
    tails = ["Bộ phận một cửa xã Tân An đạt 98%.", "bộ phận một cửa", "Người dân", "", "", "", "Mạnh mẽ", " Số"]
    for _ in range(1000):
        text = "\n".join(rng.choice(heads) + rng.choice(tails) for _ in range(rng.randint(1, 12)))
        lines = boilerplate._lines(text)
        glued = boilerplate._glued_headlines(lines)
        assert glued == _glued_to_every_earlier_line(lines), text
        found += len(glued)
    assert found > 300


def _credit_of_the_lowered_tail(content: str):
    """The former look for a photo credit: the tail lower-cased, searched when it holds 'ảnh'."""
    tail_from = max(0, len(content) - boilerplate._CREDIT_TAIL)
    if "ảnh" not in content[tail_from:].lower():
        return None
    return boilerplate._CREDIT.search(content, tail_from)


def test_photo_credits_are_those_the_lowered_tail_let_through():
    rng = random.Random(46)
    credits = [
        "(Ảnh: Thanh Hà)",
        "(ảnh: VGP)",
        ". Ảnh: T.HẬU",
        ". ẢNH: TTXVN",
        "(Nguồn ảnh: Sở TT&TT)",
        " Ảnh TT",
        "ảnh",
    ]
    bodies = ["Lãnh đạo tỉnh Tây Ninh dự hội nghị trực tuyến với 95 điểm cầu", "Đạt 97%.", "x" * 150, ""]
    lines = [rng.choice(bodies) + rng.choice(credits) + rng.choice(["", ".", " ", " x"]) for _ in range(500)]
    for line in lines + bodies:
        found, former = boilerplate._credit(line), _credit_of_the_lowered_tail(line)
        assert (found and found.span()) == (former and former.span()), line
    assert sum(boilerplate._credit(line) is not None for line in lines) > 100


def test_a_view_count_and_a_short_repeat_are_judged_as_line_by_line():
    page = (
        "Lượt xem: 2.315\nSở TT&TT tỉnh Gia Lai triển khai nền tảng số tại 100% xã\n"
        "Sở TT&TT tỉnh Gia Lai triển khai nền tảng số tại 100% xã\nHai ba bốn năm\nHai ba bốn năm\n"
        "Một hai ba bốn năm sáu\nMột hai ba bốn năm sáu\nLƯỢT XEM 17"
    )
    spans = boilerplate.boilerplate_spans(page)
    for line in boilerplate._lines(page):
        key = line.key
        assert (key.count(" ") < 4) == (len(key.split()) < 5)
    assert [page[s:e] for s, e in spans] == [
        "Lượt xem: 2.315",
        "Sở TT&TT tỉnh Gia Lai triển khai nền tảng số tại 100% xã",
        "LƯỢT XEM 17",
    ]
    assert boilerplate.boilerplate_spans(page.replace("Lượt xem: 2.315", "").replace("LƯỢT XEM 17", "")) == [
        (s - 15, e - 15) for s, e in spans[1:2]
    ]


def test_the_digit_led_period_patterns_read_in_one_scan_find_what_each_finditer_finds():
    rng = random.Random(56)
    pieces = ["1", "2", "20", "2024", "1999", "31", "/", ".", "-", " ", "  ", "\n", "ngày ", "tháng ", "năm ", "–", "x"]
    texts = [t.lower() for t in _TEXTS] + [
        "ngày 20/6/2024, 20/6-2024, 1.4.2023 và 15 - 5 - 2022; 12/1/2023/5/2024; 3 tháng đầu năm 2024, 2021-2025"
    ]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))) for _ in range(3000)]

    def date_like() -> str:  # '20 / 6-2024', '1.4.2023', '12/1/20245': a day, its month and year, any separators
        space, seps = (lambda: rng.choice(["", " ", "  "])), "/.-"
        parts = [rng.choice(["1", "20", "31", "123"]), rng.choice(seps), rng.choice(["6", "12", "1/"])]
        parts += [rng.choice(seps), rng.choice(["2024", "1999", "20245", "2101", "24"])]
        return "".join(part + space() for part in parts)

    texts += ["".join(date_like() + rng.choice(pieces) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    assert sum(len(list(periods._P["day"].finditer(text))) for text in texts) > 300
    for text in texts:
        assert [m.span() for m in periods._DAY_SCAN.finditer(text)] == [
            m.span() for m in periods._P["day"].finditer(text)
        ], text
        found = periods._digit_led(text)
        for name, pattern in periods._DIGIT_LED.items():
            assert [(m.span(), m.groupdict()) for m in found[name]] == [
                (m.span(), m.groupdict()) for m in pattern.finditer(text)
            ], (name, text)


def test_words_of_sharing_found_in_the_lower_cased_text_are_those_of_the_case_blind_scan():
    rng = random.Random(66)
    words = [
        "cùng",
        "Cùng",
        "CÙNG",
        "đều",
        "Đều",
        "ĐỀU",
        "thuộc nhóm",
        "Thuộc Nhóm",
        "NẰM TRONG NHÓM",
        "nằm trong nhóm",
    ]
    fillers = [" ", "xã ", "cùngcùng", "İ", "đềuđ", "Ninh Thuận và Bình Thuận ", "nhóm ", "\n"]
    texts = ["".join(rng.choice(words + fillers) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    for text in texts:
        spans = [m.span() for m in enumerations._SHARED_WORD.finditer(text)]
        enumerations._shared_words.cache_clear()
        assert enumerations._shared_words(text) == ([s for s, _ in spans], [e for _, e in spans]), text


def _words(i: int) -> str:
    """A distinct run of words for ``i``, without digits (no figure to read: the page passes are timed)."""
    syllables = ["an", "bình", "cao", "đông", "hòa", "lộc", "minh", "phú", "sơn", "tân"]
    return " ".join(syllables[int(d)] for d in f"{i:05d}")


@pytest.mark.parametrize("page", ["hard-wrapped lines", "short lines with the same start"])
def test_doubling_a_page_of_many_lines_about_doubles_its_extraction_time(page):
    if page == "hard-wrapped lines":  # one paragraph: each line goes on in lower case on the next
        lines = [f"tỷ lệ hồ sơ trực tuyến tại cấp xã {_words(i)} được xử lý" for i in range(4000)]
    else:  # each line a short headline, all starting alike (a list of links)
        lines = [f"Tin ngắn của trang {_words(i)}" for i in range(4000)]
    single, double = "\n".join(lines[:2000]), "\n".join(lines)
    extract_text(single[:2000])  # catalogues and compiled patterns are built once, not timed
    single_seconds, double_seconds = best_seconds(single, double, rounds=3)
    # Linear gives ~2; comparing each line with every earlier one gives ~4.
    assert double_seconds / single_seconds < 3.0, f"{page}: twice the lines took {double_seconds / single_seconds:.1f}x"


def _captions_against_every_body_line(lines) -> list[tuple[int, int]]:
    """The former marking of captions: each caption compared with every body line."""
    b = boilerplate
    spans, captions = [], {}
    for idx, head in b._glued_headlines(lines).items():
        spans.append((lines[idx].start, lines[idx].start + head))
        captions[idx] = (head, len(lines[idx].content))
    for idx, line in enumerate(lines):
        if line.content and not line.junk and line.credit:
            spans.append((line.start + line.credit.start(), line.end))
            if line.credit.start() <= b._CAPTION_MAX:
                captions[idx] = (captions.get(idx, (0,))[0], line.credit.start())
    for idx in list(captions):
        for near in (idx - 1, idx + 1):
            twin = 0 <= near < len(lines) and near not in captions and lines[near].content and not lines[near].junk
            if twin and b._similar(lines[near], lines[idx].content[slice(*captions[idx])]):
                captions[near] = (0, len(lines[near].content))
    body = [line for idx, line in enumerate(lines) if line.content and not line.junk and idx not in captions]
    for idx, (start, end) in captions.items():
        caption = lines[idx].content[start:end]
        numbers, words = set(b._NUMBER.findall(caption)), set(b._key(caption).split())
        if not numbers or any(
            numbers <= set(b._NUMBER.findall(line.content)) and len(words & line.words) >= 0.7 * len(words)
            for line in body
        ):
            lines[idx].junk = True
    return spans


def test_captions_compared_with_the_lines_writing_their_numbers_are_those_compared_with_every_line():
    rng = random.Random(76)
    pieces = [
        "Xã Phú Lộc có 12 điểm phục vụ một cửa được kết nối (Ảnh: Minh Hà)",
        "Xã Phú Lộc có 12 điểm phục vụ một cửa được kết nối",
        "Toàn huyện Cao Lãnh có 12 điểm phục vụ một cửa được kết nối, 95% hồ sơ trực tuyến.",
        "Lễ ra mắt tổ công nghệ số cộng đồng (Ảnh: TT)",
        "95% hồ sơ trực tuyến tại huyện Cao Lãnh (ảnh: Đ.Hòa)",
        "Có 7 tổ công nghệ số cộng đồng ra mắt.",
        "",
    ]
    marked = 0
    for _ in range(500):
        text = "\n".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        lines, former = boilerplate._lines(text), boilerplate._lines(text)
        assert boilerplate._mark_captions(lines) == _captions_against_every_body_line(former), text
        assert [line.junk for line in lines] == [line.junk for line in former], text
        marked += sum(line.junk for line in lines)
    assert marked > 500


def test_a_covering_of_spans_answers_what_a_look_at_every_span_answers():
    rng = random.Random(86)
    for _ in range(500):
        spans = [(s, s + rng.randint(0, 15)) for s in (rng.randint(0, 60) for _ in range(rng.randint(0, 8)))]
        covering = _Covering(spans)
        for pos in range(-2, 80):
            assert covering.covers(pos) == any(s <= pos < e for s, e in spans), (spans, pos)
