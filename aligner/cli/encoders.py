"""`aligner encoders [NAME...]`: which sentence encoders exist, which work here, their signatures."""

from __future__ import annotations

import json

import click

from aligner.cli.common import config_option


def _hub_models() -> list[dict]:
    """sentence-transformers models already in the local Hugging Face cache (nothing is downloaded)."""
    try:
        from huggingface_hub import scan_cache_dir

        info = scan_cache_dir()
    except Exception:  # noqa: BLE001 - no hub package or no cache: nothing to list
        return []
    rows = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model":
            continue
        for rev in repo.revisions:
            if any(f.file_name == "modules.json" for f in rev.files):
                rows.append({"name": f"st:{repo.repo_id}", "backend": "sentence-transformers",
                             "revision": rev.commit_hash, "source": "Hugging Face cache"})
                break
    return rows


def _describe(sig: dict) -> str:
    prefix = sig.get("prefix") or {}
    prefixes = "/".join(repr(prefix[k]) for k in ("passage", "query") if prefix.get(k)) or "none"
    return f"revision {sig.get('revision')}, dim {sig.get('dim')}, prefixes {prefixes}"


@click.command("encoders", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", nargs=-1)
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def encoders_cmd(names, config_path, as_json):
    """List the sentence encoders, whether each can run here, and their signatures.

    With NAMEs (e.g. e5-small, st:/path/to/model), build those encoders (loading
    the model) and print their full signatures; exit 2 if one cannot be loaded.

    \b
    Examples:
      aligner encoders
      aligner encoders st:/models/LaBSE --json
    """
    from aligner.cli.common import build_config
    from aligner.embed import get_encoder, list_encoders
    from aligner.errors import EncoderError

    cfg = build_config(config_path)
    configured = cfg.encoder.name
    rows: list[dict] = []
    failures: list[str] = []
    if names:
        for name in names:
            try:
                enc = get_encoder(name, config=cfg.encoder.__class__(**{**cfg.encoder.__dict__, "cache": False}))
                sig = enc.signature()
                rows.append({"name": name, "backend": sig.get("backend"), "available": True, "signature": sig})
            except EncoderError as exc:
                rows.append({"name": name, "available": False, "error": str(exc)})
                failures.append(name)
    else:
        for entry in list_encoders():
            row = {k: entry[k] for k in ("name", "backend", "description", "available", "missing", "install")}
            if entry["key"] == "e5-small" and entry["available"]:
                try:
                    from aligner.embed.e5small import E5SmallEncoder

                    row["signature"] = E5SmallEncoder().signature()  # header + weight hash; the model is not loaded
                except EncoderError as exc:
                    row.update(available=False, error=str(exc))
            rows.append(row)
        if any(r["backend"] == "sentence-transformers" and r["available"] for r in rows):
            for hub in _hub_models():
                rows.append({**hub, "available": True, "signature": {"name": hub["name"], "revision": hub["revision"]}})
    for row in rows:
        row["configured"] = row["name"] == configured

    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        width = max(len(r["name"]) for r in rows) + 2
        for r in rows:
            mark = " *" if r["configured"] else ""
            state = "yes" if r["available"] else "NO"
            click.echo(f"{r['name'] + mark:<{width + 2}}{(r.get('backend') or ''):<23}{state:<5}", nl=False)
            if not r["available"]:
                click.echo(r.get("error") or f"missing {', '.join(r.get('missing', []))}: {r.get('install')}")
            elif "signature" in r:
                sig = r["signature"]
                click.echo(_describe(sig) if "dim" in sig else f"revision {sig.get('revision')} ({r.get('source')})")
            else:
                click.echo(r.get("description", ""))
        click.echo("(* = configured encoder; details: aligner encoders NAME)", err=True)
    if failures:
        raise EncoderError(f"cannot load: {', '.join(failures)}")
