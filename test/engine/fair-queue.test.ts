import { describe, expect, it } from 'vitest';
import { FairQueue } from '../../src/engine/fair-queue.ts';

describe('FairQueue', () => {
  it('serves users round-robin in order of their first waiting job', () => {
    const q = new FairQueue();
    q.push('a1', 'A');
    q.push('a2', 'A');
    q.push('a3', 'A');
    q.push('b1', 'B');
    q.push('c1', 'C');
    q.push('b2', 'B');
    expect(q.order()).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
    expect(q.position('c1')).toBe(3);
    const taken = [q.shift(), q.shift(), q.shift(), q.shift(), q.shift(), q.shift(), q.shift()];
    expect(taken).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', undefined]);
  });

  it('a user who arrives after the heavy user was served goes before the heavy user', () => {
    const q = new FairQueue();
    for (let i = 1; i <= 10; i++) q.push(`a${i}`, 'A');
    expect(q.shift()).toBe('a1');
    expect(q.shift()).toBe('a2');
    q.push('b1', 'B');
    q.push('c1', 'C');
    expect(q.order().slice(0, 3)).toEqual(['b1', 'c1', 'a3']);
    expect(q.shift()).toBe('b1');
    expect(q.shift()).toBe('c1');
    expect(q.shift()).toBe('a3');
  });

  it('a job put back after a 429 is next for its user and its user goes first', () => {
    const q = new FairQueue();
    q.push('a1', 'A');
    q.push('b1', 'B');
    q.push('a2', 'A');
    expect(q.shift()).toBe('a1');
    q.pushFront('a1', 'A');
    expect(q.order()).toEqual(['a1', 'b1', 'a2']);
  });

  it('removing a job updates positions and drops empty users', () => {
    const q = new FairQueue();
    q.push('a1', 'A');
    q.push('b1', 'B');
    q.push('b2', 'B');
    expect(q.position('b2')).toBe(3);
    expect(q.remove('a1')).toBe(true);
    expect(q.remove('a1')).toBe(false);
    expect(q.position('b2')).toBe(2);
    expect(q.size).toBe(2);
    expect(q.position('a1')).toBeUndefined();
  });

  it('gives every waiting job its place in serving order through pushes, 429s, shifts and cancels', () => {
    const q = new FairQueue();
    // A fixed pseudo-random sequence (the same every run).
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const userOf = new Map<string, string>();
    for (let step = 0; step < 600; step++) {
      const roll = next(10);
      const waiting = q.order();
      if (roll < 5) {
        const id = `j${userOf.size}`;
        userOf.set(id, `u${next(6)}`);
        q.push(id, userOf.get(id)!);
      } else if (roll < 7) q.shift();
      else if (roll < 8 && waiting.length > 0) q.remove(waiting[next(waiting.length)]!);
      else {
        const taken = q.shift();
        if (taken !== undefined) q.pushFront(taken, userOf.get(taken)!);
      }
      const order = q.order();
      expect(order.map((id) => q.position(id))).toEqual(order.map((_, i) => i + 1));
    }
  });
});
