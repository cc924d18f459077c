/** `▰▰▰▰▰▰▱▱▱▱ 60%`: plain characters, so it reads the same in an embed, Block Kit and a terminal. */
export function progressBar(percent: number, segments = 10): string {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  const full = Math.round((p / 100) * segments);
  return `${'▰'.repeat(full)}${'▱'.repeat(segments - full)} ${p}%`;
}
