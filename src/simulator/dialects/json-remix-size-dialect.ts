/**
 * `json-remix-size` (seed 003, quickrouter-style): ids `video_<uuid>`, answers
 * name model `sora_video2` whatever was asked, carry `detail: {}`, and write
 * `remixed_from_video_id` without the `video_` prefix; remix JSON `{prompt, size}`;
 * errors `{error:{message, message_zh, type}}` (no code: the code is written into
 * the message, e.g. `... (video_not_completed)`).
 */
import { type DialectProfile, OFFICIAL_BEHAVIOUR, officialVideo } from './dialect-profile.ts';

const ZH: Record<string, string> = {
  invalid_api_key: '提供的 API 密钥不正确',
  invalid_parameter: '请求参数无效',
  invalid_video_id: '视频任务不存在',
  video_not_completed: '源视频尚未完成',
  video_expired: '视频已过期',
  content_policy_violation: '内容违反使用政策',
  rate_limit_exceeded: '请求过于频繁，请稍后再试',
};

export const jsonRemixSizeDialect: DialectProfile = {
  name: 'json-remix-size',
  newId: (rng) => `video_${rng.uuid()}`,
  ...OFFICIAL_BEHAVIOUR,
  remixTakesSize: true,
  toWire: (view) => {
    const wire = officialVideo(view);
    wire.model = 'sora_video2';
    wire.detail = {};
    const from = view.job.remixedFromVideoId;
    wire.remixed_from_video_id = from === undefined ? null : from.replace(/^video_/, '');
    return wire;
  },
  errorBody: (error) => ({
    error: {
      message: error.code ? `${error.message} (${error.code})` : error.message,
      message_zh: (error.code && ZH[error.code]) || '请求失败',
      type: error.type,
    },
  }),
};
