import dataclasses

import pytest

from saywho.errors import ExtractionError, InputError, SaywhoError
from saywho.model import Span


def test_model_span_slices_its_text() -> None:
    assert Span(4, 9).text("The envoy said") == "envoy"
    assert len(Span(4, 9)) == 5


@pytest.mark.parametrize(
    ("start", "end"), [(-1, 2), (5, 4)], ids=["negative start", "end before start"]
)
def test_model_span_rejects_impossible_ranges(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="invalid span"):
        Span(start, end)


def test_model_types_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Span(0, 1).start = 3  # type: ignore[misc]


def test_errors_render_as_one_line_with_input_and_remedy() -> None:
    error = InputError("cannot\ndecode", input="page.html", remedy="convert it to UTF-8")
    assert str(error) == "page.html: cannot decode (convert it to UTF-8)"
    assert isinstance(error, SaywhoError)
    assert issubclass(ExtractionError, SaywhoError)
