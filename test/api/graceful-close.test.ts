import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/test-server.js';

/**
 * Closing (SIGTERM in a rolling restart) drains: a request that was arriving when the server
 * began to close is served as usual, never answered 503 by Fastify, and its connection closes
 * after the answer, so a proxy sends nothing more to this instance on it.
 */
describe('closing the server', () => {
  it('answers a request that was arriving when close began, with Connection: close, and no 503', async () => {
    const server = await startTestServer();
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const ended = once(socket, 'close');
    // The request has begun (its first line), so the connection is busy, not idle, when close begins.
    socket.write('GET /healthz HTTP/1.1\r\nHost: gatehouse.test\r\n');

    const closing = server.close();
    // Close has begun once the port refuses new connections.
    await expect.poll(() => refuses(Number(port))).toBe(true);
    socket.write('\r\n');
    await ended;
    await closing;

    const [head] = received.split('\r\n\r\n');
    expect(head?.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(head?.toLowerCase()).toContain('\r\nconnection: close');
  });
});

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(port, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', () => resolve(true));
  });
}
