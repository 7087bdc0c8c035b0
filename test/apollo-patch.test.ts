import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

/*
 * patches/@apollo+server+*.patch (applied by `npm install`, see docs/decisions/0016): Apollo's
 * per-request objects must die in the young generation. Unpatched, three object spreads
 * (`{ ...a, b }`) and one object literal with accessors per request gave each request's objects
 * a root in the old generation, and about 8 % of everything Apollo allocates was promoted.
 */
const PROBE = path.join(__dirname, "support/apollo-promotion-probe.ts");

/** Sums V8's `--trace-gc-nvp` lines of the scavenges between the probe's markers. */
function scavengesOf(output: string): { scavenges: number; allocated: number; promoted: number } {
  const lines = output.split("\n");
  const measured = lines.slice(lines.indexOf("PROBE START") + 1, lines.indexOf("PROBE END"));
  let scavenges = 0;
  let allocated = 0;
  let promoted = 0;
  for (const line of measured) {
    const fields = new Map(line.split(" ").map((pair) => pair.split("=") as [string, string]));
    if (fields.get("gc") !== "s") continue;
    scavenges++;
    allocated += Number(fields.get("allocated"));
    promoted += Number(fields.get("promoted"));
  }
  return { scavenges, allocated, promoted };
}

describe("Apollo Server as patched", () => {
  it("lets a request's objects die young: 100,000 operations promote under 0.5 % of what they allocate", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--trace-gc-nvp", "-r", "ts-node/register/transpile-only", PROBE], {
      cwd: path.join(__dirname, ".."),
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain("PROBE END");
    const { scavenges, allocated, promoted } = scavengesOf(stdout);
    // Enough young collections for a per-request leak to show (unpatched: ~8 % promoted).
    expect(scavenges).toBeGreaterThan(20);
    expect(promoted / allocated).toBeLessThan(0.005);
  }, 120_000);
});
