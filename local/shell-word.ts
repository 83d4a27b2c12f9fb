// Quoting for the commands the tools print for people to copy: `npm start`'s banner and hints, and
// `npm run replay`'s suggested redrive. Imports nothing, so scripts/ and local/ share it freely.

/** `text` as one shell word: quoted when a shell would split or expand it, so a printed command runs as copied. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
