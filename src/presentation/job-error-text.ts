/** A job's failure as the requester reads it, in their language. */
import type { JobError } from '../engine/job.ts';
import { CATALOGUES, isMessageKey, type MessageKey, t } from './catalogue/catalogue.ts';

/**
 * The sentence for `error` in `locale`. A job stored by a version before the catalogue may carry
 * only an English `message` for a code this version does not know: that message is shown then.
 */
export function jobErrorText(locale: string | undefined, error: JobError | undefined): string {
  if (!error) return t(locale, 'error.unknown');
  const v = error.values ?? {};
  const variant = `error.${error.code}${v.status !== undefined ? '.status' : v.subject !== undefined ? `.${v.subject}` : ''}`;
  const key: MessageKey | undefined = isMessageKey(variant)
    ? variant
    : isMessageKey(`error.${error.code}`)
      ? (`error.${error.code}` as MessageKey)
      : undefined;
  // An old stored refusal of a parameter has its explanation only inside the English sentence.
  const lostDetail = key !== undefined && v.detail === undefined && CATALOGUES.en[key].includes('{detail}');
  if (key && !(lostDetail && error.message)) {
    return t(locale, key, { detail: v.detail ?? '', status: v.status ?? '' });
  }
  return error.message ?? t(locale, 'error.unknown');
}
