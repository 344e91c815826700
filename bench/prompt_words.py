"""How well an unknown word borrows a meaning from its nearest vocabulary word (MiniLM).

    python bench/prompt_words.py

Leave-one-out over the prompt vocabulary (``diffusion/prompt_words.py``): each quality or effect
word is hidden and read as an unknown word would be; it should land on a word of its own
meaning. Each neutral caption word (class nouns, kits, genres, sources), hidden the same way,
should land on nothing. Printed per threshold: the share of meaning words read right, read
wrong, and of neutral words given a meaning. Measured: wrong is at least right at every
threshold (antonyms are near each other), so prompts are read in the vocabulary's words only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.diffusion.prompt_words import VOCABULARY, neutral_words  # noqa: E402
from server.diffusion.text import TextEncoder  # noqa: E402


def main() -> None:
    text = TextEncoder()
    known = sorted(VOCABULARY)
    neutral = neutral_words()
    table = text.embed(known + neutral).float()
    sims = table @ table.T
    sims.fill_diagonal_(-1.0)
    meaning = [VOCABULARY[w] for w in known] + [frozenset()] * len(neutral)
    # A word hidden is read against the others: its nearest other word and that similarity.
    best = torch.argmax(sims, dim=1)
    top = sims.max(dim=1).values
    print(f"{len(known)} meaning words, {len(neutral)} neutral words")
    print("threshold  right  wrong  neutral-given-a-meaning")
    for threshold in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
        right = wrong = false = 0
        for i in range(len(known) + len(neutral)):
            j = int(best[i])
            got = meaning[j] if float(top[i]) >= threshold else frozenset()
            if i < len(known):
                right += bool(got & meaning[i])
                wrong += bool(got) and not got & meaning[i]
            else:
                false += bool(got)
        print(f"{threshold:9.2f}  {right / len(known):5.2f}  {wrong / len(known):5.2f}  "
              f"{false / len(neutral):5.2f}")


if __name__ == "__main__":
    main()
