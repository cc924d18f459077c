import { describe, expect, it } from 'vitest';
import { InvalidParameterError, VideoNotFoundError } from '../../src/video/errors.ts';
import { validateCreateInput, validateRemixInput } from '../../src/video/validate-request.ts';
import { assertVideoId, videoPath } from '../../src/video/video-id.ts';

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
  it.each(['../admin', 'video_1/remix', 'video 1', 'video\u0000', 'a\nb', '', 'x'.repeat(500)])(
    'refuses %j locally as not a video id',
    (id) => {
      expect(() => assertVideoId(id)).toThrow(VideoNotFoundError);
      expect(() => assertVideoId(id)).toThrow(/doesn't look like a video id/);
    },
  );

  it('path-encodes ids that are otherwise fine', () => {
    expect(videoPath('video_a?b#c', '/content')).toBe('/videos/video_a%3Fb%23c/content');
    expect(videoPath('e3215864-dd3c-49b1-8475-e4669b6d5c33')).toBe(
      '/videos/e3215864-dd3c-49b1-8475-e4669b6d5c33',
    );
  });
});
