/// <reference lib="dom" />
// The only way the viewer builds DOM: text goes in through text nodes and attributes through setAttribute,
// never through innerHTML, because every string the API returns is user-controlled.

import { escapeControl } from '../../contract/visible-text.js';
import { bidiBalanced } from './format.js';

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Attributes a person reads (a tooltip, a label): their text is shown like an element's. */
const SHOWN_ATTRIBUTES = new Set(['title', 'aria-label']);

function apply(element: Element, attributes: Attributes, children: readonly Child[]): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    const text = value === true ? '' : String(value);
    element.setAttribute(name, SHOWN_ATTRIBUTES.has(name) ? bidiBalanced(text) : text);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    // Text from the data may close the isolate app.css puts around it (see bidiBalanced).
    element.append(typeof child === 'string' ? bidiBalanced(child) : child);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attributes, children);
  return element;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  apply(element, attributes, children);
  return element;
}

/**
 * A url (or path) as text: left to right and isolated, with bidirectional controls and invisible characters
 * shown as escapes (`\u202e`), as the CLI's report shows them. Kept raw, a right-to-left override would
 * reverse the rest of the url: `https://evil.example/#\u202emoc.elgoog//:sptth` would read as a google url.
 */
export function urlText(url: string): HTMLElement {
  return h('span', { class: 'url', dir: 'ltr' }, escapeControl(url));
}

/** A link only for http(s) urls, opened apart from the viewer; anything else stays text. Both as urlText. */
export function externalLink(url: string): HTMLElement {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    return urlText(url);
  }
  return h(
    'a',
    { href: parsed.href, rel: 'noopener noreferrer', target: '_blank', class: 'url', dir: 'ltr' },
    escapeControl(url),
  );
}

/**
 * A message where content goes, which screen readers say as it appears, whole: a failure interrupts (an
 * alert), while loading and an empty result (no sessions, no such user) wait their turn (a status).
 */
export function notice(kind: 'loading' | 'empty' | 'error', ...children: Child[]): HTMLElement {
  return h(
    'div',
    {
      class: `notice notice-${kind}`,
      role: kind === 'error' ? 'alert' : 'status',
      'aria-live': kind === 'error' ? 'assertive' : 'polite',
      'aria-atomic': 'true',
      'data-state': kind,
    },
    ...children,
  );
}

/**
 * A link that takes the keyboard past a block of tab stops, to `target()` (asked when followed, as what
 * follows the block may change); shown only while focused (app.css). The URL keeps no fragment of it.
 */
export function skipLink(label: string, target: () => HTMLElement): HTMLAnchorElement {
  const link = h('a', { class: 'skip-link', href: '#' }, label);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    target().focus();
  });
  return link;
}
