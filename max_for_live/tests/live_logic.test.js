"use strict";
// The device's Live-API logic against the fake Live object model (tests/fake_live.js).

const test = require("node:test");
const assert = require("node:assert/strict");

const { logic, scratchWav, setup } = require("./helpers.js");

test("the version table gates replace_sample at 12.4 and pad creation at 12.3", () => {
  assert.equal(logic.hasFeature([12, 4, 0], "replace_sample"), true);
  assert.equal(logic.hasFeature([12, 3, 9], "replace_sample"), false);
  assert.equal(logic.hasFeature([13, 0, 0], "replace_sample"), true);
  assert.equal(logic.hasFeature([11, 3, 40], "create_drum_pad"), false);
  assert.equal(logic.hasFeature([12, 3, 0], "create_drum_pad"), true);
});

test("liveVersion reads Application.get_*_version", () => {
  const { live } = setup({ version: [12, 1, 5] });
  assert.deepEqual(logic.liveVersion(live.factory), [12, 1, 5]);
});

test("findTarget finds the Simpler after the device, skipping MIDI effects", () => {
  const { live, simpler } = setup({
    build: (l, track) => {
      l.addMidiEffect(track);
      return { simpler: l.addSimpler(track) };
    },
  });
  assert.deepEqual(logic.findTarget(live.factory), { kind: "simpler", id: simpler.id, name: "Simpler" });
  assert.deepEqual(live.errors, []);
});

test("findTarget ignores a Simpler before the device and reports other instruments", () => {
  const { live } = setup({
    build: (l, track) => {
      l.attach(track, l.makeSimpler(), 0);  // before Shotcaller
      l.addInstrument(track, "Operator");
    },
  });
  const target = logic.findTarget(live.factory);
  assert.equal(target.kind, "other");
  assert.equal(target.name, "Operator");
});

test("findTarget: nothing after the device", () => {
  const { live } = setup();
  assert.deepEqual(logic.findTarget(live.factory), { kind: "none" });
});

test("/shot/ready of a pitched render loads the Simpler in classic mode, tuned to its root", (t) => {
  const file = scratchWav(t);
  const { live, rec, device, simpler } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  const reply = device.onOsc("/shot/ready", [0, file, 62.3, 1.0, 1234]);
  assert.equal(reply.result.loaded, true);
  assert.deepEqual(live.errors, []);
  assert.deepEqual(live.deviceCalls(), [[simpler.id, "replace_sample", [file]]]);
  assert.equal(simpler.child.sample.props.file_path, file);
  assert.equal(simpler.props.playback_mode, logic.PLAYBACK_CLASSIC);
  // Sounds at 62.3 on C3: shift by 60 - 62.3 = -2.3 st -> Transpose -2, Detune -30 cents.
  assert.equal(live.paramValue(simpler, "Transpose"), -2);
  assert.equal(live.paramValue(simpler, "Detune"), -30);
  assert.equal(rec.last("progress"), 1);
  assert.equal(rec.last("path"), file);
  assert.equal(rec.last("error"), "");
  assert.match(rec.last("status"), /slot 0 loaded into Simpler/);
  // The set now uses the file: the daemon is told to keep it.
  assert.deepEqual(rec.osc, [["/shot/take", 0, file]]);
});

test("/shot/ready of an unpitched render (root -1) sets one-shot and no transpose", (t) => {
  const file = scratchWav(t);
  const { live, device, simpler } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  live.paramValue(simpler, "Transpose");
  simpler.children.parameters[1].props.value = 7;  // left over from a pitched render
  device.onOsc("/shot/ready", [0, file, -1, 0.5, 99]);
  assert.equal(simpler.props.playback_mode, logic.PLAYBACK_ONE_SHOT);
  assert.equal(live.paramValue(simpler, "Transpose"), 0);
  assert.equal(live.paramValue(simpler, "Detune"), 0);
  assert.deepEqual(live.errors, []);
});

test("tuning is clamped to Simpler's Transpose range", () => {
  assert.deepEqual(logic.tuningFor(120), { semitones: -48, cents: 0 });
  assert.deepEqual(logic.tuningFor(60), { semitones: 0, cents: 0 });
  assert.deepEqual(logic.tuningFor(-1), { semitones: 0, cents: 0 });
  assert.deepEqual(logic.tuningFor(59.6), { semitones: 0, cents: 40 });
});

