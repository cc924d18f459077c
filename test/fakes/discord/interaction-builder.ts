/**
 * Builds INTERACTION_CREATE payloads as Discord sends them: slash commands (option types taken
 * from the registered command, attachments resolved), autocomplete, buttons and modal submits.
 */
import { randomBytes } from 'node:crypto';
import type { FakeState, Json, StoredAttachment } from './fake-state.ts';
import { snowflake } from './fake-state.ts';
import { BOT_PERMISSIONS, type FakeUser, type Fixtures } from './fixtures.ts';

/** A file a user attaches to a slash command option. */
export interface FakeUpload {
  filename: string;
  bytes: Uint8Array;
  contentType: string;
}

export type OptionValue = string | number | boolean | FakeUpload;

export interface InteractionBase {
  /** @default fixtures.users.alice */
  user?: FakeUser;
  /** @default the `general` channel */
  channelId?: string;
  /** @default 'en-US' */
  locale?: string;
  /** `attachment_size_limit` of this interaction. @default the guild's upload limit */
  attachmentSizeLimit?: number;
  /** Bot permissions in the channel, as a bitfield. @default the invite permissions */
  appPermissions?: bigint;
}

export interface CommandSpec extends InteractionBase {
  name: string;
  group?: string;
  subcommand?: string;
  options?: Record<string, OptionValue>;
}

export interface BuiltInteraction {
  payload: Json;
  id: string;
  token: string;
  user: FakeUser;
  channelId: string;
  attachmentSizeLimit: number;
}

const isUpload = (v: OptionValue): v is FakeUpload => typeof v === 'object' && v !== null && 'bytes' in v;

export class InteractionBuilder {
  constructor(
    private readonly state: FakeState,
    private readonly fixtures: Fixtures,
    private readonly origin: () => string,
  ) {}

  base(type: number, spec: InteractionBase, data: Json): BuiltInteraction {
    const f = this.fixtures;
    const user = spec.user ?? f.users.alice;
    const member = f.guild.members.find((m) => m.user.id === user.id);
    if (!member) throw new Error(`fake discord: ${user.username} is not a member of the guild`);
    const channelId = spec.channelId ?? f.channels.general.id;
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb24${randomBytes(48).toString('base64url')}`;
    const attachmentSizeLimit = spec.attachmentSizeLimit ?? f.guild.uploadLimit;
    const dm = this.state.dmChannels.get(channelId);
    if (dm) {
      // A click in the bot's DM with the user: no guild, no member, the user as `user`.
      if (dm.recipientId !== user.id)
        throw new Error(`fake discord: ${user.username} is not in DM ${channelId}`);
      const payload: Json = {
        id,
        application_id: f.applicationId,
        type,
        token,
        version: 1,
        channel_id: channelId,
        channel: { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [user] },
        user,
        app_permissions: (spec.appPermissions ?? BOT_PERMISSIONS).toString(),
        locale: spec.locale ?? 'en-US',
        entitlements: [],
        authorizing_integration_owners: { '0': f.guild.id },
        context: 1,
        attachment_size_limit: attachmentSizeLimit,
        data,
      };
      return { payload, id, token, user, channelId, attachmentSizeLimit };
    }
    const channel = f.guild.channels.find((c) => c.id === channelId);
    if (!channel) throw new Error(`fake discord: unknown channel ${channelId}`);
    const payload: Json = {
      id,
      application_id: f.applicationId,
      type,
      token,
      version: 1,
      guild_id: f.guild.id,
      channel_id: channelId,
      channel,
      member: {
        user,
        roles: member.roles,
        permissions: member.permissions.toString(),
        nick: null,
        avatar: null,
        joined_at: member.joined_at,
        premium_since: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        communication_disabled_until: null,
      },
      app_permissions: (spec.appPermissions ?? BOT_PERMISSIONS).toString(),
      locale: spec.locale ?? 'en-US',
      guild_locale: f.guild.preferred_locale,
      entitlements: [],
      authorizing_integration_owners: { '0': f.guild.id },
      context: 0,
      attachment_size_limit: attachmentSizeLimit,
      data,
    };
    return { payload, id, token, user, channelId, attachmentSizeLimit };
  }

  /** The registered definition of `name` (guild commands win over global ones, as in the client). */
  command(name: string): Json {
    const guild = this.state.commands.get(this.fixtures.guild.id) ?? [];
    const global = this.state.commands.get('global') ?? [];
    const cmd = [...guild, ...global].find((c) => c.name === name);
    if (!cmd) throw new Error(`fake discord: /${name} is not registered, users cannot run it`);
    return cmd;
  }

  chatInput(spec: CommandSpec, focused?: { name: string; value: string }): BuiltInteraction {
    const cmd = this.command(spec.name);
    let defs = (cmd.options ?? []) as Json[];
    const resolved: { attachments: Record<string, Json> } = { attachments: {} };
    const wrap: { name: string; type: number }[] = [];
    for (const [name, type] of [
      [spec.group, 2],
      [spec.subcommand, 1],
    ] as const) {
      if (!name) continue;
      const def = defs.find((d) => d.name === name && d.type === type);
      if (!def) throw new Error(`fake discord: /${spec.name} has no ${name}`);
      wrap.push({ name, type });
      defs = (def.options ?? []) as Json[];
    }
    let options: Json[] = Object.entries(spec.options ?? {}).map(([name, value]) => {
      const def = defs.find((d) => d.name === name);
      if (!def) throw new Error(`fake discord: /${spec.name} has no option ${name}`);
      if (isUpload(value)) {
        const att = this.upload(value);
        resolved.attachments[att.id] = wireAttachment(att);
        return { name, type: def.type, value: att.id };
      }
      return { name, type: def.type, value };
    });
    if (focused) {
      const def = defs.find((d) => d.name === focused.name);
      if (!def?.autocomplete) throw new Error(`fake discord: option ${focused.name} has no autocomplete`);
      options = options.filter((o) => o.name !== focused.name);
      options.push({ name: focused.name, type: def.type, value: focused.value, focused: true });
    }
    for (const w of wrap.reverse()) options = [{ ...w, options }];
    const data: Json = { id: cmd.id, name: spec.name, type: 1, options };
    if (cmd.guild_id) data.guild_id = cmd.guild_id;
    if (Object.keys(resolved.attachments).length > 0) data.resolved = resolved;
    return this.base(focused ? 4 : 2, spec, data);
  }

  private upload(file: FakeUpload): StoredAttachment {
    const id = snowflake();
    const url = `${this.origin()}/attachments/uploads/${id}/${encodeURIComponent(file.filename)}`;
    const att: StoredAttachment = {
      id,
      filename: file.filename,
      size: file.bytes.length,
      content_type: file.contentType,
      url,
      proxy_url: url,
      bytes: Buffer.from(file.bytes),
    };
    this.state.cdn.set(id, att);
    return att;
  }
}

export function wireAttachment(a: StoredAttachment): Json {
  const { bytes: _b, ...wire } = a;
  return { ...wire, ephemeral: true };
}
