/**
 * Discord's documented limits on message payloads, checked the way Discord does: a 400
 * `Invalid Form Body` (50035) naming the offending field.
 */
import type { Json } from './fake-state.ts';

export const LIMITS = {
  content: 2000,
  customId: 100,
  buttonLabel: 80,
  actionRows: 5,
  rowComponents: 5,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  modalTitle: 45,
  textInputLabel: 45,
  textInputValue: 4000,
  autocompleteChoices: 25,
} as const;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Returns the list of problems (`field: reason`), empty when the payload is acceptable. */
export function messageProblems(body: Json): string[] {
  const out: string[] = [];
  if (typeof body.content === 'string' && body.content.length > LIMITS.content) {
    out.push(`content: Must be ${LIMITS.content} or fewer in length.`);
  }
  if (Array.isArray(body.embeds)) out.push(...embedProblems(body.embeds as Json[]));
  if (Array.isArray(body.components)) out.push(...componentProblems(body.components as Json[]));
  return out;
}

function embedProblems(embeds: Json[]): string[] {
  const out: string[] = [];
  if (embeds.length > LIMITS.embeds) out.push(`embeds: Must be ${LIMITS.embeds} or fewer in length.`);
  let total = 0;
  embeds.forEach((e, i) => {
    const check = (name: string, value: string, max: number) => {
      total += value.length;
      if (value.length > max) out.push(`embeds.${i}.${name}: Must be ${max} or fewer in length.`);
    };
    check('title', str(e.title), LIMITS.embedTitle);
    check('description', str(e.description), LIMITS.embedDescription);
    check('footer.text', str((e.footer as Json | undefined)?.text), LIMITS.footerText);
    check('author.name', str((e.author as Json | undefined)?.name), LIMITS.authorName);
    const fields = Array.isArray(e.fields) ? (e.fields as Json[]) : [];
    if (fields.length > LIMITS.embedFields) out.push(`embeds.${i}.fields: Must be 25 or fewer in length.`);
    fields.forEach((f, j) => {
      check(`fields.${j}.name`, str(f.name), LIMITS.fieldName);
      check(`fields.${j}.value`, str(f.value), LIMITS.fieldValue);
      if (str(f.name) === '' || str(f.value) === '')
        out.push(`embeds.${i}.fields.${j}: name and value required`);
    });
  });
  if (total > LIMITS.embedTotal) out.push(`embeds: total size must be ${LIMITS.embedTotal} or fewer.`);
  return out;
}

function componentProblems(rows: Json[]): string[] {
  const out: string[] = [];
  if (rows.length > LIMITS.actionRows) out.push('components: Must be 5 or fewer in length.');
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (row.type !== 1) {
      out.push(`components.${i}.type: only action rows are supported by the fake`);
      return;
    }
    const children = Array.isArray(row.components) ? (row.components as Json[]) : [];
    if (children.length === 0 || children.length > LIMITS.rowComponents) {
      out.push(`components.${i}.components: Must be between 1 and 5 in length.`);
    }
    children.forEach((c, j) => {
      const where = `components.${i}.components.${j}`;
      if (c.type !== 2) return;
      const customId = str(c.custom_id);
      if (c.style === 5) {
        if (str(c.url) === '') out.push(`${where}.url: link buttons need a url`);
      } else if (customId === '') {
        out.push(`${where}.custom_id: This field is required`);
      }
      if (customId.length > LIMITS.customId) out.push(`${where}.custom_id: Must be 100 or fewer in length.`);
      if (customId !== '' && seen.has(customId))
        out.push(`${where}.custom_id: Component custom id must be unique`);
      seen.add(customId);
      if (str(c.label).length > LIMITS.buttonLabel)
        out.push(`${where}.label: Must be 80 or fewer in length.`);
    });
  });
  return out;
}

/** Problems with a modal (callback type 9). */
export function modalProblems(data: Json): string[] {
  const out: string[] = [];
  const customId = str(data.custom_id);
  if (customId === '' || customId.length > LIMITS.customId) out.push('data.custom_id: 1-100 characters');
  const title = str(data.title);
  if (title === '' || title.length > LIMITS.modalTitle) out.push('data.title: 1-45 characters');
  const inputs = modalTextInputs(data);
  if (inputs.length === 0 || inputs.length > 5) out.push('data.components: 1-5 inputs');
  for (const input of inputs) {
    if (str(input.custom_id).length > LIMITS.customId) out.push('text input custom_id: Must be 100 or fewer');
    if (str(input.value).length > LIMITS.textInputValue) out.push('text input value: Must be 4000 or fewer');
    if (str(input.placeholder).length > 100) out.push('text input placeholder: Must be 100 or fewer');
    if (str(input.label).length > LIMITS.textInputLabel) out.push('text input label: Must be 45 or fewer');
  }
  return out;
}

/** Text inputs in a modal, whether wrapped in action rows (type 1) or labels (type 18). */
export function modalTextInputs(data: Json): Json[] {
  const rows = Array.isArray(data.components) ? (data.components as Json[]) : [];
  const out: Json[] = [];
  for (const row of rows) {
    if (Array.isArray(row.components)) {
      for (const c of row.components as Json[]) if (c.type === 4) out.push(c);
    } else if (row.component && (row.component as Json).type === 4) {
      const input = row.component as Json;
      out.push(row.label === undefined ? input : { ...input, label: row.label });
    }
  }
  return out;
}
