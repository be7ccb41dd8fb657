# Production image: slim, non-root, dependencies in their own layer.

# The explorer page, built with the locked npm packages; only its output goes further.
FROM node:20-slim AS explorer
WORKDIR /explorer
COPY explorer/package.json explorer/package-lock.json explorer/.npmrc ./
RUN npm ci --no-audit --no-fund
COPY explorer ./
RUN npm run build

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first: this layer is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir -p service schema db iati \
 && touch service/__init__.py schema/__init__.py db/__init__.py iati/__init__.py \
 && pip install . \
 && pip uninstall -y coopgraph

COPY service ./service
COPY schema ./schema
COPY db ./db
COPY iati ./iati
COPY --from=explorer /explorer/dist ./explorer/dist
RUN pip install --no-deps . \
 && useradd --system --uid 10001 --home-dir /app coopgraph

USER coopgraph
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
# DATABASE_URL must be set: the embedded server is for development machines only.
CMD ["coopgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
