// One Lambda execution environment of the rehearsal, in a worker thread: loads the deployed
// package's handler (as the Node.js runtime does from /var/task) with the function's environment,
// and runs one invocation at a time, answering as the Lambda Invoke API does (the result as JSON,
// or errorType, errorMessage and trace). Plain JavaScript: the package is what esbuild bundled.
const { parentPort, workerData } = require('node:worker_threads');
const { join } = require('node:path');

const { taskRoot, handler, functionName, memorySize, timeoutSeconds } = workerData;
const dot = handler.lastIndexOf('.');
let handle;

function load() {
  if (handle) return handle;
  let mod;
  try {
    mod = require(join(taskRoot, handler.slice(0, dot)));
  } catch (e) {
    throw Object.assign(new Error(`Error: Cannot load module ${handler.slice(0, dot)}: ${e.message}`), { name: 'Runtime.ImportModuleError' });
  }
  const fn = mod[handler.slice(dot + 1)];
  if (typeof fn !== 'function') throw Object.assign(new Error(`${handler} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  handle = fn;
  return fn;
}

parentPort.on('message', async ({ id, payload, requestId }) => {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: String(memorySize),
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await load()(JSON.parse(payload), context);
    parentPort.postMessage({ id, payload: result === undefined ? 'null' : JSON.stringify(result) });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    parentPort.postMessage({
      id,
      error: { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack || '').split('\n') },
    });
  }
});
