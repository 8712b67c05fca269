"""The jinja2 templates of the report's HTML: summary, scorecard, evidence, tables and the index.

Pages are built from templates in ``report/templates/`` with autoescaping, never
from f-strings, so report text (a unit name, a quoted sentence) cannot inject HTML.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, Template, select_autoescape

__all__ = ["environment", "template"]


@cache
def environment() -> Environment:
    """The one jinja2 environment of the package's report templates (autoescaped HTML)."""
    env = Environment(
        loader=PackageLoader("cds_analysis", "report/templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def template(name: str) -> Template:
    return environment().get_template(name)
