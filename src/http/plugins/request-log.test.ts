import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { loggerOptions } from '../../runtime.js';
import { deferredRequestLogger } from './request-log.js';

function serverLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const options = loggerOptions(level) as pino.LoggerOptions;
  return { logger: pino(options, sink), lines };
}

const make = (parent: pino.Logger, options: pino.ChildLoggerOptions = {}) =>
  deferredRequestLogger.call(undefined as never, parent, { reqId: 'req-7' }, options, undefined as never);

describe('a request logger made on first use', () => {
  it('makes no pino child until it writes, and answers the server level meanwhile', async () => {
    const { logger, lines } = serverLogger('warn');
    const child = vi.spyOn(logger, 'child');
    const requestLogger = make(logger);
    expect(requestLogger.level).toBe('warn');
    expect(child).not.toHaveBeenCalled();
    requestLogger.warn('written');
    expect(child).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toMatchObject([{ reqId: 'req-7', msg: 'written' }]);
  });

  it("answers a route's own level before it is made, and keeps it once made", () => {
    const { logger } = serverLogger('info');
    const requestLogger = make(logger, { level: 'error' });
    expect(requestLogger.level).toBe('error');
    requestLogger.error('made now');
    expect(requestLogger.level).toBe('error');
  });

  it('writes with the request id, censors secrets, and makes children that keep both', async () => {
    const { logger, lines } = serverLogger('info');
    const requestLogger = make(logger);
    requestLogger.warn({ user: { password: 'hunter2 secret' } }, 'careful');
    requestLogger.child({ part: 'two' }).error('broke');
    requestLogger.level = 'error';
    requestLogger.warn('now below the level');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ reqId: 'req-7', msg: 'careful', user: { password: '[redacted]' } });
    expect(lines[1]).toMatchObject({ reqId: 'req-7', part: 'two', msg: 'broke' });
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });
});
