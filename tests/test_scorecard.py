"""The 2025 scorecard on small frames: final met / not met, stale figures, both maps, sources."""

from __future__ import annotations

import pandas as pd

from cds_analysis.analysis.scorecard import SCORECARD_COLUMNS, scorecard_2025
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP
from tests.test_progress import INDICATORS, TARGETS, UNITS, frame, observation


def _card(*rows):
    return scorecard_2025(frame(*rows), targets=TARGETS, units=UNITS, indicators=INDICATORS)


def _one(card, map_, province, indicator, tier):
    found = card[
        card["map"].eq(map_)
        & card["province_code"].eq(province)
        & card["indicator"].eq(indicator)
        & card["admin_level"].eq(tier)
    ]
    assert len(found) == 1
    return found.iloc[0]


def test_every_province_of_both_maps_gets_each_2025_target():
    card = _card(observation("online_dossier_rate", 86.2, "province", "2025", "51", document="ubnd-qng"))
    assert list(card.columns) == SCORECARD_COLUMNS
    assert set(card.loc[card["map"].eq(OLD_MAP), "province_code"]) == {"51", "62", "38"}
    assert set(card.loc[card["map"].eq(NEW_MAP), "province_code"]) == {"51", "38"}  # plain codes, their map beside
    old = _one(card, OLD_MAP, "51", "online_dossier_rate", "province")
    assert (old["met"], old["latest_value"], old["target_value"], old["value_sources"]) == (
        True,
        86.2,
        80,
        "ubnd-qng.txt",
    )


def test_a_shortfall_at_the_end_of_2025_is_not_met_and_an_old_figure_is_stale():
    card = _card(
        observation("online_dossier_rate", 71.5, "province", "2025", "51"),
        observation("online_dossier_rate", 95, "province", "2022", "38"),
    )
    short = _one(card, OLD_MAP, "51", "online_dossier_rate", "province")
    assert (short["status"], short["met"], short["gap"]) == ("not_met", False, 80 - 71.5)
    old = _one(card, OLD_MAP, "38", "online_dossier_rate", "province")
    assert old["status"] == "stale" and pd.isna(old["met"])
    empty = _one(card, OLD_MAP, "62", "online_dossier_rate", "province")
    assert empty["status"] == "no_data" and pd.isna(empty["met"]) and empty["value_sources"] is None
