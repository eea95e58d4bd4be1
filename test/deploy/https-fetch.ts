import https from 'node:https';

/**
 * A fetch for HttpClient that speaks https to a server whose certificate the test made itself
 * (trusting only that CA, never turning verification off), from a chosen loopback address, so
 * that the address nginx sees (and forwards) differs from nginx's own 127.0.0.1.
 */
export function httpsFetch(options: { readonly ca: string; readonly localAddress: string }): typeof fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      const request = https.request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string> | undefined,
          ca: options.ca,
          localAddress: options.localAddress,
          family: 4,
          agent: false,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const headers = new Headers();
            const raw = response.rawHeaders;
            for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] ?? '', raw[i + 1] ?? '');
            const status = response.statusCode ?? 0;
            const body = [204, 304].includes(status) ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, headers }));
          });
        },
      );
      request.on('error', reject);
      request.end(typeof init.body === 'string' ? init.body : undefined);
    });
}
