"""Partner and regulator notices: a small sandboxed template language, an explicit context
built from incident facts, and claims that must match the record."""
