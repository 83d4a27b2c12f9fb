import { escapeControl } from '../../contract/visible-text.js';

/**
 * Text for HTML content and attribute values: every string in a report comes from analytics data. Control
 * characters become visible escapes, as in the table, so none reaches a terminal the report is printed to.
 */
export function escapeHtml(text: string): string {
  return escapeEntities(escapeControl(text));
}

/** {@link escapeHtml} of text whose control characters are escaped already. */
export function escapeEntities(visible: string): string {
  return visible
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A tagged template that escapes every interpolated value unless it is already {@link Html}. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = string | number | Html | readonly Html[] | null | undefined | false;

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map((item: Html) => item.text).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? '');
  });
  return new Html(text);
}

const NUMBER = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
  return NUMBER.format(value);
}

/** What a share of nothing shows: a rate over no sessions is none, not 0%, which would read as none bounced. */
export const NO_RATE = '—';

/**
 * One decimal, except that a share that is not all (or not none) never reads 100.0% (or 0.0%); a share of
 * nothing (`whole` 0) is {@link NO_RATE}, with which a page says why.
 */
export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return NO_RATE;
  const shown = ((part / whole) * 100).toFixed(1);
  if (shown === '100.0' && part !== whole) return '>99.9%';
  if (shown === '0.0' && part !== 0) return '<0.1%';
  return `${shown}%`;
}

/** `2024-01-05 09:03` (UTC). */
export function formatMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ');
}
