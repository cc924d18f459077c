/** Every slash command the bot offers, by name. */
import type { Command } from '../command.ts';
import gallery from './gallery.ts';
import history from './history.ts';
import quota from './quota.ts';
import remix from './remix.ts';
import settings from './settings.ts';
import video from './video.ts';
import videoAdmin from './video-admin.ts';

export const commands: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['video', video],
  ['remix', remix],
  ['quota', quota],
  ['gallery', gallery],
  ['video-admin', videoAdmin],
  // team controls
  ['history', history],
  ['settings', settings],
]);
