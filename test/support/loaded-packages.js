// Preloaded into a `stedi` process by test/cli/start-up.test.ts: on exit, writes the npm packages
// the process loaded to the file named by STEDI_LOADED_PACKAGES.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const at = file.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = file.slice(at + 'node_modules/'.length).split('/');
    packages.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  writeFileSync(process.env.STEDI_LOADED_PACKAGES, JSON.stringify([...packages].sort()));
});
