"""aligner.embed.cache: re-runs encode nothing, concurrent runs share a file, damage is never trusted."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from aligner.embed.cache import CachedEncoder, EmbeddingStore, entry_key
from fakes import FakeEncoder

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CORPUS = [f"sentence number {i} about topic {i % 7}" for i in range(300)] + ["Kumain ka na ba?", "Il gatto dorme."]


def cached(tmp_path, **kw) -> CachedEncoder:
    return CachedEncoder(FakeEncoder(**kw), tmp_path / "cache")


def test_second_run_encodes_nothing(tmp_path):
    first = cached(tmp_path)
    a = first.encode(CORPUS)
    assert sum(first.inner.calls) == len(CORPUS)
    first.close()
    second = cached(tmp_path)  # a new run: new encoder object, same folder
    b = second.encode(CORPUS)
    assert second.inner.calls == []
    assert second.stats == {"hits": len(CORPUS), "misses": 0}
    np.testing.assert_array_equal(a, b)  # stored exactly, float32 bytes


def test_only_new_texts_are_encoded_and_order_is_kept(tmp_path):
    enc = cached(tmp_path)
    enc.encode(CORPUS[:100])
    mixed = [CORPUS[150], CORPUS[3], "brand new", CORPUS[3], CORPUS[150], "brand new"]
    out = enc.encode(mixed)
    assert enc.inner.calls[-1] == 2  # CORPUS[150] and "brand new", each once
    np.testing.assert_array_equal(out, FakeEncoder().encode(mixed))


def test_kind_is_part_of_the_key(tmp_path):
    """A query vector must never be served for a passage of the same text."""
    assert entry_key("query", "x") != entry_key("passage", "x")
    enc = cached(tmp_path)
    enc.encode(["same text"], kind="passage")
    enc.encode(["same text"], kind="query")
    assert enc.inner.calls == [1, 1]


def test_a_new_encoder_signature_gets_its_own_file(tmp_path):
    a, b = cached(tmp_path, dim=64), cached(tmp_path, dim=32)
    a.encode(["x"])
    b.encode(["x"])
    assert a.path != b.path and b.inner.calls == [1]


def test_empty_input_and_interface(tmp_path):
    enc = cached(tmp_path)
    assert enc.encode([]).shape == (0, 64) and enc.inner.calls == []
    assert enc.name == "fake" and enc.dim == 64 and enc.signature() == enc.inner.signature()
    with pytest.raises(TypeError):
        enc.encode("x")
    with pytest.raises(ValueError):
        enc.encode(["x"], kind="doc")


def test_unusable_cache_folder_degrades_to_uncached(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    enc = CachedEncoder(FakeEncoder(), blocker)
    out = enc.encode(["x", "y"])
    np.testing.assert_array_equal(out, FakeEncoder().encode(["x", "y"]))
    assert "continuing without it" in caplog.text


# ---------------------------------------------------------------- damaged files

def _fill(tmp_path) -> Path:
    enc = cached(tmp_path)
    enc.encode(CORPUS)
    path = enc.path
    enc.close()  # checkpoints the WAL into the main file
    assert path.is_file() and not Path(str(path) + "-wal").exists()
    return path


def _truncate(path: Path):
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.truncate(size // 2)


def _garble_header(path: Path):
    with path.open("r+b") as fh:
        fh.write(b"\xde\xad\xbe\xef" * 32)


def _garble_middle(path: Path):
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(0)
    for pos in rng.integers(len(data) // 4, len(data), size=len(data) // 10):
        data[pos] ^= 0x5A
    path.write_bytes(bytes(data))


def _flip_one_vector(path: Path):
    """Damage a single stored vector in place: only a checksum can notice that."""
    vec = FakeEncoder().encode([CORPUS[42]])[0].astype("<f4").tobytes()
    data = bytearray(path.read_bytes())
    at = data.find(vec)
    assert at > 0
    data[at + 17] ^= 0x01
    path.write_bytes(bytes(data))


def _empty_file(path: Path):
    path.write_bytes(b"")


@pytest.mark.parametrize("damage", [_truncate, _garble_header, _garble_middle, _flip_one_vector, _empty_file])
def test_damaged_cache_is_detected_and_rebuilt(tmp_path, damage):
    path = _fill(tmp_path)
    damage(path)
    enc = cached(tmp_path)
    out = enc.encode(CORPUS)
    np.testing.assert_array_equal(out, FakeEncoder().encode(CORPUS))  # never a damaged vector
    if damage is not _empty_file:  # an empty file is simply a new database
        assert sum(enc.inner.calls) > 0, "the damage went unnoticed"
    enc.close()
    healed = cached(tmp_path)  # rebuilt: the next run is fully cached again
    np.testing.assert_array_equal(healed.encode(CORPUS), out)
    assert healed.inner.calls == []


def test_a_file_of_another_signature_is_not_trusted(tmp_path):
    path = _fill(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET v = '{\"name\": \"other\"}' WHERE k = 'signature'")
    conn.commit()
    conn.close()
    enc = cached(tmp_path)
    enc.encode(CORPUS[:5])
    assert enc.inner.calls == [5] and enc.store.rebuilds == 1
    assert Path(str(path) + ".corrupt").is_file()


def test_store_rejects_vectors_of_the_wrong_size(tmp_path):
    store = EmbeddingStore(tmp_path / "s.sqlite", {"name": "x"}, dim=4)
    with pytest.raises(ValueError, match="dim 4"):
        store.put_many([(b"k" * 16, np.zeros(3, np.float32))])
    store.put_many([(b"k" * 16, np.arange(4, dtype=np.float32))])
    assert store.count() == 1
    np.testing.assert_array_equal(store.get_many([b"k" * 16])[b"k" * 16], np.arange(4, dtype=np.float32))


# ---------------------------------------------------------------- two processes at once

WRITER = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{root!r}, {tests!r}]
    import numpy as np
    from aligner.embed.cache import CachedEncoder
    from fakes import FakeEncoder
    start, offset, cache = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    texts = [f"shared text {{i}}" for i in range(offset, offset + 600)]
    enc = CachedEncoder(FakeEncoder(), cache)
    while time.time() < start:
        time.sleep(0.005)
    for i in range(0, len(texts), 20):  # many small transactions, interleaved with the other writer
        batch = texts[i:i + 20]
        assert np.array_equal(enc.encode(batch), FakeEncoder().encode(batch))
    print(enc.stats["misses"])
""")


def test_two_processes_write_the_same_cache_at_once(tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT), tests=str(TESTS)))
    cache = tmp_path / "cache"
    start = time.time() + 1.5
    procs = [subprocess.Popen([sys.executable, str(script), str(start), str(offset), str(cache)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for offset in (0, 300)]  # 300 texts overlap
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        assert "unusable" not in err and "damaged" not in err, err
    union = [f"shared text {i}" for i in range(900)]
    check = CachedEncoder(FakeEncoder(), cache)
    np.testing.assert_array_equal(check.encode(union), FakeEncoder().encode(union))
    assert check.inner.calls == []  # everything both wrote is there and intact
