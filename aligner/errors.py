"""Typed exceptions. The library raises these; only the CLI turns them into exit codes."""


class AlignerError(Exception):
    """Base class of every error the toolkit raises on purpose."""


class InputError(AlignerError):
    """A path or a file the user gave cannot be used (missing, unreadable, binary, empty...)."""


class ConfigError(AlignerError):
    """A configuration file or option is malformed or names an unknown key."""


class EncoderError(AlignerError):
    """An encoder cannot be found or loaded (unknown name, missing package, model not available offline)."""


class GateFailed(AlignerError):
    """The quality gate found findings at or above the failing severity."""


class OutputLocked(InputError):
    """Another run holds the lock of the output folder."""


class IncompleteOutput(InputError):
    """An output folder does not hold one whole run (interrupted while moving files, or files of two runs)."""
