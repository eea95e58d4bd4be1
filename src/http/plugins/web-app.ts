import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { API_ERRORS } from '../../domain/errors.js';

/**
 * Serves the built single-page app from dist/web; any other GET that is not under /api
 * gets index.html so the app's own router can take it. API misses stay JSON 404s.
 */
export const webApp = fp(async function webApp(app: FastifyInstance, options: { root: string }) {
  const indexFile = path.join(options.root, 'index.html');
  const hasBuild = existsSync(indexFile);
  // Read once: every page URL answers with the same small file.
  const indexHtml = hasBuild ? readFileSync(indexFile, 'utf8') : '';
  if (hasBuild) {
    await app.register(async (assets) => {
      // The app's files are public: the sign-in page must load before anyone is signed in.
      assets.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: 'public' };
      });
      await assets.register(fastifyStatic, { root: options.root, wildcard: false, index: false });
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const isPage =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      !path.extname(request.url.split('?')[0] ?? '');
    if (isPage && hasBuild) return reply.type('text/html; charset=utf-8').send(indexHtml);
    if (isPage) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built yet. Run "npm run build" (npm start does it for you).');
    }
    return reply.status(404).send({ error: { code: 'not_found', message: API_ERRORS.not_found.message } });
  });
});
