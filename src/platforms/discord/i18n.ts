/**
 * The Discord adapter's words in English and Simplified Chinese. Replies follow the user's
 * locale for those two; every other locale gets English. Command names and descriptions are
 * registered with both (`localizations`).
 */

export type Lang = 'en' | 'zh';

const en = {
  // command descriptions (≤ 100 chars)
  'cmd.video': 'Make a video from a prompt',
  'cmd.video.prompt': 'What should happen in the video',
  'cmd.video.size': 'Frame size (width x height)',
  'cmd.video.seconds': 'Length in seconds',
  'cmd.video.model': 'Model to use',
  'cmd.video.image': 'First frame (PNG, JPEG or WebP)',
  'cmd.remix': 'Change one thing in an existing video',
  'cmd.remix.video': 'The video to remix (type to search recent videos)',
  'cmd.remix.prompt': 'The one change to make, e.g. "make it night time"',
  'cmd.quota': 'Show your video quota and active jobs',
  'cmd.admin': 'Manage video quotas and channels (server managers)',
  'cmd.admin.set-quota': "Set a member's daily limits",
  'cmd.admin.reset-quota': "Forget a member's usage for today",
  'cmd.admin.server-cap': "Set the server's daily video cap",
  'cmd.admin.channels': 'Channels where videos may be made',
  'cmd.admin.channels.add': 'Allow videos in a channel',
  'cmd.admin.channels.remove': 'Stop allowing videos in a channel',
  'cmd.admin.channels.list': 'List the allowed channels',
  'cmd.admin.channels.clear': 'Allow videos in every channel',
  'cmd.admin.user': 'The member',
  'cmd.admin.videos': 'Videos per day',
  'cmd.admin.secondsLimit': 'Video seconds per day',
  'cmd.admin.active': 'Jobs at once',
  'cmd.admin.cap': 'Videos per day for the whole server (0 = none)',
  'cmd.admin.channel': 'The channel',
  // job message
  'job.waiting': 'Waiting in line — #{position} of {total}',
  'job.submitted': 'Starting…',
  'job.in_progress': 'Generating — {progress}%',
  'job.completed': 'Finishing — uploading the video…',
  'job.delivered': 'Video ready',
  'job.failed': 'Could not make this video',
  'job.cancelled': 'Cancelled by {name}',
  'job.expired': 'This video expired',
  'job.prompt': 'Prompt',
  'job.params': 'Parameters',
  'job.by': 'Requested by',
  'job.state': 'Status',
  'job.elapsed': 'elapsed {time}',
  'job.eta': 'ready {eta}',
  'job.lineage': 'Lineage',
  'job.remixOf': 'Remix of',
  'job.rerollOf': 'Re-roll of an earlier video',
  'job.image': 'Starts from the attached image',
  'job.video': 'Video id',
  'job.simulated': 'Simulated — made by the built-in simulator, not a real video model',
  'job.whatToDo': 'What to do',
  'job.tooLarge':
    'The video is {size} — more than this server lets bots upload ({limit}). Here is the first frame instead.',
  'job.tooLargeLink': 'Download it here (the link works until the video expires): {link}',
  'job.tooLargeNoLink':
    'Ask the bot operator for video id `{id}`, or remix it at a smaller size or fewer seconds.',
  // buttons and modal
  'btn.cancel': 'Cancel',
  'btn.remix': 'Remix',
  'btn.reroll': 'Re-roll',
  'modal.title': 'Remix this video',
  'modal.label': 'What should change?',
  'modal.hint': 'One change works best, e.g. "make it night time" or "shift the palette to teal and rust"',
  'modal.source': 'Source: {prompt}',
  // replies
  'reply.cancelled': 'Cancelled. Anything not yet started was not charged.',
  'reply.cancelNotAllowed': 'Only the person who asked for this video or a server admin can cancel it.',
  'reply.unknownJob': 'That job is no longer known to the bot. Start a new one with /video.',
  'reply.notAdmin': 'Only members with Manage Server (or listed bot admins) can change these settings.',
  'reply.imageType':
    'The image must be a PNG, JPEG or WebP file. Attach one of those, or leave the image out.',
  'reply.imageSize': 'The image is too large ({size}); the limit is {limit}. Attach a smaller image.',
  'reply.imageFetch': 'The image could not be downloaded from Discord. Attach it again and retry.',
  'reply.failed': 'Something went wrong on our side and nothing was charged. Try again in a minute.',
  'reply.done': 'Done.',
  'reply.noVideos': 'No recent videos',
  'quota.title': 'Your video quota',
  'quota.videos': 'Videos today',
  'quota.seconds': 'Video seconds today',
  'quota.active': 'Running now',
  'quota.server': 'Server today',
  'quota.resets': 'Resets {when}',
  'quota.unlimited': 'no limit',
  'quota.exempt': 'You are a bot admin: nothing is counted against you.',
  'quota.none': 'No active jobs.',
  'admin.setQuota': 'Limits for {user}: {videos} videos, {seconds} s per day, {active} at once.',
  'admin.default': 'default',
  'admin.resetQuota': "{user}'s usage for today was forgotten.",
  'admin.cap': 'Server cap set to {cap} videos per day.',
  'admin.capDefault': 'Server cap reset to the configured default.',
  'admin.channels': 'Videos are allowed in: {list}',
  'admin.channelsAll': 'Videos are allowed in every channel.',
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  'cmd.video': '根据提示词生成视频',
  'cmd.video.prompt': '视频里应该发生什么',
  'cmd.video.size': '画面尺寸（宽x高）',
  'cmd.video.seconds': '时长（秒）',
  'cmd.video.model': '使用的模型',
  'cmd.video.image': '首帧图片（PNG、JPEG 或 WebP）',
  'cmd.remix': '修改已有视频中的一处',
  'cmd.remix.video': '要混剪的视频（输入以搜索最近的视频）',
  'cmd.remix.prompt': '要做的一处修改，例如“改成夜晚”',
  'cmd.quota': '查看你的视频配额和进行中的任务',
  'cmd.admin': '管理视频配额和频道（服务器管理员）',
  'cmd.admin.set-quota': '设置成员的每日限额',
  'cmd.admin.reset-quota': '清除成员今天的用量',
  'cmd.admin.server-cap': '设置服务器每日视频上限',
  'cmd.admin.channels': '允许生成视频的频道',
  'cmd.admin.channels.add': '允许在某频道生成视频',
  'cmd.admin.channels.remove': '不再允许在某频道生成视频',
  'cmd.admin.channels.list': '列出允许的频道',
  'cmd.admin.channels.clear': '允许在所有频道生成视频',
  'cmd.admin.user': '成员',
  'cmd.admin.videos': '每天视频数',
  'cmd.admin.secondsLimit': '每天视频秒数',
  'cmd.admin.active': '同时进行的任务数',
  'cmd.admin.cap': '整个服务器每天的视频数（0 = 不限）',
  'cmd.admin.channel': '频道',
  'job.waiting': '排队中 — 第 {position} 位，共 {total} 个',
  'job.submitted': '正在开始…',
  'job.in_progress': '生成中 — {progress}%',
  'job.completed': '即将完成 — 正在上传视频…',
  'job.delivered': '视频已生成',
  'job.failed': '无法生成这个视频',
  'job.cancelled': '已被 {name} 取消',
  'job.expired': '这个视频已过期',
  'job.prompt': '提示词',
  'job.params': '参数',
  'job.by': '请求者',
  'job.state': '状态',
  'job.elapsed': '已用 {time}',
  'job.eta': '预计 {eta} 完成',
  'job.lineage': '来源',
  'job.remixOf': '混剪自',
  'job.rerollOf': '重新生成自之前的视频',
  'job.image': '以附带的图片作为首帧',
  'job.video': '视频 ID',
  'job.simulated': '模拟 — 由内置模拟器生成，并非真实视频模型',
  'job.whatToDo': '怎么办',
  'job.tooLarge': '视频大小为 {size}，超过了本服务器允许机器人上传的上限（{limit}）。这里先给出第一帧。',
  'job.tooLargeLink': '在这里下载（视频过期前有效）：{link}',
  'job.tooLargeNoLink': '请向机器人运营者索取视频 `{id}`，或以更小的尺寸或更短的时长混剪。',
  'btn.cancel': '取消',
  'btn.remix': '混剪',
  'btn.reroll': '重新生成',
  'modal.title': '混剪这个视频',
  'modal.label': '要改什么？',
  'modal.hint': '一次只改一处效果最好，例如“改成夜晚”或“色调改为青色和铁锈色”',
  'modal.source': '原提示词：{prompt}',
  'reply.cancelled': '已取消。尚未开始的部分不计入配额。',
  'reply.cancelNotAllowed': '只有发起这个视频的人或服务器管理员可以取消。',
  'reply.unknownJob': '机器人已找不到这个任务。请用 /video 重新开始。',
  'reply.notAdmin': '只有拥有“管理服务器”权限的成员（或机器人管理员）可以修改这些设置。',
  'reply.imageType': '图片必须是 PNG、JPEG 或 WebP 文件。请附上这些格式之一，或不附图片。',
  'reply.imageSize': '图片太大（{size}），上限为 {limit}。请附上更小的图片。',
  'reply.imageFetch': '无法从 Discord 下载这张图片。请重新附上后再试。',
  'reply.failed': '我们这边出了问题，没有扣除配额。请一分钟后再试。',
  'reply.done': '完成。',
  'reply.noVideos': '没有最近的视频',
  'quota.title': '你的视频配额',
  'quota.videos': '今天的视频',
  'quota.seconds': '今天的视频秒数',
  'quota.active': '正在进行',
  'quota.server': '服务器今天',
  'quota.resets': '{when}重置',
  'quota.unlimited': '不限',
  'quota.exempt': '你是机器人管理员：不计入配额。',
  'quota.none': '没有进行中的任务。',
  'admin.setQuota': '{user} 的限额：每天 {videos} 个视频、{seconds} 秒，同时 {active} 个。',
  'admin.default': '默认',
  'admin.resetQuota': '已清除 {user} 今天的用量。',
  'admin.cap': '服务器上限已设为每天 {cap} 个视频。',
  'admin.capDefault': '服务器上限已恢复为默认值。',
  'admin.channels': '允许生成视频的频道：{list}',
  'admin.channelsAll': '所有频道都允许生成视频。',
};

export type MessageKey = Key;

/** `zh` for Simplified Chinese (and other Chinese variants without their own table), else `en`. */
export function langOf(locale: string | undefined): Lang {
  return locale?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** The text for `key` in `locale`, with `{name}` placeholders filled from `vars`. */
export function t(
  locale: string | undefined,
  key: MessageKey,
  vars: Record<string, string | number> = {},
): string {
  const table = langOf(locale) === 'zh' ? zh : en;
  return table[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? `{${name}}`));
}

/** `description` + `description_localizations` for a command or option. */
export function described(key: MessageKey) {
  return { description: en[key], description_localizations: { 'en-US': en[key], 'zh-CN': zh[key] } };
}

/** `name` + `name_localizations` (the Chinese name shown in the command picker). */
export function named(name: string, zhName: string) {
  return { name, name_localizations: { 'zh-CN': zhName } };
}
