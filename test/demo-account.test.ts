import { loadConfig } from "../src/config";
import { demoAccountWanted } from "../src/demo-account";

describe("the demo account npm start offers", () => {
  it("is offered on a development machine's embedded database only, never in production or on DATABASE_URL", () => {
    expect(demoAccountWanted(loadConfig({}))).toBe(true);
    expect(demoAccountWanted(loadConfig({ NODE_ENV: "production" }))).toBe(false);
    expect(demoAccountWanted(loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/parley" }))).toBe(false);
  });
});
