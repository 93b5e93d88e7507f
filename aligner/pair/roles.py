"""The role (job) each article describes, in canonical English lower case."""

from __future__ import annotations

from aligner.model import Document


def label_roles(documents: list[Document], encoder, vocabulary=None) -> None:
    """Set doc.role and doc.role_score from the title first, then the body."""
    raise NotImplementedError
