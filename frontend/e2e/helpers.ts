import { expect, type Page } from '@playwright/test';
import type { Account } from './fixtures';

/** Signs in through the login form and waits for the application shell. */
export async function loginViaUi(page: Page, { email, password }: Account): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('side-nav')).toBeVisible();
}

/**
 * Types into the customer list's search box and submits it. The table keeps the previous rows
 * until the answer arrives, so assert on the result (e.g. the "n of total" count), not on emptiness.
 */
export async function searchCustomers(page: Page, text: string): Promise<void> {
  const input = page.getByTestId('customer-search').locator('input');
  await input.fill(text);
  await input.press('Enter');
  await expect(page).toHaveURL(/[?&]q=/);
}

export function customerRows(page: Page) {
  return page.getByTestId('customer-table').locator('tbody tr.ant-table-row');
}
