import { describe, expect, it } from "vitest";
import { nameStem, nextNodeName } from "../src/lib/node-names.js";

describe("node names", () => {
  it("numbers from 1 and fills holes", () => {
    expect(nextNodeName("busybox", [])).toBe("busybox1");
    expect(nextNodeName("busybox", ["busybox1", "busybox3"])).toBe("busybox2");
  });

  it("makes a host-name-safe stem", () => {
    expect(nameStem("Alpine Linux 3.20")).toBe("alpine-linux-3-20");
    expect(nameStem("***")).toBe("node");
  });
});
