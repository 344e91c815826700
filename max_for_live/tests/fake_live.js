"use strict";
// A fake of the parts of Live's object model (LOM) the device touches, behind the same
// interface as Max's `LiveAPI` object: `new LiveAPI(path)` or `new LiveAPI(callback, path)`,
// `.id` (a string, "0" for no object), `.path`, `.unquotedpath`, `.type`, `get(prop)` returning
// an array (child lists as ["id", n, "id", m]), `set(prop, value)`, `call(fn, ...args)`,
// `getcount(child)`.
//
// Faithful where it matters to the device: functions only exist from the Live version that
// added them (mirrors SINCE below), read-only properties refuse `set`, parameter values out of
// range are refused, Drum Rack pads show the chains whose `in_note` is the pad's note, and
// `replace_sample` refuses a file that does not exist. Like Max, a failing LiveAPI call does not
// throw: it is recorded in `live.errors` (Max posts it to the console) and returns undefined.

const fs = require("node:fs");

// Which Live version added which call, as this fake models it (see README "Live versions").
const SINCE = {
  replace_sample: [12, 4, 0],
  insert_chain: [12, 3, 0],
  insert_device: [12, 3, 0],
  in_note_settable: [12, 3, 0],
  undo_step: [11, 0, 0],
  create_audio_clip: [12, 0, 5],
};

function atLeast(version, since) {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== since[i]) return version[i] > since[i];
  }
  return true;
}

class LomObject {
  constructor(live, lomClass, props = {}) {
    this.live = live;
    this.lomClass = lomClass;
    this.props = { ...props };
    this.settable = new Set();
    this.children = {};    // name -> array of LomObject, or a function returning one
    this.child = {};       // name -> LomObject or null (single children: canonical_parent, sample)
    this.functions = {};   // name -> function(...args)
    this.id = live.register(this);
  }
}

class FakeLive {
  constructor({ version = [12, 4, 0] } = {}) {
    this.version = version;
    this.objects = new Map();
    this.nextId = 1;
    this.errors = [];
    this.calls = [];    // [id, fn, args] of successful calls
    this.sets = [];     // [id, prop, value] of successful sets
    this.app = this.makeApplication();
    this.song = new LomObject(this, "Song", { tempo: 120 });
    this.song.children.tracks = [];
    // Live's undo history as the device shapes it: `undoSteps` counts closed steps, and every
    // device change made outside a step is an entry of its own (`looseEdits`).
    this.undoDepth = 0;
    this.undoSteps = 0;
    this.looseEdits = 0;
    if (this.has("undo_step")) {
      this.song.functions.begin_undo_step = () => { this.undoDepth += 1; };
      this.song.functions.end_undo_step = () => {
        if (this.undoDepth === 0) throw new Error("end_undo_step without begin_undo_step");
        this.undoDepth -= 1;
        if (this.undoDepth === 0) this.undoSteps += 1;
      };
    }
    // Song.View.highlighted_clip_slot: the clip slot selected in Session View (or none).
    this.songView = new LomObject(this, "Song.View", {});
    this.songView.child.highlighted_clip_slot = null;
    this.song.child.view = this.songView;
    this.made = 0;  // LiveAPI objects made (Live registers each one)
    this.thisDevice = null;
    const live = this;
    // The LiveAPI constructor Max provides, bound to this fake.
    this.LiveAPI = function LiveAPI(a, b) {
      return new FakeLiveAPI(live, typeof a === "string" ? a : b);
    };
  }

  register(obj) {
    const id = this.nextId++;
    this.objects.set(id, obj);
    return id;
  }

  has(name) {
    return atLeast(this.version, SINCE[name]);
  }

  makeApplication() {
    const app = new LomObject(this, "Application");
    app.functions.get_major_version = () => this.version[0];
    app.functions.get_minor_version = () => this.version[1];
    app.functions.get_bugfix_version = () => this.version[2];
    return app;
  }

  addTrack(name = "1 MIDI", { audio = false, clipSlots = 8 } = {}) {
    const track = new LomObject(this, "Track",
      { name, has_midi_input: audio ? 0 : 1, has_audio_input: audio ? 1 : 0 });
    track.children.devices = [];
    track.children.clip_slots = [];
    for (let i = 0; i < clipSlots; i++) {
      const slot = new LomObject(this, "ClipSlot", { has_clip: 0 });
      slot.child.canonical_parent = track;
      slot.child.clip = null;
      // Live 12.0.5+: an audio clip from a file, on an empty slot of an audio track.
      if (this.has("create_audio_clip")) {
        slot.functions.create_audio_clip = (file) => {
          if (!audio) throw new Error("create_audio_clip: not an audio track");
          if (slot.props.has_clip) throw new Error("create_audio_clip: the slot has a clip");
          if (typeof file !== "string" || !fs.existsSync(file)) throw new Error(`create_audio_clip: cannot read '${file}'`);
          const clip = new LomObject(this, "Clip", { file_path: file, is_audio_clip: 1 });
          clip.child.canonical_parent = slot;
          slot.child.clip = clip;
          slot.props.has_clip = 1;
        };
      }
      track.children.clip_slots.push(slot);
    }
    track.child.canonical_parent = this.song;
    this.song.children.tracks.push(track);
    return track;
  }

