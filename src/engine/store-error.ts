/** The store could not be read or written. Nothing was half-done on purpose: callers refuse cleanly. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
