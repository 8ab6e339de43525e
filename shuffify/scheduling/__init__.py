"""Scheduling: schedules, the runner that claims due ones, and what a run does."""
