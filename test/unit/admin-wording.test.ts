// Counts in words: no "attempt(s)", no "1 need attention".
import { describe, expect, it } from 'vitest';
import { attemptsText, needAttentionText, openAlertsText, plural } from '../../admin/lib/wording.ts';

describe('wording', () => {
  it('counts in the right number', () => {
    expect(plural(1, 'attempt')).toBe('1 attempt');
    expect(plural(3, 'attempt')).toBe('3 attempts');
    expect(needAttentionText(1)).toBe('1 needs attention now');
    expect(needAttentionText(2)).toBe('2 need attention now');
    expect(openAlertsText(1)).toBe('1 open alert waits');
    expect(openAlertsText(4)).toBe('4 open alerts wait');
  });

  it('says a held message was never attempted, whatever its counter says', () => {
    expect(attemptsText({ state: 'held', attempts: 1 })).toBe('not sent: held, because no SMTP server is configured');
    expect(attemptsText({ state: 'pending', attempts: 0 })).toBe('not tried yet');
    expect(attemptsText({ state: 'failed', attempts: 1 })).toBe('1 attempt');
    expect(attemptsText({ state: 'sent', attempts: 2 })).toBe('2 attempts');
  });
});
