import { types } from "pg";
import { parseTimestamptz } from "../src/database/timestamptz";

const pgParser = types.getTypeParser(types.builtins.TIMESTAMPTZ, "text") as (text: string) => Date | number;
const time = (value: Date | number) => (value instanceof Date ? value.getTime() : value);

describe("parseTimestamptz", () => {
  it("reads every fraction length of a UTC timestamp to the same instant as pg's own parser", () => {
    for (let fraction = 0; fraction < 1_000_000; fraction += 997) {
      const digits = String(fraction).padStart(6, "0");
      for (let length = 0; length <= 6; length++) {
        const text = `2026-11-30 17:14:39${length === 0 ? "" : `.${digits.slice(0, length)}`}+00`;
        expect(time(parseTimestamptz(text))).toBe(time(pgParser(text)));
      }
    }
  });

  it.each([
    "2026-11-30 17:14:39+01",
    "2026-11-30 17:14:39.5-08",
    "2026-11-30 17:14:39.123+05:30",
    "0099-01-01 00:00:00+00",
    "0999-12-31 23:59:59.999+00",
    "2026-01-01 00:00:00+00 BC",
    "12026-01-01 00:00:00+00",
    "infinity",
    "-infinity",
    "1970-01-01 00:00:00+00",
    "2000-02-29 23:59:59.999999+00",
  ])("reads %s as pg's own parser does", (text) => {
    expect(time(parseTimestamptz(text))).toBe(time(pgParser(text)));
  });
});
