/**
 * Request bodies: read with a size cap, then parsed as JSON or multipart form
 * (multipart through the WHATWG `Request.formData()` parser built into Node).
 */
import type { IncomingMessage } from 'node:http';
import { readCapped } from '../net/read-capped.ts';
import { SimError } from './sim-error.ts';

export interface UploadedFile {
  data: Buffer;
  /** Content type the client declared. */
  type: string;
  name: string;
}

export interface ParsedBody {
  kind: 'json' | 'multipart' | 'empty' | 'other';
  /** Text fields (JSON values kept as sent). */
  fields: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

/** Read the whole body; 413 past `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const body = await readCapped(req, maxBytes);
  if (body === 'too_large') {
    throw new SimError(413, `Request body is larger than ${maxBytes} bytes.`, { code: 'request_too_large' });
  }
  return body;
}

export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const type = (contentType ?? '').toLowerCase();
  const empty: ParsedBody = { kind: 'empty', fields: {}, files: new Map() };
  if (type.startsWith('multipart/form-data')) return parseMultipart(raw, contentType ?? '');
  if (raw.length === 0) return empty;
  if (type.startsWith('application/json') || type === '') return parseJson(raw);
  return { ...empty, kind: 'other' };
}

function parseJson(raw: Buffer): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new SimError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
      { code: null },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SimError(400, 'The request body must be a JSON object.', { code: null });
  }
  return { kind: 'json', fields: value as Record<string, unknown>, files: new Map() };
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  let form: FormData;
  try {
    const request = new Request('http://simulator.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    });
    form = await request.formData();
  } catch {
    throw new SimError(400, 'The multipart/form-data body could not be parsed.', { code: null });
  }
  const fields: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  for (const [name, value] of form) {
    if (typeof value === 'string') fields[name] = value;
    else
      files.set(name, { data: Buffer.from(await value.arrayBuffer()), type: value.type, name: value.name });
  }
  return { kind: 'multipart', fields, files };
}
