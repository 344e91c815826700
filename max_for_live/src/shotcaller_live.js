"use strict";
// Shotcaller device logic: OSC messages to and from the daemon, and the Live-API actions that
// put a render into the Simpler or Drum Rack after the device.
//
// ES5 on purpose: this file runs unchanged in Max's classic [js] (SpiderMonkey), in Max 9's
// [v8], and under Node for the tests (max_for_live/tests/). It never touches Max globals: the
// Live API arrives as a factory `makeApi(path)` returning a LiveAPI-like object (get, set, call,
// id), and outputs leave through an `emit` object, so the tests inject a fake Live object model.
//
// OSC shapes follow Max's objects: [udpreceive] outputs "address arg1 arg2 ..." (each OSC string
// is one symbol, spaces included) and [udpsend] takes "address arg1 arg2 ..." messages, so an
// outgoing message here is an array [address, arg1, ...] and an incoming one is (address, args).

// ---------------------------------------------------------------------------------------------
// Constants: the daemon's contract (bridge/OSC.md, bridge/osc_spec.json)
// ---------------------------------------------------------------------------------------------

var DEFAULT_HOST = "127.0.0.1";
var DEFAULT_OSC_PORT = 9000;    // `shotcaller serve` default --osc-port
var DEFAULT_REPLY_PORT = 9001;  // start the daemon with --reply-port 9001 (see README)
var NUM_SLOTS = 16;
var DRUM_BASE_NOTE = 36;        // daemon "drums" keymap: notes 36-51 -> slots 0-15
var SIMPLER_ROOT_NOTE = 60;     // Simpler plays a sample at its own pitch on C3 (MIDI 60)
var OFFLINE_AFTER_TICKS = 2;    // pings without a pong before the device shows "offline"
var SEED_UI_MAX = 16777215;     // 2^24 - 1: largest seed a Live parameter (float) holds exactly

// Generation parameters the device sends with /shot/set before /shot/prompt. Ranges are the
// daemon's slot-key table; defaults are the daemon's slot defaults (server/daemon/slots.py).
var PARAMS = {
  seed: { type: "i", min: -1, max: SEED_UI_MAX, initial: -1 },
  steps: { type: "i", min: 1, max: 200, initial: 12 },
  guidance: { type: "f", min: 0.0, max: 30.0, initial: 3.0 },
  strength: { type: "f", min: 0.01, max: 1.0, initial: 0.1 },
  duration: { type: "f", min: 0.05, max: 10.0, initial: 1.48 }
};
var PARAM_ORDER = ["seed", "steps", "guidance", "strength", "duration"];
var PROMPT_MAX_CHARS = 1000;

// Replies the device understands: address -> argument names and OSC types (the "out" table).
var REPLIES = {
  "/shot/pong": [["version", "s"], ["model", "s"], ["state", "s"]],
  "/shot/progress": [["slot", "i"], ["fraction", "f"]],
  "/shot/ready": [["slot", "i"], ["path", "s"], ["root", "f"], ["seconds", "f"], ["seed", "i"]],
  "/shot/note/ready": [["note", "i"], ["path", "s"], ["slot", "i"]],
  "/shot/cancelled": [["slot", "i"]],
  "/shot/slot": [["slot", "i"], ["status", "s"], ["prompt", "s"], ["negative", "s"],
    ["seed", "i"], ["steps", "i"], ["guidance", "f"], ["duration", "f"], ["strength", "f"],
    ["root", "f"], ["repitch", "s"], ["gain", "f"], ["path", "s"]],
  "/shot/keymap": [["name", "s"], ["slot", "i"]],
  "/shot/error": [["address", "s"], ["message", "s"]]
};

// Play modes of the "Play via" menu.
var MODE_SIMPLER = 0;         // notes pass through; Live's Simpler/Drum Rack plays the render
var MODE_DAEMON_REPITCH = 1;  // notes go to the daemon as /shot/note; its WAV is loaded + played

// Simpler's playback_mode property (LOM SimplerDevice).
var PLAYBACK_CLASSIC = 0;
var PLAYBACK_ONE_SHOT = 1;

// ---------------------------------------------------------------------------------------------
// Which Live version has which call: the one table every version check reads.
// ---------------------------------------------------------------------------------------------

