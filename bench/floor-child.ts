/**
 * The floor: the least any reader of an NDJSON.gz export must do. Read, gunzip, split lines, JSON.parse each,
 * in plain Node. Prints `{ "events": n, "uncompressedBytes": n }`.
 *
 *   node bench/out/bin/floor.mjs <file.ndjson.gz>
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/** Using the parsed value keeps the parse from being dead code. */
const parsedObjects = (line: string) => (line !== '' && typeof JSON.parse(line) === 'object' ? 1 : 0);

async function main(file: string | undefined): Promise<void> {
  if (file === undefined) throw new Error('usage: floor.mjs <file.ndjson.gz>');
  const decoder = new StringDecoder('utf8');
  let events = 0;
  let uncompressedBytes = 0;
  let pending = '';
  for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    uncompressedBytes += chunk.length;
    const text = pending + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      events += parsedObjects(text.slice(start, end));
      start = end + 1;
    }
    pending = text.slice(start);
  }
  events += parsedObjects(pending + decoder.end());
  process.stdout.write(`${JSON.stringify({ events, uncompressedBytes })}\n`);
}

await main(process.argv[2]);
