import { describe, expect, it } from "vitest";
import { OperationGuard } from "../src/editor/operation-guard.js";

describe("operation guard", () => {
  it("is busy from the press until the accepted operation is done", () => {
    const guard = new OperationGuard();
    expect(guard.busy()).toBe(false);
    guard.ask();
    expect(guard.busy()).toBe(true);
    guard.answered("op1");
    expect(guard.busy()).toBe(true);
    guard.finished("op1");
    expect(guard.busy()).toBe(false);
  });

  it("is not stuck when the operation finished before the answer arrived", () => {
    const guard = new OperationGuard();
    guard.ask();
    guard.finished("op1");
    guard.answered("op1");
    expect(guard.busy()).toBe(false);
  });

  it("is busy while the lab has operations of others in progress, and free after a refused press", () => {
    const guard = new OperationGuard();
    expect(guard.busy(1)).toBe(true);
    guard.ask();
    guard.answered(null);
    expect(guard.busy(0)).toBe(false);
  });
});
