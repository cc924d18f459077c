/**
 * `body-remix` (seeds 000/002, ezmodel-style): remix only at `POST /videos/remix`
 * with `{video_id, prompt}`; errors `{error:{message, code}}` without `type`.
 */
import { type DialectProfile, OFFICIAL_BEHAVIOUR, officialVideo } from './dialect-profile.ts';

export const bodyRemixDialect: DialectProfile = {
  name: 'body-remix',
  newId: (rng) => `video_${rng.hex(24)}`,
  ...OFFICIAL_BEHAVIOUR,
  remixRoute: 'body',
  // Resellers add fields of their own; clients must tolerate them.
  toWire: (view) => ({ ...officialVideo(view), quality: 'standard' }),
  errorBody: (error) => ({ error: { message: error.message, code: error.code } }),
};
