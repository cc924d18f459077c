/**
 * Slack's documented size limits for messages, Block Kit and modals, enforced the way Slack
 * does: the whole call fails (`msg_too_long`, `invalid_blocks`, `invalid_arguments`) with a
 * list of what was wrong. Only the block types the bot could plausibly send are known; any
 * other type is refused, so a typo in the adapter fails loudly here rather than in Slack.
 */
export const LIMITS = {
  messageText: 40_000,
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  url: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  placeholder: 150,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  initialValue: 3000,
} as const;

type Errors = string[];

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function textObject(v: unknown, where: string, max: number, errors: Errors, plainOnly = false): void {
  const t = obj(v);
  if (!t || (t.type !== 'plain_text' && t.type !== 'mrkdwn') || typeof t.text !== 'string') {
    errors.push(`${where}: must be a text object`);
    return;
  }
  if (plainOnly && t.type !== 'plain_text') errors.push(`${where}: must be plain_text`);
  if (t.text.length === 0) errors.push(`${where}: must not be empty`);
  if (t.text.length > max) errors.push(`${where}: must be at most ${max} characters`);
}

function maxLen(v: unknown, where: string, max: number, errors: Errors): void {
  if (v === undefined) return;
  if (typeof v !== 'string') errors.push(`${where}: must be a string`);
  else if (v.length > max) errors.push(`${where}: must be at most ${max} characters`);
}

function option(v: unknown, where: string, errors: Errors): void {
  const o = obj(v);
  if (!o) return void errors.push(`${where}: must be an option`);
  textObject(o.text, `${where}.text`, LIMITS.optionText, errors, true);
  if (typeof o.value !== 'string' || o.value.length === 0) errors.push(`${where}.value: required`);
  maxLen(o.value, `${where}.value`, LIMITS.optionValue, errors);
}

/** Interactive elements in actions blocks, section accessories and inputs. */
function element(v: unknown, where: string, errors: Errors): void {
  const e = obj(v);
  if (!e) return void errors.push(`${where}: must be an element`);
  maxLen(e.action_id, `${where}.action_id`, LIMITS.actionId, errors);
  switch (e.type) {
    case 'button':
      textObject(e.text, `${where}.text`, LIMITS.buttonText, errors, true);
      maxLen(e.value, `${where}.value`, LIMITS.buttonValue, errors);
      maxLen(e.url, `${where}.url`, LIMITS.url, errors);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') {
        errors.push(`${where}.style: must be primary or danger`);
      }
      return;
    case 'static_select': {
      const options = Array.isArray(e.options) ? e.options : [];
      if (options.length === 0 || options.length > LIMITS.selectOptions) {
        errors.push(`${where}.options: 1 to ${LIMITS.selectOptions} options`);
      }
      options.forEach((o, i) => {
        option(o, `${where}.options[${i}]`, errors);
      });
      if (e.initial_option !== undefined) option(e.initial_option, `${where}.initial_option`, errors);
      return;
    }
    case 'plain_text_input':
      maxLen(e.initial_value, `${where}.initial_value`, LIMITS.initialValue, errors);
      if (e.placeholder !== undefined) {
        textObject(e.placeholder, `${where}.placeholder`, LIMITS.placeholder, errors, true);
      }
      return;
    case 'file_input':
      return;
    case 'image':
      maxLen(e.image_url, `${where}.image_url`, LIMITS.url, errors);
      return;
    default:
      errors.push(`${where}.type: unknown element type ${String(e.type)}`);
  }
}

