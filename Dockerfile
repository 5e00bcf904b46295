# Spotter in one container: `spotter run` (bot, web app, scheduler) as a non-root user.
FROM python:3.13-slim AS build
WORKDIR /src
# Dependencies first, exactly as the lock pins them (hashes checked), so a code change
# rebuilds only the last layer. `make lock` refreshes requirements.lock.
COPY requirements.lock ./
RUN pip install --no-cache-dir --prefix=/install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY core ./core
COPY storage ./storage
COPY sandbox ./sandbox
RUN pip install --no-cache-dir --prefix=/install --no-deps .

FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=8080
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin spotter \
    && mkdir -p /app/data \
    && chown spotter:spotter /app/data
COPY --from=build /install /usr/local
WORKDIR /app
USER spotter
# Embedded mode keeps spotter.db and secret.key here; mount a volume to keep them.
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('WEB_PORT', '8080'), timeout=4)" || exit 1
CMD ["spotter", "run"]
