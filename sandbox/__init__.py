"""A local Hevy-compatible API for tests, `spotter demo`, benchmarks and manual testing.

It speaks Hevy's wire shapes and reproduces its quirks (text 401, paging caps and 404s, empty
201s, routine PUT pitfalls, routine caps), with faults that tests can inject.
"""
