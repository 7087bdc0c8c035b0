import fs from "node:fs";
import path from "node:path";
import { buildParleySchema, printParleySchema } from "../src/resolvers/schema";

async function main(): Promise<void> {
  const file = path.resolve(__dirname, "..", "schema.graphql");
  fs.writeFileSync(file, printParleySchema(await buildParleySchema()));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