test("a Simpler target only takes the selected slot's renders", (t) => {
  const file = scratchWav(t);
  const { live, device } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  device.setSlot(3);
  const reply = device.onOsc("/shot/ready", [5, file, -1, 1.0, 7]);
  assert.equal(reply.result.loaded, false);
  assert.deepEqual(live.deviceCalls(), []);
});

test("old Live: no replace_sample call, a plain message naming the version and the file", (t) => {
  const file = scratchWav(t);
  const { live, rec, device, simpler } = setup({
    version: [12, 1, 5],
    build: (l, tr) => ({ simpler: l.addSimpler(tr) }),
  });
  const reply = device.onOsc("/shot/ready", [0, file, 60, 1.0, 1]);
  assert.equal(reply.result.loaded, false);
  assert.deepEqual(live.deviceCalls(), []);
  assert.deepEqual(live.errors, []);  // never called what this Live lacks
  assert.equal(simpler.child.sample, null);
  assert.match(rec.last("error"), /Live 12\.1\.5 cannot load samples.*needs Live 12\.4\.0\+/);
  assert.ok(rec.last("error").endsWith(file));
  assert.equal(rec.last("path"), file);
});

test("missing Simpler: a plain message and the file path, nothing called", (t) => {
  const file = scratchWav(t);
  const { live, rec, device } = setup({ build: (l, tr) => { l.addMidiEffect(tr); } });
  const reply = device.onOsc("/shot/ready", [0, file, -1, 1.0, 1]);
  assert.equal(reply.result.loaded, false);
  assert.match(rec.last("error"), /No Simpler or Drum Rack after Shotcaller/);
  assert.equal(rec.last("path"), file);
  assert.deepEqual(live.deviceCalls(), []);
});

test("another instrument after the device is named in the message", (t) => {
  const file = scratchWav(t);
  const { rec, device } = setup({ build: (l, tr) => { l.addInstrument(tr, "Wavetable", "InstrumentVector"); } });
  device.onOsc("/shot/ready", [0, file, -1, 1.0, 1]);
  assert.match(rec.last("error"), /found 'Wavetable'/);
});

test("Drum Rack: an existing pad's Simpler gets the slot's render, one-shot", (t) => {
  const file = scratchWav(t);
  const { live, device, rack } = setup({
    build: (l, tr) => {
      const r = l.addDrumRack(tr);
      l.addPadChain(r, 38);
      return { rack: r };
    },
  });
  const reply = device.onOsc("/shot/ready", [2, file, 64, 1.0, 5]);  // slot 2 -> pad 38
  assert.equal(reply.result.loaded, true);
  assert.equal(reply.result.created, false);
  const simpler = live.padChains(rack, 38)[0].children.devices[0];
  assert.equal(simpler.child.sample.props.file_path, file);
  assert.equal(simpler.props.playback_mode, logic.PLAYBACK_ONE_SHOT);
  assert.equal(live.paramValue(simpler, "Transpose"), 0);
  assert.deepEqual(live.errors, []);
});

test("Drum Rack: a missing pad gets a chain on its note and a Simpler", (t) => {
  const file = scratchWav(t);
  const { live, device, rack } = setup({ build: (l, tr) => ({ rack: l.addDrumRack(tr) }) });
  assert.equal(live.padChains(rack, 36).length, 0);
  const reply = device.onOsc("/shot/ready", [0, file, -1, 1.0, 5]);
  assert.equal(reply.result.loaded, true);
  assert.equal(reply.result.created, true);
  const chains = live.padChains(rack, 36);
  assert.equal(chains.length, 1);
  assert.equal(chains[0].props.in_note, 36);
  const simpler = chains[0].children.devices[0];
  assert.equal(simpler.props.class_name, "OriginalSimpler");
  assert.equal(simpler.child.sample.props.file_path, file);
  assert.deepEqual(live.deviceCalls().map((c) => c[1]), ["insert_chain", "insert_device", "replace_sample"]);
  assert.deepEqual(live.errors, []);
  // A second render of the same slot reuses the pad.
  device.onOsc("/shot/ready", [0, file, -1, 1.0, 6]);
  assert.equal(live.padChains(rack, 36).length, 1);
});

test("Drum Rack: a pad without a Simpler is reported, not overwritten", (t) => {
  const file = scratchWav(t);
  const { live, rec, device } = setup({
    build: (l, tr) => {
      const r = l.addDrumRack(tr);
      l.addPadChain(r, 36, { simpler: false });
    },
  });
  const reply = device.onOsc("/shot/ready", [0, file, -1, 1.0, 5]);
  assert.equal(reply.result.loaded, false);
  assert.match(rec.last("error"), /pad 36 holds no Simpler/);
  assert.deepEqual(live.deviceCalls(), []);
});

