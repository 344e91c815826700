"use strict";
// node/shotcaller_net.js, the device's own socket, on real UDP sockets: a stand-in daemon socket
// records what arrives and answers like the daemon does (to the sender's address).

const test = require("node:test");
const assert = require("node:assert/strict");
const dgram = require("node:dgram");

const { Net } = require("../node/shotcaller_net.js");
const osc = require("../node/osc_codec.js");

function bindUdp() {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket("udp4");
    sock.once("error", reject);
    sock.bind(0, "127.0.0.1", () => resolve(sock));
  });
}

// The next datagram the stand-in daemon gets, raw and decoded, with its sender.
function nextDatagram(sock) {
  return new Promise((resolve) => sock.once("message", (buf, from) =>
    resolve({ buf, from, messages: osc.decode(buf) })));
}

async function pair(t) {
  const daemon = await bindUdp();
  const got = [];
  const net = new Net((address, args) => got.push([address, args]),
    { port: daemon.address().port });
  const localPort = await net.start();
  t.after(() => { net.close(); daemon.close(); });
  return { daemon, net, got, localPort };
}

test("commands go out alone until a bank is set, then in a bundle headed by /shot/bank", async (t) => {
  const { daemon, net, localPort } = await pair(t);
  let arrived = nextDatagram(daemon);
  net.handle(["/shot/ping"]);
  let d = await arrived;
  assert.equal(d.from.port, localPort);  // from the device's own socket
  assert.deepEqual(d.messages, [{ address: "/shot/ping", args: [] }]);

  net.handle(["bank", "live-0000beef"]);
  arrived = nextDatagram(daemon);
  net.handle(["/shot/prompt", 3, "dusty vinyl snare"]);
  d = await arrived;
  assert.equal(d.buf.toString("ascii", 0, 8), "#bundle\0");
  assert.deepEqual(d.messages, [{ address: "/shot/bank", args: ["live-0000beef"] },
    { address: "/shot/prompt", args: [3, "dusty vinyl snare"] }]);

  // Opening and closing a bank speak of no bank: sent alone.
  for (const address of ["/shot/bank/open", "/shot/bank/close"]) {
    arrived = nextDatagram(daemon);
    net.handle([address, "live-0000beef"]);
    d = await arrived;
    assert.deepEqual(d.messages, [{ address, args: ["live-0000beef"] }]);
  }
});

test("replies to the socket reach the device, a bundle's messages in order", async (t) => {
  const { daemon, net, got, localPort } = await pair(t);
  const done = new Promise((resolve) => { net.emit = (a, args) => { got.push([a, args]); if (got.length === 3) resolve(); }; });
  daemon.send(osc.encode("/shot/pong", ["0.1.0", "tiny", "ready"]), localPort, "127.0.0.1");
  daemon.send(osc.bundle([osc.encode("/shot/progress", [0, 0.5]),
    osc.encode("/shot/ready", [0, "/x/slot00-r000001.wav", -1.5, 1.25, 7])]), localPort, "127.0.0.1");
  await done;
  assert.deepEqual(got, [["/shot/pong", ["0.1.0", "tiny", "ready"]], ["/shot/progress", [0, 0.5]],
    ["/shot/ready", [0, "/x/slot00-r000001.wav", -1.5, 1.25, 7]]]);
});

test("bad input is reported as /shot/error, never thrown", async (t) => {
  const { net, got } = await pair(t);
  net.setPort(70000);
  net.handle([42, "x"]);
  net.receive(Buffer.from("garbage!"));
  assert.deepEqual(got.map(([a, args]) => [a, args[0]]), [["/shot/error", "udp"], ["/shot/error", "udp"],
    ["/shot/error", "udp"]]);
  assert.match(got[0][1][1], /daemon port 70000/);
  assert.match(got[1][1][1], /not an OSC address/);
  assert.match(got[2][1][1], /unreadable reply/);
});

test("keep copies a render into FOLDER/Samples/Shotcaller, once per sound, never over another", (t) => {
  const fs = require("node:fs");
  const os = require("node:os");
  const path = require("node:path");
  const { KEEP_SUBFOLDER } = require("../node/shotcaller_net.js");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shotcaller-keep-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const renders = path.join(dir, "slots", "renders");
  const project = path.join(dir, "My Song Project");
  fs.mkdirSync(renders, { recursive: true });
  const got = [];
  const net = new Net((address, args) => got.push([address, args]));
  const file = path.join(renders, "slot16-r000001.wav");
  fs.writeFileSync(file, Buffer.from("RIFF first sound"));
  net.handle(["keep", 0, file, 61.5, project]);
  const [address, [slot, copy, root, source]] = got.pop();
  assert.deepEqual([address, slot, root, source], ["/local/kept", 0, 61.5, file]);
  assert.equal(path.dirname(copy), path.join(project, KEEP_SUBFOLDER));
  assert.match(path.basename(copy), /^slot16-r000001-[0-9a-f]{12}\.wav$/);
  assert.equal(fs.readFileSync(copy, "utf8"), "RIFF first sound");
  // The same sound again: the same copy. A new slot folder reusing the name: a second file.
  net.handle(["keep", 0, file, 61.5, project]);
  assert.equal(got.pop()[1][1], copy);
  fs.writeFileSync(file, Buffer.from("RIFF another sound"));
  net.handle(["keep", 0, file, 61.5, project]);
  const other = got.pop()[1][1];
  assert.notEqual(other, copy);
  assert.equal(fs.readFileSync(copy, "utf8"), "RIFF first sound");
  assert.deepEqual(fs.readdirSync(path.dirname(copy)).sort(), [path.basename(copy), path.basename(other)].sort(),
    "no temporary file left behind");
  // Failures are answered, naming the file and why.
  net.handle(["keep", 1, path.join(renders, "missing.wav"), -1, project]);
  let failed = got.pop();
  assert.equal(failed[0], "/local/keep/failed");
  assert.deepEqual(failed[1].slice(0, 3), [1, path.join(renders, "missing.wav"), -1]);
  assert.match(failed[1][3], /ENOENT/);
  net.handle(["keep", 1, file, -1, "relative/folder"]);
  failed = got.pop();
  assert.match(failed[1][3], /not an absolute folder/);
});
