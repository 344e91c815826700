"""Corpus building from a real soundfont (TimGM6mb) and a prepared folder of files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from server.codec.spectral import wave_to_logmag
from server.corpus.build import BuildConfig, build_corpus, read_metadata
from server.corpus.gm import CLASSES
from server.corpus.render_units import RenderSettings

TIMGM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
pytestmark = pytest.mark.skipif(not TIMGM.exists(), reason="apt-get install timgm6mb-soundfont")

# Velocity 0 is a note-off in MIDI: those notes render silence and must be dropped.
SMALL = RenderSettings(pitch_step=12, velocities=(0, 100), drum_velocities=(100,),
                       drum_bends=(0.0,))
NSYNTH_FIELDS = {"note_str": str, "instrument_str": str, "pitch": int, "sample_rate": int,
                 "instrument_family_str": str, "instrument_source_str": str,
                 "qualities_str": list}


def _build(out: Path, **kw):
    cfg = BuildConfig(out=out, soundfonts=[TIMGM], limit=8, jobs=2, render=SMALL, **kw)
    return build_corpus(cfg, progress=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    _build(out)
    return out


def test_metadata_schema_and_audio(corpus: Path) -> None:
    records = read_metadata(corpus)
    assert len(records) > 50
    for r in records:
        for name, kind in NSYNTH_FIELDS.items():
            assert isinstance(r[name], kind), (name, r[name])
        assert r["soundfont"] == "TimGM6mb.sf2"
        assert r["class"] in CLASSES or r["class"] == "fx"
        assert r["split"] in ("train", "valid", "test")
        if r["drum_key"] is not None:
            assert r["bank"] == 128 and r["drum_key_name"] and not r["tonal"]
        else:
            assert r["gm_name"] and r["root_note"] == r["pitch"]
    y, sr = sf.read(corpus / records[0]["path"])
    assert y.ndim == 1 and sr == 44100 and len(y) == int(1.5 * 44100)
    assert 0.95 < np.max(np.abs(y)) <= 1.0  # peak-normalised, original peak kept in features
    assert records[0]["features"]["peak"] > 0


def test_drum_kit_classes_present(corpus: Path) -> None:
    classes = {r["class"] for r in read_metadata(corpus) if r["drum_key"] is not None}
    assert {"kick", "snare", "clap", "closed_hat", "open_hat", "cymbal", "tom"} <= classes


def test_silent_notes_dropped_and_logged(corpus: Path) -> None:
    records = read_metadata(corpus)
    assert all(r["velocity"] != 0 for r in records)
    log = (corpus / "build_log.txt").read_text()
    assert "-000: silent" in log


def test_splits_are_disjoint_by_instrument(corpus: Path) -> None:
    split_of: dict[str, set[str]] = {}
    for r in read_metadata(corpus):
        split_of.setdefault(r["instrument_str"], set()).add(r["split"])
    assert all(len(s) == 1 for s in split_of.values())
    assert {s for v in split_of.values() for s in v} >= {"train", "test"}


def test_captions_are_several_and_name_the_sound(corpus: Path) -> None:
    for r in read_metadata(corpus):
        caps = r["captions"]
        assert len(caps) >= 3 and len(set(caps)) == len(caps)
        assert all(c.strip() for c in caps)
    kicks = [r for r in read_metadata(corpus) if r["class"] == "kick"]
    words = " ".join(c for r in kicks for c in r["captions"])
    assert "kick" in words or "bass drum" in words


def test_build_is_deterministic_and_resumable(corpus: Path, tmp_path: Path) -> None:
    report = _build(tmp_path / "again")
    assert (tmp_path / "again" / "metadata.jsonl").read_bytes() == \
        (corpus / "metadata.jsonl").read_bytes()
    rerun = _build(tmp_path / "again")
    assert rerun.rendered_units == 0 and rerun.skipped_units == report.rendered_units


def _tone(freq: float, sr: int, seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(sr * seconds)) / sr
    return (0.5 * np.sin(2 * np.pi * freq * t) * np.exp(-2 * t)).astype(np.float32)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "my samples"
    (root / "drums" / "kicks").mkdir(parents=True)
    (root / "keys").mkdir()
    stereo = np.stack([_tone(440.0, 96000), _tone(440.0, 96000)], axis=1)
    sf.write(root / "keys" / "Glassy Bell A4.wav", stereo, 96000, subtype="PCM_24")
    t = np.arange(22050) / 22050
    kick = np.sin(2 * np.pi * (50 + 200 * np.exp(-30 * t)) * t) * np.exp(-8 * t)
    sf.write(root / "drums" / "kicks" / "kick_08.wav", kick, 22050, subtype="PCM_U8")
    (root / "drums" / "broken.wav").write_bytes(b"RIFF\x00\x00junk" * 10)
    (root / "drums" / "empty.wav").write_bytes(b"")
    return root


def test_folder_importer(folder: Path, tmp_path: Path) -> None:
    report = build_corpus(BuildConfig(out=tmp_path / "c", folders=[folder]), progress=False)
    records = {Path(r["path"]).stem: r for r in read_metadata(tmp_path / "c")}
    assert set(records) == {"Glassy Bell A4", "kick_08"}
    bell, kick = records["Glassy Bell A4"], records["kick_08"]
    assert bell["class"] == "mallet_bell" and bell["tonal"]
    assert abs(bell["root_note"] - 69.0) < 0.2
    assert kick["class"] == "kick" and not kick["tonal"]
    y, sr = sf.read(tmp_path / "c" / bell["path"])
    assert y.ndim == 1 and sr == 44100
    problems = "\n".join(report.problems)
    assert "broken.wav" in problems and "empty.wav" in problems


def test_an_imported_sub_bass_gets_its_root(tmp_path: Path) -> None:
    """A 41 Hz bass note (E1) is read at its pitch: pYIN's frames hold two periods of the
    30 Hz floor (2048 samples did not, and read it 11 cents sharp)."""
    root = tmp_path / "basses"
    root.mkdir()
    t = np.arange(2 * 44100) / 44100
    bass = sum(np.sin(2 * np.pi * k * 41.2 * t) / k for k in range(1, 6)) * np.exp(-1.5 * t)
    sf.write(root / "sub bass E1.wav", (0.4 * bass).astype(np.float32), 44100)
    build_corpus(BuildConfig(out=tmp_path / "c", folders=[root]), progress=False)
    (record,) = read_metadata(tmp_path / "c")
    assert record["class"] == "bass" and record["tonal"]
    assert abs(record["root_note"] - 28.0) < 0.05, record["root_note"]


def test_cli_reports_bad_input_with_exit_2(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "server.cli", "corpus", "build", "--out",
                          str(tmp_path), "--soundfont", str(tmp_path / "missing.sf2")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "missing.sf2" in run.stderr and "no such file" in run.stderr


def test_metadata_lines_are_sorted_json(corpus: Path) -> None:
    lines = (corpus / "metadata.jsonl").read_text().splitlines()
    paths = [json.loads(line)["path"] for line in lines]
    assert paths == sorted(paths)


def test_nsynth_layout_keeps_its_labels(tmp_path: Path) -> None:
    root = tmp_path / "nsynth-test"
    (root / "audio").mkdir(parents=True)
    labels = {}
    for i, (family, pitch) in enumerate((("keyboard", 60), ("mallet", 72))):
        name = f"{family}_acoustic_00{i}-0{pitch}-100"
        sf.write(root / "audio" / f"{name}.wav", _tone(440.0 * 2 ** ((pitch - 69) / 12), 16000,
                                                       seconds=4.0), 16000)
        labels[name] = {"note_str": name, "instrument_str": f"{family}_acoustic_00{i}",
                        "instrument_family_str": family, "instrument_source_str": "acoustic",
                        "qualities_str": ["bright"], "pitch": pitch, "velocity": 100}
    (root / "examples.json").write_text(json.dumps(labels))
    build_corpus(BuildConfig(out=tmp_path / "c", nsynth=[root]), progress=False)
    records = {r["note_str"]: r for r in read_metadata(tmp_path / "c")}
    assert set(records) == set(labels)
    keys = records["keyboard_acoustic_000-060-100"]
    assert keys["class"] == "keys" and keys["qualities_str"] == ["bright"]
    assert keys["split"] == "test" and keys["sample_rate"] == 44100  # split from the folder name
    assert sf.info(tmp_path / "c" / keys["path"]).samplerate == 44100


def test_codec_fit_on_a_corpus_resumes_to_the_same_codec(corpus: Path, tmp_path: Path) -> None:
    """`train codec` on a small corpus (no valid split), then --resume: the same codec again."""
    from server.codec.codec import SpectralCodec
    from server.codec.train import CodecTrainConfig, train_codec

    cfg = CodecTrainConfig(corpus=corpus, out=tmp_path / "run", per_class=4, chunk=2,
                           latent_channels=2, latent_height=8)
    train_codec(cfg)
    first = SpectralCodec.from_pretrained(tmp_path / "run" / "codec")
    train_codec(CodecTrainConfig(**{**cfg.__dict__, "resume": True}))
    again = SpectralCodec.from_pretrained(tmp_path / "run" / "codec")
    y, rate = sf.read(next((corpus / "audio").rglob("*.wav")), dtype="float32")
    y = y if y.ndim == 1 else y.mean(axis=1)
    assert np.array_equal(first.encode(y, rate), again.encode(y, rate))
    assert first.latent_shape == (2, 8, 32)


def test_train_codec_command_sets_the_latent_shape(corpus: Path, tmp_path: Path) -> None:
    """`shotcaller train codec --components N --patch-frames P`: latent [N, 1, 256 / P]."""
    from server.cli import main as cli_main
    from server.codec.codec import SpectralCodec

    code = cli_main(["train", "codec", "--corpus", str(corpus), "--out", str(tmp_path / "run"),
                     "--per-class", "4", "--components", "6", "--patch-frames", "16",
                     "--decoder-steps", "0"])
    assert code == 0
    assert SpectralCodec.from_pretrained(tmp_path / "run" / "codec").latent_shape == (6, 1, 16)


def test_train_codec_asks_for_a_gpu_that_is_there(corpus: Path, tmp_path: Path) -> None:
    """The learned decoder trains where it is told; a missing GPU is a usage error (exit 2)
    before any work, not a crash minutes in. This machine has no CUDA device."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA device")
    run = subprocess.run([sys.executable, "-m", "server.cli", "train", "codec", "--corpus",
                          str(corpus), "--out", str(tmp_path / "run"), "--device", "cuda"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "--device cuda: no CUDA device" in run.stderr
    assert not (tmp_path / "run").exists()


def test_decoder_training_lowers_the_round_trip_distance_and_resumes(corpus: Path,
                                                                     tmp_path: Path) -> None:
    """The learned decoder on a small corpus: its MR-STFT distance falls below the untrained
    decoder's (which is the peak-locked decode), and --resume continues from the checkpoint."""
    import torch

    from server.codec.codec import SpectralCodec
    from server.codec.decoder_train import DecoderTrainConfig, mrstft_loss, train_decoder
    from server.codec.train import CodecTrainConfig, train_codec
    from server.codec.vocoder import SpectralDecoder
    from server.corpus.dataset import load_waves, select

    projection = train_codec(CodecTrainConfig(corpus=corpus, out=tmp_path / "pca", per_class=4,
                                              latent_channels=8, latent_height=1)) / "codec"
    cfg = DecoderTrainConfig(corpus=corpus, codec=projection, out=tmp_path / "run", steps=30,
                             batch_size=2, learning_rate=3e-3, per_class=4, channels=32,
                             hidden_channels=64, num_blocks=2)
    train_decoder(cfg)
    train_decoder(DecoderTrainConfig(**{**cfg.__dict__, "steps": 60, "resume": True}))
    log = [json.loads(line) for line in (tmp_path / "run" / "decoder_log.jsonl").open()]
    assert [e["step"] for e in log] == [30, 60]

    trained = SpectralCodec.from_pretrained(tmp_path / "run" / "codec")
    assert trained.decoder is not None
    records = select(read_metadata(corpus), split="train", per_class=4)
    waves = torch.from_numpy(load_waves(corpus, records, num_samples=65536, progress=False))
    untrained = SpectralDecoder(channels=32, hidden_channels=64, num_blocks=2)

    def distance(decoder) -> float:
        frames = trained.autoencoder.decode(trained.autoencoder.encode(
            wave_to_logmag(waves, trained.spectral)))
        with torch.no_grad():
            return float(mrstft_loss(decoder.waveform(frames, trained.spectral), waves).mean())

    assert distance(trained.decoder) < 0.95 * distance(untrained)

    # A lent GPU's minutes: at the deadline the run stops with its weights exported, here
    # after its first step, through the bf16 autocast a GPU trains in.
    late = train_decoder(DecoderTrainConfig(**{**cfg.__dict__, "out": tmp_path / "late",
                                               "steps": 1000, "max_minutes": 0.0,
                                               "mixed_precision": "bf16"}))
    entry = json.loads((tmp_path / "late" / "decoder_log.jsonl").read_text().splitlines()[-1])
    assert entry["step"] == 1 and np.isfinite(entry["train_loss"])
    assert SpectralCodec.from_pretrained(late).decoder is not None


def test_index_command_puts_a_producers_folder_behind_seeding(folder: Path, tmp_path: Path,
                                                              tiny_model_dir: Path) -> None:
    """`shotcaller index`: a folder imported as a corpus becomes the model's retrieval library;
    a bad run reports exit 2 and leaves the model's index as it was."""
    import shutil

    from server.diffusion.pipeline import ShotcallerPipeline
    from server.diffusion.retrieval import RetrievalIndex

    build_corpus(BuildConfig(out=tmp_path / "c", folders=[folder]), progress=False)
    split = read_metadata(tmp_path / "c")[0]["split"]
    wanted = sorted(r["class"] for r in read_metadata(tmp_path / "c") if r["split"] == split)
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    before = RetrievalIndex.load(model / "retrieval").classes

    def index(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "server.cli", "index", "--model", str(model),
                               *args], capture_output=True, text=True)

    missing = index("--corpus", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr
    empty = index("--corpus", str(tmp_path / "c"),
                  "--split", next(s for s in ("train", "valid", "test") if s != split))
    assert empty.returncode == 2 and "no" in empty.stderr
    negative = index("--corpus", str(tmp_path / "c"), "--split", split, "--shortlist", "-1")
    assert negative.returncode == 2 and "shortlist=-1" in negative.stderr
    assert RetrievalIndex.load(model / "retrieval").classes == before

    # (the tiny codec is random: it would carry no tonal sample at its pitch)
    done = index("--corpus", str(tmp_path / "c"), "--split", split, "--blend", "2",
                 "--per-quality", "0.5", "--no-pitch-check")
    assert done.returncode == 0, done.stderr
    built = RetrievalIndex.load(model / "retrieval")
    assert sorted(built.classes) == wanted
    assert built.settings.blend == 2 and built.settings.per_quality == 0.5
    # Each library sample names its corpus file, which the eval's novelty check reads.
    assert all((tmp_path / "c" / path).is_file() for path in built.sources)
    # ... and keeps its measured qualities, which prompts can ask for.
    measured = {r["path"]: r["qualities_str"] for r in read_metadata(tmp_path / "c")}
    assert built.qualities == [measured[path] for path in built.sources]
    # ... and how long it rings, beside its class's typical decay (plain prompts follow it).
    decay = dict(zip(built.classes, built.decays.tolist(), strict=True))
    assert decay["kick"] == pytest.approx(40 / (8 * 8.686), abs=0.03)  # exp(-8t) at -40 dB
    assert decay["mallet_bell"] > 0.95  # rings to its file's end
    assert built.typical_decays == pytest.approx(decay, abs=0.01)  # one sample a class
    # ... and how bright and noisy its kind is (an effect word asks for more than that),
    # read from the corpus's descriptors, as the drawn kind's typical values.
    brightness = {r["class"]: r["features"]["centroid_hz"] for r in read_metadata(tmp_path / "c")}
    assert {c: f["centroid_hz"] for c, f in built.typical_features.items()} \
        == pytest.approx(brightness, rel=1e-3)
    assert built.typical_of("kick") == {**built.typical_features["kick"],
                                        "decay": built.typical_decays["kick"]}
    # ... and how squashed, measured on the audio (peak over RMS of the sounding part)
    assert all(3.0 < f["crest_db"] < 40.0 for f in built.typical_features.values())
    pipe = ShotcallerPipeline.from_pretrained(model)
    out = pipe("glassy bell", seed=1, strength=0.5, num_inference_steps=2, duration_in_s=0.3)
    assert set(out.neighbours) <= set(wanted) and out.neighbours


def test_train_classifier_command_writes_a_judge_with_its_ceiling(corpus: Path,
                                                                   tmp_path: Path) -> None:
    """`shotcaller train classifier`: a loadable classifier and its top-1 on real test audio;
    a corpus without test-split notes is refused with exit 2."""
    from server.eval.classifier import SoundClassifier, classify

    out = tmp_path / "judge"
    run = subprocess.run([sys.executable, "-m", "server.cli", "train", "classifier", "--corpus",
                          str(corpus), "--out", str(out), "--steps", "40"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    accuracy = json.loads((out / "accuracy.json").read_text())
    assert accuracy["steps"] == 40 and 0.0 <= accuracy["test_split_top1"] <= 1.0
    test = [r for r in read_metadata(corpus) if r["split"] == "test" and r["class"] in CLASSES]
    assert accuracy["test_examples"] == len(test)
    names, probs, emb = classify(SoundClassifier.from_pretrained(out), [np.zeros(44100)], 44100)
    assert names[0] in CLASSES and emb.shape == (1, 128)
    empty = tmp_path / "no-test"
    empty.mkdir()
    (empty / "metadata.jsonl").write_text("".join(
        json.dumps({**r, "split": "train"}) + "\n" for r in read_metadata(corpus)))
    refused = subprocess.run([sys.executable, "-m", "server.cli", "train", "classifier",
                              "--corpus", str(empty), "--out", str(tmp_path / "j2"),
                              "--steps", "5"], capture_output=True, text=True)
    assert refused.returncode == 2 and "test-split" in refused.stderr


def test_a_balanced_draw_shares_each_class_between_its_sources() -> None:
    """The library's draw: a class's few generated and kit sounds are all kept beside a
    sample of its many soundfont notes, instead of a share as thin as the corpus's."""
    from server.corpus.dataset import select, source_of

    def record(i: int, source: str, cls: str = "kick") -> dict:
        extra = {"soundfont": "FluidR3_GM.sf2"} if source == "soundfont" else {}
        return {"path": f"audio/{'fluidr3-gm' if extra else source}/{cls}-{i}.wav",
                "split": "train", "class": cls, **extra}

    records = ([record(i, "soundfont") for i in range(500)]
               + [record(i, "synth") for i in range(30)]
               + [record(i, "hydrogen") for i in range(6)] + [record(0, "synth", "snare")])
    assert {source_of(r) for r in records} == {"soundfont", "synth", "hydrogen"}
    plain = select(records, split="train", per_class=60, seed=1, classes={"kick"})
    balanced = select(records, split="train", per_class=60, seed=1, classes={"kick"},
                      balance=source_of)
    count = lambda rs, s: sum(source_of(r) == s for r in rs)  # noqa: E731
    assert count(plain, "soundfont") > 45  # the corpus's own share
    # Every hydrogen sound (6), then synth and soundfont split what is left evenly.
    assert (count(balanced, "hydrogen"), count(balanced, "synth"),
            count(balanced, "soundfont")) == (6, 27, 27)
    assert balanced == select(records, split="train", per_class=60, seed=1, classes={"kick"},
                              balance=source_of)  # seeded
    assert len(select(records, split="train", per_class=60, balance=source_of)) == 61


def test_a_refused_sample_gives_its_place_to_the_next_of_its_source() -> None:
    """The library's draw with a check (the codec's pitch): each refused sample is replaced
    by another of the same source, so the class stays full and balanced."""
    from server.corpus.dataset import select, source_of

    records = ([{"path": f"audio/fluidr3-gm/kick-{i}.wav", "split": "train", "class": "kick",
                 "soundfont": "FluidR3_GM.sf2"} for i in range(100)]
               + [{"path": f"audio/synth/kick-{i}.wav", "split": "train", "class": "kick"}
                  for i in range(40)]
               + [{"path": "audio/synth/snare-0.wav", "split": "train", "class": "snare"}])
    asked: list[str] = []

    def keep(r: dict) -> bool:
        asked.append(r["path"])
        return not r["path"].endswith(("0.wav", "2.wav", "4.wav"))

    chosen = select(records, split="train", per_class=60, seed=1, balance=source_of, keep=keep)
    kicks = [r for r in chosen if r["class"] == "kick"]
    assert len(kicks) == 60 and all(keep(r) for r in kicks)
    # 28 of the 40 synth kicks pass: all of them, and the soundfont's 32 fill the rest
    assert sum(source_of(r) == "synth" for r in kicks) == 28
    assert not any(r["class"] == "snare" for r in chosen)  # its only sample refused
    assert len(asked) < len(records) + 60  # asked of the drawn, not of every record


def test_the_library_leaves_out_tonal_samples_the_codec_does_not_carry_at_their_pitch(
        tmp_path: Path, tiny_model_dir: Path) -> None:
    """A clean bass note comes through the shipped codec at its pitch and is kept; through
    the tiny random codec it does not and is passed over; a drum is kept unread."""
    from server.codec.codec import SpectralCodec
    from server.diffusion.index_build import CarriesItsPitch

    t = np.arange(44100) / 44100
    bass = sum(np.sin(2 * np.pi * k * 55.0 * t) / k for k in range(1, 10)) * np.exp(-2 * t)
    (tmp_path / "audio").mkdir()
    sf.write(tmp_path / "audio" / "bass.wav", (0.4 * bass).astype(np.float32), 44100)
    tonal = {"path": "audio/bass.wav", "tonal": True}
    drum = {"path": "audio/not-there.wav", "tonal": False}
    shipped = CarriesItsPitch(tmp_path, SpectralCodec.from_pretrained(
        Path(__file__).resolve().parents[1] / "models" / "shotcaller-small" / "codec"), 384)
    assert shipped(tonal) and shipped(drum)
    tiny = CarriesItsPitch(tmp_path, SpectralCodec.from_pretrained(tiny_model_dir / "codec"), 8)
    assert not tiny(tonal) and tiny(drum)
    assert (tiny.checked, tiny.refused) == (1, 1)


def test_the_library_holds_one_of_each_sound_not_its_twins(tmp_path: Path) -> None:
    """A hat at another velocity (the same sample 12 dB down) is the same sound to a producer
    and to the variety count: the library keeps the first and passes the twin over; another
    hat, a hat of another class's library and a twin refused earlier are judged on their own."""
    from server.diffusion.index_build import DistinctSounds

    rng = np.random.default_rng(0)
    t = np.arange(22050) / 44100

    def hat(cutoff: int, decay: float) -> np.ndarray:
        spectrum = np.fft.rfft(rng.standard_normal(len(t)))
        spectrum[: cutoff * len(t) // 44100] = 0  # a high-passed noise burst
        return np.fft.irfft(spectrum, len(t)) * np.exp(-t / decay)

    (tmp_path / "audio").mkdir()
    closed, open_ = hat(7000, 0.04), hat(3000, 0.3)
    sounds = {"hat": closed / np.abs(closed).max() / 2,
              "quiet-hat": closed / np.abs(closed).max() / 2 * 10 ** (-12 / 20),
              "open": open_ / np.abs(open_).max() / 2}
    for name, y in sounds.items():
        sf.write(tmp_path / "audio" / f"{name}.wav", y.astype(np.float32), 44100)
    rec = lambda name, cls="closed_hat": {"path": f"audio/{name}.wav", "class": cls}  # noqa: E731

    distinct = DistinctSounds(tmp_path, num_samples=65536, sampling_rate=44100)

    def is_new(record: dict) -> bool:
        return distinct.is_new(record["class"], distinct.features(record))

    assert is_new(rec("hat"))
    distinct.remember("closed_hat", distinct.features(rec("hat")))
    assert not is_new(rec("quiet-hat"))
    assert is_new(rec("open"))
    assert is_new(rec("quiet-hat", "shaker"))  # another class's library
    assert distinct.twins == 1


def test_the_library_calls_a_sound_long_or_short_for_its_own_kind() -> None:
    """A kick ringing 0.6 s is long for a kick though the captions' 1 s rule calls it short,
    and a string note of 1.2 s is short for strings though the captions call it long; the
    other qualities are kept as measured, and a sound in the middle of its kind is neither."""
    from server.diffusion.index_build import relative_lengths

    def rec(cls: str, i: int, decay: float, qualities: list[str]) -> dict:
        return {"path": f"audio/{cls}-{i}.wav", "class": cls, "split": "train",
                "features": {"decay_s": decay}, "qualities_str": qualities}

    kicks = [rec("kick", i, 0.1 + 0.05 * i, ["fast_decay", "dark"]) for i in range(10)] \
        + [rec("kick", 10, 0.6, ["percussive"])]
    strings = [rec("strings", i, 2.0 + 0.2 * i, ["long_release"]) for i in range(10)] \
        + [rec("strings", 10, 1.2, ["long_release", "bright"])]
    held = rec("kick", 11, 0.6, [])
    held["split"] = "test"  # other splits do not move the bounds
    marked = relative_lengths([kicks[10], kicks[4], strings[10], strings[5]],
                              kicks + strings + [held], split="train")
    assert marked == [["percussive", "long_release"], ["dark"],
                      ["bright", "fast_decay"], []]


def test_kind_words_are_read_from_the_captions_of_one_kind() -> None:
    """"marimba" is in marimba captions only; "hat" in both hats' captions names neither;
    "open" names the open hat though a few closed hats' captions say it (rates taken over
    each class's size); a word in too few captions names nothing."""
    from server.diffusion.index_build import kind_words

    def recs(cls: str, n: int, caption: str) -> list[dict]:
        return [{"class": cls, "split": "train", "captions": [caption]} for _ in range(n)]

    records = (recs("mallet_bell", 30, "warm marimba hit") + recs("open_hat", 30, "open hat")
               + recs("closed_hat", 200, "tight hat") + recs("closed_hat", 5, "half open hat")
               + recs("kick", 5, "rare gong kick"))
    words = kind_words(records, split="train")
    assert words["marimba"] == "mallet_bell" and words["open"] == "open_hat"
    assert "hat" not in words and "gong" not in words


def _pack(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "server.cli", "corpus", "pack", *args],
                          capture_output=True, text=True)


def test_a_pack_is_a_small_balanced_corpus_that_loads_and_resumes(corpus: Path,
                                                                  tmp_path: Path) -> None:
    """What the GPU run trains on: a few train- and valid-split one-shots a class, their
    first seconds as 16-bit FLAC, readable as a corpus; a rerun rewrites nothing."""
    from server.corpus.dataset import load_corpus

    out = tmp_path / "pack"
    done = _pack("--corpus", str(corpus), "--out", str(out), "--per-class", "2",
                 "--valid-per-class", "1", "--seconds", "0.5")
    assert done.returncode == 0, done.stderr
    packed = load_corpus(out)
    source = {r["path"]: r for r in read_metadata(corpus)}
    assert packed and {r["split"] for r in packed} <= {"train", "valid"}
    for split, most in (("train", 2), ("valid", 1)):
        per_class: dict[str, int] = {}
        for r in packed:
            if r["split"] == split:
                per_class[r["class"]] = per_class.get(r["class"], 0) + 1
        assert max(per_class.values(), default=0) <= most
    assert any(r["split"] == "train" for r in packed)
    for r in packed:
        y, sr = sf.read(out / r["path"])
        info = sf.info(out / r["path"])
        assert info.format == "FLAC" and y.ndim == 1 and len(y) == int(round(0.5 * sr))
        original, _ = sf.read(corpus / r["packed_from"], frames=len(y))
        assert np.max(np.abs(y - original)) < 1e-4  # the same sound, 16-bit
        assert r["class"] == source[r["packed_from"]]["class"]
    # every instrument's split, packed or not, for voices made again where the pack goes
    splits = json.loads((out / "splits.json").read_text())
    assert splits == {r["instrument_str"]: r["split"] for r in source.values()}
    stamps = {f: f.stat().st_mtime_ns for f in out.rglob("*.flac")}
    assert _pack("--corpus", str(corpus), "--out", str(out), "--per-class", "2",
                 "--valid-per-class", "1", "--seconds", "0.5").returncode == 0
    assert {f: f.stat().st_mtime_ns for f in out.rglob("*.flac")} == stamps
    assert load_corpus(out) == packed

    refused = _pack("--corpus", str(corpus), "--out", str(tmp_path / "x"), "--per-class", "0")
    assert refused.returncode == 2 and "--per-class 0" in refused.stderr
    missing = _pack("--corpus", str(tmp_path / "nothing"), "--out", str(tmp_path / "y"))
    assert missing.returncode == 2 and "metadata.jsonl" in missing.stderr
    (tmp_path / "a_file").write_text("")
    unwritable = _pack("--corpus", str(corpus), "--out", str(tmp_path / "a_file" / "pack"))
    assert unwritable.returncode == 2 and "Not a directory" in unwritable.stderr


def test_the_gpu_run_passes_its_dry_run_on_the_cpu(corpus: Path, tmp_path: Path) -> None:
    """scripts/train_gpu.sh --dry-run: the GPU run's own command, tiny, on the CPU: it says
    what would travel, trains the decoder on a pack and exports a codec that loads."""
    root = Path(__file__).resolve().parents[1]
    assert _pack("--corpus", str(corpus), "--out", str(tmp_path / "gpu" / "corpus"),
                 "--per-class", "2", "--valid-per-class", "1").returncode == 0
    env = {**__import__("os").environ, "GPU_DIR": str(tmp_path / "gpu"), "PYTHON": sys.executable}
    run = subprocess.run(["bash", str(root / "scripts" / "train_gpu.sh"), "--dry-run"],
                         capture_output=True, text=True, env=env, cwd=root)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "would travel: tree" in run.stdout and "of 64" in run.stdout
    assert "exported decoder; last log entry" in run.stdout
    nothing = subprocess.run(["bash", str(root / "scripts" / "train_gpu.sh"), "--dry-run"],
                             capture_output=True, text=True, cwd=root,
                             env={**env, "GPU_DIR": str(tmp_path / "none")})
    assert nothing.returncode == 2 and "gpu_prepare.sh" in nothing.stderr


def test_diffusion_training_exports_a_model_that_renders_and_resumes(corpus: Path,
                                                                     tmp_path: Path) -> None:
    """The UNet's loop on Accelerate, on the CPU (in the bf16 autocast a GPU trains in): a
    few steps export a model folder that renders, and --resume goes on from the checkpoint."""
    import torch

    from server.codec.train import CodecTrainConfig, train_codec
    from server.diffusion.pipeline import load_pipeline
    from server.diffusion.train import DiffusionTrainConfig, train_diffusion

    codec = train_codec(CodecTrainConfig(corpus=corpus, out=tmp_path / "pca", per_class=4,
                                         latent_channels=8, latent_height=1)) / "codec"
    cfg = DiffusionTrainConfig(corpus=corpus, codec=codec, out=tmp_path / "run", steps=2,
                               batch_size=2, per_class=3, retrieval_per_class=2,
                               retrieval_components=8, mixed_precision="bf16")
    train_diffusion(cfg)
    train_diffusion(DiffusionTrainConfig(**{**cfg.__dict__, "steps": 3, "resume": True}))
    state = torch.load(tmp_path / "run" / "checkpoint.pt", map_location="cpu",
                       weights_only=False)
    assert state["step"] == 3
    model = json.loads((tmp_path / "run" / "model" / "training.json").read_text())
    assert model["step"] == 3
    pipe = load_pipeline(tmp_path / "run" / "model", device="cpu")
    out = pipe("tight kick", seed=1, num_inference_steps=2, duration_in_s=0.3)
    assert np.all(np.isfinite(out.audios)) and 0 < len(out.audios) <= int(0.3 * 44100) + 1


def test_voices_made_again_keep_the_splits_another_corpus_gave_them(tmp_path: Path) -> None:
    """Generated voices built alone are split among themselves; with --splits they keep the
    splits of the corpus they were drawn in (a test voice stays out of training)."""
    def build(out: Path, *extra: str) -> list[dict]:
        run = subprocess.run([sys.executable, "-m", "server.cli", "corpus", "build", "--out",
                              str(out), "--synth", "16", "--seconds", "1.5", "--jobs", "1",
                              *extra], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return read_metadata(out)

    alone = build(tmp_path / "alone")
    flipped = {r["instrument_str"]: "valid" if r["split"] != "valid" else "test"
               for r in alone}
    (tmp_path / "splits.json").write_text(json.dumps(flipped))
    again = build(tmp_path / "again", "--splits", str(tmp_path / "splits.json"))
    assert [r["path"] for r in again] == [r["path"] for r in alone]
    assert all(r["split"] == flipped[r["instrument_str"]] for r in again)
    (tmp_path / "bad.json").write_text(json.dumps({"x": "holdout"}))
    bad = subprocess.run([sys.executable, "-m", "server.cli", "corpus", "build", "--out",
                          str(tmp_path / "bad"), "--synth", "16", "--splits",
                          str(tmp_path / "bad.json")], capture_output=True, text=True)
    assert bad.returncode == 2 and "--splits" in bad.stderr
