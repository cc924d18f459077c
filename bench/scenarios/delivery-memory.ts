/**
 * Scenario 5 (second part): peak RSS of the bot process while it delivers 20 videos at once,
 * with ~20 MB MP4s and with small ones (same clip, fewer keyframes), each run in a fresh bot
 * process. With streaming end to end, the big files would cost about what the small ones do;
 * the difference per delivery, against the difference in file size, says how much of each file
 * the bot holds in memory. (The first part, 1,000 jobs in flight, is measured in scenario 1.)
 */

import type { MemoryFigures } from '../bot/bot-messages.ts';
import { DiscordRig } from '../bot/discord-rig.ts';
import { prewarm } from '../lib/reused-renderer.ts';
import { waitUntil } from '../lib/wait-until.ts';
import type { BenchContext, BenchRow, ScenarioResult } from '../report/bench-row.ts';

const SCENARIO = '5 memory';
const MIB = 1024 * 1024;
const TARGET_MIB = 200;
/** A keyframe every 0.26 s of a 4 s 1280x720 clip makes a ~21 MB MP4. */
const BIG_KEYFRAME_INTERVAL = 0.26;
/** Boosted-server limit, so 20 MB files are uploaded rather than linked. */
const UPLOAD_LIMIT = 25 * MIB;

interface DeliveryRun {
  fileBytes: number;
  deliveries: number;
  baselineRss: number;
  peak: MemoryFigures;
  uploadedMp4s: number;
  /** First to last delivery confirmed, ms. */
  spreadMs: number;
}

async function deliverAtOnce(
  count: number,
  keyframeIntervalSeconds: number | undefined,
): Promise<DeliveryRun> {
  const shape = {
    width: 1280,
    height: 720,
    seconds: 4,
    ...(keyframeIntervalSeconds ? { keyframeIntervalSeconds } : {}),
  };
  const fileBytes = await prewarm(shape);
  const rig = await DiscordRig.start({
    sim: {
      timing: { queuedMs: 100, msPerVideoSecond: 100, minRunMs: 300, jitter: 0 },
      concurrencyPerKey: count,
      ...(keyframeIntervalSeconds ? { keyframeIntervalSeconds } : {}),
      mediaCacheBytes: 2 * 1024 * MIB,
    },
    // Every job's first status check falls after it finished upstream, so all completions are
    // seen together and the deliveries overlap.
    engineTiming: {
      fallbackMsPerVideoSecond: 100,
      poll: {
        firstMinMs: 1500,
        firstFraction: 0.25,
        minMs: 100,
        maxMs: 1000,
        jitter: 0,
        errorBaseMs: 200,
        errorMaxMs: 2000,
      },
    },
    env: { VIDEO_API_MAX_CONCURRENCY: String(count) },
    uploadLimit: UPLOAD_LIMIT,
  });
  try {
    const isDelivered = (h: { original(): { embeds: Array<Record<string, unknown>> } | undefined }) =>
      String(h.original()?.embeds[0]?.title ?? '').startsWith('✅');
    // Warm-up: load the delivery code paths before the peak window opens.
    const warm = await rig.burst(2, 50, (i) => ({ prompt: `bench delivery warm-up #${i}`, seconds: 4 }));
    await waitUntil(() => warm.handles.every(isDelivered), 60_000, 'warm-up deliveries', 50);
    const baseline = await rig.bot.memory(true);
    const { handles } = await rig.burst(count, 200, (i) => ({
      prompt: `bench delivery #${i}: a red kite`,
      seconds: 4,
    }));
    await waitUntil(() => handles.every(isDelivered), 120_000, `${count} deliveries`, 50);
    const peak = await rig.bot.memory();
    const uploaded = handles.filter((h) =>
      h.original()?.attachments.some((a) => a.filename.endsWith('.mp4')),
    );
    const times = handles.map((h) => rig.bot.delivered.get(String(h.id)) ?? Number.NaN);
    return {
      fileBytes,
      deliveries: count,
      baselineRss: baseline.rss,
      peak,
      uploadedMp4s: uploaded.length,
      spreadMs: Math.max(...times) - Math.min(...times),
    };
  } finally {
    await rig.close();
  }
}

export async function deliveryMemory(ctx: BenchContext): Promise<ScenarioResult> {
  const count = ctx.quick ? 5 : 20;
  const small = await deliverAtOnce(count, undefined);
  ctx.log(
    `  ${count} × ${(small.fileBytes / MIB).toFixed(1)} MiB: peak ${(small.peak.peakRss / MIB).toFixed(0)} MiB`,
  );
  const big = await deliverAtOnce(count, BIG_KEYFRAME_INTERVAL);
  ctx.log(
    `  ${count} × ${(big.fileBytes / MIB).toFixed(1)} MiB: peak ${(big.peak.peakRss / MIB).toFixed(0)} MiB`,
  );
  const growth = big.peak.peakRss - small.peak.peakRss;
  const perFileByte = growth / count / (big.fileBytes - small.fileBytes);
  const row = (r: DeliveryRun): BenchRow => ({
    scenario: SCENARIO,
    metric: `peak RSS, ${r.deliveries} deliveries of ${(r.fileBytes / MIB).toFixed(1)} MiB at once`,
    value: r.peak.peakRss / MIB,
    unit: 'MiB',
    target: `<= ${TARGET_MIB} MiB`,
    pass: r.peak.peakRss <= TARGET_MIB * MIB,
    note: `before ${(r.baselineRss / MIB).toFixed(0)} MiB; ${r.uploadedMp4s} MP4s uploaded`,
  });
  return {
    rows: [
      row(small),
      row(big),
      {
        scenario: SCENARIO,
        metric: 'RSS growth per delivery per MiB of file',
        value: perFileByte,
        unit: 'MiB/MiB',
        target: 'near 0 (streamed)',
        pass: perFileByte < 0.25,
        note: `big − small peak = ${(growth / MIB).toFixed(0)} MiB over ${count} deliveries`,
      },
    ],
    detail: { small, big },
  };
}
