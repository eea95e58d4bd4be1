import { describe, expect, it } from 'vitest';
import { createBackgroundWork, MAX_QUEUED_JOBS } from './background-work.js';

function recordingLogger() {
  const lines: { object: object; message: string }[] = [];
  return { lines, error: (object: object, message: string) => void lines.push({ object, message }) };
}

describe('background work', () => {
  it('runs jobs in order after what they wait for; a failed job is logged by name and the next still runs', async () => {
    const logger = recordingLogger();
    const work = createBackgroundWork(logger);
    const done: string[] = [];
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    work.run('first', async () => void done.push('first'), answered);
    work.run('broken', () => Promise.reject(new Error('database unavailable')));
    work.run('third', async () => void done.push('third'));
    await Promise.resolve();
    expect(done).toEqual([]);
    answer();
    await work.drain();
    expect(done).toEqual(['first', 'third']);
    expect(logger.lines).toEqual([
      { object: { job: 'broken', error: 'database unavailable' }, message: 'background job failed' },
    ]);
  });

  it(`refuses jobs beyond ${MAX_QUEUED_JOBS} waiting, and logs it`, async () => {
    const logger = recordingLogger();
    const work = createBackgroundWork(logger);
    let ran = 0;
    for (let i = 0; i <= MAX_QUEUED_JOBS; i++) work.run('flood', async () => void ran++);
    await work.drain();
    expect(ran).toBe(MAX_QUEUED_JOBS);
    expect(logger.lines).toEqual([
      { object: { job: 'flood', queued: MAX_QUEUED_JOBS }, message: 'background job refused: queue full' },
    ]);
    work.run('later', async () => void ran++);
    await work.drain();
    expect(ran).toBe(MAX_QUEUED_JOBS + 1);
  });
});
