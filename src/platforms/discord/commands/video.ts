/** `/video prompt [size] [seconds] [model] [image]`: make a video. */
import { ApplicationCommandOptionType, ApplicationCommandType, InteractionContextType } from 'discord.js';
import { formatBytes } from '../../../presentation/format-bytes.ts';
import { actorOf } from '../actor.ts';
import type { Command } from '../command.ts';
import { described, named, t } from '../i18n.ts';
import { fetchDiscordImage, IMAGE_TYPES, ImageFetchError } from '../image-fetch.ts';
import { deferNow, replyPrivately } from '../interaction-replies.ts';
import { type JobParams, startJob } from '../job-start.ts';

const choicesOf = <T extends string | number>(values: readonly T[]) =>
  values.slice(0, 25).map((v) => ({ name: String(v), value: v }));

export default {
  data: (choices) => ({
    ...named('video', '视频'),
    ...described('cmd.video'),
    type: ApplicationCommandType.ChatInput,
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        ...named('prompt', '提示词'),
        ...described('cmd.video.prompt'),
        required: true,
        max_length: 4000,
      },
      {
        type: ApplicationCommandOptionType.String,
        ...named('size', '尺寸'),
        ...described('cmd.video.size'),
        choices: choicesOf(choices.sizes),
      },
      {
        type: ApplicationCommandOptionType.Integer,
        ...named('seconds', '秒数'),
        ...described('cmd.video.seconds'),
        choices: choicesOf(choices.seconds),
      },
      {
        type: ApplicationCommandOptionType.String,
        ...named('model', '模型'),
        ...described('cmd.video.model'),
        choices: choicesOf(choices.models),
      },
      {
        type: ApplicationCommandOptionType.Attachment,
        ...named('image', '图片'),
        ...described('cmd.video.image'),
      },
      // team controls
      {
        type: ApplicationCommandOptionType.Integer,
        ...named('variants', '变体数'),
        ...described('cmd.video.variants'),
        min_value: 1,
        max_value: 4,
      },
      {
        type: ApplicationCommandOptionType.Boolean,
        ...named('private', '私密'),
        ...described('cmd.video.private'),
      },
    ],
  }),

  async execute(i, ctx) {
    const image = i.options.getAttachment('image');
    // Cheap checks first, answered at once and privately.
    if (image) {
      const type = (image.contentType ?? '').split(';')[0]!.trim();
      if (!(IMAGE_TYPES as readonly string[]).includes(type)) {
        return replyPrivately(i, t(i.locale, 'reply.imageType'), ctx.logger);
      }
      if (image.size > ctx.imagePolicy.maxBytes) {
        const vars = { size: formatBytes(image.size), limit: formatBytes(ctx.imagePolicy.maxBytes) };
        return replyPrivately(i, t(i.locale, 'reply.imageSize', vars), ctx.logger);
      }
    }
    // Private (asked, or this channel's default): the job message is an ephemeral reply.
    const hidden = i.options.getBoolean('private');
    const secret =
      hidden ??
      (await ctx.engine
        .effectiveDefaults(actorOf(i, ctx.config), { workspaceId: i.guildId ?? '', channelId: i.channelId })
        .then((d) => d.private.value)
        .catch(() => false));
    if (!(await deferNow(i, secret, ctx.logger))) return;
    const params: JobParams = { prompt: i.options.getString('prompt', true) };
    const size = i.options.getString('size');
    const seconds = i.options.getInteger('seconds');
    const model = i.options.getString('model');
    if (size) params.size = size;
    if (seconds !== null) params.seconds = seconds;
    if (model) params.model = model;
    const variants = i.options.getInteger('variants');
    if (variants !== null) params.variants = variants;
    if (hidden !== null) params.private = hidden;
    if (image) {
      try {
        const got = await fetchDiscordImage(image.url, ctx.imagePolicy);
        params.image = { data: got.data, contentType: got.contentType, fileName: image.name };
      } catch (err) {
        ctx.logger.warn('image attachment refused', { interaction: i.id, err });
        const key =
          err instanceof ImageFetchError && err.reason === 'type' ? 'reply.imageType' : 'reply.imageFetch';
        return replyPrivately(i, t(i.locale, key), ctx.logger);
      }
    }
    await startJob(i, ctx, { kind: 'submit', params });
  },
} satisfies Command;
