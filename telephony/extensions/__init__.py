"""Extensions: the feature package that creates, edits and deletes internal numbers."""
