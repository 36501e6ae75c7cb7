"""netwerkdag: plan, schedule, publish and run multi-track network days."""

__version__ = "0.1.0"