  // Select a clip slot in Session View (null: none).
  highlight(track, index) {
    this.songView.child.highlighted_clip_slot = track ? track.children.clip_slots[index] : null;
  }

  attach(parent, device, index) {
    const list = parent.children.devices;
    list.splice(index === undefined ? list.length : index, 0, device);
    device.child.canonical_parent = parent;
    return device;
  }

  // This Max for Live device (a MIDI effect).
  addThisDevice(parent, name = "Shotcaller") {
    const dev = new LomObject(this, "MaxDevice",
      { name, class_name: "MxDeviceMidiEffect", class_display_name: "Max MIDI Effect", type: 4 });
    dev.children.parameters = [];
    this.thisDevice = dev;
    return this.attach(parent, dev);
  }

  addMidiEffect(parent, name = "Arpeggiator", className = "MidiArpeggiator") {
    const dev = new LomObject(this, "Device", { name, class_name: className, type: 4 });
    dev.children.parameters = [];
    return this.attach(parent, dev);
  }

  addInstrument(parent, name = "Operator", className = "Operator") {
    const dev = new LomObject(this, "Device", { name, class_name: className, type: 1 });
    dev.children.parameters = [];
    return this.attach(parent, dev);
  }

  parameter(device, name, min, max, value) {
    const p = new LomObject(this, "DeviceParameter", { name, min, max, value });
    p.settable.add("value");
    p.child.canonical_parent = device;
    p.validate = { value: (v) => typeof v === "number" && v >= min && v <= max };
    return p;
  }

  makeSimpler(name = "Simpler") {
    const dev = new LomObject(this, "SimplerDevice",
      { name, class_name: "OriginalSimpler", class_display_name: "Simpler", type: 1,
        playback_mode: 0 });
    dev.settable.add("playback_mode");
    dev.validate = { playback_mode: (v) => v === 0 || v === 1 || v === 2 };
    dev.children.parameters = [
      this.parameter(dev, "Device On", 0, 1, 1),
      this.parameter(dev, "Transpose", -48, 48, 0),
      this.parameter(dev, "Detune", -50, 50, 0),
      this.parameter(dev, "Volume", -36, 36, 0),
    ];
    dev.child.sample = null;
    if (this.has("replace_sample")) {
      dev.functions.replace_sample = (path) => {
        if (typeof path !== "string" || !fs.existsSync(path)) {
          throw new Error(`replace_sample: cannot read '${path}'`);
        }
        const sample = new LomObject(this, "Sample", { file_path: path, gain: 1 });
        sample.child.canonical_parent = dev;
        dev.child.sample = sample;
      };
    }
    return dev;
  }

  addSimpler(parent, name) {
    return this.attach(parent, this.makeSimpler(name));
  }

  addDrumRack(parent, name = "Drum Rack") {
    const rack = new LomObject(this, "RackDevice",
      { name, class_name: "DrumGroupDevice", class_display_name: "Drum Rack", type: 1,
        can_have_chains: 1, can_have_drum_pads: 1 });
    rack.children.parameters = [];
    rack.children.chains = [];
    rack.children.drum_pads = [];
    for (let note = 0; note < 128; note++) {
      const pad = new LomObject(this, "DrumPad", { note, name: `pad ${note}`, mute: 0, solo: 0 });
      pad.child.canonical_parent = rack;
      // A pad shows the rack's chains that receive its note.
      pad.children.chains = () => rack.children.chains.filter((c) => c.props.in_note === note);
      rack.children.drum_pads.push(pad);
    }
    if (this.has("insert_chain")) {
      rack.functions.insert_chain = (index) => {
        const chains = rack.children.chains;
        if (!Number.isInteger(index) || index < 0 || index > chains.length) {
          throw new Error(`insert_chain: index ${index} out of range`);
        }
        chains.splice(index, 0, this.makeDrumChain(rack, -1));
      };
    }
    return this.attach(parent, rack);
  }

  makeDrumChain(rack, inNote) {
    const chain = new LomObject(this, "DrumChain", { name: "Chain", in_note: inNote, mute: 0 });
    chain.child.canonical_parent = rack;
    chain.children.devices = [];
    if (this.has("in_note_settable")) chain.settable.add("in_note");
    chain.validate = { in_note: (v) => Number.isInteger(v) && v >= -1 && v <= 127 };
    if (this.has("insert_device")) {
      chain.functions.insert_device = (name, index) => {
        if (name !== "Simpler") throw new Error(`insert_device: this fake only knows 'Simpler', got '${name}'`);
        const at = index === undefined ? chain.children.devices.length : index;
        if (!Number.isInteger(at) || at < 0 || at > chain.children.devices.length) {
          throw new Error(`insert_device: index ${index} out of range`);
        }
        this.attach(chain, this.makeSimpler(), at);
      };
    }
    return chain;
  }

