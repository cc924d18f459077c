const ELLIPSIS = '...';

/**
 * Greedy word wrap to at most `maxChars` per line. Words longer than a line are
 * split. When more than `maxLines` lines result, the last kept line ends in
 * "..." so a truncated prompt says so.
 */
export function wrapText(text: string, maxChars: number, maxLines = Number.POSITIVE_INFINITY): string[] {
  const width = Math.max(1, Math.floor(maxChars));
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > 0) {
      const joined = current ? `${current} ${rest}` : rest;
      if (joined.length <= width) {
        current = joined;
        rest = '';
      } else if (current) {
        lines.push(current);
        current = '';
      } else {
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
    }
  }
  if (current) lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(0, maxLines));
  const last = kept.pop();
  if (last === undefined) return [];
  const room = Math.max(0, width - ELLIPSIS.length);
  kept.push((last.length > room ? last.slice(0, room).trimEnd() : last) + ELLIPSIS.slice(0, width));
  return kept;
}
