"""saywho: who claimed what, about whom, when, on whose authority and how hedged.

>>> import saywho
>>> for item in saywho.read_documents(["page.html"]):   # doctest: +SKIP
...     article = saywho.extract(item)
"""

from __future__ import annotations

from .config import Settings
from .errors import ConfigError, ExtractionError, FetchError, InputError, SaywhoError, StoreError
from .extract import extract
from .model import Article, Failure, Hints, RawDocument, Span
from .serialize import article_to_dict
from .sources import read_documents
from .version import __version__

__all__ = [
    "Article",
    "ConfigError",
    "ExtractionError",
    "Failure",
    "FetchError",
    "Hints",
    "InputError",
    "RawDocument",
    "SaywhoError",
    "Settings",
    "Span",
    "StoreError",
    "__version__",
    "article_to_dict",
    "extract",
    "read_documents",
]
