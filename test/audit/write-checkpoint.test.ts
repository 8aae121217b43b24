// While serving, checkpoints are written on a timer: one write at a time however slow it is, a
// failure reported and the next tick tried again, and stopping waits for the write under way.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startCheckpointTimer } from "../../src/audit/write-checkpoint.ts";

describe("the checkpoint timer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes-every-interval, one at a time, and stop waits for the one under way", async () => {
    let running = 0;
    let overlapping = false;
    let finish: () => void = () => {};
    let calls = 0;
    const write = () => {
      calls += 1;
      running += 1;
      if (running > 1) overlapping = true;
      return new Promise<void>((resolve) => {
        finish = () => {
          running -= 1;
          resolve();
        };
      });
    };
    const timer = startCheckpointTimer(write, () => {}, 60_000);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1);
    // Still writing: the next ticks are skipped.
    await vi.advanceTimersByTimeAsync(180_000);
    expect(calls).toBe(1);
    let stopped = false;
    const stopping = timer.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(calls).toBe(1);
    expect(overlapping).toBe(false);
  });

  it("a-failed-write-is-reported and the next tick tries again", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const timer = startCheckpointTimer(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error("database gone");
      },
      (error) => errors.push(error),
      1_000,
    );
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(2);
    expect(errors).toEqual([new Error("database gone")]);
    await timer.stop();
  });
});
