// A stage's sources: the S3 prefixes whose new objects are ingested and how their files are read. What S3
// notifications and IAM can hold, none inside another nor over the rejection reports (stage-schema.ts).
import * as z from 'zod';
import { DEFAULT_SOURCES, REJECTED_PREFIX } from '../../contract/index.js';
import { inputFormat } from './stage-choices.js';

const MAX_PREFIX_BYTES = 1024; // S3's key limit

const sourceSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
        'must be 1-64 letters, digits, _ or -, starting alphanumeric',
      ),
    prefix: z
      .string()
      .min(1, {
        error: 'must not be empty: a source without a prefix would also see the rejection reports',
        abort: true,
      })
      // S3 counts a key's UTF-8 bytes, not its characters.
      .refine((prefix) => Buffer.byteLength(prefix) <= MAX_PREFIX_BYTES, {
        error: (issue) =>
          `must be at most ${MAX_PREFIX_BYTES} bytes of UTF-8 (the S3 key limit); it is ${Buffer.byteLength(String(issue.input))}`,
      })
      .endsWith('/', "must end with '/' so that it names a folder, not every key that starts alike")
      // S3's safe key characters only: a notification filter matches others only URL-encoded (a prefix with a
      // space would pass and never be ingested), and in IAM resource ARNs `*`, `?` and `$` are wildcards.
      .regex(
        /^[A-Za-z0-9/!_.'()-]*$/,
        "may hold only letters, digits, '/' and ! - _ . ' ( ): S3 notifications match other characters only URL-encoded, and IAM reads * ? $ as wildcards",
      ),
    format: inputFormat,
  })
  .strict();

/** At least one source; none named twice, no prefix inside another's; the defaults when a stage names none. */
export const sourcesSchema = z
  .array(sourceSchema)
  .min(1, 'needs at least one source')
  .superRefine((sources, ctx) => {
    sources.forEach((source, index) => {
      if (source.prefix === '') return; // reported on its own
      const earlier = sources.slice(0, index);
      const sameName = earlier.find((other) => other.name === source.name);
      if (sameName) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `'${source.name}' is used twice` });
      }
      // S3 refuses overlapping notification filters, and a key under both would be ingested twice.
      const overlapping = earlier.find(
        (other) => other.prefix.startsWith(source.prefix) || source.prefix.startsWith(other.prefix),
      );
      if (overlapping) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'prefix'],
          message: `'${source.prefix}' overlaps the prefix '${overlapping.prefix}' of source '${overlapping.name}'; source prefixes must not contain one another`,
        });
      }
      if (source.prefix.startsWith(REJECTED_PREFIX) || REJECTED_PREFIX.startsWith(source.prefix)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'prefix'],
          message: `'${source.prefix}' overlaps '${REJECTED_PREFIX}', where the ingest writes rejection reports: every report would be ingested again`,
        });
      }
    });
  })
  .default(() => DEFAULT_SOURCES.map((source) => ({ ...source })));
