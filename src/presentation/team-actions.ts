/**
 * The team controls' buttons on a delivered result: Details for everyone, Delete for the
 * requester and admins (when the viewer is known; a shared message shows it and the engine
 * refuses anyone else, as with Cancel).
 */
import type { Job } from '../engine/job.ts';
import type { MessageKey, Vars } from './catalogue/catalogue.ts';

export type TeamAction =
  | { kind: 'details'; jobId: string; label: string }
  | { kind: 'delete'; jobId: string; label: string };

export function teamActions(
  job: Job,
  viewer: { userId: string; isAdmin: boolean } | undefined,
  text: (key: MessageKey, vars?: Vars) => string,
): TeamAction[] {
  const out: TeamAction[] = [{ kind: 'details', jobId: job.id, label: text('btn.details') }];
  const mayDelete = !viewer || viewer.isAdmin || viewer.userId === job.requester.userId;
  if (mayDelete) out.push({ kind: 'delete', jobId: job.id, label: text('btn.delete') });
  return out;
}
