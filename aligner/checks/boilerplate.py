"""Boilerplate: the site chrome the segmenter kept out of the sentences, reported so the dataset says so."""

from __future__ import annotations

from aligner.checks.base import Check, register


@register
class Boilerplate(Check):
    code = "boilerplate"
    category = "boilerplate"
    severity = "info"
    summary = "Site chrome, navigation or a template placeholder was removed from the text."
    help = ("Web pages carry text that is not part of the article: 'Skip to main content', menus, feedback "
            "prompts, unfilled template placeholders such as '$config[code] not found'. The segmenter keeps "
            "these spans out of the sentences (documents.jsonl `removed`, with its reason); this check reports "
            "each one so a reviewer sees what was dropped. Already fixed: nothing to do unless a real sentence "
            "was removed by mistake.")
    params = {"ignore_reasons": ["blank", "whitespace", "empty"]}

    def find(self, ctx, doc):
        ignore = set(self.ignore_reasons)
        for r in doc.removed:
            if not doc.raw[r.start:r.end].strip() or r.reason in ignore:
                continue  # blank separators are not chrome
            # Evidence without the surrounding blank lines.
            text = doc.raw[r.start:r.end]
            start = r.start + (len(text) - len(text.lstrip()))
            end = r.end - (len(text) - len(text.rstrip()))
            yield self.flag(doc, start, end, f"Removed from the text as {r.reason}: not part of the article.",
                            fix="", fixed=True, sentence=None)
