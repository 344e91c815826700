"""``shotcaller train diffusion``, ``shotcaller finetune``, ``shotcaller index`` and
``shotcaller render``."""

from __future__ import annotations

import argparse
import math
import tempfile
from pathlib import Path

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "models" / "shotcaller-small"


def _model_options(parser: argparse.ArgumentParser) -> None:
    """--rate, --model and --device, as every sound-to-sound command takes them."""
    parser.add_argument("--rate", type=int, default=44100, help="output sample rate (Hz)")
    parser.add_argument("--model", default=str(DEFAULT_MODEL))
    parser.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))


def _source_options(parser: argparse.ArgumentParser, result: str) -> None:
    """--root, --unpitched, --seed and --steps, as vary and restyle take them for their one
    sound (``result``: what a new seed gives, "variation")."""
    parser.add_argument("--root", type=float, default=None,
                        help="MIDI root of a pitched sound (default: detected; --unpitched for "
                             "drums)")
    parser.add_argument("--unpitched", action="store_true", help="the sound has no pitch")
    parser.add_argument("--seed", type=int, default=-1, help=f"-1: a new {result} each time")
    parser.add_argument("--steps", type=int, default=None)


def _load_model(model: str, device: str, *, through_codec: str | None = None):
    """The pipeline in ``model``; a usage error naming the folder when it will not load, or
    (``through_codec``: what needs it) when it has no codec."""
    from .pipeline import load_pipeline

    try:
        pipe = load_pipeline(model, device=device)
    except (FileNotFoundError, OSError, ValueError, ImportError) as exc:
        raise _usage(f"--model {model}: {exc}") from exc
    if through_codec and not hasattr(pipe, "codec"):
        raise _usage(f"--model {model}: no codec to {through_codec} through")
    return pipe


def _read_sound(path: str, sr: int | None = None):
    """A file as mono audio and its rate; a usage error naming the file when it is unreadable."""
    from ..audio_io import AudioReadError, load_mono

    try:
        return load_mono(path, sr=sr)
    except (AudioReadError, OSError) as exc:  # the message names the file
        raise _usage(str(exc)) from exc


def _usage(message: str):
    from ..errors import UsageError

    return UsageError(message)


def _train(args: argparse.Namespace) -> int:
    from .pipeline import pick_device
    from .train import DiffusionTrainConfig, train_diffusion

    try:
        device = pick_device(args.device)
    except ValueError as exc:
        raise _usage(f"--device {args.device}: {exc}") from exc
    if args.base is not None and not (Path(args.base) / "model_index.json").is_file():
        raise _usage(f"--base {args.base}: not a Shotcaller model folder")
    cfg = DiffusionTrainConfig(corpus=Path(args.corpus), codec=Path(args.codec),
                               out=Path(args.out), steps=args.steps, batch_size=args.batch_size,
                               resume=args.resume,
                               base=Path(args.base) if args.base else None,
                               learning_rate=args.learning_rate, device=device)
    folder = train_diffusion(cfg)
    print(f"model saved in {folder}")
    return 0


def _finetune(args: argparse.Namespace) -> int:
    from ..corpus.build import BuildConfig, build_corpus
    from .train import DiffusionTrainConfig, train_diffusion

    if not Path(args.folder).is_dir():
        raise _usage(f"{args.folder}: not a directory")
    if not (Path(args.base) / "model_index.json").is_file():
        raise _usage(f"--base {args.base}: not a Shotcaller model folder")
    corpus = Path(args.corpus) if args.corpus else Path(tempfile.mkdtemp(prefix="shot-ft-"))
    report = build_corpus(BuildConfig(out=corpus, folders=[Path(args.folder)], jobs=1))
    if report.records == 0:
        raise _usage(f"{args.folder}: no readable one-shots found")
    # A producer's folder is one 'instrument' per subfolder; use all of it for training.
    cfg = DiffusionTrainConfig(corpus=corpus, codec=Path(args.base) / "codec", out=Path(args.out),
                               base=Path(args.base), steps=args.steps, learning_rate=1e-4,
                               per_class=10_000, classes=None, resume=args.resume,
                               retrieval_per_class=10_000)
    _mark_all_train(corpus)
    folder = train_diffusion(cfg)
    print(f"fine-tuned model saved in {folder}")
    return 0


