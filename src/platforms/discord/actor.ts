/**
 * Who is acting, from a discord.js interaction: Manage Server, `ADMIN_USERS` or a role in
 * `ADMIN_ROLES` makes an admin.
 */
import { type BaseInteraction, GuildMember, PermissionFlagsBits } from 'discord.js';
import type { Config } from '../../config/config.ts';
import type { Actor } from '../../engine/engine-api.ts';

export function actorOf(i: BaseInteraction, config: Pick<Config, 'ADMIN_USERS' | 'ADMIN_ROLES'>): Actor {
  const member = i.member;
  const roles =
    member instanceof GuildMember
      ? [...member.roles.cache.keys()]
      : Array.isArray(member?.roles)
        ? member.roles
        : [];
  const displayName =
    member instanceof GuildMember ? member.displayName : (i.user.globalName ?? i.user.username);
  const isAdmin =
    (i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false) ||
    config.ADMIN_USERS.includes(i.user.id) ||
    config.ADMIN_USERS.includes(`discord:${i.user.id}`) ||
    roles.some((r) => config.ADMIN_ROLES.includes(r));
  return { platform: 'discord', userId: i.user.id, displayName, isAdmin, roles };
}
