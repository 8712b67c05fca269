"""The national outcomes of 2025 and the DTI rankings as reference tables, with their sources."""

from __future__ import annotations

import datetime as dt

import pytest

from cds_analysis.errors import ReferenceDataError
from cds_analysis.reference.dti import DTI_CSV, load_dti
from cds_analysis.reference.outcomes import OUTCOMES_CSV, load_outcomes
from cds_analysis.reference.schemas import DTI, OUTCOMES


@pytest.fixture(scope="module")
def outcomes():
    return load_outcomes()


@pytest.fixture(scope="module")
def dti():
    return load_dti()


def test_outcomes_keep_every_published_figure_with_its_page(outcomes):
    assert list(outcomes.columns) == OUTCOMES.names
    assert outcomes["source_url"].str.startswith("https://").all() and outcomes["scope"].eq("national").all()
    full_process = outcomes[outcomes["indicator"].eq("full_process_online_dossier_rate")].set_index("outcome_id")
    assert dict(zip(full_process.index, full_process["qualifier"], strict=True)) == {
        "O01": "exact",
        "O02": "approx",
        "O03": "more_than",
    }
    assert full_process.loc["O01", ["value", "period_end"]].tolist() == [51.7, dt.date(2025, 11, 26)]
    economy = outcomes[outcomes["indicator"].eq("digital_economy_share_grdp") & outcomes["period_label"].eq("2025")]
    assert sorted(economy["value"]) == [13.9, 14, 18.72]  # three measures, none chosen


def test_a_bad_outcomes_file_is_named_with_its_line(tmp_path):
    lines = OUTCOMES_CSV.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "outcomes.csv"
    bad.write_text("\n".join([lines[0], lines[1], lines[2].replace(",approx,", ",gần,")]) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"outcomes\.csv, line 3: qualifier"):
        load_outcomes(bad)
    bad.write_text("\n".join([lines[0], lines[1].replace(",2025-11,", ",2024-11,")]) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"line 2: period_end does not fall within"):
        load_outcomes(bad)


def test_dti_2022_ranks_all_63_provinces_by_code(dti):
    assert list(dti.columns) == DTI.names
    ranks = dti[dti["year"].eq(2022) & dti["metric"].eq("pdti") & dti["provinces"].eq("pre2025")]
    assert len(ranks) == 63 and ranks["province_code"].notna().all() and ranks["province_code"].is_unique
    by_name = ranks.set_index("province")
    assert by_name.loc["Quảng Ngãi", "rank"] == 26 and by_name.loc["Phú Yên", "rank"] == 59
    assert by_name.loc["Đà Nẵng", "score"] == pytest.approx(0.8002)
    assert dti["source"].notna().all()


def test_the_34_province_dti_2024_is_the_mean_of_the_former_provinces(dti):
    da_nang = dti[dti["year"].eq(2024) & dti["provinces"].eq("post2025") & dti["province"].eq("Đà Nẵng")]
    published, derived = da_nang[~da_nang["derived"]].iloc[0], da_nang[da_nang["derived"]].iloc[0]
    assert derived["score"] == pytest.approx((0.8335 + 0.5803) / 2)
    assert derived["score"] == pytest.approx(published["score"], abs=5e-5)
    assert (published["rank"], published["rank_of"]) == (17, 34)
    assert "Quảng Nam" in derived["source"]
    assert not dti[dti["derived"]]["year"].ne(2024).any()  # only the years ranked on the 34-province map


def test_a_province_unknown_on_its_map_is_named_with_its_line(tmp_path):
    lines = DTI_CSV.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "dti.csv"
    bad.write_text("\n".join([lines[0], lines[1].replace("Bắc Ninh", "Bắc Ninhh")]) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"dti\.csv, line 2: province"):
        load_dti(bad)
