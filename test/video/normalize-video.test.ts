import { describe, expect, it } from 'vitest';
import {
  normalizeDeleted,
  normalizeVideo,
  normalizeVideoList,
  VideoShapeError,
} from '../../src/video/normalize-video.ts';
import { toVideoStatus } from '../../src/video/video-status.ts';

// Verbatim from /work/shared/seeds/ (000, 001, 002, 003).
const SEED_000_REMIX = {
  id: 'video_68ff7cef76cc8190b7eab9395e936d9e',
  object: 'video',
  model: 'sora-2',
  status: 'queued',
  progress: 0,
  created_at: 1761574127,
  completed_at: null,
  expires_at: null,
  seconds: '8',
  size: '1280x720',
  remixed_from_video_id: 'video_68f10985d6c4819097007665bdcfba5f',
  error: null,
};
const SEED_001_REMIX = {
  id: 'video_def456789abc012345678901234567890123456789',
  object: 'video',
  created_at: 1762789902,
  status: 'queued',
  model: 'sora-2',
  prompt: '在结尾添加品牌 Logo',
  progress: 0,
  seconds: '8',
  size: '1280x720',
  remixed_from_video_id: 'video_691209aab0a08198a4e78870277f7e3d0215e09cec47a737',
};
const SEED_002_CREATE = {
  id: 'video_68f10985d6c4819097007665bdcfba5f',
  object: 'video',
  model: 'sora-2',
  status: 'queued',
  progress: 0,
  created_at: 1760627077,
  completed_at: null,
  expires_at: null,
  seconds: '8',
  size: '1280x720',
  remixed_from_video_id: null,
  error: null,
};
const SEED_003_REMIX = {
  id: 'video_8a60610c-3a5e-4ca8-be05-405f0dc635d0',
  object: 'video',
  model: 'sora_video2',
  status: 'queued',
  progress: 0,
  created_at: 1766374127,
  seconds: '10',
  size: '1280x720',
  remixed_from_video_id: 'e3215864-dd3c-49b1-8475-e4669b6d5c33',
  detail: {},
};

describe('normalizeVideo with the seed examples', () => {
  it('reads seed 000 (body-remix answer) with its source id and string seconds', () => {
    expect(normalizeVideo(SEED_000_REMIX)).toEqual({
      id: 'video_68ff7cef76cc8190b7eab9395e936d9e',
      status: 'queued',
      rawStatus: 'queued',
      progress: 0,
      model: 'sora-2',
      size: '1280x720',
      seconds: 8,
      createdAt: 1761574127,
      remixedFromVideoId: 'video_68f10985d6c4819097007665bdcfba5f',
    });
  });

  it('reads seed 001 (form dialect remix) keeping the prompt', () => {
    const v = normalizeVideo(SEED_001_REMIX);
    expect(v.prompt).toBe('在结尾添加品牌 Logo');
    expect(v.remixedFromVideoId).toBe('video_691209aab0a08198a4e78870277f7e3d0215e09cec47a737');
    expect(v.seconds).toBe(8);
  });

  it('reads seed 002 (official create) with no remix source, error or result', () => {
    const v = normalizeVideo(SEED_002_CREATE);
    expect(v).toMatchObject({ id: 'video_68f10985d6c4819097007665bdcfba5f', status: 'queued', seconds: 8 });
    expect(v.remixedFromVideoId).toBeUndefined();
    expect(v.error).toBeUndefined();
    expect(v.result).toBeUndefined();
  });

  it('reads seed 003 (json-remix-size) keeping the unprefixed source id as given and ignoring detail', () => {
    const v = normalizeVideo(SEED_003_REMIX);
    expect(v.id).toBe('video_8a60610c-3a5e-4ca8-be05-405f0dc635d0');
    expect(v.remixedFromVideoId).toBe('e3215864-dd3c-49b1-8475-e4669b6d5c33');
    expect(v.model).toBe('sora_video2');
    expect(v.seconds).toBe(10);
  });
});

