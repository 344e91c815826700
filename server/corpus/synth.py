"""Drum-machine and synth voices, generated: the sounds GM soundfonts do not have.

Analog-style drums (808 / 909 / 707-like kicks, snares, claps, hats, cymbals, toms, rims,
cowbells, congas, shakers) and subtractive and FM voices (sub, acid, reese and FM basses;
saw, square and supersaw leads; plucks; pads; FM bells; FM electric pianos; drawbar organs).
Every parameter is drawn from a generator seeded by the voice's id over a musically sensible
range, and the caption words are written from the parameters, so every word is true of its
sound: a kick earns "long boom" only with a decay over a second, a lead "supersaw" only with
seven detuned saws.

A share of the voices goes through a Spotify ``pedalboard`` effect chain (distortion, lo-fi
bit-crush with crackle, reverb, telephone or muffling filters, compression). An effect earns
its words only when a descriptor of the result confirms it against the dry voice: "roomy" needs
a longer decay, "muffled" a lower centroid, "squashed" a lower crest factor (see
:func:`confirmed_effect_words`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

from .descriptors import describe, envelope_db, is_silent_or_broken
from .render_units import note_name, slug

#: family → (sound class, register of MIDI notes for pitched families)
FAMILIES: dict[str, tuple[str, tuple[int, int] | None]] = {
    "kick": ("kick", None), "snare": ("snare", None), "clap": ("clap", None),
    "closed_hat": ("closed_hat", None), "open_hat": ("open_hat", None),
    "cymbal": ("cymbal", None), "tom": ("tom", None), "rim": ("rim", None),
    "cowbell": ("perc", None), "conga": ("perc", None), "shaker": ("shaker", None),
    "bass": ("bass", (28, 52)), "lead": ("synth", (55, 84)), "pluck": ("synth", (52, 84)),
    "pad": ("synth", (48, 76)), "bell": ("mallet_bell", (64, 96)),
    "epiano": ("keys", (45, 81)), "organ": ("organ", (40, 76)),
}  # fmt: skip
EFFECT_SHARE = 0.4  # voices that go through an effect chain


@dataclass
class Voice:
    """One generated sound and what is true of it."""

    audio: np.ndarray  # float32 mono, peak-normalised
    family: str
    names: list[str]  # nouns and gear words ("808 kick", "supersaw lead")
    words: list[str]  # adjectives the parameters earned ("long boom", "detuned")
    pitch: int | None  # MIDI note, None for unpitched drums
    params: dict = field(default_factory=dict)
    effect: str | None = None
    effect_words: list[str] = field(default_factory=list)


def _rng(key: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big"))


def _hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69.0) / 12.0)


def _env(t: np.ndarray, decay_s: float, attack_s: float = 0.001) -> np.ndarray:
    """Exponential decay reaching -60 dB at ``decay_s``, after a linear attack."""
    attack = np.clip(t / max(attack_s, 1e-4), 0.0, 1.0)
    return attack * np.exp(-6.91 * t / max(decay_s, 1e-3))


def _adsr(t: np.ndarray, *, attack: float, decay: float, sustain: float, release: float,
          note_off: float) -> np.ndarray:
    on = np.where(t < attack, t / max(attack, 1e-4),
                  sustain + (1 - sustain) * np.exp(-5.0 * (t - attack) / max(decay, 1e-3)))
    level_off = np.interp(note_off, t, on) if note_off < t[-1] else on[-1]
    off = level_off * np.exp(-6.91 * (t - note_off) / max(release, 1e-3))
    return np.where(t < note_off, on, off)


def _band(x: np.ndarray, sr: int, lo: float | None, hi: float | None, order: int = 2):
    nyq = 0.49 * sr
    if lo and hi:
        sos = signal.butter(order, [lo, min(hi, nyq)], btype="bandpass", fs=sr, output="sos")
    elif lo:
        sos = signal.butter(order, min(lo, nyq), btype="highpass", fs=sr, output="sos")
    else:
        sos = signal.butter(order, min(hi, nyq), btype="lowpass", fs=sr, output="sos")
    return signal.sosfilt(sos, x)


def _swept_lowpass(x: np.ndarray, sr: int, cutoff: np.ndarray, q: float,
                   block: int = 128) -> np.ndarray:
    """A resonant low-pass whose cutoff follows ``cutoff`` (Hz per sample), block by block."""
    out = np.empty_like(x)
    zi = np.zeros(2)
    for start in range(0, len(x), block):
        fc = float(np.clip(cutoff[start], 30.0, 0.45 * sr))
        b, a = signal.iirfilter(2, fc, btype="lowpass", ftype="butter", fs=sr) if q <= 0.75 \
            else _resonant(fc, q, sr)
        chunk, zi = signal.lfilter(b, a, x[start:start + block], zi=zi)
        out[start:start + block] = chunk
    return out


def _resonant(fc: float, q: float, sr: int) -> tuple[np.ndarray, np.ndarray]:
    w = 2 * np.pi * fc / sr
    alpha = np.sin(w) / (2 * q)
    cos = np.cos(w)
    b = np.array([(1 - cos) / 2, 1 - cos, (1 - cos) / 2])
    a = np.array([1 + alpha, -2 * cos, 1 - alpha])
    return b / a[0], a / a[0]


def _saw(phase: np.ndarray) -> np.ndarray:
    return 2.0 * (phase % 1.0) - 1.0


def _square(phase: np.ndarray, width: float = 0.5) -> np.ndarray:
    return np.where(phase % 1.0 < width, 1.0, -1.0)


def _phase(freq: float | np.ndarray, n: int, sr: int) -> np.ndarray:
    f = np.broadcast_to(np.asarray(freq, dtype=np.float64), (n,))
    return np.cumsum(f) / sr


# -- drums -----------------------------------------------------------------------------------
def _kick(rng: np.random.Generator, t: np.ndarray, sr: int) -> Voice:
    style = rng.choice(["808", "909", "707"])
    f0 = rng.uniform(38, 62)
    decay = {"808": rng.uniform(0.35, 2.6), "909": rng.uniform(0.2, 0.7),
             "707": rng.uniform(0.15, 0.45)}[style]
    sweep = rng.uniform(2.0, 6.0) if style != "808" else rng.uniform(1.5, 3.5)
    sweep_s = rng.uniform(0.02, 0.09)
    freq = f0 * (1 + (sweep - 1) * np.exp(-t / sweep_s))
    body = np.sin(2 * np.pi * _phase(freq, len(t), sr)) * _env(t, decay)
    click_level = rng.uniform(0.0, 0.6) if style == "808" else rng.uniform(0.3, 1.0)
    click = _band(rng.standard_normal(len(t)), sr, 1500, 9000) * _env(t, 0.012) * click_level
    drive = rng.uniform(0.0, 1.0)
    y = np.tanh((1 + 4 * drive) * (body + click)) if drive > 0.6 else body + click
    words, names = [], [f"{style} kick", f"{style}"]
    if decay > 1.0:
        words += ["long boom", "boomy", "long"]
        if style == "808":
            names += ["trap 808", "808 bass kick"]
    elif decay < 0.35:
        words += ["tight", "short", "snappy"]
    if click_level > 0.7:
        words += ["punchy", "clicky"]
    if drive > 0.6:
        words += ["distorted", "saturated"]
    if style == "909":
        names += ["house kick", "techno kick"]
    if f0 < 45:
        words += ["deep", "subby"]
    return Voice(y, "kick", names, words, None, {"style": str(style), "f0_hz": f0,
                                                  "decay_s": decay, "drive": drive})


def _snare(rng, t, sr) -> Voice:
    style = rng.choice(["808", "909", "acoustic-like"])
    tone_hz = rng.uniform(160, 260)
    tone_decay = rng.uniform(0.06, 0.2)
    noise_decay = rng.uniform(0.08, 0.45)
    snappy = rng.uniform(0.3, 1.0)
    tone = (np.sin(2 * np.pi * tone_hz * t) + 0.5 * np.sin(2 * np.pi * 1.6 * tone_hz * t)) \
        * _env(t, tone_decay)
    noise = _band(rng.standard_normal(len(t)), sr, 1200, 10000) * _env(t, noise_decay) * snappy
    y = 0.6 * tone + noise
    words = ["snappy", "crisp"] if snappy > 0.75 and noise_decay < 0.25 else []
    words += ["tight", "short"] if noise_decay < 0.15 else []
    words += ["long", "ringing"] if noise_decay > 0.35 else []
    names = [f"{style} snare"] if style != "acoustic-like" else ["snare"]
    names += ["trap snare"] if style == "808" and noise_decay < 0.25 else []
    return Voice(y, "snare", names, words, None, {"style": str(style), "tone_hz": tone_hz,
                                                   "noise_decay_s": noise_decay})


def _clap(rng, t, sr) -> Voice:
    bursts = int(rng.integers(3, 6))
    spacing = rng.uniform(0.007, 0.014)
    tail = rng.uniform(0.1, 0.5)
    center = rng.uniform(900, 2200)
    env = np.zeros_like(t)
    for k in range(bursts):
        shifted = np.clip(t - k * spacing, 0.0, None)
        env += np.where(t >= k * spacing, _env(shifted, 0.012 if k < bursts - 1 else tail), 0.0)
    y = _band(rng.standard_normal(len(t)), sr, center * 0.6, center * 2.2) * env
    words = ["long", "roomy"] if tail > 0.35 else ["tight", "dry"] if tail < 0.18 else []
    names = ["808 clap", "trap clap"] if center < 1300 else ["909 clap", "house clap"]
    return Voice(y, "clap", names, words, None, {"bursts": bursts, "tail_s": tail,
                                                  "center_hz": center})


_METAL_RATIOS = (1.0, 1.342, 1.2312, 1.6532, 1.9523, 2.1523)  # 808-style square cluster


def _metal(rng, t, sr, base: float) -> np.ndarray:
    return sum(_square(_phase(base * r, len(t), sr)) for r in _METAL_RATIOS) / 6.0


def _hat(rng, t, sr, *, open_: bool) -> Voice:
    decay = rng.uniform(0.3, 1.4) if open_ else rng.uniform(0.025, 0.12)
    base = rng.uniform(280, 420)
    mix = rng.uniform(0.2, 0.8)
    src = mix * _metal(rng, t, sr, base) + (1 - mix) * rng.standard_normal(len(t)) * 0.5
    y = _band(src, sr, rng.uniform(6000, 9000), None, order=4) * _env(t, decay)
    family = "open_hat" if open_ else "closed_hat"
    words = (["sizzling", "long"] if open_ and decay > 0.9
             else ["tight", "crisp", "short"] if not open_ and decay < 0.06 else [])
    names = [f"808 {'open' if open_ else 'closed'} hat", "trap hi-hat" if not open_ else "open hat"]
    return Voice(y, family, names, words, None, {"decay_s": decay, "metal_mix": mix})


def _cymbal(rng, t, sr) -> Voice:
    kind = rng.choice(["crash", "ride"])
    decay = rng.uniform(1.2, 3.5) if kind == "crash" else rng.uniform(0.9, 2.5)
    src = 0.5 * _metal(rng, t, sr, rng.uniform(350, 600)) + 0.5 * rng.standard_normal(len(t))
    lo = rng.uniform(3000, 6000) if kind == "crash" else rng.uniform(5000, 8000)
    y = _band(src, sr, lo, None, order=2) * _env(t, decay, attack_s=0.002)
    if kind == "ride":
        y += 0.3 * np.sin(2 * np.pi * rng.uniform(2500, 4000) * t) * _env(t, decay)
    words = ["ringing", "long", "shimmering"] if decay > 2.0 else []
    return Voice(y, "cymbal", [f"{kind} cymbal", f"electronic {kind}"], words, None,
                 {"kind": str(kind), "decay_s": decay})


def _tom(rng, t, sr) -> Voice:
    f0 = rng.uniform(75, 260)
    decay = rng.uniform(0.2, 0.9)
    freq = f0 * (1 + rng.uniform(0.3, 1.2) * np.exp(-t / rng.uniform(0.03, 0.12)))
    y = np.sin(2 * np.pi * _phase(freq, len(t), sr)) * _env(t, decay)
    y += 0.15 * _band(rng.standard_normal(len(t)), sr, 800, 5000) * _env(t, 0.03)
    words = ["boomy", "long"] if decay > 0.65 else ["tight"] if decay < 0.3 else []
    words += ["low", "deep"] if f0 < 110 else ["high"] if f0 > 200 else []
    return Voice(y, "tom", ["808 tom", "synth tom", "electronic tom"], words, None,
                 {"f0_hz": f0, "decay_s": decay})


def _rim(rng, t, sr) -> Voice:
    ping = rng.uniform(1400, 2600)
    decay = rng.uniform(0.015, 0.06)
    y = np.sin(2 * np.pi * ping * t) * _env(t, decay) \
        + 0.5 * _band(rng.standard_normal(len(t)), sr, 2000, 9000) * _env(t, 0.006)
    return Voice(y, "rim", ["808 rimshot", "rim click", "side stick"], ["clicky", "short"],
                 None, {"ping_hz": ping, "decay_s": decay})


def _cowbell(rng, t, sr) -> Voice:
    decay = rng.uniform(0.12, 0.6)
    y = (_square(_phase(rng.uniform(520, 580), len(t), sr))
         + _square(_phase(rng.uniform(780, 840), len(t), sr)))
    y = _band(y, sr, 600, 2600) * _env(t, decay)
    words = ["long", "ringing"] if decay > 0.4 else ["short"] if decay < 0.2 else []
    return Voice(y, "cowbell", ["808 cowbell", "cowbell"], words, None, {"decay_s": decay})


def _conga(rng, t, sr) -> Voice:
    f0 = rng.uniform(180, 420)
    decay = rng.uniform(0.08, 0.4)
    freq = f0 * (1 + 0.25 * np.exp(-t / 0.02))
    y = np.sin(2 * np.pi * _phase(freq, len(t), sr)) * _env(t, decay)
    words = ["high"] if f0 > 330 else ["low"] if f0 < 230 else []
    return Voice(y, "conga", ["conga", "808 conga", "hand drum"], words, None,
                 {"f0_hz": f0, "decay_s": decay})


def _shaker(rng, t, sr) -> Voice:
    length = rng.uniform(0.08, 0.3)
    attack = rng.uniform(0.01, 0.04)
    env = np.clip(t / attack, 0, 1) * np.exp(-np.clip(t - attack, 0, None) / (length / 3))
    y = _band(rng.standard_normal(len(t)), sr, rng.uniform(4000, 7000), None, order=4) * env
    return Voice(y, "shaker", ["shaker", "electronic shaker", "maracas"],
                 ["short"] if length < 0.15 else [], None, {"length_s": length})


# -- pitched voices --------------------------------------------------------------------------
def _detuned_saws(freq: float, n: int, sr: int, count: int, cents: float,
                  rng: np.random.Generator) -> np.ndarray:
    offsets = np.linspace(-cents, cents, count) if count > 1 else np.zeros(1)
    return sum(_saw(_phase(freq * 2 ** (c / 1200), n, sr) + rng.uniform())
               for c in offsets) / np.sqrt(count)


def _subtractive(rng, t, sr, note: int, family: str) -> Voice:
    freq = _hz(note)
    n = len(t)
    shape = {"bass": ["saw", "square", "sub", "acid", "reese", "fm"],
             "lead": ["saw", "square", "supersaw"],
             "pluck": ["saw", "square", "supersaw"],
             "pad": ["supersaw", "saw"]}[family]
    wave = str(rng.choice(shape))
    names, words = [], []
    if wave == "supersaw":
        osc = _detuned_saws(freq, n, sr, 7, rng.uniform(12, 35), rng)
        names += ["supersaw", "trance supersaw"]
        words += ["wide", "detuned"]
    elif wave == "reese":
        osc = _detuned_saws(freq, n, sr, 2, rng.uniform(10, 25), rng)
        names += ["reese bass", "dnb reese"]
        words += ["detuned", "wide"]
    elif wave in ("saw", "acid"):
        osc = _saw(_phase(freq, n, sr))
        names += ["acid bass", "303 bass"] if wave == "acid" else ["saw " + family]
    elif wave == "square":
        osc = _square(_phase(freq, n, sr), rng.uniform(0.2, 0.5))
        names += ["square " + family]
    elif wave == "sub":
        osc = np.sin(2 * np.pi * _phase(freq, n, sr))
        names += ["sub bass", "808 sub"]
        words += ["deep", "subby"]
    else:  # fm bass
        index = rng.uniform(1.0, 4.0)
        mod = np.sin(2 * np.pi * _phase(freq, n, sr)) * index * _env(t, rng.uniform(0.1, 0.5))
        osc = np.sin(2 * np.pi * _phase(freq, n, sr) + mod)
        names += ["fm bass", "dx7 bass"]
    if family == "bass" and wave != "sub":
        osc = osc + 0.6 * np.sin(2 * np.pi * _phase(freq / 2 if note > 40 else freq, n, sr))
    attack = rng.uniform(0.25, 0.9) if family == "pad" else rng.uniform(0.001, 0.01)
    if family == "pluck":
        note_off, release, sustain = rng.uniform(0.2, 0.5), rng.uniform(0.1, 0.3), 0.0
        decay = rng.uniform(0.08, 0.4)
    elif family == "pad":
        note_off, release, sustain = rng.uniform(0.9, 1.3), rng.uniform(0.4, 1.2), 0.8
        decay = 0.5
    else:
        note_off, release, sustain = rng.uniform(0.3, 1.1), rng.uniform(0.05, 0.6), \
            rng.uniform(0.5, 0.9)
        decay = rng.uniform(0.1, 0.4)
    amp = _adsr(t, attack=attack, decay=decay, sustain=sustain, release=release,
                note_off=note_off)
    cutoff_base = freq * rng.uniform(1.5, 6.0)
    env_amount = rng.uniform(2.0, 20.0) if wave == "acid" or family == "pluck" \
        else rng.uniform(0.0, 6.0)
    filter_decay = rng.uniform(0.05, 0.4)
    q = rng.uniform(4.0, 9.0) if wave == "acid" else rng.uniform(0.6, 2.0)
    cutoff = cutoff_base * (1 + env_amount * np.exp(-t / filter_decay))
    y = _swept_lowpass(osc, sr, cutoff, q) * amp
    if wave == "acid":
        words += ["squelchy", "resonant"]
    if family == "pad":
        words += ["lush", "slow attack", "evolving"]
        names += ["synth pad", "juno pad"]
    elif family == "pluck":
        words += ["plucky", "short"]
        names += ["synth pluck"]
    elif family == "lead":
        names += ["synth lead", "moog lead" if wave == "saw" else "chiptune lead"]
    elif family == "bass":
        names += ["synth bass", "moog bass" if wave == "saw" else "analog bass"]
    if release > 0.5 and family != "pluck":
        words += ["long release", "long"]
    # Brightness is left to the corpus's class-relative qualities: a word from the filter
    # alone could contradict them.
    return Voice(y, family, names, words, note,
                 {"wave": wave, "cutoff_hz": cutoff_base, "env_amount": env_amount,
                  "resonance_q": q, "note_off_s": note_off, "release_s": release})


def _fm_bell(rng, t, sr, note: int) -> Voice:
    freq = _hz(note)
    ratio = float(rng.choice([1.4, 2.0, 3.5, 3.0, 4.0]))
    index = rng.uniform(1.5, 6.0)
    decay = rng.uniform(0.8, 3.5)
    mod = index * np.exp(-t / (decay * 0.4)) * np.sin(2 * np.pi * _phase(freq * ratio, len(t), sr))
    y = np.sin(2 * np.pi * _phase(freq, len(t), sr) + mod) * _env(t, decay)
    words = ["glassy", "shimmering"] if index > 3.5 else ["pure", "round"]
    words += ["ringing", "long"] if decay > 2.2 else []
    return Voice(y, "bell", ["fm bell", "dx7 bell", "glass bell"], words, note,
                 {"ratio": ratio, "index": index, "decay_s": decay})


def _fm_epiano(rng, t, sr, note: int) -> Voice:
    freq = _hz(note)
    decay = rng.uniform(0.9, 2.5)
    index = rng.uniform(0.8, 2.5)
    tine = index * np.exp(-t / 0.15) * np.sin(2 * np.pi * _phase(freq * 14.0, len(t), sr)) * 0.3
    body = index * np.exp(-t / 0.6) * np.sin(2 * np.pi * _phase(freq, len(t), sr))
    y = np.sin(2 * np.pi * _phase(freq, len(t), sr) + body + tine) * _env(t, decay)
    words = ["bell-like", "tine"] if index > 1.8 else ["round", "smooth"]
    return Voice(y, "epiano", ["fm electric piano", "dx7 electric piano", "ep"], words, note,
                 {"index": index, "decay_s": decay})


def _organ(rng, t, sr, note: int) -> Voice:
    freq = _hz(note)
    drawbars = rng.integers(0, 9, size=6).astype(float)
    drawbars[0] = max(drawbars[0], 4)
    partials = (0.5, 1.0, 1.5, 2.0, 3.0, 4.0)
    y = sum(d / 8 * np.sin(2 * np.pi * _phase(freq * p, len(t), sr))
            for d, p in zip(drawbars, partials, strict=True))
    note_off = rng.uniform(0.6, 1.2)
    y = y * _adsr(t, attack=0.005, decay=0.1, sustain=1.0, release=0.08, note_off=note_off)
    bright = drawbars[4:].sum() > 8
    return Voice(y, "organ", ["drawbar organ", "b3 organ", "hammond"],
                 ["full", "all drawbars"] if bright else ["round", "smooth"], note,
                 {"drawbars": drawbars.astype(int).tolist(), "note_off_s": note_off})


def generate(family: str, key: str, *, sample_rate: int, length_s: float) -> Voice:
    """One voice of ``family``, deterministic in ``key``."""
    rng = _rng(key)
    t = np.arange(int(sample_rate * length_s)) / sample_rate
    sound_class, register = FAMILIES[family]
    note = int(rng.integers(register[0], register[1] + 1)) if register else None
    makers = {
        "kick": _kick, "snare": _snare, "clap": _clap, "cymbal": _cymbal, "tom": _tom,
        "rim": _rim, "cowbell": _cowbell, "conga": _conga, "shaker": _shaker,
        "closed_hat": lambda r, t_, sr: _hat(r, t_, sr, open_=False),
        "open_hat": lambda r, t_, sr: _hat(r, t_, sr, open_=True),
        "bell": lambda r, t_, sr: _fm_bell(r, t_, sr, note),
        "epiano": lambda r, t_, sr: _fm_epiano(r, t_, sr, note),
        "organ": lambda r, t_, sr: _organ(r, t_, sr, note),
    }
    if family in ("bass", "lead", "pluck", "pad"):
        voice = _subtractive(rng, t, sample_rate, note, family)
    else:
        voice = makers[family](rng, t, sample_rate)
    voice.family = family
    voice.audio = _finish(voice.audio, sample_rate)
    if rng.uniform() < EFFECT_SHARE:
        _apply_effect(voice, rng, sample_rate)
    voice.words += _genre_words(voice)
    return voice


def _genre_words(voice: Voice) -> list[str]:
    """The genres a voice's style is known for: an 808 kick is a trap kick, a reese a dnb bass."""
    from .captions import GENRE_WORDS

    styles = [str(voice.params.get("style", "")), str(voice.params.get("wave", "")),
              voice.family if voice.family in GENRE_WORDS else "",
              "lofi" if voice.effect == "lofi" and voice.effect_words else ""]
    if voice.family == "bass" and voice.params.get("wave") == "fm":
        styles.append("fm")
    if voice.family in ("bell", "epiano"):
        styles.append("fm")
    return [w for style in styles if style for w in GENRE_WORDS.get(style, ())]


