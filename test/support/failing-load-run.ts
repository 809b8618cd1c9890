// Run as a child process by test/pipeline/load-failure.test.ts (node --import tsx): a real run on
// the stedi-small fixture in which every COPY of the accelerometer landing table fails. Prints one
// line per unhandled rejection and, at the end, how runPipeline settled. Jest keeps unhandled
// rejections from surfacing, so the runner is watched in a process of its own, as the CLI runs it.
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { runPipeline } from '../../src/pipeline/runner';

const [lake] = process.argv.slice(2);
const run = DuckDbEngine.prototype.run;
DuckDbEngine.prototype.run = function (this: DuckDbEngine, sql: string) {
  if (/^COPY .*accelerometer_landing/s.test(sql)) return Promise.reject(new Error('Invalid Input Error: injected load failure'));
  return run.call(this, sql);
};
process.on('unhandledRejection', (e) => console.log(`unhandled: ${(e as Error).message}`));
runPipeline({ landing: join(__dirname, '..', 'fixtures', 'stedi-small'), lake }).then(
  (m) => console.log(`resolved: ${m.status}`),
  (e: Error) => console.log(`rejected: ${e.message}`),
);
