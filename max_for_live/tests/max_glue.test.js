"use strict";
// src/shotcaller_max.js as Max runs it: a script in a global scope with Max's globals (LiveAPI,
// outlet, post, require, messagename, inlets/outlets). Here those globals are fakes in a vm
// context, LiveAPI being tests/fake_live.js.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const { FakeLive, scratchWav } = require("./helpers.js");

const SRC = path.join(__dirname, "..", "src");
const GLUE = fs.readFileSync(path.join(SRC, "shotcaller_max.js"), "utf8");

function loadGlue(live) {
  const out = { outlets: [], posts: [] };
  const ctx = {
    inlets: 0,
    outlets: 0,
    messagename: "",
    LiveAPI: live.LiveAPI,
    outlet: (n, ...values) => out.outlets.push([n, ...values.flat()]),
    post: (s) => out.posts.push(s),
    // Max resolves require("name") through its search path; here, to src/.
    require: (name) => require(path.join(SRC, name.endsWith(".js") ? name : `${name}.js`)),
  };
  vm.createContext(ctx);
  vm.runInContext(GLUE, ctx, { filename: "shotcaller_max.js" });
  // What the patch sends: "init", "prompt dusty vinyl snare", "/shot/ready 0 ..." ...
  out.send = (name, ...args) => {
    if (typeof ctx[name] === "function") return ctx[name](...args);
    ctx.messagename = name;
    return ctx.anything(...args);
  };
  out.ctx = ctx;
  out.on = (n) => out.outlets.filter((o) => o[0] === n).map((o) => o.slice(1));
  return out;
}

function liveWithSimpler(version) {
  const live = new FakeLive({ version });
  const track = live.addTrack();
  live.addThisDevice(track);
  return { live, simpler: live.addSimpler(track) };
}

test("the glue declares 1 inlet and 3 outlets", () => {
  const { live } = liveWithSimpler();
  const max = loadGlue(live);
  assert.equal(max.ctx.inlets, 1);
  assert.equal(max.ctx.outlets, 3);
});

test("init opens the bank stored with the set; the daemon's answer enables commands", () => {
  const { live } = liveWithSimpler();
  const max = loadGlue(live);
  max.send("bank", "live-0000beef");  // [pattr bank_store] at load
  max.send("init");
  assert.deepEqual(max.on(0), [["/shot/bank/open", "live-0000beef"]]);
  max.send("/shot/bank/opened", "live-0000beef", 16);
  assert.deepEqual(max.on(0).slice(-2), [["bank", "live-0000beef"], ["/shot/preset/list", 0]]);
  max.send("notifydeleted");
  assert.deepEqual(max.on(0).pop(), ["/shot/bank/close", "live-0000beef"]);
});

test("patch messages become OSC on outlet 0; a prompt list is joined into one string", () => {
  const { live } = liveWithSimpler();
  const max = loadGlue(live);
  max.send("init");
  max.send("/shot/bank/opened", max.on(0)[0][1], 16);
  max.send("slot", 4);
  max.send("steps", 16);
  max.send("prompt", "dusty", "vinyl", 808, "snare");
  max.send("render");
  const osc = max.on(0);
  assert.deepEqual(osc[osc.length - 1], ["/shot/prompt", 4, "dusty vinyl 808 snare"]);
  assert.ok(osc.some((m) => m.join(" ") === "/shot/set 4 steps 16"));
  assert.deepEqual(max.posts, []);
});

test("a /shot/ready from [udpreceive] loads the Simpler through LiveAPI", (t) => {
  const file = scratchWav(t);
  const { live, simpler } = liveWithSimpler();
  const max = loadGlue(live);
  max.send("init");
  max.send("/shot/ready", 0, file, -1, 1, 42);
  assert.equal(simpler.child.sample.props.file_path, file);
  assert.deepEqual(max.on(1).filter((u) => u[0] === "progress"), [["progress", 1]]);
  assert.deepEqual(live.errors, []);
});

test("replies before [live.thisdevice] are shown as errors, not thrown", (t) => {
  const file = scratchWav(t);
  const { live, simpler } = liveWithSimpler();
  const max = loadGlue(live);
  max.send("/shot/ready", 0, file, -1, 1, 42);
  assert.equal(simpler.child.sample, null);
  assert.ok(max.on(1).some((u) => u[0] === "error" && /not ready/.test(u[1])));
});

test("daemon-repitch notes go out as /shot/note and come back as a note on outlet 2", (t) => {
  const file = scratchWav(t, "note_040.wav");
  const { live } = liveWithSimpler();
  const max = loadGlue(live);
  max.send("init");
  max.send("/shot/bank/opened", max.on(0)[0][1], 16);
  max.send("mode", 1);
  max.send("note", 40, 99);
  assert.deepEqual(max.on(0).pop(), ["/shot/note", 40, 99]);
  max.send("/shot/note/ready", 40, file, 4);
  assert.deepEqual(max.on(2), [[60, 127]]);
});

test("an unknown plain message is reported", () => {
  const { live } = liveWithSimpler();
  const max = loadGlue(live);
  max.send("bogus", 1);
  assert.ok(max.on(1).some((u) => u[0] === "error" && /unknown message 'bogus'/.test(u[1])));
});

test("vary, restyle and morph from the patch; morph settings as 'morph KEY VALUE'", () => {
  const { live } = liveWithSimpler();
  const max = loadGlue(live);
  max.send("init");
  max.send("/shot/bank/opened", max.on(0)[0][1], 16);
  max.send("slot", 2);
  max.send("vary");
  assert.deepEqual(max.on(0).pop(), ["/shot/vary", 2]);
  max.send("prompt", "more", "reverb");
  max.send("restyle");
  assert.deepEqual(max.on(0).pop(), ["/shot/restyle", 2, "more reverb"]);
  max.send("morph", "with", 6);
  max.send("morph", "into", 11);
  max.send("morph", "amount", 0.75);
  max.send("morph");
  assert.deepEqual(max.on(0).pop(), ["/shot/morph", 2, 6, 0.75, 11]);
  max.send("morph", "with", 2);
  max.send("morph");
  assert.ok(max.on(1).some((u) => u[0] === "error" && /cannot morph with itself/.test(u[1])));
  max.send("morph", "into", 99);  // shown, not thrown
  assert.ok(max.on(1).some((u) => u[0] === "error" && /out of range/.test(u[1])));
});