def _finish(y: np.ndarray, sr: int) -> np.ndarray:
    """DC-free, a 5 ms fade at the end (never a click), peak-normalised to -1 dBFS."""
    y = np.asarray(y, dtype=np.float64)
    y = signal.sosfilt(signal.butter(1, 20, btype="highpass", fs=sr, output="sos"), y)
    fade = min(len(y), int(0.005 * sr))
    y[len(y) - fade:] *= np.linspace(1.0, 0.0, fade)
    peak = np.max(np.abs(y))
    return (y / peak * 0.89).astype(np.float32) if peak > 0 else y.astype(np.float32)


# -- effects ---------------------------------------------------------------------------------
EFFECT_WORDS = {
    "distortion": ("crunchy", "overdriven", "saturated", "gritty"),
    "lofi": ("lofi", "dusty", "vinyl"),
    "reverb": ("roomy", "wet", "spacious"),
    "drenched": ("drenched in reverb", "spacious", "wet"),
    "telephone": ("telephone", "filtered", "lo-fi radio"),
    "muffled": ("muffled", "filtered", "dark"),
    "compression": ("squashed", "compressed", "loud"),
    "punch": ("punchy", "snappy"),
}


def crest_db(y: np.ndarray) -> float:
    """Peak over RMS of the sounding part (frames within 20 dB of the loudest), in dB."""
    env = envelope_db(y)
    keep = np.repeat(env > env.max() - 20.0, 256)[:len(y)]
    z = y[:len(keep)][keep].astype(np.float64)
    if z.size == 0:
        return 0.0
    return float(20 * np.log10(np.max(np.abs(z)) / (np.sqrt(np.mean(z * z)) + 1e-12) + 1e-12))


