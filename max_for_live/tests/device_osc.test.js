"use strict";
// The OSC messages the device builds and the replies it parses, checked against the daemon's
// machine-readable contract (bridge/osc_spec.json), plus the device's UI state machine.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const { logic, scratchWav, setup } = require("./helpers.js");
const osc = require("../node/osc_codec.js");

const REPO = path.resolve(__dirname, "..", "..");
const SPEC = JSON.parse(fs.readFileSync(path.join(REPO, "bridge", "osc_spec.json"), "utf8"));

// Does [address, ...args] satisfy the spec's "in" table (with its int/float coercion)?
function validIn(message) {
  const [address, ...args] = message;
  const spec = SPEC.in[address];
  assert.ok(spec, `${address} is not in bridge/osc_spec.json`);
  const required = spec.args.filter((a) => !a.optional).length;
  assert.ok(args.length >= required && args.length <= spec.args.length,
    `${address}: ${args.length} args, spec wants ${required}..${spec.args.length}`);
  args.forEach((value, i) => {
    let a = spec.args[i];
    if (a.type === "key") a = { name: "value", ...SPEC.slot_keys[args[1]] };
    if (a.type === "s") {
      assert.equal(typeof value, "string", `${address} ${a.name}`);
      if (a.enum_from) assert.ok(value in SPEC[a.enum_from], `${address} ${a.name}=${value}`);
      if (a.enum) assert.ok(a.enum.includes(value));
      if (a.max_len) assert.ok(value.length <= a.max_len);
    } else {
      assert.equal(typeof value, "number", `${address} ${a.name}`);
      if (a.type === "i") assert.ok(Number.isInteger(value), `${address} ${a.name}=${value} not integral`);
      if (a.min !== undefined) assert.ok(value >= a.min, `${address} ${a.name}=${value} < ${a.min}`);
      if (a.max !== undefined) assert.ok(value <= a.max, `${address} ${a.name}=${value} > ${a.max}`);
    }
  });
  // And it survives OSC encoding the way [udpsend] types it.
  const [back] = osc.decode(osc.encode(address, args));
  assert.equal(back.address, address);
  return true;
}

test("parameter ranges are within the daemon's slot-key table", () => {
  for (const [key, p] of Object.entries(logic.PARAMS)) {
    const s = SPEC.slot_keys[key];
    assert.ok(s, key);
    assert.equal(p.type, s.type, key);
    assert.ok(p.min >= s.min && p.max <= s.max, `${key} ${p.min}..${p.max} vs ${s.min}..${s.max}`);
    assert.ok(p.initial >= p.min && p.initial <= p.max);
    assert.equal(p.initial, s.default, `${key}: a new pad starts where a new daemon slot starts`);
  }
  assert.equal(logic.NUM_SLOTS, 16);
});

test("reply shapes match the spec's out table", () => {
  for (const [address, args] of Object.entries(logic.REPLIES)) {
    const spec = SPEC.out[address];
    assert.ok(spec, address);
    assert.deepEqual(args, spec.args.map((a) => [a.name, a.type]), address);
  }
});

test("a Render press sends every parameter, then the prompt, all valid for the daemon", () => {
  const { rec, device } = setup();
  device.setSlot(3);
  device.setPrompt("dusty vinyl snare");
  device.setParam("steps", 12);
  device.setParam("guidance", 4.5);
  device.setParam("duration", 0.75);
  assert.equal(device.render(), true);
  assert.deepEqual(rec.osc, [
    ["/shot/set", 3, "seed", -1],
    ["/shot/set", 3, "steps", 12],
    ["/shot/set", 3, "guidance", 4.5],
    ["/shot/set", 3, "strength", 0.1],
    ["/shot/set", 3, "duration", 0.75],
    ["/shot/prompt", 3, "dusty vinyl snare"],
  ]);
  rec.osc.forEach(validIn);
  assert.equal(rec.last("progress"), 0);
  assert.equal(rec.last("error"), "");
});

