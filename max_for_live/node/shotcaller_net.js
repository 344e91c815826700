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
//   send keep SLOT FILE ROOT FOLDER
//                         copy a render into FOLDER/Samples/Shotcaller (the Live set's
//                         project folder, chosen in the device) before Simpler loads it;
//                         answered "/local/kept SLOT COPY ROOT FILE" or
//                         "/local/keep/failed SLOT FILE ROOT MESSAGE"
//   port N                the daemon's UDP port (host 127.0.0.1)
// Out: every reply as "/shot/... args" (for [js shotcaller_max.js]); a socket failure as
//   "/shot/error udp MESSAGE".

const crypto = require("crypto");
const dgram = require("dgram");
const fs = require("fs");
const path = require("path");
const osc = require("./osc_codec.js");

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_PORT = 9000;  // `shotcaller serve` default --osc-port
// Sent on their own: they say which bank to use, rather than speak inside one.
const UNBANKED = new Set(["/shot/bank/open", "/shot/bank/close"]);
// Where copies go inside the chosen folder: beside Live's own Samples/Imported and Recorded.
const KEEP_SUBFOLDER = path.join("Samples", "Shotcaller");

// Copy `file` into FOLDER/Samples/Shotcaller under its own name and the first 12 hex digits of
// its SHA-1, so a copy is never overwritten by a different sound (the daemon's file names
// start over with a new slot folder) and the same sound is copied once. Written to a
// temporary name and renamed: Live never sees half a file. Returns the copy's path.
function keepCopy(file, folder) {
  if (!path.isAbsolute(String(folder))) throw new Error(`'${folder}' is not an absolute folder`);
  const data = fs.readFileSync(file);
  const hash = crypto.createHash("sha1").update(data).digest("hex").slice(0, 12);
  const ext = path.extname(file) || ".wav";
  const dir = path.join(folder, KEEP_SUBFOLDER);
  const dest = path.join(dir, `${path.basename(file, ext)}-${hash}${ext}`);
  if (fs.existsSync(dest)) return dest;
  fs.mkdirSync(dir, { recursive: true });
  const part = `${dest}.part-${process.pid}`;
  try {
    fs.writeFileSync(part, data);
    fs.renameSync(part, dest);
  } finally {
    fs.rmSync(part, { force: true });
  }
  return dest;
}

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
    if (first === "keep") {
      this.keep(...rest);
      return null;
    }
    if (typeof first !== "string" || first.charAt(0) !== "/") {
      this.emit("/shot/error", ["udp", `not an OSC address: ${first}`]);
      return null;
    }
    return this.send(first, rest);
  }

  keep(slot, file, root, folder) {
    try {
      this.emit("/local/kept", [slot, keepCopy(String(file), String(folder)), root, String(file)]);
    } catch (e) {
      this.emit("/local/keep/failed", [slot, String(file), root, String(e.message || e)]);
    }
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

module.exports = { Net, DEFAULT_PORT, UNBANKED, KEEP_SUBFOLDER, keepCopy };

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
