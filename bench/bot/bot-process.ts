/**
 * The bot as its own process, the way `npm start` runs it (engine + Discord adapter over the
 * real discord.js client), so its memory is measured without the simulator's or the fake
 * Discord's. Configured entirely by environment (plus `BENCH_ENGINE_TIMING`, JSON engine
 * timing overrides); reports over IPC (see `bot-messages.ts`).
 */
import { loadConfig } from '../../src/config/config.ts';
import { createEngineFromConfig } from '../../src/engine/create-engine.ts';
import type { EngineOptions } from '../../src/engine/engine-options.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { startDiscord } from '../../src/platforms/discord/start-discord.ts';
import type { FromBot, ToBot } from './bot-messages.ts';
import { PeakMemory } from './peak-memory.ts';

function send(message: FromBot): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig(process.env);
  const timing = JSON.parse(process.env.BENCH_ENGINE_TIMING ?? '{}') as EngineOptions['timing'];
  const engine = await createEngineFromConfig(config, {
    logger: silentLogger,
    overrides: timing ? { timing } : {},
  });
  const discord = await startDiscord({ config, engine, logger: silentLogger });
  await engine.start();
  const memory = new PeakMemory();
  if (process.env.BENCH_REPORT_STATES === '1') {
    engine.events.on('state', (job) =>
      send({ type: 'state', jobId: job.id, state: job.state, at: Date.now() }),
    );
  }
  engine.events.on('delivered', (job) => send({ type: 'delivered', jobId: job.id, at: Date.now() }));
  process.on('message', (message: ToBot) => {
    if (message.type === 'memory') {
      send({ type: 'memory', figures: memory.figures() });
      if (message.reset) memory.reset();
    } else if (message.type === 'stop') {
      memory.stop();
      void discord
        .stop()
        .then(() => engine.stop())
        .finally(() => process.exit(0));
    }
  });
  // The bench going away must not leave a bot behind.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', startMs: performance.now() - started });
}

main().catch((err: unknown) => {
  send({ type: 'failed-to-start', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
