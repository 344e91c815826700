"""Sound to sound through the codec: a morph between two sounds, and a texture transfer.

A morph is not a crossfade: both sounds are encoded, a pitched pair is first put on one root
(B moved to A's), and the latents are interpolated spherically (their directions by slerp,
their lengths linearly), so the halfway sound is one sound with one pitch and one onset, and
does not collapse toward the quiet, noise-like average that a straight line through latent
space passes. Its loudness follows the endpoints' (RMS in dB, interpolated).
"""

from __future__ import annotations

import numpy as np
import torch

from ..audio_io import resample


def slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """Spherical interpolation of two latents of one shape (lengths interpolated linearly)."""
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must be in 0..1, got {t!r}")
    fa, fb = a.flatten().double(), b.flatten().double()
    na, nb = fa.norm(), fb.norm()
    if na == 0 or nb == 0:
        return ((1 - t) * a.double() + t * b.double()).to(a.dtype)
    ua, ub = fa / na, fb / nb
    omega = torch.arccos(torch.clamp(ua @ ub, -1.0, 1.0))
    if omega < 1e-4:
        direction = (1 - t) * ua + t * ub
    else:
        direction = (torch.sin((1 - t) * omega) * ua + torch.sin(t * omega) * ub) \
            / torch.sin(omega)
    direction = direction / direction.norm()
    return (direction * ((1 - t) * na + t * nb)).reshape(a.shape).to(a.dtype)


def rms_db(y: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.asarray(y, np.float64) ** 2)) + 1e-9))


def morph(codec, audio_a: np.ndarray, audio_b: np.ndarray, *, sampling_rate: int, t: float,
          root_a: float | None, root_b: float | None,
          output_sampling_rate: int = 44100) -> tuple[np.ndarray, float | None]:
    """The sound ``t`` of the way from A to B (mono, at ``output_sampling_rate``) and its root.

    A pitched pair is morphed at A's root; when only one is pitched, the root is the nearer
    endpoint's (A's below t = 0.5, else B's), and None when that one is unpitched.
    """
    la = codec.encode(audio_a, sampling_rate)
    lb = codec.encode(audio_b, sampling_rate)
    if root_a is not None and root_b is not None:
        root: float | None = root_a
        if abs(root_a - root_b) > 1e-3:
            lb = codec.shift_pitch(lb, torch.tensor([float(root_a - root_b)]))
    else:
        root = root_a if t < 0.5 else root_b
    seconds = max(len(audio_a), len(audio_b)) / sampling_rate
    # as long as the longer endpoint: past the codec's window, the tail model carries it on
    y = codec.decode(slerp(la, lb, t), output_sampling_rate=output_sampling_rate,
                     duration_in_s=seconds)[0]
    # Its brightness and its envelope between the endpoints': the decoded slerp alone was
    # monotonic in 0.70 of 20 pairs for the centroid and 0.20 for the decay (it rings on, or
    # stops short of both). A shelf to the centroids' geometric mean; the decay slowed where
    # it must be longer; then the level over time brought to the endpoints' envelopes
    # interpolated in dB (``envelope_between``). Bringing only the decay time between
    # theirs was monotonic in 0.65: an envelope with a dip, a clap's bursts, crosses a
    # threshold early. With the envelope: 0.95, and the centroid 0.95.
    from ..corpus.descriptors import describe
    from .restyle_moves import centroid_toward, decay_toward

    rate = output_sampling_rate
    ends = [resample(np.asarray(x, np.float32), orig_sr=sampling_rate, target_sr=rate)
            for x in (audio_a, audio_b)]
    shapes = [describe(x, sr=rate) for x in ends]
    centroid = shapes[0].centroid_hz ** (1 - t) * shapes[1].centroid_hz ** t
    decay = shapes[0].decay_s ** (1 - t) * shapes[1].decay_s ** t  # to -30 dB
    if decay > describe(y, sr=rate).decay_s > 0.0:
        y = decay_toward(y, rate, decay, below_db=30.0,
                         measure=lambda x, r: describe(x, sr=r).decay_s)
    # The envelope at the morph's level: the soft clip that keeps a loud morph under the
    # ceiling lowers its peak, and the envelope is measured from the peak. Each move shifts
    # the other's measure a little: twice over.
    target = (1 - t) * rms_db(audio_a) + t * rms_db(audio_b)
    for _ in range(2):
        if centroid > 0.0:
            y = centroid_toward(y, rate, centroid)
        y = envelope_between(_finish(y, target, seconds, rate), ends[0], ends[1], t)
    return _finish(y, target, seconds, rate), root


#: how much a morph's envelope may raise or lower its sound at one moment (dB)
ENVELOPE_REACH_DB = (-60.0, 30.0)


