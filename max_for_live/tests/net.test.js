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
