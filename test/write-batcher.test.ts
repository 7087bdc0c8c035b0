import { LATER, WriteBatcher } from "../src/services/shared/write-batcher";

/** A write whose batches stay in flight until the test finishes them. */
function controlledWrite() {
  const batches: Array<{ items: readonly number[]; finish: () => void }> = [];
  const write = (items: readonly number[]) =>
    new Promise<Array<string | Error>>((resolve) => {
      batches.push({ items, finish: () => resolve(items.map((item) => (item < 0 ? new Error(`refused ${item}`) : `wrote ${item}`))) });
    });
  return { batches, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("WriteBatcher", () => {
  it("writes the calls made in one turn of the event loop as one batch", async () => {
    const { batches, write } = controlledWrite();
    const batcher = new WriteBatcher(write);

    const results = Promise.all([1, 2, 3].map((item) => batcher.write(item)));
    await turn();
    batches[0].finish();

    await expect(results).resolves.toEqual(["wrote 1", "wrote 2", "wrote 3"]);
    expect(batches.map((batch) => batch.items)).toEqual([[1, 2, 3]]);
  });

  it("holds calls while maxConcurrentBatches batches are in flight, then writes them together", async () => {
    const { batches, write } = controlledWrite();
    const batcher = new WriteBatcher(write, { maxConcurrentBatches: 1, stalledAfterMs: 60_000 });

    const first = batcher.write(1);
    await turn();
    const waiting = [2, 3].map((item) => batcher.write(item));
    await turn();
    await turn();
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);

    batches[0].finish();
    await expect(first).resolves.toBe("wrote 1");
    await turn();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3]]);
    batches[1].finish();
    await expect(Promise.all(waiting)).resolves.toEqual(["wrote 2", "wrote 3"]);
  });

  it("starts the next batch's write before it answers the callers of the batch that finished", async () => {
    const events: string[] = [];
    const batches: Array<{ items: readonly number[]; finish: () => void }> = [];
    // As a write through pg-pool does: its statement leaves on process.nextTick, when the pool hands over a connection.
    const write = (items: readonly number[]) =>
      new Promise<string[]>((resolve) => {
        process.nextTick(() => {
          events.push(`write ${items.join(",")}`);
          batches.push({ items, finish: () => resolve(items.map((item) => `wrote ${item}`)) });
        });
      });
    const batcher = new WriteBatcher(write, { maxConcurrentBatches: 1, stalledAfterMs: 60_000 });

    const first = batcher.write(1).then(() => events.push("answered 1"));
    await turn();
    const second = batcher.write(2).then(() => events.push("answered 2"));
    await turn();
    batches[0].finish();
    await first;
    expect(events).toEqual(["write 1", "write 2", "answered 1"]);
    batches[1].finish();
    await second;
  });

  it("writes a batch that waited stalledAfterMs for a slot anyway, but only one beyond the limit", async () => {
    const { batches, write } = controlledWrite();
    const batcher = new WriteBatcher(write, { maxConcurrentBatches: 1, stalledAfterMs: 30 });

    void batcher.write(1); // its batch never finishes: held by a lock, say
    await turn();
    const started = Date.now();
    const waiting = batcher.write(2);
    await turn();
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);

    while (batches.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(batches[1].items).toEqual([2]);

    // One batch beyond the limit at most: with both held up, the next waits for a slot.
    const third = batcher.write(3);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(batches).toHaveLength(2);
    batches[1].finish();
    await expect(waiting).resolves.toBe("wrote 2");
    while (batches.length < 3) await turn();
    expect(batches[2].items).toEqual([3]);
    batches[2].finish();
    await expect(third).resolves.toBe("wrote 3");
  });

  it("splits a batch at maxBatchSize, oldest calls first", async () => {
    const { batches, write } = controlledWrite();
    const batcher = new WriteBatcher(write, { maxBatchSize: 2, maxConcurrentBatches: 5 });

    const results = Promise.all([1, 2, 3, 4, 5].map((item) => batcher.write(item)));
    while (batches.length < 3) await turn();
    for (const batch of batches) batch.finish();

    await expect(results).resolves.toEqual(["wrote 1", "wrote 2", "wrote 3", "wrote 4", "wrote 5"]);
    expect(batches.map((batch) => batch.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("writes a call its write leaves for later in the next batch, ahead of the calls that came after it", async () => {
    const batches: Array<readonly number[]> = [];
    // Leaves every even item of a batch's first write for later.
    const write = async (items: readonly number[]) => {
      batches.push(items);
      await turn();
      return items.map((item) => (batches.length === 1 && item % 2 === 0 ? LATER : `wrote ${item}`));
    };
    const batcher = new WriteBatcher(write, { maxConcurrentBatches: 1, stalledAfterMs: 60_000 });

    const early = [1, 2, 3, 4].map((item) => batcher.write(item));
    await Promise.resolve();
    await turn();
    const late = [5, 6].map((item) => batcher.write(item));

    await expect(Promise.all([...early, ...late])).resolves.toEqual(["wrote 1", "wrote 2", "wrote 3", "wrote 4", "wrote 5", "wrote 6"]);
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [2, 4, 5, 6],
    ]);
  });

  it("settles each call with its own result or its own error", async () => {
    const { batches, write } = controlledWrite();
    const batcher = new WriteBatcher(write);

    const results = Promise.allSettled([1, -2, 3].map((item) => batcher.write(item)));
    await turn();
    batches[0].finish();

    expect(await results).toEqual([
      { status: "fulfilled", value: "wrote 1" },
      { status: "rejected", reason: new Error("refused -2") },
      { status: "fulfilled", value: "wrote 3" },
    ]);
  });

  it("fails every call of a batch whose write throws", async () => {
    const batcher = new WriteBatcher<number, string>(async () => {
      throw new Error("database gone");
    });

    const results = await Promise.allSettled([1, 2].map((item) => batcher.write(item)));

    expect(results).toEqual([1, 2].map(() => ({ status: "rejected", reason: new Error("database gone") })));
  });
});
