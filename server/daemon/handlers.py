"""OSC routing table: address → thin handler calling one Daemon method.

Arguments arrive validated by the spec (``bridge/osc_spec.json``); handlers only unpack them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.osc_server import Handler, Request

if TYPE_CHECKING:
    from .daemon import Daemon


def build_handlers(d: Daemon) -> dict[str, Handler]:
    def a(r: Request) -> dict:
        return r.args

    return {
        "/shot/ping": lambda r: d.ping(r.sender),
        "/shot/prompt": lambda r: d.prompt(a(r)["slot"], a(r)["text"], r.sender),
        "/shot/set": lambda r: d.set_param(a(r)["slot"], a(r)["key"], a(r)["value"], r.sender),
        "/shot/get": lambda r: d.get(a(r)["slot"], r.sender),
        "/shot/render": lambda r: d.render(a(r)["slot"], r.sender),
        "/shot/vary": lambda r: d.vary(a(r)["slot"], r.sender),
        "/shot/restyle": lambda r: d.restyle(a(r)["slot"], a(r)["text"], r.sender),
        "/shot/morph": lambda r: d.morph(a(r)["a"], a(r)["b"], a(r)["t"], a(r)["dest"], r.sender),
        "/shot/transfer": lambda r: d.transfer(a(r)["a"], a(r)["b"], a(r)["dest"], r.sender),
        "/shot/cancel": lambda r: d.cancel(a(r)["slot"], r.sender),
        "/shot/take": lambda r: d.take(a(r)["slot"], a(r)["path"], r.sender),
        "/shot/load": lambda r: d.load_sample(a(r)["slot"], a(r)["path"], a(r)["root"],
                                              r.sender),
        "/shot/note": lambda r: d.note(a(r)["note"], a(r)["velocity"], r.sender),
        "/shot/keymap": lambda r: d.set_keymap(a(r)["name"], a(r)["slot"], r.sender),
        "/shot/state": lambda r: d.state(r.sender),
        "/shot/preset/load": lambda r: d.preset_load(a(r)["name"], r.sender),
        "/shot/preset/save": lambda r: d.preset_save(a(r)["name"], r.sender),
        "/shot/preset/list": lambda r: d.preset_list(a(r)["page"], r.sender),
    }
