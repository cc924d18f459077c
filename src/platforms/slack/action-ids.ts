/**
 * Ids of the bot's buttons and modals. Each button's `value` carries what its handler needs
 * (a job or video id), so a click still works after the bot restarted.
 */
export const ACTION_IDS = {
  /** value: the upstream video id to remix. */
  remix: 'reelbot_remix',
  /** value: our job id to repeat. */
  reroll: 'reelbot_reroll',
  /** value: our job id to cancel. */
  cancel: 'reelbot_cancel',
  /** value: our job id; shows its details to the clicker only. */
  details: 'reelbot_details',
  /** value: our job id whose result to delete (requester or admin). */
  delete: 'reelbot_delete',
  /** value: `<mine|all>.<page>` of `/history`. */
  historyPage: 'reelbot_history_page',
  /** value: the upstream video id to extend. */
  extend: 'reelbot_extend',
  /** value: the upstream video id to edit. */
  edit: 'reelbot_edit',
} as const;

export const VIEW_IDS = {
  /** `/video` with no text. private_metadata: {@link VideoModalMeta}. */
  video: 'reelbot_video_modal',
  /** Remix button. private_metadata: {@link RemixModalMeta}. */
  remix: 'reelbot_remix_modal',
  /** Extend button. private_metadata: {@link RemixModalMeta}. */
  extend: 'reelbot_extend_modal',
  /** Edit button. private_metadata: {@link RemixModalMeta}. */
  edit: 'reelbot_edit_modal',
} as const;

/** Input block/action ids inside the modals (block id = action id). */
export const INPUT_IDS = {
  prompt: 'prompt',
  size: 'size',
  seconds: 'seconds',
  model: 'model',
  image: 'image',
  change: 'change',
  next: 'next',
} as const;

export interface VideoModalMeta {
  channelId: string;
}

export interface RemixModalMeta {
  channelId: string;
  videoId: string;
}
