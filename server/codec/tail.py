"""Tails and holds: a sound carried on past the codec's window the way it was decaying, and a
sustained note held longer or shorter before its release.

The codec holds 256 frames (1.486 s). A crash, an 808 or a piano note is still ringing there,
so a longer render continues each frequency bin along the straight line its log-magnitude was
following over the window's last frames: an exponential decay per bin, the way a struck or
plucked sound dies away (high partials faster than low ones, as measured, not assumed). A bin
that was growing is held level, never raised. Phase is then recovered for the whole, longer
spectrogram at once (the codec's peak-locked estimate and Griffin-Lim), so the tail joins the
window without a seam. A sound that has already died away inside the window gets no tail.

A sustained note (organ, strings, a pad, a held piano key) is a plateau and then a release, as
the corpus played it (held 1 s, then let go). Its length is how long the key is held, so a
"long" note holds the plateau on (each bin along its own slow decay over the plateau's last
frames) before the same release, and a "short" one is let go early. A percussive sound has no
plateau; a "short" one is choked instead: its decay after the peak steepened so that it dies
away in about half the time, as a sampler's decay control or a hand on the cymbal would.
"""

from __future__ import annotations

import math

import torch

from .spectral import SpectralConfig

#: frames the per-bin decay is fitted on (0.28 s at 44.1 kHz, hop 256)
FIT_FRAMES = 48
#: frames at the window's very end left out of the fit: the corpus renders end with a fade
SKIP_FRAMES = 4


def frames_for(duration_in_s: float, cfg: SpectralConfig) -> int:
    """Frames a render of ``duration_in_s`` needs (at least the codec's own window)."""
    needed = int(duration_in_s * cfg.sampling_rate / cfg.hop_length) + 2
    return max(cfg.num_frames, needed)


def extend(frames: torch.Tensor, total: int, cfg: SpectralConfig, *,
           fit_frames: int = FIT_FRAMES) -> torch.Tensor:
    """Normalised log-magnitude frames [batch, bins, T] continued to ``total`` frames.

    Each bin goes on from its fitted level at the last frame along its fitted slope (in log
    magnitude per frame, so an exponential decay), clamped to at most 0 and to the floor.
    """
    batch, bins, have = frames.shape
    if total <= have:
        return frames[..., :total]
    end = have - SKIP_FRAMES
    n = min(fit_frames, end)
    window = frames[..., end - n:end].float()
    mean = window.mean(dim=-1, keepdim=True)
    slope = band_slopes(fitted_slope(window), mean, cfg)
    # no band outlasts the whole sound by more than 1 / SLOWEST_SHARE: a band the codec
    # leaves level (a hat's 1.2-1.5 kHz held at -37 dB for seconds) dies with the sound
    overall = fitted_slope(frame_levels(window, cfg).unsqueeze(1))  # dB a frame
    slope = torch.minimum(slope, SLOWEST_SHARE * overall.clamp(max=0.0)
                          / (DB_PER_NEPER * cfg.log_scale)).clamp(max=0.0)
    level = mean + slope * (n - 1) / 2  # the fitted line at the fit's last frame
    floor = (torch.log(torch.tensor(cfg.log_floor)) + cfg.log_offset) / cfg.log_scale
    steps = torch.arange(1, total - end + 1, dtype=torch.float32, device=frames.device)
    tail = (level + slope * steps).clamp(min=float(floor))
    # The fitted line replaces the window's last (faded) frames too, so there is no dip.
    return torch.cat([frames[..., :end].float(), tail], dim=-1).to(frames.dtype)


#: the slowest a band of a decaying sound may decay, as a share of the whole sound's rate
SLOWEST_SHARE = 0.7


def fitted_slope(series: torch.Tensor) -> torch.Tensor:
    """The least-squares slope per frame of ``series`` [..., T] along its last axis, [..., 1]."""
    n = series.shape[-1]
    t = torch.arange(n, dtype=torch.float32, device=series.device) - (n - 1) / 2
    mean = series.float().mean(dim=-1, keepdim=True)
    return ((series.float() - mean) * t).sum(dim=-1, keepdim=True) / (t * t).sum()


