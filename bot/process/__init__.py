"""What every room of `bot` shares: the composition root (`runtime`: settings in, store,
services and coach out), structured logs with secrets scrubbed (`logs`), Prometheus metrics
(`metrics`) and per-lifter throttles (`throttle`)."""
