import { describe, expect, it } from "vitest";
import { closeReason, consolePath, parseServerText } from "../src/lib/console-protocol.js";

describe("console protocol", () => {
  it("builds the socket path for each mode", () => {
    expect(consolePath("p1", "n1")).toBe("/ws/projects/p1/nodes/n1/console/");
    expect(consolePath("p1", "n1", "control")).toBe("/ws/projects/p1/nodes/n1/console/");
    expect(consolePath("p1", "n1", "watch")).toBe("/ws/projects/p1/nodes/n1/console/?mode=watch");
    expect(consolePath("p1", "n1", "takeover")).toBe("/ws/projects/p1/nodes/n1/console/?mode=takeover");
    expect(() => consolePath("p1", "n1", "spy")).toThrow(/unknown console mode/);
  });

  it("reads the server's text frames", () => {
    expect(parseServerText('{"mode":"watch","notice":"watching (read-only)"}')).toEqual({ notice: "watching (read-only)" });
    expect(parseServerText('{"size":[120,40]}')).toEqual({ size: [120, 40] });
    expect(parseServerText('{"size":[0,40]}')).toEqual({ text: '{"size":[0,40]}' });
    expect(parseServerText('{"size":[80.5,24]}')).toEqual({ text: '{"size":[80.5,24]}' });
    expect(parseServerText("plain bytes\r\n")).toEqual({ text: "plain bytes\r\n" });
    expect(parseServerText("[1,2]")).toEqual({ text: "[1,2]" });
    expect(parseServerText("null")).toEqual({ text: "null" });
    expect(parseServerText('{"takeover":{"by":"tina","active":true,"typists":["tina"]}}')).toEqual({
      takeover: { by: "tina", active: true, typists: ["tina"] },
    });
    expect(parseServerText('{"takeover":{"by":3}}')).toEqual({ text: '{"takeover":{"by":3}}' });
  });

  it("says why a console closed", () => {
    expect(closeReason(4404)).toBe("the node is not running");
    expect(closeReason(4429)).toBe("you have as many consoles open as you may; close one first");
    expect(closeReason(4403, "watch")).toBe("you may not use this node's console");
    expect(closeReason(1000, "control")).toBe("the shell ended");
    expect(closeReason(1000, "watch")).toBe("the node stopped");
    expect(closeReason(1006)).toBe("connection closed (code 1006)");
  });
});
