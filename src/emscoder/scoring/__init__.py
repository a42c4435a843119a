"""The documentation-sufficiency classifier (DESIGN.md "Classifier"): features from the findings and
rule decisions plus narrative n-grams, training, evaluation, model folders and per-PCR scoring.

`emscoder.coder` uses `scorer.Scorer` through the default model; `workflow` holds what
`emscoder train` and `emscoder evaluate` do."""
