import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InputFormat } from '../../contract/index.js';
import type { SessionRules } from '../../functions/domain/rules/session-rules.js';
import type { ConformanceCase } from './conformance-cases.js';

/** What a case's case.json may set beyond its files and gap. */
export interface CaseOptions {
  readonly gapMinutes: number;
  readonly gapMinutesByPlatform?: Record<string, number>;
  readonly maxSessionMinutes?: number;
  readonly identityStitching?: boolean;
  readonly inputFormat?: InputFormat;
}

/** A case's whole expected.json: sessions, rejected count and, where a case has them, file errors. */
export interface ExpectedOutcome {
  readonly sessions: Record<string, unknown>[];
  readonly rejected: number;
  /** File names relative to the case folder. */
  readonly fileErrors?: readonly { file: string; reason: string }[];
}

export function caseOptions(testCase: ConformanceCase): CaseOptions {
  const path = join(testCase.dir, 'case.json');
  // The seed example has no case.json: the default options.
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CaseOptions;
  } catch {
    return { gapMinutes: testCase.gapMinutes };
  }
}

export function expectedOutcome(testCase: ConformanceCase): ExpectedOutcome {
  try {
    return JSON.parse(readFileSync(join(testCase.dir, 'expected.json'), 'utf8')) as ExpectedOutcome;
  } catch {
    return { sessions: testCase.expected.sessions as unknown as Record<string, unknown>[], rejected: 0 };
  }
}

export function caseRules(options: CaseOptions): SessionRules {
  return {
    gapMinutes: options.gapMinutes,
    gapMinutesByPlatform: options.gapMinutesByPlatform ?? {},
    maxSessionMinutes: options.maxSessionMinutes,
    identityStitching: options.identityStitching ?? false,
  };
}

/** The `sessionize` options that say what case.json says. */
export function cliArguments(options: CaseOptions): string[] {
  const args = ['--gap', String(options.gapMinutes)];
  const byPlatform = Object.entries(options.gapMinutesByPlatform ?? {});
  if (byPlatform.length > 0) {
    args.push(
      '--gap-by-platform',
      byPlatform.map(([platform, minutes]) => `${platform}=${minutes}`).join(','),
    );
  }
  if (options.maxSessionMinutes !== undefined) args.push('--max-session', String(options.maxSessionMinutes));
  if (options.identityStitching === true) args.push('--stitch');
  if (options.inputFormat !== undefined) args.push('--input-format', options.inputFormat);
  return args;
}
