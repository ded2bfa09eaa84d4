from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from akhbar.dedup.minhash import band_month, nearby_months
from akhbar.models import RawArticle
from akhbar.pipeline import Ingestor
from akhbar.pipeline.intel_step import intel_steps
from akhbar.store import SQLiteStore
from tests.cluster.corpus import ARTICLES, IntelStore
from tests.conftest import store_before_migration


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


# --- where copies are looked for: the article's month and the nearer neighbouring month ------


def _wire_and_copy(wire_at: datetime, copy_at: datetime | None) -> list[RawArticle]:
    wire, copy = ARTICLES["train_wire"].raw("wire"), ARTICLES["train_copy"].raw("copy")
    wire.published_at, copy.published_at = wire_at, copy_at
    return [wire, copy]


def test_copy_across_a_month_boundary_is_linked(intel_store: IntelStore) -> None:
    night = datetime(2023, 10, 31, 23, 30, tzinfo=UTC)
    ingestor = Ingestor(intel_store, steps=intel_steps(intel_store))
    ingestor.ingest(_wire_and_copy(night, night + timedelta(hours=2)))  # 1 November
    wire_id, copy_id = ingestor.report.new_ids
    assert intel_store.relation_pairs("duplicate-of") == [(copy_id, wire_id)]


@pytest.mark.parametrize(
    ("wire_day", "copy_day"),
    [
        (datetime(2023, 10, 2), datetime(2023, 10, 30)),
        (datetime(2023, 10, 20), datetime(2023, 11, 2)),
    ],
)
def test_copy_within_the_window_is_linked(
    intel_store: IntelStore, wire_day: datetime, copy_day: datetime
) -> None:
    ingestor = Ingestor(intel_store, steps=intel_steps(intel_store))
    ingestor.ingest(_wire_and_copy(wire_day.replace(tzinfo=UTC), copy_day.replace(tzinfo=UTC)))
    wire_id, copy_id = ingestor.report.new_ids
    assert intel_store.relation_pairs("duplicate-of") == [(copy_id, wire_id)]


def test_copy_out_of_the_window_is_a_new_original(intel_store: IntelStore) -> None:
    # The documented window (akhbar/dedup/minhash.py): the copy's month and the nearer
    # neighbour. 20 November looks at November and December, not at 25 October.
    wire_at = datetime(2023, 10, 25, 9, 0, tzinfo=UTC)
    ingestor = Ingestor(intel_store, steps=intel_steps(intel_store))
    ingestor.ingest(_wire_and_copy(wire_at, datetime(2023, 11, 20, 9, 0, tzinfo=UTC)))
    assert intel_store.relation_pairs("duplicate-of") == []


def test_months_of_band_rows_count_from_the_epoch_in_utc() -> None:
    late = int(datetime(2023, 10, 31, 23, 30, tzinfo=UTC).timestamp())
    early = int(datetime(2023, 11, 1, 0, 30, tzinfo=UTC).timestamp())
    october = 2023 * 12 + 9
    assert band_month(late) == october
    assert nearby_months(late) == (october, october + 1)
    assert nearby_months(early) == (october, october + 1)
    assert nearby_months(int(datetime(2023, 10, 15, tzinfo=UTC).timestamp())) == (
        october - 1,
        october,
    )


def test_migration_keys_existing_band_rows_by_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store made before band rows had a month: its rows move under the month of their
    # article's publication (else import) time, the one the dedup step now computes.
    path = str(tmp_path / "old.db")
    store = store_before_migration(7, path, monkeypatch)
    dated, undated = _wire_and_copy(datetime(2023, 10, 31, 23, 30, tzinfo=UTC), None)
    Ingestor(store).ingest([dated, undated])
    ids = [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id")]
    store.db.executemany(
        "INSERT INTO minhash_bands (band, hash, article_id) VALUES (?, ?, ?)",
        [(band, 1000 + band, i) for i in ids for band in range(3)],
    )
    imported = store.db.execute("SELECT imported_at FROM articles WHERE id = ?", (ids[1],))
    imported_at = datetime.fromisoformat(imported.fetchone()[0].replace("Z", "+00:00"))
    store.close()
    monkeypatch.undo()

    store = SQLiteStore(path)
    rows = store.db.execute("SELECT month, band, hash, article_id FROM minhash_bands").fetchall()
    store.close()
    dated_month = band_month(int(datetime(2023, 10, 31, 23, 30, tzinfo=UTC).timestamp()))
    undated_month = band_month(int(imported_at.timestamp()))
    assert sorted(rows) == sorted(
        [(dated_month, band, 1000 + band, ids[0]) for band in range(3)]
        + [(undated_month, band, 1000 + band, ids[1]) for band in range(3)]
    )
