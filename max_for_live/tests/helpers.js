"use strict";
// Shared test helpers: an emit recorder, a scratch WAV path, and a device set up on a fake track.

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const logic = require("../src/shotcaller_live.js");
const { FakeLive } = require("./fake_live.js");

function recorder() {
  const rec = { osc: [], ui: [], notes: [] };
  rec.emit = {
    osc: (message) => rec.osc.push(message),
    ui: (name, value) => rec.ui.push([name, value]),
    note: (pitch, velocity) => rec.notes.push([pitch, velocity]),
  };
  rec.last = (name) => {
    for (let i = rec.ui.length - 1; i >= 0; i--) if (rec.ui[i][0] === name) return rec.ui[i][1];
    return undefined;
  };
  return rec;
}

// A real (empty-ish) file, since the fake's replace_sample refuses missing files.
function scratchWav(t, name = "slot00-r000001.wav") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shotcaller-m4l-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from("RIFF\0\0\0\0WAVE"));
  return file;
}

// The daemon's answer to the device's /shot/bank/open (as it answers a device new to it).
function openBank(device, rec) {
  device.openBank();
  device.onOsc("/shot/bank/opened", [device.bank, logic.NUM_SLOTS]);
  rec.osc.length = 0;
  rec.ui.length = 0;
}

// A track with [Shotcaller] followed by whatever `build(live, track)` adds; the device's bank
// is open unless `open` is false.
function setup({ version = [12, 4, 0], build = () => {}, open = true } = {}) {
  const live = new FakeLive({ version });
  const track = live.addTrack();
  live.addThisDevice(track);
  const extra = build(live, track) || {};
  const rec = recorder();
  const device = new logic.Shotcaller(live.factory, rec.emit, { random: () => 0.5 });
  if (open) openBank(device, rec);
  return { live, track, rec, device, ...extra };
}

module.exports = { logic, FakeLive, openBank, recorder, scratchWav, setup };
