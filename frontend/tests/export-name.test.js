import { describe, expect, it } from "vitest";
import { exportFileName } from "../src/lib/export-name.js";

describe("exportFileName", () => {
  it("names the file after the project", () => {
    expect(exportFileName("Branch office")).toBe("Branch-office.webgns.json");
    expect(exportFileName("lab (v2)+x_y.z")).toBe("lab-(v2)+x_y.z.webgns.json");
    expect(exportFileName("  ")).toBe("project.webgns.json");
    expect(exportFileName("Réseau 1")).toBe("Réseau-1.webgns.json");
  });
});

describe("exportFileName per format", () => {
  it("takes each format's suffix, JSON by default", () => {
    expect(exportFileName("Branch office", "yaml")).toBe("Branch-office.webgns.yaml");
    expect(exportFileName("Branch office", "clab")).toBe("Branch-office.clab.yml");
    expect(exportFileName("Branch office", "nonsense")).toBe("Branch-office.webgns.json");
  });
});
