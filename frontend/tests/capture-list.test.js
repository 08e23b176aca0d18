import { describe, expect, it } from "vitest";
import {
  captureApiPath,
  captureSocketPath,
  formatTime,
  hexDump,
  mergePackets,
  protocolClass,
  statusText,
} from "../src/lib/capture-list.js";

const p = (no) => ({ no, protocol: "ICMP" });

describe("mergePackets", () => {
  it("appends new batches in order", () => {
    expect(mergePackets([p(1), p(2)], [p(3), p(4)]).map((x) => x.no)).toEqual([1, 2, 3, 4]);
  });
  it("drops what it already holds (a reconnect repeats a batch)", () => {
    expect(mergePackets([p(1), p(2), p(3)], [p(2), p(3), p(4)]).map((x) => x.no)).toEqual([1, 2, 3, 4]);
  });
  it("sorts an out-of-order batch", () => {
    expect(mergePackets([p(1)], [p(5), p(3)]).map((x) => x.no)).toEqual([1, 3, 5]);
  });
  it("keeps the newest rows under the cap", () => {
    expect(mergePackets([p(1), p(2)], [p(3), p(4)], 3).map((x) => x.no)).toEqual([2, 3, 4]);
  });
});

describe("paths", () => {
  it("builds the socket URL with from and filter", () => {
    expect(captureSocketPath("P", "C")).toBe("/ws/projects/P/captures/C/");
    expect(captureSocketPath("P", "C", { from: 7, filter: "icmp && ip.ttl == 64" })).toBe(
      "/ws/projects/P/captures/C/?from=7&filter=icmp+%26%26+ip.ttl+%3D%3D+64",
    );
  });
  it("reaches a capture through its link, or the project once the link is gone", () => {
    expect(captureApiPath("P", { id: "C", link: "L" })).toBe("/projects/P/links/L/captures/C/");
    expect(captureApiPath("P", { id: "C", link: null })).toBe("/projects/P/captures/C/");
  });
});

describe("looks", () => {
  it("colours protocols as Wireshark's defaults do, roughly", () => {
    expect(protocolClass("ARP")).toBe("proto-arp");
    expect(protocolClass("ICMPv6")).toBe("proto-icmp");
    expect(protocolClass("TCP")).toBe("proto-tcp");
    expect(protocolClass("DNS")).toBe("proto-udp");
    expect(protocolClass("OSPF")).toBe("proto-routing");
    expect(protocolClass("X.25")).toBe("proto-other");
  });
  it("formats time with microseconds", () => {
    expect(formatTime(0.4005)).toBe("0.400500");
    expect(formatTime(undefined)).toBe("0.000000");
  });
  it("dumps bytes as offset, hex and ASCII", () => {
    const lines = hexDump("4500" + "41".repeat(16));
    expect(lines.length).toBe(2);
    expect(lines[0].startsWith("0000  45 00 41 41 41 41 41 41  41 41 41 41 41 41 41 41")).toBe(true);
    expect(lines[0].endsWith("E.AAAAAAAAAAAAAA")).toBe(true);
    expect(lines[1].startsWith("0010  41 41")).toBe(true);
    expect(lines[1].endsWith("AA")).toBe(true);
  });
  it("says how a capture is doing", () => {
    expect(statusText({ status: "running", packets: 1 }, 0)).toBe("running · 1 packet");
    expect(statusText({ status: "stopped", reason: "packet limit", packets: 4 }, 4)).toBe("stopped (packet limit) · 4 packets");
    expect(statusText({ status: "error", error: "no such interface", packets: 0 }, 0)).toBe("error: no such interface · 0 packets");
  });
});
