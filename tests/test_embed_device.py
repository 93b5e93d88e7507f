"""aligner.embed.st device selection: `auto` takes CUDA where torch sees a GPU, with batches that fill it.

No GPU here: torch.cuda is mocked, and the logic (not the speed) is what is tested."""

from __future__ import annotations

import types

import pytest

torch = pytest.importorskip("torch")

from aligner.config import EncoderConfig  # noqa: E402
from aligner.embed.st import GPU_MAX_BATCH, choose_batch_size, choose_device  # noqa: E402
from aligner.errors import EncoderError  # noqa: E402


@pytest.fixture
def gpus(monkeypatch):
    """Pretend torch sees `count` CUDA devices of `gib` GiB each."""
    def fake(count: int, gib: float = 16.0):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: count > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: count)

        def props(index):
            if not 0 <= index < count:
                raise AssertionError(f"asked for the properties of GPU {index}")
            return types.SimpleNamespace(total_memory=int(gib * 2**30), name="FakeGPU")

        monkeypatch.setattr(torch.cuda, "get_device_properties", props)
    return fake


@pytest.mark.parametrize("count, requested, expected", [
    (0, "auto", "cpu"),
    (1, "auto", "cuda"),
    (2, "auto", "cuda"),
    (1, "cpu", "cpu"),  # a user can keep the CPU on a GPU machine
    (2, "cuda:1", "cuda:1"),
    (1, " CUDA ", "cuda"),
    (0, "", "cpu"),
])
def test_choose_device(gpus, count, requested, expected):
    gpus(count)
    assert choose_device(requested) == expected


@pytest.mark.parametrize("count, requested, message", [
    (0, "cuda", "no CUDA GPU"),
    (1, "cuda:1", "sees 1 GPU"),
    (1, "gpu", "must be auto, cpu, cuda"),
    (1, "cuda:x", "must be auto, cpu, cuda"),
])
def test_choose_device_refuses_what_torch_cannot_run(gpus, count, requested, message):
    gpus(count)
    with pytest.raises(EncoderError, match=message):
        choose_device(requested)


@pytest.mark.parametrize("device, gib, configured, expected", [
    ("cpu", 16, 32, 32),  # the CPU keeps the configured batch
    ("cuda", 16, 32, 512),  # 32 texts per GiB
    ("cuda", 4, 32, 128),
    ("cuda", 0.5, 32, 32),  # never below the configured batch
    ("cuda", 80, 32, GPU_MAX_BATCH),  # capped
    ("cuda", 16, 2000, 2000),  # a larger configured batch wins
    ("cuda:1", 8, 32, 256),
])
def test_choose_batch_size(gpus, device, gib, configured, expected):
    gpus(2, gib)
    assert choose_batch_size(device, configured) == expected


def test_device_is_a_validated_config_key(tmp_path):
    from aligner.config import load_config
    from aligner.errors import ConfigError

    assert EncoderConfig().device == "auto"
    good = tmp_path / "good.toml"
    good.write_text('[encoder]\ndevice = "cuda:0"\n')
    assert load_config(good).encoder.device == "cuda:0"
    for text in ("[encoder]\ndevice = 1\n", '[encoder]\ndevice = "gpu"\n'):
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        with pytest.raises(ConfigError, match="device"):
            load_config(bad)


@pytest.mark.slow
def test_st_encoder_runs_on_the_chosen_device_with_the_chosen_batch(gpus, monkeypatch):
    """The backend asks choose_device/choose_batch_size and hands the device to SentenceTransformer."""
    from test_embed_convert import exported_e5_model

    import sentence_transformers

    from aligner.embed import get_encoder

    folder = exported_e5_model()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    seen = {}
    real = sentence_transformers.SentenceTransformer

    def spy(*args, **kwargs):
        seen.update(kwargs)
        kwargs["device"] = "cpu"  # there is no GPU to load it on
        return real(*args, **kwargs)

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", spy)
    gpus(1, 8)
    enc = get_encoder(f"st:{folder}", config=EncoderConfig(cache=False, progress="never"))
    assert seen["device"] == "cuda" and enc.device == "cuda" and enc.batch_size == 256
    assert enc.signature()["device"] == "cuda"
    gpus(0)
    enc = get_encoder(f"st:{folder}", config=EncoderConfig(cache=False, progress="never", batch_size=8))
    assert seen["device"] == "cpu" and enc.batch_size == 8
