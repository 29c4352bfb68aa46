"""The installed saywho's version: the lowest layer, so every stage can record what made it
without importing the package's public facade (`saywho/__init__.py`), which imports the stages."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("saywho")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
