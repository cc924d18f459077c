/**
 * The two modals: `/video` with no text (prompt, size, seconds, model, optional image) and the
 * Remix dialog (the one change, with the one-change hint). Pure builders.
 */
import type { types } from '@slack/bolt';
import { type MessageKey, t, type Vars } from '../../../presentation/catalogue/catalogue.ts';
import { INPUT_IDS, type RemixModalMeta, VIEW_IDS, type VideoModalMeta } from '../action-ids.ts';
import { escapeSlack, safeText, truncate } from './slack-text.ts';

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;
type PlainTextOption = types.PlainTextOption;

export interface Choices {
  models: readonly string[];
  sizes: readonly string[];
  seconds: readonly number[];
}

const plain = (text: string) => ({ type: 'plain_text' as const, text: truncate(text, 75) });

function option(label: string, value: string): PlainTextOption {
  return { text: plain(label), value: truncate(value, 150) };
}

function select(id: string, label: string, options: PlainTextOption[]): KnownBlock {
  const first = options[0];
  return {
    type: 'input',
    block_id: id,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'static_select',
      action_id: id,
      options: options.slice(0, 100),
      ...(first ? { initial_option: first } : {}),
    },
  };
}

/** `/video` with no text. */
export function videoModal(
  choices: Choices,
  meta: VideoModalMeta,
  simulated: boolean,
  locale?: string,
): ModalView {
  const text = (key: MessageKey, vars?: Vars) => t(locale, key, vars);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: INPUT_IDS.prompt,
      label: { type: 'plain_text', text: text('form.prompt') },
      element: {
        type: 'plain_text_input',
        action_id: INPUT_IDS.prompt,
        multiline: true,
        max_length: 2000,
        placeholder: { type: 'plain_text', text: text('form.promptPlaceholder') },
      },
    },
    select(
      INPUT_IDS.size,
      text('form.size'),
      choices.sizes.map((s) => option(s, s)),
    ),
    select(
      INPUT_IDS.seconds,
      text('form.seconds'),
      choices.seconds.map((s) => option(text('form.secondsOption', { seconds: s }), String(s))),
    ),
    select(
      INPUT_IDS.model,
      text('form.model'),
      choices.models.map((m) => option(m, m)),
    ),
    {
      type: 'input',
      block_id: INPUT_IDS.image,
      optional: true,
      label: { type: 'plain_text', text: text('form.image') },
      hint: {
        type: 'plain_text',
        text: text('form.imageHint'),
      },
      element: {
        type: 'file_input',
        action_id: INPUT_IDS.image,
        filetypes: ['png', 'jpg', 'jpeg', 'webp'],
        max_files: 1,
      },
    },
  ];
  if (simulated) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `:test_tube: ${text('form.simulated')}`,
        },
      ],
    });
  }
  return {
    type: 'modal',
    callback_id: VIEW_IDS.video,
    private_metadata: JSON.stringify(meta),
    title: plain(text('form.title')),
    submit: plain(text('form.submit')),
    close: plain(text('btn.cancel')),
    blocks,
  };
}

/** A multi-line text input of a dialog (1000 characters), with an optional hint under it. */
function textArea(id: string, label: string, placeholder: string, hint?: string): KnownBlock {
  return {
    type: 'input',
    block_id: id,
    label: plain(label),
    ...(hint ? { hint: { type: 'plain_text' as const, text: truncate(hint, 2000) } } : {}),
    element: {
      type: 'plain_text_input',
      action_id: id,
      multiline: true,
      max_length: 1000,
      placeholder: plain(placeholder),
    },
  };
}

/** A dialog about one video: a line naming it, then its inputs. */
function videoDialog(
  callbackId: string,
  meta: RemixModalMeta,
  o: { title: string; submit: string; cancel: string; head: string; inputs: KnownBlock[] },
): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(meta),
    title: plain(o.title),
    submit: plain(o.submit),
    close: plain(o.cancel),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: o.head, verbatim: true } }, ...o.inputs],
  };
}

const videoRef = (meta: RemixModalMeta) => `\`${escapeSlack(meta.videoId)}\``;

/** The Remix dialog. `sourcePrompt` is filled in by a `views.update` once it was looked up. */
export function remixModal(meta: RemixModalMeta, sourcePrompt?: string, locale?: string): ModalView {
  const text = (key: MessageKey, vars?: Vars) => t(locale, key, vars);
  const head = text('modal.remixing', { id: videoRef(meta) });
  const source = sourcePrompt ? `${head}:\n>${safeText(sourcePrompt, 1500).replace(/\n/g, '\n>')}` : head;
  return videoDialog(VIEW_IDS.remix, meta, {
    title: text('modal.title'),
    submit: text('modal.submitRemix'),
    cancel: text('btn.cancel'),
    head: source,
    inputs: [
      textArea(INPUT_IDS.change, text('modal.label'), text('modal.placeholder'), text('modal.keepsSize')),
    ],
  });
}

/** The Extend dialog: what happens next, and how many seconds to add (one of the offered durations). */
export function extendModal(meta: RemixModalMeta, seconds: readonly number[], locale?: string): ModalView {
  const text = (key: MessageKey, vars?: Vars) => t(locale, key, vars);
  return videoDialog(VIEW_IDS.extend, meta, {
    title: text('modal.extendTitle'),
    submit: text('modal.submitExtend'),
    cancel: text('btn.cancel'),
    head: text('modal.extending', { id: videoRef(meta) }),
    inputs: [
      textArea(INPUT_IDS.next, text('modal.extendLabel'), text('modal.extendPlaceholder')),
      {
        ...select(
          INPUT_IDS.seconds,
          text('modal.extendSeconds'),
          seconds.map((s) => option(text('form.secondsOption', { seconds: s }), String(s))),
        ),
        hint: plain(text('modal.extendSecondsHint', { choices: seconds.join(', ') })),
      } as KnownBlock,
    ],
  });
}

/** The Edit dialog: the one change (size and length stay). */
export function editModal(meta: RemixModalMeta, locale?: string): ModalView {
  const text = (key: MessageKey, vars?: Vars) => t(locale, key, vars);
  return videoDialog(VIEW_IDS.edit, meta, {
    title: text('modal.editTitle'),
    submit: text('modal.submitEdit'),
    cancel: text('btn.cancel'),
    head: text('modal.editing', { id: videoRef(meta) }),
    inputs: [
      textArea(INPUT_IDS.change, text('modal.editLabel'), text('modal.placeholder'), text('modal.editHint')),
    ],
  });
}

/** Read our JSON private_metadata back; undefined when it is not ours. */
export function readMeta<T extends object>(
  raw: string | undefined,
  keys: readonly (keyof T)[],
): T | undefined {
  try {
    const v = JSON.parse(raw ?? '') as Record<string, unknown>;
    return keys.every((k) => typeof v[k as string] === 'string') ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}
