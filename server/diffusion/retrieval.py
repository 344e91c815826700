"""Retrieval seeding after the thesis's ChopAN: start denoising from similar library sounds.

The index holds, for a library of samples, the unit-length caption embedding, the codec
latent, the pitch, the tonal flag and the class. A prompt's seed is one matching sample (or a
similarity-weighted blend of several) moved onto the requested note, noised to ``strength``
and then denoised by the text-conditioned model, so the result is new but anchored.

Which sample makes a seed is chosen in stages (``SeedSettings``):

1. a *shortlist* of the library captions nearest the prompt;
2. the shortlist's classes *vote*, weighted by similarity, and only the winner's samples stay;
3. each remaining sample scores its caption similarity, less a little per semitone between a
   pitched sample and the requested note, plus a bonus per quality the prompt names that the
   sample has ("tight", "dark": ``prompt_words.prompt_qualities``), less one per opposite;
   a prompt that names no length also costs a sample a little per octave between its decay
   and its class's typical one, so a plain "crash cymbal" rings as crashes do;
4. one of the best ``pool`` is drawn, so variations of a prompt differ.

A sample moved far from its own note loses its character (``bench/seeds.py``: recognised
less often the further it is moved), so the note matters; ranking a whole library by pitch
lets samples of the wrong sound in, so the shortlist and vote keep the class; and the text
embedding hardly tells "short kick" from "long kick", so measured qualities decide those.
Blending several matches, each moved to the note, measured worse than one match once seeds
were near their notes (model card, version 3.2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from ..corpus.captions import OPPOSITE_QUALITIES
from ..corpus.credits import credit_of

INDEX_FILE = "index.safetensors"
META_FILE = "index.json"


#: the qualities that name a sound's length (a prompt with neither takes its class's typical)
LENGTH_QUALITIES = frozenset({"fast_decay", "long_release"})
#: middle C: where a render sounds without a note or a pitched seed
DEFAULT_NOTE = 60.0
#: where a register word pulls a render without a note: a quantile of its matches' notes
REGISTER_QUANTILES = {"low": 0.25, "high": 0.75}


@dataclass(frozen=True)
class SeedSettings:
    """How a prompt's seed is drawn from the library (saved with the index, so each model keeps
    the setting it was measured with)."""

    blend: int = 1  # matches mixed into one seed
    pool: int = 16  # each match drawn among the best pool * blend, so variations differ
    shortlist: int = 48  # nearest captions considered; 0 = the whole library
    per_semitone: float = 0.03  # similarity a tonal match loses per semitone from the note
    vote: bool = True  # the shortlist's classes vote, and only the winning class is drawn from
    per_quality: float = 0.2  # similarity gained per quality the prompt names and a match has
    #: softmax temperature of the draw among the pool: low favours the very best match, high
    #: draws the pool near evenly (more distinct sounds between seeds)
    draw_temperature: float = 0.05
    #: similarity a match loses per octave (doubling) between its decay and its class's
    #: typical decay, when the prompt names no length ("long", "tight")
    per_decay_octave: float = 0.1
    #: matches within this similarity of the best are drawn as if they were the best: the
    #: caption embedding's small differences between sounds that all fit the prompt are not
    #: preferences, and a draw concentrated by them gives one prompt few distinct sounds
    draw_margin: float = 0.1

    def __post_init__(self) -> None:
        if (self.blend < 1 or self.pool < 1 or self.shortlist < 0 or self.per_semitone < 0
                or self.per_quality < 0 or self.draw_temperature <= 0
                or self.per_decay_octave < 0 or self.draw_margin < 0):
            raise ValueError(f"seed settings out of range: {self}")


#: what indexes saved before the settings were stored did
LEGACY_SETTINGS = SeedSettings(blend=4, pool=2, shortlist=0, per_semitone=0.003, vote=False,
                               per_quality=0.0, per_decay_octave=0.0, draw_margin=0.0)


def caption_words(text: str) -> list[str]:
    """Lower-case words of a caption or prompt ("hi-hat" is one word)."""
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower())


#: the golden ratio's fractional part: n * GOLDEN mod 1 is the most evenly spread sequence
GOLDEN = (5 ** 0.5 - 1) / 2


def seed_draw(seed: int) -> float:
    """Where seed ``seed`` falls in [0, 1) for ``systematic_draw``.

    Consecutive seeds land far apart (a low-discrepancy sequence): twelve of them over a pool of
    16 even weights pick 11-12 different matches, where twelve independent draws pick 8.6 on
    average, so re-rolling a prompt seed by seed walks its pool instead of repeating matches.
    A random seed still picks each match with its weight.
    """
    return float((seed * GOLDEN) % 1.0)


def systematic_draw(weights: torch.Tensor, u: float, k: int) -> torch.Tensor:
    """``k`` distinct indices of ``weights`` (which sum to 1), the first where ``u`` falls on
    their cumulative sum, the others at ``u + j / k`` (systematic sampling); where two points
    fall on one index, the heaviest index not yet taken stands in."""
    edges = torch.cumsum(weights.double(), dim=0)
    points = torch.tensor([(u + j / k) % 1.0 for j in range(k)], dtype=torch.float64)
    hits = torch.searchsorted(edges, points, right=True).clamp(max=len(weights) - 1).tolist()
    chosen = list(dict.fromkeys(hits))
    for i in torch.argsort(weights, descending=True).tolist():
        if len(chosen) == k:
            break
        if i not in chosen:
            chosen.append(i)
    return torch.tensor(chosen, dtype=torch.long)


def quantize_latents(latents: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Latents [N, C, H, T] as int8 codes and a float scale per component [1, C, 1, 1].

    Half the bytes of fp16, so the same file holds twice the components. On 120 valid-split
    round trips the classifier's top-1 and Fréchet distance with 192 or 384 components did not
    change measurably against fp16: the step is far below the codec's own error.
    """
    scale = latents.float().abs().amax(dim=(0, 2, 3), keepdim=True).clamp_min(1e-8) / 127
    codes = (latents.float() / scale).round().clamp(-127, 127).to(torch.int8)
    return codes.contiguous(), scale.contiguous()


