/** The engine's waits are the code base's one sleep and backoff (src/async/sleep.ts). */
export { backoffMs, sleep } from '../async/sleep.ts';
