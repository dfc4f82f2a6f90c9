"""The shared single-line validator."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import single_line


@pytest.mark.parametrize("text", ["a\nb", "a\r\nb", "a\rb", "a\u2028b", "a\x85b", "a\x0bb"])
def test_line_breaks_are_refused(text):
    with pytest.raises(ValidationError) as caught:
        single_line(text)
    assert caught.value.code == "line_break"


@pytest.mark.parametrize("text", ["", "整理督办台账", "A title, with punctuation: 1/2"])
def test_one_line_passes(text):
    single_line(text)
