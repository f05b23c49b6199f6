"""The command line: `build`, `serve`, `check`; parse arguments, call the build, report."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from . import __version__, report
from .config import Config, ConfigError, load
from .model import Problem


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default="site.toml", help="site settings (default: site.toml)")
    p.add_argument("--content", help="content folder, or an fsspec URL such as s3://bucket/archive "
                   "(overrides site.toml)")
    p.add_argument("--output", help="output folder (overrides site.toml)")


def _publishing(p: argparse.ArgumentParser) -> None:
    p.add_argument("--drafts", action="store_true", help="include drafts, marked as such")
    p.add_argument("--future", action="store_true",
                   help="include articles dated in the future, marked as such")
    p.add_argument("--expired", action="store_true",
                   help="include articles past their expiryDate, marked as such")
    p.add_argument("--base-url", metavar="URL",
                   help="the site's address (overrides base_url in site.toml), e.g. for a "
                        "deploy preview")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="green-archive",
                                  description="Build a green-tech news archive site.")
    top.add_argument("--version", action="version", version=f"green-archive {__version__}")
    sub = top.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build the site into the output folder")
    _common(b)
    b.add_argument("--strict", action="store_true", help="exit 1 when any error is reported")
    b.add_argument("--report", metavar="FILE", help="write the JSON report to FILE")
    b.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    b.add_argument("--cluster", metavar="tcp://HOST:PORT",
                   help="run the per-article stage on this Dask scheduler (see README)")
    b.add_argument("--no-search", action="store_true", help="skip the search index")
    b.add_argument("--quiet", "-q", action="store_true",
                   help="print only the summary (and why, when the build fails)")
    b.add_argument("--force", action="store_true",
                   help="take over an output folder that holds files green-archive did not write")
    _publishing(b)

    s = sub.add_parser("serve", help="build, serve on 127.0.0.1, rebuild on change")
    _common(s)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    s.add_argument("--open", action="store_true", help="open the site in a browser")
    s.add_argument("--no-watch", action="store_true", help="serve without watching")
    _publishing(s)

    c = sub.add_parser("check", help="parse and report problems without writing a site")
    _common(c)
    c.add_argument("--strict", action="store_true")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--explain", metavar="FILE", help="show how FILE is read, dated and tagged")
    c.add_argument("--suggest", action="store_true",
                   help="list companies mentioned in the content but missing from the taxonomy")
    _publishing(c)

    n = sub.add_parser("new", help="write a new dated article file and print its path")
    _common(n)
    n.add_argument("title", help="the article's title")
    n.add_argument("--slug", help="the URL slug (default: from the title)")
    n.add_argument("--draft", action="store_true", help="mark it as a draft")
    return top


def load_config(args: argparse.Namespace) -> Config:
    cfg = load(Path(args.config), content_dir=args.content, output_dir=args.output)
    given = {name: True for name in ("drafts", "future", "expired")
             if getattr(args, name, False)}
    base_url = getattr(args, "base_url", None)
    if base_url is not None:
        if not base_url.startswith(("http://", "https://", "/")):
            raise ConfigError([Problem("--base-url", None, "error", "config-value",
                                       f"--base-url must be an http(s) URL or start with `/`, "
                                       f"not {base_url!r}")])
        given["base_url"] = base_url if base_url.endswith("/") else base_url + "/"
    return replace(cfg, **given) if given else cfg


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        cfg = load_config(args)
    except ConfigError as exc:
        for p in exc.problems:
            print(report.line(p), file=sys.stderr)
        return report.EXIT_CONFIG
    if args.command in ("serve", "new") and isinstance(cfg.content, str):
        print(f"{cfg.content_dir}: error content-remote: `{args.command}` needs a content folder "
              "on this machine; `build` and `check` read a content URL", file=sys.stderr)
        return report.EXIT_CONFIG
    try:
        if args.command == "build":
            return cmd_build(cfg, args)
        if args.command == "check":
            from .check import cmd_check

            return cmd_check(cfg, args)
        if args.command == "new":
            from .new import cmd_new

            return cmd_new(cfg, args)
        from .serve import cmd_serve

        return cmd_serve(cfg, args)
    except KeyboardInterrupt:
        print("interrupted; the next build repairs anything left half-done", file=sys.stderr)
        return 130
    except OSError as exc:  # a failure no stage turned into a problem: one line, no traceback
        where = exc.filename or cfg.path("output_dir")
        print(f"{where}: error io-failed: {exc.strerror or exc} (fix the cause, then run again)",
              file=sys.stderr)
        return report.EXIT_ERRORS


def cmd_build(cfg: Config, args: argparse.Namespace) -> int:
    from .build import run
    from .progress import Progress

    def waiting(pid: int) -> None:
        print(f"waiting for another build (pid {pid or '?'}) of {cfg.path('output_dir')} "
              "to finish…", file=sys.stderr, flush=True)

    if args.cluster:
        cfg = replace(cfg, cluster=args.cluster)
    with Progress(enabled=not args.quiet) as progress:
        result = run(cfg, progress=progress, jobs=args.jobs,
                     search_index=False if args.no_search else None, force=args.force,
                     waiting=waiting)
    for p in result.problems:
        # -q hides the problem lines of a build that worked, never why a build failed
        if not args.quiet or (not result.ok and p.severity == "error"):
            print(report.line(p), file=sys.stderr)
    print(report.summary(result.problems), file=sys.stderr)
    if args.report:
        try:
            Path(args.report).write_text(report.as_json(result, result.problems),
                                         encoding="utf-8")
        except OSError as exc:
            print(f"{args.report}: error report-failed: cannot write the report: "
                  f"{exc.strerror}", file=sys.stderr)
            return report.EXIT_ERRORS
    timings = ", ".join(f"{name} {sec:.2f}s" for name, sec in result.timings)
    if result.ok:
        print(f"built {result.articles} articles ({result.skipped} files skipped, "
              f"{result.reused} from cache): {result.written} files written, "
              f"{result.unchanged} unchanged, {result.removed} removed [{timings}]")
        print(f"site: {result.output}\npreview: python -m builder serve   "
              f"(or open {Path(result.output) / 'index.html'})")
    else:
        print("build failed (see the error above)", file=sys.stderr)
    return report.exit_code(result.problems, args.strict, result.ok)
