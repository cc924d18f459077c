/**
 * `pokeNow` as webhooks use it: an event may arrive while that job's scheduled check is running
 * (it may have read the upstream just before the news). The job is then checked once more right
 * after, and never twice at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PollLoop } from '../../src/engine/poll-loop.ts';
import { waitFor } from './engine-harness.ts';

const HOUR = 3_600_000;

interface Gate {
  calls: string[];
  running: number;
  maxRunning: number;
  /** Finish the oldest running check with this delay (undefined: stop following). */
  release(delay: number | undefined): void;
}

function gatedLoop(): { loop: PollLoop; gate: Gate } {
  const waiting: Array<(d: number | undefined) => void> = [];
  const gate: Gate = {
    calls: [],
    running: 0,
    maxRunning: 0,
    release: (d) => waiting.shift()?.(d),
  };
  const loop = new PollLoop({
    maxConcurrent: 4,
    now: Date.now,
    check: (jobId) => {
      gate.calls.push(jobId);
      gate.running += 1;
      gate.maxRunning = Math.max(gate.maxRunning, gate.running);
      return new Promise((resolve) =>
        waiting.push((d) => {
          gate.running -= 1;
          resolve(d);
        }),
      );
    },
  });
  return { loop, gate };
}

let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('PollLoop.pokeNow', () => {
  it('a poke while the job is being checked: one more check right after, never two at once', async () => {
    const { loop, gate } = gatedLoop();
    stop = () => loop.stop();
    loop.schedule('job1', Date.now());
    await waitFor(() => gate.calls.length === 1, 'the scheduled check');
    loop.pokeNow('job1');
    loop.pokeNow('job1');
    expect(gate.running).toBe(1);
    gate.release(HOUR); // the check asked for the next one in an hour
    await waitFor(() => gate.calls.length === 2, 'the check the poke asked for');
    gate.release(HOUR);
    expect(gate.maxRunning).toBe(1);
    expect(loop.has('job1')).toBe(true);
  });

  it('a poke while the final check runs (job done) asks for nothing more', async () => {
    const { loop, gate } = gatedLoop();
    stop = () => loop.stop();
    loop.schedule('job1', Date.now());
    await waitFor(() => gate.calls.length === 1, 'the scheduled check');
    loop.pokeNow('job1');
    gate.release(undefined);
    await waitFor(() => !loop.has('job1'), 'the job to be let go');
    expect(gate.calls).toEqual(['job1']);
  });

  it('a poke of a job removed during its check, or never followed, checks nothing', async () => {
    const { loop, gate } = gatedLoop();
    stop = () => loop.stop();
    loop.pokeNow('stranger');
    loop.schedule('job1', Date.now());
    await waitFor(() => gate.calls.length === 1, 'the scheduled check');
    loop.remove('job1');
    loop.pokeNow('job1');
    gate.release(10);
    await waitFor(() => !loop.has('job1'), 'the job to be let go');
    expect(gate.calls).toEqual(['job1']);
  });

  it('a poke of a job waiting for its scheduled time checks it now', async () => {
    const { loop, gate } = gatedLoop();
    stop = () => loop.stop();
    loop.schedule('job1', Date.now() + HOUR);
    loop.pokeNow('job1');
    await waitFor(() => gate.calls.length === 1, 'the poked check');
    gate.release(undefined);
  });
});
