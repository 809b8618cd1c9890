// Mutation testing of the modules whose bugs would publish wrong data or open access (`npm run
// mutate`, not part of `npm test`: it is slow). Each group mutates a few modules and runs only the
// tests that exercise them; within a group, Stryker's per-test coverage runs each mutant against
// the tests that reach it. Surviving mutants that no test can kill are listed, with why, in
// test/mutation/equivalent-mutants.md.

/**
 * Module groups: what is mutated, and the tests that may kill it.
 * Static mutants (module-level constants such as the rule file's header regex) run every test of
 * their group, so each group's tests are kept to the ones that matter.
 */
export const groups = {
  gates: {
    mutate: ['src/gates/evaluator.ts', 'src/gates/rule-file.ts', 'src/gates/outcome-text.ts'],
    tests: ['test/gates/*.test.ts'],
  },
  contract: {
    mutate: ['src/pipeline/record-contract.ts', 'src/pipeline/line-acceptor.ts', 'src/pipeline/loadable-values.ts'],
    tests: [
      'test/pipeline/record-contract.test.ts',
      'test/pipeline/line-acceptor.test.ts',
      'test/pipeline/line-acceptor-oracle.test.ts',
      'test/pipeline/contract-properties.test.ts',
      'test/pipeline/loadable-values.test.ts',
      'test/pipeline/contract-loads.test.ts',
      'test/pipeline/batch-fast-path.test.ts',
    ],
  },
  lake: {
    mutate: ['src/pipeline/lake-catalog.ts', 'src/pipeline/run-lock.ts', 'src/pipeline/catalog-busy.ts'],
    // The end-to-end recovery and crash tests start child processes, which Stryker cannot see
    // cover a mutant; the modules' own tests decide.
    tests: ['test/pipeline/lake-catalog.test.ts', 'test/pipeline/run-lock.test.ts', 'test/pipeline/catalog-busy.test.ts'],
  },
  security: {
    mutate: ['stacks/checks/rules/*.ts'],
    tests: ['test/stacks/security-checks.test.ts'],
    // The checks read the synthesized Terraform and take no part in making it: one synthesis
    // serves every mutant (test/stacks/synthesized.ts).
    synthCache: true,
  },
  governance: {
    mutate: ['src/governance/checks/*.ts', 'src/governance/compile-grants.ts'],
    tests: ['test/governance/checks/*.test.ts', 'test/governance/compile-grants.test.ts', 'test/governance/invariants.test.ts'],
  },
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.config.js', enableFindRelatedTests: false },
  // Each mutant runs only the tests that reached its code in the first (dry) run.
  coverageAnalysis: 'perTest',
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: Object.values(groups).flatMap((g) => g.mutate),
  // The machine has two cores, shared: one test process and the type checker.
  concurrency: 1,
  timeoutMS: 60000,
  incremental: true,
  incrementalFile: '.stryker-tmp/incremental.json',
  ignorePatterns: ['/cdktf.out', '/lake', '/landing', '/.stedi', '/coverage', '/.gen', '/reports'],
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: '.stryker-tmp/reports/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
