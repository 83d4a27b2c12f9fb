import type { SessionView } from '../../functions/domain/views/session-view.js';
import { createReportAggregator, renderHtmlReport } from '../report/index.js';

type Write = (text: string) => void;

/** One self-contained HTML report: sessions are aggregated as they stream, never embedded one by one. */
export function writeHtmlReport(
  views: Iterable<SessionView>,
  sampleUsers: readonly string[] | undefined,
  write: Write,
): void {
  const report = createReportAggregator(sampleUsers === undefined ? {} : { sampleUsers });
  for (const view of views) report.add(view);
  write(renderHtmlReport(report.finish()));
}
