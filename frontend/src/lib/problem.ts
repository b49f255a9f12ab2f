import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';

export interface FieldError {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

/** An RFC 9457 problem, normalized: always has a status and an `errors` list. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors: FieldError[];
  /** Seconds from a Retry-After header (429). */
  retryAfter?: number;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item) => ({
    loc: Array.isArray(item.loc) ? item.loc.filter((p) => typeof p === 'string' || typeof p === 'number') : [],
    msg: typeof item.msg === 'string' ? item.msg : String(item.msg ?? ''),
    type: typeof item.type === 'string' ? item.type : undefined,
  }));
}

function parseRetryAfter(headers: Headers | undefined): number | undefined {
  const raw = headers?.get('Retry-After');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Turns an error body into a Problem. Accepts problem+json, FastAPI's default
 * `{detail: [...]}` validation shape, a plain string, or nothing.
 */
export function parseProblem(body: unknown, response?: { status: number; headers?: Headers }): Problem {
  const status = response?.status ?? (isRecord(body) && typeof body.status === 'number' ? body.status : 0);
  const problem: Problem = { type: 'about:blank', title: '', status, errors: [] };
  if (isRecord(body)) {
    if (typeof body.type === 'string') problem.type = body.type;
    if (typeof body.title === 'string') problem.title = body.title;
    if (typeof body.detail === 'string') problem.detail = body.detail;
    problem.errors = toFieldErrors(body.errors);
    if (problem.errors.length === 0 && Array.isArray(body.detail)) problem.errors = toFieldErrors(body.detail);
  } else if (typeof body === 'string' && body.trim()) {
    problem.detail = body.trim();
  }
  problem.retryAfter = parseRetryAfter(response?.headers);
  return problem;
}

/** The problem of any thrown value (network failures become status 0). */
export function problemOf(error: unknown): Problem {
  if (isApiError(error)) return error.problem;
  return { type: 'about:blank', title: '', status: 0, errors: [], detail: undefined };
}

const LOCATION_PREFIXES = new Set(['body', 'query', 'path', 'header']);

function sameName(a: (string | number)[], b: (string | number)[]): boolean {
  return a.length === b.length && a.every((part, i) => String(part) === String(b[i]));
}

/**
 * Puts each `errors[].loc` onto the form field it names (the longest registered
 * field name the location starts with, after "body"). Returns the errors no field matched.
 */
export function applyProblemToForm(form: FormInstance, problem: Problem): FieldError[] {
  const registered = form.getFieldsError().map((field) => field.name as (string | number)[]);
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const unmatched: FieldError[] = [];
  for (const error of problem.errors) {
    const path = LOCATION_PREFIXES.has(String(error.loc[0])) ? error.loc.slice(1) : error.loc;
    let name: (string | number)[] | undefined;
    for (let length = path.length; length > 0 && !name; length--) {
      name = registered.find((candidate) => sameName(candidate, path.slice(0, length)));
    }
    if (!name) {
      unmatched.push(error);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(error.msg);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  return unmatched;
}

/** A readable, translated sentence for a problem. */
export function problemMessage(problem: Problem, t: TFunction): string {
  switch (problem.status) {
    case 0:
      return t('errors.network');
    case 412:
      return t('errors.stale');
    case 429:
      return problem.retryAfter !== undefined
        ? t('errors.throttledRetry', { seconds: problem.retryAfter })
        : t('errors.throttled');
    case 403:
      return problem.detail || t('errors.forbidden');
    default:
      return problem.detail || problem.title || t('errors.generic', { status: problem.status });
  }
}
