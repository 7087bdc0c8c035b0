import fs from "node:fs";
import path from "node:path";
import "reflect-metadata";
import { printOpenApiDocument } from "../src/http/rest/openapi";
import { REST_ROUTES } from "../src/http/rest/rest-routes";

const file = path.resolve(__dirname, "..", "openapi.json");
fs.writeFileSync(file, printOpenApiDocument(REST_ROUTES));
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
