export {
  createReportAggregator,
  type ReportAggregator,
  type ReportData,
} from './aggregator.js';
export { type ReportInput, renderHtmlReport } from './render.js';
