"use strict";
// [node.script shotcaller_net.js @autostart 1] in Shotcaller.maxpat: the device's own UDP socket.
//
// Each device instance binds one socket to an ephemeral port on 127.0.0.1 and sends from it, so
// the daemon's replies (sent to the requester's address) come back to this instance only: no
// --reply-port, no fixed [udpreceive] port that a second device could not bind. Every command
// goes out in an OSC bundle headed by "/shot/bank NAME", so its slot numbers are the device's
// own bank's (bridge/OSC.md, "Banks"). Node for Max runs this file; Node's test runner drives
// the Net class directly (max_for_live/tests/net.test.js).
//
// In (from [js shotcaller_max.js] through [prepend send], and the port box):
//   send /shot/... args   an OSC command (sent alone when it is /shot/bank/open or close, or
//                         while no bank is set yet; else in a bundle after /shot/bank NAME)
//   send bank NAME        the bank the device uses from now on
//   port N                the daemon's UDP port (host 127.0.0.1)
// Out: every reply as "/shot/... args" (for [js shotcaller_max.js]); a socket failure as
//   "/shot/error udp MESSAGE".

const dgram = require("dgram");
const osc = require("./osc_codec.js");

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_PORT = 9000;  // `shotcaller serve` default --osc-port
// Sent on their own: they say which bank to use, rather than speak inside one.
const UNBANKED = new Set(["/shot/bank/open", "/shot/bank/close"]);

class Net {
  // emit(address, args): hand a reply (or a local error) to the device.
  constructor(emit, { host = DEFAULT_HOST, port = DEFAULT_PORT } = {}) {
    this.emit = emit;
    this.host = host;
    this.port = port;
    this.bank = null;
    this.socket = null;
    this.sent = 0;
  }

  // Bind the socket (an ephemeral port on the loopback interface); resolves with the port.
  start() {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket("udp4");
      sock.once("error", reject);
      sock.bind(0, DEFAULT_HOST, () => {
        sock.removeListener("error", reject);
        sock.on("error", (e) => this.emit("/shot/error", ["udp", String(e.message || e)]));
        sock.on("message", (buf) => this.receive(buf));
        this.socket = sock;
        resolve(sock.address().port);
      });
    });
  }

  close() {
    if (this.socket) {
      this.socket.close();
      this.socket = null;
    }
  }

  receive(buf) {
    let messages;
    try {
      messages = osc.decode(buf);
    } catch (e) {
      this.emit("/shot/error", ["udp", `unreadable reply (${buf.length} bytes): ${e.message}`]);
      return;
    }
    for (const { address, args } of messages) this.emit(address, args);
  }

  setPort(port) {
    const p = Math.round(Number(port));
    if (!(p >= 1 && p <= 65535)) {
      this.emit("/shot/error", ["udp", `daemon port ${port} is not 1-65535`]);
      return;
    }
    this.port = p;
  }

  // One "send ..." message from the device: a control word or an OSC command.
  handle(items) {
    const [first, ...rest] = items;
    if (first === "bank") {
      this.bank = rest.length ? String(rest[0]) : null;
      return null;
    }
    if (typeof first !== "string" || first.charAt(0) !== "/") {
      this.emit("/shot/error", ["udp", `not an OSC address: ${first}`]);
      return null;
    }
    return this.send(first, rest);
  }

  // The datagram for `address args`: in a bundle after /shot/bank when the device has a bank.
  datagram(address, args) {
    const message = osc.encode(address, args);
    if (!this.bank || UNBANKED.has(address)) return message;
    return osc.bundle([osc.encode("/shot/bank", [this.bank]), message]);
  }

  send(address, args) {
    if (!this.socket) {
      this.emit("/shot/error", ["udp", "the socket is not open yet"]);
      return null;
    }
    let data;
    try {
      data = this.datagram(address, args);
    } catch (e) {
      this.emit("/shot/error", [address, String(e.message || e)]);
      return null;
    }
    this.socket.send(data, this.port, this.host);
    this.sent += 1;
    return data;
  }
}

module.exports = { Net, DEFAULT_PORT, UNBANKED };

if (require.main === module) {
  // Run by [node.script]: "max-api" exists only inside Max.
  const maxAPI = require("max-api");
  const net = new Net((address, args) => maxAPI.outlet(address, ...args));
  net.start().then(
    (port) => maxAPI.post(`Shotcaller: UDP socket on 127.0.0.1:${port}`),
    (e) => maxAPI.outlet("/shot/error", "udp", `cannot open a UDP socket: ${e.message}`));
  maxAPI.addHandler("send", (...items) => net.handle(items));
  maxAPI.addHandler("port", (port) => net.setPort(port));
}
