"use strict";
// Minimal OSC 1.0 encoder/decoder for the device's socket (shotcaller_net.js) and the tests.
// encode() types arguments the way Max's [udpsend] does (an integral number -> i, any other
// number -> f, a string -> s: Max hands Node an integral float as an integer, and the daemon
// takes an integral number where either is expected); bundle() wraps messages in an immediate
// bundle; decode() returns each message's address and flat argument list, bundles flattened.

function pad4(n) {
  return (4 - (n % 4)) % 4;
}

function oscString(s) {
  const bytes = Buffer.from(String(s), "utf8");
  return Buffer.concat([bytes, Buffer.alloc(1 + pad4(bytes.length + 1))]);
}

function typeOf(value) {
  if (typeof value === "string") return "s";
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return "i";
  if (typeof value === "number") return "f";
  throw new TypeError(`cannot encode ${typeof value} ${value}`);
}

function encode(address, args = []) {
  let tags = ",";
  const parts = [];
  for (const value of args) {
    const t = typeOf(value);
    tags += t;
    if (t === "s") {
      parts.push(oscString(value));
    } else {
      const b = Buffer.alloc(4);
      if (t === "i") b.writeInt32BE(value);
      else b.writeFloatBE(value);
      parts.push(b);
    }
  }
  return Buffer.concat([oscString(address), oscString(tags), ...parts]);
}

function readString(buf, offset) {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new RangeError("unterminated OSC string");
  const s = buf.toString("utf8", offset, end);
  const next = end + 1 + pad4(end + 1 - offset);
  return [s, next];
}

function decodeMessage(buf) {
  let [address, offset] = readString(buf, 0);
  let tags = ",";
  if (offset < buf.length) [tags, offset] = readString(buf, offset);
  if (tags[0] !== ",") throw new RangeError(`bad type tags '${tags}'`);
  const args = [];
  for (const t of tags.slice(1)) {
    if (t === "i") { args.push(buf.readInt32BE(offset)); offset += 4; }
    else if (t === "f") { args.push(buf.readFloatBE(offset)); offset += 4; }
    else if (t === "d") { args.push(buf.readDoubleBE(offset)); offset += 8; }
    else if (t === "h") { args.push(Number(buf.readBigInt64BE(offset))); offset += 8; }
    else if (t === "s" || t === "S") { let s; [s, offset] = readString(buf, offset); args.push(s); }
    else if (t === "T") args.push(1);
    else if (t === "F") args.push(0);
    else if (t === "N") args.push(null);
    else throw new RangeError(`unsupported OSC type '${t}'`);
  }
  return { address, args };
}

// Encoded messages -> one bundle to be executed at once (time tag 1, "immediately").
function bundle(messages) {
  const head = Buffer.alloc(16);
  head.write("#bundle\0", 0, "ascii");
  head.writeUInt32BE(0, 8);
  head.writeUInt32BE(1, 12);
  const parts = [head];
  for (const m of messages) {
    const size = Buffer.alloc(4);
    size.writeInt32BE(m.length);
    parts.push(size, m);
  }
  return Buffer.concat(parts);
}

// A packet -> a list of messages (bundles flattened, in order).
function decode(buf) {
  if (buf.length >= 8 && buf.toString("ascii", 0, 8) === "#bundle\0") {
    const out = [];
    let offset = 16;
    while (offset + 4 <= buf.length) {
      const size = buf.readInt32BE(offset);
      out.push(...decode(buf.subarray(offset + 4, offset + 4 + size)));
      offset += 4 + size;
    }
    return out;
  }
  return [decodeMessage(buf)];
}

module.exports = { encode, bundle, decode };
