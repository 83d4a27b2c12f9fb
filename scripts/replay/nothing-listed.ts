// What `npm run replay` says when it listed nothing at all, on the local stack or a deployed stage: that the
// prefix (a typo, say) or the source prefixes hold no object; then where the bucket's objects are, or, in an
// empty bucket, how files get there, which differs: the local stack takes npm run upload and its drop folder.
import { join } from 'node:path';
import { quoted } from '../../cli/terminal-text.js';
import { escapeControl } from '../../contract/visible-text.js';
import type { ReplayResponse } from '../../local/admin-routes.js';
import { dataDirEnv, shortPath } from '../../local/command-words.js';
import { dataDirFrom } from '../../local/stack-config.js';
import type { BucketTopLevel, ObjectReplayResult, ReplayTarget } from './aws-replay.js';

/**
 * The hint: `prefix` (or the source prefixes) holds nothing, and what `bucket` holds instead; `fill`, how
 * files get into an empty bucket.
 */
function nothingUnder(
  prefix: string | undefined,
  sourcePrefixes: readonly string[],
  bucket: BucketTopLevel,
  fill: string,
): string {
  const listed =
    prefix === undefined
      ? `the source prefixes (${sourcePrefixes.join(', ')})`
      : `--prefix ${escapeControl(quoted(prefix))}`;
  if (bucket.empty) return `no object is under ${listed}: the bucket is empty. ${fill}`;
  const others = bucket.more ? ', among others' : '';
  const where =
    bucket.folders.length > 0
      ? `the bucket's objects are under ${bucket.folders.map(escapeControl).join(', ')}${others}`
      : bucket.more
        ? 'the first objects of the bucket lie in no folder'
        : 'the bucket holds none in a folder';
  return `no object is under ${listed}: ${where}`;
}

/** Why a local replay listed nothing at all; undefined when it listed something. */
export function nothingListedHint(
  response: ReplayResponse,
  prefix: string | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const { bucketPrefixes, bucketObjects, sourcePrefixes = [] } = response;
  if (bucketPrefixes === undefined) return undefined;
  const dataDir = dataDirFrom(env);
  const upload = `${dataDirEnv(dataDir)}npm run upload -- FILE...`;
  return nothingUnder(
    prefix,
    sourcePrefixes,
    { folders: bucketPrefixes, empty: bucketObjects === 0, more: false },
    `\`${upload}\` puts export files under ${sourcePrefixes[0] ?? 'a source prefix'}, as does copying them ` +
      `into the drop folder (${shortPath(join(dataDir, 'drop'))}/ unless npm start was given SESSIONIZER_DROP_DIR)`,
  );
}

/** Why a deployed stage's replay listed nothing at all; undefined when it listed something. */
export function deployedNothingListedHint(
  result: ObjectReplayResult,
  prefix: string | undefined,
  target: Pick<ReplayTarget, 'bucket' | 'sources'>,
): string | undefined {
  if (result.bucketTop === undefined) return undefined;
  const sourcePrefixes = target.sources.map((source) => source.prefix);
  // The stage's bucket notifies the ingest of each upload: no replay is needed after one.
  const first = sourcePrefixes[0] ?? '';
  return nothingUnder(
    prefix,
    sourcePrefixes,
    result.bucketTop,
    `Export files uploaded under a source prefix (\`aws s3 cp FILE s3://${target.bucket}/${first}\`) are ` +
      'ingested as they arrive',
  );
}
