// PostGraphile 5 declares Node >= 22 for Promise.withResolvers (ES2024); Node 20 lacks only that.
const promise = Promise as unknown as { withResolvers?: () => { promise: Promise<unknown>; resolve: unknown; reject: unknown } };
promise.withResolvers ??= () => {
  let resolve: unknown, reject: unknown;
  const created = new Promise((res, rej) => ((resolve = res), (reject = rej)));
  return { promise: created, resolve, reject };
};

import http from "node:http";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

/*
 * A read peer of `npm run bench`: PostGraphile 5 (amber preset, grafserv on node:http) over
 * Parley's schema (`public`), answering its own schema's form of the two reads (see
 * bench/read-queries.ts). It has no API-key auth — tenancy is only the query's
 * `condition: { accountId }` — which favours it: Parley and the yoga peer look the key up (cached).
 * Production-like: no GraphiQL, no explain, no watch, errors masked.
 *   DATABASE_URL=… PORT=… ts-node bench/peers/postgraphile-server.ts
 */
const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ["public"], poolConfig: { max: 10 } })],
  grafserv: { graphiql: false, watch: false, websockets: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const server = http.createServer();
pgl
  .createServ(grafserv)
  .addTo(server)
  .then(
    () => server.listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("postgraphile listening\n")),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
process.on("SIGTERM", () => server.close(() => void Promise.resolve(pgl.release()).then(() => process.exit(0))));