def effect_decay_s(y: np.ndarray, sr: int) -> float:
    """Seconds from the peak until the level stays 40 dB below it."""
    env = envelope_db(y)
    top = int(np.argmax(env))
    above = np.nonzero(env[top:] > env[top] - 40.0)[0]
    return float((above[-1] + 1) * 256 / sr) if len(above) else 0.0


def confirmed_effect_words(kind: str, dry: np.ndarray, wet: np.ndarray, sr: int) -> list[str]:
    """The words of effect ``kind`` that a descriptor confirms on ``wet`` against ``dry``."""
    d_dry, d_wet = describe(dry, sr=sr), describe(wet, sr=sr)
    centroid_ratio = d_wet.centroid_hz / max(d_dry.centroid_hz, 1.0)
    ok = {
        "distortion": (d_wet.flatness > d_dry.flatness * 1.15 or centroid_ratio > 1.2)
        and crest_db(wet) < crest_db(dry) - 1.0,
        "lofi": centroid_ratio < 0.85,
        "reverb": effect_decay_s(wet, sr) > 1.3 * effect_decay_s(dry, sr) + 0.05,
        "drenched": effect_decay_s(wet, sr) > 2.0 * effect_decay_s(dry, sr) + 0.3,
        "telephone": band_fraction(wet, sr, 300, 3400) > 0.8 > band_fraction(dry, sr, 300,
                                                                                3400),
        "muffled": centroid_ratio < 0.7,
        "compression": crest_db(wet) < crest_db(dry) - 2.0,
        "punch": crest_db(wet) > crest_db(dry) + 2.0,  # the attack stands out of the body
    }[kind]
    return list(EFFECT_WORDS[kind]) if ok else []


