import { readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { readFixtures, type Account } from './fixtures';
import { customerRows, loginViaUi, searchCustomers } from './helpers';

const fixtures = () => readFixtures();

async function apiToken(request: APIRequestContext, { email, password }: Account): Promise<string> {
  const response = await request.post('/api/v1/auth/login', { form: { username: email, password } });
  expect(response.ok(), await response.text()).toBe(true);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A mobile number no other test uses (139 + eight digits of the clock and chance). */
function uniquePhone(): string {
  return `139${String(Date.now()).slice(-5)}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
}

/** Picks an option in the antd Select of `testId` (the one dropdown open at that moment). */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).click();
  await expect(page.getByTestId(testId)).toContainText(option);
}

test('a salesperson imports customers from a CSV, updating the one already in the CRM', async ({ page, request }) => {
  const salesperson = fixtures().salesA;
  const stem = `Imp${fixtures().suffix}${Date.now().toString(36)}`;
  const existingPhone = uniquePhone();
  const token = await apiToken(request, salesperson);
  const created = await request.post('/api/v1/customers', {
    headers: { Authorization: `Bearer ${token}` },
    data: { kind: 'company', name: `${stem} Old Name`, phone: existingPhone },
  });
  expect(created.ok(), await created.text()).toBe(true);
  const existing = (await created.json()) as { id: string; name: string };

  // Row 2 and 3 are new, row 4 has a bad e-mail, row 5 has the existing customer's phone.
  const csv = [
    '客户名称,电话,邮箱,来源',
    `${stem} New One,${uniquePhone()},one.${stem.toLowerCase()}@example.com,展会`,
    `${stem} New Two,,two.${stem.toLowerCase()}@example.com,`,
    `${stem} Broken,,not-an-email,`,
    `${stem} Renamed,${existingPhone.slice(0, 3)} ${existingPhone.slice(3, 7)} ${existingPhone.slice(7)},,电话会`,
  ].join('\n');

  await loginViaUi(page, salesperson);
  await page.goto('/customers');
  await page.getByTestId('import-customers').click();
  await expect(page).toHaveURL(/\/imports\/new\?object_type=customers$/);

  await page
    .getByTestId('import-upload')
    .locator('input[type=file]')
    .setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });

  // The Chinese headers are mapped to the fields on their own.
  await expect(page.getByTestId('mapping-table')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('file-info')).toContainText('customers.csv: 4 columns');
  await expect(page.getByTestId('map-0')).toContainText('Name *');
  await expect(page.getByTestId('map-1')).toContainText('Phone');
  await expect(page.getByTestId('map-2')).toContainText('E-mail');
  await expect(page.getByTestId('map-3')).toContainText('Source');
  await expect(page.getByTestId('mapping-problems')).toHaveCount(0);

  // The real worker previews the file; the page follows it.
  await page.getByTestId('import-preview').click();
  await expect(page.getByTestId('preview-summary')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('stat-rows')).toContainText('4');
  await expect(page.getByTestId('stat-errors')).toContainText('1');
  await expect(page.getByTestId('stat-new')).toContainText('2');
  await expect(page.getByTestId('stat-duplicates_existing')).toContainText('1');

  const errors = page.getByTestId('rows-error');
  await expect(errors.locator('tbody tr.ant-table-row')).toHaveCount(1);
  await expect(errors).toContainText(`${stem} Broken`);
  await expect(errors).toContainText('e-mail');
  await expect(errors.locator('tbody tr.ant-table-row td').first()).toHaveText('4');

  // The rejected rows can be taken away as CSV (fetched with the token, saved by the browser).
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('error-report').click()]);
  expect(report.suggestedFilename()).toBe('customers-errors.csv');
  const reportText = readFileSync((await report.path())!, 'utf8');
  expect(reportText).toContain(`${stem} Broken`);
  expect(reportText).toContain('not-an-email');

  await page.getByTestId('tab-duplicate').click();
  const duplicates = page.getByTestId('rows-duplicate');
  await expect(duplicates.getByRole('link', { name: existing.name })).toHaveAttribute('href', `/customers/${existing.id}`);
  await expect(page.getByTestId('decision-5')).toContainText('Skip');
  await choose(page, 'decision-5', 'Update existing');

  await page.getByTestId('import-commit').click();
  await expect(page.getByTestId('import-result')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('result-created')).toContainText('2');
  await expect(page.getByTestId('result-updated')).toContainText('1');
  await expect(page.getByTestId('result-skipped')).toContainText('0');
  await expect(page.getByTestId('result-rejected')).toContainText('1');

  // The customer list holds the two new customers and the renamed one, not the broken row.
  await page.getByTestId('result-to-list').click();
  await expect(page).toHaveURL(/\/customers$/);
  await searchCustomers(page, stem);
  await expect(page.getByTestId('list-count')).toHaveText('3 of 3');
  const table = page.getByTestId('customer-table');
  for (const name of [`${stem} New One`, `${stem} New Two`, `${stem} Renamed`]) {
    await expect(table.getByRole('link', { name, exact: true })).toBeVisible();
  }
  await expect(customerRows(page).filter({ hasText: `${stem} Broken` })).toHaveCount(0);
  await expect(customerRows(page).filter({ hasText: `${stem} Old Name` })).toHaveCount(0);
  const renamed = customerRows(page).filter({ hasText: `${stem} Renamed` });
  await expect(renamed).toContainText('电话会');
  await expect(renamed.getByRole('link', { name: `${stem} Renamed` })).toHaveAttribute('href', `/customers/${existing.id}`);
});