def envelope_between(y: np.ndarray, a: np.ndarray, b: np.ndarray, t: float, *,
                     passes: int = 3) -> np.ndarray:
    """``y`` with its level over time, from its peak on, brought to the envelope ``t`` of the
    way from ``a``'s to ``b``'s (each frame's level under its peak, interpolated in dB and
    aligned at the peaks): a morph toward a crash rings longer, toward a clap takes on its
    bursts. The attack before the peak is ``y``'s own."""
    from ..corpus.descriptors import _HOP, envelope_db

    def from_peak(x: np.ndarray) -> np.ndarray:
        env = envelope_db(x)
        top = int(np.argmax(env))
        return np.maximum(env[top:] - env[top], -120.0)

    y = np.asarray(y, np.float32)
    ea, eb = from_peak(a), from_peak(b)
    low, high = ENVELOPE_REACH_DB
    frames = len(envelope_db(y))
    centres, samples = (np.arange(frames) + 0.5) * _HOP, np.arange(len(y))
    total = np.zeros(frames)  # the gain so far, each frame's, held within the reach
    for _ in range(passes):  # frame gains drawn as lines between frame centres: a few passes
        mine = envelope_db(y)
        top = int(np.argmax(mine))
        n = frames - top
        wanted = sum(w * np.pad(e[:n], (0, max(0, n - len(e))), constant_values=-120.0)
                     for w, e in ((1 - t, ea), (t, eb)))
        gain_db = np.zeros(frames)
        gain_db[top:] = wanted - (mine[top:] - mine[top])
        gain_db = np.clip(total + gain_db, low, high) - total
        total += gain_db
        y = (y * 10.0 ** (np.interp(samples, centres, gain_db) / 20.0)).astype(np.float32)
    return y


def spectral_envelope(frames: torch.Tensor, *, keep: int = 24) -> torch.Tensor:
    """The smooth spectral shape of log-magnitude ``frames`` [bins, T]: the first ``keep``
    cepstral coefficients (a DCT along frequency), the rest of the detail (partials) dropped."""
    from scipy.fft import dct, idct

    x = frames.double().cpu().numpy()
    c = dct(x, type=2, axis=0, norm="ortho")
    c[keep:] = 0.0
    return torch.from_numpy(idct(c, type=2, axis=0, norm="ortho")).to(frames.dtype)


def transfer(codec, content: np.ndarray, texture: np.ndarray, *, sampling_rate: int,
             output_sampling_rate: int = 44100) -> np.ndarray:
    """The texture of ``texture`` on the content of ``content`` (mono, at the output rate).

    In the codec's log-magnitude frames, ``content`` keeps its fine structure (its pitch and
    partials) and its envelope's movement in time (attack, decay), and takes ``texture``'s
    average spectral envelope (its brightness, body, formants): ``content - env(content) +
    mean_t env(texture) + (env(content) - mean_t env(content))``. The log-magnitudes are an
    affine map of log |STFT|, so these sums and differences are ratios of spectra: a gain
    on the content's own STFT, which keeps its phase.
    """
    from server.codec.spectral import wave_to_logmag
    from server.codec.tail import frames_for, with_frames

    def frames(y: np.ndarray, spec) -> torch.Tensor:
        wave = torch.from_numpy(codec.check_audio(y, sampling_rate)).unsqueeze(0)
        return wave_to_logmag(wave, spec)[0].float()

    fa, fb = frames(content, codec.spectral), frames(texture, codec.spectral)

    def shape(x: torch.Tensor) -> torch.Tensor:
        """The envelope of the sound's loudest frames, level removed: its spectral shape."""
        env = spectral_envelope(x)
        level = x.mean(dim=0)
        loud = level >= level.max() - 0.25 * (level.max() - level.min())
        mean = env[:, loud].mean(dim=1, keepdim=True)
        return mean - mean.mean()

    # The change is a gain on the content's own STFT (its phase kept, so its pitch and
    # attack are exactly its own; ``codec.apply_gain``), over the content's whole length,
    # and only where it sounds: its silence must not take on the texture's level.
    spec = codec.spectral
    whole = frames(content, with_frames(spec, frames_for(len(content) / sampling_rate, spec)))
    floor = (float(np.log(spec.log_floor)) + spec.log_offset) / spec.log_scale
    sounding = torch.clamp((whole - floor) / 0.5, 0.0, 1.0)
    gain = sounding * (shape(fb) - shape(fa)) * spec.log_scale
    y = codec.apply_gain(content, sampling_rate, gain, output_sampling_rate=output_sampling_rate)
    return _finish(y, rms_db(content), len(content) / sampling_rate, output_sampling_rate)


def _finish(y: np.ndarray, target_db: float, seconds: float, sr: int) -> np.ndarray:
    """``y`` cut to ``seconds``, at ``target_db`` RMS over that length, then ended as a render
    is (the pipeline's trim: a 10 ms fade, a 0.98 peak ceiling).

    The codec's phase estimate can raise a sound's peaks above its source's (an electric
    piano's 0.98 came back at 1.36), and scaling the whole sound under the ceiling would make
    it quieter than asked (2.8 dB there); when the peak is over the ceiling, the few samples
    over the knee are soft-clipped instead, which leaves the level as asked."""
    from .pipeline import _trim

    y = y[:int(round(seconds * sr))]
    y = (y * np.float32(10 ** ((target_db - rms_db(y)) / 20))).astype(np.float32)
    if len(y) and float(np.max(np.abs(y))) > 0.98:
        knee, room = 0.7, 0.28  # below 0.7 untouched; above, a tanh towards 0.98
        over = np.abs(y) > knee
        y[over] = np.sign(y[over]) * (knee + room * np.tanh((np.abs(y[over]) - knee) / room))
    return _trim(y, seconds, sr)
