// The field app's module graph: every import among static/js/*.js (static and dynamic), the
// circles in it, and the modules over the size limit. Prints one JSON object:
//   {"modules": {"a.js": {"lines": 120, "imports": ["b.js"]}}, "cycles": [["a.js", "b.js", "a.js"]], "too_long": {"c.js": 512}}
// Run it from the project root: `node tests/support/js_modules.mjs` (tests/unit/test_js_modules.py does).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = "static/js";
const MAX_LINES = 400;
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["'](\.\/[^"']+)["']|import\(\s*["'](\.\/[^"']+)["']\s*\)|^\s*import\s*["'](\.\/[^"']+)["']/gm;

const modules = {};
for (const name of readdirSync(DIR).filter((f) => f.endsWith(".js")).sort()) {
  const text = readFileSync(join(DIR, name), "utf8");
  const imports = new Set();
  for (const match of text.matchAll(IMPORT)) {
    const target = (match[1] || match[2] || match[3]).slice(2);
    if (target.endsWith(".js")) imports.add(target);
  }
  modules[name] = { lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0), imports: [...imports].sort() };
}

// Depth-first search; a back edge to a module on the current path closes a circle.
const cycles = [];
const state = {};
const path = [];
function visit(name) {
  state[name] = "open";
  path.push(name);
  for (const next of modules[name]?.imports || []) {
    if (!modules[next]) continue;
    if (state[next] === "open") cycles.push([...path.slice(path.indexOf(next)), next]);
    else if (!state[next]) visit(next);
  }
  path.pop();
  state[name] = "done";
}
for (const name of Object.keys(modules)) if (!state[name]) visit(name);

const tooLong = Object.fromEntries(Object.entries(modules).filter(([, m]) => m.lines > MAX_LINES).map(([n, m]) => [n, m.lines]));
const missing = Object.entries(modules).flatMap(([n, m]) => m.imports.filter((i) => !modules[i]).map((i) => `${n} -> ${i}`));
console.log(JSON.stringify({ modules, cycles, too_long: tooLong, missing }));
