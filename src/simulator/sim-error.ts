/**
 * An HTTP error the simulator answers with. Each dialect renders it in its own
 * body shape (see `dialect-profile.ts`); handlers just throw it.
 */
export interface SimErrorInit {
  /** Machine code (`invalid_parameter`, `video_not_completed`, ...); null where real servers send none. */
  code: string | null;
  /** OpenAI-style `type`; derived from the status when omitted. */
  type?: string;
  /** Which request field was wrong. */
  param?: string;
  headers?: Record<string, string>;
  /** Answer a bare text body instead of the dialect's JSON (some vendors' 404s). */
  plainText?: boolean;
}

export class SimError extends Error {
  override name = 'SimError';
  readonly status: number;
  readonly code: string | null;
  readonly type: string;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;
  readonly plainText: boolean;

  constructor(status: number, message: string, init: SimErrorInit) {
    super(message);
    this.status = status;
    this.code = init.code;
    this.type = init.type ?? defaultType(status);
    this.param = init.param;
    this.headers = init.headers ?? {};
    this.plainText = init.plainText ?? false;
  }
}

function defaultType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** 400 `invalid_parameter` naming the field. */
export function invalidParameter(param: string, message: string): SimError {
  return new SimError(400, message, { code: 'invalid_parameter', param });
}
