/// <reference lib="dom" />
// A user's page taken off show when another is shown, kept (one at a time) so that Back or Forward to that user
// shows it as it was left rather than reading it all again (app.ts).
import type { OpenUser, UserPage } from './user-page.js';

/** A user's page taken off show, with what the page's status said of it then. */
export interface ParkedPage {
  readonly page: UserPage;
  readonly nodes: readonly Node[];
  readonly status: string;
}

/** Whether `user` is the id `shown` was asked for by, or its own. */
export function shows(shown: OpenUser | null, user: string | null): boolean {
  return shown !== null && (user === shown.askedFor || user === shown.summary.userId);
}

/** Stops everything of a page that is let go: its requests, timers and observers. */
export function dispose(user: OpenUser | null): void {
  user?.panel.dispose();
  user?.loader.dispose();
  user?.timeline.destroy();
}
