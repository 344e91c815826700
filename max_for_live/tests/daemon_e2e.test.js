"use strict";
// End to end, short of Live: the real daemon (`python -m server.daemon serve`, tiny random model)
// over real UDP, the device logic in between, and the fake Live object model on the other side.
//
// The wiring mirrors the patch: each device instance has its own socket (node/shotcaller_net.js,
// what [node.script] runs), which sends what the device emits, in bundles headed by its bank,
// and hands every reply to that device alone. The daemon runs as the README starts it: no
// --reply-port. Two devices and the plugin's headless test program share it.

const test = require("node:test");
const assert = require("node:assert/strict");
const { spawn, spawnSync } = require("node:child_process");
const dgram = require("node:dgram");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { logic, FakeLive, recorder } = require("./helpers.js");
const { Net } = require("../node/shotcaller_net.js");

const REPO = path.resolve(__dirname, "..", "..");
const PLUGIN_TEST = path.join(REPO, "bridge", "juce", "build", "bin", "shotcaller_plugin_test");
const PYTHON = process.env.PYTHON || "python3";
// Generous: the test machine may be busy training models.
const READY_TIMEOUT_MS = 180000;
const REPLY_TIMEOUT_MS = 120000;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function bindUdp(port = 0) {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket("udp4");
    sock.once("error", reject);
    sock.bind(port, "127.0.0.1", () => resolve(sock));
  });
}

async function freeUdpPort() {
  const s = await bindUdp(0);
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

function makeTinyModel(dir) {
  const code = "import sys; from server.diffusion.factory import make_tiny_pipeline; " +
    "make_tiny_pipeline(sys.argv[1])";
  const r = spawnSync(PYTHON, ["-c", code, dir], { cwd: REPO, encoding: "utf8", timeout: READY_TIMEOUT_MS });
  assert.equal(r.status, 0, `make_tiny_pipeline failed:\n${r.stderr}`);
}

// One device instance's socket ([node.script shotcaller_net.js]) feeding whichever device
// logic is attached (a set reopened on the same instance keeps its bank).
class Wire {
  constructor(daemonPort) {
    this.net = new Net((address, args) => this.deliver(address, args), { port: daemonPort });
    this.device = null;
    this.bank = null;  // what the set stores
    this.seen = [];
    this.waiters = [];
  }

  start() {
    return this.net.start();
  }

  deliver(address, args) {
    const result = this.device ? this.device.onOsc(address, args) : null;
    const item = { address, args, result };
    this.seen.push(item);
    this.waiters = this.waiters.filter((w) => !w(item));
  }

  send(message) {
    this.net.handle(message);
  }

  // A device on a fake Live set, wired like the patch wires it, its bank open.
  async attach(live, { bank = this.bank } = {}) {
    const rec = recorder();
    const realOsc = rec.emit.osc;
    rec.emit.osc = (message) => {
      realOsc(message);
      this.send(message);
    };
    this.device = new logic.Shotcaller(live.factory, rec.emit, { random: Math.random });
    this.seen = [];
    if (bank) this.device.setBank(bank);
    const opened = this.waitFor("/shot/bank/opened");
    this.device.openBank();
    await opened;
    this.bank = this.device.bank;
    return { device: this.device, rec };
  }

  waitFor(address, match = () => true, timeout = REPLY_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const recent = this.seen.slice(-8).map((i) => `${i.address} ${JSON.stringify(i.args)}`);
        reject(new Error(`no ${address} within ${timeout} ms; last seen:\n${recent.join("\n")}`));
      }, timeout);
      this.waiters.push((item) => {
        if (item.address !== address || !match(item.args)) return false;
        clearTimeout(timer);
        resolve(item);
        return true;
      });
    });
  }

  close() {
    this.net.close();
  }
}

