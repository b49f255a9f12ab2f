import { expect, test } from '@playwright/test';
import { readFixtures } from './fixtures';
import { customerRows, loginViaUi, searchCustomers } from './helpers';

// Read per test: globalSetup writes the file after the runner has collected the tests.
const fixtures = () => readFixtures();

test('a salesperson sees only their own customers', async ({ page }) => {
  const { salesA, salesB } = fixtures();
  await loginViaUi(page, salesA);
  await page.goto('/customers');

  const table = page.getByTestId('customer-table');
  await expect(table.getByRole('link', { name: salesA.customer.name })).toBeVisible();
  await expect(table.getByText(salesB.customer.name)).toHaveCount(0);

  await searchCustomers(page, salesB.customer.name);
  await expect(page.getByTestId('list-count')).toHaveText('0 of 0');
  await expect(customerRows(page)).toHaveCount(0);

  await page.goto(`/customers/${salesB.customer.id}`);
  await expect(page.getByTestId('not-found')).toBeVisible();
  await expect(page.getByText(salesB.customer.name)).toHaveCount(0);
});

test("the manager sees both salespeople's customers", async ({ page }) => {
  const { manager, salesA, salesB } = fixtures();
  await loginViaUi(page, manager);
  await page.goto('/customers');

  const table = page.getByTestId('customer-table');
  await expect(table.getByRole('link', { name: salesA.customer.name })).toBeVisible();
  await expect(table.getByRole('link', { name: salesB.customer.name })).toBeVisible();

  await page.goto(`/customers/${salesB.customer.id}`);
  await expect(page.getByTestId('customer-title')).toHaveText(salesB.customer.name);
});
