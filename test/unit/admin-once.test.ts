// One-time form keys: a re-posted form (a reload of its answer) is recognised for a day.
import { describe, expect, it } from 'vitest';
import { firstPost, onceKey } from '../../admin/lib/once.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('firstPost', () => {
  it('says yes once per key, again after a day, and always to a form without a key', () => {
    const key = onceKey();
    expect(key).not.toBe(onceKey());
    expect(firstPost(key, 1_000)).toBe(true);
    expect(firstPost(key, 2_000)).toBe(false);
    expect(firstPost(key, 1_000 + DAY)).toBe(true);
    expect(firstPost('', 1_000)).toBe(true);
    expect(firstPost('', 1_000)).toBe(true);
  });

  it('stays bounded under a flood of keys, still recognising the newest', () => {
    let last = '';
    for (let i = 0; i < 25_000; i++) firstPost((last = `k${i}`), 5_000);
    expect(firstPost(last, 5_001)).toBe(false);
  });
});
