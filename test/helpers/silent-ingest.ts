import type { IngestLogger, IngestMetrics } from '../../functions/ingest/create-handler.js';

/** A logger and metrics for handler tests that check outcomes, not logs. */
export const quietLogger: IngestLogger = { addContext() {}, info() {}, warn() {}, error() {} };
export const noMetrics: IngestMetrics = { addMetric() {}, publishStoredMetrics() {} };
