/// <reference lib="dom" />
import { readLocation, type ViewerLocation } from './url-state.js';

export interface NavigationInput {
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  /** Shows `location`, with a history entry of its own. */
  readonly navigate: (location: ViewerLocation) => void;
  /** Closes the open session; false when none is open. */
  readonly closeSession: () => boolean;
}

/** What a person does to go elsewhere in the viewer: search an id, follow a link inside it, Escape a session. */
export function listenForNavigation({ form, input, navigate, closeSession }: NavigationInput): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const user = input.value.trim();
    if (user !== '') return navigate({ user, session: null });
    // `required` lets spaces through, which name no one: say so, as it says for an empty field.
    input.setCustomValidity('Type a userId or anonymousId.');
    input.reportValidity();
  });
  input.addEventListener('input', () => input.setCustomValidity(''));
  document.addEventListener('keydown', (event) => {
    // In a text field Escape is the field's own (a search field clears itself with it).
    const inField = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
    if (event.key === 'Escape' && !inField && closeSession()) event.preventDefault();
  });
  document.addEventListener('click', (event) => {
    const link = (event.target as Element).closest('a[data-internal]');
    if (link === null || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(readLocation(new URL((link as HTMLAnchorElement).href).search));
  });
}
