"""extract_document pauses Python's cycle collector while it reads a document, and leaves
it as it found it, whatever happens."""
from __future__ import annotations

import gc

import pytest

from custodes.extract import extract_document
from custodes.model import Document

TEXT = "Police in Accra installed 300 CCTV cameras supplied by Huawei along the ring road last year."


def _doc(text: object = TEXT) -> Document:
    return Document(id="d1", text=text, url=None, title="Accra cameras", published=None,  # type: ignore[arg-type]
                    source_type="jsonl")


def test_the_collector_is_running_again_after_a_document():
    assert gc.isenabled()
    result = extract_document(_doc())
    assert result.claims and gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off():
    gc.disable()
    try:
        extract_document(_doc())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_runs_again_when_extraction_fails():
    with pytest.raises((TypeError, AttributeError)):
        extract_document(_doc(text=None))
    assert gc.isenabled()