// A 16-bit mono WAV of a 440 Hz sine, for the plugin test program's /shot/load.
function writeSine(file, seconds = 2, rate = 44100) {
  const n = seconds * rate;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(16383 * Math.sin(2 * Math.PI * 440 * i / rate)), i * 2);
  const head = Buffer.alloc(44);
  head.write("RIFF", 0, "ascii");
  head.writeUInt32LE(36 + data.length, 4);
  head.write("WAVEfmt ", 8, "ascii");
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20);
  head.writeUInt16LE(1, 22);
  head.writeUInt32LE(rate, 24);
  head.writeUInt32LE(rate * 2, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write("data", 36, "ascii");
  head.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([head, data]));
}

function runProgram(file, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { out += d; });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

test.describe("device logic against the real daemon over UDP", { timeout: 600000 }, () => {
  let root;
  let daemon;
  let link;
  let oscPort;
  let logPath;

  function daemonLog() {
    try {
      return fs.readFileSync(logPath, "utf8").slice(-3000);
    } catch {
      return "";
    }
  }

  // The daemon as the README starts it, on the same folders and port each time.
  async function startDaemon() {
    const model = path.join(root, "tiny");
    const log = fs.openSync(logPath, "a");
    daemon = spawn(PYTHON, ["-m", "server.daemon", "serve",
      "--model", model, "--slots", path.join(root, "slots"),
      "--user-presets", path.join(root, "presets"), "--no-midi", "--keymap", "drums",
      "--osc-port", String(oscPort), "--threads", "1", "--no-warmup", "--rate", "48000"],
    { cwd: REPO, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    // Ready when /shot/ping answers "ready" (the device's own ping message).
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const from = link.seen.length;
    for (;;) {
      assert.equal(daemon.exitCode, null, `daemon exited:\n${daemonLog()}`);
      assert.ok(Date.now() < deadline, `daemon not ready:\n${daemonLog()}`);
      link.send(logic.pingMessage());
      const pong = link.seen.slice(from).find((i) => i.address === "/shot/pong" && i.args[2] === "ready");
      if (pong) break;
      await sleep(500);
    }
  }

  async function stopDaemon() {
    if (daemon && daemon.exitCode === null) {
      daemon.kill("SIGTERM");
      const exited = new Promise((resolve) => daemon.once("exit", resolve));
      const timedOut = sleep(30000).then(() => "timeout");
      if ((await Promise.race([exited, timedOut])) === "timeout") daemon.kill("SIGKILL");
    }
  }

  test.before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "shotcaller-m4l-e2e-"));
    logPath = path.join(root, "daemon.log");
    makeTinyModel(path.join(root, "tiny"));
    oscPort = await freeUdpPort();
    process.on("exit", () => daemon && daemon.exitCode === null && daemon.kill("SIGKILL"));
    link = new Wire(oscPort);
    await link.start();
    await startDaemon();
  });

  test.after(async () => {
    if (link) link.close();
    await stopDaemon();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test("ping -> pong turns the device online", async () => {
    const live = new FakeLive();
    live.addThisDevice(live.addTrack());
    const { device, rec } = await link.attach(live);
    const pong = link.waitFor("/shot/pong");
    const reopened = link.waitFor("/shot/bank/opened");
    device.tick();
    await pong;
    assert.equal(rec.last("online"), 1);
    assert.deepEqual((await reopened).args, [link.bank, 16]);  // online: the bank again, the same
    assert.match(rec.last("daemon"), /^online: tiny \(ready\)$/);
  });

  test("Render -> /shot/progress -> /shot/ready -> Simpler.replace_sample(path)", async () => {
    const live = new FakeLive({ version: [12, 4, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    const simpler = live.addSimpler(track);
    const { device, rec } = await link.attach(live);
    device.setSlot(0);
    device.setPrompt("dusty vinyl snare");
    device.setParam("steps", 2);
    device.setParam("duration", 0.5);
    const ready = link.waitFor("/shot/ready", (a) => a[0] === 0);
    assert.equal(device.render(), true);
    const item = await ready;
    const [slot, file, rootNote, seconds, seed] = item.args;
    assert.equal(slot, 0);
    assert.ok(fs.existsSync(file), file);
    assert.ok(path.isAbsolute(file));
    assert.ok(Math.abs(seconds - 0.5) < 0.02, `seconds ${seconds}`);
    assert.ok(seed >= 0);
    assert.ok(rootNote === -1 || (rootNote >= 0 && rootNote <= 127));
    // No /shot/error for any of the /shot/set messages, and progress went 0 -> 1.
    assert.deepEqual(link.seen.filter((i) => i.address === "/shot/error"), []);
    const progress = link.seen.filter((i) => i.address === "/shot/progress").map((i) => i.args[1]);
    assert.ok(progress.length >= 2 && progress[0] === 0, JSON.stringify(progress));
    assert.ok(Math.abs(progress[progress.length - 1] - 1) < 1e-6);
    // The fake Live got the file.
    assert.equal(item.result.result.loaded, true);
    assert.deepEqual(live.errors, []);
    assert.deepEqual(live.deviceCalls(), [[simpler.id, "replace_sample", [file]]]);
    assert.equal(simpler.child.sample.props.file_path, file);
    const expectedMode = rootNote >= 0 ? logic.PLAYBACK_CLASSIC : logic.PLAYBACK_ONE_SHOT;
    assert.equal(simpler.props.playback_mode, expectedMode);
    assert.equal(live.paramValue(simpler, "Transpose"), logic.tuningFor(rootNote).semitones);
    assert.equal(rec.last("progress"), 1);
    assert.equal(rec.last("path"), file);
  });

  test("dice renders a new variation into an empty Drum Rack pad (chain + Simpler created)", async () => {
    const live = new FakeLive({ version: [12, 4, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    const rack = live.addDrumRack(track);
    const { device, rec } = await link.attach(live);
    device.setSlot(2);
    device.setPrompt("808 kick");
    device.setParam("steps", 2);
    device.setParam("duration", 0.5);
    const ready = link.waitFor("/shot/ready", (a) => a[0] === 2);
    device.dice();
    const item = await ready;
    assert.equal(item.args[4], rec.last("seed"), "the daemon used the dice's seed");
    const chains = live.padChains(rack, 38);
    assert.equal(chains.length, 1);
    const simpler = chains[0].children.devices[0];
    assert.equal(simpler.child.sample.props.file_path, item.args[1]);
    assert.equal(simpler.props.playback_mode, logic.PLAYBACK_ONE_SHOT);
    assert.deepEqual(live.errors, []);
  });

  test("daemon-repitch mode: note -> /shot/note -> /shot/note/ready -> loaded and played", async () => {
    const live = new FakeLive({ version: [12, 4, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    const simpler = live.addSimpler(track);
    const { device, rec } = await link.attach(live);
    device.setMode(logic.MODE_DAEMON_REPITCH);
    const ready = link.waitFor("/shot/note/ready");
    assert.equal(device.note(36, 100), true);  // drums keymap: note 36 -> slot 0, rendered above
    const item = await ready;
    const [note, file, slot] = item.args;
    assert.deepEqual([note, slot], [36, 0]);
    assert.ok(fs.existsSync(file));
    assert.equal(path.basename(file), "note_036.wav");
    assert.equal(simpler.child.sample.props.file_path, file);
    assert.equal(simpler.props.playback_mode, logic.PLAYBACK_ONE_SHOT);
    assert.deepEqual(rec.notes, [[logic.SIMPLER_ROOT_NOTE, 127]]);
    assert.deepEqual(live.errors, []);
  });

  test("old Live: the real reply's file path is shown with a plain message", async () => {
    const live = new FakeLive({ version: [12, 1, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    live.addSimpler(track);
    const { device, rec } = await link.attach(live);
    device.setSlot(0);
    device.setPrompt("dusty vinyl snare");
    device.setParam("steps", 2);
    device.setParam("duration", 0.5);
    const ready = link.waitFor("/shot/ready", (a) => a[0] === 0);
    device.render();
    const item = await ready;
    assert.equal(item.result.result.loaded, false);
    assert.equal(rec.last("path"), item.args[1]);
    assert.match(rec.last("error"), /Live 12\.1\.0 cannot load samples/);
    assert.deepEqual(live.deviceCalls(), []);
  });

  test("a loaded sound's file is taken: it stays through 20 re-renders of its slot", async () => {
    const live = new FakeLive({ version: [12, 4, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    const simpler = live.addSimpler(track);
    const { device } = await link.attach(live);
    device.setSlot(4);
    device.setPrompt("glassy bell pluck");
    device.setParam("steps", 2);
    device.setParam("duration", 0.3);
    const taken = link.waitFor("/shot/taken", (a) => a[0] === 4);
    device.render();
    const [, file] = (await taken).args;
    assert.equal(simpler.child.sample.props.file_path, file);
    let last = file;
    for (let i = 0; i < 20; i++) {  // another front end (or a script) re-renders the slot
      const next = link.waitFor("/shot/ready", (a) => a[0] === 4 && a[1] !== last);
      link.device = null;  // nobody loads these
      link.send(logic.renderMessage(4));
      last = (await next).args[1];
    }
    await sleep(300);
    assert.ok(fs.existsSync(file), `the set's file ${file} was deleted`);
    // render files carry the daemon's own slot number (the bank's first slot + 4)
    const prefix = `${path.basename(file).split("-r")[0]}-`;
    const slotFiles = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(prefix));
    assert.deepEqual(slotFiles.sort(), [path.basename(file), path.basename(last)].sort(),
      "renders nobody took are deleted as they are superseded");
  });

  test("daemon errors reach the device in plain words", async () => {
    const live = new FakeLive();
    live.addThisDevice(live.addTrack());
    const { device, rec } = await link.attach(live);
    const error = link.waitFor("/shot/error", (a) => a[0] === "/shot/render");
    device.send(logic.renderMessage(9));  // slot 9 never had a prompt
    await error;
    assert.match(rec.last("error"), /^Render failed: /);
    const bad = link.waitFor("/shot/error", (a) => a[0] === "/shot/set");
    device.send(["/shot/set", 9, "steps", 0]);
    await bad;
    assert.match(rec.last("error"), /^A setting was refused: .*steps/);
  });
  test("two devices and the plugin's test program on one daemon: own banks, own replies", async () => {
    const other = new Wire(oscPort);
    await other.start();
    try {
      const liveA = new FakeLive({ version: [12, 4, 0] });
      const trackA = liveA.addTrack();
      liveA.addThisDevice(trackA);
      const simplerA = liveA.addSimpler(trackA);
      const liveB = new FakeLive({ version: [12, 4, 0] });
      const trackB = liveB.addTrack();
      liveB.addThisDevice(trackB);
      const simplerB = liveB.addSimpler(trackB);
      const a = await link.attach(liveA);
      const b = await other.attach(liveB);
      assert.notEqual(link.bank, other.bank);

      // The plugin's headless test program renders into its own bank meanwhile (built by
      // scripts/test.sh before these tests; without a build there is no third front end).
      let plugin = null;
      if (fs.existsSync(PLUGIN_TEST)) {
        const sine = path.join(root, "slots", "import", "sine440.wav");
        writeSine(sine);
        plugin = runProgram(PLUGIN_TEST, ["--port", String(oscPort), "--import-file", sine,
          "--timeout", "240"], 400000);
      }
      for (const [{ device }, prompt] of [[a, "glassy bell pluck"], [b, "fat 808 kick"]]) {
        device.setSlot(0);
        device.setPrompt(prompt);
        device.setParam("steps", 2);
        device.setParam("duration", 0.4);
      }
      const readyA = link.waitFor("/shot/ready", (x) => x[0] === 0);
      const readyB = other.waitFor("/shot/ready", (x) => x[0] === 0);
      assert.equal(a.device.render(), true);
      assert.equal(b.device.render(), true);
      const [fileA, fileB] = [(await readyA).args[1], (await readyB).args[1]];
      assert.notEqual(fileA, fileB);
      assert.equal(simplerA.child.sample.props.file_path, fileA);
      assert.equal(simplerB.child.sample.props.file_path, fileB);
      // Each socket heard only its own device's renders.
      const readies = (wire) => wire.seen.filter((i) => i.address === "/shot/ready").map((i) => i.args[1]);
      assert.deepEqual(readies(link), [fileA]);
      assert.deepEqual(readies(other), [fileB]);
      if (plugin) {
        const result = await plugin;
        assert.equal(result.code, 0, `plugin test program failed:\n${result.out.slice(-3000)}`);
      }
      // Nobody's render replaced another's: both sounds are still there and still theirs.
      assert.ok(fs.existsSync(fileA) && fs.existsSync(fileB));
      const slotA = link.waitFor("/shot/slot");
      link.send(["/shot/get", 0]);
      assert.equal((await slotA).args[2], "glassy bell pluck");
      const slotB = other.waitFor("/shot/slot");
      other.send(["/shot/get", 0]);
      assert.equal((await slotB).args[2], "fat 808 kick");
    } finally {
      other.close();
    }
  });

  test("a duplicated track's device gets a copy of the bank; the original is untouched", async () => {
    const copy = new Wire(oscPort);
    await copy.start();
    try {
      link.send(logic.pingMessage());  // the original is alive (in its bank)
      await link.waitFor("/shot/pong");
      const live = new FakeLive({ version: [12, 4, 0] });
      live.addThisDevice(live.addTrack());
      const { rec } = await copy.attach(live, { bank: link.bank });  // the copied set's name
      assert.equal(copy.bank, `${link.bank}-2`);
      assert.equal(rec.last("bank"), copy.bank);  // stored with the set from now on
      const got = copy.waitFor("/shot/slot");
      copy.send(["/shot/get", 0]);
      const args = (await got).args;
      assert.equal(args[2], "glassy bell pluck");  // the original's prompt ...
      const mine = link.waitFor("/shot/slot");
      link.send(["/shot/get", 0]);
      const original = (await mine).args;
      assert.notEqual(args[12], original[12]);  // ... in a file of its own
      assert.ok(fs.existsSync(args[12]) && fs.existsSync(original[12]));
    } finally {
      copy.close();
    }
  });
  test("the kit menu lists the daemon's kits; choosing one fills the Drum Rack's pads", async () => {
    const live = new FakeLive({ version: [12, 4, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    const rack = live.addDrumRack(track);
    const listed = link.waitFor("/shot/preset/list", (a) => a[0] + 1 === a[1]);  // the last page
    const { device, rec } = await link.attach(live);
    await listed;
    const kits = rec.last("kits");
    assert.ok(kits.includes("lofi-keys") && kits.includes("808-kit"), JSON.stringify(kits));
    // Every pad's render arrives, and the daemon confirms it keeps each file the set now uses.
    const slots = [];
    const taken = [];
    const all = new Promise((resolve) => {
      link.waiters.push((item) => {
        if (item.address === "/shot/ready") slots.push(item.args[0]);
        if (item.address === "/shot/taken") taken.push(item.args[0]);
        const done = slots.length === 8 && taken.length === 8;
        if (done) resolve();
        return done;
      });
    });
    const loaded = link.waitFor("/shot/preset/loaded");
    assert.equal(device.loadKit("lofi-keys"), true);
    assert.deepEqual((await loaded).args, ["lofi-keys", 8]);
    await all;
    for (const slot of slots) {
      const chains = live.padChains(rack, logic.padNoteForSlot(slot));
      assert.equal(chains.length, 1, `pad ${logic.padNoteForSlot(slot)}`);
      assert.ok(fs.existsSync(chains[0].children.devices[0].child.sample.props.file_path));
    }
    assert.deepEqual([...taken].sort(), [...slots].sort());
    assert.equal(rec.last("pads").filter((v) => v === 1).length, 8);
    assert.deepEqual(live.errors, []);
  });

  test("Vary, Restyle and Morph: new sounds from the bank's own, loaded as renders are", async () => {
    const live = new FakeLive({ version: [12, 4, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    const rack = live.addDrumRack(track);
    const { device, rec } = await link.attach(live);
    device.setParam("steps", 2);
    device.setParam("duration", 0.4);
    const rendered = [];
    for (const [slot, prompt] of [[8, "glassy bell pluck"], [9, "fat 808 kick"]]) {
      device.setSlot(slot);
      device.setPrompt(prompt);
      const ready = link.waitFor("/shot/ready", (a) => a[0] === slot);
      assert.equal(device.render(), true);
      rendered.push((await ready).args[1]);
    }
    const padFile = (slot) => live.padChains(rack, logic.padNoteForSlot(slot))[0]
      .children.devices[0].child.sample.props.file_path;
    // Vary the kick: a new file on its pad, a new seed.
    const varied = link.waitFor("/shot/ready", (a) => a[0] === 9 && a[1] !== rendered[1]);
    assert.equal(device.vary(), true);
    const v = (await varied).args;
    assert.ok(fs.existsSync(v[1]) && v[4] >= 0);
    assert.equal(padFile(9), v[1]);
    // Restyle it by the prompt box's words; the slot keeps its own prompt.
    device.setPrompt("darker, more reverb");
    const restyled = link.waitFor("/shot/ready", (a) => a[0] === 9 && a[1] !== v[1]);
    assert.equal(device.restyle(), true);
    const r = (await restyled).args;
    assert.equal(padFile(9), r[1]);
    const state = link.waitFor("/shot/slot", (a) => a[0] === 9);
    link.send(["/shot/get", 9]);
    assert.equal((await state).args[2], "fat 808 kick");
    // Morph the kick toward the bell into slot 10.
    device.setMorph("with", 8);
    device.setMorph("into", 10);
    device.setMorph("amount", 0.5);
    const morphed = link.waitFor("/shot/ready", (a) => a[0] === 10);
    assert.equal(device.morph(), true);
    const m = (await morphed).args;
    assert.equal(m[4], -1);  // a morph draws no seed
    assert.equal(padFile(10), m[1]);
    assert.equal(rec.last("pads")[10], 1);
    // A slot the bank has no sound in: the daemon says so, the pad settles back to empty.
    device.setSlot(12);
    const refused = link.waitFor("/shot/error", (a) => a[0] === "/shot/vary");
    assert.equal(device.vary(), true);
    await refused;
    assert.match(rec.last("error"), /^Vary failed: slot 12 has no sound to vary/);
    assert.equal(rec.last("pads")[12], 0);
    assert.deepEqual(live.errors, []);
  });

  // Last: it restarts the daemon.
  test("with a keep folder, the loaded sound lies in the set's folder: 20 re-renders and a restart later", async () => {
    const project = path.join(root, "My Song Project");
    const live = new FakeLive({ version: [12, 4, 0] });
    const track = live.addTrack();
    live.addThisDevice(track);
    const simpler = live.addSimpler(track);
    const { device } = await link.attach(live);
    assert.equal(device.setFolder(project), true);  // [pattr folder_store] at load
    device.setSlot(6);
    device.setPrompt("warm rhodes note");
    device.setParam("steps", 2);
    device.setParam("duration", 0.3);
    const kept = link.waitFor("/local/kept", (a) => a[0] === 6);
    assert.equal(device.render(), true);
    const [, copy, , source] = (await kept).args;
    assert.equal(path.dirname(copy), path.join(project, "Samples", "Shotcaller"));
    assert.equal(simpler.child.sample.props.file_path, copy);
    const bytes = fs.readFileSync(copy);
    assert.deepEqual(bytes, fs.readFileSync(source));
    assert.deepEqual(link.seen.filter((i) => i.address === "/shot/taken" && i.args[0] === 6), [],
      "nothing asked of the daemon");
    let last = source;
    for (let i = 0; i < 20; i++) {
      const next = link.waitFor("/shot/ready", (a) => a[0] === 6 && a[1] !== last);
      link.device = null;  // re-rendered elsewhere; nobody loads these
      link.send(logic.renderMessage(6));
      last = (await next).args[1];
    }
    await sleep(300);
    // The daemon deleted its own file (superseded, never taken); the set's copy is untouched.
    assert.equal(fs.existsSync(source), false, "the daemon's untaken render should be gone");
    await stopDaemon();
    await startDaemon();
    assert.ok(fs.existsSync(copy), `the set's file ${copy} was deleted`);
    assert.deepEqual(fs.readFileSync(copy), bytes);
    assert.equal(simpler.child.sample.props.file_path, copy);
  });
});
