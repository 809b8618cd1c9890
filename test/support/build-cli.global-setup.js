// Compiles the CLI before the suite, so the tests that start `stedi` as a process run what
// `npm ci` would have built from these sources (bin/stedi.js would otherwise fall back to tsx).
module.exports = () => require('../../scripts/build-cli').build();
