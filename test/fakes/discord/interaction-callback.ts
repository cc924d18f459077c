/**
 * `POST /interactions/{id}/{token}/callback`: the initial response, accepted once and only
 * within the acknowledgement window (else 10062 Unknown interaction, like Discord).
 */
import {
  type CallbackRecord,
  type Json,
  MESSAGE_FLAGS,
  messageJson,
  type StoredMessage,
} from './fake-state.ts';
import { errors, type ParsedBody } from './http-io.ts';
import { createMessage, editMessage } from './message-ops.ts';
import { LIMITS, modalProblems } from './payload-limits.ts';
import { interactionContext, interactionMetadata, type RestContext } from './rest-context.ts';

export const CALLBACK = {
  pong: 1,
  channelMessage: 4,
  deferredChannelMessage: 5,
  deferredUpdate: 6,
  updateMessage: 7,
  autocompleteResult: 8,
  modal: 9,
} as const;

export function handleCallback(
  ctx: RestContext,
  interactionId: string,
  token: string,
  body: ParsedBody,
  withResponse: boolean,
): unknown {
  const i = ctx.state.interactions.get(interactionId);
  const json = body.json ?? {};
  const record: CallbackRecord = {
    type: Number(json.type),
    ...(json.data ? { data: json.data as Json } : {}),
    files: body.files.map((f) => ({ name: f.name, size: f.bytes.length })),
    at: Date.now(),
  };
  if (!i || i.token !== token) throw errors.unknownInteraction();
  if (i.callback) {
    i.rejectedCallbacks.push(record);
    throw errors.alreadyAcknowledged();
  }
  if (Date.now() - i.createdAt > ctx.options.ackWindowMs) {
    i.rejectedCallbacks.push(record);
    throw errors.unknownInteraction();
  }
  const data = (json.data ?? {}) as Json;
  const mctx = interactionContext(ctx, i);
  const metadata = interactionMetadata(i);
  let message: StoredMessage | undefined;
  switch (record.type) {
    case CALLBACK.channelMessage:
    case CALLBACK.deferredChannelMessage: {
      if (i.type === 4) throw errors.invalidForm(['type: autocomplete interactions only take type 8']);
      message = createMessage(mctx, data, body.files, {
        type: i.type === 2 ? 20 : 19,
        ephemeralFor: i.user.id,
        interactionId: i.id,
        interactionMetadata: metadata,
        webhookId: ctx.fixtures.applicationId,
        loading: record.type === CALLBACK.deferredChannelMessage,
      });
      i.originalMessageId = message.id;
      break;
    }
    case CALLBACK.deferredUpdate:
    case CALLBACK.updateMessage: {
      const source = i.sourceMessageId ? ctx.state.messages.get(i.sourceMessageId) : undefined;
      if (!source) throw errors.invalidForm(['type: only component interactions can update a message']);
      if (record.type === CALLBACK.updateMessage) message = editMessage(mctx, source, data, body.files);
      i.originalMessageId = source.id;
      break;
    }
    case CALLBACK.autocompleteResult: {
      if (i.type !== 4) throw errors.invalidForm(['type: not an autocomplete interaction']);
      const choices = Array.isArray(data.choices) ? data.choices : [];
      if (choices.length > LIMITS.autocompleteChoices)
        throw errors.invalidForm(['data.choices: 25 or fewer']);
      break;
    }
    case CALLBACK.modal: {
      if (i.type === 5 || i.type === 4) throw errors.invalidForm(['type: cannot answer this with a modal']);
      const problems = modalProblems(data);
      if (problems.length > 0) throw errors.invalidForm(problems);
      break;
    }
    case CALLBACK.pong:
      if (i.type !== 1) throw errors.invalidForm(['type: PONG only answers PING']);
      break;
    default:
      throw errors.invalidForm([`type: unknown callback type ${record.type}`]);
  }
  i.callback = record;
  ctx.state.changed();
  if (!withResponse) return undefined;
  return {
    interaction: {
      id: i.id,
      type: i.type,
      activity_instance_id: null,
      response_message_id: message?.id ?? null,
      response_message_loading: message ? Boolean(message.flags & MESSAGE_FLAGS.loading) : null,
      response_message_ephemeral: message ? Boolean(message.flags & MESSAGE_FLAGS.ephemeral) : null,
    },
    resource: { type: record.type, ...(message ? { message: messageJson(message) } : {}) },
  };
}
