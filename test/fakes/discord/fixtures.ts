/**
 * The world the fake Discord starts with: one bot, one guild with two text channels, and a few
 * members with different permissions. Tests refer to them by name (`fake.users.alice`).
 */

/** Permission bits used by the fixtures (Discord's bitfield, as decimal strings on the wire). */
export const PERMISSIONS = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  readMessageHistory: 1n << 16n,
  useApplicationCommands: 1n << 31n,
  manageGuild: 1n << 5n,
  administrator: 1n << 3n,
} as const;

const memberBase =
  PERMISSIONS.viewChannel |
  PERMISSIONS.sendMessages |
  PERMISSIONS.embedLinks |
  PERMISSIONS.attachFiles |
  PERMISSIONS.readMessageHistory |
  PERMISSIONS.useApplicationCommands;

/** What the bot is granted in the fixture guild (the invite URL's permissions). */
export const BOT_PERMISSIONS = memberBase;

export interface FakeUser {
  id: string;
  username: string;
  global_name: string;
  discriminator: string;
  avatar: null;
  bot?: boolean;
}

export interface FakeMember {
  user: FakeUser;
  roles: string[];
  /** Effective permissions in the guild (bitfield). */
  permissions: bigint;
  nick: string | null;
  joined_at: string;
}

export interface FakeChannel {
  id: string;
  type: 0;
  guild_id: string;
  name: string;
  position: number;
  permission_overwrites: [];
  nsfw: false;
  parent_id: null;
  topic: null;
  last_message_id: null;
  rate_limit_per_user: 0;
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: string;
  position: number;
  color: 0;
  hoist: false;
  managed: false;
  mentionable: false;
  flags: 0;
}

export interface FakeGuild {
  id: string;
  name: string;
  owner_id: string;
  channels: FakeChannel[];
  roles: FakeRole[];
  members: FakeMember[];
  /** Upload limit for bot-token channel uploads (boost level), bytes. */
  uploadLimit: number;
  preferred_locale: string;
}

const user = (id: string, username: string, bot = false): FakeUser => ({
  id,
  username,
  global_name: username[0]!.toUpperCase() + username.slice(1),
  discriminator: '0',
  avatar: null,
  ...(bot ? { bot: true } : {}),
});

const channel = (id: string, guildId: string, name: string, position: number): FakeChannel => ({
  id,
  type: 0,
  guild_id: guildId,
  name,
  position,
  permission_overwrites: [],
  nsfw: false,
  parent_id: null,
  topic: null,
  last_message_id: null,
  rate_limit_per_user: 0,
});

const role = (id: string, name: string, permissions: bigint, position: number): FakeRole => ({
  id,
  name,
  permissions: permissions.toString(),
  position,
  color: 0,
  hoist: false,
  managed: false,
  mentionable: false,
  flags: 0,
});

export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** Build the default world. Ids are fixed so tests and logs are readable. */
export function defaultFixtures() {
  const guildId = '100000000000000001';
  const applicationId = '200000000000000001';
  const bot = user(applicationId, 'reelbot', true);
  const users = {
    alice: user('300000000000000001', 'alice'),
    bob: user('300000000000000002', 'bob'),
    /** Has Manage Server through the `mods` role. */
    mod: user('300000000000000003', 'mod'),
    /** Has the `crew` role (tests may list it in ADMIN_ROLES). */
    carol: user('300000000000000004', 'carol'),
  };
  const roles = {
    everyone: role(guildId, '@everyone', memberBase, 0),
    mods: role('400000000000000001', 'mods', memberBase | PERMISSIONS.manageGuild, 2),
    crew: role('400000000000000002', 'crew', memberBase, 1),
  };
  const channels = {
    general: channel('500000000000000001', guildId, 'general', 0),
    random: channel('500000000000000002', guildId, 'random', 1),
  };
  const joined = new Date(0).toISOString();
  const member = (u: FakeUser, roleIds: string[], permissions: bigint): FakeMember => ({
    user: u,
    roles: roleIds,
    permissions,
    nick: null,
    joined_at: joined,
  });
  const guild: FakeGuild = {
    id: guildId,
    name: 'Reel Friends',
    owner_id: users.mod.id,
    channels: Object.values(channels),
    roles: Object.values(roles),
    members: [
      member(bot, [], BOT_PERMISSIONS),
      member(users.alice, [], memberBase),
      member(users.bob, [], memberBase),
      member(users.mod, [roles.mods.id], memberBase | PERMISSIONS.manageGuild),
      member(users.carol, [roles.crew.id], memberBase),
    ],
    uploadLimit: DEFAULT_UPLOAD_LIMIT,
    preferred_locale: 'en-US',
  };
  return { applicationId, bot, users, roles, channels, guild };
}

export type Fixtures = ReturnType<typeof defaultFixtures>;
