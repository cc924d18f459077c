/**
 * Which `VIDEO_API_DIALECT` to pair with a simulator dialect: the client's dialect of the same
 * name, else `auto` (variations the client reads through detection and normalisation).
 */
import { DIALECTS, type DialectSetting } from '../config/config.ts';
import type { SimulatorDialect } from './simulator-options.ts';

export function clientDialectFor(sim: SimulatorDialect): DialectSetting {
  return (DIALECTS as readonly string[]).includes(sim) ? (sim as DialectSetting) : 'auto';
}
