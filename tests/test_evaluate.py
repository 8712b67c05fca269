"""The evaluation against gold facts: matching, scores, attribute accuracy and the CI gate.

The extractor is replaced by canned predictions so that each test controls
exactly what is predicted where.
"""

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from cds_analysis import evaluate as ev
from cds_analysis.reference.schemas import schema

TEXT = (
    "Huyện Trà Bồng, tỉnh Quảng Ngãi: trong 6 tháng đầu năm 2023, tỷ lệ hồ sơ trực tuyến đạt\u00a098%; "
    "văn bản điện tử đạt 100%. Tính đến ngày 30/5/2023, huyện có 96 Tổ công nghệ số cộng đồng.\n"
    "Tại TX.Đức Phổ, phủ sóng 3G, internet băng rộng đạt 100% các phường.\n"
)


def gold(quote: str, value: float, **attrs) -> dict:
    fact = {
        "file": "tra_bong.txt",
        "quote": quote,
        "value": value,
        "indicator_en": "online_dossier_rate",
        "place": "huyện Trà Bồng",
        "province": "Quảng Ngãi",
        "district": "huyện Trà Bồng",
        "admin_level": "district",
        "unit": "percent",
        "numerator": None,
        "denominator": None,
        "qualifier": "exact",
        "period": "2023-H1",
        "is_target": False,
    }
    return {**fact, **attrs}


def pred(quote: str, value: float, shift: int = 0, **attrs) -> dict:
    """A prediction whose evidence is ``quote`` in TEXT, moved ``shift`` characters."""
    start = TEXT.index(quote) + shift
    row = {
        "indicator": "online_dossier_rate",
        "value": value,
        "unit": "percent",
        "qualifier": "exact",
        "is_target": False,
        "period_label": "2023-H1",
        "admin_level": "district",
        "province": "Quảng Ngãi",
        "district": "Trà Bồng",
        "evidence": TEXT[start : start + len(quote)],
        "char_start": start,
        "char_end": start + len(quote),
    }
    return {**row, **attrs}


DOSSIERS = gold("hồ sơ trực tuyến đạt\u00a098%", 98.0)
EDOCS = gold("văn bản điện tử đạt 100%", 100.0, indicator_en="e_documents_rate")
TEAMS = gold(
    "huyện có 96 Tổ công nghệ số", 96.0, indicator_en="community_tech_teams", unit="count", period="as_of 2023-05-30"
)
MOBILE = gold(
    "phủ sóng 3G, internet băng rộng đạt 100%",
    100.0,
    indicator_en="mobile_coverage",
    district="TX.Đức Phổ",
    place="TX.Đức Phổ",
)
BROADBAND = {**MOBILE, "indicator_en": "broadband_coverage"}
GOLD = [DOSSIERS, EDOCS, TEAMS, MOBILE, BROADBAND]


