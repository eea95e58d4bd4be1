import { readFileSync } from 'node:fs';
import net from 'node:net';

/**
 * A loopback port free right now, for a server started later (a child process, nginx, a server
 * whose PUBLIC_URL names its own port).
 *
 * Not port 0's answer: that comes from the kernel's ephemeral range, which every outgoing
 * connection of every parallel test also draws its local port from, so in the seconds before the
 * server listens a client socket could take it (CI once failed so: EADDRINUSE on 39297). Ports
 * below the ephemeral range are never handed out by the kernel; each vitest worker draws from
 * its own block of them, and this process never hands out one port twice.
 */
const BLOCK_SIZE = 1000;
const BLOCKS = 10;
const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(low) || 32768;
  } catch {
    return 32768;
  }
}

function workerBlock(): { first: number; size: number } {
  const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 0);
  const first = ephemeralRangeStart() - BLOCKS * BLOCK_SIZE + (worker % BLOCKS) * BLOCK_SIZE;
  return { first, size: BLOCK_SIZE };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const { first, size } = workerBlock();
  const start = Math.floor(Math.random() * size);
  for (let offset = 0; offset < size; offset++) {
    const port = first + ((start + offset) % size);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port left in ${first}-${first + size - 1}`);
}
