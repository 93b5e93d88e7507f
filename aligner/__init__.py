"""aligner: multilingual web articles in, a clean sentence-aligned parallel dataset out.

Importing the package is cheap on purpose: the encoder, torch and the language
identifier load only when a pipeline stage needs them.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "read_aligned", "run"]


def __getattr__(name):
    # Lazy public API: keeps `import aligner` free of numpy/torch/model loading.
    if name == "read_aligned":
        from aligner.output.api import read_aligned

        return read_aligned
    if name == "run":
        from aligner.pipeline import run

        return run
    raise AttributeError(f"module 'aligner' has no attribute {name!r}")
