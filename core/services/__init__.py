"""Use cases, each in its own module: linking and Hevy accounts, sync and CSV import, the
lifter's catalogue, insights and the SQL log query, plans (proposal, writing to Hevy, the
weekly loop), the outbox, export and erasure, user leases and sync rounds."""
