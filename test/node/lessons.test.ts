import { describe, expect, it } from 'vitest';
import { LESSONS, lessonSettings } from '../../src/ui/lessons';
import { LESSON_COUNT, fromQuery, toQuery } from '../../src/ui/settings';

describe('lessons and the lesson URL key', () => {
  it('every lesson preset (and its try-this) parses without a single message', () => {
    expect(LESSONS).toHaveLength(LESSON_COUNT);
    for (let n = 1; n <= LESSONS.length; n++) {
      for (const tryIt of [false, true]) {
        const { settings, messages } = lessonSettings(n, tryIt);
        expect(messages, `lesson ${n}${tryIt ? ' (try this)' : ''}`).toEqual([]);
        expect(settings.lesson).toBe(n);
        // The link round-trips: the page writes it back and a shared link reopens the same view.
        expect(fromQuery(toQuery(settings)).settings).toEqual(settings);
      }
    }
  });

  it('try-this changes something on top of the preset', () => {
    for (let n = 1; n <= LESSONS.length; n++) expect(lessonSettings(n, true).settings).not.toEqual(lessonSettings(n).settings);
  });

  it('a bad lesson number gets a message and no lesson', () => {
    for (const bad of ['0', '9', '2.5', 'x']) {
      const { settings, messages } = fromQuery(`lesson=${bad}`);
      expect(settings.lesson).toBeUndefined();
      expect(messages.join()).toContain(`"lesson=${bad}"`);
    }
    expect(fromQuery('lesson=4').settings.lesson).toBe(4);
    expect(toQuery(fromQuery('task=dial').settings)).not.toContain('lesson');
  });
});
