import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  url: URL;
  headers: Headers;
  body: string;
}

type Reply = Response | undefined | Promise<Response | undefined>;
export type Handler = (request: RecordedRequest) => Reply;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType, ...headers } });
}

export function problem(status: number, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return json({ type: 'about:blank', title: detail, status, detail, ...extra }, status, headers);
}

/**
 * Replaces the global fetch (the network boundary) with `handler`; requests the handler does not
 * answer get a 404 problem. Returns the list of requests seen.
 */
export function stubFetch(handler: Handler): RecordedRequest[] {
  const seen: RecordedRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        url,
        headers: request.headers,
        body: request.body ? await request.text() : '',
      };
      seen.push(recorded);
      return (await handler(recorded)) ?? problem(404, `No stub for ${request.method} ${url.pathname}`);
    }),
  );
  return seen;
}

export const ALL_PERMISSIONS = [
  'customers:read',
  'customers:write',
  'customers:delete',
  'contacts:read',
  'contacts:write',
  'admin:users',
  'admin:departments',
  'admin:roles',
];

export function meResponse(permissions: string[], fullName = 'Ada Admin') {
  return {
    user: {
      id: '00000000-0000-0000-0000-000000000001',
      email: 'ada@example.com',
      full_name: fullName,
      phone: null,
      department_id: null,
      manager_id: null,
      is_active: true,
      roles: [],
      version: 1,
      created_at: '2025-01-01T00:00:00Z',
      updated_at: '2025-01-01T00:00:00Z',
    },
    roles: [],
    permissions,
    data_scopes: {},
  };
}

export const emptyPage = { items: [], next_cursor: null, total: 0 };