def _index(args: argparse.Namespace) -> int:
    import shutil

    from ..codec.codec import SpectralCodec
    from .index_build import build_index
    from .retrieval import SeedSettings
    from .text import TextEncoder

    model = Path(args.model)
    if not (model / "model_index.json").is_file() or not (model / "codec").is_dir():
        raise _usage(f"--model {model}: not a Shotcaller model folder")
    for flag, value in (("--per-class", args.per_class), ("--components", args.components)):
        if value < 1:
            raise _usage(f"{flag} must be at least 1, got {value}")
    try:
        given = {"blend": args.blend, "shortlist": args.shortlist,
                 "per_semitone": args.per_semitone, "pool": args.pool,
                 "draw_temperature": args.draw_temperature, "per_quality": args.per_quality,
                 "per_decay_octave": args.per_decay_octave, "draw_margin": args.draw_margin}
        settings = SeedSettings(**{k: v for k, v in given.items() if v is not None})
    except ValueError as e:
        raise _usage(str(e)) from e
    codec = SpectralCodec.from_pretrained(model / "codec")
    try:
        index = build_index(args.corpus, codec, TextEncoder(), per_class=args.per_class,
                            components=min(args.components, codec.latent_shape[0]),
                            split=args.split, settings=settings,
                            check_pitch=not args.no_pitch_check, keep_twins=args.keep_twins)
    except (FileNotFoundError, ValueError) as e:  # no corpus there / nothing of that split
        raise _usage(str(e)) from e
    # Written beside the old index and swapped in, so a failed run leaves the model as it was.
    fresh = model / "retrieval.new"
    shutil.rmtree(fresh, ignore_errors=True)
    index.save(fresh)
    old = model / "retrieval.old"
    shutil.rmtree(old, ignore_errors=True)
    if (model / "retrieval").exists():
        (model / "retrieval").rename(old)
    fresh.rename(model / "retrieval")
    shutil.rmtree(old, ignore_errors=True)
    size = sum(f.stat().st_size for f in (model / "retrieval").iterdir())
    print(f"{model / 'retrieval'}: {len(index)} samples, {size / 1e6:.1f} MB")
    return 0


def _int8(args: argparse.Namespace) -> int:
    from .int8_weights import INT8_FILE, save_int8
    from .pipeline import _unet_class

    folder = Path(args.model) / "unet"
    if not (folder / "config.json").is_file():
        raise _usage(f"{args.model}: no unet/ with a config.json")
    if (folder / INT8_FILE).is_file():
        print(f"{folder}: already int8")
        return 0
    cls = _unet_class(folder)
    path = save_int8(cls.from_pretrained(folder, low_cpu_mem_usage=False), folder)
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    return 0


def _mark_all_train(corpus: Path) -> None:
    from ..corpus.build import METADATA, read_metadata, write_metadata

    records = read_metadata(corpus)
    for r in records:
        r["split"] = "train"
    write_metadata(corpus / METADATA, records)


def _vary(args: argparse.Namespace) -> int:
    return _from_sound(args, words=args.prompt, restyle=False)


def _restyle(args: argparse.Namespace) -> int:
    if not args.words.strip():
        raise _usage("the words to restyle with are empty")
    return _from_sound(args, words=args.words, restyle=True)


def _from_sound(args: argparse.Namespace, *, words: str | None, restyle: bool) -> int:
    """A variation (``words`` guide it) or a restyle (toward ``words``, their effects and
    qualities applied) of a file, made as the daemon makes /shot/vary and /shot/restyle."""
    from ..audio_io import write_wav_atomic
    from .prompt_words import prompt_qualities
    from .restyle_moves import restyle_duration, variation_strength

    y, sr = _read_sound(args.input)
    if not 0 < args.strength <= 1:
        raise _usage(f"--strength {args.strength}: must be in (0, 1]")
    root = None
    if not args.unpitched:
        from ..pitch import detect_root

        root = args.root if args.root is not None else detect_root(y, sr=sr)
        if root is None:
            raise _usage(f"{args.input}: no pitch found: pass --root NOTE, or --unpitched")
    pipe = _load_model(args.model, args.device)
    qualities = prompt_qualities(words) if restyle and words else set()
    try:
        out = pipe(words or "one-shot sample", pitch=root, seed=args.seed,
                   strength=args.strength if restyle else variation_strength(args.strength),
                   num_inference_steps=args.steps,
                   guidance_scale=None if words else 0.0,
                   duration_in_s=restyle_duration(len(y) / sr, qualities,
                                                  pipe.max_duration_in_s),
                   init_audio=y, init_sampling_rate=sr, tonal=root is not None,
                   output_sampling_rate=args.rate, effects=restyle)
    except ValueError as exc:
        raise _usage(str(exc)) from exc
    write_wav_atomic(args.output, out.audios, sr=out.sampling_rate)
    pitched = f"root {out.root_note:g}" if out.root_note is not None else "unpitched"
    print(f"wrote {args.output}: {len(out.audios) / out.sampling_rate:.2f} s, {pitched}, "
          f"seed {out.seed}, strength {args.strength:g}")
    return 0


