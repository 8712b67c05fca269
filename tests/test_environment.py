"""pyproject.toml and environment.yml must declare the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# PyPI name → conda-forge name where they differ.
CONDA_NAME = {"matplotlib": "matplotlib-base"}


def _split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^([A-Za-z0-9_.\-]+)(.*)$", requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_split(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    wanted = {CONDA_NAME.get(k, k): v for k, v in wanted.items()}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pinned = [_split(d) for d in env["dependencies"] if isinstance(d, str)]
    listed = {k: v for k, v in pinned if k not in ("python", "pip")}
    assert listed == wanted
    assert dict(pinned)["python"] == project["requires-python"]