test("an empty prompt is an error shown in plain words, nothing sent", () => {
  const { rec, device } = setup();
  device.setPrompt("   ");
  assert.equal(device.render(), false);
  assert.deepEqual(rec.osc, []);
  assert.equal(rec.last("error"), "type a prompt first");
});

test("UI values are clamped and rounded into the daemon's ranges", () => {
  const { device } = setup();
  device.setParam("steps", 500.4);
  device.setParam("guidance", -3);
  device.setParam("seed", 12.6);
  assert.deepEqual([device.params.steps, device.params.guidance, device.params.seed], [200, 0, 13]);
  assert.throws(() => device.setSlot(16), /slot: 16 out of range/);
  assert.throws(() => logic.setMessage(0, "steps", 2.5), /expected an int/);
});

test("dice draws a seed, shows it and renders with it", () => {
  const { rec, device } = setup();
  device.setPrompt("kick");
  device.dice();
  const seed = Math.floor(0.5 * (logic.SEED_UI_MAX + 1));
  assert.equal(rec.last("seed"), seed);
  assert.deepEqual(rec.osc[0], ["/shot/set", 0, "seed", seed]);
  rec.osc.forEach(validIn);
});

test("other messages the device builds are valid", () => {
  [logic.pingMessage(), logic.renderMessage(15), logic.cancelMessage(0), logic.noteMessage(38, 110),
    logic.keymapMessage("drums"), logic.keymapMessage("chromatic", 4)].forEach(validIn);
  assert.throws(() => logic.noteMessage(128, 1), /note: 128/);
});

test("online/offline follows ping -> pong; coming online opens the bank again", () => {
  const { rec, device } = setup();
  device.tick();
  assert.deepEqual(rec.osc, [["/shot/ping"]]);
  device.onOsc("/shot/pong", ["0.1.0", "shotcaller-small", "ready"]);
  assert.equal(rec.last("online"), 1);
  assert.equal(rec.last("daemon"), "online: shotcaller-small (ready)");
  assert.deepEqual(rec.osc.at(-1), ["/shot/bank/open", device.bank]);
  device.tick();
  device.tick();
  assert.equal(rec.last("online"), 1);  // one unanswered ping is tolerated
  device.tick();
  assert.equal(rec.last("online"), 0);
  assert.match(rec.last("daemon"), /offline: no answer from the daemon/);
  rec.osc.length = 0;
  device.onOsc("/shot/pong", ["0.1.0", "shotcaller-small", "loading"]);
  assert.equal(rec.last("online"), 1);
  assert.deepEqual(rec.osc, [["/shot/bank/open", device.bank]]);
  rec.osc.forEach(validIn);
});

test("a new device makes up its bank's name and stores it; a stored one is reused", () => {
  const { rec, device } = setup({ open: false });
  device.openBank();
  assert.match(device.bank, /^live-[0-9a-f]{8}$/);
  assert.equal(rec.last("bank"), device.bank);  // to [pattr bank_store]: saved with the set
  assert.deepEqual(rec.osc, [["/shot/bank/open", device.bank]]);
  rec.osc.forEach(validIn);

  const again = setup({ open: false });
  again.device.setBank("live-0000beef");  // what the set stored
  again.device.openBank();
  assert.deepEqual(again.rec.osc, [["/shot/bank/open", "live-0000beef"]]);
  assert.equal(again.rec.last("bank"), undefined);
});

test("no slot command leaves before the daemon confirms the bank", () => {
  const { rec, device } = setup({ open: false });
  device.setBank("live-0000beef");
  device.setPrompt("dusty vinyl snare");
  assert.equal(device.render(), false);
  assert.match(rec.last("error"), /not connected to the daemon yet/);
  device.setMode(logic.MODE_DAEMON_REPITCH);
  assert.equal(device.note(60, 100), false);
  assert.deepEqual(rec.osc, []);
  device.onOsc("/shot/bank/opened", ["live-0000beef", 16]);
  // The socket learns the bank; repitch mode asks for its keymap in the bank; the kit menu
  // asks for the daemon's kits.
  assert.deepEqual(rec.osc, [["bank", "live-0000beef"], ["/shot/keymap", "chromatic", 0],
    ["/shot/preset/list", 0]]);
  assert.equal(device.render(), true);
});

