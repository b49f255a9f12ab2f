import { expect, test, type Page } from '@playwright/test';
import { readFixtures } from './fixtures';
import { loginViaUi } from './helpers';

const fixtures = () => readFixtures();

async function createCustomer(page: Page, name: string, phone: string): Promise<string> {
  await page.goto('/customers/new');
  await page.getByTestId('customer-name').fill(name);
  await page.getByTestId('customer-phone').fill(phone);
  return name;
}

async function save(page: Page): Promise<string> {
  await page.getByTestId('customer-submit').click();
  await expect(page).toHaveURL(/\/customers\/[0-9a-f-]{36}$/);
  return page.url().split('/').pop() as string;
}

test('a manager is warned of a duplicate, merges the two and undoes the merge', async ({ page }) => {
  const stem = `E2E Merge ${fixtures().suffix} ${Date.now().toString(36)}`;
  const phone = `139 ${String(Date.now()).slice(-8, -4)} ${String(Date.now()).slice(-4)}`;
  await loginViaUi(page, fixtures().manager);

  await createCustomer(page, `${stem} Ltd.`, phone);
  const first = await save(page);

  // The second copy: the form points at the first one before saving.
  await createCustomer(page, `${stem} Co., Ltd.`, phone);
  const warning = page.getByTestId('possible-duplicates');
  await expect(warning.getByRole('link', { name: `${stem} Ltd.` })).toBeVisible();
  const second = await save(page);

  await page.goto(`/customers/merge?ids=${first},${second}`);
  await expect(page.getByTestId('merge-table')).toBeVisible();
  await page.getByTestId(`choose-name-${second}`).check();
  await page.getByTestId('merge-submit').click();
  await page.getByTestId('confirm-merge').click();
  await expect(page.getByTestId('merge-done')).toContainText(`${stem} Co., Ltd.`);

  await page.getByTestId('undo-merge').click();
  await expect(page.getByTestId('merge-undone')).toBeVisible();
  await page.goto(`/customers/${second}`);
  await expect(page.getByTestId('customer-title')).toHaveText(`${stem} Co., Ltd.`);
  await page.goto(`/customers/${first}`);
  await expect(page.getByTestId('customer-title')).toHaveText(`${stem} Ltd.`);
});
