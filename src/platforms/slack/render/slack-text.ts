/**
 * Safe Slack text: user input is escaped (`&`, `<`, `>` → entities) so it cannot mention
 * `@channel`/`<!here>`, a user, or smuggle a link, and cut to each field's limit.
 */

/** Slack's control characters as entities. Everything a user typed goes through this. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cut `text` to at most `max` characters, ending with an ellipsis when cut. Never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Escape then cut, without leaving half an entity at the end. */
export function safeText(text: string, max: number): string {
  const escaped = escapeSlack(text);
  if (escaped.length <= max) return escaped;
  return `${truncate(escaped, max).replace(/&[a-z]*…$/, '…')}`;
}

/** `<url|label>` with the label escaped; only http(s) links are made. */
export function link(url: string, label: string): string {
  if (!/^https?:\/\//.test(url)) return escapeSlack(label);
  return `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escapeSlack(label).replace(/\|/g, '¦')}>`;
}

/** A date Slack renders in each reader's own time zone, with `fallback` for old clients. */
export function slackDate(ms: number, format: string, fallback: string): string {
  return `<!date^${Math.floor(ms / 1000)}^${format}|${escapeSlack(fallback)}>`;
}
