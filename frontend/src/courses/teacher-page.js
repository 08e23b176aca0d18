/**
 * The teacher's course page (staff see it too): students' labs with live status and consoles, assignments,
 * students and the audit trail. This file only connects the panels; each panel owns its section of the page.
 */

import { socketUrl } from "../lib/events-socket.js";
import { consolePath } from "../lib/console-protocol.js";
import { TerminalDock } from "../lib/terminal-dock.js";
import { AssignmentsPanel } from "./assignments-panel.js";
import { AuditPanel } from "./audit-panel.js";
import { CopiesPanel } from "./copies-panel.js";
import { GradesPanel } from "./grades-panel.js";
import { SettingsPanel } from "./settings-panel.js";
import { StudentsPanel } from "./students-panel.js";

const $ = (id) => document.getElementById(id);

export class TeacherPage {
  constructor(api, course, username) {
    this.audit = new AuditPanel(api, course);
    const changed = () => {
      this.audit.refresh();
      this.copies.refresh();
      this.grades.loadAssignments();
    };
    this.copies = new CopiesPanel(api, course, { openConsole: (copy, node, mode) => this.openConsole(copy, node, mode), changed });
    this.assignments = new AssignmentsPanel(api, course, username, { changed });
    this.students = new StudentsPanel(api, course);
    this.grades = new GradesPanel(api, course);
    this.settings = new SettingsPanel(api, course);
    this.terminals = new TerminalDock($("course-terminals"), (node, mode) => socketUrl(consolePath(node.project, node.id, mode)));
  }

  start() {
    $("teacher-view").hidden = false;
    for (const panel of [this.copies, this.assignments, this.grades, this.students, this.settings, this.audit]) panel.start();
  }

  /** Watch (read-only) or take over (a shell of the teacher's own) a node of a student's copy. */
  async openConsole(copy, node, mode) {
    $("console-section").hidden = false;
    const label = `${copy.student} · ${node.name}`;
    await this.terminals.open({ id: node.id, name: node.name, label, project: copy.project }, { mode });
    $("console-section").scrollIntoView({ block: "nearest" });
    // The audit trail records the console just opened; show it.
    setTimeout(() => this.audit.refresh(), 1000);
  }
}
