// Loads the TypeScript worker through tsx: worker threads start outside any loader of the parent.
require('tsx/cjs');
require('./validate-worker.ts');
