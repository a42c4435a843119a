"""Writers for coding results: JSONL (and later CSV and the HTML evidence report)."""
