"""OSC routing table: address → thin handler calling one Daemon method.

Arguments arrive validated by the spec (``bridge/osc_spec.json``); handlers only unpack them
and turn a bank's slot numbers (``r.bank``, from the datagram's ``/shot/bank``) into the
daemon's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.osc_server import Handler, Request

if TYPE_CHECKING:
    from .daemon import Daemon


def build_handlers(d: Daemon) -> dict[str, Handler]:
    def a(r: Request) -> dict:
        return r.args

    def s(r: Request, key: str = "slot") -> int:
        return d.slot_index(r.bank, r.args[key])

    return {
        "/shot/ping": lambda r: d.ping(r.sender),
        "/shot/prompt": lambda r: d.prompt(s(r), a(r)["text"], r.sender),
        "/shot/set": lambda r: d.set_param(s(r), a(r)["key"], a(r)["value"], r.sender),
        "/shot/get": lambda r: d.get(s(r), r.sender),
        "/shot/credit": lambda r: d.credit(s(r), r.sender),
        "/shot/render": lambda r: d.render(s(r), r.sender),
        "/shot/vary": lambda r: d.vary(s(r), r.sender),
        "/shot/restyle": lambda r: d.restyle(s(r), a(r)["text"], r.sender),
        "/shot/morph": lambda r: d.morph(s(r, "a"), s(r, "b"), a(r)["t"], s(r, "dest"),
                                         r.sender),
        "/shot/transfer": lambda r: d.transfer(s(r, "a"), s(r, "b"), s(r, "dest"), r.sender),
        "/shot/cancel": lambda r: d.cancel(s(r), r.sender),
        "/shot/take": lambda r: d.take(s(r), a(r)["path"], r.sender),
        "/shot/load": lambda r: d.load_sample(s(r), a(r)["path"], a(r)["root"], r.sender),
        "/shot/note": lambda r: d.note(a(r)["note"], a(r)["velocity"], r.sender, r.bank),
        "/shot/keymap": lambda r: d.set_keymap(a(r)["name"], a(r)["slot"], r.sender, r.bank),
        "/shot/state": lambda r: d.state(r.bank, r.sender),
        "/shot/preset/load": lambda r: d.preset_load(a(r)["name"], r.sender, r.bank),
        "/shot/preset/save": lambda r: d.preset_save(a(r)["name"], r.sender, r.bank),
        "/shot/preset/list": lambda r: d.preset_list(a(r)["page"], r.sender),
        "/shot/bank": lambda r: d.use_bank(a(r)["name"], r.sender),
        "/shot/bank/open": lambda r: d.open_bank(a(r)["name"], r.sender),
        "/shot/bank/close": lambda r: d.close_bank(a(r)["name"], r.sender),
    }
