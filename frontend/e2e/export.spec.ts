import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { readFixtures } from './fixtures';
import { loginViaUi } from './helpers';

const fixtures = () => readFixtures();

test('the manager exports the customer list and downloads the CSV', async ({ page }) => {
  const { manager, salesA, salesB } = fixtures();
  await loginViaUi(page, manager);
  await page.goto('/customers');
  await expect(page.getByTestId('customer-table').getByRole('link', { name: salesA.customer.name })).toBeVisible();

  await page.getByTestId('export-customers').click();
  await page.getByText('CSV (.csv)').click();
  // The real worker writes the file; the dialog follows the job until it is ready.
  await expect(page.getByTestId('export-ready')).toBeVisible({ timeout: 30_000 });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
  expect(download.suggestedFilename()).toMatch(/^Customers-\d{8}-\d{6}\.csv$/);
  const content = readFileSync((await download.path())!, 'utf8');
  expect(content.charCodeAt(0)).toBe(0xfeff); // the BOM Excel needs
  expect(content).toContain(salesA.customer.name);
  expect(content).toContain(salesB.customer.name);
});