test("Drum Rack on old Live: fallback message, no calls", (t) => {
  const file = scratchWav(t);
  const { live, rec, device } = setup({ version: [11, 3, 20], build: (l, tr) => { l.addDrumRack(tr); } });
  device.onOsc("/shot/ready", [0, file, -1, 1.0, 5]);
  assert.match(rec.last("error"), /Live 11\.3\.20 cannot load samples/);
  assert.deepEqual(live.deviceCalls(), []);
  assert.deepEqual(live.errors, []);
});

test("drumPadSimpler refuses to create a pad before 12.3", () => {
  const { live, rack } = setup({ version: [12, 2, 0], build: (l, tr) => ({ rack: l.addDrumRack(tr) }) });
  const out = logic.drumPadSimpler(live.factory, rack.id, 40, [12, 2, 0]);
  assert.match(out.error, /pad 40 is empty and Live 12\.2\.0 cannot create it/);
  assert.deepEqual(live.deviceCalls(), []);
});

test("notes reuse the device's LiveAPI objects, and each load is one undo step", (t) => {
  const file = scratchWav(t);
  const { live, device } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  device.setMode(logic.MODE_DAEMON_REPITCH);
  device.onOsc("/shot/note/ready", [60, file, 0]);
  const made = live.made;
  for (let i = 0; i < 10; i++) device.onOsc("/shot/note/ready", [60 + i, file, 0]);
  assert.equal(live.made, made, "no new LiveAPI objects for the same instrument");
  assert.equal(live.undoSteps, 11);
  assert.equal(live.looseEdits, 0, "nothing outside the steps, no parameter writes");
  assert.deepEqual(live.songCalls().slice(0, 2), ["begin_undo_step", "end_undo_step"]);
  assert.deepEqual(live.errors, []);
});

test("an unchanged tuning is not written again (a parameter write is an undo entry of its own)", (t) => {
  const file = scratchWav(t);
  const { live, device, simpler } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  device.onOsc("/shot/ready", [0, file, 62.3, 1.0, 1]);
  const writes = live.sets.length;
  assert.ok(writes > 0);
  device.onOsc("/shot/ready", [0, file, 62.3, 1.0, 2]);
  assert.equal(live.sets.length, writes);
  assert.equal(live.paramValue(simpler, "Transpose"), -2);
  device.onOsc("/shot/ready", [0, file, 61.0, 1.0, 3]);
  assert.equal(live.paramValue(simpler, "Transpose"), -1);
  assert.equal(live.paramValue(simpler, "Detune"), 0);
});

test("the instrument is looked up again when the track's devices change", (t) => {
  const file = scratchWav(t);
  const { live, device, track } = setup({ build: (l, tr) => { l.addInstrument(tr, "Operator"); } });
  assert.equal(device.onOsc("/shot/ready", [0, file, -1, 1.0, 1]).result.loaded, false);
  const simpler = live.attach(track, live.makeSimpler(), 1);  // dropped between the two
  const reply = device.onOsc("/shot/ready", [0, file, -1, 1.0, 2]);
  assert.equal(reply.result.loaded, true);
  assert.equal(simpler.child.sample.props.file_path, file);
});

test("pads show each slot's progress: rendering, ready, failed", (t) => {
  const file = scratchWav(t);
  const { rec, device } = setup({ build: (l, tr) => { l.addDrumRack(tr); } });
  device.onOsc("/shot/progress", [2, 0.5]);
  device.onOsc("/shot/progress", [5, 0.25]);
  assert.deepEqual(rec.last("pads").slice(0, 6), [0, 0, 0.5, 0, 0, 0.25]);
  device.onOsc("/shot/ready", [2, file, -1, 1.0, 1]);
  device.onOsc("/shot/error", ["/shot/prompt", "slot 5: out of memory"]);
  const pads = rec.last("pads");
  assert.equal(pads.length, logic.NUM_SLOTS);
  assert.deepEqual(pads.slice(0, 6), [0, 0, 1, 0, 0, 0]);
});

