// The rehearsal's stand-in for Lambda: each function of the synthesized stack runs its deployed
// package (unpacked from the zip Terraform uploads) in worker threads, one invocation at a time per
// worker as in a Lambda execution environment, with the environment variables the stack gives it,
// the function's timeout, at most its reserved concurrency at once, and its logs in a file. Its
// AWS SDK clients reach the rehearsal's endpoint (AWS_ENDPOINT_URL), never AWS: the credentials
// are placeholders and no shared config file is read. What it cannot show: the Node.js 22 runtime
// of Lambda (the rehearsal runs on the local Node), memory and /tmp limits, cold starts.
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A Lambda function as the stack declares it (aws_lambda_function), its package unpacked. */
export interface DeclaredFunction {
  readonly name: string;
  readonly arn: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memoryMiB: number;
  readonly reservedConcurrency?: number;
  readonly environment: Readonly<Record<string, string>>;
  /** The folder the deployment package was unpacked into (Lambda's /var/task). */
  readonly taskRoot: string;
}

/** What Invoke returns: the function's result, or the error it reported (FunctionError). */
export type InvokeOutcome =
  | { readonly ok: true; readonly payload: string }
  | { readonly ok: false; readonly payload: string; readonly errorType?: string };

/** Lambda refused the invocation itself (the state machine sees `Lambda.<name>`). */
export class LambdaServiceError extends Error {
  constructor(name: 'ResourceNotFoundException' | 'TooManyRequestsException' | 'RequestTooLargeException', message: string) {
    super(message);
    this.name = name;
  }
}

/** Lambda's synchronous invocation payload quota, each way. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

interface Sandbox {
  readonly worker: Worker;
  busy: boolean;
  /** The invocation it runs now. */
  current?: number;
}

export class LambdaSandboxes {
  private readonly sandboxes = new Map<string, Sandbox[]>();
  private readonly logs = new Map<string, WriteStream>();
  private readonly pending = new Map<number, (m: { payload?: string; error?: { errorType: string; errorMessage: string; trace: string[] } }) => void>();
  private nextId = 0;
  private closed = false;
  /** Invocations per function, for the rehearsal's record. */
  readonly invocations = new Map<string, number>();

  constructor(
    readonly functions: readonly DeclaredFunction[],
    /** Variables every execution environment gets beyond the function's own (endpoint, placeholder credentials, region). */
    private readonly runtimeEnvironment: Readonly<Record<string, string>>,
    private readonly logDir: string,
  ) {}

  /** The function a FunctionName (name, ARN or partial ARN, optionally with a qualifier) names. */
  resolve(functionName: string): DeclaredFunction {
    const name = lambdaFunctionName(functionName);
    const fn = this.functions.find((f) => f.name === name.name && (!name.arn || f.arn === name.arn));
    if (!fn) throw new LambdaServiceError('ResourceNotFoundException', `Function not found: ${functionName} (the stack declares ${this.functions.map((f) => f.arn).join(', ')})`);
    if (name.qualifier && name.qualifier !== '$LATEST') {
      throw new LambdaServiceError('ResourceNotFoundException', `Function not found: ${functionName} (the stack publishes no version or alias ${name.qualifier})`);
    }
    return fn;
  }

