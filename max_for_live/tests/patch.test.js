"use strict";
// Shotcaller.maxpat checked as data: patchlines join existing objects, outlets and inlets; the
// files it names exist; its OSC ports match the daemon's defaults and the README; its parameters
// match the logic's ranges; the messages it sends the [js] are handlers the glue defines. Also
// the .amxd build, parsed back.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const logic = require("../src/shotcaller_live.js");
const { build, parseAmxd, JS_FILES, NODE_FILES } = require("../scripts/build_amxd.js");
const net = require("../node/shotcaller_net.js");

const HERE = path.resolve(__dirname, "..");
const REPO = path.resolve(HERE, "..");
const PATCH = JSON.parse(fs.readFileSync(path.join(HERE, "Shotcaller.maxpat"), "utf8")).patcher;
const GLUE = fs.readFileSync(path.join(HERE, "src", "shotcaller_max.js"), "utf8");
const LOGIC_SRC = fs.readFileSync(path.join(HERE, "src", "shotcaller_live.js"), "utf8");
const README = fs.readFileSync(path.join(HERE, "README.md"), "utf8");

const boxes = PATCH.boxes.map((b) => b.box);
const byId = new Map(boxes.map((b) => [b.id, b]));
const words = (b) => (b.text || "").trim().split(/\s+/);
const objects = (name) => boxes.filter((b) => b.maxclass === "newobj" && words(b)[0] === name);
const one = (name) => {
  const found = objects(name);
  assert.equal(found.length, 1, `expected one [${name}], found ${found.length}`);
  return found[0];
};
const param = (longname) => boxes.find((b) => b.saved_attribute_attributes &&
  b.saved_attribute_attributes.valueof.parameter_longname === longname);
const linesFrom = (id, outlet) => PATCH.lines.map((l) => l.patchline)
  .filter((l) => l.source[0] === id && (outlet === undefined || l.source[1] === outlet));
const linesTo = (id) => PATCH.lines.map((l) => l.patchline).filter((l) => l.destination[0] === id);

test("box ids are unique and every box declares its inlets and outlets", () => {
  assert.equal(byId.size, boxes.length);
  for (const b of boxes) {
    assert.ok(Number.isInteger(b.numinlets) && Number.isInteger(b.numoutlets), b.id);
    assert.equal(b.outlettype.length, b.numoutlets, `${b.id} outlettype`);
    assert.equal(b.patching_rect.length, 4, b.id);
  }
});

test("every patchline joins an existing outlet to an existing inlet", () => {
  assert.ok(PATCH.lines.length > 0);
  for (const { patchline: l } of PATCH.lines) {
    const src = byId.get(l.source[0]);
    const dst = byId.get(l.destination[0]);
    assert.ok(src, `line from missing ${l.source[0]}`);
    assert.ok(dst, `line to missing ${l.destination[0]}`);
    assert.ok(l.source[1] >= 0 && l.source[1] < src.numoutlets,
      `${src.id} [${src.text || src.maxclass}] has no outlet ${l.source[1]}`);
    assert.ok(l.destination[1] >= 0 && l.destination[1] < dst.numinlets,
      `${dst.id} [${dst.text || dst.maxclass}] has no inlet ${l.destination[1]}`);
  }
});