describe('normalizeVideo with real-world shapes', () => {
  const now = Date.UTC(2026, 10, 1);
  const future = Math.floor(now / 1000) + 3600;

  it('takes the id from task_id when a gateway sends no id', () => {
    expect(normalizeVideo({ task_id: 'task_abc', status: 'SUCCESS', expires_at: future }, now)).toMatchObject(
      {
        id: 'task_abc',
        status: 'completed',
        rawStatus: 'SUCCESS',
        progress: 100,
      },
    );
  });

  it('reads the form dialect success with assets as a URL result with its byte size', () => {
    const v = normalizeVideo(
      {
        id: 'video_1',
        status: 'success',
        progress: 100,
        assets: [
          { url: 'https://cdn.example.com/v.mp4', quality: '1280x720', duration: 8, size_bytes: 5242880 },
        ],
      },
      now,
    );
    expect(v.result).toEqual({ kind: 'url', url: 'https://cdn.example.com/v.mp4', sizeBytes: 5242880 });
  });

  it.each([
    ['video_url', { video_url: 'https://cdn.example.com/a.mp4' }],
    ['url', { url: 'https://cdn.example.com/a.mp4' }],
    ['result.url', { result: { url: 'https://cdn.example.com/a.mp4' } }],
    ['metadata.url', { metadata: { url: 'https://cdn.example.com/a.mp4', other: 1 } }],
  ])('finds the result link in %s', (_name, extra) => {
    const v = normalizeVideo({ id: 'v', status: 'completed', ...extra }, now);
    expect(v.result).toEqual({ kind: 'url', url: 'https://cdn.example.com/a.mp4' });
  });

  it('uses the content endpoint for a completed video without links', () => {
    expect(normalizeVideo({ id: 'v', status: 'completed' }, now).result).toEqual({
      kind: 'content-endpoint',
    });
  });

  it('ignores links that are not http(s)', () => {
    expect(normalizeVideo({ id: 'v', status: 'completed', url: 'file:///etc/passwd' }, now).result).toEqual({
      kind: 'content-endpoint',
    });
  });

  it.each([
    [45, 45],
    ['45', 45],
    ['45%', 45],
    [-3, 0],
    [250, 100],
    ['lots', 0],
    [null, 0],
  ])('reads progress %j as %d', (progress, expected) => {
    expect(normalizeVideo({ id: 'v', status: 'in_progress', progress }).progress).toBe(expected);
  });

  it('reads seconds as a number and timestamps in milliseconds as seconds', () => {
    const v = normalizeVideo({ id: 'v', status: 'queued', seconds: 12, created_at: 1761574127123 });
    expect(v.seconds).toBe(12);
    expect(v.createdAt).toBe(1761574127);
  });

  it('reads ISO timestamps', () => {
    expect(normalizeVideo({ id: 'v', status: 'queued', created_at: '2025-10-27T14:08:47Z' }).createdAt).toBe(
      1761574127,
    );
  });

  it('keeps the failure code and message', () => {
    const v = normalizeVideo({
      id: 'v',
      status: 'failed',
      error: { code: 'generation_failed', message: '视频生成失败，请重试' },
    });
    expect(v.error).toEqual({ code: 'generation_failed', message: '视频生成失败，请重试' });
  });

  it('reads an error given as a bare string', () => {
    expect(normalizeVideo({ id: 'v', status: 'FAILURE', error: 'quota exhausted' }).error).toEqual({
      code: 'unknown',
      message: 'quota exhausted',
    });
  });

  it('marks a completed video whose expiry passed as expired', () => {
    const past = Math.floor(now / 1000) - 10;
    expect(normalizeVideo({ id: 'v', status: 'completed', expires_at: past }, now).status).toBe('expired');
  });

  it('maps an unknown status word to in_progress and keeps the raw word', () => {
    const v = normalizeVideo({ id: 'v', status: 'Rendering-Phase-2', progress: 30 });
    expect(v.status).toBe('in_progress');
    expect(v.rawStatus).toBe('Rendering-Phase-2');
  });

  it('tolerates unknown fields and wrongly typed descriptive extras', () => {
    const v = normalizeVideo({
      id: 'v',
      status: 'queued',
      quality: 'high',
      usage: { credits: 3 },
      model: 42,
      assets: 'none',
    });
    expect(v.id).toBe('v');
    expect(v.model).toBeUndefined();
  });

  it.each([
    ['no id', { status: 'queued' }],
    ['no status', { id: 'v' }],
    ['a string', 'hello'],
    ['null', null],
    ['a numeric status', { id: 'v', status: 3 }],
  ])('refuses %s with VideoShapeError', (_name, input) => {
    expect(() => normalizeVideo(input)).toThrow(VideoShapeError);
  });
});

