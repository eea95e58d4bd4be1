import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { API_ERRORS, ApiError, type ApiErrorCode } from '../../domain/errors.js';
import { isDatabaseOutage } from '../../services/operations/database-outage.js';

/**
 * Maps every failure to the contract's shape `{"error":{"code","message"}}`. Validation
 * details stay on the server side: the client learns which field, never an echo of its input.
 */
export const errorHandler = fp(async function errorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const { code, message, extra } = classify(error);
    const status = API_ERRORS[code].status;
    if (status >= 500 && code !== 'unavailable') request.log.error({ err: error }, 'request failed');
    else if (code === 'unavailable')
      request.log.warn({ err: { message: error.message } }, 'database unavailable');
    if (code === 'unavailable') void reply.header('retry-after', '5');
    return reply.status(status).send({ error: { code, message, ...extra } });
  });
});

function classify(error: FastifyError | ApiError): {
  code: ApiErrorCode;
  message: string;
  extra: Record<string, unknown>;
} {
  if (error instanceof ApiError)
    return { code: error.code, message: error.message, extra: { ...error.extra } };
  if (isDatabaseOutage(error)) return plain('unavailable');
  if ('validation' in error && error.validation) {
    return { code: 'invalid_request', message: validationMessage(error), extra: {} };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return plain('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return plain('unsupported_media_type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        code: 'invalid_request',
        message: 'The request body is empty; send a JSON object.',
        extra: {},
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'invalid_request', message: 'The request body is not valid JSON.', extra: {} };
  }
  if (error instanceof SyntaxError || (error.statusCode !== undefined && error.statusCode < 500)) {
    return { code: 'invalid_request', message: 'The request body is not valid JSON.', extra: {} };
  }
  return plain('internal_error');
}

function plain(code: ApiErrorCode) {
  return { code, message: API_ERRORS[code].message, extra: {} };
}

/** Names the field at fault without echoing what was sent. */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return API_ERRORS.invalid_request.message;
  const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (first.keyword === 'required') {
    return `The field "${String(first.params.missingProperty)}" is required.`;
  }
  if (first.keyword === 'additionalProperties') {
    return `The field "${String(first.params.additionalProperty).slice(0, 64)}" is not allowed here.`;
  }
  const where = field ? `The field "${field}"` : 'The request body';
  if (first.keyword === 'type') return `${where} must be of type ${String(first.params.type)}.`;
  if (first.keyword === 'maxLength')
    return `${where} is too long (at most ${String(first.params.limit)} characters).`;
  if (first.keyword === 'minLength') return `${where} is too short.`;
  if (first.keyword === 'pattern') return `${where} contains characters that are not allowed.`;
  return `${where} is not valid.`;
}

/**
 * Errors the router raises before any hook runs (a malformed %-escape, a path parameter over
 * the length limit): the contract's shape instead of Fastify's, which echoes the URL back.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const code: ApiErrorCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'not_found' : 'invalid_request';
  void reply
    .status(API_ERRORS[code].status)
    .header('cache-control', 'no-store')
    .send({ error: { code, message: API_ERRORS[code].message } });
}

/** Requests Node cannot even parse (headers too large, broken HTTP): the contract's shape, then close. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ApiErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'invalid_request';
  const { status, message } = API_ERRORS[code];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
