/**
 * The payloads Slack sends an app for a slash command, a button click and a modal submission,
 * in the shapes documented for Socket Mode envelopes and request URLs.
 */
import type { Block, FakeFile, FakeMessage, FakeSlackState, FakeView } from './fake-slack-state.ts';

export interface Workspace {
  teamId: string;
  teamDomain: string;
  appId: string;
  /** Legacy verification token Slack still includes. */
  verificationToken: string;
}

export function slashCommandPayload(
  ws: Workspace,
  state: FakeSlackState,
  args: {
    command: string;
    text: string;
    user: string;
    channel: string;
    triggerId: string;
    responseUrl: string;
  },
): Record<string, string> {
  const user = state.ensureUser(args.user);
  const channel = state.ensureChannel(args.channel);
  return {
    token: ws.verificationToken,
    team_id: ws.teamId,
    team_domain: ws.teamDomain,
    channel_id: channel.id,
    channel_name: channel.name,
    user_id: user.id,
    user_name: user.name,
    command: args.command,
    text: args.text,
    api_app_id: ws.appId,
    is_enterprise_install: 'false',
    response_url: args.responseUrl,
    trigger_id: args.triggerId,
  };
}

/** Find the button `actionId` in a message's blocks (actions blocks and section accessories). */
export function findButton(
  message: FakeMessage,
  actionId: string,
): { blockId: string; element: Record<string, unknown> } | undefined {
  for (const b of message.blocks) {
    const blockId = typeof b.block_id === 'string' ? b.block_id : '';
    const elements = Array.isArray(b.elements) ? b.elements : b.accessory ? [b.accessory] : [];
    for (const e of elements as Record<string, unknown>[]) {
      if (e.type === 'button' && e.action_id === actionId) return { blockId, element: e };
    }
  }
  return undefined;
}

export function blockActionsPayload(
  ws: Workspace,
  state: FakeSlackState,
  args: {
    user: string;
    message: FakeMessage;
    blockId: string;
    element: Record<string, unknown>;
    triggerId: string;
    responseUrl: string;
  },
): Record<string, unknown> {
  const user = state.ensureUser(args.user);
  const channel = state.ensureChannel(args.message.channel);
  const m = args.message;
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: ws.teamId },
    api_app_id: ws.appId,
    token: ws.verificationToken,
    container: {
      type: 'message',
      message_ts: m.ts,
      channel_id: m.channel,
      is_ephemeral: false,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    },
    trigger_id: args.triggerId,
    team: { id: ws.teamId, domain: ws.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    message: {
      type: 'message',
      ts: m.ts,
      text: m.text,
      blocks: m.blocks,
      user: m.user,
      ...(m.botId ? { bot_id: m.botId } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    },
    state: { values: {} },
    response_url: args.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: args.element.action_id,
        block_id: args.blockId,
        text: args.element.text,
        ...(args.element.value !== undefined ? { value: args.element.value } : {}),
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

/** A value a test gives for one input: text, a select's option value, or files for a file input. */
export type InputValue = string | { files: FakeFile[] } | null;

/**
 * Build `view.state.values` from `{ action_id: value }`, using the stored view's own blocks so
 * a value can only be given for an input that really exists, and a select only takes one of its options.
 */
export function viewStateValues(
  view: FakeView,
  values: Record<string, InputValue>,
  origin: string,
): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  const blocks = (Array.isArray(view.view.blocks) ? view.view.blocks : []) as Block[];
  const seen = new Set<string>();
  for (const b of blocks) {
    if (b.type !== 'input') continue;
    const el = b.element as Record<string, unknown>;
    const actionId = String(el.action_id);
    const blockId = String(b.block_id);
    const given = values[actionId];
    if (given !== undefined) seen.add(actionId);
    out[blockId] = { [actionId]: inputState(el, given ?? null, actionId, origin) };
  }
  const unknown = Object.keys(values).filter((k) => !seen.has(k));
  if (unknown.length > 0) throw new Error(`the modal has no input with action_id ${unknown.join(', ')}`);
  return out;
}

function inputState(
  el: Record<string, unknown>,
  given: InputValue,
  actionId: string,
  origin: string,
): Record<string, unknown> {
  switch (el.type) {
    case 'plain_text_input':
      return { type: 'plain_text_input', value: typeof given === 'string' ? given : null };
    case 'static_select': {
      const options = (el.options ?? []) as { text: unknown; value: string }[];
      const initial = el.initial_option as { text: unknown; value: string } | undefined;
      if (given === null) return { type: 'static_select', selected_option: initial ?? null };
      const chosen = options.find((o) => o.value === given);
      if (!chosen) throw new Error(`${actionId} has no option ${JSON.stringify(given)}`);
      return { type: 'static_select', selected_option: chosen };
    }
    case 'file_input': {
      const files = given !== null && typeof given === 'object' ? given.files : [];
      return { type: 'file_input', files: files.map((f) => fileJson(f, origin)) };
    }
    default:
      throw new Error(`unsupported input element ${String(el.type)}`);
  }
}

export function viewSubmissionPayload(
  ws: Workspace,
  state: FakeSlackState,
  args: { view: FakeView; user: string; values: Record<string, unknown>; triggerId: string },
): Record<string, unknown> {
  const user = state.ensureUser(args.user);
  const v = args.view.view;
  return {
    type: 'view_submission',
    team: { id: ws.teamId, domain: ws.teamDomain },
    user: { id: user.id, username: user.name, name: user.name, team_id: ws.teamId },
    api_app_id: ws.appId,
    token: ws.verificationToken,
    trigger_id: args.triggerId,
    view: {
      ...v,
      id: args.view.id,
      team_id: ws.teamId,
      state: { values: args.values },
      hash: `${args.view.id}.${args.view.updates}`,
      private_metadata: v.private_metadata ?? '',
      callback_id: v.callback_id ?? '',
      app_id: ws.appId,
      bot_id: 'B0FAKEBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** A file object as Slack's API returns it (url_private* point at the fake's own file host). */
export function fileJson(f: FakeFile, origin: string): Record<string, unknown> {
  const base = `${origin}/files-pri/T0FAKE-${f.id}`;
  return {
    id: f.id,
    created: f.created,
    timestamp: f.created,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: f.name.split('.').pop() ?? '',
    user: f.user,
    size: f.size,
    url_private: `${base}/${encodeURIComponent(f.name)}`,
    url_private_download: `${base}/download/${encodeURIComponent(f.name)}`,
    shares: {
      public: Object.fromEntries(
        f.shares.map((s) => [s.channel, [{ ts: s.ts, ...(s.threadTs ? { thread_ts: s.threadTs } : {}) }]]),
      ),
    },
  };
}