test("a duplicated track's device takes the copy the daemon made and stores its name", () => {
  const { rec, device } = setup({ open: false });
  device.setBank("live-0000beef");  // copied with the track
  device.openBank();
  device.onOsc("/shot/bank/opened", ["live-0000beef-2", 16]);
  assert.equal(device.bank, "live-0000beef-2");
  assert.equal(rec.last("bank"), "live-0000beef-2");
  assert.deepEqual(rec.osc.at(-2), ["bank", "live-0000beef-2"]);
  device.closeBank();
  assert.deepEqual(rec.osc.at(-1), ["/shot/bank/close", "live-0000beef-2"]);
});

test("progress drives the bar; errors reset it and read in plain words", () => {
  const { rec, device } = setup();
  device.onOsc("/shot/progress", [2, 0.5]);
  assert.equal(rec.last("progress"), 0.5);
  assert.equal(rec.last("status"), "slot 2: rendering 50%");
  device.onOsc("/shot/error", ["/shot/prompt", "slot 2: out of memory"]);
  assert.equal(rec.last("progress"), 0);
  assert.equal(rec.last("error"), "Render failed: slot 2: out of memory");
  device.onOsc("/shot/cancelled", [2]);
  assert.equal(rec.last("status"), "slot 2: cancelled");
});

test("a pong does not hide a render's progress: status and daemon lines are apart", () => {
  const { rec, device } = setup();
  device.onOsc("/shot/progress", [1, 0.4]);
  device.onOsc("/shot/pong", ["0.1.0", "shotcaller-small", "ready"]);
  assert.equal(rec.last("status"), "slot 1: rendering 40%");
  assert.equal(rec.last("daemon"), "online: shotcaller-small (ready)");
});

test("daemon-repitch mode switches the daemon to the chromatic keymap on the device's slot", () => {
  const { rec, device } = setup();
  device.setSlot(3);
  assert.deepEqual(rec.osc, []);  // Simpler mode leaves the daemon's keymap alone
  device.setMode(logic.MODE_DAEMON_REPITCH);
  assert.deepEqual(rec.osc, [["/shot/keymap", "chromatic", 3]]);
  device.setSlot(5);
  device.setSlot(5);  // unchanged: nothing more to send
  assert.deepEqual(rec.osc.slice(1), [["/shot/keymap", "chromatic", 5]]);
  rec.osc.forEach(validIn);
});

test("malformed replies are reported, not thrown", () => {
  const { rec, device } = setup();
  assert.equal(device.onOsc("/shot/ready", [0, "/x.wav"]), null);
  assert.match(rec.last("error"), /bad reply from the daemon: \/shot\/ready: expected 5/);
  assert.equal(device.onOsc("/shot/preset/list", ["a", "b"]), null);  // not used by the device
});

test("notes: passed through in Simpler mode, sent as /shot/note in daemon-repitch mode", () => {
  const { rec, device } = setup();
  assert.equal(device.note(60, 100), false);
  assert.deepEqual(rec.osc, []);
  device.setMode(logic.MODE_DAEMON_REPITCH);
  assert.equal(device.note(62, 0), false);  // note-off
  assert.equal(device.note(62, 90), true);
  assert.deepEqual(rec.osc, [["/shot/keymap", "chromatic", 0], ["/shot/note", 62, 90]]);
  rec.osc.forEach(validIn);
});

test("/shot/note/ready loads the note's WAV and plays it at C3, untransposed", (t) => {
  const file = scratchWav(t, "note_062.wav");
  const { live, rec, device, simpler } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  device.setMode(logic.MODE_DAEMON_REPITCH);
  simpler.children.parameters[1].props.value = -5;
  const reply = device.onOsc("/shot/note/ready", [62, file, 0]);
  assert.equal(reply.result.loaded, true);
  assert.equal(simpler.child.sample.props.file_path, file);
  assert.equal(simpler.props.playback_mode, logic.PLAYBACK_ONE_SHOT);
  assert.equal(live.paramValue(simpler, "Transpose"), 0);
  assert.deepEqual(rec.notes, [[60, 127]]);
});

