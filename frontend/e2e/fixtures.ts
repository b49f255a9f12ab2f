import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_FILE = join(dirname(fileURLToPath(import.meta.url)), '.fixtures.json');

export interface Account {
  email: string;
  password: string;
}

export interface Salesperson extends Account {
  customer: { id: string; name: string };
}

/** What globalSetup created through the REST API for this run. */
export interface Fixtures {
  suffix: string;
  admin: Account;
  department: { id: string; name: string };
  manager: Account;
  salesA: Salesperson;
  salesB: Salesperson;
}

export function readFixtures(): Fixtures {
  return JSON.parse(readFileSync(FIXTURES_FILE, 'utf8')) as Fixtures;
}
