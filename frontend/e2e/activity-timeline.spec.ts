import { expect, test } from '@playwright/test';
import { readFixtures } from './fixtures';
import { loginViaUi } from './helpers';

// Read per test: globalSetup writes the file after the runner has collected the tests.
const fixtures = () => readFixtures();

test('a salesperson logs a visit on a customer and sees it on the timeline', async ({ page }) => {
  const { salesA } = fixtures();
  const subject = `E2E site visit ${Date.now().toString(36)}`;
  await loginViaUi(page, salesA);
  await page.goto(`/customers/${salesA.customer.id}`);
  await page.getByTestId('tab-timeline').click();

  // The customer's creation is already on its timeline.
  const timeline = page.getByTestId('customer-timeline');
  await expect(timeline.getByTestId('timeline-item').filter({ hasText: 'Customer created' })).toBeVisible();

  await page.getByTestId('log-activity').click();
  await page.getByTestId('activity-kind-visit').locator('xpath=ancestor::label').click();
  await page.getByTestId('activity-subject').fill(subject);
  await page.getByTestId('activity-duration').fill('45');
  await page.getByTestId('activity-address').fill('88 Century Ave, Shanghai');
  await page.getByTestId('activity-outcome').fill('Samples left');
  await page.getByTestId('activity-submit').click();

  const logged = timeline.getByTestId('timeline-item').filter({ hasText: subject });
  await expect(logged).toBeVisible();
  await expect(logged).toContainText('Visit');
  await expect(logged).toContainText('45 min');
  await expect(logged).toContainText('88 Century Ave, Shanghai');
  await expect(logged).toContainText('Outcome: Samples left');
  // Newest first: the visit (logged now) sits above the customer's creation.
  await expect(timeline.getByTestId('timeline-item').first()).toContainText(subject);
});
