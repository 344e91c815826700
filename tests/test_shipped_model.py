"""The shipped model (models/shotcaller-small): it loads offline and renders usable one-shots.

Quality is measured by ``shotcaller eval`` and recorded in the model card; these tests check
what a producer would notice at once: sound comes out, at the right rate and length, with a
known root note for pitched prompts and none for drums.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

MODEL = Path(__file__).resolve().parents[1] / "models" / "shotcaller-small"
pytestmark = [pytest.mark.model,
              pytest.mark.skipif(not (MODEL / "model_index.json").is_file(),
                                 reason="no shipped model in models/shotcaller-small")]


@pytest.fixture(scope="module")
def pipe():
    from server.diffusion.pipeline import load_pipeline

    return load_pipeline(MODEL, device="cpu")


def test_weights_stay_under_the_size_budget() -> None:
    """All shipped weights together (the model and the eval's judge) stay under 60 MB."""
    folders = (MODEL, MODEL.parent / "eval-classifier")
    total = sum(p.stat().st_size for folder in folders for p in folder.rglob("*") if p.is_file())
    assert total < 60 * 10**6


def test_pitched_prompt_renders_with_its_root(pipe) -> None:
    out = pipe("warm electric piano note", pitch=60, seed=1, output_sampling_rate=48000)
    assert out.sampling_rate == 48000 and out.root_note == 60.0 and out.tonal
    assert 0.2 * 48000 < len(out.audios) <= round(pipe.defaults.duration_in_s * 48000)
    assert np.all(np.isfinite(out.audios))
    assert 0.01 < np.max(np.abs(out.audios)) <= 1.0


def test_without_a_note_a_sound_keeps_its_seeds_register_and_sounds_at_its_root(pipe) -> None:
    """The daemon's default (no root set): a bass is not moved to middle C but sounds where the
    library bass it starts from was played, and the root it reports is the pitch one hears."""
    from server.eval.metrics import detected_pitch

    index = pipe.retrieval
    bass_notes = {float(p.round()) for p, c in zip(index.pitches, index.classes, strict=True)
                  if c == "bass"}
    for seed in (0, 1):
        out = pipe("electric bass guitar note", seed=seed)
        assert out.tonal and out.root_note in bass_notes
        heard = detected_pitch(out.audios, out.sampling_rate)
        assert heard is not None and abs(heard - out.root_note) < 1.0


def test_drum_prompt_is_unpitched_and_has_an_attack(pipe) -> None:
    out = pipe("punchy techno kick", seed=2)
    assert out.root_note is None and not out.tonal
    env = np.abs(out.audios)
    # A one-shot drum: most of its energy in the first half second.
    first = np.sum(env[: out.sampling_rate // 2] ** 2)
    assert first > 0.6 * np.sum(env**2)


def _db(x: float, ref: float) -> float:
    return 20 * np.log10(max(x, 1e-12) / ref)


def test_a_crash_rings_past_the_codec_window_and_dies_away_before_it_ends(pipe) -> None:
    """The tail model: a crash is still ringing at 1.49 s, so its render goes on, decaying,
    and ends inaudible (at least 50 dB under its peak) or faded at the asked 4 s."""
    out = pipe("crash cymbal ringing out", seed=3, duration_in_s=4.0)
    y, sr = out.audios, out.sampling_rate
    assert len(y) > 2.0 * sr
    peak = float(np.max(np.abs(y)))
    rms = [float(np.sqrt(np.mean(y[int(a * sr):int((a + 0.25) * sr)] ** 2)))
           for a in (0.5, 1.2, 1.8)]
    assert rms[0] > rms[1] > rms[2] > 0  # decaying through the window's end and after it
    assert _db(float(np.max(np.abs(y[-int(0.01 * sr):]))), peak) < -50


def test_a_closed_hat_is_short_not_four_seconds_of_silence(pipe) -> None:
    out = pipe("tight closed hi-hat", seed=1)  # the default duration: 4 s at most
    assert len(out.audios) < 0.6 * out.sampling_rate


def test_a_short_duration_is_kept_exactly_and_faded(pipe) -> None:
    out = pipe("crash cymbal ringing out", seed=3, duration_in_s=0.3)
    y = out.audios
    assert len(y) == round(0.3 * out.sampling_rate)
    assert abs(float(y[-1])) < 1e-3 and float(np.max(np.abs(y[:len(y) // 2]))) > 0.05


def _logmel(y: np.ndarray, sr: int) -> np.ndarray:
    import librosa

    mel = librosa.feature.melspectrogram(y=y, sr=sr, n_mels=64, hop_length=512)
    return np.log(mel + 1e-6)


def test_a_variation_moves_away_from_its_source_as_strength_grows(pipe) -> None:
    """/shot/vary's mechanism: the further the strength, the further the sound; new seeds give
    new sounds; a pitched source keeps its root."""
    source = pipe("warm electric piano note", pitch=57, seed=3, output_sampling_rate=44100)
    ref = _logmel(source.audios, 44100)

    def vary(strength: float, seed: int):
        return pipe("warm electric piano note", pitch=57, seed=seed, strength=strength,
                    init_audio=source.audios, init_sampling_rate=44100, tonal=True,
                    tune=False, output_sampling_rate=44100)

    def distance(y: np.ndarray) -> float:  # over the frames both have (each ends its own way)
        mel = _logmel(y, 44100)
        n = min(mel.shape[1], ref.shape[1])
        return float(np.mean(np.abs(mel[:, :n] - ref[:, :n])))

    distances = []
    for strength in (0.05, 0.3, 0.6, 1.0):
        runs = [distance(vary(strength, s).audios) for s in (11, 12, 13)]
        distances.append(float(np.mean(runs)))
    assert distances == sorted(distances), distances
    a, b = vary(0.3, 21), vary(0.3, 22)
    n = min(len(a.audios), len(b.audios))
    assert not np.allclose(a.audios[:n], b.audios[:n]) and a.root_note == 57.0


def test_a_restyle_moves_the_way_its_words_ask_and_keeps_its_pitch(pipe) -> None:
    """/shot/restyle's mechanism at the daemon's strength: "brighter", "darker" and "longer"
    heard against the source, and a low bass kept on its own pitch (the codec alone moved
    bass notes up to 90 cents flat). The source is a plain decaying saw on E1, a pitch the
    measure can be sure of (the model's own bass renders are not always on theirs)."""
    from server.corpus.descriptors import describe
    from server.diffusion.endings import decay_time
    from server.diffusion.restyle_moves import restyle_duration
    from server.diffusion.tuning import measure_pitch

    sr = 44100
    t = np.arange(int(1.5 * sr)) / sr
    hz = 440.0 * 2 ** ((40 - 69) / 12)
    saw = sum(np.sin(2 * np.pi * k * hz * t) / k for k in range(1, int(5000 / hz)))
    source = (0.5 * saw * np.exp(-t / 0.25)).astype(np.float32)
    heard = measure_pitch(source, sr, 40.0)

    def restyle(words: str, qualities: set[str]) -> np.ndarray:
        return pipe(words, pitch=40.0, seed=5, strength=0.1, init_audio=source,
                    init_sampling_rate=sr, tonal=True, effects=True,
                    duration_in_s=restyle_duration(len(source) / sr, qualities, 8.0)).audios

    def centroid(y: np.ndarray) -> float:
        return describe(y, sr=sr).centroid_hz

    bright, dark = restyle("bright", {"bright"}), restyle("dark", {"dark"})
    long = restyle("long", {"long_release"})
    assert centroid(bright) > 1.1 * centroid(source) > 1.1 * centroid(dark)
    assert decay_time(long, sr) > decay_time(source, sr)
    for y in (bright, dark, long):
        assert abs(measure_pitch(y, sr, 40.0) - heard) * 100 < 15


def test_a_morph_of_a_pitched_pair_has_one_pitch_and_the_endpoints_loudness(pipe) -> None:
    """/shot/morph's mechanism on the shipped codec: at t = 0.5 one pitch (A's root, where the
    spectrum peaks), not the two of a crossfade; loudness between the endpoints; the endpoints
    themselves come back."""
    from server.diffusion.sound_ops import morph, rms_db
    from server.diffusion.tuning import measure_pitch

    sr = 44100
    a = pipe("warm electric piano note", pitch=57, seed=3, output_sampling_rate=sr).audios
    b = pipe("soft marimba note", pitch=64, seed=4, output_sampling_rate=sr).audios * 0.3
    half, root = morph(pipe.codec, a, b, sampling_rate=sr, t=0.5, root_a=57.0, root_b=64.0,
                       output_sampling_rate=sr)
    assert root == 57.0
    pitch = measure_pitch(half, sr, 60.5)  # searched around both roots
    assert pitch is not None and abs(pitch - 57.0) < 0.5, pitch  # A3, A's root
    assert abs(rms_db(half) - (rms_db(a) + rms_db(b)) / 2) < 3.0
    n = min(len(a), len(b))
    crossfade = 0.5 * a[:n] + 0.5 * b[:n]
    m = min(n, len(half))
    assert np.corrcoef(half[:m], crossfade[:m])[0, 1] < 0.9
    start, _ = morph(pipe.codec, a, b, sampling_rate=sr, t=0.0, root_a=57.0, root_b=64.0,
                     output_sampling_rate=sr)
    assert abs(rms_db(start) - rms_db(a)) < 1.0


def test_a_morph_from_a_clap_to_a_kick_decays_longer_at_every_step(pipe) -> None:
    """Along t = 0, 0.25 ... 1 a morph from a clap (three bursts, with dips between them
    that end a decay early if only a threshold is matched) to a kick rings longer at each
    step, from the clap's decay to the kick's."""
    from server.corpus.descriptors import describe
    from server.diffusion.sound_ops import morph

    sr = 44100
    rng = np.random.default_rng(0)
    t = np.arange(int(2.0 * sr)) / sr
    clap = sum(np.exp(-np.maximum(0.0, t - s) / 0.004) * (t >= s) for s in (0.0, 0.03, 0.06))
    clap = (0.6 * clap * rng.standard_normal(t.size)).astype(np.float32)
    kick = (0.8 * np.sin(2 * np.pi * 50.0 * t) * np.exp(-t / 0.15)).astype(np.float32)
    decays = [describe(morph(pipe.codec, clap, kick, sampling_rate=sr, t=x, root_a=None,
                             root_b=None, output_sampling_rate=sr)[0], sr=sr).decay_s
              for x in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert all(b > a for a, b in zip(decays, decays[1:], strict=False)), decays
    ends = describe(clap, sr=sr).decay_s, describe(kick, sr=sr).decay_s
    assert abs(decays[0] - ends[0]) < 0.01 and abs(decays[-1] - ends[1]) < 0.05, (decays, ends)


def test_a_transfer_keeps_the_pitch_and_takes_the_texture(pipe) -> None:
    """/shot/transfer's mechanism: a piano-like note with a hi-hat's texture is brighter, with
    a kick's darker, and keeps its note in both. The note is made here, with overtones to
    lose: a library draw can be a near-sine whose centroid already sits at its fundamental,
    which no texture can darken without moving the note."""
    from server.corpus.descriptors import describe
    from server.diffusion.sound_ops import transfer
    from server.diffusion.tuning import measure_pitch

    sr = 44100
    t = np.arange(int(1.5 * sr)) / sr
    piano = (0.5 * sum(np.sin(2 * np.pi * k * 220.0 * t) / k ** 1.5 for k in range(1, 16))
             * np.exp(-3 * t) * np.minimum(1.0, t / 0.003)).astype(np.float32)  # A3, note 57
    hat = pipe("bright crisp closed hi-hat", seed=4, output_sampling_rate=sr).audios
    kick = pipe("dark muffled kick drum", seed=5, output_sampling_rate=sr).audios

    def centroid(y: np.ndarray) -> float:
        return describe(y, sr=sr).centroid_hz

    bright = transfer(pipe.codec, piano, hat, sampling_rate=sr, output_sampling_rate=sr)
    dark = transfer(pipe.codec, piano, kick, sampling_rate=sr, output_sampling_rate=sr)
    assert centroid(dark) < centroid(piano) < centroid(bright)
    for y in (bright, dark):
        pitch = measure_pitch(y, sr, 57.0)
        assert pitch is not None and abs(pitch - 57.0) < 0.5, pitch
        assert len(y) == len(piano) and np.all(np.isfinite(y))
