"""Send log: durable lines, folding per key, torn lines, exclusive lock."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from mail_helpers import read_log

from lketool.mailer import MailConfigError, SendLogWriter, read_sendlog


def test_each_record_is_fsynced_before_returning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    log = tmp_path / "sendlog.jsonl"

    def spy(fd: int) -> None:
        # At fsync time the line must already be flushed to the OS.
        synced.append(len(log.read_bytes()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    with SendLogWriter(log) as w:
        w.record("queued", "k1", "Unit A", envelope=["a@x.go.id"])
        w.record("sent", "k1", "Unit A", accepted=["a@x.go.id"], refused={}, reason=None)
    sizes = [len(line) + 1 for line in log.read_bytes().splitlines()]
    assert synced == [sizes[0], sizes[0] + sizes[1]]
    entries = read_log(log)
    assert [e["state"] for e in entries] == ["queued", "sent"]
    assert all({"time", "key", "unit", "state"} <= set(e) for e in entries)


def test_fold_tracks_accepted_addresses_and_uncertain_state(tmp_path: Path) -> None:
    log = tmp_path / "sendlog.jsonl"
    with SendLogWriter(log) as w:
        w.record("queued", "k1", "A", envelope=["a@x.go.id", "b@x.go.id"])
        w.record("partial", "k1", "A", accepted=["a@x.go.id"], refused={"b@x.go.id": "550 tidak ada"})
        w.record("queued", "k2", "B", envelope=["c@x.go.id"])  # no result: cut off mid-transaction
        w.record("queued", "k3", "C", envelope=["d@x.go.id"])
        w.record("failed", "k3", "C", accepted=[], refused={}, reason="koneksi terputus")
        w.record("failed", None, "D", reason="tidak ada alamat")  # logged, but no key
    state = read_sendlog(log)
    assert state.get("k1").remaining(["A@x.go.id", "b@x.go.id"]) == ["b@x.go.id"]
    assert not state.get("k1").uncertain
    assert state.get("k2").uncertain
    assert state.get("k3").remaining(["d@x.go.id"]) == ["d@x.go.id"] and not state.get("k3").uncertain
    assert state.get("unknown").remaining(["e@x.go.id"]) == ["e@x.go.id"]
    assert set(state.keys) == {"k1", "k2", "k3"}


def test_torn_last_line_is_skipped_and_next_record_starts_on_new_line(tmp_path: Path) -> None:
    log = tmp_path / "sendlog.jsonl"
    with SendLogWriter(log) as w:
        w.record("sent", "k1", "A", accepted=["a@x.go.id"])
    with open(log, "ab") as fh:
        fh.write(b'{"time": "2026-11-21T10:00:00", "key": "k2", "st')  # power cut mid-write
    assert read_sendlog(log).bad_lines == 1
    with SendLogWriter(log) as w:
        w.record("sent", "k2", "B", accepted=["b@x.go.id"])
    state = read_sendlog(log)
    assert state.bad_lines == 1
    assert state.get("k1").remaining(["a@x.go.id"]) == []
    assert state.get("k2").remaining(["b@x.go.id"]) == []


def test_second_writer_on_same_log_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "sendlog.jsonl"
    with SendLogWriter(log):
        with pytest.raises(MailConfigError, match="sedang dipakai"):
            SendLogWriter(log).open()
    with SendLogWriter(log) as w:  # released after the first one closed
        w.record("sent", "k", "A", accepted=[])
