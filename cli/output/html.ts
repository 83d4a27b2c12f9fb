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

/** One self-contained HTML file. */
export function renderHtml(report: ReportAggregator, input?: ReportInput): string {
  return renderHtmlReport(report.finish(), input);
}

export type { SessionView };
