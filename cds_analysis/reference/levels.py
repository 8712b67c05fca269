"""Administrative levels and their order, in one place.

Eight modules kept their own list or rank of levels (and called them level, tier or
admin_level). The order is the country's: the nation, then provinces, districts (until
1 July 2025), communes and villages; a unit's children are one step down.
"""

from __future__ import annotations

__all__ = ["ADMIN_LEVELS", "CHILD", "RANK", "UNIT_LEVELS"]

ADMIN_LEVELS: tuple[str, ...] = ("national", "province", "district", "commune", "village")
# Levels of the units in the gazetteer (the nation and villages have no entries there).
UNIT_LEVELS: tuple[str, ...] = ("province", "district", "commune")
RANK: dict[str, int] = {level: i for i, level in enumerate(ADMIN_LEVELS[1:])}  # province 0 … village 3
CHILD: dict[str, str] = dict(zip(ADMIN_LEVELS[1:-1], ADMIN_LEVELS[2:]))  # province → district → commune → village
