"""MinHash signatures: custodes._minhash (C), resolve's numpy code and datasketch agree."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes import _native, resolve

C = _native.c_extension("_minhash")
needs_c = pytest.mark.skipif(C is None, reason="custodes._minhash not built (CUSTODES_PURE or CUSTODES_SOURCES)")
uint32s = st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=300)


@needs_c
@settings(max_examples=200, deadline=None)
@given(hashes=uint32s)
def test_the_c_loop_gives_numpys_minimums(hashes):
    parts = np.array(hashes, dtype=np.uint32)
    a, b = resolve._permutations()
    assert C.signature(parts, a, b) == resolve._numpy_signature(parts, a, b)


def test_a_signature_is_datasketchs_minhash_of_the_shingle_hashes():
    from datasketch import MinHash

    text = ("The interior ministry said the new cameras at the northern border crossing "
            "would read number plates and faces of everyone passing through, day and night.")
    reference = MinHash(num_perm=resolve.NUM_PERM, seed=resolve.MINHASH_SEED, scheme="affine32",
                        hashfunc=int)  # the shingle hashes are the input, as resolve feeds them
    for h in resolve.shingles(text):
        reference.update(int(h))
    expected = np.asarray(reference.hashvalues, dtype="<u4").tobytes()
    assert resolve.signature(text) == expected
    parts = resolve.shingles(text)
    assert resolve._numpy_signature(parts, *resolve._permutations()) == expected


@needs_c
def test_buffers_that_are_not_uint32_are_refused():
    a, b = resolve._permutations()
    with pytest.raises(TypeError, match="hashes must be a contiguous buffer of uint32"):
        C.signature(np.arange(5, dtype=np.int64), a, b)
    with pytest.raises(ValueError, match="one value per permutation"):
        C.signature(np.arange(5, dtype=np.uint32), a, b[:, :10].copy())


@needs_c
def test_signature_uses_the_c_loop_when_it_is_built():
    assert resolve._MINHASH is C


def test_the_c_loop_is_built_unless_the_install_is_pure():
    if _native.env_flag("CUSTODES_PURE"):
        pytest.skip("CUSTODES_PURE is set: custodes was installed as Python")
    expected_built = not _native.env_flag("CUSTODES_SOURCES")
    assert (C is not None) == expected_built, "scripts/setup did not build custodes._minhash"


ascii_texts = st.lists(st.sampled_from(
    list("abcXYZ019_ -,.;:!?'\"()[]\n\t\x0b\x00/") + ["Camera", "FACE", "id_2", "n0", "  "]),
    max_size=200).map("".join) | st.text(st.characters(max_codepoint=127), max_size=200)


@needs_c
@settings(max_examples=300, deadline=None)
@given(text=ascii_texts, size=st.integers(1, 6))
def test_the_c_shingles_of_ascii_text_are_the_python_ones(text, size):
    """Words are runs of letters, digits and '_', lower-cased; a text shorter than a shingle is
    one padded shingle; no words, no shingles: custodes._minhash and numpy agree on all of it."""
    c_hashes = np.frombuffer(C.ascii_shingles(text.encode("ascii"), size), dtype=np.uint32)
    assert c_hashes.tolist() == resolve._python_shingle_hashes(text, size).tolist()


@needs_c
def test_signatures_use_the_c_shingles_for_ascii_text_only():
    english = "Border guards tested FACE scanners at 3 crossings_north, the ministry said."
    assert resolve._shingle_hashes(english).tolist() == resolve._python_shingle_hashes(english).tolist()
    accented = "La gendarmerie a testé des caméras à la frontière, selon le ministère."
    assert resolve._shingle_hashes(accented).tolist() == resolve._python_shingle_hashes(accented).tolist()
    with pytest.raises(ValueError, match="size must be 1 to 6 words"):
        C.ascii_shingles(b"a b c", 7)
