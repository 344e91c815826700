"""Effects a prompt names: read from its words, applied to the render, heard in the audio."""

from __future__ import annotations

import numpy as np
import pytest

from server.corpus.descriptors import describe
from server.corpus.synth import band_fraction, crest_db, wet_signal
from server.diffusion.effects import apply_effects
from server.diffusion.endings import decay_time
from server.diffusion.prompt_words import prompt_effects

SR = 44100


def _pluck(seconds: float = 1.0, note_hz: float = 220.0) -> np.ndarray:
    """A bright decaying saw: partials up to 8 kHz, 60 dB down in about 0.5 s."""
    t = np.arange(int(seconds * SR)) / SR
    saw = sum(np.sin(2 * np.pi * k * note_hz * t) / k for k in range(1, int(8000 / note_hz)))
    return (0.5 * saw * np.exp(-t / 0.07)).astype(np.float32)


def test_a_prompt_names_its_effects_in_the_captions_words() -> None:
    assert prompt_effects("dusty vinyl snare") == ["lofi"]
    assert prompt_effects("Crunchy, overdriven 808") == ["distortion"]
    assert prompt_effects("clap drenched in reverb") == ["drenched"]  # not reverb twice
    assert prompt_effects("roomy telephone snare") == ["reverb", "telephone"]
    assert prompt_effects("glassy bell pluck") == []
    assert prompt_effects("wetland radiohead") == []  # only whole words


@pytest.mark.parametrize("kind, measure, grows", [
    ("drenched", lambda y: decay_time(y, SR), True),
    ("reverb", lambda y: decay_time(y, SR), True),
    ("lofi", lambda y: describe(y, sr=SR).centroid_hz, False),
    ("muffled", lambda y: describe(y, sr=SR).centroid_hz, False),
    ("telephone", lambda y: band_fraction(y, SR, 300, 3400), True),
    ("compression", crest_db, False),
    ("distortion", lambda y: describe(y, sr=SR).flatness, True),
])
def test_each_effect_moves_its_descriptor_the_way_its_words_say(kind, measure, grows) -> None:
    dry = _pluck()
    wet = apply_effects(dry, SR, [kind], seed=3)
    assert np.all(np.isfinite(wet))
    assert np.max(np.abs(wet)) == pytest.approx(np.max(np.abs(dry)), rel=1e-4)  # level kept
    assert (measure(wet) > measure(dry)) == grows, (kind, measure(dry), measure(wet))


def test_effects_are_drawn_from_the_seed_and_leave_unnamed_sounds_alone() -> None:
    dry = _pluck()
    one = apply_effects(dry, SR, ["reverb"], seed=1)
    assert np.array_equal(one, apply_effects(dry, SR, ["reverb"], seed=1))
    assert not np.array_equal(one[:len(dry)], apply_effects(dry, SR, ["reverb"], seed=2)[:len(dry)])
    assert apply_effects(dry, SR, [], seed=1) is dry
    silent = np.zeros(100, dtype=np.float32)
    assert apply_effects(silent, SR, ["lofi"], seed=1) is silent


def test_a_render_gets_the_reverb_its_prompt_asks_for(tiny_model_dir) -> None:
    from server.diffusion.pipeline import load_pipeline

    pipe = load_pipeline(tiny_model_dir, device="cpu")
    # The same prompt and seed with its effects off: one library sample under both, whichever
    # the seed draws (another prompt's words could move the draw to another sample).
    asked = dict(seed=5, pitch=60, duration_in_s=4.0)
    dry = pipe("glassy bell pluck drenched in reverb", effects=False, **asked).audios
    wet = pipe("glassy bell pluck drenched in reverb", **asked).audios
    # Timed to -30 dB: the tiny model's random spectrogram does not decay, and the tail model
    # carries it on level at about -43 dB, whose blocks may or may not reach over -40.
    assert decay_time(wet, SR, 30.0) > decay_time(dry, SR, 30.0) + 0.3
    # A variation of a sound keeps its effects as they are; a restyle adds its words' ones.
    kw = dict(seed=5, init_audio=dry, init_sampling_rate=SR, strength=0.1, duration_in_s=4.0,
              tune=False)
    varied = pipe("bell drenched in reverb", **kw).audios
    assert np.array_equal(varied, pipe("bell drenched in reverb", effects=False, **kw).audios)
    restyled = pipe("bell drenched in reverb", effects=True, **kw).audios
    assert not np.array_equal(restyled, varied)
    assert decay_time(restyled, SR) >= decay_time(varied, SR)


