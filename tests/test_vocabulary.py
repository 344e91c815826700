"""The held-out vocabulary: every held-out prompt uses it, and no caption ever does."""

from __future__ import annotations

import json
from pathlib import Path

from server.corpus import captions, synth
from server.corpus.captions import make_captions
from server.corpus.gm import CLASSES
from server.corpus.vocabulary import HELD_OUT_WORDS, held_out_in

PROMPTS = Path(__file__).parent / "data" / "heldout_prompts.jsonl"


def test_every_held_out_prompt_uses_a_held_out_word() -> None:
    prompts = [json.loads(line) for line in PROMPTS.read_text().splitlines() if line.strip()]
    assert len(prompts) >= 120
    assert {c: sum(p["class"] == c for p in prompts) for c in CLASSES} == dict.fromkeys(
        CLASSES, 6)
    assert [p["prompt"] for p in prompts if not held_out_in(p["prompt"])] == []


def _tables() -> list[str]:
    out = []
    for table in (captions.CLASS_NOUNS, captions.NAME_NOUNS, captions.KIT_WORDS,
                  captions.QUALITY_WORDS, captions.LONG_WORDS, captions.SOURCE_WORDS,
                  captions.GENRE_WORDS, synth.EFFECT_WORDS):
        for key, words in table.items():
            out += [key, *words]
    return out


def test_no_caption_table_holds_a_held_out_word() -> None:
    assert {w: held_out_in(w) for w in _tables() if held_out_in(w)} == {}


def test_captions_never_use_a_held_out_word_even_when_asked_to() -> None:
    texts = make_captions(key="k", sound_class="kick", names=["phonk kick"], source="synthetic",
                          qualities=["hard"], nouns=["sp-1200 kick", "808 kick"],
                          words=["thumpy", "punchy"], n=8)
    assert texts and not any(held_out_in(t) for t in texts)
    assert any("808 kick" in t for t in texts)


def test_a_generated_corpus_has_no_held_out_word() -> None:
    for family in synth.FAMILIES:
        for i in range(12):
            v = synth.generate(family, f"{family}-vocab-{i}", sample_rate=22050, length_s=0.5)
            texts = make_captions(key=f"{family}-{i}", sound_class=synth.FAMILIES[family][0],
                                  names=[], source="synthetic", qualities=[],
                                  nouns=v.names, words=v.words + v.effect_words, n=4)
            assert not any(held_out_in(t) for t in texts), (family, texts)
    assert len(HELD_OUT_WORDS) >= 40
