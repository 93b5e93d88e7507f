"""The work folder's pickle stream: chunked writing, objects read back one at a time and in order."""

from __future__ import annotations

import pickle

from aligner.engine.work import PickleStream, iter_pickles


def test_pickle_stream_gives_back_every_object_in_order_across_chunks(tmp_path):
    path = tmp_path / "pairs.stream"
    items = [{"n": k, "tag": ("a", k % 3)} for k in range(2 * PickleStream.CHUNK + 5)]
    with PickleStream(path) as stream:
        for x in items:
            stream.add(x)
    assert list(iter_pickles(path)) == items
    with PickleStream(path) as stream:  # nothing added: an empty stream
        pass
    assert list(iter_pickles(path)) == []


def test_pickle_stream_of_an_earlier_version_one_object_per_pickle_is_still_read(tmp_path):
    path = tmp_path / "pairs.stream"
    with open(path, "wb") as fh:
        for k in range(3):
            pickle.dump({"n": k}, fh, protocol=pickle.HIGHEST_PROTOCOL)
    assert list(iter_pickles(path)) == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_pickle_stream_left_unfinished_by_an_error_is_not_put_in_place(tmp_path):
    path = tmp_path / "pairs.stream"
    try:
        with PickleStream(path) as stream:
            stream.add({"n": 1})
            raise RuntimeError("killed")
    except RuntimeError:
        pass
    assert not path.exists() and not list(tmp_path.iterdir())
