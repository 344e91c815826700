"""``shotcaller banks``: list the slot folder's banks, and delete one on request.

Every Max device and plugin instance has a bank of its own (``/shot/bank/open``); a bank whose
set or project is gone stays until deleted here. Run it while no daemon uses the folder (it
takes the folder's lock). A deleted bank's sounds go to ``trash/`` unless a front end took
them (a Live set still plays those files).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .config import DaemonConfig
from .housekeeping import move_to_trash
from .offline import locked_state
from .slots import MAIN_BANK


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("banks", help="list the banks of slots; delete one",
                       description="List the banks of slots front ends opened (one per Max "
                                   "device or plugin instance) and delete one on request.")
    b.add_argument("--slots", type=Path, default=DaemonConfig().slots,
                   help="slot folder (default ~/Shotcaller/slots)")
    b.add_argument("--num-slots", type=int, default=DaemonConfig().num_slots,
                   help="slots per bank, as the daemon's --num-slots (default 16)")
    b.add_argument("--delete", metavar="NAME", action="append", default=[],
                   help="delete bank NAME (repeat for more); its untaken sounds go to trash/")
    b.set_defaults(func=_banks)


def _banks(args: argparse.Namespace) -> int:
    from server.errors import UsageError

    slots = Path(args.slots)
    size = args.num_slots
    if not 1 <= size <= 128:
        raise UsageError(f"--num-slots {size}: must be 1..128, as the daemon's")
    with locked_state(slots) as (store, data):
        banks = {MAIN_BANK: 0, **{n: b["number"] for n, b in data.get("banks", {}).items()}}
        unknown = [n for n in args.delete if n not in banks]
        if unknown:
            raise UsageError(f"no bank {unknown[0]!r} (the folder has: {', '.join(banks)})")
        if MAIN_BANK in args.delete:
            raise UsageError("bank main cannot be deleted (MIDI and controllers play it)")
        by_number = {number: name for name, number in banks.items()}
        used: dict[str, list[dict]] = {name: [] for name in banks}
        for item in data.get("slots", []):
            name = by_number.get(item["index"] // size)
            if name is not None:
                used[name].append(item)
        taken = set(data.get("taken", []))
        doomed: list[Path] = []
        for name, number in sorted(banks.items(), key=lambda kv: kv[1]):
            items = used[name]
            sounds = [i for i in items if i.get("render")]
            mark = "deleted" if name in args.delete else ""
            print(f"{name:<24} bank {number:<3} {len(items):2d} slot(s) set, "
                  f"{len(sounds):2d} sound(s)  {mark}")
            if name in args.delete:
                doomed += [Path(i["render"]["path"]) for i in sounds
                           if Path(i["render"]["path"]).name not in taken]
        print(f"{len(banks)} bank(s); {len(args.delete)} deleted")
        if args.delete:
            gone = {banks[n] for n in args.delete}
            data["slots"] = [i for i in data.get("slots", []) if i["index"] // size not in gone]
            data["banks"] = {n: b for n, b in data.get("banks", {}).items()
                             if n not in args.delete}
            store.save(data)  # first forget them, then move the files: a crash leaves files
            for path in doomed:
                if path.is_file() and path.parent == slots.resolve() / "renders":
                    move_to_trash(path, slots / "trash")
        return 0
