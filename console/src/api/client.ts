/**
 * The one way the console talks to the server. It keeps the CSRF token of the current session,
 * sends it on every non-GET request, retries once with a fresh token when the server says the
 * token is stale, and tells the session layer when the server no longer knows who we are.
 */

const BASE = '/api/v1';

/** One entry of a problem's `errors`: where the request was wrong (`in` body/querystring/params, a JSON pointer) and how. */
export interface FieldError {
  in?: string;
  pointer?: string;
  message?: string;
}

/** An application/problem+json answer, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly requestId?: string,
    /** The problem's other members (e.g. rowErrors of a refused import, approvableAt of a held reward). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  body?: unknown;
  query?: Query;
  /** A body sent as it is (a file), with its content type, instead of JSON. */
  file?: { body: Blob; type: string };
  /** An Idempotency-Key, so that sending the same request again cannot do it twice. */
  idempotencyKey?: string;
}

let csrfToken: string | null = null;
let unauthenticatedHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request fails because the session is gone (expired, signed out elsewhere). */
export function onUnauthenticated(handler: (() => void) | null): void {
  unauthenticatedHandler = handler;
}

function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${BASE}${path}${search ? `?${search}` : ''}`;
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: Record<string, unknown> = {};
  try {
    problem = (await response.json()) as Record<string, unknown>;
  } catch {
    // A proxy or a crash may answer without a problem body; the status still says enough.
  }
  const text = (key: string) => (typeof problem[key] === 'string' ? problem[key] : undefined);
  const { type: _type, title: _title, status: _status, code: _code, detail: _detail, instance: _instance, errors: _errors, requestId: _requestId, ...extensions } = problem;
  return new ApiError(
    response.status,
    text('code') ?? `http_${response.status}`,
    text('title') ?? response.statusText,
    text('detail'),
    Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : undefined,
    text('requestId'),
    extensions,
  );
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.file) headers['content-type'] = options.file.type;
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  try {
    return await fetch(url(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.file ? options.file.body : options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  }
}

async function refreshCsrfToken(): Promise<boolean> {
  const response = await send('GET', '/auth/session', {});
  if (response.status === 401) unauthenticatedHandler?.();
  if (!response.ok) return false;
  const session = (await response.json()) as { csrfToken: string };
  csrfToken = session.csrfToken;
  return true;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(method, path, options);
  if (response.status === 403 && method !== 'GET') {
    const error = await toApiError(response.clone());
    if (error.code === 'csrf_failed' && (await refreshCsrfToken())) {
      response = await send(method, path, options);
    }
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (error.code === 'unauthenticated') unauthenticatedHandler?.();
    throw error;
  }
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T = void>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  /** POSTs a file as the body, e.g. a CSV with type text/csv; with a key, sending it again replays the first answer. */
  upload: <T>(path: string, file: Blob, type: string, idempotencyKey?: string) => request<T>('POST', path, { file: { body: file, type }, idempotencyKey }),
  delete: (path: string) => request<void>('DELETE', path),
};

/** `/workspaces/:wid/...` with every segment escaped. */
export function workspacePath(workspaceId: string, ...segments: string[]): string {
  return `/workspaces/${[workspaceId, ...segments].map(encodeURIComponent).join('/')}`;
}
