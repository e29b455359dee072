// Bundles the field app's modules and vendor packages into static/dist (no CDN at run time).
import { build } from "esbuild";
import { readdirSync, existsSync } from "node:fs";

const entries = existsSync("static/js")
  ? readdirSync("static/js").filter((f) => f.endsWith(".entry.js")).map((f) => `static/js/${f}`)
  : [];

if (entries.length) {
  await build({
    entryPoints: entries,
    bundle: true,
    format: "esm",
    minify: true,
    sourcemap: false,
    target: ["chrome100", "safari15"],
    outdir: "static/dist",
    entryNames: "[name]",
    logLevel: "warning",
  });
}
