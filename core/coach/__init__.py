"""The coach: a Claude conversation whose tools read the log and propose plans."""
