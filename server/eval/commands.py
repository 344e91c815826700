"""``shotcaller eval`` and ``shotcaller train classifier``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CLASSIFIER = ROOT / "models" / "eval-classifier"


def _train_classifier(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from .classifier import train_classifier

    options = {"steps": args.steps} if args.steps is not None else {}
    try:
        train_classifier(args.corpus, args.out, **options)
    except (FileNotFoundError, ValueError) as e:  # no corpus there / no train or test notes
        raise UsageError(str(e)) from e
    print(json.loads((Path(args.out) / "accuracy.json").read_text()))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from ..errors import UsageError
    from .evaluate import EvalConfig, evaluate

    for flag, path in (("--model", args.model), ("--corpus", args.corpus)):
        if not Path(path).exists():
            raise UsageError(f"{flag} {path}: does not exist")
    if not (Path(args.classifier) / "config.json").is_file():
        raise UsageError(f"--classifier {args.classifier}: no trained classifier there "
                         "(shotcaller train classifier --corpus DIR --out DIR)")
    cfg = EvalConfig(model=Path(args.model), corpus=Path(args.corpus),
                     classifier=Path(args.classifier), prompts=Path(args.prompts),
                     attributes=Path(args.attributes), out=Path(args.out))
    results = evaluate(cfg)
    print(json.dumps(results, indent=2))
    print(f"spectrogram sheet: {cfg.out / 'renders.png'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.choices["train"]._shotcaller_sub.add_parser(
        "classifier", help="train the evaluation's sound-class classifier")
    t.add_argument("--corpus", required=True)
    t.add_argument("--out", default=str(DEFAULT_CLASSIFIER))
    t.add_argument("--steps", type=int, default=None,
                   help="training steps at batch 64 (default 3000, as the shipped classifier)")
    t.set_defaults(func=_train_classifier)

    e = sub.add_parser("eval", help="evaluate a model on producer prompts and the test split")
    e.add_argument("--model", default=str(ROOT / "models" / "shotcaller-small"))
    e.add_argument("--corpus", required=True)
    e.add_argument("--classifier", default=str(DEFAULT_CLASSIFIER))
    e.add_argument("--prompts", default=str(ROOT / "tests" / "data" / "prompts.jsonl"))
    e.add_argument("--attributes", default=str(ROOT / "tests" / "data" / "attributes.json"))
    e.add_argument("--out", default="eval-out", help="folder for eval.json and renders.png")
    e.set_defaults(func=_eval)
