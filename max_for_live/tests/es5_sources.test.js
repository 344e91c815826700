"use strict";
// The device's JavaScript must load in Max's classic [js] (SpiderMonkey, ES5) as well as [v8]:
// no ES2015+ syntax in src/, strict mode on, no Node-only APIs, no absolute paths.

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const SRC = path.join(__dirname, "..", "src");

for (const name of fs.readdirSync(SRC).filter((f) => f.endsWith(".js"))) {
  test(`src/${name} is ES5 for Max's [js]`, () => {
    const text = fs.readFileSync(path.join(SRC, name), "utf8");
    const code = text.replace(/\/\/.*$/gm, "").replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
    assert.ok(text.startsWith('"use strict";'), "starts with \"use strict\";");
    assert.doesNotMatch(code, /=>/, "arrow function");
    assert.doesNotMatch(code, /`/, "template literal");
    assert.doesNotMatch(code, /\b(let|const|class|async|await)\b/, "ES2015+ keyword");
    assert.doesNotMatch(code, /\.\.\.\w/, "spread/rest");
    assert.doesNotMatch(code, /\b(process|Buffer|__dirname|module\.exports)\b/, "Node-only API");
    assert.doesNotMatch(text, /[^\x00-\x7f]/, "non-ASCII character");
    assert.doesNotMatch(code, /"\/(Users|home|tmp)\//, "absolute path");
  });
}
