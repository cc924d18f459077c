/** Who acts on Slack: admin standing and locale from users.info, cached for a while. */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log/logger.ts';
import { ActorResolver } from '../../src/platforms/slack/actor-resolver.ts';
import { type FakeSlack, startFakeSlack } from '../fakes/slack/fake-slack.ts';

let fake: FakeSlack;
let client: InstanceType<typeof webApi.WebClient>;
beforeAll(async () => {
  fake = await startFakeSlack();
  client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, logLevel: webApi.LogLevel.ERROR });
  fake.addUser({ id: 'U0MEI', name: 'mei', locale: 'zh-CN' });
  fake.addUser({ id: 'U0OWNER', name: 'olga', isOwner: true });
  fake.addUser({ id: 'U0LEE', name: 'lee' });
});
afterAll(() => fake.close());

describe('ActorResolver', () => {
  it('reads the locale and admin standing, and looks each user up once within the TTL', async () => {
    let now = 1_000_000;
    const actors = new ActorResolver(client, ['U0LEE'], silentLogger, 60_000, () => now);
    expect(actors.cachedLocale('U0MEI')).toBeUndefined();
    expect(await actors.actor('U0MEI', 'm')).toMatchObject({
      locale: 'zh-CN',
      isAdmin: false,
      displayName: 'mei',
    });
    expect(actors.cachedLocale('U0MEI')).toBe('zh-CN');
    expect((await actors.actor('U0OWNER', 'o')).isAdmin).toBe(true);
    expect((await actors.actor('U0LEE', 'l')).isAdmin).toBe(true); // ADMIN_USERS
    await actors.actor('U0MEI', 'm');
    const calls = () => fake.callsTo('users.info').filter((c) => c.params.user === 'U0MEI');
    expect(calls()).toHaveLength(1);
    // After the TTL the next action looks again, and sees a changed language.
    fake.addUser({ id: 'U0MEI', locale: 'en-US' });
    now += 60_001;
    expect((await actors.actor('U0MEI', 'm')).locale).toBe('en-US');
    expect(calls()).toHaveLength(2);
  });

  it('treats a user it cannot look up as a non-admin speaking English', async () => {
    const actors = new ActorResolver(client, [], silentLogger);
    const ghost = await actors.actor('U0GHOST', 'ghost');
    expect(ghost).toMatchObject({ isAdmin: false, displayName: 'ghost' });
    expect(ghost.locale).toBeUndefined();
  });
});
