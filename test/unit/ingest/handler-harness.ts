import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { DEFAULT_SOURCES, REJECTED_PREFIX } from '../../../contract/index.js';
import { S3ObjectSource } from '../../../functions/adapters/s3/object-source.js';
import { S3RejectionReport } from '../../../functions/adapters/s3/rejection-report.js';
import { createBrowserOf } from '../../../functions/domain/events/browser.js';
import { compileRules, DEFAULT_SESSION_RULES } from '../../../functions/domain/rules/session-rules.js';
import type { SessionWriter } from '../../../functions/domain/store/ports.js';
import type {
  IngestHandlerDeps,
  IngestLogger,
  IngestMetrics,
} from '../../../functions/ingest/create-handler.js';

/** The bucket the sample notifications in events/lambda/ name. */
export const BUCKET = 'sessionizer-local';
export const RULES = compileRules(DEFAULT_SESSION_RULES);

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

export class RecordingLogger implements IngestLogger {
  readonly entries: LogEntry[] = [];
  context: Context | undefined;

  addContext(context: Context): void {
    this.context = context;
  }
  info(message: string, attributes: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, attributes });
  }

  at(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level);
  }
}

/** Keeps each published set of metrics, as Powertools' Metrics flushes them. */
export class RecordingMetrics implements IngestMetrics {
  private stored = new Map<string, number>();
  readonly published: Map<string, number>[] = [];

  addMetric(name: string, _unit: unknown, value: number): void {
    this.stored.set(name, value);
  }
  publishStoredMetrics(): void {
    this.published.push(this.stored);
    this.stored = new Map();
  }

  /** The only published set (throws unless exactly one was published). */
  single(): Map<string, number> {
    if (this.published.length !== 1) throw new Error(`${this.published.length} sets of metrics published`);
    return this.published[0] as Map<string, number>;
  }
}

export interface Recorders {
  readonly s3: S3Client;
  readonly writer: SessionWriter;
  readonly logger: RecordingLogger;
  readonly metrics: RecordingMetrics;
}

/** The handler's dependencies as in Lambda (S3 adapters on the given client), default sources and rules. */
export function handlerDeps({ s3, writer, logger, metrics }: Recorders): IngestHandlerDeps {
  return {
    objects: new S3ObjectSource(s3),
    openReport: (key) => new S3RejectionReport({ s3, bucket: BUCKET, key }),
    writer,
    config: {
      bucketName: BUCKET,
      sources: [...DEFAULT_SOURCES],
      rejectedPrefix: REJECTED_PREFIX,
      rules: RULES,
      maxMemberBytes: 64 * 1024 * 1024,
    },
    logger,
    metrics,
    browserOf: createBrowserOf(),
  };
}

/** NDJSON text of Segment events; `at` is minutes after 2024-01-01T09:00Z. */
export function segmentLines(
  events: readonly { user: string; at: number; id?: string; type?: string; event?: string }[],
): string {
  return events
    .map(({ user, at, id, type, event }) =>
      JSON.stringify({
        type: type ?? 'track',
        event: event ?? 'Clicked',
        userId: user,
        timestamp: new Date(Date.UTC(2024, 0, 1, 9, at)).toISOString(),
        ...(id !== undefined && { messageId: id }),
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
