import type { InjectOptions } from 'fastify';
import type { AppInstance } from '../../src/http/types.ts';

/** A small HTTP client for tests: JSON in and out, optional session cookie with its CSRF token, or an API key. */
export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ClientAuth {
  cookie?: string;
  csrfToken?: string;
  apiKey?: string;
}

export class Client {
  constructor(
    readonly baseUrl: string,
    public auth: ClientAuth = {},
    /** When given, requests go through app.inject() instead of the network. */
    private readonly app?: AppInstance,
  ) {}

  /**
   * The same caller (the same credentials), sending through app.inject(): every hook, parser and
   * handler of the app, without the loopback sockets, HTTP parsing and fetch that cost about three
   * quarters of a small request. For tests that walk thousands of requests and assert answers,
   * not transport.
   */
  inProcess(app: AppInstance): Client {
    return new Client(this.baseUrl, this.auth, app);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
    const sent: Record<string, string> = { ...headers };
    if (body !== undefined && !('content-type' in sent)) sent['content-type'] = 'application/json';
    if (this.auth.cookie) sent.cookie = this.auth.cookie;
    if (this.auth.csrfToken && method !== 'GET') sent['x-csrf-token'] = this.auth.csrfToken;
    if (this.auth.apiKey) sent.authorization = `Bearer ${this.auth.apiKey}`;
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const { status, headers: received, text } = this.app ? await inject(this.app, method, path, sent, payload) : await overHttp(`${this.baseUrl}${path}`, method, sent, payload);
    let parsed: unknown = text;
    if ((received.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status, headers: received, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }

  /** Signs in and keeps the session cookie and CSRF token for later calls. */
  async signIn(email: string, password: string): Promise<Response> {
    const response = await this.post('/api/v1/auth/login', { email, password });
    if (response.status === 200) {
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jc_session='));
      this.auth = { cookie: cookie?.split(';')[0], csrfToken: response.body.csrfToken };
    }
    return response;
  }
}

/** A response before its body is parsed. */
type Answer = Omit<Response, 'body'>;

async function overHttp(url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function inject(app: AppInstance, method: string, url: string, headers: Record<string, string>, payload: string | undefined): Promise<Answer> {
  const response = await app.inject({ method: method as InjectOptions['method'], url, headers, payload });
  const received = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) received.append(name, String(one));
  }
  return { status: response.statusCode, headers: received, text: response.body };
}
