/// <reference lib="dom" />
import { createApiClient } from './api-client.js';
import { ViewerApp } from './app.js';

function required<T extends Element>(selector: string): T {
  const element = document.querySelector<T>(selector);
  if (element === null) throw new Error(`index.html has no ${selector}`);
  return element;
}

// The API's base URL is baked into index.html at build time; empty means the viewer's own origin.
const apiBaseUrl =
  document.querySelector('meta[name="sessionizer-api-base-url"]')?.getAttribute('content') ?? '';

new ViewerApp(
  {
    form: required<HTMLFormElement>('#search'),
    input: required<HTMLInputElement>('#user-input'),
    status: required<HTMLElement>('#status'),
    content: required<HTMLElement>('#content'),
  },
  createApiClient(apiBaseUrl),
).start();
