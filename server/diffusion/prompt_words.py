"""What a prompt asks of a sound beyond its kind: qualities ("tight", "dark") and effects
("dusty", "drenched in reverb"), read in the captions' own words.

Only the vocabulary's words count. Reading a word the vocabulary lacks as its nearest word in
MiniLM's space was measured and left out (``bench/prompt_words.py``): antonyms lie as near as
synonyms there ("bright" beside "dark"), so a hidden vocabulary word lands on the wrong meaning
more often than on its own at every threshold.
"""

from __future__ import annotations

import re

from ..corpus.captions import (
    CAPTION_SYNONYMS,
    CLASS_NOUNS,
    GENRE_WORDS,
    KIT_WORDS,
    LONG_WORDS,
    OPPOSITE_QUALITIES,
    QUALITY_WORDS,
    SOURCE_WORDS,
)

#: the words that switch each render-time effect on (``effects.py``), from the words the
#: corpus generator's effects earn (``synth.EFFECT_WORDS``), less those that name a quality
EFFECT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "distortion": ("crunchy", "overdriven", "saturated", "distorted"),
    "lofi": ("lofi", "lo-fi", "dusty", "vinyl"),
    "reverb": ("roomy", "reverb", "wet", "spacious"),
    "drenched": ("drenched", "drenched in reverb"),
    "telephone": ("telephone", "lo-fi radio", "radio"),
    "muffled": ("muffled",),
    "compression": ("squashed", "compressed"),
}
# "punchy" stays a caption word the seeds answer to, but no render-time effect: the generator's
# slow-attack compressor, made up to the peak, let a long kick's boom ring on louder (its energy
# after 0.5 s went from 10 % to 48 %), the opposite of what a producer means.


def _vocabulary() -> dict[str, frozenset[str]]:
    """word → what it means: quality names (``OPPOSITE_QUALITIES``' keys) and ``fx_KIND``."""
    meaning: dict[str, set[str]] = {}
    for quality in OPPOSITE_QUALITIES:
        words = (*QUALITY_WORDS[quality], *CAPTION_SYNONYMS.get(quality, ()))
        if quality == "long_release":
            words += tuple(w for ws in LONG_WORDS.values() for w in ws)
        for w in words:
            meaning.setdefault(w, set()).add(quality)
    for kind, words in EFFECT_TRIGGERS.items():
        for w in words:
            meaning.setdefault(w, set()).add(f"fx_{kind}")
    return {w: frozenset(m) for w, m in meaning.items()}


def neutral_words() -> list[str]:
    """Caption words that ask nothing of the sound: class nouns, kits, genres, sources."""
    words = {w for ws in CLASS_NOUNS.values() for w in ws}
    words |= {w for ws in (*KIT_WORDS.values(), *GENRE_WORDS.values(), *SOURCE_WORDS.values())
              for w in ws}
    return sorted(words - set(VOCABULARY))


VOCABULARY = _vocabulary()


def _tokens(prompt: str) -> str:
    return " " + re.sub(r"[^a-z0-9 -]+", " ", prompt.lower()) + " "


def prompt_meanings(prompt: str) -> set[str]:
    """Every quality and ``fx_KIND`` the prompt names, before opposites cancel."""
    text = _tokens(prompt)
    found: set[str] = set()
    for phrase, meaning in VOCABULARY.items():
        if f" {phrase} " in text:
            found |= meaning
    return found


def prompt_qualities(prompt: str) -> set[str]:
    """The qualities a prompt names ("tight" → fast_decay, "boomy" → long_release), so that a
    seed can be chosen for them (the text embedding alone barely tells "short kick" from "long
    kick"); a prompt naming both sides ("short bright, long tail") asks for neither."""
    found = {m for m in prompt_meanings(prompt) if m in OPPOSITE_QUALITIES}
    return {q for q in found if OPPOSITE_QUALITIES[q] not in found}


def prompt_effects(prompt: str) -> list[str]:
    """The effects a prompt asks for (``EFFECT_TRIGGERS``' kinds, in that table's order);
    "drenched" stands in for plain reverb."""
    found = {m[3:] for m in prompt_meanings(prompt) if m.startswith("fx_")}
    if "drenched" in found:
        found.discard("reverb")
    return [k for k in EFFECT_TRIGGERS if k in found]
