// Mutation testing of the modules whose bugs would publish wrong data or open access (`npm run
// mutate`, not part of `npm test`: it is slow). Each group mutates a few modules and runs only the
// tests that exercise them; within a group, Stryker's per-test coverage runs each mutant against
// the tests that reach it. Surviving mutants that no test can kill are listed, with why, in
// test/mutation/equivalent-mutants.md.

/**
 * Module groups: what is mutated, and the tests that may kill it. Static mutants (module-level
 * constants such as the rule file's header regex) run every test of their group, so each group's
 * tests are kept to the ones that matter, and groups are small enough to finish in one sitting
 * (an interrupted run keeps nothing; a finished one leaves its incremental file).
 */
export const groups = {
  evaluator: {
    mutate: ['src/gates/evaluator.ts'],
    tests: ['test/gates/evaluator.test.ts', 'test/gates/athena-parity.test.ts', 'test/gates/outcome-text.test.ts'],
  },
  'rule-file': {
    mutate: ['src/gates/rule-file.ts', 'src/gates/outcome-text.ts'],
    tests: ['test/gates/rule-file.test.ts', 'test/gates/rule-file-grammar.test.ts', 'test/gates/outcome-text.test.ts', 'test/gates/evaluator.test.ts', 'test/gates/sql-tokens-in-rules.test.ts'],
  },
  // The SQL token reader: which tables a statement reads and how they are bound (held to DuckDB's parser).
  'sql-text': {
    mutate: ['src/catalog/sql-text.ts'],
    tests: ['test/catalog/sql-text.test.ts', 'test/gates/sql-tokens-in-rules.test.ts'],
  },
  acceptor: {
    mutate: ['src/pipeline/line-acceptor.ts'],
    // The oracle test decides the acceptor's verdicts; line-acceptor.test.ts adds DuckDB reads of
    // 30,000 sampled lines per mutant, which made a run take hours on two cores.
    // The neighbours test decides the checks one byte from a valid line, and reads past no end.
    tests: ['test/pipeline/line-acceptor-oracle.test.ts', 'test/pipeline/line-acceptor-neighbours.test.ts'],
  },
  contract: {
    mutate: ['src/pipeline/record-contract.ts', 'src/pipeline/loadable-values.ts'],
    tests: [
      'test/pipeline/record-contract.test.ts',
      'test/pipeline/contract-branches.test.ts',
      'test/pipeline/loadable-values.test.ts',
      'test/pipeline/contract-properties.test.ts',
      'test/pipeline/contract-loads.test.ts',
      'test/pipeline/line-acceptor.test.ts',
    ],
  },
  lake: {
    mutate: ['src/pipeline/local-lake-catalog.ts', 'src/pipeline/run-lock.ts', 'src/pipeline/catalog-busy.ts'],
    // The end-to-end recovery and crash tests start child processes, which Stryker cannot see
    // cover a mutant; the modules' own tests decide.
    tests: ['test/pipeline/local-lake-catalog.test.ts', 'test/pipeline/local-lake-catalog-edges.test.ts', 'test/pipeline/run-lock.test.ts', 'test/pipeline/run-lock-branches.test.ts', 'test/pipeline/catalog-wait.test.ts'],
  },
  // The security checks read the synthesized Terraform and take no part in making it: one
  // synthesis serves every mutant (synthCache, test/stacks/synthesized.ts). Split in two so that
  // each run's incremental file keeps its progress.
  'security-buckets': {
    mutate: ['stacks/checks/security/buckets-*.ts', 'stacks/checks/security/athena-*.ts', 'stacks/checks/security/glue-*.ts', 'stacks/checks/security/kms-*.ts', 'stacks/checks/security/log-*.ts'],
    tests: ['test/stacks/security-checks.test.ts'],
    synthCache: true,
  },
  'security-access': {
    mutate: [
      'stacks/checks/security/iam-*.ts',
      'stacks/checks/security/publish-*.ts',
      'stacks/checks/security/landing-*.ts',
      'stacks/checks/security/environments-*.ts',
      'stacks/checks/security/lambdas-*.ts',
      'stacks/checks/security/logical-*.ts',
      'stacks/checks/security/one-*.ts',
      'stacks/checks/security/providers-*.ts',
      'stacks/checks/security/state-*.ts',
      'stacks/checks/security/terraform-*.ts',
    ],
    tests: ['test/stacks/security-checks.test.ts'],
    synthCache: true,
  },
  'governance-checks': {
    // The one check contract and runner (check.ts) with the governance pack; the pack's run over
    // a cdktf.out folder is proven by the grants command's tests.
    mutate: ['stacks/checks/check.ts', 'stacks/checks/governance-checks.ts', 'stacks/checks/governance/*.ts', '!stacks/checks/governance/check-context.ts'],
    // The workload tests read the real synthesized stacks (one synthesis per run, as for security).
    tests: [
      'test/stacks/check-contract.test.ts',
      'test/governance/checks/checks.test.ts',
      'test/governance/grants-command.test.ts',
      'test/governance/workload-access.test.ts',
      'test/governance/workload-personas.test.ts',
    ],
    synthCache: true,
  },
  grants: {
    mutate: ['src/governance/compile-grants.ts'],
    tests: ['test/governance/compile-grants.test.ts', 'test/governance/invariants.test.ts'],
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
  // A mutant that loops (a cursor that stops advancing) times out: counted as killed.
  timeoutMS: 10000,
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
