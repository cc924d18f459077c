/**
 * Traffic in the fake Discord: more people in the guild than its three fixtures (quotas and the
 * fair queue are per person), and `/video` commands spread evenly over a time window.
 */
import type { FakeDiscord, InteractionHandle } from '../../test/fakes/discord/fake-discord.ts';
import type { FakeUser } from '../../test/fakes/discord/fixtures.ts';
import { delay, waitUntil } from '../lib/wait-until.ts';

/** Add `count` ordinary members (alike to the fixture Alice) and return them. */
export function addMembers(fake: FakeDiscord, count: number): FakeUser[] {
  const members = fake.fixtures.guild.members;
  const like = members.find((m) => m.user.id === fake.users.alice.id)!;
  const added: FakeUser[] = [];
  for (let i = 0; i < count; i++) {
    const n = members.length + 1;
    const user: FakeUser = {
      id: String(310_000_000_000_000_000n + BigInt(n)),
      username: `member${n}`,
      global_name: `member ${n}`,
      discriminator: '0',
      avatar: null,
    };
    members.push({ ...like, user });
    added.push(user);
  }
  return added;
}

/**
 * `count` `/video` commands from `people` in turn, spread evenly over `withinMs` (on the gateway or
 * to the interactions endpoint, whichever the fake uses). Resolves once all were sent, not answered.
 */
export async function sendSpread(
  fake: FakeDiscord,
  people: readonly FakeUser[],
  count: number,
  withinMs: number,
  options: (i: number) => Record<string, string | number>,
): Promise<{ handles: InteractionHandle[]; sentInMs: number }> {
  const handles: InteractionHandle[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * withinMs) / count;
    const wait = due - performance.now();
    if (wait > 1) await delay(wait);
    const user = people[i % people.length]!;
    handles.push(await fake.sendCommand({ name: 'video', options: options(i), user }));
  }
  return { handles, sentInMs: performance.now() - start };
}

/**
 * Wait (up to 10 s) until every one of `handles` has its initial response, then what the fake saw
 * of them: latencies (sent → answered) and how many were late or missing. One poll over the
 * fake's state: a waiter per interaction would re-check all of them on every change and slow the
 * fake (and so the figure) down.
 */
export async function ackFigures(
  fake: FakeDiscord,
  handles: readonly InteractionHandle[],
): Promise<{ latencies: number[]; late: number }> {
  const stored = handles.map((h) => fake.state.interactions.get(h.id)!);
  await waitUntil(() => stored.every((s) => s.callback), 10_000, 'every interaction answered', 20).catch(
    () => undefined,
  );
  const latencies: number[] = [];
  let late = 0;
  for (const s of stored) {
    if (s.callback) latencies.push(s.callback.at - s.createdAt);
    if (!s.callback || s.rejectedCallbacks.length > 0) late += 1;
  }
  return { latencies, late };
}

/** Wait until every one of `handles` shows its job message (the deferred reply edited once). */
export function jobMessagesShown(handles: readonly InteractionHandle[], timeoutMs: number): Promise<true> {
  return waitUntil(
    () => handles.every((h) => (h.original()?.edits ?? 0) >= 1),
    timeoutMs,
    'every job message shown',
    50,
  );
}
