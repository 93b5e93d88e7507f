"""Boilerplate: the site chrome the segmenter kept out of the sentences, reported so the dataset says so."""

from __future__ import annotations

import re

from aligner.checks.base import Check, register


_TAGS = re.compile(r"<[^>]*>|<!--.*?-->", re.DOTALL)


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
            "was removed by mistake. HTML markup, scripts, styles and metadata removed by the loader are not reported "
            "(`ignore_reasons`); navigation and forms are.")
    # HTML source that is not text (tags, scripts, styles, head metadata) is not chrome a reader saw
    params = {"ignore_reasons": ["blank", "whitespace", "empty", "markup", "script", "style", "metadata"]}

    def find(self, ctx, doc):
        ignore = set(self.ignore_reasons)
        for r in doc.removed:
            if not doc.raw[r.start:r.end].strip() or r.reason in ignore:
                continue  # blank separators are not chrome
            # Evidence: from the first to the last character a reader would have seen (no blank lines around,
            # and in HTML no tag at either end: the span starts and ends on text, never on markup)
            text = doc.raw[r.start:r.end]
            if doc.format == "html":
                visible = [i for i, ch in enumerate(_TAGS.sub(lambda m: " " * len(m.group()), text)) if not ch.isspace()]
                if not visible:
                    continue  # markup only
                start, end = r.start + visible[0], r.start + visible[-1] + 1
            else:
                start = r.start + (len(text) - len(text.lstrip()))
                end = r.end - (len(text) - len(text.rstrip()))
            yield self.flag(doc, start, end, f"Removed from the text as {r.reason}: not part of the article.",
                            fix="", fixed=True, sentence=None)
