import type { SessionView } from '../../functions/domain/views/session-view.js';
import { createReportAggregator, type ReportAggregator, renderHtmlReport } from '../report/index.js';

/** The report's aggregator: sessions are added as they stream, never embedded one by one. */
export function startHtml(sampleUsers: readonly string[] | undefined): ReportAggregator {
  return createReportAggregator(sampleUsers === undefined ? {} : { sampleUsers });
}

/** One self-contained HTML file. */
export function renderHtml(report: ReportAggregator): string {
  return renderHtmlReport(report.finish());
}

export type { SessionView };
