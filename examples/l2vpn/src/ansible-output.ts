/**
 * Ansible colours its stdout and ansible-runner keeps the codes, so a real LSO sends `output`
 * lines full of ANSI escape sequences. The operator reads them in a form: show the text.
 * The stored callback_result keeps exactly what the runner sent.
 */
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[A-Za-z]/g;

const plain = (text: string) => text.replace(ANSI_ESCAPE, '');

/** LSO 5.2 sends a list of lines; older or other runners a single string. Anything else as is. */
export const readableOutput = (output: unknown): unknown => {
  if (typeof output === 'string') return plain(output);
  if (Array.isArray(output))
    return output.map((line) => (typeof line === 'string' ? plain(line) : line));
  return output;
};
