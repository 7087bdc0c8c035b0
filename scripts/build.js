// `npm run build` (always) and `npm start`'s / `npm run worker`'s prestep (`--if-stale`): compiles
// src/ to dist/ with tsc, and records what it compiled (each input's path, size and mtime) in
// dist/.build-inputs.json. With --if-stale, a dist/ built from exactly the inputs there now is
// used as it is: no compiler started, so a second `npm start` starts at once.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const RECORD = path.join(ROOT, "dist", ".build-inputs.json");
/** What tsconfig.build.json compiles, and the settings it compiles with. */
const INPUTS = ["src", "ormconfig.ts", "tsconfig.json", "tsconfig.build.json"];

/** Every input file's [mtime, size], by path, in a stable order. */
function inputs() {
  const files = {};
  const visit = (relative) => {
    let stat;
    try {
      stat = fs.statSync(path.join(ROOT, relative));
    } catch {
      return;
    }
    if (stat.isDirectory()) for (const entry of fs.readdirSync(path.join(ROOT, relative)).sort()) visit(path.join(relative, entry));
    else files[relative] = [stat.mtimeMs, stat.size];
  };
  INPUTS.forEach(visit);
  return files;
}

function built() {
  try {
    return fs.readFileSync(RECORD, "utf8");
  } catch {
    return undefined;
  }
}

// Read before compiling: a file saved during the build makes the next start build again.
const now = JSON.stringify(inputs());
if (process.argv.includes("--if-stale") && built() === now && fs.existsSync(path.join(ROOT, "dist", "src", "main.js"))) process.exit(0);
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--noCheck"], {
  cwd: ROOT,
  stdio: "inherit",
});
fs.writeFileSync(RECORD, now);
