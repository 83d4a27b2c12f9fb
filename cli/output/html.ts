import type { SessionView } from '../../functions/domain/views/session-view.js';

type Write = (text: string) => void;

export function writeHtmlReport(
  _views: readonly SessionView[],
  _sampleUsers: readonly string[] | undefined,
  _write: Write,
): void {
  throw new Error('the html report is not part of this build yet');
}
