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
    # Its brightness and decay between the endpoints' (geometrically), as its loudness is:
    # the decoded slerp alone was monotonic in 0.70 of 20 pairs for the centroid and 0.20 for
    # the decay (it rings on, or stops short of both). A shelf, then the decay's slope.
    from ..corpus.descriptors import describe
    from .restyle_moves import centroid_toward, decay_toward

    ends = [describe(x, sr=sampling_rate) for x in (audio_a, audio_b)]
    centroid = ends[0].centroid_hz ** (1 - t) * ends[1].centroid_hz ** t
    decay = ends[0].decay_s ** (1 - t) * ends[1].decay_s ** t  # the captions' decay: to -30 dB
    for _ in range(2):  # each move shifts the other's measure a little: twice over
        if centroid > 0.0:
            y = centroid_toward(y, output_sampling_rate, centroid)
        if decay > 0.0:
            y = decay_toward(y, output_sampling_rate, decay, below_db=30.0,
                             measure=lambda x, rate: describe(x, sr=rate).decay_s)
    target = (1 - t) * rms_db(audio_a) + t * rms_db(audio_b)
    return _finish(y, target, seconds, output_sampling_rate), root


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
    affine map of log |STFT|, so these sums and differences are ratios of spectra.
    """
    from server.codec.spectral import wave_to_logmag

    def frames(y: np.ndarray) -> torch.Tensor:
        wave = torch.from_numpy(codec.check_audio(y, sampling_rate)).unsqueeze(0)
        return wave_to_logmag(wave, codec.spectral)[0].float()

    fa, fb = frames(content), frames(texture)

    def shape(x: torch.Tensor) -> torch.Tensor:
        """The envelope of the sound's loudest frames, level removed: its spectral shape."""
        env = spectral_envelope(x)
        level = x.mean(dim=0)
        loud = level >= level.max() - 0.25 * (level.max() - level.min())
        mean = env[:, loud].mean(dim=1, keepdim=True)
        return mean - mean.mean()

    a_shape, b_shape = shape(fa), shape(fb)
    # Only where the content sounds: its silence must not take on the texture's level.
    spec = codec.spectral
    floor = (float(np.log(spec.log_floor)) + spec.log_offset) / spec.log_scale
    sounding = torch.clamp((fa - floor) / 0.5, 0.0, 1.0)
    out = torch.clamp(fa + sounding * (b_shape - a_shape), min=floor).unsqueeze(0)
    # A content longer than the codec's window goes on as the tail model carries it (so the
    # result is as long as the content).
    out, spec = codec.carry_on(out, len(content) / sampling_rate)
    y = codec.frames_to_waves(out, spec)[0].cpu().numpy()
    from server.audio_io import resample

    y = resample(y, orig_sr=codec.sampling_rate, target_sr=output_sampling_rate)
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