def band_fraction(y: np.ndarray, sr: int, lo: float, hi: float) -> float:
    power = np.abs(np.fft.rfft(y.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(y), 1.0 / sr)
    return float(power[(freqs >= lo) & (freqs <= hi)].sum() / (power.sum() + 1e-20))


def effect_chain(kind: str, rng: np.random.Generator, sr: int,
                 brightness_hz: float | None = None):
    """The pedalboard chain of ``kind`` with parameters drawn from ``rng``.

    ``brightness_hz`` is given for a sound a producer asked the effect of (a render or a
    restyle's source: its centroid), which gets the stronger chain the word promises: a lofi
    low-pass put below that brightness, two-pole, with the crackle going through it
    (``wet_signal``), so that "dusty" dulls a sound already darker than 2 kHz; a telephone
    band 24 dB/octave steep (two one-pole filters a side left 30 % of a low string's energy
    outside 300-3400 Hz). The draws are the same either way, and the corpus's voices (no
    brightness) get the chains their captions were confirmed on: a corpus builds the same
    sounds."""
    import pedalboard as pb

    def hz(value: float) -> float:  # a filter above Nyquist blows up: keep below it
        return float(min(value, 0.45 * sr))

    if kind == "distortion":
        return pb.Pedalboard([pb.Distortion(drive_db=float(rng.uniform(12, 30))),
                              pb.LowpassFilter(cutoff_frequency_hz=hz(rng.uniform(6e3, 12e3)))])
    if kind == "lofi":
        bits, cutoff = float(rng.uniform(6, 10)), float(rng.uniform(2e3, 5e3))
        if brightness_hz is None:
            return pb.Pedalboard([pb.Bitcrush(bit_depth=bits),
                                  pb.LowpassFilter(cutoff_frequency_hz=hz(cutoff))])
        # two poles under the sound's brightness: one pole at 0.8 of a bell's centroid, the
        # crackle on top, lowered it by 3 %; two, the crackle under them, by 35 %
        cutoff = hz(max(150.0, min(cutoff, 0.8 * brightness_hz)))
        return pb.Pedalboard([pb.Bitcrush(bit_depth=bits),
                              pb.LowpassFilter(cutoff_frequency_hz=cutoff),
                              pb.LowpassFilter(cutoff_frequency_hz=cutoff)])
    if kind in ("reverb", "drenched"):
        wet = rng.uniform(0.5, 0.8) if kind == "drenched" else rng.uniform(0.2, 0.45)
        return pb.Pedalboard([pb.Reverb(room_size=float(rng.uniform(0.5, 0.95)),
                                        wet_level=float(wet), dry_level=float(1 - wet / 2))])
    if kind == "telephone":
        low, high = float(rng.uniform(300, 500)), hz(rng.uniform(2.8e3, 3.4e3))
        if brightness_hz is not None:  # asked for: a real line's steep band (24 dB/octave)
            sos = signal.butter(4, [low, high], btype="bandpass", fs=sr, output="sos")
            return lambda x, rate: signal.sosfilt(sos, x, axis=-1).astype(np.float32)
        return pb.Pedalboard([pb.HighpassFilter(cutoff_frequency_hz=low),
                              pb.LowpassFilter(cutoff_frequency_hz=high),
                              pb.HighpassFilter(cutoff_frequency_hz=300.0),
                              pb.LowpassFilter(cutoff_frequency_hz=hz(3400.0))])
    if kind == "muffled":
        return pb.Pedalboard([pb.LowpassFilter(cutoff_frequency_hz=float(rng.uniform(400, 1200))),
                              pb.LowpassFilter(cutoff_frequency_hz=1500.0)])
    if kind == "compression":  # a limiter pressing the whole sound against its ceiling
        drive = float(rng.uniform(10, 22))
        return pb.Pedalboard([pb.Gain(gain_db=drive),
                              pb.Limiter(threshold_db=-1.0,
                                         release_ms=float(rng.uniform(60, 200)))])
    if kind == "punch":  # a slow-attack compressor: the transient passes, the body is held
        return pb.Pedalboard([pb.Compressor(threshold_db=float(rng.uniform(-30, -18)),
                                            ratio=float(rng.uniform(6, 12)),
                                            attack_ms=float(rng.uniform(3, 12)),
                                            release_ms=float(rng.uniform(60, 200)))])
    raise ValueError(f"effect {kind!r}: must be one of {', '.join(EFFECT_WORDS)}")


def wet_signal(kind: str, dry: np.ndarray, rng: np.random.Generator, sr: int,
               brightness_hz: float | None = None) -> np.ndarray | None:
    """``dry`` (peak-normalised, as the generator's voices are: the chains' drives and
    thresholds assume it) through effect ``kind``'s chain with parameters drawn from ``rng``
    (``brightness_hz``: see ``effect_chain``), as long as the input (a reverb needs silence
    after the sound to ring into); None if the chain blew up."""
    chain = effect_chain(kind, rng, sr, brightness_hz)
    x = dry.astype(np.float32)
    if kind == "lofi" and brightness_hz is not None:  # the crackle dulled with the sound
        x = x + _crackle(len(x), rng)
    wet = chain(x[None, :], sr)[0]
    if kind == "lofi" and brightness_hz is None:  # vinyl crackle: sparse clicks under it
        wet = wet + _crackle(len(wet), rng)
    return wet[:len(dry)] if np.all(np.isfinite(wet)) else None


def _crackle(n: int, rng: np.random.Generator) -> np.ndarray:
    return ((rng.uniform(size=n) < 0.0015) * rng.standard_normal(n) * 0.15).astype(np.float32)


def _apply_effect(voice: Voice, rng: np.random.Generator, sr: int) -> None:
    kind = str(rng.choice(list(EFFECT_WORDS)))
    dry = voice.audio
    wet = wet_signal(kind, dry, rng, sr)
    if wet is None:  # never a broken sound in the corpus: stay dry
        return
    wet = _finish(wet, sr)
    voice.effect = kind
    voice.effect_words = confirmed_effect_words(kind, dry, wet, sr)
    voice.audio = wet


# -- corpus units ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SynthUnit:
    """``count`` voices of one family: one instrument of the corpus (one split)."""

    family: str
    index: int
    count: int
    sample_rate: int
    length_s: float

    @property
    def unit_id(self) -> str:
        return f"synth-{slug(self.family)}-{self.index:03d}"

    def run(self, corpus_dir: Path) -> tuple[list[dict], list[str]]:
        records, problems = [], []
        sound_class = FAMILIES[self.family][0]
        for i in range(self.count):
            key = f"{self.unit_id}-{i:03d}"
            voice = generate(self.family, key, sample_rate=self.sample_rate,
                             length_s=self.length_s)
            why = is_silent_or_broken(voice.audio)
            if why:
                problems.append(f"{key}: {why}")
                continue
            rel = Path("audio") / "synth" / self.family / f"{key}.wav"
            (corpus_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            sf.write(corpus_dir / rel, voice.audio, self.sample_rate, subtype="PCM_16")
            d = describe(voice.audio, sr=self.sample_rate,
                         note_off_s=voice.params.get("note_off_s"))
            pitch = voice.pitch if voice.pitch is not None else 60
            records.append({
                "note_str": key,
                "instrument_str": self.unit_id,
                "instrument_source_str": "synthetic",
                "pitch": pitch,
                "velocity": None,
                "sample_rate": self.sample_rate,
                "class": sound_class,
                "tonal": voice.pitch is not None,
                "root_note": None if voice.pitch is None else float(voice.pitch),
                "preset_name": voice.names[0],
                "synth_names": voice.names,
                "synth_words": sorted(set(voice.words + voice.effect_words)),
                "effect": voice.effect,
                "generator": voice.params,
                "note_name": note_name(pitch) if voice.pitch is not None else None,
                "features": d.to_dict(),
                "path": rel.as_posix(),
            })
        return records, problems


def synth_units(per_family: int, *, sample_rate: int, length_s: float,
                families: tuple[str, ...] | None = None, chunk: int = 16) -> list[SynthUnit]:
    """Units making ``per_family`` voices of each family, ``chunk`` voices an instrument."""
    out = []
    for family in families or tuple(FAMILIES):
        for index, start in enumerate(range(0, per_family, chunk)):
            out.append(SynthUnit(family, index, min(chunk, per_family - start), sample_rate,
                                 length_s))
    return out
