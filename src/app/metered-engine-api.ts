/**
 * The {@link EngineApi} the platforms receive: the engine itself, plus counting of what the
 * engine does not announce as events — refused submissions (by code) and failed delivery
 * attempts (each one the engine will retry). Pure delegation otherwise.
 */
import type { EngineApi, Outcome } from '../engine/engine-api.ts';
import type { Platform } from '../engine/job.ts';
import type { Surface } from '../engine/surface.ts';

/** Where the counts go (implemented by `BotMetrics`). */
export interface RefusalAndDeliveryCounter {
  refused(code: string): void;
  deliveryFailed(platform: Platform): void;
}

/** Wrap `engine` so refusals and failed delivery attempts are counted. */
export function meterEngineApi(engine: EngineApi, count: RefusalAndDeliveryCounter): EngineApi {
  const counted = async <T>(pending: Promise<Outcome<T>>): Promise<Outcome<T>> => {
    const outcome = await pending;
    if (!outcome.ok) count.refused(outcome.refusal.code);
    return outcome;
  };
  return {
    attachSurface: (platform, surface) =>
      engine.attachSurface(platform, meterSurface(platform, surface, count)),
    submit: (request) => counted(engine.submit(request)),
    reroll: (jobId, actor, place, origin) => counted(engine.reroll(jobId, actor, place, origin)),
    remixFromResult: (videoId, change, actor, place, origin) =>
      counted(engine.remixFromResult(videoId, change, actor, place, origin)),
    extendFromResult: (videoId, prompt, seconds, actor, place, origin) =>
      counted(engine.extendFromResult(videoId, prompt, seconds, actor, place, origin)),
    editFromResult: (videoId, change, actor, place, origin) =>
      counted(engine.editFromResult(videoId, change, actor, place, origin)),
    cancel: (jobId, actor) => engine.cancel(jobId, actor),
    getJob: (jobId) => engine.getJob(jobId),
    findJobByVideoId: (videoId) => engine.findJobByVideoId(videoId),
    usage: (actor, workspaceId) => engine.usage(actor, workspaceId),
    setUserLimits: (platform, workspaceId, userId, limits) =>
      engine.setUserLimits(platform, workspaceId, userId, limits),
    resetUserUsage: (platform, workspaceId, userId) => engine.resetUserUsage(platform, workspaceId, userId),
    setWorkspaceCap: (platform, workspaceId, cap) => engine.setWorkspaceCap(platform, workspaceId, cap),
    setAllowedChannels: (platform, workspaceId, channelIds) =>
      engine.setAllowedChannels(platform, workspaceId, channelIds),
    allowedChannels: (platform, workspaceId) => engine.allowedChannels(platform, workspaceId),
    lineage: (videoId, platform) => engine.lineage(videoId, platform),
    children: (videoId) => engine.children(videoId),
    recentVideos: (filter) => engine.recentVideos(filter),
    deleteResult: (jobId, actor) => counted(engine.deleteResult(jobId, actor)),
    mayDelete: (job, actor) => engine.mayDelete(job, actor),
    jobDetails: (jobId) => engine.jobDetails(jobId),
    history: (filter, page, pageSize) => engine.history(filter, page, pageSize),
    effectiveDefaults: (actor, place, options) => engine.effectiveDefaults(actor, place, options),
    videoDefaults: (platform, workspaceId, scope) => engine.videoDefaults(platform, workspaceId, scope),
    setVideoDefaults: (platform, workspaceId, scope, patch) =>
      engine.setVideoDefaults(platform, workspaceId, scope, patch),
    blocklist: (platform, workspaceId) => engine.blocklist(platform, workspaceId),
    setBlocklist: (platform, workspaceId, terms) => engine.setBlocklist(platform, workspaceId, terms),
    get choices() {
      return engine.choices;
    },
    get simulated() {
      return engine.simulated;
    },
  };
}

function meterSurface(platform: Platform, surface: Surface, count: RefusalAndDeliveryCounter): Surface {
  return {
    jobAccepted: (view) => surface.jobAccepted(view),
    jobProgress: (view) => surface.jobProgress(view),
    jobCompleted: async (view, video) => {
      try {
        return await surface.jobCompleted(view, video);
      } catch (err) {
        count.deliveryFailed(platform);
        throw err;
      }
    },
    jobFailed: (view, error) => surface.jobFailed(view, error),
    jobCancelled: (view, by) => surface.jobCancelled(view, by),
    ...(surface.jobDeleted ? { jobDeleted: (view) => surface.jobDeleted!(view) } : {}),
  };
}
