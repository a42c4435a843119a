"""Writers for coding results: JSON Lines (`jsonl`) and the HTML evidence report (`html`)."""