test("/shot/note/ready with a Drum Rack plays the slot's pad", (t) => {
  const file = scratchWav(t, "note_037.wav");
  const { rec, device } = setup({ build: (l, tr) => ({ rack: l.addDrumRack(tr) }) });
  device.setMode(logic.MODE_DAEMON_REPITCH);
  device.onOsc("/shot/note/ready", [37, file, 1]);
  assert.deepEqual(rec.notes, [[37, 127]]);
});

test("Vary, Restyle and Morph send the Strength knob first, then their command", (t) => {
  const file = scratchWav(t);
  const { rec, device } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  device.setSlot(3);
  device.setParam("strength", 0.4);
  const knobs = [["/shot/set", 3, "strength", 0.4], ["/shot/set", 3, "steps", device.params.steps],
    ["/shot/set", 3, "guidance", device.params.guidance]];
  assert.equal(device.vary(), true);
  assert.deepEqual(rec.osc, [...knobs, ["/shot/vary", 3]]);
  assert.equal(rec.last("pads")[3] > 0, true);  // the pad shows it is working
  rec.osc.forEach(validIn);
  rec.osc.length = 0;
  device.setPrompt("  dustier, more reverb ");
  assert.equal(device.restyle(), true);
  assert.deepEqual(rec.osc, [...knobs, ["/shot/restyle", 3, "dustier, more reverb"]]);
  rec.osc.forEach(validIn);
  rec.osc.length = 0;
  device.setMorph("with", 5);
  device.setMorph("into", 9);
  device.setMorph("amount", 0.25);
  assert.equal(device.morph(), true);
  assert.deepEqual(rec.osc, [...knobs, ["/shot/morph", 3, 5, 0.25, 9]]);
  assert.equal(rec.last("pads")[9] > 0, true);
  rec.osc.forEach(validIn);
  // The morph lands in its slot like any render (the Simpler shows the selected slot only).
  device.setSlot(9);
  const ready = device.onOsc("/shot/ready", [9, file, 60.0, 1.0, -1]);
  assert.equal(ready.result.loaded, true);
  assert.equal(rec.last("pads")[9], 1);
});

test("Vary, Restyle and Morph refuse what cannot work, and a daemon refusal settles the pad", () => {
  const { rec, device } = setup();
  device.setSlot(2);
  device.setPrompt("   ");
  assert.equal(device.restyle(), false);
  assert.match(rec.last("error"), /Restyle: type the words/);
  device.setMorph("with", 2);
  assert.equal(device.morph(), false);
  assert.match(rec.last("error"), /slot 2 cannot morph with itself/);
  assert.throws(() => device.setMorph("into", 16), /out of range/);
  assert.throws(() => device.setMorph("speed", 1), /unknown morph setting/);
  device.setMorph("amount", 7);  // a knob past its end is its end
  assert.equal(device.morphing.amount, 1);
  assert.deepEqual(rec.osc, []);
  // The daemon knows which slots hold sounds (also ones this device has not seen since the
  // set opened): its refusal shows, and the waiting pads go back to what they hold.
  device.setMorph("with", 4);
  device.setMorph("into", 7);
  assert.equal(device.morph(), true);
  device.onOsc("/shot/error", ["/shot/morph", "slot 2 has no sound to morph: render or /shot/load one first"]);
  assert.match(rec.last("error"), /^Morph failed: slot 2 has no sound to morph/);
  assert.equal(rec.last("pads")[7], 0);
  assert.equal(device.vary(), true);
  device.onOsc("/shot/error", ["/shot/vary", "slot 2 has no sound to vary: render or /shot/load one first"]);
  assert.match(rec.last("error"), /^Vary failed: slot 2 has no sound to vary/);
  assert.equal(rec.last("pads")[2], 0);
  // Before the bank is open nothing goes out.
  const closed = setup({ open: false });
  assert.equal(closed.device.vary(), false);
  assert.match(closed.rec.last("error"), /not connected to the daemon yet/);
  assert.deepEqual(closed.rec.osc, []);
});
