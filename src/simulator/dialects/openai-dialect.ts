/**
 * `openai`: the official `/v1/videos` shape exactly (API-NOTES.md, "Endpoints").
 */
import {
  type DialectProfile,
  OFFICIAL_BEHAVIOUR,
  officialVideo,
  openaiErrorBody,
} from './dialect-profile.ts';

export const openaiDialect: DialectProfile = {
  name: 'openai',
  newId: (rng) => `video_${rng.hex(24)}`,
  ...OFFICIAL_BEHAVIOUR,
  toWire: (view) => officialVideo(view),
  errorBody: openaiErrorBody,
};
