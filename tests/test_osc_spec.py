"""bridge/OSC.md and bridge/osc_spec.json describe the same address space, and the validator
built on the spec accepts every documented example and refuses what the spec forbids."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bridge.spec import OscArgumentError, Validator, load_spec

DOC = Path(__file__).resolve().parents[1] / "bridge" / "OSC.md"


def doc_sections() -> dict[str, dict[str, str]]:
    """{'Commands': {address: body}, 'Replies': {...}, ...} from the markdown headings."""
    sections: dict[str, dict[str, str]] = {}
    part = ""
    address = None
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            part, address = line[3:].strip(), None
            sections.setdefault(part, {})
        elif m := re.match(r"### `(/[^`]+)`", line):
            address = m.group(1)
            sections[part][address] = ""
        elif address is not None:
            sections[part][address] += line + "\n"
    return sections


def table_rows(body: str) -> list[list[str]]:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in body.splitlines() if line.startswith("| ")]
    return [r for r in rows if r[0] not in ("#", "key") and not set(r[0]) <= {"-"}]


def test_every_command_is_documented_with_the_spec_arguments() -> None:
    spec = load_spec()["in"]
    doc = doc_sections()["Commands"]
    assert list(doc) == list(spec)
    for address, body in doc.items():
        rows = [(r[1], r[2]) for r in table_rows(body)]
        assert rows == [(a["name"], a["type"]) for a in spec[address]["args"]], address
        for reply in spec[address]["replies"]:
            assert f"`{reply}" in body.split("**Reply:**")[1].split("**Errors:**")[0], \
                (address, reply)
        assert "**Errors:**" in body and "```sh" in body, address


def test_every_reply_is_documented_with_the_spec_arguments() -> None:
    spec = load_spec()["out"]
    doc = doc_sections()["Replies"]
    assert list(doc) == list(spec)
    for address, body in doc.items():
        rows = [(r[1], r[2]) for r in table_rows(body)]
        assert rows == [(a["name"], a["type"]) for a in spec[address]["args"]], address


def test_slot_key_table_matches_the_spec() -> None:
    text = DOC.read_text().split("## Slot keys")[1].split("## Commands")[0]
    rows = {r[0]: r[1] for r in table_rows_with_keys(text)}
    assert rows == {k: v["type"] for k, v in load_spec()["slot_keys"].items()}


def table_rows_with_keys(body: str) -> list[list[str]]:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in body.splitlines() if line.startswith("| ")]
    return [r for r in rows if r[0] != "key" and not set(r[0]) <= {"-"}]


def doc_examples() -> list[tuple[str, list[str]]]:
    out = []
    for address, body in doc_sections()["Commands"].items():
        for line in body.splitlines():
            if line.startswith("oscsend localhost 9000 "):
                words = shlex.split(line.split("#")[0])
                out.append((address, words[3:]))
    return out


@pytest.mark.parametrize(("section", "words"), doc_examples(),
                         ids=[" ".join(w) for _, w in doc_examples()])
def test_documented_examples_are_valid_messages(section: str, words: list[str]) -> None:
    address, rest = words[0], words[1:]
    assert address == section
    types, values = (rest[0], rest[1:]) if rest else ("", [])
    assert len(types) == len(values)
    args = [int(v) if t == "i" else float(v) if t == "f" else v for t, v in zip(types, values,
                                                                              strict=True)]
    Validator(16).validate(address, args)


def test_validator_coerces_controller_numbers_and_fills_defaults() -> None:
    v = Validator(16)
    assert v.validate("/shot/note", [60.0]) == {"note": 60, "velocity": 100}
    assert v.validate("/shot/set", [1, "gain", 1]) == {"slot": 1, "key": "gain", "value": 1.0}
    assert v.validate("/shot/load", [0, "a.wav"])["root"] is None
    assert Validator(4).validate("/shot/get", [3]) == {"slot": 3}
    with pytest.raises(OscArgumentError, match=r"slot: 4 out of range \[0, 3\]"):
        Validator(4).validate("/shot/get", [4])
    with pytest.raises(OscArgumentError, match="expected an int, got float 60.5"):
        v.validate("/shot/note", [60.5])
    with pytest.raises(OscArgumentError, match="expected a string, got int 7"):
        v.validate("/shot/set", [0, "prompt", 7])


def test_front_ends_and_the_shipped_model_start_where_a_new_slot_starts() -> None:
    """A new pad in the Max device or the plugin renders with the daemon's slot defaults, and
    those are the shipped model's evaluated defaults (a front end sends every setting with its
    prompt, so a stale initial value there would silently override the daemon). The defaults
    live in the spec; the daemon reads them there and the front ends' tables are generated
    from it (test_generated_protocol_tables_are_fresh)."""
    import json
    from dataclasses import asdict

    from server.daemon.slots import SlotParams

    root = DOC.parents[1]
    keys = load_spec()["slot_keys"]
    assert asdict(SlotParams()) == {k: v["default"] for k, v in keys.items()}
    want = {k: keys[k]["default"] for k in ("seed", "steps", "guidance", "strength", "duration")}
    shipped = json.loads((root / "models" / "shotcaller-small" / "pipeline_config.json")
                         .read_text())
    model = {"steps": shipped["num_inference_steps"], "guidance": shipped["guidance_scale"],
             "strength": shipped["strength"], "duration": shipped["duration_in_s"]}
    assert model == {k: want[k] for k in model}, "the shipped model's pipeline_config.json"
    doc = re.search(r"A new slot starts with steps (\d+), guidance ([\d.]+), duration ([\d.]+) s, "
                    r"strength ([\d.]+)", DOC.read_text())
    assert doc and [float(x) for x in doc.groups()] == [want[k] for k in
                                                        ("steps", "guidance", "duration",
                                                         "strength")]


def test_generated_protocol_tables_are_fresh() -> None:
    """The Max device's tables, the plugin's Protocol.h and the patch's parameter ranges are
    what ``python -m bridge.codegen`` makes from the spec."""
    from bridge import codegen

    assert codegen.stale_files() == [], "run python -m bridge.codegen"


def test_a_spec_change_makes_the_generated_tables_stale() -> None:
    import copy

    from bridge import codegen

    spec = copy.deepcopy(load_spec())
    spec["slot_keys"]["steps"]["default"] = 13
    spec["slot_keys"]["guidance"]["max"] = 20.0
    changed = {path for path, text in codegen.generated(spec).items()
               if text != path.read_text(encoding="utf-8")}
    assert changed == {codegen.JS_FILE, codegen.CPP_FILE, codegen.PATCH_FILE}
    js = codegen.generated(spec)[codegen.JS_FILE]
    assert "steps: { type: \"i\", min: 1, max: 200, initial: 13 }" in js
    assert "Range<float> guidance { 0.0f, 20.0f, 3.0f }" in codegen.generated(spec)[
        codegen.CPP_FILE]