def _morph(args: argparse.Namespace) -> int:
    from ..audio_io import write_wav_atomic
    from ..pitch import detect_root
    from .sound_ops import morph

    if not 0 <= args.t <= 1:
        raise _usage(f"-t {args.t}: must be in 0..1")
    sounds = []
    for path, root in ((args.a, args.root_a), (args.b, args.root_b)):
        y, _ = _read_sound(path, args.rate)
        sounds.append((y, root if root is not None else detect_root(y, sr=args.rate)))
    pipe = _load_model(args.model, args.device, through_codec="morph")
    (ya, ra), (yb, rb) = sounds
    y, root = morph(pipe.codec, ya, yb, sampling_rate=args.rate, t=args.t, root_a=ra,
                    root_b=rb, output_sampling_rate=args.rate)
    write_wav_atomic(args.output, y, sr=args.rate)
    pitched = f"root {root:.2f}" if root is not None else "unpitched"
    print(f"wrote {args.output}: {len(y) / args.rate:.2f} s, {pitched}, t {args.t:g}")
    return 0


def _map(args: argparse.Namespace) -> int:
    import numpy as np

    from ..audio_io import READABLE_SUFFIXES, AudioReadError, load_mono
    from ..corpus.importers import class_from_words
    from .sound_map import MapPoint, draw, layout, write_json

    pipe = _load_model(args.model, "cpu")
    names, classes, latents = [], [], []
    if args.folder is None:
        index = getattr(pipe, "retrieval", None)
        if index is None or not len(index):
            raise _usage(f"--model {args.model}: no seed library; pass a FOLDER")
        latents = index.latents.float().numpy()
        classes = list(index.classes)
        names = list(index.sources or [f"library-{i}" for i in range(len(classes))])
        title = f"{Path(args.model).name}: seed library, {len(classes)} sounds"
    else:
        folder = Path(args.folder)
        if not folder.is_dir():
            raise _usage(f"{folder}: not a directory")
        files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in READABLE_SUFFIXES)
        files = files[: args.limit]
        if not files:
            raise _usage(f"{folder}: no audio files")
        from tqdm import tqdm

        for path in tqdm(files, desc="map", unit="file"):
            try:
                y, sr = load_mono(path)
            except (AudioReadError, OSError) as exc:
                print(f"skipped {path}: {exc}")
                continue
            latents.append(pipe.codec.encode(y, sr)[0].numpy())
            rel = path.relative_to(folder)
            names.append(rel.as_posix())
            classes.append(class_from_words(" ".join(rel.with_suffix("").parts)))
        latents = np.stack(latents) if latents else np.zeros((0, 1))
        title = f"{folder.name}: {len(names)} sounds"
    xy = layout(latents)
    points = [MapPoint(n, c, round(float(x), 4), round(float(y), 4))
              for n, c, (x, y) in zip(names, classes, xy, strict=True)]
    print(f"map: {draw(points, Path(args.png), title)}")
    if args.json:
        print(f"points: {write_json(points, Path(args.json))}")
    return 0


def _transfer(args: argparse.Namespace) -> int:
    from ..audio_io import write_wav_atomic
    from .sound_ops import transfer

    sounds = [_read_sound(path, args.rate)[0] for path in (args.content, args.texture)]
    pipe = _load_model(args.model, args.device, through_codec="transfer")
    y = transfer(pipe.codec, sounds[0], sounds[1], sampling_rate=args.rate,
                 output_sampling_rate=args.rate)
    write_wav_atomic(args.output, y, sr=args.rate)
    print(f"wrote {args.output}: {len(y) / args.rate:.2f} s")
    return 0


