import { describe, expect, it } from "vitest";
import { ApiError, cookieValue, errorText } from "../src/lib/api-client.js";

describe("api client helpers", () => {
  it("reads the csrftoken cookie", () => {
    expect(cookieValue("sessionid=abc; csrftoken=t0k%3Den; x=1", "csrftoken")).toBe("t0k=en");
    expect(cookieValue("", "csrftoken")).toBe("");
  });

  it("turns error bodies into one sentence", () => {
    expect(errorText({ detail: "Not found." }, 404)).toBe("Not found.");
    expect(errorText({ a: { port: ["eth0 already carries a link"] } }, 400)).toBe("a.port: eth0 already carries a link");
    expect(errorText({ non_field_errors: ["a link joins two different nodes"] }, 400)).toBe("a link joins two different nodes");
    expect(errorText("", 502)).toBe("the server answered 502");
    expect(new ApiError(400, { name: ["required"] }, "/api/x").message).toBe("name: required");
  });
});
