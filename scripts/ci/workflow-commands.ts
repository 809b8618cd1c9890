/** GitHub Actions workflow commands (annotations) with their data escaped as the runner expects. */

export type AnnotationLevel = 'notice' | 'warning' | 'error';

/** `::warning title=T::message`, with `%`, CR, LF (and `:`/`,` in properties) escaped so data cannot end the command. */
export function annotation(level: AnnotationLevel, title: string, message: string): string {
  return `::${level} title=${escapeProperty(title)}::${escapeData(message)}`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The link to the current workflow run, when the runner's variables say which one it is. */
export function workflowRunUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
}
