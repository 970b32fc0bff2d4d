# Threadlab under gunicorn, static files by whitenoise. The container runs
# `make serve`, the same target a developer runs against PostgreSQL without Docker;
# docker-compose.yml's worker service runs `make worker` from the same image.
FROM python:3.11-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt Makefile manage.py ./
COPY config config
COPY threads threads
COPY annotate annotate
COPY templates templates
COPY static static
COPY examples examples
RUN make install EXTRAS= && useradd --create-home threadlab && mkdir -p var/jobs && chown -R threadlab var

USER threadlab
ENV HOST=0.0.0.0 PORT=8000 STATIC_ROOT=/app/var/static
EXPOSE 8000
CMD ["make", "serve"]
