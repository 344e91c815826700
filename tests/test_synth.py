"""The drum-machine and synth voice generator: deterministic voices, captions true of their
sounds, effect words only when a descriptor confirms the effect, and a corpus built from it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from server.corpus.build import BuildConfig, build_corpus, read_metadata
from server.corpus.descriptors import describe
from server.corpus.gm import CLASSES
from server.corpus.synth import (
    EFFECT_WORDS,
    FAMILIES,
    confirmed_effect_words,
    effect_chain,
    generate,
)

SR = 44100


@pytest.mark.parametrize("family", list(FAMILIES))
def test_every_family_makes_a_clean_deterministic_voice(family: str) -> None:
    a = generate(family, f"{family}-test", sample_rate=SR, length_s=1.0)
    b = generate(family, f"{family}-test", sample_rate=SR, length_s=1.0)
    assert np.array_equal(a.audio, b.audio) and a.words == b.words and a.names == b.names
    assert a.audio.dtype == np.float32 and a.audio.shape == (SR,)
    assert np.all(np.isfinite(a.audio)) and 0.85 < np.max(np.abs(a.audio)) <= 0.9
    assert abs(float(a.audio[-1])) < 1e-3  # faded out, never cut with a click
    assert (a.pitch is None) == (FAMILIES[family][1] is None)
    other = generate(family, f"{family}-other", sample_rate=SR, length_s=1.0)
    assert not np.array_equal(a.audio, other.audio)


def test_decay_words_are_true_of_the_sound() -> None:
    kicks = [generate("kick", f"kick-{i}", sample_rate=SR, length_s=3.0) for i in range(60)]
    long_ = [describe(k.audio, sr=SR).decay_s for k in kicks if "long boom" in k.words]
    tight = [describe(k.audio, sr=SR).decay_s for k in kicks if "tight" in k.words]
    assert len(long_) >= 5 and len(tight) >= 5
    assert min(long_) > max(tight)  # every "long boom" kick rings longer than every tight one
    hats = [generate("open_hat", f"oh-{i}", sample_rate=SR, length_s=2.0) for i in range(20)]
    closed = [generate("closed_hat", f"ch-{i}", sample_rate=SR, length_s=2.0) for i in range(20)]
    assert np.median([describe(h.audio, sr=SR).decay_s for h in hats]) > \
        4 * np.median([describe(h.audio, sr=SR).decay_s for h in closed])


def test_supersaw_is_seven_detuned_saws_and_says_so() -> None:
    pads = [generate("pad", f"pad-{i}", sample_rate=SR, length_s=1.5) for i in range(30)]
    supersaws = [p for p in pads if p.params["wave"] == "supersaw"]
    assert supersaws and all("supersaw" in p.names and "detuned" in p.words for p in supersaws)
    assert all("supersaw" not in p.names for p in pads if p.params["wave"] != "supersaw")


def _click(length_s: float = 1.0) -> np.ndarray:
    t = np.arange(int(SR * length_s)) / SR
    rng = np.random.default_rng(0)
    return (rng.standard_normal(len(t)) * np.exp(-t / 0.01) * 0.5).astype(np.float32)


@pytest.mark.parametrize(("kind", "word"), [("reverb", "roomy"), ("muffled", "muffled"),
                                            ("compression", "squashed"), ("punch", "punchy")])
def test_an_effect_earns_its_words_when_a_descriptor_moves(kind: str, word: str) -> None:
    """Most sounds of the kind each effect suits earn its word; the rest earn none."""
    if kind in ("compression", "punch"):  # transients with a body behind them
        dries = [generate("tom", f"tom-{kind}-{i}", sample_rate=SR, length_s=1.0).audio
                 for i in range(8)]
    else:
        dries = [_click(), generate("closed_hat", "hat-fx", sample_rate=SR, length_s=1.0).audio]
    earned = 0
    for i, dry in enumerate(dries):
        wet = effect_chain(kind, np.random.default_rng(i), SR)(dry[None, :], SR)[0][:len(dry)]
        wet = (wet / np.max(np.abs(wet)) * 0.89).astype(np.float32)
        words = confirmed_effect_words(kind, dry, wet, SR)
        assert words in ([], list(EFFECT_WORDS[kind]))
        earned += word in words
    assert earned >= 0.6 * len(dries), f"{earned} of {len(dries)}"


def test_an_effect_that_changes_nothing_earns_nothing() -> None:
    t = np.arange(SR) / SR
    sub = (0.8 * np.sin(2 * np.pi * 50 * t) * np.exp(-t / 0.5)).astype(np.float32)
    # a 50 Hz sub through a 1 kHz low-pass: already that dark, it is not "muffled"
    wet = effect_chain("muffled", np.random.default_rng(2), SR)(sub[None, :], SR)[0]
    assert confirmed_effect_words("muffled", sub, wet.astype(np.float32), SR) == []
    assert confirmed_effect_words("reverb", sub, sub, SR) == []


def test_a_synth_corpus_builds_resumes_and_captions_in_producer_words(tmp_path) -> None:
    cfg = BuildConfig(out=tmp_path / "c", synth_per_family=4, length_s=1.0, jobs=1)
    report = build_corpus(cfg, progress=False)
    assert report.records == 4 * len(FAMILIES) and not report.problems
    records = read_metadata(tmp_path / "c")
    classes = {r["class"] for r in records}
    assert classes <= set(CLASSES) and len(classes) >= 15
    for r in records:
        assert r["instrument_source_str"] == "synthetic" and len(r["captions"]) >= 3
        assert (tmp_path / "c" / r["path"]).is_file()
        assert r["tonal"] == (r["root_note"] is not None)
        words = " ".join(r["captions"])
        assert any(name in words for name in r["synth_names"]) or r["class"] in words \
            or any(w in words for w in ("hat", "drum", "percussion", "synth", "bell", "keys",
                                        "organ", "bass", "cymbal", "crash", "rim", "shaker",
                                        "clap", "snare", "kick", "tom", "perc", "piano"))
    captions = " ".join(c for r in records for c in r["captions"])
    assert "808" in captions and any(w in captions for w in ("supersaw", "reese", "acid", "fm"))
    again = build_corpus(cfg, progress=False)  # resumes: nothing generated twice
    assert again.rendered_units == 0
    assert (tmp_path / "c" / "metadata.jsonl").read_text() == \
        "".join(json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n" for r in records)
