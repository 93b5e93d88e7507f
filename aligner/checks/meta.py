"""Records about the checking itself: a check or stage that failed on a document, checks skipped for one.

The runner (`aligner.checks.run_checks`) writes these; they have no `find` of their own. They are
registered like every check so that their code is one name everywhere (config table, flags.jsonl,
SARIF ruleId, docs/checks.md) and their severity and `enabled` can be set in `[checks.<code>]`.
"""

from __future__ import annotations

from aligner.checks.base import Check, register

CHECK_ERROR = "check-error"
CHECK_SKIPPED = "check-skipped"


@register
class CheckError(Check):
    code = CHECK_ERROR
    category = "other"
    severity = "error"
    summary = "A check or a pipeline stage failed on this document; its findings there are missing."
    help = ("An unexpected error inside one check (or the tokenizer, the aligner or another stage) for one document "
            "or pair does not stop the run: it becomes this finding, naming the check or stage and the error, and "
            "the rest of the run goes on. The document may hold findings that were not reported. It is a bug: "
            "please report it with the message (run with -vv for the traceback). Severity error by default so "
            "that the quality gate does not pass a document that was not fully checked; set "
            "`[checks.check-error] severity = \"warning\"` to let it pass.")


@register
class CheckSkipped(Check):
    code = CHECK_SKIPPED
    category = "other"
    severity = "info"
    summary = "Some checks were skipped for this document: its language lacks what they need."
    help = ("Word-level checks need a language written with spaces between words (not Japanese, Chinese, Thai, Lao, "
            "Khmer, Burmese, Tibetan), some need the language's word-frequency list (wordfreq; Japanese, Chinese and "
            "Korean also need a tokenizer package: mecab-python3, jieba), and `wrong-language` needs the language among "
            "`segment.languages`. When a document's language lacks one of these, those checks are skipped for it and "
            "one record per document says which were skipped and why; the other checks run as usual.")
