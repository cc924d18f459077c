/**
 * Every dialect the simulator speaks, by name.
 */
import type { SimulatorDialect } from '../simulator-options.ts';
import { bodyRemixDialect } from './body-remix-dialect.ts';
import type { DialectProfile } from './dialect-profile.ts';
import { formDialect } from './form-dialect.ts';
import { gatewayDialect } from './gateway-dialect.ts';
import { jsonRemixSizeDialect } from './json-remix-size-dialect.ts';
import { openaiDialect } from './openai-dialect.ts';

export const DIALECT_PROFILES: Readonly<Record<SimulatorDialect, DialectProfile>> = {
  openai: openaiDialect,
  'body-remix': bodyRemixDialect,
  form: formDialect,
  'json-remix-size': jsonRemixSizeDialect,
  gateway: gatewayDialect,
};
