import { beforeAll, describe, expect, it } from "vitest";
import {
  errorsToForm,
  formToImpairment,
  IMPAIRMENT_FIELDS,
  ImpairmentInputError,
  impairmentSummary,
  impairmentToForm,
  setImpairmentRanges,
} from "../src/lib/impairment-fields.js";
// What GET /api/compute/ serves as "impairment_ranges"; tests/labs/test_contract_ranges.py checks that this
// file is exactly the server's table, so the editor's bounds here are the API's and the engine's.
import served from "./fixtures/impairment-ranges.json";

describe("bounds come from the server", () => {
  it("has none of its own before the server's table arrives", () => {
    expect(IMPAIRMENT_FIELDS.some((f) => "min" in f || "max" in f)).toBe(false);
    // Without bounds only the server refuses: a huge rate passes the form.
    expect(formToImpairment({ "a_to_b.rate_kbps": "999999999999" }).impairment.a_to_b.rate_kbps).toBe(999999999999);
  });

  it("takes the served table onto every field", () => {
    expect(setImpairmentRanges(served)).toBe(IMPAIRMENT_FIELDS.length);
    const rate = IMPAIRMENT_FIELDS.find((f) => f.name === "rate_kbps");
    expect([rate.min, rate.max, rate.unit, rate.integer]).toEqual([8, 34000000, "kbit/s", true]);
    expect(setImpairmentRanges(undefined)).toBe(0);
    expect(rate.max).toBe(34000000); // a failed fetch keeps what was there
  });
});

describe("impairment form conversion", () => {
  beforeAll(() => setImpairmentRanges(served));

  it("reads per-direction values and shows unset ones as empty", () => {
    const form = impairmentToForm({ a_to_b: { delay_ms: 10, loss_pct: 0, rate_kbps: null }, b_to_a: { rate_kbps: 512 } });
    expect(form["a_to_b.delay_ms"]).toBe("10");
    expect(form["a_to_b.loss_pct"]).toBe("");
    expect(form["a_to_b.rate_kbps"]).toBe("");
    expect(form["b_to_a.rate_kbps"]).toBe("512");
    expect(form["b_to_a.delay_ms"]).toBe("");
  });

  it("applies top-level fields to both directions, per-direction values win", () => {
    const form = impairmentToForm({ delay_ms: 5, a_to_b: { delay_ms: 7 } });
    expect(form["a_to_b.delay_ms"]).toBe("7");
    expect(form["b_to_a.delay_ms"]).toBe("5");
    expect(impairmentToForm(null)["a_to_b.delay_ms"]).toBe("");
  });

  it("builds a PATCH body: numbers, and empties cleared to 0 or null", () => {
    const body = formToImpairment({ "a_to_b.delay_ms": "12.5", "a_to_b.rate_kbps": " 1000 ", "b_to_a.loss_pct": "3" });
    expect(body.impairment.a_to_b).toMatchObject({ delay_ms: 12.5, rate_kbps: 1000, loss_pct: 0, jitter_ms: 0 });
    expect(body.impairment.b_to_a).toMatchObject({ loss_pct: 3, rate_kbps: null, delay_ms: 0 });
  });

  it("leaves disabled fields out so the server keeps them", () => {
    const body = formToImpairment({ "a_to_b.rate_kbps": "64" }, { skip: new Set(["delay_ms", "loss_pct"]) });
    expect("delay_ms" in body.impairment.a_to_b).toBe(false);
    expect("loss_pct" in body.impairment.b_to_a).toBe(false);
    expect(body.impairment.a_to_b.rate_kbps).toBe(64);
  });

  it("refuses text that is not a number, naming the input", () => {
    let error;
    try {
      formToImpairment({ "a_to_b.delay_ms": "ten", "b_to_a.rate_kbps": "1.5", "a_to_b.loss_pct": "101", "a_to_b.rate_kbps": "4" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImpairmentInputError);
    expect(error.errors).toEqual({
      "a_to_b.delay_ms": "Delay must be a number of ms",
      "b_to_a.rate_kbps": "Rate must be a whole number of kbit/s",
      "a_to_b.loss_pct": "Loss must be between 0 and 100 %",
      "a_to_b.rate_kbps": "Rate must be between 8 and 34000000 kbit/s",
    });
  });

  it("round-trips form -> API -> form", () => {
    const values = { "a_to_b.delay_ms": "20", "b_to_a.rate_kbps": "2000", "b_to_a.jitter_ms": "1" };
    const back = impairmentToForm(formToImpairment(values).impairment);
    for (const [k, v] of Object.entries(values)) expect(back[k]).toBe(v);
    expect(back["a_to_b.loss_pct"]).toBe("");
  });
});

describe("API errors placed next to inputs", () => {
  it("places nested per-direction errors", () => {
    const placed = errorsToForm({ impairment: { a_to_b: { delay_ms: ["delay needs the sch_netem kernel module"] } } });
    expect(placed).toEqual({ "a_to_b.delay_ms": "delay needs the sch_netem kernel module" });
  });

  it("places top-level field errors on both directions", () => {
    const placed = errorsToForm({ impairment: { loss_pct: ["Ensure this value is less than or equal to 100."] } });
    expect(placed["a_to_b.loss_pct"]).toMatch(/less than or equal/);
    expect(placed["b_to_a.loss_pct"]).toMatch(/less than or equal/);
  });

  it("puts a direction-less field error beside the direction that has the field filled in", () => {
    const placed = errorsToForm(
      { impairment: { jitter_ms: ["Jitter needs a delay_ms above 0 in the same direction."] } },
      { "b_to_a.jitter_ms": "5", "a_to_b.jitter_ms": "" },
    );
    expect(placed).toEqual({ "b_to_a.jitter_ms": "Jitter needs a delay_ms above 0 in the same direction." });
  });

  it("keeps what belongs to no input as a form-level message", () => {
    expect(errorsToForm({ detail: "Not found." })._form).toBe("Not found.");
    expect(errorsToForm({ impairment: ["netem is not available on host h1"] })._form).toBe("netem is not available on host h1");
    expect(errorsToForm({ impairment: { a_to_b: ["bad"] } })._form).toBe("a → b: bad");
    expect(errorsToForm({ non_field_errors: ["x", "y"] })._form).toBe("x y");
    expect(errorsToForm("Server Error")._form).toBe("Server Error");
  });
});

describe("impairment summary", () => {
  it("is empty when nothing is set and lists values with units otherwise", () => {
    expect(impairmentSummary({ a_to_b: { delay_ms: 0, rate_kbps: null } })).toBe("");
    expect(impairmentSummary({ a_to_b: { delay_ms: 10 }, b_to_a: { rate_kbps: 64, loss_pct: 1 } })).toBe("→ 10ms  ← 1% 64kbit/s");
  });
});
