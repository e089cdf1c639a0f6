"""HTTP API and pages: a thin layer over the domain packages."""
