import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { BASE_URL } from '../playwright.config';
import { apiCall, apiLogin, fromCents, toCents } from './api';
import { readFixtures, type Account } from './fixtures';
import { loginViaUi } from './helpers';

/**
 * The whole sales path through the SPA, on the real API and worker: a lead converted into a
 * customer and a deal; the deal dragged along the kanban, refused by the "needs confirmed" gate
 * until its two documents are attached; a quote with a discount above the policy approved by the
 * salesperson's manager from the approvals inbox, sent and accepted; the deal won, which drafts
 * the contract (worker); the contract reviewed and signed; an order with a two-part payment plan,
 * the first instalment and then the rest paid; the customer's portal page showing it paid.
 */

interface Stage {
  id: string;
  key: string;
  name: string;
}

async function antSelect(page: Page, select: Locator, option: string | RegExp, search?: string): Promise<void> {
  await select.click();
  if (search !== undefined) await page.keyboard.type(search);
  // The open dropdown is rendered at the end of <body>; only one is open at a time.
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: option }).first().click();
}

async function signedInPage(browser: Browser, account: Account): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE_URL, locale: 'en-US' });
  const page = await context.newPage();
  await loginViaUi(page, account);
  return page;
}

/** How the SPA shows an amount in English (digits grouped, two decimals). */
function shown(amount: string): string {
  return Number(amount).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function pdf(name: string) {
  return { name, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n') };
}

test('lead to cash: convert, kanban with a refused gate, approved quote, contract, order, payments, portal', async ({ page, browser }) => {
  test.setTimeout(360_000);
  const { admin, salesA, manager, suffix } = readFixtures();

  // --- set-up through the API: a priced product, and a lead of salesperson A ---------------
  const adminToken = await apiLogin(admin);
  const product = await apiCall<{ id: string; name: string }>(adminToken, 'POST', '/products', {
    sku: `E2E-${suffix}`,
    name: `E2E Widget ${suffix}`,
    unit: 'pcs',
  });
  const books = await apiCall<{ items: { id: string; currency: string; customer_group: string | null }[] }>(adminToken, 'GET', '/price-books?limit=200');
  const book =
    books.items.find((b) => b.currency === 'CNY' && !b.customer_group) ??
    (await apiCall<{ id: string }>(adminToken, 'POST', '/price-books', { name: `E2E Book ${suffix}`, currency: 'CNY', effective_from: '2020-01-01' }));
  await apiCall(adminToken, 'PUT', `/price-books/${book.id}/entries/${product.id}`, { unit_price: '1000.00' });
  const salesToken = await apiLogin(salesA);
  const me = await apiCall<{ user: { id: string } }>(salesToken, 'GET', '/auth/me');
  const company = `E2E Lead Co ${suffix}`;
  const lead = await apiCall<{ id: string }>(salesToken, 'POST', '/leads', {
    company_name: company,
    person_name: 'Li Lei',
    source: 'web',
    owner_id: me.user.id,
  });
  const pipelines = await apiCall<{ is_default: boolean; stages: Stage[] }[]>(salesToken, 'GET', '/pipelines');
  const stages = pipelines.find((p) => p.is_default)!.stages;
  const stage = (key: string) => stages.find((s) => s.key === key)!;

  // --- 1. the lead becomes a customer, a contact and a deal --------------------------------
  await loginViaUi(page, salesA);
  await page.goto(`/leads/${lead.id}`);
  await page.getByTestId('lead-convert').click();
  await page.getByTestId('convert-with-deal').check();
  await page.getByTestId('convert-deal-name').fill(`E2E Deal ${suffix}`);
  await page.getByTestId('convert-deal-amount').fill('2000');
  await page.getByTestId('convert-submit').click();
  await expect(page.getByTestId('convert-result')).toBeVisible();
  await page.getByTestId('convert-deal-created').click();
  await expect(page).toHaveURL(/\/deals\/[0-9a-f-]{36}$/);
  const dealId = page.url().split('/').pop()!;
  await expect(page.getByTestId('deal-stage')).toContainText(stage('initial_contact').name);

  // --- 2. the kanban: drag to "needs confirmed", then refused by its gate -------------------
  await page.goto('/deals/board');
  const card = page.locator(`[data-testid="deal-card"][data-deal-id="${dealId}"]`);
  const column = (key: string) => page.locator(`[data-testid="deal-column"][data-stage-id="${stage(key).id}"]`);
  await expect(column('initial_contact').locator(card)).toBeVisible();
  await card.dragTo(column('needs_confirmed'));
  await expect(column('needs_confirmed').locator(`[data-deal-id="${dealId}"]`)).toBeVisible();

  await column('needs_confirmed').locator(`[data-deal-id="${dealId}"]`).dragTo(column('proposal'));
  const refused = page.getByTestId('deal-move-refused');
  await expect(refused).toBeVisible();
  await expect(refused.getByTestId('deal-move-missing')).toHaveCount(2);
  await expect(refused).toContainText('Needs document');
  await expect(refused).toContainText('Competitor analysis');
  await page.getByTestId('deal-move-refused-close').click();
  await expect(column('needs_confirmed').locator(`[data-deal-id="${dealId}"]`)).toBeVisible();

  // --- 3. the two documents attached on the deal page, then the move goes through ----------
  await page.goto(`/deals/${dealId}`);
  const attachments = page.getByTestId('attachments-card');
  for (const [category, file] of [
    ['Needs document', 'needs.pdf'],
    ['Competitor analysis', 'competitors.pdf'],
  ] as const) {
    await antSelect(page, attachments.getByTestId('attachments-category-select'), category);
    await attachments.locator('input[type="file"]').setInputFiles(pdf(file));
    await expect(attachments.getByTestId('attachments-row').filter({ hasText: file })).toBeVisible();
  }
  await antSelect(page, page.getByTestId('deal-stage-select'), stage('proposal').name);
  await expect(page.getByTestId('deal-stage')).toContainText(stage('proposal').name);
  // Opened in the first stage, then two moves.
  await expect(page.getByTestId('deal-history-row')).toHaveCount(3);

  // --- 4. a quote with 20 % off: above the 15 % policy, so it waits for approval -------------
  await page.getByTestId('deal-quote-new').click();
  await expect(page).toHaveURL(/\/quotes\/new\?deal_id=/);
  await page.getByTestId('quote-line-add').click();
  await antSelect(page, page.getByTestId('quote-line-product'), product.name, `E2E Widget ${suffix}`);
  await expect(page.getByTestId('quote-line-price')).toHaveValue(/^1,?000(\.00)?$/);
  await page.getByTestId('quote-line-quantity').fill('2');
  await page.getByTestId('quote-discount').fill('20');
  await page.getByTestId('quote-save').click();
  await expect(page).toHaveURL(/\/quotes\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('quote-subtotal')).toContainText('2,000.00');
  await expect(page.getByTestId('quote-discount-amount')).toContainText('400.00');
  const quoteUrl = page.url();
  await page.getByTestId('quote-submit').click();
  await expect(page.getByTestId('quote-status')).toHaveText('Awaiting approval');
  // Not sendable while pending.
  await expect(page.getByTestId('quote-send')).toHaveCount(0);

  // --- 5. the manager approves it from the approvals inbox -----------------------------------
  const managerPage = await signedInPage(browser, manager);
  await managerPage.goto('/approvals');
  const request = managerPage.getByTestId('approval-row').filter({ hasText: '20' });
  await expect(request).toHaveCount(1);
  await request.getByTestId('approval-approve').click();
  await managerPage.getByTestId('approval-comment').fill('Strategic account, approved.');
  await managerPage.getByTestId('approval-decision-submit').click();
  await expect(managerPage.getByTestId('approval-row')).toHaveCount(0);
  await managerPage.context().close();

  // --- 6. the salesperson sends the approved quote and records its acceptance ----------------
  await page.goto(quoteUrl);
  await expect(page.getByTestId('quote-status')).toHaveText('Approved');
  await page.getByTestId('quote-send').click();
  await expect(page.getByTestId('quote-status')).toHaveText('Sent');
  await page.getByTestId('quote-accept').click();
  await expect(page.getByTestId('quote-status')).toHaveText('Accepted');
  const total = (await page.getByTestId('quote-total').innerText()).replace(/[^\d.]/g, '');

  // --- 7. negotiation, then won: the worker drafts the contract from the accepted quote -------
  await page.goto(`/deals/${dealId}`);
  await antSelect(page, page.getByTestId('deal-stage-select'), stage('negotiation').name);
  await expect(page.getByTestId('deal-stage')).toContainText(stage('negotiation').name);
  await page.getByTestId('deal-mark-won').click();
  await expect(page.getByTestId('deal-status')).toHaveText('Won');
  await expect(async () => {
    await page.reload();
    await page.getByTestId('deal-related').getByRole('tab', { name: 'Contracts' }).click();
    await expect(page.getByTestId('deal-contract-row')).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await page.getByTestId('deal-contract-row').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/contracts\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('contract-status')).toHaveText('Draft');
  await expect(page.getByTestId('contract-total')).toContainText(shown(total));

  // --- 8. dates, review, signature, order ------------------------------------------------------
  await page.getByTestId('contract-edit').click();
  await page.getByTestId('contract-form-start').fill('2026-12-01');
  await page.getByTestId('contract-form-end').fill('2027-11-30');
  await page.getByTestId('contract-form-submit').click();
  await expect(page.getByTestId('contract-form-submit')).toHaveCount(0);
  await page.getByTestId('contract-transition-in_review').click();
  await expect(page.getByTestId('contract-status')).toHaveText('In review');
  // Signing needs contracts:sign: the salesperson has no such button, the manager signs.
  await expect(page.getByTestId('contract-transition-signed')).toHaveCount(0);
  const contractUrl = page.url();
  const signerPage = await signedInPage(browser, manager);
  await signerPage.goto(contractUrl);
  await signerPage.getByTestId('contract-transition-signed').click();
  await expect(signerPage.getByTestId('contract-status')).toHaveText('Signed');
  await signerPage.context().close();
  await page.reload();
  await expect(page.getByTestId('contract-status')).toHaveText('Signed');
  await page.getByTestId('contract-create-order').click();
  await page.getByTestId('contract-order-submit').click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('order-status')).toHaveText('Awaiting payment');

  // --- 9. a 30 % prepayment and the final payment, each paid -----------------------------------
  const orderId = page.url().split('/').pop()!;
  const order = await apiCall<{ total: string; currency: string }>(salesToken, 'GET', `/orders/${orderId}`);
  const prepayment = fromCents((toCents(order.total) * 30n) / 100n);
  const rest = fromCents(toCents(order.total) - toCents(prepayment));
  await page.getByTestId('order-plan-edit').click();
  const rows = page.getByTestId('order-plan-row');
  await antSelect(page, rows.nth(0).getByTestId('order-plan-kind'), 'Prepayment');
  await rows.nth(0).getByTestId('order-plan-amount').fill(prepayment);
  await page.getByTestId('order-plan-add').click();
  await expect(rows.nth(1).getByTestId('order-plan-amount')).toHaveValue(rest);
  await antSelect(page, rows.nth(1).getByTestId('order-plan-kind'), 'Final payment');
  await expect(page.getByTestId('order-plan-difference')).toHaveText('The instalments add up to the total.');
  await page.getByTestId('order-plan-save').click();
  await expect(page.getByTestId('order-plan-editor')).toHaveCount(0);

  await page.getByTestId('order-payment-add').click();
  await expect(page.getByTestId('order-payment-amount')).toHaveValue(prepayment);
  await page.getByTestId('order-payment-submit').click();
  await expect(page.getByTestId('order-payment-row')).toHaveCount(1);
  await expect(page.getByTestId('order-paid-amount')).toContainText(shown(prepayment));
  await expect(page.getByTestId('order-status')).toHaveText('Awaiting payment');

  await page.getByTestId('order-payment-add').click();
  await expect(page.getByTestId('order-payment-amount')).toHaveValue(rest);
  await page.getByTestId('order-payment-submit').click();
  await expect(page.getByTestId('order-payment-row')).toHaveCount(2);
  await expect(page.getByTestId('order-status')).toHaveText('Paid');

  // --- 10. the customer's portal page, without signing in --------------------------------------
  await page.getByTestId('order-portal-create').click();
  const portalUrl = (await page.getByTestId('order-portal-url').innerText()).trim();
  expect(portalUrl).toMatch(/\/portal\/orders\/[\w-]{40,}$/);
  const customer = await browser.newContext({ locale: 'en-US' });
  const portal = await customer.newPage();
  await portal.goto(portalUrl);
  await expect(portal.getByTestId('portal-order')).toBeVisible();
  await expect(portal.getByTestId('portal-payments')).toContainText(shown(prepayment));
  await expect(portal.getByTestId('portal-payments')).toContainText(shown(rest));
  await customer.close();
});
