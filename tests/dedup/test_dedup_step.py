from __future__ import annotations

from datetime import timedelta

from akhbar.pipeline import Ingestor
from akhbar.pipeline.intel_step import intel_steps
from tests.cluster.corpus import ARTICLES, IntelStore


def test_wire_copy_is_linked_to_its_original(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    pairs = intel_store.relation_pairs("duplicate-of")
    assert pairs == [(corpus_ids["train_copy"], corpus_ids["train_wire"])]


def test_copy_is_linked_to_the_earliest_copy_of_the_group(intel_store: IntelStore) -> None:
    wire, copy = ARTICLES["train_wire"], ARTICLES["train_copy"]
    # The copy arrives first but was published later; a third copy then joins the group.
    third = copy.raw("third")
    third.source_name, third.url = "عكاظ", "https://example.org/third"
    third.body = third.body.rsplit("\n\n", 1)[0]  # its ending cut once more
    assert third.published_at is not None
    third.published_at += timedelta(hours=5)
    ingestor = Ingestor(intel_store, steps=intel_steps(intel_store))
    ingestor.ingest([copy.raw("train_copy"), wire.raw("train_wire"), third])
    copy_id, wire_id, third_id = ingestor.report.new_ids
    links = dict(intel_store.relation_pairs("duplicate-of"))
    assert links[wire_id] == copy_id  # the only copy stored then
    assert links[third_id] == wire_id  # earliest published of the group


def test_exact_copy_linked_by_fingerprint_adds_no_band_rows(intel_store: IntelStore) -> None:
    wire = ARTICLES["train_wire"]
    again = wire.raw("again")
    again.source_name = "الشروق"
    ingestor = Ingestor(intel_store, steps=intel_steps(intel_store))
    ingestor.ingest([wire.raw("train_wire"), again])
    first, second = ingestor.report.new_ids
    assert intel_store.relation_pairs("duplicate-of") == [(second, first)]
    assert intel_store.minhash_signatures([first, second]).keys() == {first}


def test_unrelated_articles_are_never_linked(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    linked = {a for pair in intel_store.relation_pairs("duplicate-of") for a in pair}
    assert linked == {corpus_ids["train_wire"], corpus_ids["train_copy"]}
