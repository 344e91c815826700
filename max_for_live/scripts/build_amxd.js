#!/usr/bin/env node
"use strict";
// Build an unfrozen Max for Live MIDI-effect device from the diffable sources:
//
//   node max_for_live/scripts/build_amxd.js [OUT_DIR]      (default: max_for_live/build)
//
// writes OUT_DIR/Shotcaller.amxd plus the JavaScript files it loads next to it (Max finds a
// device's files in the device's own folder): the [js] logic from src/, the [node.script]
// socket from node/. Container layout, all sizes little-endian uint32:
//
//   "ampf" 4 "mmmm"            header: format version 4, device type (mmmm MIDI effect,
//                              aaaa audio effect, iiii instrument)
//   "meta" 4 <4 bytes: 0>      meta chunk
//   "ptch" N <N bytes>         the patcher JSON, NUL-terminated (unfrozen device)
//
// Frozen devices (all files embedded, "mx@c" inside ptch) are made by Max itself: open the
// built device in Live's Max editor and press Freeze before sharing it (see README).

const fs = require("node:fs");
const path = require("node:path");

const HERE = path.resolve(__dirname, "..");
const PATCH = path.join(HERE, "Shotcaller.maxpat");
const JS_FILES = ["shotcaller_max.js", "shotcaller_live.js"];
const NODE_FILES = ["shotcaller_net.js", "osc_codec.js"];
const DEVICE_TYPES = { midi: "mmmm", audio: "aaaa", instrument: "iiii" };

function chunk(tag, payload) {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(payload.length);
  return Buffer.concat([Buffer.from(tag, "ascii"), size, payload]);
}

function amxdBytes(patchJson, deviceType = "midi") {
  const type = DEVICE_TYPES[deviceType];
  if (!type) throw new RangeError(`device type '${deviceType}' is not one of ${Object.keys(DEVICE_TYPES)}`);
  const version = Buffer.alloc(4);
  version.writeUInt32LE(4);
  const header = Buffer.concat([Buffer.from("ampf", "ascii"), version, Buffer.from(type, "ascii")]);
  const body = Buffer.concat([Buffer.from(patchJson, "utf8"), Buffer.from([0])]);
  return Buffer.concat([header, chunk("meta", Buffer.alloc(4)), chunk("ptch", body)]);
}

// Parse a container back: {version, deviceType, meta, patcher}. Throws on any inconsistency.
function parseAmxd(buf) {
  const fail = (why) => { throw new Error(`not an unfrozen .amxd: ${why}`); };
  if (buf.length < 32 || buf.toString("ascii", 0, 4) !== "ampf") fail("no 'ampf' magic");
  const version = buf.readUInt32LE(4);
  const deviceType = buf.toString("ascii", 8, 12);
  if (!Object.values(DEVICE_TYPES).includes(deviceType)) fail(`device type '${deviceType}'`);
  let offset = 12;
  const chunks = {};
  while (offset < buf.length) {
    if (offset + 8 > buf.length) fail(`truncated chunk header at ${offset}`);
    const tag = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (offset + 8 + size > buf.length) fail(`chunk '${tag}' runs past the end`);
    chunks[tag] = buf.subarray(offset + 8, offset + 8 + size);
    offset += 8 + size;
  }
  if (!chunks.meta || !chunks.ptch) fail(`chunks ${Object.keys(chunks)}`);
  const ptch = chunks.ptch;
  if (ptch.toString("ascii", 0, 4) === "mx@c") fail("frozen device (mx@c payload)");
  if (ptch[ptch.length - 1] !== 0) fail("patch JSON is not NUL-terminated");
  const patcher = JSON.parse(ptch.subarray(0, ptch.length - 1).toString("utf8"));
  return { version, deviceType, meta: chunks.meta, patcher };
}

function build(outDir = path.join(HERE, "build")) {
  const json = fs.readFileSync(PATCH, "utf8");
  JSON.parse(json);  // refuse to package a broken patch
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, "Shotcaller.amxd");
  fs.writeFileSync(target, amxdBytes(json, "midi"));
  for (const name of JS_FILES) {
    fs.copyFileSync(path.join(HERE, "src", name), path.join(outDir, name));
  }
  for (const name of NODE_FILES) {
    fs.copyFileSync(path.join(HERE, "node", name), path.join(outDir, name));
  }
  parseAmxd(fs.readFileSync(target));  // verify what was written
  return target;
}

module.exports = { amxdBytes, parseAmxd, build, JS_FILES, NODE_FILES };

if (require.main === module) {
  const target = build(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  process.stdout.write(`${target}\n`);
}
