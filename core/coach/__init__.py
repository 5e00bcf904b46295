"""The coach: a Claude conversation (`service`) whose tools (`tools/`, by subject) read the
log and propose plans, under the system prompt and lifter facts of `prompts`."""
