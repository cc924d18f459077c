/**
 * SIGKILL at 25 seeded points later in the job lifecycle (jobs running, finishing, being
 * downloaded and delivered, failures being told), 5 bots per child process.
 * `FAULT_SEED=<n>` replays a run.
 */
import { defineKillSuite } from './kill-suite.ts';

defineKillSuite({
  name: 'late in the lifecycle',
  defaultSeed: 7202,
  killWindow: [350, 1100],
  covered: {
    what: 'some kill landed while a job ran or was delivered',
    test: (s) => s === 'completed' || s === 'in_progress',
  },
});
