# feedbot in a container: `feedbot serve` on port 3000 as the unprivileged user feedbot; the entrypoint migrates
# the database first (docker/entrypoint.sh). docs/deploying.md explains the compose file and replicas.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY adapters adapters
COPY storage storage
COPY feedbot feedbot
RUN python -m venv /opt/feedbot && /opt/feedbot/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/feedbot --create-home feedbot
COPY --from=build /opt/feedbot /opt/feedbot
COPY docker/entrypoint.sh /usr/local/bin/feedbot-entrypoint
ENV PATH=/opt/feedbot/bin:$PATH PYTHONUNBUFFERED=1 \
    FEEDBOT_DATABASE__URL=sqlite:////var/lib/feedbot/feedbot.db FEEDBOT_SERVER__HOST=0.0.0.0
USER feedbot
WORKDIR /var/lib/feedbot
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz')"
ENTRYPOINT ["feedbot-entrypoint"]
CMD ["serve"]
