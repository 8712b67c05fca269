"""Facts to judgements: progress against targets and conflicts between sources."""
