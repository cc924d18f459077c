/**
 * Every dialect the simulator speaks, by name.
 */
import type { SimulatorDialect } from '../simulator-options.ts';
import { bodyRemixDialect } from './body-remix-dialect.ts';
import type { DialectProfile } from './dialect-profile.ts';
import { formDialect } from './form-dialect.ts';
import { formRemixDialect } from './form-remix-dialect.ts';
import { gatewayDialect } from './gateway-dialect.ts';
import { jsonRemixSizeDialect } from './json-remix-size-dialect.ts';
import { litellmDialect } from './litellm-dialect.ts';
import { newApiDialect } from './new-api-dialect.ts';
import { openaiDialect } from './openai-dialect.ts';
import { openrouterDialect } from './openrouter-dialect.ts';

export const DIALECT_PROFILES: Readonly<Record<SimulatorDialect, DialectProfile>> = {
  openai: openaiDialect,
  'body-remix': bodyRemixDialect,
  form: formDialect,
  'json-remix-size': jsonRemixSizeDialect,
  gateway: gatewayDialect,
  'form-remix': formRemixDialect,
  openrouter: openrouterDialect,
  'new-api': newApiDialect,
  litellm: litellmDialect,
};
