import { describe, expect, it } from "vitest";
import { ApiError } from "../src/lib/api-client.js";
import { copyStateText, finished, progressText, startRefusal } from "../src/courses/start-progress.js";

describe("start progress", () => {
  it("describes an operation as it goes", () => {
    expect(progressText({ status: "pending", done: 0, total: 0 })).toBe("starting…");
    expect(progressText({ status: "running", done: 1, total: 3 })).toBe("starting… 1/2 nodes");
    expect(progressText({ status: "running", done: 0, total: 6 })).toBe("starting… 0/5 nodes");
    expect(progressText({ status: "running", done: 2, total: 3 })).toBe("starting… 2/2 nodes up, running startup lines");
    expect(progressText({ status: "done", done: 2, total: 2 })).toBe("running");
    expect(progressText({ status: "error", error: "pc1: image missing" })).toBe("could not start: pc1: image missing");
    expect(finished({ status: "running" })).toBe(false);
    expect(finished({ status: "error" })).toBe(true);
  });

  it("shows a quota refusal as the server's sentence", () => {
    const quota = new ApiError(400, { quota: ["starting this lab would run 25 nodes; your limit is 20."] }, "/api/x");
    expect(startRefusal(quota)).toBe("starting this lab would run 25 nodes; your limit is 20.");
    expect(startRefusal(new ApiError(403, { detail: "Only this course's students start copies." }, "/api/x"))).toBe(
      "Only this course's students start copies.",
    );
  });

  it("says what state a student's copy is in", () => {
    expect(copyStateText(null)).toBe("not started yet");
    expect(copyStateText({ status: "started" })).toBe("running");
    expect(copyStateText({ status: "partial" })).toBe("partly running");
  });
});
