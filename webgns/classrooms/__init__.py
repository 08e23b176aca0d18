"""Classrooms: courses, enrollments, assignments and per-student copies of labs."""
