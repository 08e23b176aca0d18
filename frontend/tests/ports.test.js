import { describe, expect, it } from "vitest";
import { freePorts, linkRequest, NoFreePortError, nextFreePort } from "../src/lib/ports.js";

const node = (id, n) => ({ id, name: id, ports: Array.from({ length: n }, (_, i) => ({ name: `eth${i}`, link: null })) });
const link = (a, pa, b, pb) => ({ id: `${a}${pa}-${b}${pb}`, a: { node: a, port: pa }, b: { node: b, port: pb } });

describe("ports", () => {
  it("takes the first port no link uses, on either end of a link", () => {
    const r1 = node("r1", 3);
    const links = [link("r1", "eth0", "r2", "eth0"), link("r3", "eth0", "r1", "eth1")];
    expect(freePorts(r1, links)).toEqual(["eth2"]);
    expect(nextFreePort(r1, links)).toBe("eth2");
  });

  it("reuses a port freed in the middle", () => {
    const r1 = node("r1", 3);
    expect(nextFreePort(r1, [link("r1", "eth0", "x", "eth0"), link("r1", "eth2", "y", "eth0")])).toBe("eth1");
  });

  it("trusts links over a stale port.link field", () => {
    const r1 = node("r1", 2);
    r1.ports[0].link = "deleted-link";
    expect(nextFreePort(r1, [])).toBe("eth0");
  });

  it("builds a link request with chosen or next free ports", () => {
    const a = node("a", 2);
    const b = node("b", 2);
    const links = [link("a", "eth0", "c", "eth0")];
    expect(linkRequest(a, b, links)).toEqual({ a: { node: "a", port: "eth1" }, b: { node: "b", port: "eth0" } });
    expect(linkRequest(a, b, links, { portB: "eth1" }).b.port).toBe("eth1");
  });

  it("names the node that has no free port", () => {
    const a = node("a", 1);
    const b = node("b", 1);
    expect(() => linkRequest(a, b, [link("b", "eth0", "c", "eth0")])).toThrow(NoFreePortError);
    expect(() => linkRequest(a, b, [link("b", "eth0", "c", "eth0")])).toThrow(/^b has no free port: all 1 are linked/);
    expect(() => linkRequest(node("z", 0), b, [])).toThrow("z has no ports to link");
  });
});
