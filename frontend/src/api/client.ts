import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError, parseProblem } from '../lib/problem';
import { tokenStore } from './tokens';

function origin(): string {
  return typeof window === 'undefined' ? '' : window.location.origin;
}

// `fetch` is looked up on every call so tests can stub the global at the network boundary.
const clientOptions = { baseUrl: origin(), fetch: (request: Request) => globalThis.fetch(request) };

/** A client without the auth middleware, for the token endpoints themselves. */
const bareApi = createClient<paths>(clientOptions);

/** The typed API client of the SPA: adds the bearer token and refreshes it once on a 401. */
export const api = createClient<paths>(clientOptions);

const TOKEN_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/refresh']);

let refreshing: Promise<boolean> | null = null;

async function refreshNow(): Promise<boolean> {
  const refreshToken = tokenStore.getRefresh();
  if (!refreshToken) {
    tokenStore.clear();
    return false;
  }
  try {
    const { data } = await bareApi.POST('/api/v1/auth/refresh', { body: { refresh_token: refreshToken } });
    if (!data) {
      tokenStore.clear();
      return false;
    }
    tokenStore.set(data);
    return true;
  } catch {
    // Network failure: keep the session, the caller sees the original error.
    return false;
  }
}

/** Refreshes the token pair; concurrent callers share one request (refresh tokens rotate). */
export function refreshTokens(): Promise<boolean> {
  refreshing ??= refreshNow().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function withBearer(request: Request): Request {
  const access = tokenStore.getAccess();
  if (access) request.headers.set('Authorization', `Bearer ${access}`);
  return request;
}

const retryCopies = new Map<string, Request>();

export const authMiddleware: Middleware = {
  async onRequest({ request, schemaPath, id }) {
    if (TOKEN_PATHS.has(schemaPath)) return request;
    if (!tokenStore.getAccess() && tokenStore.getRefresh()) await refreshTokens();
    const authorized = withBearer(request);
    retryCopies.set(id, authorized.clone());
    return authorized;
  },
  async onResponse({ response, schemaPath, id }) {
    const copy = retryCopies.get(id);
    retryCopies.delete(id);
    if (response.status !== 401 || TOKEN_PATHS.has(schemaPath) || !copy) return response;
    const sentWith = copy.headers.get('Authorization');
    const current = tokenStore.getAccess();
    // Another request may have refreshed meanwhile: then retry with the new token without refreshing.
    const refreshed = current !== null && `Bearer ${current}` !== sentWith ? true : await refreshTokens();
    if (!refreshed) return response;
    const retried = await globalThis.fetch(withBearer(copy));
    if (retried.status === 401) tokenStore.clear();
    return retried;
  },
  onError({ id }) {
    retryCopies.delete(id);
  },
};

api.use(authMiddleware);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Resolves to the response data, or throws an ApiError carrying the parsed problem+json. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(parseProblem(error, response));
  return data as T;
}

export async function login(email: string, password: string): Promise<void> {
  const pair = await unwrap(
    bareApi.POST('/api/v1/auth/login', {
      body: { username: email, password, scope: '' },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }),
  );
  tokenStore.set(pair);
}

export async function logout(): Promise<void> {
  const refreshToken = tokenStore.getRefresh();
  tokenStore.clear();
  if (!refreshToken) return;
  try {
    await bareApi.POST('/api/v1/auth/logout', { body: { refresh_token: refreshToken } });
  } catch {
    // The local session is gone either way.
  }
}
