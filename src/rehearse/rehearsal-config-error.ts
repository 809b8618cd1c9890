// A rehearsal that cannot start: the synth output, the landing folder, or a state the local
// interpreter cannot run faithfully. The operator fixes it (exit 2); it is never a failed execution.
import { OperatorError } from '../errors/operator-error';

export class RehearsalConfigError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'RehearsalConfigError';
  }
}
