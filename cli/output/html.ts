import type { SessionView } from '../../functions/domain/views/session-view.js';
import {
  createReportAggregator,
  type ReportAggregator,
  type ReportInput,
  renderHtmlReport,
} from '../report/index.js';

/** The report's aggregator: sessions are added as they stream, never embedded one by one. */
export function startHtml(sampleUsers: readonly string[] | undefined): ReportAggregator {
  return createReportAggregator(sampleUsers === undefined ? {} : { sampleUsers });
}

/** A user asked for on the report that no session showed, and whose sessions hold its events, if any's. */
export interface EmptyReportUser {
  readonly userId: string;
  readonly anonymousIdOf: string | null;
  readonly storedAs: string | null;
}

/**
 * One self-contained HTML file, and the users asked for that it shows empty: the report's own finding of
 * whose sessions hold such an id (an anonymousId of theirs), so the note on stderr says the same.
 */
export function renderHtml(
  report: ReportAggregator,
  input?: ReportInput,
): { html: string; emptyUsers: EmptyReportUser[] } {
  const data = report.finish();
  const asked = data.sample.rule === 'given' ? data.sample.users : [];
  const emptyUsers = asked
    .filter((user) => user.sessionCount === 0)
    .map(({ userId, anonymousIdOf, storedAs }) => ({ userId, anonymousIdOf, storedAs }));
  return { html: renderHtmlReport(data, input), emptyUsers };
}

export type { SessionView };
