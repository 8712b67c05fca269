"""The bundled sample in data/raw/, end to end through ingest: what the README's main command shows."""

from pathlib import Path

import pandas as pd
import pytest

import cds_analysis as cds
from cds_analysis.read.documents import read_document
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP, SCHEMAS

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    out = tmp_path_factory.mktemp("processed")
    result = cds.ingest(RAW, out, progress=False)
    assert result.rejects == []
    return out


def test_every_bundled_file_is_read(processed):
    docs = cds.read_table("documents", processed)
    files = sorted(p.relative_to(RAW).as_posix() for p in RAW.iterdir() if p.name != "README.md")
    assert sorted(docs["path"]) == files
    assert (docs["n_observations"] > 0).all()


def test_every_observation_quotes_its_source(processed):
    """A sentence fact quotes its words; a table cell's fact ends with the cell ('row | column | cell')."""
    obs = cds.read_table("observations", processed)
    texts = [o for o in obs.itertuples() if not o.source.endswith((".xlsx", ".csv"))]
    read = {source: read_document(RAW / source).text for source in {o.source for o in texts}}
    assert {"docx", "pdf"} <= {source.rsplit(".", 1)[1] for source in read}
    for o in texts:
        quoted = read[o.source][o.char_start : o.char_end]
        if o.evidence.count(" | ") == 2:
            assert o.evidence.endswith(" | " + " ".join(quoted.split()))
        else:
            assert quoted == o.evidence


def test_quang_ngai_districts_stand_against_the_2025_targets(processed):
    progress = cds.read_table("progress", processed)
    stored = progress[(progress["province"] == "Quảng Ngãi") & progress["latest_value"].notna()]
    stale = {(r.unit_name, r.admin_level, r.indicator): r for r in stored.itertuples()}
    dossiers = stale[("Nghĩa Hành", "district", "online_dossier_rate")]
    # the sample reaches 2025-Q4 (post-reform reports): a 2023-H1 figure is ten quarters old then
    assert (dossiers.as_of, dossiers.status, dossiers.age_quarters) == ("2025-Q4", "stale", 10)
    obs, docs = cds.read_table("observations", processed), cds.read_table("documents", processed)
    then = cds.progress(obs, documents=docs, as_of="2023-Q4", level="district")
    qn = then[(then["province"] == "Quảng Ngãi") & then["latest_value"].notna()]
    rows = {(r.unit_name, r.admin_level, r.indicator): r for r in qn.itertuples()}
    dossiers = rows[("Nghĩa Hành", "district", "online_dossier_rate")]
    assert (dossiers.latest_value, dossiers.latest_period) == (66.4, "2023-H1")
    assert dossiers.target_value == 80 and dossiers.status == "off_track"
    own = rows[("Đức Phổ", "district", "work_records_online_rate")]
    communes = rows[("Đức Phổ", "commune", "work_records_online_rate")]
    assert (own.latest_value, own.status) == (80, "met")
    assert communes.latest_value == 60 and communes.latest_period.startswith("range 2023")
    assert {own.target_source, communes.target_source} <= set(cds.load_targets()["source_decision"])


def test_post_reform_reports_are_read_on_the_2025_map(processed):
    obs = cds.read_table("observations", processed)
    after = obs[obs["source"].str.endswith("2025.txt") & obs["source"].str.startswith(("gia-lai", "thanh-hoa_xa"))]
    assert set(after["figure_map"]) == set(after["map"]) == {NEW_MAP}
    gia_lai = after[after["current_province"] == "Gia Lai"]
    assert set(zip(gia_lai["province_code"], gia_lai["current_province_code"])) == {("52", "52")}  # not Bình Định
    assert gia_lai.set_index("indicator").loc["bts_stations", "value"] == 8828
    # a commune figure after the reform: the new commune, its plain code, the 2025 map
    camera = after[after["commune"] == "xã Thiệu Trung"].iloc[0]
    assert (camera["commune_code"], camera["map"], camera["figure_map"]) == ("15835", NEW_MAP, NEW_MAP)
    assert (camera["current_commune"], camera["current_commune_code"]) == ("xã Thiệu Trung", "15835")
    # a 2023 district figure of a province that merged: its old district and province, and its new province
    chau_duc = obs[(obs["district"] == "huyện Châu Đức") & (obs["period_label"] == "as_of 2023-12-12")]
    assert len(chau_duc) and set(chau_duc["map"]) == set(chau_duc["figure_map"]) == {OLD_MAP}
    assert set(zip(chau_duc["district_code"], chau_duc["province_code"])) == {("750", "77")}  # Bà Rịa - Vũng Tàu
    assert set(zip(chau_duc["current_province"], chau_duc["current_province_code"])) == {("Hồ Chí Minh", "79")}


def _unit_codes(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """The unit codes of a stored table, by column (a 'national' scope is no unit's)."""
    columns = [
        c
        for c in table.columns
        if c in ("unit_code", "scope", "parent_code", "successor_code")
        or c.endswith(("province_code", "district_code", "commune_code"))
        or (name == "units" and c == "code")
    ]
    return table[columns].astype(object).mask(table[columns].eq("national"))


def test_stored_codes_are_plain_digits_with_their_map_beside_them(processed):
    """No code syntax to parse: every unit code is a string of digits, and a row with codes says their map."""
    tables = {name: cds.read_table(name, processed) for name in SCHEMAS if (processed / f"{name}.parquet").is_file()}
    assert {"observations", "documents", "units", "targets", "progress", "dti"} <= set(tables)
    for name, table in tables.items():
        codes = _unit_codes(name, table)
        if codes.empty or codes.isna().all().all():
            continue
        assert "map" in table.columns, name
        assert set(table["map"].dropna()) <= {OLD_MAP, NEW_MAP}, name
        for column in codes.columns:
            written = codes[column].dropna()
            assert written.map(lambda code: isinstance(code, str) and code.isdigit()).all(), (name, column)
        assert table.loc[codes.notna().any(axis=1), "map"].notna().all(), name
    assert set(tables["progress"]["province_map"]) <= {OLD_MAP, NEW_MAP}


def test_no_stored_progress_value_mixes_documents_without_a_rule(processed):
    progress = cds.read_table("progress", processed)
    document = cds.read_table("observations", processed).set_index("observation_id")["document_id"]
    valued = progress[progress["latest_value"].notna()]
    n_documents = valued["observation_ids"].str.split(";").map(lambda ids: document[ids].nunique())
    assert valued.loc[n_documents > 1, "aggregation"].isin(["sum", "sum_partial", "weighted_mean"]).all()
    assert valued["observation_ids"].notna().all() and valued["status_rule"].notna().all()
