import { describe, expect, it } from 'vitest';
import i18n from '../i18n';
import { parseProblem, problemMessage } from './problem';

describe('parseProblem', () => {
  it('reads an RFC 9457 problem with validation errors', () => {
    const problem = parseProblem(
      {
        type: 'https://crm.example/problems/validation',
        title: 'Validation failed',
        status: 422,
        detail: 'The request body is invalid',
        errors: [{ loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' }],
      },
      { status: 422, headers: new Headers() },
    );
    expect(problem).toMatchObject({
      type: 'https://crm.example/problems/validation',
      title: 'Validation failed',
      status: 422,
      detail: 'The request body is invalid',
      errors: [{ loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' }],
    });
  });

  it("accepts FastAPI's default {detail: [...]} validation shape", () => {
    const problem = parseProblem({ detail: [{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }] }, { status: 422 });
    expect(problem.errors).toEqual([{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }]);
    expect(problem.detail).toBeUndefined();
  });

  it('takes the status from the response over the body, and survives non-JSON bodies', () => {
    expect(parseProblem('Bad gateway', { status: 502 })).toMatchObject({ status: 502, detail: 'Bad gateway', errors: [] });
    expect(parseProblem(undefined, { status: 500 })).toMatchObject({ status: 500, errors: [] });
    expect(parseProblem({ status: 418, title: 'teapot' })).toMatchObject({ status: 418, title: 'teapot' });
  });

  it('parses Retry-After in seconds and as an HTTP date', () => {
    expect(parseProblem({}, { status: 429, headers: new Headers({ 'Retry-After': '42' }) }).retryAfter).toBe(42);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = parseProblem({}, { status: 429, headers: new Headers({ 'Retry-After': inTenSeconds }) }).retryAfter;
    expect(fromDate).toBeGreaterThanOrEqual(8);
    expect(fromDate).toBeLessThanOrEqual(11);
  });

  it('drops malformed error entries and loc parts', () => {
    const problem = parseProblem({ errors: [null, 'x', { loc: ['body', { nested: 1 }, 'email'], msg: 5 }] }, { status: 422 });
    expect(problem.errors).toEqual([{ loc: ['body', 'email'], msg: '5', type: undefined }]);
  });
});

describe('problemMessage', () => {
  const t = i18n.getFixedT('en');
  const base = { type: 'about:blank', title: '', errors: [] };

  it('prefers the server detail', () => {
    expect(problemMessage({ ...base, status: 401, detail: 'Incorrect e-mail or password' }, t)).toBe('Incorrect e-mail or password');
  });

  it('explains throttling with and without a wait time', () => {
    expect(problemMessage({ ...base, status: 429, retryAfter: 30 }, t)).toBe('Too many attempts. Please try again in 30 seconds.');
    expect(problemMessage({ ...base, status: 429, detail: 'Rate limited' }, t)).toBe('Too many attempts. Please wait a moment and try again.');
  });

  it('explains a stale record (412) and a network failure', () => {
    expect(problemMessage({ ...base, status: 412, detail: 'Precondition failed' }, t)).toMatch(/changed by someone else/);
    expect(problemMessage({ ...base, status: 0 }, t)).toMatch(/cannot be reached/);
  });

  it('falls back to the title, then to a generic sentence', () => {
    expect(problemMessage({ ...base, status: 409, title: 'Conflict' }, t)).toBe('Conflict');
    expect(problemMessage({ ...base, status: 500 }, t)).toBe('Something went wrong (HTTP 500).');
  });
});
