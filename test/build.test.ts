import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

describe("npm run build", () => {
  it("compiles what npm start and npm run worker run, with the migrations they apply", () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-build-"));
    try {
      execFileSync(
        process.execPath,
        [
          require.resolve("typescript/bin/tsc"),
          "-p",
          "tsconfig.build.json",
          "--noCheck",
          "--outDir",
          outDir,
          "--tsBuildInfoFile",
          path.join(outDir, ".tsbuildinfo"),
        ],
        { cwd: ROOT, stdio: "pipe" },
      );
      const start = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.start as string;
      // The compiled entry point, run with the heap limit of docs/decisions/0012.
      expect(start).toBe("node --max-old-space-size=512 dist/src/main.js");
      for (const entry of ["src/main.js", "src/worker-main.js", "src/migrations/index.js"]) {
        expect(fs.existsSync(path.join(outDir, entry))).toBe(true);
        execFileSync(process.execPath, ["--check", path.join(outDir, entry)]);
      }
      const migrations = fs.readdirSync(path.join(ROOT, "src/migrations")).filter((file) => /^\d+-.+\.ts$/.test(file));
      for (const file of migrations) expect(fs.existsSync(path.join(outDir, "src/migrations", file.replace(/\.ts$/, ".js")))).toBe(true);
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });
});
