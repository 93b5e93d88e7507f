"""`aligner check`: the quality gate for CI."""

from __future__ import annotations

from pathlib import Path

import click

from aligner.cli.common import (CONTEXT_SETTINGS, build_config, config_option, encoder_options, fail_on_option,
                                format_option, note, output_option, require_path, writable_target, write_text)
from aligner.model import CATEGORIES, SEVERITIES

FORMATS = ("text", "json", "sarif", "junit", "github")


def _default_target() -> str:
    out = Path("out")
    return "out" if (out / "flags.jsonl").is_file() else "corpus"


@click.command("check", context_settings=CONTEXT_SETTINGS)
@click.argument("target", type=click.Path(readable=False), required=False)
@config_option
@fail_on_option(None, "Fail on findings of this severity or worse [config gate.fail_on; default: error].")
@click.option("--max-findings", type=click.IntRange(min=0), default=None,
              help="How many failing findings are tolerated [config gate.max_findings; default: 0].")
@click.option("--category", "categories", type=click.Choice(CATEGORIES), multiple=True, metavar="CATEGORY",
              help=f"Only findings of this category count (repeatable; one of {', '.join(CATEGORIES)}) "
                   "[config gate.categories; default: all].")
@click.option("--report-on", type=click.Choice(SEVERITIES), default=None,
              help="List findings of this severity or worse [config gate.report_on; default: warning].")
@click.option("--ignore-fixed/--count-fixed", default=None,
              help="Whether findings the cleaning stage fixed count [config gate.ignore_fixed; default: count].")
@click.option("--baseline", type=click.Path(readable=False), default=None, metavar="PREVIOUS",
              help="An earlier output folder or flags.jsonl: only findings not in it count; SARIF marks "
                   "new/unchanged/absent, github annotates new ones only [config gate.baseline; default: a "
                   "corpus folder's own aligner-baseline.jsonl].")
@click.option("--no-baseline", is_flag=True, default=False,
              help="Ignore any configured or corpus baseline: every finding counts.")
@format_option(FORMATS, "text",
               "Report format: text, json, sarif (SARIF 2.1.0), junit (JUnit XML) or github (annotations).")
@output_option("Write the report to this file (atomically), or - for stdout.")
@click.option("--out", "out_dir", type=click.Path(readable=False), default=None, metavar="DIR",
              help="When TARGET is a corpus: also write the run's output files here (as `aligner run --out`).")
@click.option("--verify", type=click.Choice(["quick", "full", "none"]), default="full", show_default=True,
              help="Check first that an output folder holds one whole run: SHA-256 of every file (full), "
                   "sizes and run ids (quick), or not at all.")
@encoder_options
def check_cmd(target, config_path, fail_on, max_findings, categories, report_on, ignore_fixed, baseline,
              no_baseline, fmt, output, out_dir, verify, encoder, no_cache, cache_dir, threads):
    """Gate TARGET for CI: exit 0 if it passes, 1 if it fails, 2 on a usage or input error.

    TARGET is the output folder of `aligner run` (with flags.jsonl and summary.json), or
    a corpus folder, which is run through the whole pipeline first. Default: `out` if it
    holds a run, else `corpus`.

    The thresholds come from [tool.aligner.gate] in pyproject.toml or [gate] in
    aligner.toml; options override them. The report is written before the exit code
    is decided, so CI always gets it.

    \b
    Examples:
      aligner check out                              # gate a finished run
      aligner check corpus --fail-on warning         # run the pipeline, then gate
      aligner check locales --fail-on warning        # gate .po/.xlf translation files (unit id, line)
      aligner check out --category untranslated --category number --max-findings 3
      aligner check out -f sarif -o aligner.sarif    # for GitHub code scanning
      aligner check out -f junit -o aligner-junit.xml
      aligner check out -f github                    # annotations in a GitHub Actions job
      aligner check out --baseline main-out --fail-on warning   # fail only on new findings
    """
    from aligner.output.gate import check, check_run, is_output_folder, read_baseline, render

    target = target or _default_target()
    require_path(target, "dir", "run output folder or corpus folder")
    if out_dir is not None and is_output_folder(Path(target)):
        raise click.UsageError("--out only applies when TARGET is a corpus (this is the output folder of a run)")
    if out_dir is not None:
        writable_target(out_dir, "dir")
    if output != "-":
        writable_target(output, "file")
    if baseline is not None and no_baseline:
        raise click.UsageError("--baseline and --no-baseline exclude each other")
    if baseline is not None:
        require_path(baseline, "any", "baseline (an earlier output folder or flags.jsonl)")
    cfg = build_config(
        config_path, search_from=target,
        gate__fail_on=fail_on, gate__max_findings=max_findings,
        gate__categories=list(categories) if categories else None,
        gate__report_on=report_on, gate__ignore_fixed=ignore_fixed,
        encoder__name=encoder, encoder__cache=False if no_cache else None,
        encoder__cache_dir=cache_dir, encoder__threads=threads,
    )
    if is_output_folder(Path(target)):
        result = check(target, config=cfg, verify=verify, baseline="" if no_baseline else baseline)
    else:  # a corpus: run the pipeline here, in the CLI layer, then gate what it found
        from aligner import pipeline

        base = read_baseline(target, cfg, "" if no_baseline else baseline)  # first: a bad one fails before the run
        run_result = pipeline.run(target, out_dir, config=cfg, write=out_dir is not None)
        result = check_run(run_result, config=cfg, source=str(target), baseline=base)
    write_text(output, render(result, fmt))
    if output != "-":
        note(f"{fmt} report written to {output}")
    if result.passed:
        note(f"gate passed: {result.summary}")
    result.raise_for_status()
