import { describe, expect, it } from "vitest";
import { ApiError } from "../src/lib/api-client.js";
import { fieldErrors } from "../src/lib/form-errors.js";

describe("form errors", () => {
  it("puts each field's messages under that field", () => {
    const error = new ApiError(400, { title: ["An assignment needs a title."], source: ["No such project.", "Really."] }, "/api/x");
    expect(fieldErrors(error, ["title", "source"])).toEqual({ title: "An assignment needs a title.", source: "No such project. Really." });
  });

  it("never swallows a message that names no input of the form", () => {
    const quota = new ApiError(400, { quota: ["starting this lab would run 25 nodes; your limit is 20."] }, "/api/x");
    expect(fieldErrors(quota, ["title"])).toEqual({ _form: "quota: starting this lab would run 25 nodes; your limit is 20." });
    const denied = new ApiError(403, { detail: "Only this course's teachers may do that." }, "/api/x");
    expect(fieldErrors(denied, ["title"])).toEqual({ _form: "Only this course's teachers may do that." });
    const mixed = new ApiError(400, { title: ["too long"], non_field_errors: ["one of each"], other: { deep: ["x"] } }, "/api/x");
    expect(fieldErrors(mixed, ["title"])).toEqual({ title: "too long", _form: "one of each other: deep: x" });
  });

  it("falls back to the error's own sentence", () => {
    expect(fieldErrors(new ApiError(502, "", "/api/x"), ["title"])).toEqual({ _form: "the server answered 502" });
    expect(fieldErrors(new Error("offline"), [])).toEqual({ _form: "offline" });
  });
});
