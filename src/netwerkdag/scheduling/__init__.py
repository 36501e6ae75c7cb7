"""Scheduling: the rules of a plan, the CP-SAT model that places sessions, and its reports."""
