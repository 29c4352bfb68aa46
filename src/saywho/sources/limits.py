"""What every reader of `saywho.sources` shares: the size limit's wording and the failure a
batch records (kept apart from `files`, the dispatcher, so that the readers it dispatches to
import nothing that imports them)."""

from __future__ import annotations

from ..config import MiB
from ..errors import InputError, SaywhoError
from ..model import Failure


def as_failure(exc: SaywhoError, source: str) -> Failure:
    """The `Failure` a batch records for `exc`; its reason is the error's one-line message."""
    return Failure(exc.input or source, str(exc), exc.code)


def too_big(
    source: str, limit: int, *, size: int | None = None, compressed: bool = False
) -> InputError:
    """The error for a document over `Settings.max_bytes`."""
    if size is not None:
        what = f"the file is {size_text(size)}, over the limit of {size_text(limit)}"
    elif compressed:
        what = f"the document decompresses to over the limit of {size_text(limit)}"
    else:
        what = f"the document is over the limit of {size_text(limit)}"
    return InputError(what, input=source, remedy=LIMIT_REMEDY)


LIMIT_REMEDY = "raise SAYWHO_MAX_BYTES if it is really one document"


def size_text(n: int) -> str:
    """A byte count for messages, in the units `Settings.max_bytes` is documented in.

    >>> size_text(20 * MiB), size_text(50_000_000), size_text(1000)
    ('20 MiB', '47.7 MiB', '1,000 bytes')
    """
    if n < MiB:
        return f"{n:,} bytes"
    mib = n / MiB
    return f"{mib:.0f} MiB" if mib.is_integer() else f"{mib:.1f} MiB"
