"""Moved to `aligner.langid` (three stages use it); this name stays an alias for existing imports."""

import sys

from aligner import langid as _langid

sys.modules[__name__] = _langid
