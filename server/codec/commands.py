"""``shotcaller train codec`` and ``shotcaller codec roundtrip|compare``."""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_CODEC = Path(__file__).resolve().parents[2] / "models" / "shotcaller-small" / "codec"


def _given(**options) -> dict:
    """Options the user gave; the ones left out keep the config dataclass's defaults."""
    return {k: v for k, v in options.items() if v is not None}


def _train(args: argparse.Namespace) -> int:
    from ..diffusion.pipeline import pick_device
    from ..errors import UsageError
    from .codec import SPECTRAL_FILE
    from .decoder_train import DecoderTrainConfig, train_decoder
    from .train import CodecTrainConfig, train_codec

    try:
        device = pick_device(args.device)
    except ValueError as exc:
        raise UsageError(f"--device {args.device}: {exc}") from exc
    out = Path(args.out)
    if args.projection is None:
        cfg = CodecTrainConfig(corpus=Path(args.corpus), out=out, resume=args.resume,
                               **_given(per_class=args.per_class,
                                        latent_channels=args.components,
                                        patch_frames=args.patch_frames))
        projection = train_codec(cfg) / "codec"
        print(f"codec projection saved in {projection}")
    else:
        projection = Path(args.projection)
        if not (projection / SPECTRAL_FILE).is_file():
            raise UsageError(f"--projection {projection}: not a codec folder")
    if args.decoder_steps == 0:
        return 0
    for flag, value in (("--minutes", args.minutes),
                        ("--checkpoint-minutes", args.checkpoint_minutes),
                        ("--decoder-per-class", args.decoder_per_class)):
        if value is not None and value <= 0:
            raise UsageError(f"{flag} {value}: must be more than 0")
    for folder in args.also or ():
        if not (Path(folder) / "metadata.jsonl").is_file():
            raise UsageError(f"--also {folder}: not a corpus (no metadata.jsonl)")
    dcfg = DecoderTrainConfig(corpus=Path(args.corpus), codec=projection, out=out,
                              more_corpora=tuple(Path(p) for p in args.also or ()),
                              resume=args.resume, device=device,
                              max_minutes=args.minutes,
                              **_given(steps=args.decoder_steps, batch_size=args.batch_size,
                                       learning_rate=args.learning_rate,
                                       checkpoint_minutes=args.checkpoint_minutes,
                                       per_class=args.decoder_per_class))
    folder = train_decoder(dcfg)
    print(f"codec with learned decoder saved in {folder}")
    return 0


def _load(args: argparse.Namespace):
    from ..errors import UsageError
    from .codec import SpectralCodec

    try:
        return SpectralCodec.from_pretrained(args.model)
    except (FileNotFoundError, OSError) as exc:
        raise UsageError(f"--model {args.model}: {exc}") from exc


def _read(path: str):
    from ..audio_io import AudioReadError, load_mono
    from ..errors import UsageError

    try:
        return load_mono(path)
    except (AudioReadError, OSError) as exc:
        raise UsageError(str(exc)) from exc


def _roundtrip(args: argparse.Namespace) -> int:
    from ..audio_io import write_wav_atomic

    codec = _load(args)
    y, sr = _read(args.input)
    out = codec.roundtrip(y, sr, output_sampling_rate=args.rate)
    write_wav_atomic(args.output, out, sr=args.rate)
    print(f"wrote {args.output} ({len(out) / args.rate:.2f} s at {args.rate} Hz)")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from ..plots import spectrogram_pair

    codec = _load(args)
    y, sr = _read(args.input)
    out = codec.roundtrip(y, sr, output_sampling_rate=sr)
    spectrogram_pair(y, out, sr=sr, png=args.png, titles=("original", "codec round trip"))
    print(f"wrote {args.png}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    train = sub.choices.get("train") or sub.add_parser("train", help="train models")
    tsub = train._shotcaller_sub if hasattr(train, "_shotcaller_sub") else None
    if tsub is None:
        tsub = train.add_subparsers(dest="train_command", required=True)
        train._shotcaller_sub = tsub
    t = tsub.add_parser("codec", help="fit the codec: a PCA of spectrogram patches, then a "
                        "learned decoder")
    t.add_argument("--corpus", required=True)
    t.add_argument("--out", required=True, help="run folder: checkpoint, log, codec/")
    t.add_argument("--per-class", type=int,
                   help="train-split examples per sound class (default 700)")
    t.add_argument("--components", type=int,
                   help="latent components per patch (default 512)")
    t.add_argument("--patch-frames", type=int,
                   help="STFT frames per patch, one latent time step (default 8)")
    t.add_argument("--projection", metavar="CODEC_DIR",
                   help="keep this codec's projection (its latents stay valid for a diffusion "
                        "model trained on them) and train only the decoder")
    t.add_argument("--decoder-steps", type=int,
                   help="steps of learned-decoder training after the fit (default 3000; "
                        "0 keeps Griffin-Lim phase)")
    t.add_argument("--batch-size", type=int, help="decoder training batch (default 12)")
    t.add_argument("--learning-rate", type=float,
                   help="decoder training peak learning rate (default 1.5e-3)")
    t.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"),
                   help="where the decoder trains (default: a GPU when there is one)")
    t.add_argument("--also", action="append", metavar="CORPUS",
                   help="another corpus the decoder also learns from (repeatable)")
    t.add_argument("--decoder-per-class", type=int,
                   help="train-split one-shots per class of each corpus for the decoder "
                        "(default 300)")
    t.add_argument("--minutes", type=float,
                   help="stop decoder training after this long, weights exported (a lent "
                        "GPU's fixed minutes)")
    t.add_argument("--checkpoint-minutes", type=float,
                   help="minutes between checkpoints and exports (default 4)")
    t.add_argument("--resume", action="store_true",
                   help="continue from the checkpoints in OUT")
    t.set_defaults(func=_train)

    codec = sub.add_parser("codec", help="encode/decode audio with the codec")
    csub = codec.add_subparsers(dest="codec_command", required=True)
    r = csub.add_parser("roundtrip", help="encode then decode one file")
    r.add_argument("input")
    r.add_argument("output")
    r.add_argument("--model", default=str(DEFAULT_CODEC), help="codec folder")
    r.add_argument("--rate", type=int, default=44100, help="output sample rate (Hz)")
    r.set_defaults(func=_roundtrip)
    c = csub.add_parser("compare", help="PNG of original and round-trip spectrograms")
    c.add_argument("input")
    c.add_argument("--png", required=True)
    c.add_argument("--model", default=str(DEFAULT_CODEC), help="codec folder")
    c.set_defaults(func=_compare)