function block(v: unknown, where: string, errors: Errors, inModal: boolean): void {
  const b = obj(v);
  if (!b) return void errors.push(`${where}: must be a block`);
  maxLen(b.block_id, `${where}.block_id`, LIMITS.blockId, errors);
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) errors.push(`${where}: needs text or fields`);
      if (b.text !== undefined) textObject(b.text, `${where}.text`, LIMITS.sectionText, errors);
      const fields = Array.isArray(b.fields) ? b.fields : [];
      if (fields.length > LIMITS.sectionFields)
        errors.push(`${where}.fields: at most ${LIMITS.sectionFields}`);
      fields.forEach((f, i) => {
        textObject(f, `${where}.fields[${i}]`, LIMITS.sectionFieldText, errors);
      });
      if (b.accessory !== undefined) element(b.accessory, `${where}.accessory`, errors);
      return;
    }
    case 'header':
      textObject(b.text, `${where}.text`, LIMITS.headerText, errors, true);
      return;
    case 'divider':
      return;
    case 'context': {
      const els = Array.isArray(b.elements) ? b.elements : [];
      if (els.length === 0 || els.length > LIMITS.contextElements) {
        errors.push(`${where}.elements: 1 to ${LIMITS.contextElements}`);
      }
      els.forEach((el, i) => {
        const o = obj(el);
        if (o?.type === 'image') maxLen(o.image_url, `${where}.elements[${i}].image_url`, LIMITS.url, errors);
        else textObject(el, `${where}.elements[${i}]`, LIMITS.contextText, errors);
      });
      return;
    }
    case 'actions': {
      const els = Array.isArray(b.elements) ? b.elements : [];
      if (els.length === 0 || els.length > LIMITS.actionsElements) {
        errors.push(`${where}.elements: 1 to ${LIMITS.actionsElements}`);
      }
      const ids = new Set<string>();
      els.forEach((el, i) => {
        element(el, `${where}.elements[${i}]`, errors);
        const id = obj(el)?.action_id;
        if (typeof id === 'string') {
          if (ids.has(id)) errors.push(`${where}.elements[${i}].action_id: duplicate ${id}`);
          ids.add(id);
        }
      });
      return;
    }
    case 'input':
      if (!inModal) errors.push(`${where}: input blocks only in modals`);
      textObject(b.label, `${where}.label`, LIMITS.inputLabel, errors, true);
      element(b.element, `${where}.element`, errors);
      return;
    case 'image':
      maxLen(b.image_url, `${where}.image_url`, LIMITS.url, errors);
      return;
    default:
      errors.push(`${where}.type: unknown block type ${String(b.type)}`);
  }
}

/** Problems with a message's text and blocks (empty when fine). */
export function messageProblems(
  text: unknown,
  blocks: unknown,
): { error: string; errors: string[] } | undefined {
  if (typeof text === 'string' && text.length > LIMITS.messageText) {
    return { error: 'msg_too_long', errors: [`text: at most ${LIMITS.messageText} characters`] };
  }
  if (blocks === undefined) {
    if (typeof text !== 'string' || text.length === 0)
      return { error: 'no_text', errors: ['text or blocks'] };
    return undefined;
  }
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks', errors: ['blocks: must be an array'] };
  const errors: Errors = [];
  if (blocks.length > LIMITS.messageBlocks) errors.push(`blocks: at most ${LIMITS.messageBlocks}`);
  blocks.forEach((b, i) => {
    block(b, `blocks[${i}]`, errors, false);
  });
  return errors.length > 0 ? { error: 'invalid_blocks', errors } : undefined;
}

/** Problems with a modal view (empty when fine). */
export function viewProblems(view: unknown): string[] {
  const v = obj(view);
  if (!v) return ['view: must be an object'];
  const errors: Errors = [];
  if (v.type !== 'modal') errors.push('view.type: must be modal');
  textObject(v.title, 'view.title', LIMITS.modalTitle, errors, true);
  if (v.submit !== undefined) textObject(v.submit, 'view.submit', LIMITS.modalButton, errors, true);
  if (v.close !== undefined) textObject(v.close, 'view.close', LIMITS.modalButton, errors, true);
  maxLen(v.private_metadata, 'view.private_metadata', LIMITS.privateMetadata, errors);
  maxLen(v.callback_id, 'view.callback_id', LIMITS.callbackId, errors);
  const blocks = Array.isArray(v.blocks) ? v.blocks : [];
  if (blocks.length > LIMITS.modalBlocks) errors.push(`view.blocks: at most ${LIMITS.modalBlocks}`);
  const hasInput = blocks.some((b) => obj(b)?.type === 'input');
  if (hasInput && v.submit === undefined) errors.push('view.submit: required when the view has inputs');
  blocks.forEach((b, i) => {
    block(b, `view.blocks[${i}]`, errors, true);
  });
  return errors;
}