def _render(args: argparse.Namespace) -> int:
    from ..audio_io import write_wav_atomic

    if math.isnan(args.guidance) if args.guidance is not None else False:
        raise _usage("--guidance must be a number, got nan")
    pipe = _load_model(args.model, args.device)
    from tqdm import tqdm

    bar = tqdm(total=1, desc="render", unit="step")

    def progress(step: int, total: int) -> None:
        bar.total = total
        bar.n = step
        bar.refresh()

    try:
        out = pipe(args.prompt, negative_prompt=args.negative, pitch=args.note,
                   velocity=args.velocity, duration_in_s=args.duration, seed=args.seed,
                   num_inference_steps=args.steps, guidance_scale=args.guidance,
                   strength=args.strength, output_sampling_rate=args.rate, callback=progress)
    except ValueError as exc:
        raise _usage(str(exc)) from exc
    finally:
        bar.close()
    write_wav_atomic(args.output, out.audios, sr=out.sampling_rate)
    root = f"root note {out.root_note:g}" if out.root_note is not None else "unpitched"
    print(f"wrote {args.output}: {len(out.audios) / out.sampling_rate:.2f} s, {root}, "
          f"seed {out.seed}")
    if args.png:
        from ..plots import spectrogram_sheet

        spectrogram_sheet([(args.prompt, out.audios)], sr=out.sampling_rate, png=args.png,
                          columns=1)
        print(f"spectrogram: {args.png}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    train = sub.choices["train"]
    t = train._shotcaller_sub.add_parser("diffusion", help="train the text-conditioned UNet")
    t.add_argument("--corpus", required=True)
    t.add_argument("--codec", required=True, help="trained codec folder")
    t.add_argument("--out", required=True, help="run folder: checkpoints, logs, model/")
    t.add_argument("--steps", type=int, default=4000)
    t.add_argument("--batch-size", type=int, default=32)
    t.add_argument("--learning-rate", type=float, default=4e-4)
    t.add_argument("--base", default=None,
                   help="start from this model's UNet (go on training it on a new corpus)")
    t.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"),
                   help="where the UNet trains (default: a GPU when there is one, in bf16)")
    t.add_argument("--resume", action="store_true")
    t.set_defaults(func=_train)

    f = sub.add_parser("finetune", help="adapt a model to a folder of your own one-shots")
    f.add_argument("folder")
    f.add_argument("--base", default=str(DEFAULT_MODEL), help="model to start from")
    f.add_argument("--out", required=True)
    f.add_argument("--corpus", default=None, help="where to keep the imported corpus")
    f.add_argument("--steps", type=int, default=500)
    f.add_argument("--resume", action="store_true")
    f.set_defaults(func=_finetune)

    x = sub.add_parser("index", help="rebuild a model's retrieval index from a corpus (the "
                                     "library that strength < 1 seeds from)")
    x.add_argument("--corpus", required=True, help="a corpus folder (shotcaller corpus build)")
    x.add_argument("--model", default=str(DEFAULT_MODEL), help="model folder to update")
    x.add_argument("--per-class", type=int, default=80, help="samples per sound class")
    x.add_argument("--components", type=int, default=384,
                   help="leading latent components kept per sample (size on disk)")
    x.add_argument("--split", default="train", choices=("train", "valid", "test"))
    x.add_argument("--no-pitch-check", action="store_true",
                   help="keep tonal samples the codec does not carry at their pitch (faster: "
                        "the check reads each tonal sample's pitch before and after the codec)")
    x.add_argument("--keep-twins", action="store_true",
                   help="keep samples that sound as one already in the library (spectral "
                        "correlation >= 0.97: a soundfont's kits sharing a hat, velocity "
                        "layers); by default each is passed over for the next of its source")
    # Seed settings default to SeedSettings' (not imported here: it would load torch).
    x.add_argument("--blend", type=int, help="samples mixed into a seed")
    x.add_argument("--shortlist", type=int,
                   help="captions nearest the prompt that vote for its kind of sound (0: all)")
    x.add_argument("--per-semitone", type=float,
                   help="similarity a pitched sample loses per semitone from the played note")
    x.add_argument("--pool", type=int, help="best matches a seed is drawn among")
    x.add_argument("--draw-temperature", type=float,
                   help="softmax temperature of that draw (higher: more even, more variety)")
    x.add_argument("--draw-margin", type=float,
                   help="matches within this similarity of the best are drawn as evenly as it "
                        "(higher: more distinct sounds per prompt)")
    x.add_argument("--per-quality", type=float,
                   help="similarity a sample gains per quality the prompt names that it has")
    x.add_argument("--per-decay-octave", type=float,
                   help="similarity a sample loses per octave between its decay and its "
                        "class's typical one, for prompts that name no length")
    x.set_defaults(func=_index)

    q = sub.add_parser("int8", help="store a model's UNet weights as int8 (half the bytes)")
    q.add_argument("--model", default=str(DEFAULT_MODEL), help="model folder to convert")
    q.set_defaults(func=_int8)

    r = sub.add_parser("render", help="render one prompt to a WAV file")
    r.add_argument("prompt")
    r.add_argument("-o", "--output", required=True)
    r.add_argument("--seed", type=int, default=-1, help="-1: a new variation each time")
    r.add_argument("--note", type=int, default=None,
                   help="MIDI pitch (root note) of the render (default: the sound's own "
                        "register, the note of the sample it starts from)")
    r.add_argument("--velocity", type=int, default=100)
    r.add_argument("--steps", type=int, default=None, help="denoising steps (model default)")
    r.add_argument("--guidance", type=float, default=None, help="classifier-free guidance")
    r.add_argument("--strength", type=float, default=None,
                   help="1.0: pure generation; lower: start from similar library sounds")
    r.add_argument("--duration", type=float, default=None, help="seconds")
    r.add_argument("--negative", default=None, help="negative prompt")
    r.add_argument("--rate", type=int, default=44100, help="output sample rate (Hz)")
    r.add_argument("--model", default=str(DEFAULT_MODEL),
                   help="model folder: a Shotcaller model (default: the shipped one) or a "
                        "local diffusers AudioLDM / AudioLDM 2 / Stable Audio folder")
    r.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    r.add_argument("--png", default=None, help="also draw the spectrogram")
    r.set_defaults(func=_render)

    v = sub.add_parser("vary", help="a new sound near a WAV/AIFF/FLAC file (as /shot/vary)")
    v.add_argument("input", help="the sound to vary")
    v.add_argument("-o", "--output", required=True)
    v.add_argument("--strength", type=float, default=0.2,
                   help="distance from the sound: 0.05 subtle, 0.6 a cousin (default 0.2)")
    v.add_argument("--prompt", default=None, help="guide the variation (default: unguided)")
    _source_options(v, "variation")
    _model_options(v)
    v.set_defaults(func=_vary)

    rs = sub.add_parser("restyle", help="a file's sound moved toward words (as /shot/restyle)")
    rs.add_argument("input", help="the sound to restyle")
    rs.add_argument("words", help='where to move it: "darker", "dustier, more reverb"')
    rs.add_argument("-o", "--output", required=True)
    rs.add_argument("--strength", type=float, default=0.1,
                    help="the noise the words work on (default 0.1, the daemon's)")
    _source_options(rs, "restyle")
    _model_options(rs)
    rs.set_defaults(func=_restyle)

    m = sub.add_parser("morph", help="a sound between two files, through the latent space")
    m.add_argument("a", help="the first sound (t = 0)")
    m.add_argument("b", help="the second sound (t = 1)")
    m.add_argument("-t", type=float, default=0.5, help="0: a, 1: b (default 0.5)")
    m.add_argument("-o", "--output", required=True)
    m.add_argument("--root-a", type=float, default=None, help="a's MIDI root (default: detected)")
    m.add_argument("--root-b", type=float, default=None, help="b's MIDI root (default: detected)")
    _model_options(m)
    m.set_defaults(func=_morph)

    tr = sub.add_parser("transfer", help="the texture of one file on the content of another")
    tr.add_argument("content", help="the sound whose pitch and envelope are kept")
    tr.add_argument("texture", help="the sound whose texture (spectral shape) is taken")
    tr.add_argument("-o", "--output", required=True)
    _model_options(tr)
    tr.set_defaults(func=_transfer)

    mp = sub.add_parser("map", help="a 2-D map of a folder of sounds or the seed library")
    mp.add_argument("folder", nargs="?", default=None,
                    help="folder of WAV/AIFF/FLAC files (default: the model's seed library)")
    mp.add_argument("--png", required=True, help="the picture")
    mp.add_argument("--json", default=None, help="the points: name, class, x, y")
    mp.add_argument("--model", default=str(DEFAULT_MODEL))
    mp.add_argument("--limit", type=int, default=2000, help="at most N files of a folder")
    mp.set_defaults(func=_map)
