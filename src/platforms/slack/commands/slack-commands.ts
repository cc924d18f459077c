/** Every slash command the app has; manifest.yml lists the same (a test checks). */
import type { SlackCommand } from '../slack-handler-types.ts';
import galleryCommand from './gallery-command.ts';
import historyCommand from './history-command.ts';
import quotaCommand from './quota-command.ts';
import remixCommand from './remix-command.ts';
import settingsCommand from './settings-command.ts';
import videoAdminCommand from './video-admin-command.ts';
import videoCommand from './video-command.ts';

export const SLACK_COMMANDS: readonly SlackCommand[] = [
  videoCommand,
  remixCommand,
  quotaCommand,
  galleryCommand,
  videoAdminCommand,
  // team controls
  historyCommand,
  settingsCommand,
];
