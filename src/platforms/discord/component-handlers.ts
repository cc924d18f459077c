/**
 * Buttons (Cancel, Re-roll, Remix, Extend, Edit) and their modals. Everything needed comes from the
 * custom id, so buttons on old messages keep working after a restart. Anyone may Remix or
 * Re-roll (on their own quota); Cancel is for the requester or an admin (the engine decides).
 */
import {
  type ButtonInteraction,
  LabelBuilder,
  ModalBuilder,
  type ModalSubmitInteraction,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { Job } from '../../engine/job.ts';
import { refusalText } from '../../presentation/refusal-text.ts';
import { actorOf } from './actor.ts';
import type { DiscordContext } from './command.ts';
import { type ComponentAction, customIdOf, parseCustomId } from './custom-ids.ts';
import { t } from './i18n.ts';
import { deferNow, replyPrivately } from './interaction-replies.ts';
import { startJob } from './job-start.ts';
import { handleTeamButton, isTeamAction } from './team-buttons.ts';

const CHANGE_INPUT = 'change';
const NEXT_INPUT = 'next';
const SECONDS_INPUT = 'seconds';

export async function handleButton(i: ButtonInteraction, ctx: DiscordContext): Promise<void> {
  const action = parseCustomId(i.customId);
  if (!action) return;
  if (isTeamAction(action)) return handleTeamButton(i, action, ctx);
  if (action.kind === 'remix')
    return openRemixModal(i, { kind: 'remix-modal', videoId: action.videoId }, ctx);
  if (action.kind === 'remix-job')
    return openRemixModal(i, { kind: 'remix-job-modal', jobId: action.jobId }, ctx);
  if (action.kind === 'extend') return openExtendModal(i, action.jobId, ctx);
  if (action.kind === 'edit') return openEditModal(i, action.jobId, ctx);
  if (action.kind === 'cancel') {
    if (!(await deferNow(i, true, ctx.logger))) return;
    const out = await ctx.engine.cancel(action.jobId, actorOf(i, ctx.config));
    const text = out.ok ? t(i.locale, 'reply.cancelled') : refusalText(i.locale, out.refusal, 'discord');
    return replyPrivately(i, text, ctx.logger);
  }
  if (action.kind === 'reroll') {
    if (!(await deferNow(i, false, ctx.logger))) return;
    const job = await ctx.engine.getJob(action.jobId);
    if (!job) return replyPrivately(i, t(i.locale, 'reply.unknownJob'), ctx.logger);
    // The engine repeats prompt, model, size, seconds, first frame and remix source.
    return startJob(i, ctx, { kind: 'reroll', jobId: job.id, prompt: job.prompt }, placeOutsideGuild(i, job));
  }
}

/** A required multi-line text input of a dialog (1000 characters). */
function paragraph(customId: string, placeholder: string): TextInputBuilder {
  return new TextInputBuilder()
    .setCustomId(customId)
    .setStyle(TextInputStyle.Paragraph)
    .setPlaceholder(placeholder.slice(0, 100))
    .setRequired(true)
    .setMaxLength(1000);
}

/** Open a dialog (a modal must be the first answer to the click, so nothing is looked up first). */
async function showDialog(
  i: ButtonInteraction,
  ctx: DiscordContext,
  customId: string,
  title: string,
  labels: LabelBuilder[],
  what: string,
): Promise<void> {
  const modal = new ModalBuilder()
    .setCustomId(customId)
    .setTitle(title.slice(0, 45))
    .addLabelComponents(...labels);
  await i
    .showModal(modal)
    .catch((err: unknown) => ctx.logger.warn(`could not open the ${what} dialog`, { err }));
}

/** Shown at once (a modal must be the first answer), so no store lookups: context comes from the message. */
async function openRemixModal(
  i: ButtonInteraction,
  submit: ComponentAction,
  ctx: DiscordContext,
): Promise<void> {
  const customId = customIdOf(submit);
  if (!customId) return;
  const source = (i.message.embeds[0]?.description ?? '').replace(/\\(.)/g, '$1').trim();
  const label = new LabelBuilder().setLabel(t(i.locale, 'modal.label'));
  if (source) {
    const room = 100 - t(i.locale, 'modal.source', { prompt: '' }).length;
    const cut = source.length > room ? `${source.slice(0, room - 1)}…` : source;
    label.setDescription(t(i.locale, 'modal.source', { prompt: cut }));
  }
  label.setTextInputComponent(paragraph(CHANGE_INPUT, t(i.locale, 'modal.hint')));
  await showDialog(i, ctx, customId, t(i.locale, 'modal.title'), [label], 'remix');
}

/** The Extend dialog: what happens next, and how many seconds to add (charged by those). */
async function openExtendModal(i: ButtonInteraction, jobId: string, ctx: DiscordContext): Promise<void> {
  const customId = customIdOf({ kind: 'extend-modal', jobId });
  if (!customId) return;
  const choices = ctx.engine.choices.seconds.join(', ');
  const next = new LabelBuilder()
    .setLabel(t(i.locale, 'modal.extendLabel'))
    .setTextInputComponent(paragraph(NEXT_INPUT, t(i.locale, 'modal.extendPlaceholder')));
  const seconds = new LabelBuilder()
    .setLabel(t(i.locale, 'modal.extendSeconds'))
    .setDescription(t(i.locale, 'modal.extendSecondsHint', { choices }).slice(0, 100))
    .setTextInputComponent(
      new TextInputBuilder()
        .setCustomId(SECONDS_INPUT)
        .setStyle(TextInputStyle.Short)
        .setValue(String(ctx.engine.choices.seconds[0] ?? 4))
        .setRequired(true)
        .setMaxLength(4),
    );
  await showDialog(i, ctx, customId, t(i.locale, 'modal.extendTitle'), [next, seconds], 'extend');
}

/** The Edit dialog: the one change (size and length stay). */
async function openEditModal(i: ButtonInteraction, jobId: string, ctx: DiscordContext): Promise<void> {
  const customId = customIdOf({ kind: 'edit-modal', jobId });
  if (!customId) return;
  const label = new LabelBuilder()
    .setLabel(t(i.locale, 'modal.editLabel'))
    .setDescription(t(i.locale, 'modal.editHint').slice(0, 100))
    .setTextInputComponent(paragraph(CHANGE_INPUT, t(i.locale, 'modal.hint')));
  await showDialog(i, ctx, customId, t(i.locale, 'modal.editTitle'), [label], 'edit');
}

export async function handleModal(i: ModalSubmitInteraction, ctx: DiscordContext): Promise<void> {
  const action = parseCustomId(i.customId);
  if (action?.kind === 'extend-modal' || action?.kind === 'edit-modal') return submitDerived(i, action, ctx);
  if (action?.kind !== 'remix-modal' && action?.kind !== 'remix-job-modal') return;
  if (!(await deferNow(i, false, ctx.logger))) return;
  const change = i.fields.getTextInputValue(CHANGE_INPUT);
  if (action.kind === 'remix-modal') {
    const source = i.inGuild() ? undefined : await ctx.engine.findJobByVideoId(action.videoId);
    return startJob(i, ctx, { kind: 'remix', videoId: action.videoId, change }, placeOutsideGuild(i, source));
  }
  // A video id too long for a custom id travels as its job's id.
  const sourceJob = await ctx.engine.getJob(action.jobId);
  const videoId = sourceJob?.videoId;
  if (videoId === undefined) {
    return replyPrivately(i, refusalText(i.locale, { code: 'not_found' }, 'discord'), ctx.logger);
  }
  await startJob(i, ctx, { kind: 'remix', videoId, change }, placeOutsideGuild(i, sourceJob));
}

/** A click in a DM (a private result) acts in the source job's own server and channel. */
function placeOutsideGuild(
  i: ButtonInteraction | ModalSubmitInteraction,
  source: Job | undefined,
): { workspaceId: string; channelId: string } | undefined {
  if (i.inGuild() || !source || source.place.platform !== 'discord') return undefined;
  return { workspaceId: source.place.workspaceId, channelId: source.place.channelId };
}

/** Extend or Edit dialog submitted: the job's video, continued or changed. */
async function submitDerived(
  i: ModalSubmitInteraction,
  action: { kind: 'extend-modal' | 'edit-modal'; jobId: string },
  ctx: DiscordContext,
): Promise<void> {
  let seconds = 0;
  if (action.kind === 'extend-modal') {
    seconds = Number(i.fields.getTextInputValue(SECONDS_INPUT).trim().replace(/s$/i, ''));
    const offered = ctx.engine.choices.seconds;
    if (!offered.includes(seconds)) {
      const choices = offered.join(', ');
      return replyPrivately(i, t(i.locale, 'reply.secondsInvalid', { choices }), ctx.logger);
    }
  }
  if (!(await deferNow(i, false, ctx.logger))) return;
  const videoId = (await ctx.engine.getJob(action.jobId))?.videoId;
  if (videoId === undefined) {
    return replyPrivately(i, refusalText(i.locale, { code: 'not_found' }, 'discord'), ctx.logger);
  }
  if (action.kind === 'extend-modal') {
    const prompt = i.fields.getTextInputValue(NEXT_INPUT);
    return startJob(i, ctx, { kind: 'extend', videoId, prompt, seconds });
  }
  await startJob(i, ctx, { kind: 'edit', videoId, change: i.fields.getTextInputValue(CHANGE_INPUT) });
}
