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
  ) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
    const sent: Record<string, string> = { ...headers };
    if (body !== undefined && !('content-type' in sent)) sent['content-type'] = 'application/json';
    if (this.auth.cookie) sent.cookie = this.auth.cookie;
    if (this.auth.csrfToken && method !== 'GET') sent['x-csrf-token'] = this.auth.csrfToken;
    if (this.auth.apiKey) sent.authorization = `Bearer ${this.auth.apiKey}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: sent,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
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