var LIVE_FEATURES = {
  // SimplerDevice.replace_sample(file_path): load a file into an existing Simpler.
  replace_sample: { since: [12, 4, 0], what: "load a sample into Simpler from a device" },
  // RackDevice.insert_chain(index), DrumChain.in_note (set), Chain.insert_device(name, index):
  // create a Drum Rack pad's chain and its Simpler.
  create_drum_pad: { since: [12, 3, 0], what: "create a Drum Rack pad with a Simpler" }
};

function versionAtLeast(version, since) {
  for (var i = 0; i < 3; i++) {
    var a = version[i] || 0;
    var b = since[i] || 0;
    if (a !== b) {
      return a > b;
    }
  }
  return true;
}

function hasFeature(version, name) {
  return versionAtLeast(version, LIVE_FEATURES[name].since);
}

function versionText(version) {
  return version.join(".");
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function first(value) {
  return (value && typeof value === "object" && value.length !== undefined) ? value[0] : value;
}

// LiveAPI list answers look like ["id", 3, "id", 7]; return [3, 7].
function idList(value) {
  var out = [];
  if (!value || value.length === undefined) {
    return out;
  }
  for (var i = 0; i + 1 < value.length; i += 2) {
    if (value[i] === "id") {
      out.push(Number(value[i + 1]));
    }
  }
  return out;
}

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

function isIntegral(x) {
  return typeof x === "number" && isFinite(x) && Math.floor(x) === x;
}

function fileName(path) {
  var parts = String(path).split(/[\\/]/);
  return parts[parts.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Outgoing OSC: arrays [address, args...] for [udpsend]
// ---------------------------------------------------------------------------------------------

function checkSlot(slot) {
  if (!isIntegral(slot) || slot < 0 || slot >= NUM_SLOTS) {
    throw new RangeError("slot: " + slot + " out of range [0, " + (NUM_SLOTS - 1) + "]");
  }
  return slot;
}

function checkParam(key, value) {
  var spec = PARAMS[key];
  if (!spec) {
    throw new RangeError("unknown parameter '" + key + "'");
  }
  if (typeof value !== "number" || !isFinite(value)) {
    throw new RangeError(key + ": not a finite number (" + value + ")");
  }
  if (spec.type === "i" && !isIntegral(value)) {
    throw new RangeError(key + ": expected an int, got " + value);
  }
  if (value < spec.min || value > spec.max) {
    throw new RangeError(key + ": " + value + " out of range [" + spec.min + ", " + spec.max + "]");
  }
  return value;
}

function checkPrompt(text) {
  var t = String(text === undefined || text === null ? "" : text).replace(/^\s+|\s+$/g, "");
  if (t.length === 0) {
    throw new RangeError("type a prompt first");
  }
  if (t.length > PROMPT_MAX_CHARS) {
    throw new RangeError("prompt too long (" + t.length + " characters, at most " +
      PROMPT_MAX_CHARS + ")");
  }
  return t;
}

function pingMessage() {
  return ["/shot/ping"];
}

function promptMessage(slot, text) {
  return ["/shot/prompt", checkSlot(slot), checkPrompt(text)];
}

function setMessage(slot, key, value) {
  return ["/shot/set", checkSlot(slot), key, checkParam(key, value)];
}

function renderMessage(slot) {
  return ["/shot/render", checkSlot(slot)];
}

function cancelMessage(slot) {
  return ["/shot/cancel", checkSlot(slot)];
}

function noteMessage(note, velocity) {
  if (!isIntegral(note) || note < 0 || note > 127) {
    throw new RangeError("note: " + note + " out of range [0, 127]");
  }
  if (!isIntegral(velocity) || velocity < 0 || velocity > 127) {
    throw new RangeError("velocity: " + velocity + " out of range [0, 127]");
  }
  return ["/shot/note", note, velocity];
}

function keymapMessage(name, slot) {
  if (name !== "drums" && name !== "chromatic") {
    throw new RangeError("keymap: '" + name + "' is not drums or chromatic");
  }
  return name === "drums" ? ["/shot/keymap", "drums"] : ["/shot/keymap", "chromatic", checkSlot(slot)];
}

// The messages of one Render press: every generation parameter, then the prompt (which renders).
function renderRequest(slot, prompt, params) {
  var out = [];
  for (var i = 0; i < PARAM_ORDER.length; i++) {
    var key = PARAM_ORDER[i];
    out.push(setMessage(slot, key, params[key]));
  }
  out.push(promptMessage(slot, prompt));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Incoming OSC: (address, args) from [udpreceive] -> a typed reply object
// ---------------------------------------------------------------------------------------------

function parseReply(address, args) {
  var spec = REPLIES[address];
  if (!spec) {
    return { type: "unknown", address: address, args: args };
  }
  if (!args || args.length !== spec.length) {
    throw new RangeError(address + ": expected " + spec.length + " argument(s), got " +
      (args ? args.length : 0));
  }
  var reply = { type: address };
  for (var i = 0; i < spec.length; i++) {
    var name = spec[i][0];
    var kind = spec[i][1];
    var value = args[i];
    if (kind === "s") {
      reply[name] = String(value);
    } else if (typeof value !== "number" || !isFinite(value)) {
      throw new RangeError(address + ": " + name + " is not a number ('" + value + "')");
    } else {
      reply[name] = value;
    }
  }
  return reply;
}

// ---------------------------------------------------------------------------------------------
// Live API: version, the instrument after the device, loading a file into it
// ---------------------------------------------------------------------------------------------

function liveVersion(makeApi) {
  var app = makeApi("live_app");
  return [
    Number(first(app.call("get_major_version"))),
    Number(first(app.call("get_minor_version"))),
    Number(first(app.call("get_bugfix_version")))
  ];
}

function byId(makeApi, id) {
  return makeApi("id " + id);
}

// Device `type` in the LOM: 1 instrument, 2 audio effect, 4 MIDI effect.
var DEVICE_TYPE_MIDI_EFFECT = 4;

// The first instrument after this device in its track (or rack chain), skipping MIDI effects.
// Returns {kind: "simpler"|"drumrack"|"other"|"none", id, name}.
function findTarget(makeApi) {
  var me = makeApi("this_device");
  var myId = Number(me.id);
  var parentIds = idList(me.get("canonical_parent"));
  if (parentIds.length === 0) {
    return { kind: "none" };
  }
  var devices = idList(byId(makeApi, parentIds[0]).get("devices"));
  for (var i = devices.indexOf(myId) + 1; i > 0 && i < devices.length; i++) {
    var dev = byId(makeApi, devices[i]);
    var cls = String(first(dev.get("class_name")));
    var name = String(first(dev.get("name")));
    if (cls === "OriginalSimpler") {
      return { kind: "simpler", id: devices[i], name: name };
    }
    if (cls === "DrumGroupDevice") {
      return { kind: "drumrack", id: devices[i], name: name };
    }
    if (Number(first(dev.get("type"))) !== DEVICE_TYPE_MIDI_EFFECT) {
      return { kind: "other", id: devices[i], name: name, className: cls };
    }
  }
  return { kind: "none" };
}

function findParameter(makeApi, device, names) {
  var ids = idList(device.get("parameters"));
  for (var i = 0; i < ids.length; i++) {
    var p = byId(makeApi, ids[i]);
    if (names.indexOf(String(first(p.get("name")))) >= 0) {
      return p;
    }
  }
  return null;
}

function setParameter(param, value) {
  var v = clamp(value, Number(first(param.get("min"))), Number(first(param.get("max"))));
  param.set("value", v);
  return v;
}

// Simpler has no root-key property in the LOM, so the root is applied as Transpose/Detune:
// the sample sounds at `root` on C3 (60), so transpose by 60 - root to make key K sound at K.
// Unpitched renders (root -1) and repitched note files get 0.
function tuningFor(root) {
  if (!(root >= 0)) {
    return { semitones: 0, cents: 0 };
  }
  var shift = SIMPLER_ROOT_NOTE - root;
  var semitones = Math.round(shift);
  var cents = Math.round((shift - semitones) * 100);
  return { semitones: clamp(semitones, -48, 48), cents: clamp(cents, -50, 50) };
}

function applyTuning(makeApi, simpler, root) {
  var tuning = tuningFor(root);
  var transpose = findParameter(makeApi, simpler, ["Transpose", "Transp"]);
  var detune = findParameter(makeApi, simpler, ["Detune"]);
  if (transpose) {
    setParameter(transpose, tuning.semitones);
  }
  if (detune) {
    setParameter(detune, tuning.cents);
  }
  return { semitones: tuning.semitones, cents: tuning.cents, applied: !!transpose };
}

// Load `path` into a Simpler, then set one-shot (drums) or classic (pitched) and the tuning.
function loadIntoSimpler(makeApi, simplerId, path, root, oneShot) {
  var simpler = byId(makeApi, simplerId);
  simpler.call("replace_sample", path);
  var mode = oneShot ? PLAYBACK_ONE_SHOT : PLAYBACK_CLASSIC;
  simpler.set("playback_mode", mode);
  var tuning = applyTuning(makeApi, simpler, oneShot ? -1 : root);
  return { playbackMode: mode, tuning: tuning };
}

function padNoteForSlot(slot) {
  return DRUM_BASE_NOTE + slot;
}

// The Simpler of the Drum Rack pad for `note`, creating the chain and Simpler when missing.
// Returns {simplerId} or {error}.
function drumPadSimpler(makeApi, rackId, note, version) {
  var rack = byId(makeApi, rackId);
  var pad = byId(makeApi, idList(rack.get("drum_pads"))[note]);
  var chains = idList(pad.get("chains"));
  if (chains.length > 0) {
    var devs = idList(byId(makeApi, chains[0]).get("devices"));
    for (var i = 0; i < devs.length; i++) {
      if (String(first(byId(makeApi, devs[i]).get("class_name"))) === "OriginalSimpler") {
        return { simplerId: devs[i] };
      }
    }
    return { error: "pad " + note + " holds no Simpler; drop one on it or clear the pad" };
  }
  if (!hasFeature(version, "create_drum_pad")) {
    return { error: "pad " + note + " is empty and Live " + versionText(version) +
      " cannot create it from a device (needs Live " + versionText(LIVE_FEATURES.create_drum_pad.since) +
      "+); drop a Simpler on the pad" };
  }
  var before = idList(rack.get("chains")).length;
  rack.call("insert_chain", before);
  var chainIds = idList(rack.get("chains"));
  if (chainIds.length !== before + 1) {
    return { error: "Live did not add a chain to the Drum Rack" };
  }
  var chain = byId(makeApi, chainIds[before]);
  chain.set("in_note", note);
  chain.call("insert_device", "Simpler", 0);
  var made = idList(chain.get("devices"));
  if (made.length === 0) {
    return { error: "Live did not insert a Simpler on pad " + note };
  }
  return { simplerId: made[0], created: true };
}

// ---------------------------------------------------------------------------------------------
// The device: state + handlers. `emit` has osc(list), ui(name, value), note(pitch, velocity).
// ---------------------------------------------------------------------------------------------

function Shotcaller(makeApi, emit, options) {
  options = options || {};
  this.makeApi = makeApi;
  this.emit = emit;
  this.random = options.random || Math.random;
  this.slot = 0;
  this.prompt = "";
  this.mode = MODE_SIMPLER;
  this.params = {};
  for (var key in PARAMS) {
    if (PARAMS.hasOwnProperty(key)) {
      this.params[key] = PARAMS[key].initial;
    }
  }
  this.online = false;
  this.missedPings = 0;
  this.version = null;
}

Shotcaller.prototype.liveVersion = function () {
  if (!this.version) {
    this.version = liveVersion(this.makeApi);
  }
  return this.version;
};

Shotcaller.prototype.send = function (message) {
  this.emit.osc(message);
};

Shotcaller.prototype.showError = function (text) {
  this.emit.ui("error", text);
};

Shotcaller.prototype.showStatus = function (text) {
  this.emit.ui("status", text);
};

// --- UI inputs -------------------------------------------------------------------------------

Shotcaller.prototype.setPrompt = function (text) {
  this.prompt = String(text);
};

Shotcaller.prototype.setSlot = function (slot) {
  this.slot = checkSlot(Math.round(slot));
};

Shotcaller.prototype.setMode = function (mode) {
  this.mode = Math.round(mode) === MODE_DAEMON_REPITCH ? MODE_DAEMON_REPITCH : MODE_SIMPLER;
};

Shotcaller.prototype.setParam = function (key, value) {
  var spec = PARAMS[key];
  if (!spec) {
    throw new RangeError("unknown parameter '" + key + "'");
  }
  var v = spec.type === "i" ? Math.round(value) : value;
  this.params[key] = checkParam(key, clamp(v, spec.min, spec.max));
};

Shotcaller.prototype.render = function () {
  var messages;
  try {
    messages = renderRequest(this.slot, this.prompt, this.params);
  } catch (e) {
    this.showError(e.message);
    return false;
  }
  this.showError("");
  this.emit.ui("progress", 0);
  this.showStatus("slot " + this.slot + ": rendering...");
  for (var i = 0; i < messages.length; i++) {
    this.send(messages[i]);
  }
  return true;
};

// Dice: a new seed (shown in the seed box, so it is saved with the set), then render.
Shotcaller.prototype.dice = function () {
  var seed = Math.floor(this.random() * (SEED_UI_MAX + 1));
  this.params.seed = seed;
  this.emit.ui("seed", seed);
  return this.render();
};

Shotcaller.prototype.cancel = function () {
  this.send(cancelMessage(this.slot));
};

// Called by a [metro]: ping the daemon; two unanswered pings in a row mean offline.
Shotcaller.prototype.tick = function () {
  if (this.missedPings >= OFFLINE_AFTER_TICKS && this.online) {
    this.online = false;
    this.emit.ui("online", 0);
    this.showStatus("offline: no answer from the daemon (is `shotcaller serve --reply-port " +
      DEFAULT_REPLY_PORT + "` running?)");
  }
  this.missedPings += 1;
  this.send(pingMessage());
};

// A MIDI note from the device's input (only routed here in daemon-repitch mode).
Shotcaller.prototype.note = function (pitch, velocity) {
  if (this.mode !== MODE_DAEMON_REPITCH || velocity <= 0) {
    return false;  // note-offs: one-shots ignore them, the daemon would too
  }
  try {
    this.send(noteMessage(Math.round(pitch), Math.round(velocity)));
  } catch (e) {
    this.showError(e.message);
    return false;
  }
  return true;
};

// --- Daemon replies --------------------------------------------------------------------------

Shotcaller.prototype.onOsc = function (address, args) {
  var reply;
  try {
    reply = parseReply(address, args);
  } catch (e) {
    this.showError("bad reply from the daemon: " + e.message);
    return null;
  }
  var handler = this.handlers[reply.type];
  return handler ? handler.call(this, reply) : null;
};

Shotcaller.prototype.handlers = {
  "/shot/pong": function (r) {
    this.missedPings = 0;
    if (!this.online) {
      this.online = true;
      this.emit.ui("online", 1);
    }
    this.showStatus("online: " + r.model + " (" + r.state + ")");
    return r;
  },
  "/shot/progress": function (r) {
    this.emit.ui("progress", clamp(r.fraction, 0, 1));
    this.showStatus("slot " + r.slot + ": rendering " + Math.round(r.fraction * 100) + "%");
    return r;
  },
  "/shot/ready": function (r) {
    this.emit.ui("progress", 1);
    this.emit.ui("path", r.path);
    r.result = this.placeRender(r.slot, r.path, r.root);
    return r;
  },
  "/shot/note/ready": function (r) {
    r.result = this.placeNote(r);
    return r;
  },
  "/shot/cancelled": function (r) {
    this.emit.ui("progress", 0);
    this.showStatus("slot " + r.slot + ": cancelled");
    return r;
  },
  "/shot/error": function (r) {
    this.emit.ui("progress", 0);
    this.showError(plainError(r.address, r.message));
    return r;
  }
};

function plainError(address, message) {
  var what = {
    "/shot/prompt": "Render failed",
    "/shot/set": "A setting was refused",
    "/shot/render": "Render failed",
    "/shot/note": "Note not played",
    "/shot/cancel": "Nothing to cancel"
  }[address] || ("Daemon error (" + address + ")");
  return what + ": " + message;
}

// Where a finished render goes. Returns {loaded, target, ...} or {loaded: false, reason}.
Shotcaller.prototype.placeRender = function (slot, path, root) {
  var target = findTarget(this.makeApi);
  if (target.kind === "simpler" && slot !== this.slot) {
    this.showStatus("slot " + slot + " ready: " + fileName(path) + " (the Simpler shows slot " +
      this.slot + ")");
    return { loaded: false, reason: "other-slot" };
  }
  return this.loadInto(target, slot, path, root, false);
};

// Daemon-repitch mode: the played note's WAV replaces the sample and is played at C3 (Simpler)
// or on the pad of its slot (Drum Rack), at full velocity (the daemon applied the velocity).
Shotcaller.prototype.placeNote = function (r) {
  var target = findTarget(this.makeApi);
  var result = this.loadInto(target, r.slot, r.path, -1, true);
  if (result.loaded) {
    var pitch = target.kind === "drumrack" ? padNoteForSlot(r.slot) : SIMPLER_ROOT_NOTE;
    this.emit.note(pitch, 127);
    result.playedNote = pitch;
  }
  return result;
};

Shotcaller.prototype.fallback = function (reason, path) {
  this.showError(reason);
  this.emit.ui("path", path);
  return { loaded: false, reason: reason, path: path };
};

Shotcaller.prototype.loadInto = function (target, slot, path, root, isNote) {
  var version = this.liveVersion();
  if (target.kind === "none" || target.kind === "other") {
    var found = target.kind === "other" ? " (found '" + target.name + "')" : "";
    return this.fallback("No Simpler or Drum Rack after Shotcaller on this track" + found +
      ": add one, or drag the file in: " + path, path);
  }
  if (!hasFeature(version, "replace_sample")) {
    return this.fallback("Live " + versionText(version) + " cannot load samples from a device " +
      "(needs Live " + versionText(LIVE_FEATURES.replace_sample.since) + "+). Drag the file " +
      "into Simpler: " + path, path);
  }
  var simplerId = target.id;
  var created = false;
  if (target.kind === "drumrack") {
    var pad = drumPadSimpler(this.makeApi, target.id, padNoteForSlot(slot), version);
    if (pad.error) {
      return this.fallback(pad.error + ": " + path, path);
    }
    simplerId = pad.simplerId;
    created = !!pad.created;
  }
  var oneShot = isNote || target.kind === "drumrack" || !(root >= 0);
  var done = loadIntoSimpler(this.makeApi, simplerId, path, root, oneShot);
  var where = target.kind === "drumrack" ? "pad " + padNoteForSlot(slot) : "Simpler";
  this.showError("");
  this.showStatus("slot " + slot + " loaded into " + where + ": " + fileName(path));
  return { loaded: true, target: target.kind, simplerId: simplerId, created: created,
    playbackMode: done.playbackMode, tuning: done.tuning };
};

// ---------------------------------------------------------------------------------------------

var api = {
  DEFAULT_HOST: DEFAULT_HOST,
  DEFAULT_OSC_PORT: DEFAULT_OSC_PORT,
  DEFAULT_REPLY_PORT: DEFAULT_REPLY_PORT,
  NUM_SLOTS: NUM_SLOTS,
  DRUM_BASE_NOTE: DRUM_BASE_NOTE,
  SIMPLER_ROOT_NOTE: SIMPLER_ROOT_NOTE,
  SEED_UI_MAX: SEED_UI_MAX,
  PARAMS: PARAMS,
  PARAM_ORDER: PARAM_ORDER,
  REPLIES: REPLIES,
  LIVE_FEATURES: LIVE_FEATURES,
  MODE_SIMPLER: MODE_SIMPLER,
  MODE_DAEMON_REPITCH: MODE_DAEMON_REPITCH,
  PLAYBACK_CLASSIC: PLAYBACK_CLASSIC,
  PLAYBACK_ONE_SHOT: PLAYBACK_ONE_SHOT,
  versionAtLeast: versionAtLeast,
  hasFeature: hasFeature,
  idList: idList,
  pingMessage: pingMessage,
  promptMessage: promptMessage,
  setMessage: setMessage,
  renderMessage: renderMessage,
  cancelMessage: cancelMessage,
  noteMessage: noteMessage,
  keymapMessage: keymapMessage,
  renderRequest: renderRequest,
  parseReply: parseReply,
  liveVersion: liveVersion,
  findTarget: findTarget,
  tuningFor: tuningFor,
  padNoteForSlot: padNoteForSlot,
  drumPadSimpler: drumPadSimpler,
  loadIntoSimpler: loadIntoSimpler,
  Shotcaller: Shotcaller
};

// CommonJS export: Node's require and Max's [js]/[v8] require() both provide `exports`.
for (var name in api) {
  if (api.hasOwnProperty(name)) {
    exports[name] = api[name];
  }
}
