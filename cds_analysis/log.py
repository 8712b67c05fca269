"""Library logging: modules log to ``logging.getLogger(__name__)``; only the CLI configures output.

As PUDL and papermill do, the package logger carries a ``NullHandler`` so that importing
the library prints nothing; ``configure`` is what ``cds-analysis -v/-q`` calls.
"""

from __future__ import annotations

import logging

__all__ = ["configure", "logger"]

logger = logging.getLogger("cds_analysis")
logger.addHandler(logging.NullHandler())

_LEVELS = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}


def configure(verbosity: int = 0) -> None:
    """Send the package's log records to stderr: -1 errors only, 0 warnings, 1 info, 2+ debug."""
    level = _LEVELS[max(-1, min(2, verbosity))]
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("cds-analysis: %(levelname)s: %(message)s"))
    for old in [h for h in logger.handlers if not isinstance(h, logging.NullHandler)]:
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)
