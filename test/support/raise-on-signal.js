// Preloaded (node --require) into a real Parley process by test/process-guards.test.ts: on
// SIGUSR2 it raises an unhandled rejection and an uncaught exception, as a bug in any callback
// would. Their messages hold a phone number, which must not reach the log.
process.on("SIGUSR2", () => {
  Promise.reject(new Error("rejected while handling +15550001111"));
  setTimeout(() => {
    throw new TypeError("thrown while handling +15550002222");
  }, 0);
});
