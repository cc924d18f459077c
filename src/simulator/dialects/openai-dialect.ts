/**
 * `openai`: the official `/v1/videos` shape exactly (API-NOTES.md, "Endpoints").
 */
import { type DialectProfile, officialVideo, openaiErrorBody } from './dialect-profile.ts';

export const openaiDialect: DialectProfile = {
  name: 'openai',
  newId: (rng) => `video_${rng.hex(24)}`,
  remixRoute: 'path',
  multipartOnly: [],
  remixPromptMax: 32_000,
  remixTakesSize: false,
  needsVideoBytes: false,
  plainNotFoundOnRemix: false,
  acceptsBareKey: false,
  toWire: (view) => officialVideo(view),
  errorBody: openaiErrorBody,
};
