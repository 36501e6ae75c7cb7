"""The web app's use cases: what a view asks for, in functions that know no request or response."""
