"""Reading and writing event files: YAML with source positions, validated by Pydantic, built into the core."""
