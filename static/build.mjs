// Bundles the field app's modules and vendor packages into static/dist (no CDN at run time).
//
// Writes, into the output folder (static/dist unless DIST_DIR or --outdir says otherwise):
//   <entry>-<hash>.js       every static/js/*.entry.js, ES modules, lazily loaded chunks in chunks/
//   <page>-<hash>.js        every static/js/office/*.js: office pages' bundles, not precached
//   field-<hash>.css        static/css/field.css with the app.css it imports
//   app-<hash>.css          static/css/app.css alone, for the server-rendered pages (base.html)
//   sw.js                   the service worker (service_worker/sw.js) with its precache list and
//                           version baked in, so a change of any asset changes the worker's bytes
//   asset-manifest.json     logical name -> file name, the precache list and the version,
//                           read by webapp/pwa.py to render script/link tags and /sw.js
// BUILD_SALT (optional) is mixed into the bundles and the version: tests use it to make a "new
// release" without touching the source.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";

const argOut = process.argv.indexOf("--outdir");
const outdir = argOut > 0 ? process.argv[argOut + 1] : process.env.DIST_DIR || "static/dist";
const salt = process.env.BUILD_SALT || "";
const banner = salt ? `/* build ${salt} */` : "";

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const entries = existsSync("static/js")
  ? readdirSync("static/js").filter((f) => f.endsWith(".entry.js")).map((f) => `static/js/${f}`)
  : [];

const assets = {};
const files = [];

if (entries.length) {
  const result = await build({
    entryPoints: entries,
    bundle: true,
    format: "esm",
    splitting: true,
    minify: true,
    sourcemap: false,
    target: ["chrome100", "safari15"],
    outdir,
    entryNames: "[name]-[hash]",
    chunkNames: "chunks/[name]-[hash]",
    banner: { js: banner },
    // DB_VERSION_BUMP (tests only) opens IndexedDB at a higher version, as a next release would.
    define: { __DB_VERSION_BUMP__: String(Number(process.env.DB_VERSION_BUMP || 0)) },
    metafile: true,
    logLevel: "warning",
  });
  for (const [out, info] of Object.entries(result.metafile.outputs)) {
    const rel = relative(outdir, out);
    files.push(rel);
    if (info.entryPoint?.endsWith(".entry.js")) assets[basename(info.entryPoint).replace(".entry.js", ".js")] = rel;
  }
}

// Office-page bundles (static/js/office/*.js): each is loaded by one server-rendered page (the
// monthly report's charts bundle ECharts), never by the field app, so they stay out of the
// precache list and the version: a phone never downloads them.
const officeEntries = existsSync("static/js/office")
  ? readdirSync("static/js/office").filter((f) => f.endsWith(".js")).map((f) => `static/js/office/${f}`)
  : [];
if (officeEntries.length) {
  const result = await build({
    entryPoints: officeEntries,
    bundle: true,
    format: "esm",
    minify: true,
    target: ["chrome100", "safari15"],
    outdir,
    entryNames: "[name]-[hash]",
    banner: { js: banner },
    metafile: true,
    logLevel: "warning",
  });
  for (const [out, info] of Object.entries(result.metafile.outputs)) {
    if (info.entryPoint) assets[basename(info.entryPoint)] = relative(outdir, out);
  }
}

/** Bundle one style sheet under a hashed name; returns its file names inside the output folder. */
async function buildStyleSheet(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    outdir,
    entryNames: "[name]-[hash]",
    banner: { css: banner },
    metafile: true,
    logLevel: "warning",
  });
  return Object.keys(result.metafile.outputs).map((out) => relative(outdir, out));
}

if (existsSync("static/css/field.css")) {
  for (const rel of await buildStyleSheet("static/css/field.css")) {
    files.push(rel);
    assets["field.css"] = rel;
  }
}

// The office pages' style sheet under a hashed name, so it can be cached for good like the
// bundles; the field app has it inside field.css, so it stays out of the precache list.
if (existsSync("static/css/app.css")) {
  for (const rel of await buildStyleSheet("static/css/app.css")) assets["app.css"] = rel;
}

// The precache list: every bundle, the icons, and the server-rendered pages the worker needs offline.
const icons = readdirSync("static/icons").filter((f) => f.endsWith(".png")).sort();
const precache = [
  ...files.sort().map((f) => `/assets/${f}`),
  ...icons.map((f) => `/static/icons/${f}`),
];

// The version names the cache: a hash of everything the offline app is made of, so any change
// to an asset, a page template, a translation or the worker gives a new cache and a new worker.
const hash = createHash("sha256");
hash.update(salt);
for (const f of files.sort()) hash.update(f).update(readFileSync(join(outdir, f)));
for (const f of icons) hash.update(f).update(readFileSync(join("static/icons", f)));
const sources = [
  "service_worker/sw.js",
  "webapp/pwa.py",
  ...readdirSync("templates/pwa").map((f) => `templates/pwa/${f}`),
  "webapp/translations/zh/LC_MESSAGES/messages.po",
];
for (const f of sources.sort()) if (existsSync(f)) hash.update(f).update(readFileSync(f));
const version = hash.digest("hex").slice(0, 12);

await build({
  entryPoints: ["service_worker/sw.js"],
  bundle: true,
  format: "iife",
  minify: true,
  target: ["chrome100", "safari15"],
  outfile: join(outdir, "sw.js"),
  define: {
    __APP_VERSION__: JSON.stringify(version),
    __PRECACHE__: JSON.stringify(precache),
  },
  logLevel: "warning",
});

writeFileSync(
  join(outdir, "asset-manifest.json"),
  JSON.stringify({ version, assets, precache }, null, 2) + "\n",
);
console.log(`built ${files.length} files into ${outdir}, version ${version}`);
