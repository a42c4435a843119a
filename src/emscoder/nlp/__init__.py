"""NLP stage: a medspaCy pipeline that turns a narrative into `Finding`s with character-offset evidence."""
