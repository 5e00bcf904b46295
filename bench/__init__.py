"""`make bench`: how fast and lean Spotter is, each figure next to a baseline from the same run."""
