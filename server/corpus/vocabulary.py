"""Words kept out of every caption, so the eval can ask how the model handles words it never
saw, as producers' own prompts do.

``tests/data/heldout_prompts.jsonl`` (120 prompts, six per class) uses at least one of these in
every prompt. It and this list were committed before the caption vocabulary grew, and neither
is changed to suit a model: the measure is only fair if nothing was tuned to it.
``make_captions`` refuses to write any of these words (a test checks every caption table and a
generated corpus).
"""

from __future__ import annotations

import re

#: quality synonyms, effects, genres, gear and slang held out of training captions
HELD_OUT_WORDS: frozenset[str] = frozenset({
    # qualities
    "sparkly", "brilliant", "glistening", "velvety", "murky", "smoky", "stubby", "staccato",
    "choppy", "lingering", "droning", "endless", "slamming", "thumpy", "banging", "whispery",
    "feathery", "delicate", "fizzy", "hissy", "washy", "plinky",
    # effects
    "bitcrushed", "warbly", "cavernous", "smeared",
    # genres
    "phonk", "amapiano", "jersey club", "afrobeats", "grime", "footwork", "synthwave",
    "hyperpop", "dubstep", "garage",
    # gear, instruments, slang
    "sp-1200", "mpc", "tr-606", "cr-78", "linndrum", "prophet", "jupiter", "ob-xa",
    "minimoog", "mellotron", "wurly", "cp-70", "shekere",
})  # fmt: skip


def held_out_in(text: str) -> list[str]:
    """The held-out words ``text`` contains (whole words, case-insensitive)."""
    lowered = text.lower()
    return sorted(w for w in HELD_OUT_WORDS
                  if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", lowered))