  /** A synchronous (RequestResponse) invocation with a JSON payload. */
  async invoke(fn: DeclaredFunction, payload: string): Promise<InvokeOutcome> {
    if (this.closed) throw new LambdaServiceError('ResourceNotFoundException', `${fn.name}: the rehearsal has ended; its Lambda stand-in takes no more invocations`);
    if (Buffer.byteLength(payload) > LAMBDA_PAYLOAD_LIMIT_BYTES) throw new LambdaServiceError('RequestTooLargeException', `Request must be smaller than ${LAMBDA_PAYLOAD_LIMIT_BYTES} bytes for the InvokeFunction operation`);
    const sandbox = this.acquire(fn);
    this.invocations.set(fn.name, (this.invocations.get(fn.name) ?? 0) + 1);
    const id = this.nextId++;
    const requestId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await new Promise<{ payload?: string; error?: { errorType: string; errorMessage: string; trace: string[] } } | 'timeout' | Error>((resolve) => {
        this.pending.set(id, resolve);
        timer = setTimeout(() => resolve('timeout'), fn.timeoutSeconds * 1000);
        sandbox.current = id;
        sandbox.worker.postMessage({ id, payload, requestId });
      });
      if (answer === 'timeout' || answer instanceof Error) {
        // Lambda ends the execution environment; the next invocation starts a fresh one.
        this.discard(fn, sandbox);
        const message = answer === 'timeout' ? `${new Date().toISOString()} ${requestId} Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds` : `RequestId: ${requestId} Error: Runtime exited: ${answer.message}`;
        this.log(fn).write(`${message}\n`);
        return { ok: false, payload: JSON.stringify(answer === 'timeout' ? { errorMessage: message } : { errorType: 'Runtime.ExitError', errorMessage: message }), ...(answer === 'timeout' ? {} : { errorType: 'Runtime.ExitError' }) };
      }
      if (answer.error) return { ok: false, payload: JSON.stringify(answer.error), errorType: answer.error.errorType };
      const out = answer.payload ?? 'null';
      if (Buffer.byteLength(out) > LAMBDA_PAYLOAD_LIMIT_BYTES) {
        const error = { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${LAMBDA_PAYLOAD_LIMIT_BYTES} bytes).` };
        return { ok: false, payload: JSON.stringify(error), errorType: error.errorType };
      }
      return { ok: true, payload: out };
    } finally {
      clearTimeout(timer);
      this.pending.delete(id);
      sandbox.current = undefined;
      sandbox.busy = false;
    }
  }

  /** Ends every execution environment; an invocation still running ends as the runtime exiting. */
  async close(): Promise<void> {
    this.closed = true;
    for (const settle of [...this.pending.values()]) (settle as (m: unknown) => void)(new Error('the rehearsal ended'));
    const all = [...this.sandboxes.values()].flat();
    this.sandboxes.clear();
    await Promise.all(all.map((s) => s.worker.terminate()));
    await Promise.all([...this.logs.values()].map((l) => new Promise((r) => l.end(r))));
    this.logs.clear();
  }

  /** The file an execution environment's output goes to (CloudWatch Logs, locally). */
  logFile(fn: DeclaredFunction): string {
    return join(this.logDir, `${fn.name}.log`);
  }

  private acquire(fn: DeclaredFunction): Sandbox {
    const pool = this.sandboxes.get(fn.name) ?? [];
    this.sandboxes.set(fn.name, pool);
    const idle = pool.find((s) => !s.busy);
    if (idle) {
      idle.busy = true;
      return idle;
    }
    if (fn.reservedConcurrency !== undefined && pool.length >= fn.reservedConcurrency) {
      throw new LambdaServiceError('TooManyRequestsException', `Rate Exceeded: ${fn.name} has ${fn.reservedConcurrency} reserved concurrent executions, all busy`);
    }
    const worker = new Worker(join(__dirname, 'lambda-sandbox-entry.js'), {
      workerData: { taskRoot: fn.taskRoot, handler: fn.handler, functionName: fn.name, memorySize: fn.memoryMiB, timeoutSeconds: fn.timeoutSeconds },
      env: {
        ...this.runtimeEnvironment,
        ...fn.environment,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMiB),
        AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
        LAMBDA_TASK_ROOT: fn.taskRoot,
        TZ: ':UTC',
      },
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: fn.memoryMiB },
    });
    const log = this.log(fn);
    worker.stdout.on('data', (d: Buffer) => log.write(d));
    worker.stderr.on('data', (d: Buffer) => log.write(d));
    const sandbox: Sandbox = { worker, busy: true };
    worker.on('message', (m: { id: number; payload?: string; error?: { errorType: string; errorMessage: string; trace: string[] } }) => this.pending.get(m.id)?.(m));
    // A crash (an uncaught exception, running out of memory) ends the execution environment.
    worker.on('error', (e) => {
      if (sandbox.current !== undefined) (this.pending.get(sandbox.current) as ((m: unknown) => void) | undefined)?.(e);
    });
    worker.unref();
    pool.push(sandbox);
    return sandbox;
  }

  private discard(fn: DeclaredFunction, sandbox: Sandbox): void {
    const pool = this.sandboxes.get(fn.name) ?? [];
    this.sandboxes.set(fn.name, pool.filter((s) => s !== sandbox));
    void sandbox.worker.terminate();
  }

  private log(fn: DeclaredFunction): WriteStream {
    let log = this.logs.get(fn.name);
    if (!log) {
      mkdirSync(this.logDir, { recursive: true });
      log = createWriteStream(this.logFile(fn), { flags: 'a' });
      this.logs.set(fn.name, log);
    }
    return log;
  }
}

/** The parts of a Lambda FunctionName: `name`, `name:qualifier`, `account:function:name`, or a full ARN. */
export function lambdaFunctionName(value: string): { name: string; arn?: string; qualifier?: string } {
  const arn = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(value);
  if (arn) return { name: arn[2], arn: `${arn[1]}${arn[2]}`, ...(arn[3] ? { qualifier: arn[3] } : {}) };
  const partial = /^(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(value);
  if (partial) return { name: partial[2], ...(partial[3] ? { qualifier: partial[3] } : {}) };
  const bare = /^([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/.exec(value);
  if (bare) return { name: bare[1], ...(bare[2] ? { qualifier: bare[2] } : {}) };
  throw new LambdaServiceError('ResourceNotFoundException', `not a Lambda function name or ARN: ${value}`);
}
