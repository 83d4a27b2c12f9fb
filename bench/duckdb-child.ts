/**
 * DuckDB's answer to the same question, for comparison: sessions by the 30-minute rule from an NDJSON.gz
 * export, in SQL. read_json reads the file; events without a user are dropped, repeated messageIds of a user
 * kept once, and window functions split each user's events where the gap exceeds 30 minutes. The sessions
 * (user, number, start, end, events) are written to /dev/null as JSON, as the CLI's are. Prints
 * `{ "sessions": n }`.
 *
 *   node bench/out/bin/duckdb.mjs <file.ndjson.gz> <threads>
 */
import { DuckDBInstance } from '@duckdb/node-api';

const GAP_MINUTES = 30;

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;

function sessionsSql(file: string): string {
  return `
WITH events AS (
  SELECT coalesce(nullif(trim(userId), ''), nullif(trim(anonymousId), '')) AS user_id,
         nullif(trim(messageId), '') AS message_id,
         try_cast("timestamp" AS TIMESTAMPTZ) AS ts
  FROM read_json(${sqlString(file)}, format = 'newline_delimited',
    columns = {userId: 'VARCHAR', anonymousId: 'VARCHAR', messageId: 'VARCHAR', "timestamp": 'VARCHAR'})
),
valid AS (SELECT * FROM events WHERE user_id IS NOT NULL AND ts IS NOT NULL),
distinct_events AS (
  SELECT * FROM valid
  QUALIFY message_id IS NULL OR row_number() OVER (PARTITION BY user_id, message_id ORDER BY ts) = 1
),
marked AS (
  SELECT *, CASE WHEN ts - lag(ts) OVER byTime <= INTERVAL ${GAP_MINUTES} MINUTE THEN 0 ELSE 1 END AS starts
  FROM distinct_events
  WINDOW byTime AS (PARTITION BY user_id ORDER BY ts, message_id)
),
numbered AS (
  SELECT *, sum(starts) OVER (PARTITION BY user_id ORDER BY ts, message_id ROWS UNBOUNDED PRECEDING) AS session
  FROM marked
)
SELECT user_id, session, min(ts) AS started_at, max(ts) AS ended_at, count(*) AS event_count
FROM numbered
GROUP BY user_id, session`;
}

async function main(file: string | undefined, threads: string | undefined): Promise<void> {
  if (file === undefined || threads === undefined || !/^\d+$/.test(threads)) {
    throw new Error('usage: duckdb.mjs <file.ndjson.gz> <threads>');
  }
  const instance = await DuckDBInstance.create(':memory:', { threads });
  const connection = await instance.connect();
  const result = await connection.runAndReadAll(`COPY (${sessionsSql(file)}) TO '/dev/null' (FORMAT json)`);
  const sessions = Number(result.getRows()[0]?.[0] ?? Number.NaN);
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(`${JSON.stringify({ sessions })}\n`);
}

await main(process.argv[2], process.argv[3]);
