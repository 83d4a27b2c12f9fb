// The search field: what it says when what was typed names no one.
import { describe, expect, it } from 'vitest';
import { useViewer } from './viewer-harness.js';

const viewer = useViewer();

describe('the search field', () => {
  it('says to type an id when only spaces were typed, and drops it once the field names someone', async () => {
    const tracked = await viewer.open(`${viewer.api.origin}/`);
    const { page } = tracked;
    const entries = await page.evaluate(() => history.length);
    await page.fill('#user-input', '   ');
    await page.press('#user-input', 'Enter');
    await expect(
      page.locator('#user-input').evaluate((input) => (input as HTMLInputElement).validationMessage),
    ).resolves.toBe('Type a userId or anonymousId.');
    await expect(page.evaluate(() => history.length)).resolves.toBe(entries);

    // A link to a user fills the field with their id, which the complaint no longer fits.
    await page.goto(viewer.userUrl('anon-9'));
    await page.locator('#user-heading', { hasText: 'anon-9' }).waitFor();
    await page.fill('#user-input', ' ');
    await page.press('#user-input', 'Enter');
    await page.getByRole('link', { name: 'alice' }).click();
    await page.locator('#user-heading', { hasText: 'alice' }).waitFor();
    await expect(
      page.locator('#user-input').evaluate((input) => (input as HTMLInputElement).validationMessage),
    ).resolves.toBe('');
    viewer.expectCleanRun(tracked);
    await page.close();
  });
});
