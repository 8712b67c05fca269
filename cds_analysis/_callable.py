"""Let a module be called like its main function.

The public API promises both ``cds_analysis.ingest(raw_dir, out_dir)`` and a
module ``cds_analysis.ingest`` (likewise ``progress``). A function bound on the
package would hide the module from ``import cds_analysis.ingest as m`` and from
monkeypatching; a module that forwards calls to its function keeps both.
"""

from __future__ import annotations

import sys
import types


def callable_module(module_name: str, function_name: str) -> None:
    """Make ``sys.modules[module_name](...)`` call the module's ``function_name``."""

    class _CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return getattr(self, function_name)(*args, **kwargs)

    sys.modules[module_name].__class__ = _CallableModule
