// `npm run sessionize`: npm starts every script in the repository root, so the files named after it are read
// from the folder the command was typed in (INIT_CWD, which npm sets), as npm run upload and npm run generate
// read theirs. `npx sessionize` and `node bin/sessionize.mjs` run the bin itself, from their own folder.
process.chdir(process.env.INIT_CWD ?? process.cwd());
// Unless silenced (-s), npm has already written its own lines ("> sessionizer@… sessionize" and the command)
// to standard output: json or csv sent to a file or a pipe starts with them, and no program reads it.
const { npm_lifecycle_event: script, npm_config_loglevel: loglevel } = process.env;
if (script === 'sessionize' && loglevel !== 'silent' && process.stdout.isTTY !== true) {
  process.stderr.write(
    'sessionize: npm wrote its own lines to standard output before this output; for output a program reads, ' +
      'run npm run -s sessionize -- … (or npx sessionize)\n',
  );
}
await import('../bin/sessionize.mjs');