describe('normalizeVideo with gateway and reseller variations', () => {
  const now = Date.UTC(2026, 10, 1);
  const nowS = Math.floor(now / 1000);

  it('reads a 202 answer of only id + polling_url as queued', () => {
    expect(
      normalizeVideo({ id: 'job-abc', polling_url: 'https://r.example/api/v1/videos/job-abc' }, now),
    ).toMatchObject({
      id: 'job-abc',
      status: 'queued',
      progress: 0,
    });
  });

  it.each([
    ['urls[]', { urls: ['https://cdn.example/a.mp4'], unsigned_urls: ['https://raw.example/a.mp4'] }],
    ['unsigned_urls[]', { unsigned_urls: ['https://cdn.example/a.mp4'] }],
    ['output_url', { output_url: 'https://cdn.example/a.mp4' }],
    ['metadata.url', { metadata: { url: 'https://cdn.example/a.mp4' } }],
    ['video_url', { video_url: 'https://cdn.example/a.mp4' }],
    ['url', { url: 'https://cdn.example/a.mp4' }],
    ['result.url', { result: { url: 'https://cdn.example/a.mp4' } }],
    ['assets[].url', { assets: [{ url: 'https://cdn.example/a.mp4' }] }],
  ])('finds the result in %s', (_where, extra) => {
    const v = normalizeVideo({ id: 'v1', status: 'completed', ...extra }, now);
    expect(v.result).toEqual({ kind: 'url', url: 'https://cdn.example/a.mp4' });
  });

  it.each([
    ['pending', 'queued'],
    ['unknown', 'in_progress'],
    ['UNKNOWN', 'in_progress'],
  ] as const)('reads the status %s as %s (still going, never a failure)', (word, status) => {
    expect(normalizeVideo({ id: 'task_1', status: word }, now)).toMatchObject({ status, rawStatus: word });
  });

  it.each([
    [{ progress: 30 }, 30],
    [{ progress: '30%' }, 30],
    [{ progress: '30' }, 30],
    [{ progress: 0.3 }, 30],
    [{ progress_pct: 0.3 }, 30],
    [{ progress_pct: 1 }, 100],
    [{ progress: 1 }, 1],
  ])('reads progress %j as %d %%', (extra, percent) => {
    expect(normalizeVideo({ id: 'v1', status: 'in_progress', ...extra }, now).progress).toBe(percent);
  });

  it('reads `created` in milliseconds instead of created_at, and objects other than video', () => {
    const v = normalizeVideo({ id: 'v1', object: 'video.generation', status: 'queued', created: now }, now);
    expect(v.createdAt).toBe(nowS);
    expect(normalizeVideo({ id: 'v1', status: 'queued', created_at: now }, now).createdAt).toBe(nowS);
  });

  it('reads errors with integer codes and Vertex status words', () => {
    const v = normalizeVideo(
      { id: 'v1', status: 'failed', error: { code: 3, message: 'bad', status: 'INVALID_ARGUMENT' } },
      now,
    );
    expect(v.error).toEqual({ code: '3', message: 'bad' });
  });

  it('unwraps a {code, data: {video}} envelope', () => {
    const v = normalizeVideo({ code: 0, message: 'ok', data: { id: 'task_9', status: 'running' } }, now);
    expect(v).toMatchObject({ id: 'task_9', status: 'in_progress' });
  });
});

describe('toVideoStatus', () => {
  it.each([
    ['queued', 'queued'],
    ['PENDING', 'queued'],
    ['submitted', 'queued'],
    ['not_start', 'queued'],
    ['preparing', 'queued'],
    ['created', 'queued'],
    ['Starting', 'queued'],
    ['waiting', 'queued'],
    ['processing', 'in_progress'],
    ['IN_PROGRESS', 'in_progress'],
    ['running', 'in_progress'],
    ['generating', 'in_progress'],
    ['in-progress', 'in_progress'],
    ['completed', 'completed'],
    ['complete', 'completed'],
    ['Success', 'completed'],
    ['succeeded', 'completed'],
    ['finished', 'completed'],
    ['done', 'completed'],
    ['failed', 'failed'],
    ['FAILURE', 'failed'],
    ['fail', 'failed'],
    ['error', 'failed'],
    ['cancelled', 'cancelled'],
    ['canceled', 'cancelled'],
    ['expired', 'expired'],
  ])('maps %s to %s', (raw, status) => {
    expect(toVideoStatus(raw)).toEqual({ status, known: true });
  });
});

describe('normalizeVideoList and normalizeDeleted', () => {
  it('reads the official list envelope', () => {
    const list = normalizeVideoList({
      object: 'list',
      data: [SEED_002_CREATE, SEED_003_REMIX],
      first_id: SEED_002_CREATE.id,
      last_id: SEED_003_REMIX.id,
      has_more: true,
    });
    expect(list.data.map((v) => v.id)).toEqual([SEED_002_CREATE.id, SEED_003_REMIX.id]);
    expect(list).toMatchObject({ hasMore: true, firstId: SEED_002_CREATE.id, lastId: SEED_003_REMIX.id });
  });

  it('reads a bare array', () => {
    expect(normalizeVideoList([SEED_001_REMIX]).data).toHaveLength(1);
  });

  it('refuses a list whose item has no id', () => {
    expect(() => normalizeVideoList({ data: [{ status: 'queued' }] })).toThrow(VideoShapeError);
  });

  it('reads deletion answers, including an empty body', () => {
    expect(normalizeDeleted({ id: 'v', object: 'video.deleted', deleted: true }, 'v')).toEqual({
      id: 'v',
      deleted: true,
    });
    expect(normalizeDeleted(undefined, 'v')).toEqual({ id: 'v', deleted: true });
  });
});
