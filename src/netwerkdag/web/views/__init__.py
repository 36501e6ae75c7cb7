"""Views: parse the request, call a service, render. One module per audience."""
