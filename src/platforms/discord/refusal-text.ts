/**
 * Engine refusals in the user's language. The engine words them in English with the figures
 * that matter; Simplified Chinese users get a sentence of their own per refusal code, with the
 * engine's detail kept where it names concrete values (choices, limits).
 */
import type { Refusal } from '../../engine/engine-api.ts';
import { langOf } from './i18n.ts';

const ZH: Record<Refusal['code'], string> = {
  invalid_parameter: '请求有误，请修改后再试。',
  quota_daily_videos: '你今天的视频数量已用完。配额会在明天重置，可用 /quota 查看；如需更多请联系管理员。',
  quota_daily_seconds: '你今天的视频总时长已用完。可以选更短的时长，或等配额重置（/quota 查看）。',
  quota_active_jobs: '你同时进行中的视频太多了。请等其中一个完成或取消后再试。',
  quota_workspace: '本服务器今天的视频总数已达上限，明天再试，或请管理员调整上限。',
  channel_not_allowed: '这个频道不能生成视频。请问管理员哪些频道可以使用。',
  source_not_found: '找不到这个视频。请检查视频 ID，或从最近的视频中选择。',
  source_not_completed: '这个视频还没有生成完成，完成后才能混剪。',
  source_expired: '这个视频已过期，无法再混剪。请重新生成一个视频。',
  not_allowed: '只有发起人或管理员可以这样做。',
  not_found: '找不到这个任务，它可能已被清理。',
  already_finished: '这个任务已经结束了。',
  unsupported: '这个视频服务不提供混剪功能。请重新生成一个视频。',
  unavailable: '机器人正在重启或暂时无法保存数据，请稍后再试。',
};

/** Codes whose English message carries details (allowed choices, limits) worth showing too. */
const KEEP_DETAIL: ReadonlySet<Refusal['code']> = new Set(['invalid_parameter']);

/** The refusal as the user should read it in `locale`. */
export function refusalText(locale: string | undefined, refusal: Refusal): string {
  if (langOf(locale) !== 'zh') return refusal.message;
  const zh = ZH[refusal.code];
  return KEEP_DETAIL.has(refusal.code) ? `${zh}\n${refusal.message}` : zh;
}
