/**
 * `form-remix` (a hingnet-style variant): create as the official API (JSON, or multipart with an
 * image), but remix only as `multipart/form-data` on `POST /videos/{id}/remix`; a JSON body there
 * is read as an empty form, so it answers `400 Missing required parameter: 'prompt'`. Errors
 * `{error:{message, code}}` without a type, which makes probing guess `body-remix`: the upstream
 * that once made the bot charge users for its own wrong guess.
 */
import { type DialectProfile, OFFICIAL_BEHAVIOUR, officialVideo } from './dialect-profile.ts';

export const formRemixDialect: DialectProfile = {
  name: 'form-remix',
  newId: (rng) => `video_${rng.hex(24)}`,
  ...OFFICIAL_BEHAVIOUR,
  multipartOnly: ['remix'],
  otherBodies: 'read-as-form',
  remixPromptMax: 1000,
  toWire: (view) => officialVideo(view),
  errorBody: (error) => ({ error: { message: error.message, code: error.code } }),
};
