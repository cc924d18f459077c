import { describe, expect, it } from 'vitest';
import { InvalidParameterError, VideoNotFoundError } from '../../src/video/errors.ts';
import { validateCreateInput, validateRemixInput } from '../../src/video/validate-request.ts';
import { assertUserVideoId, assertVideoId, videoPath } from '../../src/video/video-id.ts';

const limits = { sizes: ['1280x720', '720x1280'], seconds: [4, 8, 12], models: ['sora-2'] };

function paramOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidParameterError);
    return (err as InvalidParameterError).param;
  }
  throw new Error('expected InvalidParameterError');
}

describe('validateCreateInput', () => {
  it('accepts an offered request', () => {
    expect(() =>
      validateCreateInput(
        { prompt: 'a red fox in snow', size: '1280x720', seconds: 8, model: 'sora-2' },
        limits,
      ),
    ).not.toThrow();
  });

  it.each([
    ['an empty prompt', { prompt: '' }, 'prompt'],
    ['a whitespace prompt', { prompt: ' \n\t ' }, 'prompt'],
    ['an over-long prompt', { prompt: 'x'.repeat(4001) }, 'prompt'],
    ['a size not offered', { prompt: 'p', size: '1920x1080' }, 'size'],
    ['a malformed size', { prompt: 'p', size: 'big' }, 'size'],
    ['seconds not offered', { prompt: 'p', seconds: 5 }, 'seconds'],
    ['fractional seconds', { prompt: 'p', seconds: 4.5 }, 'seconds'],
    ['a model not offered', { prompt: 'p', model: 'veo-9' }, 'model'],
  ])('refuses %s naming the parameter', (_name, input, param) => {
    expect(paramOf(() => validateCreateInput(input, limits))).toBe(param);
  });

  it('honours a configured prompt limit and names both numbers', () => {
    try {
      validateCreateInput({ prompt: 'x'.repeat(11) }, { maxPromptChars: 10 });
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as Error).message).toContain('11 characters');
      expect((err as Error).message).toContain('limit is 10');
    }
  });
});

describe('validateRemixInput', () => {
  it('refuses remix prompts over 1000 characters in the form dialect only', () => {
    const input = { videoId: 'video_1', prompt: 'y'.repeat(1001) };
    expect(paramOf(() => validateRemixInput(input, 'form'))).toBe('prompt');
    expect(() => validateRemixInput(input, 'openai')).not.toThrow();
  });

  it('refuses an empty remix prompt', () => {
    expect(paramOf(() => validateRemixInput({ videoId: 'video_1', prompt: '  ' }, 'openai'))).toBe('prompt');
  });
});

describe('video ids', () => {
  const litellm = `video_${Buffer.from(`vertex_ai/projects/p/operations/${'ab'.repeat(100)}\xfb\xff?`, 'latin1').toString('base64')}`;

  it.each(['..', '.', 'video\u0000', 'a\nb', '', 'x'.repeat(1025)])(
    'refuses %j locally as not a video id',
    (id) => {
      expect(() => assertVideoId(id)).toThrow(VideoNotFoundError);
      expect(() => assertVideoId(id)).toThrow(/doesn't look like a video id/);
    },
  );

  it('accepts ids of any printable characters up to 1024, LiteLLM base64 ids with / + = included', () => {
    expect(litellm.length).toBeGreaterThan(200);
    expect(litellm).toMatch(/[/+]/);
    expect(litellm).toMatch(/=$/);
    for (const id of [litellm, 'sora-2:task_01J', 'job-abc', 'x'.repeat(1024), 'video 1']) {
      expect(() => assertVideoId(id)).not.toThrow();
    }
  });

  it('path-escapes every id, so / + = ? # stay inside one path segment', () => {
    expect(videoPath('video_a?b#c', '/content')).toBe('/videos/video_a%3Fb%23c/content');
    expect(videoPath('e3215864-dd3c-49b1-8475-e4669b6d5c33')).toBe(
      '/videos/e3215864-dd3c-49b1-8475-e4669b6d5c33',
    );
    const path = videoPath(litellm, '/remix');
    expect(path.split('/')).toHaveLength(4); // '', 'videos', the id, 'remix'
    expect(decodeURIComponent(path.split('/')[2] ?? '')).toBe(litellm);
  });

  it.each(['../admin', 'video_1/../../x', '/videos', 'a/./b', 'video 1', 'video_%2e%2e', 'a?b'])(
    'refuses the typed id %j as a path trick or not an id',
    (id) => {
      expect(() => assertUserVideoId(id)).toThrow(VideoNotFoundError);
    },
  );

  it('accepts typed ids that upstreams really issue, base64 ones included', () => {
    for (const id of [litellm, 'video_68d7512d', 'task_abc', 'job-1', 'sora-2:task_01J']) {
      expect(() => assertUserVideoId(id)).not.toThrow();
    }
  });
});
