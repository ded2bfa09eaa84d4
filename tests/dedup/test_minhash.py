from __future__ import annotations

import numpy as np
import pytest

from akhbar.arabic import normalize_for_match
from akhbar.dedup.minhash import (
    BANDS,
    NUM_PERM,
    band_hashes,
    estimate_jaccard,
    is_near_copy,
    overlap,
    shingle_hashes,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)
from tests.cluster.corpus import ARTICLES, TRAIN_COPY, TRAIN_WIRE


def shingles(text: str) -> np.ndarray:
    return shingle_hashes(normalize_for_match(text))


def test_punctuation_and_letter_variants_give_the_same_shingles() -> None:
    plain = "قال وزير الخارجية إن المفاوضات مستمرة، وإن الاتفاق قريب."
    varied = "قالَ وزير الخارجيه ان المفاوضات مستمرة , وان الإتفاق قريب"
    assert np.array_equal(shingles(plain), shingles(varied))


def test_signature_is_stable_and_round_trips_through_bytes() -> None:
    sig = signature(shingles(TRAIN_WIRE))
    assert sig.shape == (NUM_PERM,) and sig.dtype == np.uint32
    assert np.array_equal(signature_from_bytes(signature_to_bytes(sig)), sig)
    # Fixed constants: the same text always gets the same signature (stored ones stay valid).
    assert np.array_equal(signature(shingles(TRAIN_WIRE)), sig)


def test_estimate_tracks_exact_jaccard() -> None:
    a, b = shingles(TRAIN_WIRE), shingles(TRAIN_COPY)
    exact = overlap(a, b).jaccard
    assert abs(estimate_jaccard(signature(a), signature(b)) - exact) < 0.15


def test_wire_copy_with_intro_and_cut_ending_is_a_near_copy() -> None:
    found = overlap(shingles(TRAIN_WIRE), shingles(TRAIN_COPY))
    assert found.containment >= 0.85
    assert is_near_copy(found)


def test_articles_of_one_story_in_other_words_are_not_near_copies() -> None:
    a = shingles(ARTICLES["quake_1"].body)
    b = shingles(ARTICLES["quake_2"].body)
    assert not is_near_copy(overlap(a, b))


def test_a_short_brief_inside_a_long_report_is_not_a_copy_of_it() -> None:
    first_sentence = TRAIN_WIRE.split(".")[0]
    found = overlap(shingles(first_sentence), shingles(TRAIN_WIRE))
    assert found.containment == pytest.approx(1.0)
    assert not is_near_copy(found)


def test_copies_share_a_band_and_unrelated_texts_do_not() -> None:
    wire = set(band_hashes(signature(shingles(TRAIN_WIRE))))
    copy = set(band_hashes(signature(shingles(TRAIN_COPY))))
    other = set(band_hashes(signature(shingles(ARTICLES["opec_1"].body))))
    assert len(wire) == BANDS
    assert wire & copy
    assert not wire & other
    assert all(0 <= h < 2**31 for _, h in wire)


def test_signature_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no shingles"):
        signature(shingles("كلمة"))


def test_shingles_are_sorted_and_distinct() -> None:
    text = normalize_for_match("أ ب أ ب أ ب ج د ج د " * 5)
    shingles = shingle_hashes(text)
    assert shingles.dtype == np.uint64
    assert shingles.tolist() == sorted(set(shingles.tolist()))
    # The distinct ordered word pairs: أ ب, ب أ, ب ج, ج د, د ج, د أ.
    assert shingles.size == 6
