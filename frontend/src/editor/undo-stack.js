/**
 * The editor's undo and redo: a command pattern over API calls. A command is `{label, redo(ids), undo(ids)}`,
 * each side an async function making the request that does or reverses one user action.
 *
 * Division of labour: this module is pure (no DOM, no network). It orders commands, refuses to run two at once,
 * and keeps an IdMap: undoing a deletion creates the node again under a new id, so every command names elements
 * by the id they had when the command was recorded and asks the map for the id they have now. The commands
 * themselves (which requests, with which bodies) are built in lab-commands.js. History lives only as long as
 * the page: after a reload there is nothing to undo.
 */

/** Where an element recorded under one id lives now (after an undo re-created it under another). */
export class IdMap {
  constructor() {
    this.aliases = new Map();
  }

  /** The current id of an element first known as `id`. */
  resolve(id) {
    let current = id;
    const seen = new Set();
    while (this.aliases.has(current) && !seen.has(current)) {
      seen.add(current);
      current = this.aliases.get(current);
    }
    return current;
  }

  /** Records that the element known as `oldId` now has `newId`. */
  alias(oldId, newId) {
    if (oldId === newId) return;
    this.aliases.set(this.resolve(oldId), newId);
  }
}

export class UndoStack {
  /** @param {{limit?: number, onChange?: (stack: UndoStack) => void}} options */
  constructor({ limit = 100, onChange = () => {} } = {}) {
    this.limit = limit;
    this.onChange = onChange;
    this.done = [];
    this.undone = [];
    this.ids = new IdMap();
    this.busy = false;
  }

  /** Records a command whose action has already happened (the user did it); clears what could be redone. */
  record(command) {
    this.done.push(command);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
    this.onChange(this);
  }

  /** Runs a command's action now and records it once the action succeeded. */
  async perform(command) {
    await this.guard(() => command.redo(this.ids));
    this.record(command);
  }

  get canUndo() {
    return !this.busy && this.done.length > 0;
  }

  get canRedo() {
    return !this.busy && this.undone.length > 0;
  }

  /** The label of what Ctrl-Z would undo, for the button's tooltip. */
  get undoLabel() {
    return this.done.at(-1)?.label || "";
  }

  get redoLabel() {
    return this.undone.at(-1)?.label || "";
  }

  /**
   * Undoes the last command. If its request fails the command stays where it was (so the user may try again)
   * and the error is thrown for the caller to show. Returns the command, or null when there is nothing to undo.
   */
  async undo() {
    if (!this.canUndo) return null;
    const command = this.done.at(-1);
    await this.guard(() => command.undo(this.ids));
    this.done.pop();
    this.undone.push(command);
    this.onChange(this);
    return command;
  }

  async redo() {
    if (!this.canRedo) return null;
    const command = this.undone.at(-1);
    await this.guard(() => command.redo(this.ids));
    this.undone.pop();
    this.done.push(command);
    this.onChange(this);
    return command;
  }

  async guard(fn) {
    if (this.busy) throw new Error("another undo or redo is still running");
    this.busy = true;
    this.onChange(this);
    try {
      return await fn();
    } finally {
      this.busy = false;
      this.onChange(this);
    }
  }

  clear() {
    this.done = [];
    this.undone = [];
    this.onChange(this);
  }
}
