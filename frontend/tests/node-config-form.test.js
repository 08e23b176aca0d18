import { describe, expect, it } from "vitest";
import {
  changedPaths,
  fileEntries,
  formatEnvironment,
  parseEnvironment,
  parseStartup,
  patchBody,
  pathProblem,
} from "../src/lib/node-config-form.js";

describe("node configuration form", () => {
  it("reads environment lines and writes them back", () => {
    expect(parseEnvironment("A=1\n\n# note\nB = two=2\n")).toEqual({ A: "1", B: " two=2" });
    expect(formatEnvironment({ A: "1", B: "x" })).toBe("A=1\nB=x");
    expect(() => parseEnvironment("A=1\nnonsense")).toThrow("line 2: write KEY=value");
  });

  it("keeps startup lines but drops trailing blanks", () => {
    expect(parseStartup("ip addr add 10.0.0.1/24 dev eth0\n\nip link set eth0 up  \n\n")).toEqual([
      "ip addr add 10.0.0.1/24 dev eth0",
      "",
      "ip link set eth0 up",
    ]);
  });

  it("shows the template's files with the node's own over them", () => {
    const node = {
      files: { "/etc/frr/frr.conf": "router ospf\n" },
      effective_files: { "/etc/frr/frr.conf": "router ospf\n", "/etc/frr/daemons": "ospfd=yes\n" },
      template_files: { "/etc/frr/frr.conf": "!\n", "/etc/frr/daemons": "ospfd=yes\n" },
    };
    expect(fileEntries(node)).toEqual([
      { path: "/etc/frr/daemons", text: "ospfd=yes\n", source: "template" },
      { path: "/etc/frr/frr.conf", text: "router ospf\n", source: "both" },
    ]);
  });

  it("refuses paths the API would refuse", () => {
    expect(pathProblem("etc/x")).toMatch(/starts with/);
    expect(pathProblem("/etc/../x")).toMatch(/\.\./);
    expect(pathProblem("/etc/")).toMatch(/folder/);
    expect(pathProblem("/etc/frr/frr.conf")).toBe("");
  });

  it("builds the PATCH body: edits over the node's files, removals fall back, numbers or null", () => {
    const node = { files: { "/a": "1", "/b": "2" } };
    const body = patchBody(node, {
      edited: { "/a": "one", "/c": "three" },
      removed: ["/b"],
      startup: "echo hi\n",
      environment: "X=1",
      adapters: "4",
      cpus: "",
      memory_mb: "256",
    });
    expect(body).toEqual({
      files: { "/a": "one", "/c": "three" },
      startup: ["echo hi"],
      environment: { X: "1" },
      adapters: 4,
      cpus: null,
      memory_mb: 256,
    });
    expect(patchBody(node, { startup: "", environment: "", adapters: "" })).not.toHaveProperty("adapters");
  });

  it("names the files a running-config save changed", () => {
    expect(changedPaths({ "/a": "1", "/b": "2" }, { "/a": "1", "/b": "3", "/c": "" })).toEqual(["/b", "/c"]);
  });
});
