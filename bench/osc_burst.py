"""OSC burst: send N messages as fast as possible and count how many the daemon handled.

    python bench/osc_burst.py [--model DIR] [--messages 20000] [--address /shot/get]

Each message asks for a reply (``/shot/get i`` → ``/shot/slot``, or ``/shot/ping`` →
``/shot/pong``), so "handled" is counted twice: replies received here, and the datagram count
the daemon logs at shutdown. The kernel's UDP receive-buffer overflow counter
(``/proc/net/snmp`` RcvbufErrors, system-wide) is printed as well.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from daemon_harness import Daemon, Peer, message, pick_model  # noqa: E402


def udp_rcvbuf_errors() -> int:
    try:
        lines = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines()
                 if line.startswith("Udp:")]
        return int(lines[1][lines[0].index("RcvbufErrors")])
    except (OSError, ValueError, IndexError):
        return -1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model")
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--address", choices=["/shot/get", "/shot/ping"], default="/shot/get")
    args = parser.parse_args()

    model, why = pick_model(args.model)
    print(why)
    daemon = Daemon(model, "--no-midi")
    peer = Peer(daemon.port)
    try:
        print(f"daemon ready in {daemon.wait_ready(peer):.2f} s")
        while peer.recv(0.2):
            pass
        packets = [message(args.address, i % 16) if args.address == "/shot/get"
                   else message(args.address) for i in range(args.messages)]
        drops_before = udp_rcvbuf_errors()
        t0 = time.perf_counter()
        for data in packets:
            peer.sock.sendto(data, peer.target)
        sent_s = time.perf_counter() - t0
        replies = 0
        while peer.recv(3.0) is not None:
            replies += 1
        handled_s = time.perf_counter() - t0
        drops = udp_rcvbuf_errors() - drops_before
        print(f"sent {args.messages} {args.address} in {sent_s * 1000:.0f} ms "
              f"({args.messages / sent_s:,.0f} msg/s)")
        print(f"replies received: {replies}/{args.messages} "
              f"(all handled within {handled_s - 3.0:.2f} s of the first send)")
        print(f"kernel UDP receive-buffer overflows during the burst: {drops}")
        print(f"daemon resident memory: {daemon.rss_mb():.0f} MB")
    finally:
        log = daemon.stop()
    m = re.search(r"OSC: (\d+) datagrams, (\d+) errors", log)
    if m:
        print(f"daemon log: {m.group(1)} datagrams received in total (burst + pings), "
              f"{m.group(2)} errors")
    return 0 if replies == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
