/**
 * Every sentence the bot shows, in English: the source of the catalogue's keys. `{name}`
 * placeholders are filled by `t` (src/presentation/catalogue/catalogue.ts). Each refusal code
 * and job error code has a `refusal.<code>` / `error.<code>` entry (the type below checks it).
 */
import type { RefusalCode } from '../../engine/engine-api.ts';
import type { JobErrorCode } from '../../engine/job.ts';
import { teamEn } from './team-en.ts';

export const en = {
  ...teamEn,
  // ---- Discord command descriptions (≤ 100 characters) ----
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

  // ---- the job message ----
  'state.waiting': 'Waiting in line — number {position} of {total}',
  'state.submitted': 'Starting…',
  'state.in_progress': 'Generating — {progress}%',
  'state.completed': 'Finishing — uploading the video…',
  'state.delivered': 'Video ready',
  'state.failed': 'Could not make this video',
  'state.cancelled': 'Cancelled by {name}',
  'state.cancelledBySomeone': 'Cancelled',
  'state.expired': 'This video expired',
  'job.prompt': 'Prompt',
  'job.params': 'Parameters',
  'job.by': 'Requested by',
  'job.state': 'Status',
  'job.elapsed': 'elapsed {time}',
  'job.eta': 'ready {eta}',
  'job.lineage': 'Lineage',
  'job.remixOf': 'Remix of',
  'job.remixOfChain': 'remix of {chain}',
  'job.moreAncestors': '… ({count} more)',
  'job.rerollOf': 'Re-roll of an earlier video',
  'job.reroll': 're-roll',
  'job.image': 'Starts from the attached image',
  'job.video': 'Video id',
  'job.remixHint': 'remix it with /remix {id} <change>',
  'job.simulated': 'Simulated — made by the built-in simulator, not a real video model',
  'job.whatToDo': 'What to do',
  'job.inThread': 'The video is in the thread below.',
  'job.resultTitle': 'Video',
  'job.tooLarge':
    'The video is {size} — more than {platform} lets bots upload here ({limit}). Here is the first frame instead.',
  'job.tooLargeNoFrame': 'The video is {size} — more than {platform} takes here ({limit}).',
  'job.tooLargeLink': 'Download it here (the link works until the video expires): {link}',
  'job.tooLargeNoLink':
    'Ask the bot operator for video id `{id}`, or remix it at a smaller size or fewer seconds.',
  'platform.discord': 'this server',
  'platform.slack': 'Slack',
  'platform.cli': 'the terminal',
  'place.discord': 'server',
  'place.slack': 'workspace',
  'place.cli': 'workspace',

  // ---- buttons and dialogs ----
  'btn.cancel': 'Cancel',
  'btn.remix': 'Remix',
  'btn.reroll': 'Re-roll',
  'btn.extend': 'Extend',
  'btn.edit': 'Edit',
  'job.extendedFrom': 'Extended from',
  'job.extendedFromChain': 'extended from {chain}',
  'job.editOf': 'Edit of',
  'job.editOfChain': 'edit of {chain}',
  'modal.extendTitle': 'Extend this video',
  'modal.extendLabel': 'What happens next?',
  'modal.extendPlaceholder': 'The fox looks up and runs into the forest',
  'modal.extendSeconds': 'Seconds to add',
  'modal.extendSecondsHint': 'One of {choices}. Only the added seconds count against your quota.',
  'modal.submitExtend': 'Extend',
  'modal.extending': 'Extending {id}',
  'modal.editTitle': 'Edit this video',
  'modal.editLabel': 'What should change?',
  'modal.editHint': 'The edit keeps the size and length of the video.',
  'modal.submitEdit': 'Edit',
  'modal.editing': 'Editing {id}',
  'reply.secondsInvalid': 'Choose how many seconds to add: one of {choices}.',
  'modal.title': 'Remix this video',
  'modal.label': 'What should change?',
  'modal.hint': 'One change works best, e.g. "make it night time" or "shift the palette to teal and rust"',
  'modal.source': 'Source: {prompt}',
  'modal.remixing': 'Remixing {id}',
  'modal.submitRemix': 'Remix',
  'modal.keepsSize': 'One clear change per remix works best. Size and length stay the same.',
  'modal.placeholder': 'Make it night, with falling snow',
  'form.title': 'New video',
  'form.submit': 'Make it',
  'form.prompt': 'What should the video show?',
  'form.promptPlaceholder': 'A red fox trotting through fresh snow at dawn',
  'form.size': 'Size',
  'form.seconds': 'Length',
  'form.secondsOption': '{seconds} seconds',
  'form.model': 'Model',
  'form.image': 'Start from an image (optional)',
  'form.imageHint': 'PNG, JPEG or WebP. It is fitted to the chosen size. No real faces.',
  'form.simulated': 'Videos come from the built-in simulator, not a real video service.',

  // ---- private replies ----
  'reply.cancelled': 'Cancelled. Anything not yet started was not charged.',
  'reply.unknownJob': 'That job is no longer known to the bot. Start a new one with /video.',
  'reply.notAdmin':
    'Only server or workspace admins (or the bot admins in ADMIN_USERS) can change these settings.',
  'reply.imageType':
    'The image must be a PNG, JPEG or WebP file. Attach one of those, or leave the image out.',
  'reply.imageSize': 'The image is too large ({size}); the limit is {limit}. Attach a smaller image.',
  'reply.imageOverLimit': 'The image is larger than {limit}, the most the bot takes. Attach a smaller image.',
  'reply.imageFetch': 'The image could not be downloaded. Attach it again and retry.',
  'reply.failed': 'Something went wrong on our side and nothing was charged. Try again in a minute.',
  'reply.done': 'Done.',
  'reply.noVideos': 'No recent videos',
  'reply.promptMissing': 'Say what the video should show.',
  'reply.changeMissing': 'Say what should change.',
  'reply.usageVideo':
    'Usage: `/video a fox in snow --size 720x1280 --seconds 8`, or just `/video` for a form.',
  'reply.usageRemix':
    'Usage: `/remix video_abc123 make it night` — the video id (shown under each video), then one change.',
  'reply.formFailed':
    'The form could not be opened in time. Run `/video` again, or give the prompt directly.',
  'reply.remixFormFailed': 'The Remix dialog could not be opened in time. Click Remix again.',
  'reply.badFlag': 'There is no option "{flag}". Use --size, --seconds, --model, --variants or --private.',
  'reply.flagValue': '--{flag} needs a value.',
  'reply.flagSize': '--size is WIDTHxHEIGHT, for example 1280x720 (got "{value}").',
  'reply.flagWhole': '--seconds is a whole number, for example 8 (got "{value}").',

  // ---- refusals (nothing was charged) ----
  // The validator's detail is a whole sentence that says what to choose instead.
  'refusal.invalid_parameter': '{detail}',
  'refusal.quota_daily_videos':
    'You have made {used} of your {limit} videos for today. Your daily allowance resets {resets}.',
  'refusal.quota_daily_seconds':
    'This {requested}-second video would take you past your {limit} video-seconds for today ({left} left). Try a shorter duration. Your daily allowance resets {resets}.',
  'refusal.quota_active_jobs':
    'You have reached your limit of videos in progress at once ({used} of {limit}). Wait for one to finish or cancel one, then try again.',
  'refusal.quota_workspace':
    'This {place} has used all {limit} of its videos for today. The allowance resets {resets}.',
  'refusal.channel_not_allowed':
    'Videos cannot be made in this channel. Ask an admin which channels allow it.',
  'refusal.source_not_found':
    'The video service does not know that video. Pick one from the list or paste its id (video_...).',
  'refusal.source_not_completed': 'That video has not finished yet; only finished videos can be remixed.',
  'refusal.source_not_completed.ended': 'That video did not finish; only finished videos can be remixed.',
  'refusal.unsupported':
    'This video service does not offer {feature}. Nothing was charged; make a new video instead.',
  'refusal.source_expired':
    'That video has expired at the video service and cannot be remixed. Remix a newer one.',
  'refusal.not_allowed': 'Only the person who asked for this video, or an admin, can do that.',
  'refusal.not_found': 'That job is no longer known to the bot. Start a new one with /video.',
  'refusal.already_finished': 'This video has already finished.',
  'refusal.unavailable': 'The bot cannot take new videos right now. Nothing was charged; try again soon.',
  'refusal.unavailable.restarting': 'The bot is restarting. Try again in a minute.',
  'refusal.unavailable.store':
    'The bot cannot save new videos right now (its database is not writable). Nothing was charged; please tell an admin.',
  'refusal.unavailable.upstream':
    'The video service cannot be reached right now. Nothing was charged; try again soon.',
  'time.resetsIn': 'in {duration} (midnight {timeZone})',
  'time.hoursMinutes': '{h} h {m} min',
  'time.minutes': '{m} min',

  // ---- job errors ----
  'error.content_policy':
    'The video service refused this prompt under its content rules (no real people, no copyrighted characters, nothing unsuitable for under-18s). Rephrase it and try again.',
  'error.invalid_parameter': 'The video service refused the request: {detail} Change it and try again.',
  'error.source_expired':
    'The video you remixed has expired at the video service. Nothing was charged; remix a newer video instead.',
  'error.source_not_found':
    'The video service no longer has the video you remixed. Nothing was charged; pick another video and try again.',
  'error.upstream_unauthorized':
    'The bot could not sign in to the video service. Nothing was charged; please tell an admin.',
  'error.upstream_down':
    'The video service had a problem. Nothing was charged; please try again in a few minutes.',
  'error.upstream_down.status':
    'The video service had a problem (status {status}). Nothing was charged; please try again in a few minutes.',
  'error.upstream_no_answer': 'The video service did not answer; nothing was charged, please try again.',
  'error.generation_failed':
    'The video service could not make this video. Nothing was charged; please try again.',
  'error.timeout':
    'The video took too long at the video service and was given up. Nothing was charged; please try again.',
  'error.expired':
    'The finished video expired at the video service before the bot could fetch it. Nothing was charged; please try again.',
  'error.upstream_lost': 'The video service lost track of this video. Nothing was charged; please try again.',
  'error.setting_refused':
    'The video service refused a setting the bot sent (size, length or model). Nothing was charged; please tell an admin, who should check VIDEO_SIZES, VIDEO_SECONDS and VIDEO_MODELS.',
  'error.dialect_mismatch':
    'The bot could not find how this video service wants the request written. Nothing was charged; please tell an admin, who should check VIDEO_API_DIALECT.',
  'error.unsupported':
    'This video service does not offer {detail}. Nothing was charged; make a new video instead.',
  'error.unknown': 'The video could not be made. Please try again.',

  // ---- /quota ----
  'quota.title': 'Your video quota',
  'quota.videos': 'Videos today',
  'quota.seconds': 'Video seconds today',
  'quota.active': 'Running now',
  'quota.server': 'Whole {place} today',
  'quota.figure': '{used} of {limit}',
  'quota.resets': 'Resets {when}',
  'quota.unlimited': 'no limit',
  'quota.exempt': 'You are a bot admin: nothing is counted against you.',
  'quota.none': 'No active jobs.',

  // ---- admin commands ----
  'admin.setQuota': 'Limits for {user}: {videos} videos, {seconds} s per day, {active} at once.',
  'admin.default': 'default',
  'admin.resetQuota': "{user}'s usage for today was forgotten.",
  'admin.cap': 'The {place} cap is set to {cap} videos per day.',
  'admin.capDefault': 'The {place} cap is back to the configured default.',
  'admin.channels': 'Videos are allowed in: {list}',
  'admin.channelsAll': 'Videos are allowed in every channel.',
  'admin.usage':
    'Usage: `/video-admin set-quota @user [videos=N] [seconds=N] [active=N]`, `/video-admin reset-quota @user`, `/video-admin workspace-cap [N]`, `/video-admin channels add|remove #channel`, `/video-admin channels list|clear`.',

  // ---- /gallery and its page ----
  'cmd.gallery': "Open the team gallery of this server's videos (a private link)",
  'gallery.link':
    'Your private link to the gallery of videos made here (it works until {time}; keep it within the team): {url}',
  'gallery.off':
    "The gallery is off. An operator turns it on by setting `GALLERY_SECRET` (and `METRICS_PORT`) in the bot's configuration.",
  'gallery.page.title': 'Team gallery',
  'gallery.page.intro': 'Videos made here, newest first. Click one to play it and see its family.',
  'gallery.page.empty': 'No videos yet. Make one with /video.',
  'gallery.page.by': 'by {name}',
  'gallery.page.openInChat': 'Open in chat',
  'gallery.page.onlyInChat': 'The file is no longer kept here: open it in chat.',
  'gallery.page.noPreview': 'no preview',
  'gallery.page.family': 'Family',
  'gallery.page.current': 'this video',
  'gallery.page.close': 'Close',
  'gallery.page.expires': 'This link works until {time}. Ask for a new one with /gallery.',
  'gallery.page.unauthorized':
    'This gallery link is not valid or has expired. Ask for a new one with /gallery.',
  'gallery.page.loadFailed':
    'The gallery could not be loaded. Reload the page, or ask for a new link with /gallery.',
  'gallery.kind.create': 'new',
  'gallery.kind.remix': 'remix',
  'gallery.kind.reroll': 're-roll',
  'gallery.kind.extend': 'extension',
  'gallery.kind.edit': 'edit',
  'gallery.state.delivered': 'ready',
  'gallery.state.expired': 'expired',
  'gallery.state.failed': 'failed',
  'gallery.state.other': 'in progress',
} as const satisfies Record<`refusal.${RefusalCode}` | `error.${JobErrorCode}`, string> &
  Record<string, string>;

/** A key of the catalogue. */
export type MessageKey = keyof typeof en;