#: each bin decays at the power-weighted slope of the bins within this share of its frequency
#: (about a third of an octave across)
BAND_SHARE = 0.12


def band_slopes(slope: torch.Tensor, level: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """Per-bin slopes [batch, bins, 1] pooled over a band around each bin (``BAND_SHARE`` of its
    frequency either side), weighted by the bins' power (``level``: their mean normalised log
    magnitude over the fit).

    One bin's slope over a fit of 0.28 s is noisy (a crash's or a hat's noise fluctuates by
    several dB from frame to frame), and a tail is ruled by its slowest bins: some bins of a
    crash fitted as level, were held level, and the crash rang at -22 dB to the end of a 4 s
    render where the real one had fallen 40 dB by 2.6 s. A band's loud bins decay together
    (the partials of a note, the noise of a cymbal), and their pooled slope is steady."""
    bins = slope.shape[1]
    weight = bin_power(level, cfg)
    idx = torch.arange(bins, device=slope.device)
    half = (idx.float() * BAND_SHARE).round().long().clamp(min=1)
    lo, hi = (idx - half).clamp(min=0), (idx + half).clamp(max=bins - 1)
    zero = torch.zeros_like(weight[:, :1])
    cum_w = torch.cat([zero, weight.cumsum(dim=1)], dim=1)
    cum_ws = torch.cat([zero, (weight * slope.float()).cumsum(dim=1)], dim=1)
    w = cum_w[:, hi + 1] - cum_w[:, lo]
    ws = cum_ws[:, hi + 1] - cum_ws[:, lo]
    return (ws / w.clamp_min(1e-30)).to(slope.dtype)


def with_frames(cfg: SpectralConfig, num_frames: int) -> SpectralConfig:
    """The same representation over ``num_frames`` frames (for phase recovery of a tail)."""
    from dataclasses import replace

    return replace(cfg, num_frames=num_frames)


#: a release: the level falls this much (dB) within RELEASE_SPAN frames ...
RELEASE_DROP_DB = 6.0
RELEASE_SPAN = 12
#: ... at least this many times faster than over the PLATEAU frames before it
RELEASE_CONTRAST = 3.0
PLATEAU = 48  # 0.28 s: a drum's room tail is not a held note
#: a held note is let go near its full level (a drum's tail has fallen further by then)
PLATEAU_WITHIN_DB = 24.0


def bin_power(frames: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """Each bin's power (relative) from normalised log-magnitude frames, shape kept."""
    return (2.0 * cfg.log_scale * frames.float()).exp()


def frame_levels(frames: torch.Tensor, cfg: SpectralConfig) -> torch.Tensor:
    """Each frame's power in dB [batch, T] (relative; normalised log-magnitude frames in)."""
    power = bin_power(frames, cfg).sum(dim=1)
    return 10.0 * torch.log10(power.clamp_min(1e-30))


def release_frame(frames: torch.Tensor, cfg: SpectralConfig) -> int | None:
    """The frame a sustained note of ``frames`` [1, bins, T] is let go at, or None (a
    percussive sound: no plateau before a faster fall)."""
    level = frame_levels(frames, cfg)[0]
    if level.numel() >= 5:  # a 5-frame moving average: the fall, not the grain
        level = torch.nn.functional.avg_pool1d(level.view(1, 1, -1), 5, 1, 2,
                                               count_include_pad=False).view(-1)
    peak = int(torch.argmax(level))
    top = float(level[peak])
    for t in range(peak + PLATEAU, level.numel() - RELEASE_SPAN - 1):
        drop = float(level[t] - level[t + RELEASE_SPAN])
        before = float(level[t - PLATEAU] - level[t]) / PLATEAU  # dB a frame, falling
        rate = drop / RELEASE_SPAN
        if (drop >= RELEASE_DROP_DB and rate >= RELEASE_CONTRAST * max(before, 0.05)
                and float(level[t]) > top - PLATEAU_WITHIN_DB):
            return t
    return None


def hold(frames: torch.Tensor, release: int, until: int, cfg: SpectralConfig, *,
         fit_frames: int = FIT_FRAMES) -> torch.Tensor:
    """``frames`` [batch, bins, T] with the note let go at frame ``until`` instead of
    ``release``: the plateau cut short, or held on along each bin's fitted slope (never
    rising), then the recorded release."""
    until = max(1, until)
    if until <= release:
        return torch.cat([frames[..., :until], frames[..., release:]], dim=-1)
    plateau = extend(frames[..., :release + SKIP_FRAMES], until + SKIP_FRAMES, cfg,
                     fit_frames=min(fit_frames, release))
    held = plateau[..., :until]
    # The release starts from where the hold has got to: a plateau that was falling (a
    # struck note, a ringing drum) has fallen further by then, and its recorded release,
    # at the level it was recorded at, came back up to 60 dB louder than the hold's end.
    span = min(RELEASE_SPAN, release, until)
    fallen = (frame_levels(held[..., -span:], cfg).mean(dim=1)
              - frame_levels(frames[..., release - span:release], cfg).mean(dim=1))
    shift = (fallen.clamp(max=0.0) / (DB_PER_NEPER * cfg.log_scale)).view(-1, 1, 1)
    floor = (math.log(cfg.log_floor) + cfg.log_offset) / cfg.log_scale
    released = torch.maximum(frames[..., release:] + shift, torch.tensor(floor))
    return torch.cat([held, released], dim=-1)


#: a choked sound falls to -40 dB in this share of the time it took
CHOKE_SHARE = 0.5
DB_PER_NEPER = 20.0 / 2.302585092994046


def choke(frames: torch.Tensor, cfg: SpectralConfig, share: float = CHOKE_SHARE,
          within_s: float | None = None) -> torch.Tensor:
    """``frames`` [batch, bins, T] whose decay after the loudest frame is steepened to reach
    -40 dB in ``share`` of the time the sound took, or, with ``within_s``, within that many
    seconds (a short sound of its kind: a sound that short already is kept as it is; a kick
    halved from a short one is a click, heard as a rim or a bass). A sound already under
    30 ms is kept."""
    level = frame_levels(frames, cfg)
    out = frames.clone()
    floor = (torch.log(torch.tensor(cfg.log_floor)) + cfg.log_offset) / cfg.log_scale
    for i in range(frames.shape[0]):
        peak = int(torch.argmax(level[i]))
        below = torch.nonzero(level[i, peak:] > level[i, peak] - 40.0).flatten()
        frames_to_40 = int(below[-1]) + 1 if below.numel() else 1
        if frames_to_40 * cfg.hop_length < 0.03 * cfg.sampling_rate:
            continue
        if within_s is None:
            extra_db = 40.0 * (1.0 - share) / (share * frames_to_40)  # dB a frame, added
        else:
            # the least slope that keeps every frame from the target on 40 dB down: a drum
            # falls fast and then rings, so one slope over its whole time overshoots
            target = max(1, round(max(within_s, 0.03) * cfg.sampling_rate / cfg.hop_length))
            if frames_to_40 <= target:
                continue
            fall = level[i, peak] - level[i, peak + target:]
            t = torch.arange(target, target + len(fall), dtype=torch.float32)
            extra_db = float(((40.0 - fall) / t).max().clamp(min=0.0))
        t = torch.arange(frames.shape[-1] - peak, dtype=torch.float32, device=frames.device)
        drop = extra_db * t / (DB_PER_NEPER * cfg.log_scale)  # in normalised log-magnitude
        out[i, :, peak:] = (frames[i, :, peak:] - drop).clamp(min=float(floor))
    return out