test("kits: every page of /shot/preset/list fills the menu; choosing one loads it in the bank", () => {
  const { rec, device } = setup({ open: false });
  device.setBank("live-0000beef");
  assert.equal(device.loadKit("808 basics"), false);
  assert.match(rec.last("error"), /not connected/);
  device.onOsc("/shot/bank/opened", ["live-0000beef", 16]);
  assert.deepEqual(rec.osc.at(-1), ["/shot/preset/list", 0]);
  device.onOsc("/shot/preset/list", [0, 2, "808 basics", "lofi kit"]);
  assert.deepEqual(rec.osc.at(-1), ["/shot/preset/list", 1]);
  assert.equal(rec.last("kits"), undefined);
  device.onOsc("/shot/preset/list", [1, 2, "trap"]);
  assert.deepEqual(rec.last("kits"), ["808 basics", "lofi kit", "trap"]);
  assert.equal(device.loadKit("lofi kit"), true);
  assert.deepEqual(rec.osc.at(-1), ["/shot/preset/load", "lofi kit"]);
  device.onOsc("/shot/preset/loaded", ["lofi kit", 8]);
  assert.equal(rec.last("status"), "kit lofi kit: rendering 8 slots");
  assert.equal(device.loadKit(""), false);
  assert.match(rec.last("error"), /choose a kit/);
});

test("with a folder chosen, a render is copied there first and Simpler loads the copy", (t) => {
  const file = scratchWav(t);
  const copy = scratchWav(t, "slot00-r000001-0123456789ab.wav");
  const { rec, device, simpler } = setup({ build: (l, tr) => ({ simpler: l.addSimpler(tr) }) });
  assert.equal(device.setFolder("Music/set"), false);
  assert.match(rec.last("error"), /not an absolute path/);
  assert.equal(device.setFolder("/home/me/Music/My Song Project"), true);
  assert.equal(rec.last("folder"), "/home/me/Music/My Song Project");
  rec.osc.length = 0;
  device.onOsc("/shot/ready", [0, file, 62, 1.0, 1]);
  assert.deepEqual(rec.osc, [["keep", 0, file, 62, "/home/me/Music/My Song Project"]]);
  assert.equal(simpler.child.sample, null, "nothing loads before the copy exists");
  const reply = device.onOsc("/local/kept", [0, copy, 62, file]);
  assert.equal(reply.result.loaded, true);
  assert.equal(simpler.child.sample.props.file_path, copy);
  assert.deepEqual(rec.osc.slice(1), [], "a copy in the set's folder needs no /shot/take");
  // A failed copy loads the daemon's file, taken, and says why.
  rec.osc.length = 0;
  device.onOsc("/local/keep/failed", [0, file, 62, "EACCES: permission denied"]);
  assert.equal(simpler.child.sample.props.file_path, file);
  assert.deepEqual(rec.osc, [["/shot/take", 0, file]]);
  assert.match(rec.last("error"), /Could not copy .*EACCES/);
});

test("To clip puts the slot's sound on the selected empty clip slot of an audio track", (t) => {
  const file = scratchWav(t);
  const { live, rec, device, audio } = setup({
    build: (l, tr) => {
      l.addSimpler(tr);
      return { audio: l.addTrack("2 Audio", { audio: true }) };
    },
  });
  assert.equal(device.toClip(), false);
  assert.match(rec.last("error"), /slot 0 has no sound yet/);
  device.setSlot(3);
  device.onOsc("/shot/ready", [3, file, -1, 1.0, 1]);
  assert.equal(device.toClip(), false);
  assert.match(rec.last("error"), /select an empty clip slot/);
  live.highlight(live.song.children.tracks[0], 0);  // the device's own MIDI track
  assert.equal(device.toClip(), false);
  assert.match(rec.last("error"), /on a MIDI track/);
  live.highlight(audio, 2);
  rec.osc.length = 0;
  assert.equal(device.toClip(), true);
  const clip = audio.children.clip_slots[2].child.clip;
  assert.equal(clip.props.file_path, file);
  assert.deepEqual(rec.osc, [], "the loaded sound was already taken");
  assert.match(rec.last("status"), /slot 3 placed as a clip on 2 Audio/);
  assert.equal(device.toClip(), false);
  assert.match(rec.last("error"), /holds a clip/);
  assert.deepEqual(live.errors, []);
});

test("To clip on a Live without create_audio_clip names the version and the file", (t) => {
  const file = scratchWav(t);
  const { live, rec, device } = setup({ version: [12, 0, 1], build: (l, tr) => { l.addSimpler(tr); } });
  device.onOsc("/shot/ready", [0, file, -1, 1.0, 1]);
  assert.equal(device.toClip(), false);
  assert.match(rec.last("error"), /Live 12\.0\.1 cannot create audio clips.*12\.0\.5\+.*slot00/);
  assert.deepEqual(live.errors, []);
});
