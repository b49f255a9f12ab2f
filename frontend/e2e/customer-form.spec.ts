import { expect, test } from '@playwright/test';
import { readFixtures } from './fixtures';
import { customerRows, loginViaUi, searchCustomers } from './helpers';

// Read per test: globalSetup writes the file after the runner has collected the tests.
const fixtures = () => readFixtures();

test('a salesperson creates a customer, fixing an invalid e-mail first', async ({ page }) => {
  const name = `E2E Charlie Foods ${fixtures().suffix} ${Date.now().toString(36)}`;
  await loginViaUi(page, fixtures().salesA);
  await page.goto('/customers');
  await page.getByTestId('new-customer').click();
  await expect(page).toHaveURL(/\/customers\/new$/);

  await page.getByTestId('customer-name').fill(name);
  await page.getByTestId('customer-email').fill('not-an-email');
  await page.getByTestId('customer-submit').click();

  // The server's 422 lands on the e-mail field.
  const emailItem = page.locator('.ant-form-item', { has: page.getByTestId('customer-email') });
  await expect(emailItem).toHaveClass(/ant-form-item-has-error/);
  await expect(emailItem.locator('.ant-form-item-explain-error')).not.toHaveText('');
  await expect(page).toHaveURL(/\/customers\/new$/);

  await page.getByTestId('customer-email').fill('buyer@example.com');
  await page.getByTestId('customer-submit').click();
  await expect(page.getByTestId('customer-title')).toHaveText(name);

  await page.goto('/customers');
  await expect(page.getByTestId('customer-table').getByRole('link', { name })).toBeVisible();
  await searchCustomers(page, name);
  await expect(page.getByTestId('list-count')).toHaveText('1 of 1');
  await expect(customerRows(page)).toHaveCount(1);
  await expect(customerRows(page).first()).toContainText(name);
});
