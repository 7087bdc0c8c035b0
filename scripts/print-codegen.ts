import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import config from "../codegen";

/**
 * Prints what `npm run codegen` would write, as JSON [{ filename, content }], without writing.
 * (The codegen CLI is partly ESM, which Node loads but jest cannot: the freshness test runs this.)
 */
async function main(): Promise<void> {
  const outputs = await generate({ ...config, cwd: path.resolve(__dirname, ".."), silent: true }, false);
  const files = (outputs as Array<{ filename: string; content: string }>).map(({ filename, content }) => ({ filename, content }));
  process.stdout.write(JSON.stringify(files));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
