import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { buildSchema } from "graphql";
import { compiledExecutor } from "../../src/http/graphql/compiled-executor";

/*
 * Run with `node --trace-gc-nvp`: answers `{ __typename }` through Apollo as Parley configures it
 * (its gateway executor), ten at a time, and prints PROBE START / PROBE END around the measured
 * operations, so that the caller can sum what V8's scavenges promoted between them.
 */
async function main(): Promise<void> {
  const schema = buildSchema("type Query { ok: Boolean }");
  const apollo = new ApolloServer({ gateway: compiledExecutor(schema), plugins: [ApolloServerPluginCacheControlDisabled()] });
  await apollo.start();
  const answer = () =>
    apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: "POST",
        headers: new HeaderMap([["content-type", "application/json"]]),
        search: "",
        body: { query: "{ __typename }" },
      },
      context: async () => ({}),
    });
  const run = async (operations: number) => {
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let i = 0; i < operations / 10; i++) await answer();
      }),
    );
  };
  await run(Number(process.env.WARM_UP ?? 20_000));
  process.stdout.write("PROBE START\n");
  await run(Number(process.env.OPERATIONS ?? 100_000));
  process.stdout.write("PROBE END\n");
  await apollo.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
