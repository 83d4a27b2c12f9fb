// `npm run sessionize`: npm starts every script in the repository root, so the files named after it are read
// from the folder the command was typed in (INIT_CWD, which npm sets), as npm run upload and npm run generate
// read theirs. `npx sessionize` and `node bin/sessionize.mjs` run the bin itself, from their own folder.
process.chdir(process.env.INIT_CWD ?? process.cwd());
await import('../bin/sessionize.mjs');
