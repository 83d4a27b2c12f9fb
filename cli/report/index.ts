export {
  createReportAggregator,
  type ReportAggregator,
  type ReportData,
  type ReportOptions,
  type SampleUser,
} from './aggregator.js';
export { REPORT_CSP, type ReportInput, renderHtmlReport } from './render.js';
export type { ReportSession } from './report-session.js';
