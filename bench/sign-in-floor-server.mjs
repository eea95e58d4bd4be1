// The least a sign-in over HTTP on PostgreSQL can cost (bench/sign-in-floor.mjs): Fastify, one
// argon2id verification and TRIPS round trips of a trivial prepared statement, nothing else.
import { verify } from '@node-rs/argon2';
import Fastify from 'fastify';
import pg from 'pg';

const TRIPS = Number(process.env.TRIPS);
const HASH = process.env.PASSWORD_HASH;
// Connections stay open between rounds, as they would under steady load.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, idleTimeoutMillis: 0 });
const app = Fastify({ logger: false });
app.post('/login', async (request, reply) => {
  if (!(await verify(HASH, request.body.password))) {
    return reply.code(401).send({ error: 'invalid_credentials' });
  }
  if (TRIPS > 0) {
    const client = await pool.connect();
    try {
      for (let trip = 0; trip < TRIPS; trip++) {
        await client.query({ name: 'floor_trip', text: 'select $1::int as trip', values: [trip] });
      }
    } finally {
      client.release();
    }
  }
  reply.header('set-cookie', 'gh_session=floor; Path=/; HttpOnly; Secure; SameSite=Strict');
  return { stage: 'signed_in' };
});
app.get('/readyz', async () => ({ status: 'ready' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
