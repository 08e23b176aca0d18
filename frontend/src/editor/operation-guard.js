/**
 * Whether the lab's Start may be pressed now: not while an operation on the lab is under way, nor between a press
 * and the server's answer (the operation's first event may come after that answer, or before it).
 *
 * Division of labour: pure bookkeeping of operation ids; the editor asks `busy` and greys the button. The server
 * answers a start of what is already starting with that start's operation, so this is about not inviting the
 * press, not about correctness.
 */

const REMEMBERED_DONE = 100;

export class OperationGuard {
  constructor() {
    this.asking = 0;
    this.awaited = new Set(); // operations the server accepted that have not reported done yet
    this.done = new Set(); // ids already done: an answer arriving after its operation's last event
  }

  /** A request is on its way; call `answered` with the operation id (or nothing) when it returns. */
  ask() {
    this.asking += 1;
  }

  answered(operationId) {
    this.asking = Math.max(0, this.asking - 1);
    if (operationId && !this.done.has(operationId)) this.awaited.add(operationId);
  }

  /** An `operation.done` event. */
  finished(operationId) {
    this.awaited.delete(operationId);
    this.done.add(operationId);
    if (this.done.size > REMEMBERED_DONE) this.done.delete(this.done.values().next().value);
  }

  /** `running`: how many operations the lab store sees in progress. */
  busy(running = 0) {
    return this.asking > 0 || this.awaited.size > 0 || running > 0;
  }
}