  // A pad that already has a chain (as if the user dropped a sample or Simpler on it).
  addPadChain(rack, note, { simpler = true } = {}) {
    const chain = this.makeDrumChain(rack, note);
    rack.children.chains.push(chain);
    if (simpler) this.attach(chain, this.makeSimpler());
    return chain;
  }

  pad(rack, note) {
    return rack.children.drum_pads[note];
  }

  padChains(rack, note) {
    return this.pad(rack, note).children.chains();
  }

  // Calls made on devices, racks and chains (not the Application's version queries, nor the
  // Song's undo steps).
  deviceCalls() {
    return this.calls.filter((c) => c[0] !== this.app.id && c[0] !== this.song.id);
  }

  songCalls() {
    return this.calls.filter((c) => c[0] === this.song.id).map((c) => c[1]);
  }

  paramValue(device, name) {
    return device.children.parameters.find((p) => p.props.name === name).props.value;
  }
}

class FakeLiveAPI {
  constructor(live, path) {
    this.live = live;
    live.made += 1;
    this.target = this.resolve(String(path || ""));
  }

  resolve(path) {
    const words = path.trim().split(/\s+/);
    let obj = null;
    if (words[0] === "id") {
      obj = this.live.objects.get(Number(words[1])) || null;
      return words.length === 2 ? obj : this.walk(obj, words.slice(2));
    }
    const roots = { live_app: this.live.app, live_set: this.live.song, this_device: this.live.thisDevice };
    obj = roots[words[0]] || null;
    return this.walk(obj, words.slice(1));
  }

  walk(obj, words) {
    for (let i = 0; obj && i < words.length; i++) {
      const name = words[i];
      const list = obj.children[name];
      if (list !== undefined) {
        const items = typeof list === "function" ? list() : list;
        obj = items[Number(words[++i])] || null;
      } else {
        obj = obj.child[name] || null;
      }
    }
    return obj;
  }

  get id() {
    return String(this.target ? this.target.id : 0);
  }

  get type() {
    return this.target ? this.target.lomClass : "";
  }

  get unquotedpath() {
    return this.target ? `id ${this.target.id}` : "";
  }

  get path() {
    return `"${this.unquotedpath}"`;
  }

  error(message) {
    this.live.errors.push(message);
    return undefined;
  }

  get(prop) {
    const obj = this.target;
    if (!obj) return this.error(`get ${prop}: no valid object`);
    if (obj.children[prop] !== undefined) {
      const list = typeof obj.children[prop] === "function" ? obj.children[prop]() : obj.children[prop];
      return list.flatMap((o) => ["id", o.id]);
    }
    if (prop in obj.child) return ["id", obj.child[prop] ? obj.child[prop].id : 0];
    if (prop in obj.props) return [obj.props[prop]];
    return this.error(`get: ${obj.lomClass} has no property '${prop}'`);
  }

  getcount(prop) {
    const value = this.get(prop);
    return value ? value.length / 2 : 0;
  }

  set(prop, value) {
    const obj = this.target;
    if (!obj) return this.error(`set ${prop}: no valid object`);
    if (!(prop in obj.props)) return this.error(`set: ${obj.lomClass} has no property '${prop}'`);
    if (!obj.settable.has(prop)) return this.error(`set: ${obj.lomClass}.${prop} is read-only`);
    const check = obj.validate && obj.validate[prop];
    if (check && !check(value)) return this.error(`set: ${obj.lomClass}.${prop} = ${value} invalid`);
    obj.props[prop] = value;
    this.live.sets.push([obj.id, prop, value]);
    // Live makes a parameter write an undo entry of its own even inside a step.
    if (this.live.undoDepth === 0 || obj.lomClass === "DeviceParameter") this.live.looseEdits += 1;
    return undefined;
  }

  call(fn, ...args) {
    const obj = this.target;
    if (!obj) return this.error(`call ${fn}: no valid object`);
    const f = obj.functions[fn];
    if (!f) return this.error(`call: ${obj.lomClass} has no function '${fn}' (Live ${this.live.version.join(".")})`);
    try {
      const result = f(...args);
      this.live.calls.push([obj.id, fn, args]);
      if (obj !== this.live.app && obj !== this.live.song && this.live.undoDepth === 0) this.live.looseEdits += 1;
      return result;
    } catch (e) {
      return this.error(`call ${fn}: ${e.message}`);
    }
  }
}

// Handy for tests: `live.factory` is the `makeApi(path)` the device logic takes.
Object.defineProperty(FakeLive.prototype, "factory", {
  get() {
    return (path) => new FakeLiveAPI(this, path);
  },
});

module.exports = { FakeLive, FakeLiveAPI, SINCE, atLeast };