test("no [print] objects, and no absolute paths anywhere in the patch", () => {
  assert.deepEqual(objects("print"), []);
  const text = JSON.stringify(PATCH);
  assert.doesNotMatch(text, /"(\/(Users|home|tmp)\/|[A-Z]:\\\\)/);
});

test("every file the patch names exists", () => {
  const named = new Set();
  for (const b of objects("js").concat(objects("v8"))) named.add(words(b)[1]);
  for (const dep of PATCH.dependency_cache) {
    const file = path.join(HERE, dep.patcherrelativepath, dep.name);
    assert.ok(fs.existsSync(file), `dependency_cache names missing ${file}`);
    named.delete(dep.name);
  }
  assert.deepEqual([...named], [], "a [js] file missing from dependency_cache");
  const script = words(one("node.script"))[1];
  assert.ok(PATCH.dependency_cache.some((dep) => dep.name === script), script);
  for (const name of NODE_FILES) {
    assert.ok(PATCH.dependency_cache.some((dep) => dep.name === name), `${name} not in dependency_cache`);
    const src = fs.readFileSync(path.join(HERE, "node", name), "utf8");
    for (const m of src.matchAll(/require\("\.\/([^"]+)"\)/g)) {
      assert.ok(NODE_FILES.includes(m[1]), `${name} requires ${m[1]}, which the build does not copy`);
    }
  }
  // And the files those scripts require().
  for (const name of JS_FILES) {
    const src = fs.readFileSync(path.join(HERE, "src", name), "utf8");
    for (const m of src.matchAll(/require\("([^"]+)"\)/g)) {
      assert.ok(fs.existsSync(path.join(HERE, "src", `${m[1]}.js`)), `${name} requires missing ${m[1]}`);
    }
  }
});

test("the OSC ports match the daemon's default and the README's serve command", () => {
  const config = fs.readFileSync(path.join(REPO, "server", "daemon", "config.py"), "utf8");
  const daemonPort = Number(config.match(/osc_port: int = (\d+)/)[1]);
  const oscDoc = fs.readFileSync(path.join(REPO, "bridge", "OSC.md"), "utf8");
  assert.match(oscDoc, new RegExp(`udp://127\\.0\\.0\\.1:${daemonPort}`));
  assert.equal(net.DEFAULT_PORT, daemonPort);
  assert.equal(logic.DEFAULT_OSC_PORT, daemonPort);
  assert.equal(param("Daemon Port").saved_attribute_attributes.valueof.parameter_initial[0], daemonPort);
  assert.doesNotMatch(README, /--reply-port 9001/);  // the device needs no reply port
  // The port box reaches the socket.
  const to = (srcId) => linesFrom(srcId).map((l) => byId.get(l.destination[0]));
  // numbox -> [i] (a Float parameter sends 9000.) -> [prepend port] -> the socket
  const chain = (id, n) => (n === 0 ? [byId.get(id)] : to(id).flatMap((b) => chain(b.id, n - 1)));
  assert.deepEqual(chain(param("Daemon Port").id, 3).map((b) => words(b)[0]), ["node.script"]);
  assert.deepEqual(chain(param("Daemon Port").id, 2).map((b) => words(b).join(" ")), ["prepend port"]);
  assert.deepEqual(to(param("Daemon Port").id).map((b) => words(b)[0]), ["i"]);
});

test("OSC flows [js] -> [prepend send] -> [node.script] (its own socket) -> [js]", () => {
  const js = one("js");
  const node = one("node.script");
  assert.deepEqual(words(node).slice(1, 4), ["shotcaller_net.js", "@autostart", "1"]);
  const [prepend] = linesFrom(js.id, 0).map((l) => byId.get(l.destination[0]));
  assert.equal(words(prepend).join(" "), "prepend send");
  assert.deepEqual(linesFrom(prepend.id).map((l) => l.destination[0]), [node.id]);
  assert.deepEqual(linesFrom(node.id, 0).map((l) => l.destination[0]), [js.id]);
});

test("the bank's name is stored with the set and given back to the [js] at load", () => {
  const store = objects("pattr").find((b) => words(b)[1] === "bank_store");
  const v = store.saved_attribute_attributes.valueof;
  assert.equal(store.parameter_enable, 1);
  assert.deepEqual([v.parameter_type, v.parameter_invisible], [3, 1]);  // a blob, stored only
  const [prepend] = linesFrom(store.id, 0).map((l) => byId.get(l.destination[0]));
  assert.equal(words(prepend).join(" "), "prepend bank");
  assert.deepEqual(linesFrom(prepend.id).map((l) => l.destination[0]), [one("js").id]);
  // the logic's ui("bank", name) -> [route ... bank] -> [prepend set] -> the pattr (no output)
  const route = objects("route").find((b) => words(b).includes("bank"));
  const [set] = linesFrom(route.id, words(route).indexOf("bank") - 1).map((l) => byId.get(l.destination[0]));
  assert.equal(words(set).join(" "), "prepend set");
  assert.deepEqual(linesFrom(set.id).map((l) => l.destination[0]), [store.id]);
});

test("the [js] box matches the glue's inlets/outlets and every message it gets has a handler", () => {
  const js = one("js");
  assert.equal(js.numinlets, Number(GLUE.match(/^inlets = (\d+);/m)[1]));
  assert.equal(js.numoutlets, Number(GLUE.match(/^outlets = (\d+);/m)[1]));
  const handlers = new Set([...GLUE.matchAll(/^function (\w+)\(/gm)].map((m) => m[1]));
  const sent = [];
  for (const l of linesTo(js.id)) {
    const src = byId.get(l.source[0]);
    if (src.maxclass === "message") sent.push(words(src)[0]);
    else if (words(src)[0] === "prepend") sent.push(words(src)[1]);
    else assert.equal(words(src)[0], "node.script", `unexpected input ${src.text}`);  // -> anything()
  }
  assert.ok(sent.length >= 10);
  for (const name of sent) assert.ok(handlers.has(name), `the glue has no function ${name}()`);
  assert.ok(handlers.has("anything"));
});

test("the UI router covers every UI update the logic emits", () => {
  const route = objects("route").find((b) => words(b).includes("progress"));
  const routed = words(route).slice(1);
  const emitted = new Set([...LOGIC_SRC.matchAll(/emit\.ui\("(\w+)"/g)].map((m) => m[1]));
  emitted.add("error");  // showError
  emitted.add("status"); // showStatus
  emitted.add("daemon"); // showDaemon
  assert.deepEqual([...emitted].sort(), [...routed].sort());
  assert.equal(route.numoutlets, routed.length + 1);
  routed.forEach((name, i) => assert.ok(linesFrom(route.id, i).length > 0, `route outlet ${name} unused`));
});

test("parameters are live.* objects with unique names, ranges from the logic", () => {
  const params = boxes.filter((b) => b.parameter_enable === 1);
  const names = params.map((b) => b.saved_attribute_attributes.valueof.parameter_longname);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(Object.keys(PATCH.parameters).sort(), params.map((b) => b.id).sort());
  for (const b of params) {
    if (b.maxclass === "newobj") {
      assert.equal(words(b)[0], "pattr");  // the prompt, stored as a blob parameter
      continue;
    }
    assert.match(b.maxclass, /^live\.(text|numbox|dial|menu|toggle)$/);
    const v = b.saved_attribute_attributes.valueof;
    if (v.parameter_initial) assert.ok(v.parameter_initial[0] >= v.parameter_mmin && v.parameter_initial[0] <= v.parameter_mmax, v.parameter_longname);
  }
  const ranges = { Seed: "seed", Steps: "steps", Guidance: "guidance", Strength: "strength", Duration: "duration" };
  for (const [longname, key] of Object.entries(ranges)) {
    const v = param(longname).saved_attribute_attributes.valueof;
    const p = logic.PARAMS[key];
    assert.deepEqual([v.parameter_mmin, v.parameter_mmax, v.parameter_initial[0]], [p.min, p.max, p.initial], longname);
    // Live holds Int parameters to 0-255: larger integers are Float parameters shown as Int
    const int = p.type === "i" && p.min >= 0 && p.max <= 255;
    assert.equal(v.parameter_type, int ? 1 : 0, longname);
    if (p.type === "i") assert.equal(v.parameter_unitstyle, 0, `${longname} shows an integer`);
  }
  const slot = param("Slot").saved_attribute_attributes.valueof;
  assert.deepEqual([slot.parameter_mmin, slot.parameter_mmax], [0, logic.NUM_SLOTS - 1]);
  const mode = param("Play via").saved_attribute_attributes.valueof;
  assert.equal(mode.parameter_enum.indexOf("Daemon repitch"), logic.MODE_DAEMON_REPITCH);
});

test("notes: raw MIDI [midiin] -> [gate] -> [midiout] (lossless), or parsed, notes to the [js]", () => {
  const gate = one("gate");
  const parse = one("midiparse");
  const midiout = one("midiout");
  // Simpler mode: every byte passes untouched (14-bit pitch bend, MPE, SysEx)
  assert.deepEqual(linesFrom(one("midiin").id).map((l) => l.destination), [[gate.id, 1]]);
  assert.deepEqual(linesFrom(gate.id, 0).map((l) => l.destination), [[midiout.id, 0]]);
  // Daemon repitch: parsed; notes go to the [js], everything else back out through [midiformat]
  assert.deepEqual(linesFrom(gate.id, 1).map((l) => l.destination), [[parse.id, 0]]);
  assert.equal(words(byId.get(linesFrom(parse.id, 0)[0].destination[0])).join(" "), "prepend note");
  const format = one("midiformat");
  for (let i = 1; i < parse.numoutlets - 1; i++) {
    assert.deepEqual(linesFrom(parse.id, i).map((l) => l.destination[0]), [format.id], `midiparse outlet ${i}`);
  }
  // Menu value 0 (Simpler) opens gate outlet 0, 1 (daemon repitch) outlet 1, through [+ 1].
  const plus = byId.get(linesFrom(param("Play via").id, 0).map((l) => l.destination[0])
    .find((id) => byId.get(id).text === "+ 1"));
  assert.deepEqual(linesFrom(plus.id).map((l) => l.destination), [[gate.id, 0]]);
  assert.deepEqual(linesFrom(format.id).map((l) => byId.get(l.destination[0]).text), ["midiout"]);
});

test("build_amxd writes a MIDI-effect container that parses back to the same patch", (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "shotcaller-amxd-"));
  t.after(() => fs.rmSync(out, { recursive: true, force: true }));
  const target = build(out);
  const parsed = parseAmxd(fs.readFileSync(target));
  assert.equal(parsed.version, 4);
  assert.equal(parsed.deviceType, "mmmm");
  assert.equal(parsed.meta.length, 4);
  assert.deepEqual(parsed.patcher.patcher, PATCH);
  for (const name of JS_FILES.concat(NODE_FILES)) assert.ok(fs.existsSync(path.join(out, name)), name);
  assert.throws(() => parseAmxd(Buffer.from("ampf")), /no 'ampf' magic/);
});

// What Live does with a stored parameter value: an Int parameter holds 0-255 whatever its range
// says, a Float its range (the Max for Live reference, "Parameter Properties", Type).
function liveStores(v, value) {
  const lo = v.parameter_type === 1 ? Math.max(0, v.parameter_mmin) : v.parameter_mmin;
  const hi = v.parameter_type === 1 ? Math.min(255, v.parameter_mmax) : v.parameter_mmax;
  return Math.min(hi, Math.max(lo, value));
}

test("Live keeps the ports and seeds the device stores", () => {
  for (const [name, value] of [["Daemon Port", 9000], ["Daemon Port", 65535],
    ["Seed", logic.SEED_UI_MAX], ["Seed", 4242], ["Steps", 200], ["Slot", 15]]) {
    const v = param(name).saved_attribute_attributes.valueof;
    assert.equal(liveStores(v, value), value, `${name} = ${value}`);
  }
});

test("patch check: no fixed UDP port in the device, no Int parameter beyond 0-255, no automatable button or port", () => {
  // every instance has its own socket; a fixed [udpreceive] port would stop the second one
  assert.deepEqual(objects("udpreceive").concat(objects("udpsend")), []);
  for (const b of boxes) {
    const v = b.saved_attribute_attributes && b.saved_attribute_attributes.valueof;
    if (!v || !v.parameter_longname) continue;
    if (v.parameter_type === 1) {
      assert.ok(v.parameter_mmin >= 0 && v.parameter_mmax <= 255,
        `${v.parameter_longname}: Int ${v.parameter_mmin}..${v.parameter_mmax} (Live holds 0-255)`);
    }
    const invisible = v.parameter_invisible || 0;  // 0 automated and stored, 1 stored only, 2 hidden
    if (b.maxclass === "live.text" && b.mode === 0) {  // a momentary button: an action, not a setting
      assert.equal(invisible, 2, `${v.parameter_longname} is a button: neither automated nor stored`);
    }
    if (/Port$/.test(v.parameter_longname)) {
      assert.equal(invisible, 1, `${v.parameter_longname}: stored with the set, not automatable`);
    }
  }
});

test("Render and Dice read what is typed in the prompt box before they act", () => {
  for (const name of ["Render", "Dice"]) {
    const [sel] = linesFrom(param(name).id).map((l) => byId.get(l.destination[0]));
    assert.deepEqual(words(sel), ["sel", "1"], name);
    const [trigger] = linesFrom(sel.id).map((l) => byId.get(l.destination[0]));
    assert.deepEqual(words(trigger), ["t", "b", "b"], name);
    // [trigger] fires right to left: the prompt box is banged (it outputs its text) first
    const first = linesFrom(trigger.id, 1).map((l) => byId.get(l.destination[0]));
    const then = linesFrom(trigger.id, 0).map((l) => byId.get(l.destination[0]));
    assert.deepEqual(first.map((b) => b.varname), ["prompt_text"], name);
    assert.deepEqual(then.map((b) => words(b)[0]), [name.toLowerCase()], name);
  }
});

test("the keep folder: chosen in a folder dialog, stored with the set, given back at load", () => {
  const store = objects("pattr").find((b) => words(b)[1] === "folder_store");
  const v = store.saved_attribute_attributes.valueof;
  assert.deepEqual([v.parameter_type, v.parameter_invisible], [3, 1]);  // a blob, stored only
  const next = (id, outlet = 0) => linesFrom(id, outlet).map((l) => byId.get(l.destination[0]));
  const [sel] = next(param("Keep Folder").id);
  const [dialog] = next(sel.id);
  assert.deepEqual(words(dialog), ["opendialog", "fold"]);
  const [conform] = next(dialog.id);
  assert.deepEqual(words(conform), ["conformpath", "native", "absolute"]);  // Max paths -> the OS's
  const [prepend] = next(conform.id);
  assert.equal(words(prepend).join(" "), "prepend folder");
  assert.deepEqual(next(store.id).map((b) => b.id), [prepend.id]);
  assert.deepEqual(next(prepend.id).map((b) => b.id), [one("js").id]);
  const route = objects("route").find((b) => words(b).includes("folder"));
  const shown = next(route.id, words(route).indexOf("folder") - 1);
  assert.deepEqual(shown.map((b) => words(b).join(" ")), ["prepend set", "prepend set"]);
  assert.deepEqual(shown.flatMap((b) => next(b.id)).map((b) => b.id).sort(),
    [store.id, byId.get("obj-folder-text").id].sort());
});

test("the kit menu and the pads: filled by the [js], a chosen kit goes back to it", () => {
  const route = objects("route").find((b) => words(b).includes("kits"));
  const [menu] = linesFrom(route.id, words(route).indexOf("kits") - 1).map((l) => byId.get(l.destination[0]));
  assert.equal(menu.maxclass, "umenu");  // takes "clear" and "append NAME" as they come
  assert.equal(menu.parameter_enable, 0);  // a browser, not a setting to automate or store
  const [prepend] = linesFrom(menu.id, 1).map((l) => byId.get(l.destination[0]));  // the item text
  assert.equal(words(prepend).join(" "), "prepend kit");
  const [set] = linesFrom(route.id, words(route).indexOf("pads") - 1).map((l) => byId.get(l.destination[0]));
  const [pads] = linesFrom(set.id).map((l) => byId.get(l.destination[0]));
  assert.equal(pads.maxclass, "multislider");
  assert.equal(pads.size, logic.NUM_SLOTS);
  assert.deepEqual(pads.setminmax, [0, 1]);
  const [sel] = linesFrom(param("To Clip").id).map((l) => byId.get(l.destination[0]));
  const [msg] = linesFrom(sel.id).map((l) => byId.get(l.destination[0]));
  assert.equal(msg.text, "toclip");
});

test("Vary, Restyle, Morph: presses reach the [js] once; the morph settings are stored, not automated", () => {
  const next = (id) => linesFrom(id).map((l) => byId.get(l.destination[0]));
  for (const [longname, message] of [["Vary", "vary"], ["Restyle", "restyle"], ["Morph", "morph"]]) {
    const button = param(longname);
    assert.equal(button.maxclass, "live.text");
    assert.equal(button.saved_attribute_attributes.valueof.parameter_invisible, 2, longname);
    const [sel] = next(button.id);
    assert.equal(words(sel).join(" "), "sel 1");  // the press, not the release
    const [msg] = next(sel.id);
    assert.equal(msg.text, message);
    assert.deepEqual(next(msg.id).map((b) => b.id), [one("js").id]);
    assert.match(GLUE, new RegExp(`function ${message}\\(`));
  }
  for (const [longname, key, max] of [["Morph Amount", "amount", 1], ["Morph With", "with", logic.NUM_SLOTS - 1],
    ["Morph Into", "into", logic.NUM_SLOTS - 1]]) {
    const control = param(longname);
    const v = control.saved_attribute_attributes.valueof;
    assert.equal(v.parameter_invisible, 1, `${longname}: stored with the set, not automated`);
    assert.equal(v.parameter_mmax, max, longname);
    const [prepend] = next(control.id);
    assert.equal(words(prepend).join(" "), `prepend morph ${key}`);
    assert.deepEqual(next(prepend.id).map((b) => b.id), [one("js").id]);
  }
  // Everything shown fits the device's width.
  for (const b of boxes.filter((x) => x.presentation)) {
    assert.ok(b.presentation_rect[0] + b.presentation_rect[2] <= PATCH.devicewidth, b.id);
  }
});