def right(fact: dict, **changes) -> dict:
    """The prediction that agrees with ``fact`` on everything, then ``changes``."""
    attrs = {
        "indicator": fact["indicator_en"],
        "unit": fact["unit"],
        "period_label": fact["period"],
        "district": fact["district"].replace("huyện ", ""),
        "place": fact["place"],
    }
    value = changes.pop("value", fact["value"])
    return pred(fact["quote"], value, **{**attrs, **changes})


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Evaluate ``facts`` against ``predictions`` for the one file; returns the Evaluation."""

    def run(facts: list[dict], predictions: list[dict]) -> ev.Evaluation:
        gold_path = write_gold(tmp_path, facts)
        frame = pd.DataFrame(predictions, columns=schema("observations").names)
        monkeypatch.setattr(ev, "read_and_extract", lambda path: (SimpleNamespace(text=TEXT), frame))
        return ev.evaluate(gold_path, tmp_path)

    return run


def write_gold(tmp_path: Path, facts: list[dict]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in facts), encoding="utf-8")
    return path


def test_exact_predictions_score_one_everywhere(run):
    result = run(GOLD, [right(f) for f in GOLD])
    assert result.scores() == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert set(result.accuracy().values()) == {1.0}
    assert ev.gate_failures(result) == []


def test_quote_with_no_break_space_is_found_in_the_original_text(run):
    result = run([DOSSIERS], [right(DOSSIERS)])
    assert len(result.matches) == 1


def test_wrong_value_does_not_match(run):
    result = run([DOSSIERS], [right(DOSSIERS, value=99.0)])
    assert result.scores() == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert result.unmatched_gold == [DOSSIERS] and len(result.false_positives) == 1


def test_value_within_relative_tolerance_matches(run):
    result = run([DOSSIERS], [right(DOSSIERS, value=98.0 * (1 + 1e-12))])
    assert len(result.matches) == 1


def test_span_must_overlap_the_quote(run):
    elsewhere = pred("Tổ công nghệ số cộng đồng", 98.0)  # same value, another sentence
    touching = pred("hồ sơ trực tuyến đạt\u00a098%", 98.0, shift=len(DOSSIERS["quote"]))  # starts at the quote's end
    result = run([DOSSIERS], [elsewhere, touching])
    assert result.matches == [] and len(result.false_positives) == 2


def test_matching_is_one_to_one_with_duplicates(run):
    # Two gold facts share one quote and value; three predictions sit on it.
    result = run([MOBILE, BROADBAND], [right(MOBILE), right(BROADBAND), right(MOBILE)])
    assert result.scores()["recall"] == 1.0
    assert result.scores()["precision"] == pytest.approx(2 / 3)
    assert len(result.false_positives) == 1


def test_largest_overlap_wins(run):
    partial = pred(DOSSIERS["quote"], 98.0, shift=-10, indicator="other")
    full = right(DOSSIERS)
    result = run([DOSSIERS], [partial, full])
    ((g, p),) = result.matches
    assert p["indicator"] == "online_dossier_rate"
    assert [f["indicator"] for f in result.false_positives] == ["other"]


def test_attribute_accuracy_counts_each_attribute(run):
    predictions = [
        right(DOSSIERS, indicator="other", qualifier="approx"),
        right(EDOCS, is_target=True, unit="count", place="các xã huyện Trà Bồng"),  # its communes: another place
        right(TEAMS, period_label="as_of 2023-05-31", admin_level="commune"),  # same month: period right
        right(MOBILE, district="Đức Phổ", province="Quang Ngai", place="thị xã Đức Phổ"),  # the same unit: right
        right(BROADBAND, district="huyện Mộ Đức", period_label=None),
    ]
    accuracy = run(GOLD, predictions).accuracy()
    assert accuracy == {
        "indicator": 0.8,
        "place": 0.8,
        "province": 1.0,
        "district": 0.8,
        "admin_level": 0.8,
        "period": 0.8,
        "qualifier": 0.8,
        "unit": 0.8,
        "is_target": 0.8,
    }


@pytest.mark.parametrize(
    ("gold_period", "predicted", "same"),
    [
        ("as_of 2023-05-30", "as_of 2023-05-31", True),
        ("as_of 2023-05-30", "as_of 2023-06-01", False),
        ("range 2023-07..2023-08", "range 2023-07-28..2023-08-03", True),
        ("2023-H1", "2023-Q2", False),
        (None, None, True),
        (None, "2023", False),
        ("2023", float("nan"), False),
    ],
)
def test_period_is_compared_at_month_precision(gold_period, predicted, same):
    assert ev.agrees("period", {"period": gold_period}, {"period_label": predicted}) is same


@pytest.mark.parametrize(
    ("gold_district", "predicted", "same"),
    [
        ("TX.Đức Phổ", "Đức Phổ", True),
        ("huyện Trà Bồng", "Tra Bong", True),
        ("huyện Trà Bồng", "Tư Nghĩa", False),
        (None, None, True),
        (None, float("nan"), True),
        ("huyện Trà Bồng", None, False),
        ("xã Núi Không Tên", "xa Nui Khong Ten", True),  # resolves nowhere: fold_key strings compared
    ],
)
def test_places_are_compared_as_gazetteer_units(gold_district, predicted, same):
    assert ev.agrees("district", {"district": gold_district, "province": "Quảng Ngãi"}, {"district": predicted}) is same


def test_report_lists_misses_and_false_positives(run):
    result = run(
        [DOSSIERS, TEAMS], [right(DOSSIERS), pred("văn bản điện tử đạt 100%", 100.0, indicator="e_documents_rate")]
    )
    text = ev.report(result)
    assert "tra_bong.txt" in text and "overall" in text
    assert (
        "unmatched gold facts (1):\n  tra_bong.txt  96  [community_tech_teams]  «huyện có 96 Tổ công nghệ số»" in text
    )
    assert "false positives (1):\n  tra_bong.txt  100  [e_documents_rate]  «văn bản điện tử đạt 100%»" in text
    assert "wrong attributes of matched facts (0):" in text


def test_report_lists_wrong_attributes_of_matched_facts(run):
    text = ev.report(run([DOSSIERS], [right(DOSSIERS, indicator="other", period_label=None)]))
    assert "wrong attributes of matched facts (2):" in text
    assert "  tra_bong.txt  98  indicator: gold 'online_dossier_rate', predicted 'other'  «hồ sơ" in text
    assert "  tra_bong.txt  98  period: gold '2023-H1', predicted None  «hồ sơ" in text


def test_a_file_that_fails_scores_zero_and_says_why(tmp_path, monkeypatch):
    def broken(path):
        raise ValueError("không đọc được")

    monkeypatch.setattr(ev, "read_and_extract", broken)
    result = ev.evaluate(write_gold(tmp_path, [DOSSIERS]), tmp_path)
    assert result.files["tra_bong.txt"].error == "ValueError: không đọc được"
    assert "error: ValueError: không đọc được" in ev.report(result)


def test_gate_passes_and_fails_with_exit_codes(tmp_path, monkeypatch, capsys):
    gold_path = write_gold(tmp_path, GOLD)
    frame = pd.DataFrame([right(f) for f in GOLD], columns=schema("observations").names)
    monkeypatch.setattr(ev, "read_and_extract", lambda path: (SimpleNamespace(text=TEXT), frame))
    assert ev.main([str(gold_path), str(tmp_path), "--gate"]) == 0
    assert "quality gate passed" in capsys.readouterr().out

    frame = frame.iloc[:3].assign(is_target=[True, False, False])  # recall 0.6, is_target 2/3
    monkeypatch.setattr(ev, "read_and_extract", lambda path: (SimpleNamespace(text=TEXT), frame))
    assert ev.main(["--gate", str(gold_path), str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "quality gate FAILED: recall 0.600 < 0.98; f1 0.750 < 0.98; is_target 0.667 < 0.98" in out
    bars = "precision=0.5 recall=0.5 f1=0.5 attributes=0.6"
    assert ev.main(["--gate", str(gold_path), str(tmp_path), "--bars", bars]) == 0  # a lower bar, as for samples
    assert ev.main(["--gate", str(gold_path), str(tmp_path), "--bars", "recall=0.7"]) == 1
    assert ev.main([str(gold_path), str(tmp_path)]) == 0  # without --gate, only the report


def test_bars_name_the_figures_they_set():
    bars = ev.parse_bars("recall=0.93, attributes=0.9")
    assert bars["recall"] == 0.93 and bars["precision"] == 0.98
    assert {bars[name] for name in ev.ATTRIBUTES} == {0.9}
    with pytest.raises(ValueError, match="recal"):
        ev.parse_bars("recal=0.9")
    with pytest.raises(ValueError, match="not a number"):
        ev.parse_bars("recall=high")


@pytest.mark.parametrize(
    ("gold_code", "predicted", "same"),
    [
        ("dossiers_late_rate", "dossiers_late_rate", True),
        ("late_dossier_rate", "dossiers_late_rate", True),  # an alias names its catalogue entry
        ("ontime_resolution_rate", "on_time_dossier_rate", True),
        ("dossiers_late_rate", "ontime_resolution_rate", False),
        ("a_code_nobody_knows", "a_code_nobody_knows", True),
    ],
)
def test_indicators_are_compared_through_the_catalogue(gold_code, predicted, same):
    assert ev.agrees("indicator", {"indicator_en": gold_code}, {"indicator": predicted}) is same


@pytest.mark.parametrize(
    ("gold_place", "predicted", "same"),
    [
        ("huyện [Trà Bồng]", "huyện Trà Bồng", True),  # a unit named only by the site (convention K)
        ("các xã, thị trấn huyện Trà Bồng", "các xã huyện Trà Bồng", True),
        ("các xã, thị trấn huyện Trà Bồng", "huyện Trà Bồng", False),
        ("TX.Đức Phổ", "thị xã Đức Phổ", True),
        ("các đơn vị, địa phương", "các đơn vị, địa phương", True),
        (None, "huyện Trà Bồng", False),
    ],
)
def test_places_are_compared_as_units_and_tiers(gold_place, predicted, same):
    assert ev.agrees("place", {"place": gold_place, "province": "Quảng Ngãi"}, {"place": predicted}) is same


def test_gate_is_passed_over_when_shared_data_is_absent(tmp_path, capsys):
    absent = tmp_path / "shared" / "gold" / "seeds_gold.jsonl"
    assert ev.main(["--gate", str(absent), str(tmp_path / "shared" / "seeds")]) == 0
    assert "passed over" in capsys.readouterr().out
    assert ev.main([str(absent), str(tmp_path)]) == 2
    assert "not found" in capsys.readouterr().err


def test_gold_line_that_is_not_json_is_named(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(DOSSIERS, ensure_ascii=False) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gold\.jsonl, line 2"):
        ev.load_gold(path)
