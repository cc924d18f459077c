/**
 * The fake Discord itself, driven by the real discord.js client: it must behave like Discord
 * where the adapter's correctness depends on it (acks, tokens, limits, attachments, 429, resume).
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  type ChatInputCommandInteraction,
  Client,
  type DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  type TextChannel,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions } from '../fakes/discord/fake-discord.ts';

let fake: FakeDiscord;
let client: Client;
let handler: (i: Interaction) => Promise<void>;

async function boot(options: FakeDiscordOptions = {}) {
  fake = await FakeDiscord.start(options);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  client.on(Events.InteractionCreate, (i) => {
    handler(i).catch(() => undefined);
  });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.botToken);
  await ready;
  await client.rest.put(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`, {
    body: [
      {
        name: 'echo',
        description: 'Echo',
        options: [
          { name: 'text', description: 'Text', type: 3, required: true },
          { name: 'file', description: 'File', type: 11 },
          { name: 'pick', description: 'Pick', type: 3, autocomplete: true },
        ],
      },
    ],
  });
}

const chat = (fn: (i: ChatInputCommandInteraction) => Promise<unknown>) => async (i: Interaction) => {
  if (i.isChatInputCommand()) await fn(i);
};

beforeEach(() => {
  handler = async () => undefined;
});
afterEach(async () => {
  await client?.destroy();
  await fake?.close();
});

describe('fake Discord with the real discord.js client', () => {
  it('a slash command reaches the bot with options and a deferred reply becomes the edited message', async () => {
    await boot();
    handler = chat(async (i) => {
      await i.deferReply();
      await i.editReply({ content: `echo ${i.options.getString('text')}`, allowedMentions: { parse: [] } });
    });
    const h = await fake.sendCommand({ name: 'echo', options: { text: 'hi' } });
    expect((await h.response()).type).toBe(5);
    const m = await fake.waitFor(() => (h.original()?.content === 'echo hi' ? h.original() : undefined));
    expect(m.allowed_mentions).toEqual({ parse: [] });
    expect(fake.registeredCommands()?.[0]?.name).toBe('echo');
  });

  it('a callback after the acknowledgement window is refused with 10062 Unknown interaction', async () => {
    await boot({ ackWindowMs: 100 });
    const errors: unknown[] = [];
    handler = chat(async (i) => {
      await new Promise((r) => setTimeout(r, 250));
      await i.deferReply().catch((e: unknown) => errors.push(e));
    });
    const h = await fake.sendCommand({ name: 'echo', options: { text: 'late' } });
    await fake.waitFor(() => errors.length > 0, 5000);
    expect((errors[0] as DiscordAPIError).code).toBe(10062);
    expect(fake.interactionResponses(h.id).callback).toBeUndefined();
  });

  it('an edit after the token lifetime is refused with 50027 while the bot token still edits the message', async () => {
    await boot({ tokenLifetimeMs: 300 });
    const results: unknown[] = [];
    handler = chat(async (i) => {
      const reply = await i.reply({ content: 'first', withResponse: true });
      await new Promise((r) => setTimeout(r, 400));
      await i.editReply('via token').catch((e: unknown) => results.push(e));
      const channel = (await client.channels.fetch(i.channelId)) as TextChannel;
      await channel.messages.edit(reply.resource!.message!.id, { content: 'via bot' });
      results.push('done');
    });
    const h = await fake.sendCommand({ name: 'echo', options: { text: 'x' } });
    await fake.waitFor(() => results.includes('done'), 5000);
    expect((results[0] as DiscordAPIError).code).toBe(50027);
    expect(h.original()?.content).toBe('via bot');
  });

  it('a file over the interaction attachment_size_limit is refused with 413/40005', async () => {
    await boot();
    const errors: unknown[] = [];
    handler = chat(async (i) => {
      await i.deferReply();
      await i
        .editReply({ files: [{ attachment: Buffer.alloc(2048), name: 'big.bin' }] })
        .catch((e: unknown) => {
          errors.push(e);
        });
    });
    await fake.sendCommand({ name: 'echo', options: { text: 'x' }, attachmentSizeLimit: 1024 });
    await fake.waitFor(() => errors.length > 0);
    expect((errors[0] as DiscordAPIError).status).toBe(413);
    expect((errors[0] as DiscordAPIError).code).toBe(40005);
  });

  it('an edit listing attachments keeps only those and adds the new files', async () => {
    await boot();
    const channel = (await client.channels.fetch(fake.channels.general.id)) as TextChannel;
    const sent = await channel.send({
      content: 'two files',
      files: [
        { attachment: Buffer.from('a'), name: 'a.txt' },
        { attachment: Buffer.from('b'), name: 'b.txt' },
      ],
    });
    const keep = sent.attachments.find((a) => a.name === 'b.txt')!;
    await sent.edit({ attachments: [keep], files: [{ attachment: Buffer.from('c'), name: 'c.txt' }] });
    expect(fake.message(sent.id)?.attachments.map((a) => a.filename)).toEqual(['b.txt', 'c.txt']);
    await sent.edit({ content: 'no attachment change' });
    expect(fake.message(sent.id)?.attachments).toHaveLength(2);
  });

  it('payload limits are enforced: long content and custom ids over 100 characters are refused', async () => {
    await boot();
    const channel = (await client.channels.fetch(fake.channels.general.id)) as TextChannel;
    await expect(channel.send('x'.repeat(2001))).rejects.toMatchObject({ code: 50035 });
    // Raw JSON: the builders would refuse this before it reached the wire.
    const row = { type: 1, components: [{ type: 2, style: 1, label: 'b', custom_id: 'y'.repeat(101) }] };
    await expect(channel.send({ content: 'ok', components: [row] })).rejects.toMatchObject({ code: 50035 });
  });

  it('scripted 429s are retried by discord.js and the edit lands', async () => {
    await boot();
    const channel = (await client.channels.fetch(fake.channels.general.id)) as TextChannel;
    const sent = await channel.send('v1');
    fake.rateLimit({ route: 'PATCH /channels', times: 2, retryAfter: 0.1 });
    await sent.edit('v2');
    expect(fake.message(sent.id)?.content).toBe('v2');
    expect(fake.requests('PATCH /channels').map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('the first followup after a deferral replaces the thinking message and keeps its visibility', async () => {
    await boot();
    handler = chat(async (i) => {
      await i.deferReply();
      await i.followUp({ content: 'meant to be private', flags: MessageFlags.Ephemeral });
    });
    const h = await fake.sendCommand({ name: 'echo', options: { text: 'x' } });
    const m = await fake.waitFor(() => (h.original()?.content ? h.original() : undefined));
    expect(m.content).toBe('meant to be private');
    expect(m.flags & MessageFlags.Ephemeral).toBe(0);
  });

  it('buttons, modals and autocomplete round-trip through the client', async () => {
    await boot();
    handler = async (i) => {
      if (i.isAutocomplete()) await i.respond([{ name: `opt ${i.options.getFocused()}`, value: 'v' }]);
      if (i.isChatInputCommand()) {
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder().setCustomId('open').setLabel('Open').setStyle(ButtonStyle.Primary),
        );
        await i.reply({ content: 'click', components: [row] });
      }
      if (i.isButton()) {
        const input = new TextInputBuilder().setCustomId('change').setStyle(TextInputStyle.Paragraph);
        await i.showModal(
          new ModalBuilder()
            .setCustomId('m1')
            .setTitle('Change')
            .addLabelComponents(new LabelBuilder().setLabel('Change').setTextInputComponent(input)),
        );
      }
      if (i.isModalSubmit()) await i.reply({ content: `got ${i.fields.getTextInputValue('change')}` });
    };
    expect(
      await fake.autocomplete({ name: 'echo', options: { text: 'a' }, focused: 'pick', value: 'ca' }),
    ).toEqual([{ name: 'opt ca', value: 'v' }]);
    const cmd = await fake.sendCommand({ name: 'echo', options: { text: 'x' } });
    const msg = await fake.waitFor(() => cmd.original());
    const click = await fake.clickButton(msg.id, 'open', fake.users.bob);
    expect((await click.response()).type).toBe(9);
    const submit = await fake.submitModal({
      customId: 'm1',
      fields: { change: 'sunset' },
      user: fake.users.bob,
    });
    await fake.waitFor(() => submit.original()?.content === 'got sunset');
  });

  it('an attachment option is resolved and downloadable from the fake CDN', async () => {
    await boot();
    let url = '';
    handler = chat(async (i) => {
      url = i.options.getAttachment('file')?.url ?? '';
      await i.reply('ok');
    });
    await fake.sendCommand({
      name: 'echo',
      options: {
        text: 'x',
        file: { filename: 'p.png', bytes: Buffer.from('png!'), contentType: 'image/png' },
      },
    });
    await fake.waitFor(() => url !== '');
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).toString()).toBe('png!');
  });

  it('after a dropped gateway connection the client resumes and receives the interaction', async () => {
    await boot();
    const seen: string[] = [];
    handler = chat(async (i) => {
      seen.push(i.options.getString('text') ?? '');
      await i.reply('ok');
    });
    fake.disconnectGateway();
    const h = await fake.sendCommand({ name: 'echo', options: { text: 'after drop' } });
    await fake.waitFor(() => seen.includes('after drop'), 10_000);
    await h.response();
    expect(fake.gatewayCounts.resume).toBe(1);
    expect(fake.gatewayCounts.identify).toBe(1);
  });
});
