"""The package's folders show the flow: each imports only from the folders before it.

lang < reference < read < rules, sheets < analysis < pipeline < report < cli. The top-level
plumbing modules (config, errors, log, versions, store) may be imported from anywhere;
they import nothing above ``reference``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cds_analysis

PACKAGE = Path(cds_analysis.__file__).parent
# Rank of each room; a module may import a room of lower or equal rank.
RANK = {
    "config": 0, "errors": 0, "log": 0, "versions": 0,
    "lang": 1, "reference": 2, "store": 2, "read": 3,
    "rules": 4, "sheets": 4, "analysis": 5, "pipeline": 6, "evaluate": 7, "report": 7, "cli": 8,
}  # fmt: skip


def _room(module: str) -> str:
    """'cds_analysis.rules.places' → 'rules'; 'cds_analysis.pipeline' → 'pipeline'."""
    return module.split(".")[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cds_analysis."):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("cds_analysis.")]
    return found


def test_every_module_lives_in_a_known_room():
    rooms = {
        p.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for p in PACKAGE.glob("*")
        if p.suffix == ".py" or p.is_dir()
    }
    assert rooms - {"__init__", "__main__", "__pycache__", "reference"} <= set(RANK), "add the new room to RANK"


def test_imports_only_flow_downstream():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] in ("__init__", "__main__"):
            continue
        here = RANK[parts[0]]
        for line, module in _imports(path):
            if RANK[_room(module)] > here:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_one_list_of_units_of_measure():
    """The number reader, the catalogue and the sheet words use the units of reference/data/measures.csv."""
    from cds_analysis.lang import numbers
    from cds_analysis.reference import indicators, measures
    from cds_analysis.sheets.words import UNIT_LABELS

    assert set(numbers.UNITS) <= set(measures.UNITS), "a unit the number reader emits is missing from measures.csv"
    assert set(indicators.load_indicators()["unit"]) <= set(indicators.UNITS)
    assert set(UNIT_LABELS) == set(measures.UNITS)
    assert all(lower is None or upper is None or lower < upper for lower, upper in measures.BOUNDS.values())
