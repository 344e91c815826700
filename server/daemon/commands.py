"""``shotcaller serve`` and ``shotcaller send``: flags → DaemonConfig → Daemon."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .config import DEVICES, LOG_FORMATS, MIDI_APIS, WAV_FORMATS, ConfigError, DaemonConfig

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` and ``send`` subcommands to the ``shotcaller`` parser."""
    s = sub.add_parser("serve", help="run the daemon: warm model, OSC and MIDI in, WAVs out",
                       description="Run the Shotcaller daemon. Flags override the --config "
                                   "file, which overrides the defaults.")
    s.add_argument("--config", type=Path, help="TOML file with the same keys as the flags")
    s.add_argument("--osc-host", help="address to bind (default 127.0.0.1)")
    s.add_argument("--osc-port", type=int, help="UDP port (default 9000)")
    s.add_argument("--reply-port", type=int, help="send replies to this port instead of the "
                   "sender's")
    s.add_argument("--reply-host", help="host for MIDI-triggered replies with --reply-port "
                   "(default 127.0.0.1)")
    midi = s.add_mutually_exclusive_group()
    midi.add_argument("--midi-port", help="open this existing MIDI input port")
    midi.add_argument("--virtual-midi", metavar="NAME",
                      help="name of the virtual MIDI input (default Shotcaller)")
    midi.add_argument("--no-midi", action="store_true", help="OSC only")
    s.add_argument("--midi-api", choices=MIDI_APIS,
                   help="MIDI backend (default auto; env SHOTCALLER_MIDI_API)")
    s.add_argument("--keymap", help="drums, chromatic or a keymap TOML file")
    s.add_argument("--chromatic-slot", type=int, help="slot played by the chromatic keymap")
    s.add_argument("--slots", type=Path, help="slot folder: state, renders, notes, import/")
    s.add_argument("--user-presets", type=Path, help="user preset folder")
    s.add_argument("--import-dir", type=Path, action="append", dest="import_dirs",
                   help="extra folder /shot/load may read from (repeatable)")
    s.add_argument("--model", type=Path, help="model folder (default models/shotcaller-small)")
    s.add_argument("--device", choices=DEVICES)
    s.add_argument("--threads", type=int, help="torch CPU threads (default: half the cores)")
    s.add_argument("--render-nice", type=int, help="nice steps below normal for render "
                   "threads, so a DAW on the same cores keeps its CPU (default 10)")
    s.add_argument("--cache", type=Path, help="cache folder for numba/torch (default "
                   "SLOTS/cache)")
    s.add_argument("--rate", type=int, dest="sample_rate", help="host sample rate (44100)")
    s.add_argument("--wav-format", choices=WAV_FORMATS, help="pcm24 (default) or float")
    s.add_argument("--num-slots", type=int, help="slots per bank (default 16)")
    s.add_argument("--no-warmup", dest="warmup", action="store_false", default=None,
                   help="skip the warm-up render")
    s.add_argument("--log-format", choices=LOG_FORMATS)
    s.set_defaults(func=_serve)

    from .banks import register as register_banks
    from .taken import register as register_taken

    register_taken(sub)
    register_banks(sub)

    c = sub.add_parser("send", help="send one OSC message to the daemon and print replies")
    c.add_argument("address", help="OSC address, e.g. /shot/prompt")
    c.add_argument("args", nargs="*", help="arguments (typed from the spec, or --types)")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, default=9000)
    c.add_argument("--types", help="explicit type tags, e.g. 'is'")
    c.add_argument("--wait", type=float, default=1.0,
                   help="stop after this many seconds without a reply (default 1)")
    c.add_argument("--until", help="stop when this reply address arrives (e.g. /shot/ready)")
    c.add_argument("--listen", type=int, default=0, metavar="PORT",
                   help="receive replies on this port (the daemon's --reply-port)")
    c.set_defaults(func=_send)


def build_config(args: argparse.Namespace) -> DaemonConfig:
    """Defaults ← TOML (--config) ← environment ← flags; raises ConfigError."""
    import os

    from .config import config_from_mapping, load_toml

    cfg = load_toml(args.config) if args.config else DaemonConfig()
    env_api = os.environ.get("SHOTCALLER_MIDI_API")
    if env_api:
        cfg = config_from_mapping({"midi_api": env_api}, cfg, origin="SHOTCALLER_MIDI_API")
    flags = {k: getattr(args, k, None) for k in (
        "osc_host", "osc_port", "reply_port", "reply_host", "midi_port", "virtual_midi",
        "midi_api", "keymap", "chromatic_slot", "slots", "user_presets", "model", "device",
        "threads", "render_nice", "cache",
        "sample_rate", "wav_format", "num_slots", "warmup", "log_format")}
    if args.import_dirs:
        flags["import_dirs"] = [str(p) for p in args.import_dirs]
    if args.no_midi:
        flags["midi_api"] = "none"
    cfg = config_from_mapping({k: (str(v) if isinstance(v, Path) else v)
                               for k, v in flags.items()}, cfg, origin="flags")
    return cfg.validate()


def _serve(args: argparse.Namespace) -> int:
    from server.errors import UsageError

    from .daemon import Daemon
    from .engine import EngineError
    from .logs import use_format

    try:
        cfg = build_config(args)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    use_format(cfg.log_format)
    try:
        daemon = Daemon(cfg)
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from exc

    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        daemon.start()
    except EngineError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        daemon.stop()
        raise UsageError(f"cannot listen on {cfg.osc_host}:{cfg.osc_port}: {exc.strerror}") \
            from exc
    except ValueError as exc:  # keymap file, named MIDI port missing
        daemon.stop()
        raise UsageError(str(exc)) from exc
    except RuntimeError as exc:  # MidiUnavailable with an explicit --midi-api / --midi-port
        daemon.stop()
        raise UsageError(str(exc)) from exc
    while not stop.wait(0.25) and not daemon.stopped.is_set():
        pass
    daemon.stop()
    return daemon.exit_code


def _send(args: argparse.Namespace) -> int:
    from bridge.client import ClientError, encode, exchange, format_reply, typed_args
    from server.errors import UsageError

    if not args.address.startswith("/"):
        raise UsageError(f"address {args.address!r} must start with '/'")
    try:
        datagram = encode(args.address, typed_args(args.address, args.args, args.types))
    except ClientError as exc:
        raise UsageError(str(exc)) from exc
    status = 0
    for address, values in exchange(args.host, args.port, datagram, wait_s=args.wait,
                                     until=args.until, reply_port=args.listen):
        print(format_reply(address, values))
        sys.stdout.flush()
        if address == "/shot/error":
            status = 1
    return status
