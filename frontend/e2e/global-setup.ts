import { writeFileSync } from 'node:fs';
import { FIXTURES_FILE, type Account, type Fixtures } from './fixtures';

const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8765').replace(/\/$/, '');
const API = `${BASE_URL}/api/v1`;

async function waitForBackend(timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${API}/health`);
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`The backend at ${BASE_URL} did not become healthy: ${lastError}`);
}

async function login({ email, password }: Account): Promise<string> {
  const response = await fetch(`${API}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: email, password }),
  });
  if (!response.ok) throw new Error(`Login as ${email} failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

async function post<T>(token: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${API}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Creates, as the admin, a department with a manager and two salespeople reporting to them, then
 * one customer per salesperson (created by that salesperson). Unique suffixes let reruns coexist.
 */
export default async function globalSetup(): Promise<void> {
  const adminEmail = process.env.E2E_ADMIN_EMAIL;
  const adminPassword = process.env.E2E_ADMIN_PASSWORD;
  if (!adminEmail || !adminPassword) throw new Error('Set E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD for the e2e suite.');
  await waitForBackend();

  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const password = `E2e-pass-${suffix}`;
  const admin = { email: adminEmail, password: adminPassword };
  const adminToken = await login(admin);

  const department = await post<{ id: string; name: string }>(adminToken, '/departments', { name: `E2E Sales ${suffix}` });
  const createUser = (key: string, fullName: string, roleKey: string, managerId: string | null) =>
    post<{ id: string; email: string }>(adminToken, '/users', {
      email: `e2e-${key}-${suffix}@example.com`,
      password,
      full_name: fullName,
      department_id: department.id,
      manager_id: managerId,
      role_keys: [roleKey],
    });
  const manager = await createUser('manager', `E2E Manager ${suffix}`, 'manager', null);
  const salesA = await createUser('sales-a', `E2E Sales A ${suffix}`, 'sales', manager.id);
  const salesB = await createUser('sales-b', `E2E Sales B ${suffix}`, 'sales', manager.id);

  const createCustomer = async (email: string, name: string) => {
    const token = await login({ email, password });
    return post<{ id: string; name: string }>(token, '/customers', { kind: 'company', name });
  };
  const customerA = await createCustomer(salesA.email, `E2E Alpha Trading ${suffix}`);
  const customerB = await createCustomer(salesB.email, `E2E Bravo Logistics ${suffix}`);

  const fixtures: Fixtures = {
    suffix,
    admin,
    department: { id: department.id, name: department.name },
    manager: { email: manager.email, password },
    salesA: { email: salesA.email, password, customer: { id: customerA.id, name: customerA.name } },
    salesB: { email: salesB.email, password, customer: { id: customerB.id, name: customerB.name } },
  };
  writeFileSync(FIXTURES_FILE, JSON.stringify(fixtures, null, 2));
}