#: a trailing patch within this many int8 steps of the last one is part of a steady tail
STEADY_STEPS = 1


def pack_steady_tails(codes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """int8 codes [N, C, 1, T] as the patches each sample needs, [sum of lengths, C], and the
    lengths [N]: a sound that has died away ends in a run of patches that are (within
    ``STEADY_STEPS``) one patch repeated, and that run is kept once (a quarter of the library's
    bytes). The run is kept as its last patch, so that packing an unpacked library gives the
    same patches (a run kept as its first would take in another patch at each re-save)."""
    n, c, h, t = codes.shape
    if h != 1:
        raise ValueError(f"latent codes of height {h}: only height 1 is packed")
    x = codes[:, :, 0, :].to(torch.int16)
    steady = (x - x[:, :, -1:]).abs().amax(dim=1) <= STEADY_STEPS  # [N, T]
    # length = T less the steady run at the end, but one patch of it is kept: the last
    run = torch.flip(torch.cumprod(torch.flip(steady, [1]).to(torch.int32), dim=1), [1]).sum(1)
    lengths = (t - run + 1).clamp(1, t)
    patches = torch.cat([torch.cat([codes[i, :, 0, :int(lengths[i]) - 1], codes[i, :, 0, -1:]],
                                   dim=1).T for i in range(n)])
    return patches.contiguous(), lengths.to(torch.int16)


def unpack_steady_tails(patches: torch.Tensor, lengths: torch.Tensor,
                        frames: int) -> torch.Tensor:
    """:func:`pack_steady_tails` undone: codes [N, C, 1, frames], each tail its last kept
    patch repeated."""
    out = []
    start = 0
    for length in lengths.tolist():
        kept = patches[start:start + length].T  # [C, length]
        start += length
        out.append(torch.cat([kept, kept[:, -1:].expand(-1, frames - length)], dim=1))
    return torch.stack(out).unsqueeze(2)


@dataclass
class Neighbours:
    latent: torch.Tensor  # [C, H, T] similarity-weighted blend
    tonal_probability: float
    classes: list[str]
    similarities: list[float]
    note: float  # the MIDI note the seed sounds at (the asked one, or its own register's)
    credits: list[str] = field(default_factory=list)  # each pick's source and licence
    #: the drawn kind's medians over its corpus split: ``decay`` (to -40 dB, seconds) and
    #: the descriptors of ``typical_features``; empty where the index has none
    typical: dict[str, float] = field(default_factory=dict)


class RetrievalIndex:
    def __init__(self, embeddings: torch.Tensor, latents: torch.Tensor, pitches: torch.Tensor,
                 tonal: torch.Tensor, classes: list[str], *,
                 settings: SeedSettings | None = None, sources: list[str] | None = None,
                 qualities: list[list[str]] | None = None,
                 credits: list[str] | None = None, decays: torch.Tensor | None = None,
                 typical_decays: dict[str, float] | None = None,
                 kind_words: dict[str, str] | None = None,
                 typical_features: dict[str, dict[str, float]] | None = None) -> None:
        """``sources``: each sample's path in the corpus it came from, so that the eval can
        check renders against the very samples that seeded them; ``qualities``: each sample's
        quality words (``corpus/descriptors.py``), which prompts can ask for; ``credits``:
        each sample's source, author and licence (``corpus/credits.py``), for a render it
        seeds; ``decays``: each sample's decay to -40 dB in seconds (``endings.decay_time``),
        and ``typical_decays`` each class's median over its corpus split, which a prompt
        naming no length is pulled towards; ``kind_words``: caption words that name one
        kind of sound ("marimba", "taiko", "open"), which decide a prompt's kind
        (``named_kinds``); ``typical_features``: each class's median descriptors over its
        corpus split (``centroid_hz``, ``flatness``, ``crest_db``), which an effect the
        prompt names must take a render past (``effects.apply_effects``)."""
        if not (len(embeddings) == len(latents) == len(pitches) == len(tonal) == len(classes)):
            raise ValueError("retrieval index arrays must have the same length")
        self.embeddings = torch.nn.functional.normalize(embeddings.float(), dim=-1)
        self.latents = latents
        self.pitches = pitches.float()
        self.tonal = tonal.bool()
        self.classes = classes
        self.settings = settings or SeedSettings()
        if sources is not None and len(sources) != len(classes):
            raise ValueError("retrieval index sources must name every sample")
        self.sources = sources
        if qualities is not None and len(qualities) != len(classes):
            raise ValueError("retrieval index qualities must describe every sample")
        self.qualities = qualities
        if credits is not None and len(credits) != len(classes):
            raise ValueError("retrieval index credits must name every sample")
        self.credits = credits
        if decays is not None and len(decays) != len(classes):
            raise ValueError("retrieval index decays must time every sample")
        self.decays = None if decays is None else decays.float()
        self.typical_decays = typical_decays
        self.kind_words = kind_words
        self.typical_features = typical_features

    @classmethod
    def of_records(cls, embeddings: torch.Tensor, latents: torch.Tensor, pitches: torch.Tensor,
                   tonal: torch.Tensor, records: list[dict], *,
                   settings: SeedSettings | None = None, decays: torch.Tensor | None = None,
                   typical_decays: dict[str, float] | None = None,
                   qualities: list[list[str]] | None = None,
                   kind_words: dict[str, str] | None = None,
                   typical_features: dict[str, dict[str, float]] | None = None
                   ) -> RetrievalIndex:
        """An index of corpus ``records``: their classes, corpus paths and measured qualities
        (``qualities``, or the records' own) beside the given per-sample tensors (in the
        records' order)."""
        return cls(embeddings, latents, pitches, tonal, [r["class"] for r in records],
                   settings=settings, sources=[r["path"] for r in records],
                   qualities=qualities if qualities is not None
                   else [list(r.get("qualities_str", [])) for r in records],
                   credits=[credit_of(r) for r in records], decays=decays,
                   typical_decays=typical_decays, kind_words=kind_words,
                   typical_features=typical_features)

    def __len__(self) -> int:
        return len(self.classes)

    def save(self, path: str | Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        codes, scale = quantize_latents(self.latents)
        patches, lengths = pack_steady_tails(codes)
        tensors = {"embeddings": self.embeddings.half().contiguous(),
                   "latent_patches": patches, "latent_lengths": lengths,
                   "latent_frames": torch.tensor([codes.shape[-1]], dtype=torch.int16),
                   "latent_scale": scale,
                   "pitches": self.pitches.contiguous(), "tonal": self.tonal.to(torch.uint8)}
        if self.decays is not None:
            tensors["decays"] = self.decays.half().contiguous()
        save_file(tensors, str(path / INDEX_FILE))
        (path / META_FILE).write_text(json.dumps(
            {**asdict(self.settings), "classes": self.classes, "sources": self.sources,
             "qualities": self.qualities, "credits": self.credits,
             "typical_decays": self.typical_decays, "kind_words": self.kind_words,
             "typical_features": self.typical_features}) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> RetrievalIndex:
        path = Path(path)
        t = load_file(str(path / INDEX_FILE))
        meta = json.loads((path / META_FILE).read_text())
        # A setting missing from an older index is what that index was measured with.
        settings = SeedSettings(**{f.name: meta.get(f.name, getattr(LEGACY_SETTINGS, f.name))
                                   for f in fields(SeedSettings)})
        # Indexes of version 3.2 stored fp16 latents, of 3.3-4.2 int8 codes and a scale per
        # component; current ones pack each sound's steady tail into one patch.
        if "latents" in t:
            latents = t["latents"].float()
        else:
            codes = t["latent_codes"] if "latent_codes" in t else unpack_steady_tails(
                t["latent_patches"], t["latent_lengths"], int(t["latent_frames"][0]))
            latents = codes.float() * t["latent_scale"]
        return cls(t["embeddings"].float(), latents, t["pitches"], t["tonal"].bool(),
                   meta["classes"], settings=settings, sources=meta.get("sources"),
                   qualities=meta.get("qualities"), credits=meta.get("credits"),
                   decays=t.get("decays"), typical_decays=meta.get("typical_decays"),
                   kind_words=meta.get("kind_words"),
                   typical_features=meta.get("typical_features"))

    def neighbours(self, query: torch.Tensor, *, pitch: float | None, k: int | None = None,
                   temperature: float = 0.05, generator: torch.Generator | None = None,
                   repitch: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
                   qualities: set[str] | frozenset[str] = frozenset(),
                   register: str | None = None, draw: float | None = None,
                   named: dict[str, int] | None = None) -> Neighbours:
        """Blend of ``k`` (default: the settings' ``blend``) of the best matches of a
        unit-length query embedding [384].

        ``pitch=None`` asks for the sound's own register: no match pays for its distance from a
        note, and the render's note is the drawn match's own root (rounded to a semitone), so a
        bass stays low instead of being moved to middle C. (Pulling the matches towards the
        middle of their kind's register instead measured no better on the valid split.)
        ``register`` ("low" or "high", from ``captions.prompt_register``) then pulls them
        towards the lower or upper quartile of the shortlisted pitched matches' notes, as a
        given note would; with a note given it is ignored.
        ``repitch(latents, semitones)`` (the codec's ``shift_pitch``) moves each tonal match to
        ``pitch`` before blending; without it, matches at different notes blend into a cluster
        and a render seeded from them keeps their notes, not the requested one.
        ``qualities``: what the prompt asks for (``prompt_words.prompt_qualities``); a match gains
        ``per_quality`` for each it has and loses as much for each opposite.
        With ``qualities`` naming no length, a match loses ``per_decay_octave`` per octave
        between its decay and its class's typical one.
        ``draw``: a point in [0, 1) that picks the matches off the pool's cumulative weights
        (``seed_draw`` of the render's seed) instead of a draw from ``generator``.
        ``named``: the kinds the prompt names and how often (``named_kinds``); the kind named
        most (on a tie, the one the captions vote for, if it is among them) is drawn from,
        whatever the captions vote.
        """
        s = self.settings
        k = k or s.blend
        sims = self.embeddings @ query.float().cpu()
        candidates = torch.arange(len(sims))
        if 0 < s.shortlist < len(sims):
            candidates = torch.topk(sims, s.shortlist).indices
        if s.vote:
            candidates = self._winning_class(candidates, sims, temperature, named or {})
        scores = sims[candidates]
        pitched = self.tonal[candidates]
        target = pitch
        if target is None and register in REGISTER_QUANTILES and pitched.any():
            notes = self.pitches[candidates][pitched].float()
            target = float(notes.quantile(REGISTER_QUANTILES[register]))
        if target is not None:
            distance = (self.pitches[candidates] - target).abs() * s.per_semitone
            scores = scores - torch.where(pitched, distance, torch.zeros_like(distance))
        if qualities and self.qualities is not None and s.per_quality:
            scores = scores + s.per_quality * self._quality_match(candidates, qualities)
        if s.per_decay_octave and not qualities & LENGTH_QUALITIES:
            scores = scores - s.per_decay_octave * self._decay_distance(candidates)
        top = torch.topk(scores, min(s.pool * k, len(scores))).indices
        # Draw k of the best pool*k so that seeds vary between variations of one prompt.
        ranked = scores[top].clamp(max=float(scores[top].max()) - s.draw_margin)
        weights = torch.softmax(ranked / s.draw_temperature, dim=0)
        if draw is None:
            chosen = top[torch.multinomial(weights, min(k, len(top)), generator=generator)]
        else:
            chosen = top[systematic_draw(weights, draw, min(k, len(top)))]
        w = torch.softmax(scores[chosen] / temperature, dim=0)
        pick = candidates[chosen]
        if pitch is None:
            tonal_picks = pick[self.tonal[pick]]
            pitch = float(self.pitches[tonal_picks[0]].round()) if len(tonal_picks) \
                else DEFAULT_NOTE
        latents = self.latents[pick].float()
        if repitch is not None:
            semitones = torch.where(self.tonal[pick], pitch - self.pitches[pick],
                                    torch.zeros(len(pick)))
            latents = repitch(latents, semitones)
        latent = (w.view(-1, 1, 1, 1) * latents).sum(0)
        # A blend of k unit-variance latents has a smaller variance: restore it.
        latent = latent / latent.std().clamp_min(1e-3) * latents.std()
        tonal_p = float((w * self.tonal[pick].float()).sum())
        return Neighbours(latent, tonal_p, [self.classes[i] for i in pick.tolist()],
                          sims[pick].tolist(), float(pitch),
                          [self.credits[i] for i in pick.tolist()] if self.credits else [],
                          typical=self.typical_of(self.classes[int(pick[0])]))

    def typical_of(self, sound_class: str) -> dict[str, float]:
        """A class's medians over its corpus split (``decay`` and ``typical_features``')."""
        typical = dict((self.typical_features or {}).get(sound_class, {}))
        decay = (self.typical_decays or {}).get(sound_class)
        if decay is not None:
            typical["decay"] = float(decay)
        return typical

    def _decay_distance(self, candidates: torch.Tensor) -> torch.Tensor:
        """Per candidate: octaves between its decay and its class's typical decay (0 where
        the index has no decays)."""
        if self.decays is None or not self.typical_decays:
            return torch.zeros(len(candidates))
        typical = torch.tensor([self.typical_decays.get(self.classes[i], float("nan"))
                                for i in candidates.tolist()])
        octaves = torch.log2(self.decays[candidates].clamp_min(0.01) / typical.clamp_min(0.01))
        return torch.nan_to_num(octaves.abs(), nan=0.0)

    def _quality_match(self, candidates: torch.Tensor, wanted: set[str] | frozenset[str]
                       ) -> torch.Tensor:
        """Per candidate: qualities asked for that it has, less opposite ones that it has."""
        match = []
        for i in candidates.tolist():
            has = set(self.qualities[i])
            match.append(sum((q in has) - (OPPOSITE_QUALITIES[q] in has) for q in wanted))
        return torch.tensor(match, dtype=torch.float32)

    def named_kinds(self, prompt: str) -> dict[str, int]:
        """Kind → how many of the prompt's words name it (``kind_words``)."""
        if not self.kind_words:
            return {}
        named: dict[str, int] = {}
        for word in caption_words(prompt):
            kind = self.kind_words.get(word)
            if kind is not None:
                named[kind] = named.get(kind, 0) + 1
        return named

    def _winning_class(self, candidates: torch.Tensor, sims: torch.Tensor,
                       temperature: float, named: dict[str, int]) -> torch.Tensor:
        """The candidates of the class with the most similarity weight among them.

        Unpitched samples pay no pitch penalty, so without the vote a lone rim click in a
        guitar prompt's shortlist beats guitars a few semitones off.
        """
        weights = torch.softmax(sims[candidates] / temperature, dim=0)
        totals: dict[str, float] = {}
        for i, w in zip(candidates.tolist(), weights.tolist(), strict=True):
            totals[self.classes[i]] = totals.get(self.classes[i], 0.0) + w
        winner = max(totals, key=totals.__getitem__)
        if named:
            # A prompt that names its kind ("marimba hit", "lingering open hat") is that kind,
            # though captions of another lie nearer in the text embedding (a genre word, a
            # kit's name): the vote alone chose another kind for 17 of 240 prompts.
            most = max(named.values())
            tied = sorted(k for k, n in named.items() if n == most and k in self.classes)
            if tied and winner not in tied:
                winner = max(tied, key=lambda k: totals.get(k, 0.0))
                if winner not in totals:  # none among the shortlist: the whole kind
                    return torch.tensor([i for i, c in enumerate(self.classes) if c == winner],
                                        dtype=torch.long)
        return candidates[torch.tensor([self.classes[i] == winner for i in candidates.tolist()])]
