/**
 * SIGKILL at 25 seeded points early in the job lifecycle (while submits, queueing and the first
 * creates are under way), 5 bots per child process. `FAULT_SEED=<n>` replays a run.
 */
import { defineKillSuite } from './kill-suite.ts';

defineKillSuite({
  name: 'early in the lifecycle',
  defaultSeed: 7101,
  killWindow: [0, 450],
  covered: { what: 'some kill landed before a job ended', test: (s) => s !== 'delivered' && s !== 'failed' },
});
