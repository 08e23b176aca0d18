/**
 * A capture's packet list, pure: merging batches as they arrive, the capture socket's URL, Wireshark-like
 * colouring by protocol, and the hex dump of a packet's bytes.
 *
 * Division of labour: data only; the capture panel (editor/capture-panel.js) owns the DOM and the sockets.
 */

/** Most rows one tab keeps (the server caps a capture at 50 000 packets by default). */
export const MAX_ROWS = 20000;

/** ws path of a capture, with the packets already held (`from`) and a display filter. */
export function captureSocketPath(projectId, captureId, { from = 0, filter = "" } = {}) {
  const query = new URLSearchParams();
  if (from) query.set("from", String(from));
  if (filter) query.set("filter", filter);
  const suffix = query.toString();
  return `/ws/projects/${projectId}/captures/${captureId}/${suffix ? `?${suffix}` : ""}`;
}

/** REST path of a capture under its link (or the project when the link is gone). */
export function captureApiPath(projectId, capture) {
  const base = capture.link ? `/projects/${projectId}/links/${capture.link}` : `/projects/${projectId}`;
  return `${base}/captures/${capture.id}/`;
}

/** The packets of `incoming` appended to `list`, in number order, without duplicates; keeps at most `max`. */
export function mergePackets(list, incoming, max = MAX_ROWS) {
  const last = list.length ? list[list.length - 1].no : 0;
  const fresh = incoming.filter((p) => p.no > last);
  if (fresh.length === incoming.length && (!fresh.length || isSorted(fresh))) {
    const merged = list.concat(fresh);
    return merged.length > max ? merged.slice(merged.length - max) : merged;
  }
  const byNo = new Map(list.map((p) => [p.no, p]));
  for (const p of incoming) byNo.set(p.no, p);
  const merged = [...byNo.values()].sort((a, b) => a.no - b.no);
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

function isSorted(list) {
  for (let i = 1; i < list.length; i += 1) if (list[i].no <= list[i - 1].no) return false;
  return true;
}

/** The row class of a protocol, after Wireshark's default colouring rules (a few of them). */
export function protocolClass(protocol) {
  const p = String(protocol || "").toUpperCase();
  if (p === "ARP") return "proto-arp";
  if (p.startsWith("ICMP")) return "proto-icmp";
  if (p === "TCP" || p === "HTTP" || p === "TLS" || p.startsWith("TLSV") || p === "SSH") return "proto-tcp";
  if (p === "UDP" || p === "DNS" || p === "DHCP" || p === "NTP" || p === "MDNS" || p === "SSDP") return "proto-udp";
  if (p === "OSPF" || p === "BGP" || p === "RIPV2" || p === "RIP" || p === "STP" || p === "LLDP") return "proto-routing";
  return "proto-other";
}

/** Seconds since the first packet, as Wireshark's Time column: 0.000000. */
export function formatTime(seconds) {
  return (Number(seconds) || 0).toFixed(6);
}

/**
 * The classic hex dump of a hex string: ["0000  45 00 …  E.…", …], 16 bytes a line, printable ASCII at the
 * right and "." for the rest.
 */
export function hexDump(hex) {
  const bytes = [];
  for (let i = 0; i + 1 < (hex || "").length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  const lines = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.slice(offset, offset + 16);
    const hexPart = row.map((b) => b.toString(16).padStart(2, "0"));
    const left = hexPart.slice(0, 8).join(" ");
    const right = hexPart.slice(8).join(" ");
    const ascii = row.map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${offset.toString(16).padStart(4, "0")}  ${`${left}  ${right}`.padEnd(49)}  ${ascii}`);
  }
  return lines;
}

/** A capture's status line: "running · 42 packets" / "stopped (packet limit) · 50000 packets". */
export function statusText(capture, shown) {
  if (!capture) return "";
  const count = Math.max(capture.packets || 0, shown || 0);
  const why = capture.status === "stopped" && capture.reason && capture.reason !== "stopped" ? ` (${capture.reason})` : "";
  const error = capture.status === "error" && capture.error ? `: ${capture.error}` : "";
  return `${capture.status}${why}${error} · ${count} packet${count === 1 ? "" : "s"}`;
}
