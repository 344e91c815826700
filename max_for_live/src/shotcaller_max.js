"use strict";
// Max glue for [js shotcaller_max.js] in Shotcaller.maxpat: turns the patch's messages into calls
// on the device logic (shotcaller_live.js) and its outputs into outlets. Max globals only
// (LiveAPI, outlet, post, require, messagename); no Node APIs. ES5, like the logic.
//
// Inlet 0:  init (from [live.thisdevice]), tick (from [metro]), bank <name> (the name stored
//           with the set, from [pattr bank_store]), prompt <text>, slot <n>,
//           seed|steps|guidance|strength|duration <x>, mode <0|1>, render, dice, cancel,
//           toclip, vary, restyle, morph [amount|with|into <x>], kit <name> (the kit menu),
//           folder <path> (the folder dialog, or [pattr folder_store] at load),
//           note <pitch> <velocity>, and every reply from [node.script shotcaller_net.js]
//           ("/shot/... args", "/local/kept ...").
// Outlet 0: OSC messages for the device's socket, through [prepend send]
//           ("/shot/prompt 3 dusty vinyl snare"; "bank live-1a2b3c4d").
// Outlet 1: UI updates for [route online status progress error path seed daemon bank pads
//           kits folder]; the kit menu gets "kits clear", then "kits append NAME" per kit.
// Outlet 2: "pitch velocity" notes to play (daemon-repitch mode), for [makenote].

inlets = 1;
outlets = 3;

var logic = require("shotcaller_live");

var OUT_OSC = 0;
var OUT_UI = 1;
var OUT_NOTE = 2;

var liveReady = false;

function noCallback() {}

// LiveAPI objects may only be made once the device is in the Live set ([live.thisdevice]).
function makeApi(path) {
  if (!liveReady) {
    throw new Error("Live is not ready yet (the device is still loading)");
  }
  return new LiveAPI(noCallback, path);
}

var device = new logic.Shotcaller(makeApi, {
  osc: function (message) {
    outlet(OUT_OSC, message);
  },
  ui: function (name, value) {
    if (name === "kits") {  // a [umenu] takes its items one by one
      outlet(OUT_UI, "kits", "clear");
      for (var i = 0; i < value.length; i++) {
        outlet(OUT_UI, "kits", "append", value[i]);
      }
      return;
    }
    outlet(OUT_UI, name, value);
  },
  note: function (pitch, velocity) {
    outlet(OUT_NOTE, pitch, velocity);
  }
});

function argsOf(args) {
  return Array.prototype.slice.call(args);
}

// Run a handler; show any failure in the device's error line instead of losing it.
function guarded(fn) {
  try {
    return fn();
  } catch (e) {
    outlet(OUT_UI, "error", String(e.message || e));
    post("Shotcaller: " + (e.stack || e) + "\n");
    return null;
  }
}

function init() {
  liveReady = true;
  guarded(function () { device.openBank(); });
}

function bank(name) {
  guarded(function () { device.setBank(name); });
}

// Max calls this when the device is deleted or its set closed.
function notifydeleted() {
  guarded(function () { device.closeBank(); });
}

function tick() {
  guarded(function () { device.tick(); });
}

function prompt() {
  var words = argsOf(arguments);
  guarded(function () { device.setPrompt(words.join(" ")); });
}

function slot(n) {
  guarded(function () { device.setSlot(n); });
}

function mode(n) {
  guarded(function () { device.setMode(n); });
}

function param(key, value) {
  guarded(function () { device.setParam(key, value); });
}

function seed(x) { param("seed", x); }
function steps(x) { param("steps", x); }
function guidance(x) { param("guidance", x); }
function strength(x) { param("strength", x); }
function duration(x) { param("duration", x); }

function render() {
  guarded(function () { device.render(); });
}

function dice() {
  guarded(function () { device.dice(); });
}

function cancel() {
  guarded(function () { device.cancel(); });
}

function vary() {
  guarded(function () { device.vary(); });
}

function restyle() {
  guarded(function () { device.restyle(); });
}

// "morph" alone (the Morph button) morphs; "morph amount|with|into X" sets where from and to.
function morph(key, value) {
  if (key === undefined) {
    guarded(function () { device.morph(); });
    return;
  }
  guarded(function () { device.setMorph(key, value); });
}

function toclip() {
  guarded(function () { device.toClip(); });
}

// A kit menu item (a name with spaces arrives as several atoms).
function kit() {
  var words = argsOf(arguments);
  guarded(function () { device.loadKit(words.join(" ")); });
}

// The folder dialog's choice ([opendialog fold] -> [conformpath native absolute]) or the set's
// stored folder; "folder" alone clears it.
function folder() {
  var words = argsOf(arguments);
  guarded(function () { device.setFolder(words.join(" ")); });
}

function note(pitch, velocity) {
  guarded(function () { device.note(pitch, velocity); });
}

// Daemon replies: [udpreceive] outputs "/shot/ready 0 /path/x.wav -1. 1. 1234".
function anything() {
  var address = messagename;
  var args = argsOf(arguments);
  if (address.charAt(0) !== "/") {
    outlet(OUT_UI, "error", "Shotcaller: unknown message '" + address + "'");
    return;
  }
  guarded(function () { device.onOsc(address, args); });
}
