/**
 * The team controls' sentences in English (Details, Delete, History, Settings, the blocklist),
 * kept in their own table and spread into `en.ts`, so the main catalogue stays readable.
 */
export const teamEn = {
  // ---- Discord command descriptions (≤ 100 characters) ----
  'cmd.history': 'List recent videos, newest first (only you see it)',
  'cmd.history.scope': 'Whose videos: yours, or the whole server',
  'cmd.history.mine': 'Mine',
  'cmd.history.all': 'This server',
  'cmd.settings': 'Video defaults for this server, this channel or yourself',
  'cmd.settings.show': 'Show the values a /video here would use, and where each comes from',
  'cmd.settings.server': 'Server defaults (admins)',
  'cmd.settings.channel': 'Defaults for one channel (admins)',
  'cmd.settings.mine': 'Your own defaults, for what admins leave open',
  'cmd.settings.blocklist': 'Words and patterns refused in prompts (admins)',
  'cmd.settings.blocklist.add': 'Refuse prompts containing a word or /pattern/',
  'cmd.settings.blocklist.remove': 'Stop refusing a word or pattern',
  'cmd.settings.blocklist.list': 'List the refused words and patterns',
  'cmd.settings.term': 'A word, or a pattern written as /regex/',
  'cmd.settings.model': 'Default model',
  'cmd.settings.size': 'Default frame size',
  'cmd.settings.seconds': 'Default length in seconds',
  'cmd.settings.variants': 'Default number of variants (1-4)',
  'cmd.settings.private': 'Private by default: only the requester sees the job and gets the video',
  'cmd.settings.image': 'Whether starting from an image is allowed',
  'cmd.settings.clear': 'Forget these defaults',
  'cmd.settings.channelOption': 'The channel',
  'cmd.video.variants': 'How many versions to make at once (1-4), each counted',
  'cmd.video.private': 'Only you see the job, and the video comes to you directly',

  // ---- buttons ----
  'btn.details': 'Details',
  'btn.delete': 'Delete',
  'btn.older': 'Older',
  'btn.newer': 'Newer',

  'job.variant': 'Variant {index} of {of}',
  'job.sentDirectly': 'Private: the video was sent to you in a direct message.',
  'job.private': 'Private — only you see this',
  'reply.variantsStopped': 'Only {made} of the {asked} variants were started: {reason}',

  // ---- Details ----
  'details.title': 'Video details',
  'details.prompt': 'Prompt',
  'details.model': 'Model',
  'details.size': 'Size',
  'details.seconds': 'Seconds',
  'details.job': 'Job id',
  'details.video': 'Video id',
  'details.parent': 'Remix of',
  'details.parentDeleted': '{id} (deleted)',
  'details.none': '—',
  'details.created': 'Requested',
  'details.timings': 'Timings',
  'details.timingsValue': 'waited {queued} · generated in {running} · delivered after {total}',
  'details.state': 'Status',
  'details.deleted': 'Deleted by {name}',
  'details.command': 'Make it again with',

  // ---- Delete ----
  'delete.done': 'Deleted. Remixes of it keep their lineage.',
  'delete.doneUpstream': 'Deleted here and at the video service. Remixes of it keep their lineage.',
  'lineage.deleted': 'deleted video',

  // ---- /history ----
  'history.titleMine': 'Your videos',
  'history.titleAll': 'Videos in this {place}',
  'history.empty': 'No videos yet. Make one with /video.',
  'history.page': 'Page {page} of {pages}',
  'history.ago': '{time} ago',
  'history.by': 'by {name}',
  'history.open': 'open',
  'history.usage': 'Usage: `/history` (your videos) or `/history all` (the whole workspace).',

  // ---- /settings ----
  'settings.title': 'Video settings here',
  'settings.field.model': 'Model',
  'settings.field.size': 'Size',
  'settings.field.seconds': 'Seconds',
  'settings.field.variants': 'Variants',
  'settings.field.private': 'Private',
  'settings.field.imageToVideo': 'Image to video',
  'settings.source.channel': 'channel default',
  'settings.source.workspace': '{place} default',
  'settings.source.user': 'your default',
  'settings.source.config': 'bot configuration',
  'settings.on': 'on',
  'settings.off': 'off',
  'settings.allowed': 'allowed',
  'settings.notAllowed': 'not allowed',
  'settings.saved': 'Saved.',
  'settings.cleared': 'Those defaults were forgotten.',
  'settings.lockedByAdmin': 'An admin has set {fields} here, so your own default for it is not used.',
  'settings.optionsWin': 'Options given to /video always win over these defaults.',
  'settings.blocklist': 'Refused in prompts: {list}',
  'settings.blocklistEmpty': 'No words or patterns are refused.',
  'settings.badPattern': 'That pattern is not a valid regular expression: {detail}',
  'settings.badValue': '{field} cannot be "{value}". Choose one of: {choices}.',
  'settings.usage':
    'Usage: `/settings` (show), `/settings mine size=720x1280 seconds=8 private=on`, `/settings workspace …`, `/settings channel …` (admins), add `clear` to forget, `/settings blocklist add|remove <word or /pattern/>`, `/settings blocklist list`.',

  // ---- refusals ----
  'refusal.blocked_term':
    'This prompt contains "{term}", which an admin does not allow here. Nothing was charged; rephrase it.',
  'refusal.content_policy_known':
    'The video service already refused this exact {subject} under its content rules. Nothing was charged; change it before trying again.',
  'refusal.image_not_allowed': 'Starting from an image is turned off here by an admin. Leave the image out.',
  'refusal.not_finished': 'This video is still being made. Cancel it instead.',
  'refusal.already_deleted': 'This video was already deleted.',
  'policy.prompt': 'prompt',
  'policy.image': 'image',
  'error.content_policy.prompt':
    'The video service refused this prompt under its content rules (no real people, no copyrighted characters, nothing unsuitable for under-18s). Rephrase it and try again.',
  'error.content_policy.image':
    'The video service refused the starting image under its content rules (no real faces, nothing unsuitable for under-18s). Use another image or leave it out.',
} as const;
