/**
 * A browser-like HTTP client: keeps cookies, fetches the CSRF cookie with a GET when it has
 * none, and echoes it in x-csrf-token on unsafe methods, as the web app does.
 */

/** The readable CSRF cookie: `__Host-gh_csrf` under an https PUBLIC_URL, else `gh_csrf`. */
export const CSRF_COOKIES = ['__Host-gh_csrf', 'gh_csrf'] as const;
export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export class HttpClient {
  readonly cookies = new Map<string, string>();
  readonly #base: string;
  readonly #defaultHeaders: Record<string, string>;
  readonly #fetch: typeof fetch;

  /** `send` replaces the global fetch, e.g. for https with a test CA (test/deploy/https-fetch.ts). */
  constructor(base: string, headers: Record<string, string> = {}, send: typeof fetch = fetch) {
    this.#base = base;
    this.#defaultHeaders = { 'user-agent': 'gatehouse-test/1.0', ...headers };
    this.#fetch = send;
  }

  /** Another client on another server (instance) that carries the same cookies. */
  cloneTo(base: string): HttpClient {
    const twin = new HttpClient(base, this.#defaultHeaders, this.#fetch);
    for (const [name, value] of this.cookies) twin.cookies.set(name, value);
    return twin;
  }

  /** The CSRF token this browser holds, as the web app reads it. */
  csrfToken(): string | undefined {
    return CSRF_COOKIES.map((name) => this.cookies.get(name)).find((token) => token !== undefined);
  }

  get<T = unknown>(path: string, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = unknown>(
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const unsafe = method !== 'GET' && method !== 'HEAD';
    if (unsafe && this.csrfToken() === undefined) await this.get('/api/auth/session');
    const all: Record<string, string> = { ...this.#defaultHeaders };
    if (this.cookies.size > 0) all.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (unsafe) all['x-csrf-token'] = this.csrfToken() ?? '';
    if (body !== undefined) all['content-type'] = 'application/json';
    Object.assign(all, headers);
    const send = this.#fetch; // called unbound, as the global fetch expects
    const response = await send(this.#base + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    this.#storeCookies(response.headers.getSetCookie());
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  #storeCookies(setCookies: string[]) {
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line);
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** A new browser signed in as the user; fails the test if the sign-in does not reach `signed_in`. */
export async function signedInClient(
  baseUrl: string,
  practiceCode: string,
  user: { readonly username: string; readonly password: string },
  headers: Record<string, string> = {},
): Promise<HttpClient> {
  const client = new HttpClient(baseUrl, headers);
  const response = await client.post<{ next?: string }>('/api/auth/login', {
    practiceCode,
    username: user.username,
    password: user.password,
  });
  if (response.status !== 200 || response.body.next !== 'signed_in') {
    throw new Error(`sign-in as ${user.username} failed: ${response.status} ${response.text}`);
  }
  return client;
}
