import { checkTimeoutConfig, mergeTimeoutOverrides, resolveTimeoutConfig, TimeoutConfigSource } from "../src/services/conversations/timeout-config";

const { CONVERSATION, NUMBER_CONFIG, NONE } = TimeoutConfigSource;

describe("resolveTimeoutConfig", () => {
  it("takes each value from the conversation override, else the number config, else none", () => {
    expect(resolveTimeoutConfig({ timeOut: 60, warningMessage: "hey" }, { timeOut: 120, warningTime: 30, warningMessage: "x" })).toEqual({
      timeOut: { value: 60, source: CONVERSATION },
      warningTime: { value: 30, source: NUMBER_CONFIG },
      timeoutMessage: { value: null, source: NONE },
      warningMessage: { value: "hey", source: CONVERSATION },
    });
  });
});

describe("mergeTimeoutOverrides", () => {
  it("replaces given values and keeps omitted ones", () => {
    expect(mergeTimeoutOverrides({ timeOut: 60, warningTime: 30 }, { timeOut: 90, warningTime: null, timeoutMessage: undefined })).toEqual({ timeOut: 90, warningTime: 30 });
  });
});

describe("checkTimeoutConfig", () => {
  const check = (overrides: object, number: object, given: object) => checkTimeoutConfig(resolveTimeoutConfig(overrides, number), given);

  it("accepts a warningTime below the effective timeOut", () => {
    expect(check({ timeOut: 60, warningTime: 59 }, {}, { warningTime: 59 })).toBeNull();
  });

  it("rejects a warningTime equal to the timeOut, naming both values and sources", () => {
    expect(check({ warningTime: 60 }, { timeOut: 60 }, { warningTime: 60 })).toEqual({
      code: "INVALID_TIMEOUT_CONFIG",
      field: "warningTime",
      message: "warningTime (60 s, conversation override) must be less than timeOut (60 s, agent number's smsConfig)",
    });
  });

  it("rejects a warningTime with no timeOut anywhere", () => {
    expect(check({ warningTime: 10 }, {}, { warningTime: 10 })?.message).toMatch(/needs a timeOut/);
  });

  it("blames timeOut when only the timeOut was given", () => {
    expect(check({ timeOut: 20 }, { warningTime: 30 }, { timeOut: 20 })?.field).toBe("timeOut");
  });

  it("does not re-judge stored settings when the request gives neither value", () => {
    expect(check({ timeOut: 20 }, { warningTime: 30 }, { timeoutMessage: "bye" })).toBeNull();
  });
});