def test_an_asked_effect_is_applied_even_where_the_corpus_rule_cannot_confirm_it() -> None:
    """A mid-range saw already has 98 % of its energy in the telephone band, so the corpus's
    rule (from below 0.8 to above it) can never confirm "telephone" on it; a producer who asks
    for it still gets a sound narrower than the one asked of, rendered or restyled."""
    t = np.arange(SR) / SR
    saw = sum(np.sin(2 * np.pi * k * 400 * t) / k for k in range(1, 12))
    source = (0.5 * saw * np.exp(-t / 0.2)).astype(np.float32)
    band = band_fraction(source, SR, 300, 3400)
    assert band > 0.8
    rendered = apply_effects(source, SR, ["telephone"], seed=1)
    assert band_fraction(rendered, SR, 300, 3400) > band + 0.01
    restyled = apply_effects(source, SR, ["telephone"], seed=1, reference=source)
    assert band_fraction(restyled, SR, 300, 3400) > band + 0.01


def test_a_dusty_dark_bass_is_darker_than_it_was() -> None:
    """The corpus's lofi chain (one pole at 2-5 kHz) takes nothing from a bass whose energy
    sits near 120 Hz, and its bit-crush adds hiss; asked for, the chain puts two poles under
    the sound's own brightness, rendered or restyled."""
    t = np.arange(SR) / SR
    saw = sum(np.sin(2 * np.pi * k * 55 * t) / k for k in range(1, 18))
    bass = (0.5 * saw * np.exp(-t / 0.3)).astype(np.float32)

    def centroid(y: np.ndarray) -> float:
        return describe(y, sr=SR).centroid_hz

    rng = np.random.default_rng(1)
    corpus_chain = wet_signal("lofi", bass / np.max(np.abs(bass)) * 0.89, rng, SR)
    assert centroid(corpus_chain) > 0.85 * centroid(bass)
    assert centroid(apply_effects(bass, SR, ["lofi"], seed=1)) < 0.85 * centroid(bass)
    assert centroid(apply_effects(bass, SR, ["lofi"], seed=1, reference=bass)) \
        < 0.85 * centroid(bass)


def test_a_dusty_sound_is_duller_than_its_kind_not_only_than_itself() -> None:
    """A noise burst (a snare's rattle) of a kind whose sounds are typically darker: "dusty"
    dulls it past the kind's typical brightness, where the chain under its own brightness
    left it brighter than most of its kind; a sound already duller than its kind gets the
    chain it would get without the kind."""
    t = np.arange(SR // 2) / SR
    rattle = 0.5 * np.random.default_rng(0).standard_normal(len(t)) * np.exp(-t / 0.08)
    rattle = rattle.astype(np.float32)

    def centroid(y: np.ndarray) -> float:
        return describe(y, sr=SR).centroid_hz

    alone = apply_effects(rattle, SR, ["lofi"], seed=1)
    kind = {"centroid_hz": 0.6 * centroid(alone)}
    past = apply_effects(rattle, SR, ["lofi"], seed=1, typical=kind)
    assert centroid(past) < kind["centroid_hz"] < centroid(alone) < centroid(rattle)
    bright_kind = {"centroid_hz": 2.0 * centroid(rattle)}
    assert np.array_equal(apply_effects(rattle, SR, ["lofi"], seed=1, typical=bright_kind),
                          alone)


def test_a_render_s_effect_is_judged_against_its_kind(tiny_model_dir) -> None:
    from server.diffusion.pipeline import load_pipeline
    from server.diffusion.retrieval import RetrievalIndex

    pipe = load_pipeline(tiny_model_dir, device="cpu")
    index: RetrievalIndex = pipe.retrieval
    asked = dict(seed=5, pitch=60, duration_in_s=1.0)
    before = pipe("dusty glassy bell pluck", **asked).audios
    index.typical_features = {c: {"centroid_hz": 60.0, "flatness": 0.0}
                              for c in set(index.classes)}
    after = pipe("dusty glassy bell pluck", **asked).audios
    assert describe(after, sr=SR).centroid_hz < describe(before, sr=SR).centroid_hz


def test_a_squashed_sound_is_flatter_than_its_kind() -> None:
    """"Squashed" presses a sound's peaks toward its body until its crest factor is under its
    kind's typical one, where one limiter pass left it over."""
    pluck = _pluck()
    alone = apply_effects(pluck, SR, ["compression"], seed=2)
    kind = {"crest_db": crest_db(alone) - 1.0}
    past = apply_effects(pluck, SR, ["compression"], seed=2, typical=kind)
    assert crest_db(past) < kind["crest_db"] < crest_db(alone) < crest_db(pluck)
