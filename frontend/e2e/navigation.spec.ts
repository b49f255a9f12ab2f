import { expect, test } from '@playwright/test';
import { readFixtures } from './fixtures';
import { loginViaUi } from './helpers';

// Read per test: globalSetup writes the file after the runner has collected the tests.
const fixtures = () => readFixtures();

test('the admin sees the Admin menu', async ({ page }) => {
  await loginViaUi(page, fixtures().admin);
  await expect(page.getByTestId('nav-admin')).toBeVisible();
  await page.getByTestId('nav-admin').click();
  await page.getByTestId('nav-users').click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByTestId('new-user')).toBeVisible();
});

test('a salesperson does not see the Admin menu', async ({ page }) => {
  await loginViaUi(page, fixtures().salesA);
  await expect(page.getByTestId('nav-customers')).toBeVisible();
  await expect(page.getByTestId('nav-admin')).toHaveCount(0);
  await page.goto('/admin/users');
  await expect(page.getByTestId('not-found')).toBeVisible();
});
