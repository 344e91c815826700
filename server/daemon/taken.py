"""``shotcaller taken``: list the renders front ends have taken, and delete old ones on request.

A render a Live set uses is marked taken (``/shot/take``) and the daemon never deletes it, so a
set keeps sounding after re-renders and restarts. This command is the one way such files go:
run it while no daemon uses the folder (it takes the folder's lock), after saving your sets
with Live's *Collect All and Save*, which copies the files they use into each set's folder.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .config import DaemonConfig
from .offline import locked_state


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("taken", help="list renders kept for Live sets; delete old ones",
                       description="List the renders front ends have taken (kept for Live "
                                   "sets) and delete old ones on request.")
    t.add_argument("--slots", type=Path, default=DaemonConfig().slots,
                   help="slot folder (default ~/Shotcaller/slots)")
    t.add_argument("--older-than", type=float, metavar="DAYS", default=None,
                   help="with --delete: only renders taken more than DAYS ago")
    t.add_argument("--delete", action="store_true",
                   help="delete the listed renders (not those a slot still plays)")
    t.set_defaults(func=_taken)


def _taken(args: argparse.Namespace) -> int:
    slots = Path(args.slots)
    with locked_state(slots) as (store, data):
        playing = {Path(s["render"]["path"]).name for s in data.get("slots", [])
                   if s.get("render")}
        now = time.time()
        rows, doomed = [], []
        for name in sorted(data.get("taken", [])):
            path = slots / "renders" / name
            age = (now - path.stat().st_mtime) / 86400 if path.exists() else float("nan")
            size = path.stat().st_size if path.exists() else 0
            old = args.older_than is None or age > args.older_than
            if args.delete and old and name not in playing:
                doomed.append(name)
            rows.append((name, size, age, name in playing))
        for name, size, age, plays in rows:
            mark = "deleted" if name in doomed else ("a slot plays it" if plays else "")
            print(f"{name}  {size / 1024:8.0f} KB  {age:6.1f} days  {mark}")
        total = sum(size for _, size, _, _ in rows)
        print(f"{len(rows)} taken render(s), {total / 1e6:.1f} MB; {len(doomed)} deleted")
        if doomed:
            data["taken"] = sorted(set(data.get("taken", [])) - set(doomed))
            store.save(data)  # first forget them, then delete: a crash leaves files, not gaps
            for name in doomed:
                (slots / "renders" / name).unlink(missing_ok=True)
        return 0
